package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.model.Target;
import hotdesk.core.model.User;
import hotdesk.core.policy.PinRules;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.policy.ValueRules;
import hotdesk.core.port.Ledger;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Admin changes to users. Each is one ledger transaction that bumps the touched targets; a running
 * server applies them within its poll interval. Input is validated here with messages that name the
 * field; a refused change writes nothing. Thread-safe.
 */
public final class ManageUsers {

    public sealed interface Result {
    }

    public record Done(User user) implements Result {
    }

    public record Refused(String why) implements Result {
    }

    /**
     * What an admin gives for a new user. {@code sipSecret} may be null: a random one nobody knows is
     * used. {@code multiLogin} may be null: the global {@code login.multi-login} applies to them.
     */
    public record NewUser(String extension, String name, String pin, String context, String mailbox, String sipSecret,
                          boolean hotdeskEnabled, String multiLogin) {
        public NewUser(String extension, String name, String pin, String context, String mailbox, String sipSecret,
                       boolean hotdeskEnabled) {
            this(extension, name, pin, context, mailbox, sipSecret, hotdeskEnabled, null);
        }

        @Override
        public String toString() {
            return "NewUser[" + extension + " '" + name + "']";
        }
    }

    private final Ledger ledger;
    private final SecretHasher hasher;
    private final SecureRandom random;
    private final String defaultContext;
    private final Clock clock;

    public ManageUsers(Ledger ledger, SecretHasher hasher, SecureRandom random, String defaultContext, Clock clock) {
        this.ledger = ledger;
        this.hasher = hasher;
        this.random = random;
        this.defaultContext = defaultContext;
        this.clock = clock;
    }

    public Result add(NewUser n, String actor) {
        User user;
        try {
            Extension ext = Extension.of(n.extension());
            ValueRules.name("name", n.name());
            Optional<String> pinProblem = PinRules.problem(n.pin(), ext);
            if (pinProblem.isPresent()) {
                return new Refused(pinProblem.get());
            }
            String context = ValueRules.context("context", n.context() == null ? defaultContext : n.context());
            String mailbox = ValueRules.mailbox("mailbox", n.mailbox());
            boolean own = n.sipSecret() != null;
            String secret = own ? ValueRules.chosenSecret("sip secret", n.sipSecret()) : Secrets.random(random, 24);
            Optional<MultiLogin> multiLogin = n.multiLogin() == null ? Optional.empty()
                    : Optional.of(MultiLogin.parse("--policy", n.multiLogin()));
            user = new User(ext, n.name(), hasher.hash(n.pin()), n.hotdeskEnabled(), context, mailbox, secret, own,
                    multiLogin);
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        return ledger.transact(tx -> {
            if (tx.user(user.extension()).isPresent()) {
                return new Refused("user " + user.extension() + " exists already");
            }
            tx.insertUser(user);
            tx.bump(Target.user(user.extension()));
            tx.audit(new AuditEntry(clock.instant(), actor, "user.add", user.extension().value(), "name=" + user.name()
                    + user.multiLogin().map(m -> " policy=" + m.value()).orElse("")));
            return new Done(user);
        });
    }

    public Result setPin(String extension, String pin, String actor) {
        Extension ext;
        try {
            ext = Extension.of(extension);
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        Optional<String> problem = PinRules.problem(pin, ext);
        if (problem.isPresent()) {
            return new Refused(problem.get());
        }
        var hash = hasher.hash(pin);
        return ledger.transact(tx -> {
            Optional<User> u = tx.user(ext);
            if (u.isEmpty()) {
                return new Refused("no user " + ext);
            }
            User changed = u.get().withPin(hash);
            tx.updateUser(changed);
            // guesses at the old PIN say nothing about the new one: its counters start afresh
            tx.clearFailures(LogIn.userKey(ext));
            tx.failureCounts("at:" + ext.value() + "@", Instant.EPOCH).keySet().forEach(tx::clearFailures);
            tx.audit(new AuditEntry(clock.instant(), actor, "user.set-pin", ext.value(), ""));
            return new Done(changed);
        });
    }

    /** Removes the user, ending their desk session first. */
    public Result remove(String extension, String actor) {
        Extension ext;
        try {
            ext = Extension.of(extension);
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        return ledger.transact(tx -> {
            Optional<User> u = tx.user(ext);
            if (u.isEmpty()) {
                return new Refused("no user " + ext);
            }
            Instant now = clock.instant();
            Set<Target> touched = Seating.vacateUser(tx, ext, now, EndReason.REMOVED);
            tx.deleteUser(ext);
            touched.add(Target.user(ext));
            Seating.bump(tx, touched);
            tx.audit(new AuditEntry(now, actor, "user.remove", ext.value(), ""));
            return new Done(u.get());
        });
    }

    public List<User> list() {
        return ledger.read(tx -> tx.users());
    }
}
