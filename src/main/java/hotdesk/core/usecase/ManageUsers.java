package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.model.SecretHash;
import hotdesk.core.model.Target;
import hotdesk.core.model.User;
import hotdesk.core.policy.PinRules;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.policy.ValueRules;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerTx;

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

    /** The columns of {@code user import} / {@code user export}; {@link #PIN} is read on import only. */
    public static final String EXTENSION = "extension";
    public static final String NAME = "name";
    public static final String PIN = "pin";
    public static final String CONTEXT = "context";
    public static final String MAILBOX = "mailbox";
    public static final String HOTDESK = "hotdesk";
    public static final String ENABLED = "enabled";
    public static final String POLICY = "policy";
    /** Every column import reads besides {@link #EXTENSION}. */
    public static final List<String> COLUMNS = List.of(NAME, PIN, CONTEXT, MAILBOX, HOTDESK, ENABLED, POLICY);
    /** The columns export writes besides {@link #EXTENSION}: no PIN, ever. */
    public static final List<String> EXPORTED = List.of(NAME, CONTEXT, MAILBOX, HOTDESK, ENABLED, POLICY);

    public sealed interface Result {
    }

    public record Done(User user) implements Result {
    }

    public record Refused(String why) implements Result {
    }

    /** {@link #set} found every given value equal to the stored one: nothing written. */
    public record Unchanged(User user) implements Result {
    }

    /**
     * What {@link #set} changes; a null field stays as it is. {@code multiLogin} {@code global} removes
     * the user's own policy (the global {@code login.multi-login} applies again).
     */
    public record UserChanges(String name, String context, String mailbox, Boolean hotdesk, Boolean enabled,
                              String multiLogin) {
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
            insert(tx, user, actor);
            return new Done(user);
        });
    }

    /** Writes a new user, bumps them and audits it (also for {@link UserImport}). */
    void insert(LedgerTx tx, User user, String actor) {
        tx.insertUser(user);
        tx.bump(Target.user(user.extension()));
        tx.audit(new AuditEntry(clock.instant(), actor, "user.add", user.extension().value(), "name=" + user.name()
                + user.multiLogin().map(m -> " policy=" + m.value()).orElse("")));
    }

    /**
     * {@link #insert} for many users at once: the users, their revisions and their audit lines each in few
     * round trips (a bulk import's thousands). All or none, like the rest of the transaction.
     */
    void insertAll(LedgerTx tx, List<User> added, String actor) {
        if (added.isEmpty()) {
            return;
        }
        tx.insertUsers(added);
        tx.bump(added.stream().map(u -> Target.user(u.extension())).toArray(Target[]::new));
        Instant at = clock.instant();
        tx.auditAll(added.stream().map(u -> new AuditEntry(at, actor, "user.add", u.extension().value(), "name=" + u.name()
                + u.multiLogin().map(m -> " policy=" + m.value()).orElse(""))).toList());
    }

    /** A user record with a fresh random SIP secret nobody knows (the user has no own device). */
    User newUser(Extension ext, String name, SecretHash pin, boolean hotdesk, String context, String mailbox,
                 Optional<MultiLogin> multiLogin, boolean enabled) {
        return new User(ext, name, pin, hotdesk, context == null ? defaultContext : context, mailbox,
                Secrets.random(random, 24), false, multiLogin, enabled);
    }

    /** The PIN hashes of {@code ext} changed: guesses at the old PIN say nothing about the new one. */
    void pinChanged(LedgerTx tx, Extension ext, String actor) {
        tx.clearFailures(LogIn.userKey(ext));
        tx.failureCounts("at:" + ext.value() + "@", Instant.EPOCH).keySet().forEach(tx::clearFailures);
        tx.audit(new AuditEntry(clock.instant(), actor, "user.set-pin", ext.value(), ""));
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
            pinChanged(tx, ext, actor);
            return new Done(changed);
        });
    }

    /**
     * Changes a user's fields. Turning the account off ({@code enabled=false}) or its hot-desk right off
     * ends their desk session at once (reason DISABLED); a disabled account's logins are refused like a
     * wrong PIN and its own endpoint is taken off Asterisk. A change of name, context or mailbox while they
     * sit at a desk is pushed to that desk too. One transaction; audited with every change.
     */
    public Result set(String extension, UserChanges c, String actor) {
        Extension ext;
        Optional<Optional<MultiLogin>> policy;
        try {
            ext = Extension.of(extension);
            if (c.name() != null) {
                ValueRules.name("name", c.name());
            }
            if (c.context() != null) {
                ValueRules.context("context", c.context());
            }
            if (c.mailbox() != null) {
                ValueRules.mailbox("mailbox", c.mailbox());
            }
            policy = c.multiLogin() == null ? Optional.empty()
                    : Optional.of(c.multiLogin().strip().equalsIgnoreCase("global") ? Optional.empty()
                    : Optional.of(MultiLogin.parse("--policy", c.multiLogin())));
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        return ledger.transact(tx -> {
            Optional<User> found = tx.user(ext);
            if (found.isEmpty()) {
                return new Refused("no user " + ext);
            }
            User was = found.get();
            User now = new User(ext, c.name() == null ? was.name() : c.name(), was.pinHash(),
                    c.hotdesk() == null ? was.hotdeskEnabled() : c.hotdesk(),
                    c.context() == null ? was.context() : c.context(), c.mailbox() == null ? was.mailbox() : c.mailbox(),
                    was.sipSecret(), was.ownDevice(), policy.orElse(was.multiLogin()),
                    c.enabled() == null ? was.enabled() : c.enabled());
            if (update(tx, was, now, actor).isEmpty()) {
                return new Unchanged(was);
            }
            return new Done(now);
        });
    }

    /**
     * Writes {@code now} over {@code was} (same extension) when a field differs: unseats them when turned
     * off, pushes their desk, bumps and audits. Returns the differences (empty: nothing written).
     */
    List<String> update(LedgerTx tx, User was, User now, String actor) {
        Extension ext = now.extension();
        List<String> diffs = diffs(was, now);
        if (diffs.isEmpty()) {
            return diffs;
        }
        tx.updateUser(now);
        Instant at = clock.instant();
        Set<Target> touched = new java.util.LinkedHashSet<>();
        touched.add(Target.user(ext));
        List<hotdesk.core.model.Occupancy> seats = tx.seatsOfUser(ext);
        boolean unseat = !now.enabled() || !now.hotdeskEnabled();
        for (hotdesk.core.model.Occupancy seat : seats) {
            if (unseat) {
                tx.audit(new AuditEntry(at, actor, "logout", ext.value(), "desk=" + seat.endpointId()
                        + " reason=" + EndReason.DISABLED.shown()));
            } else {
                touched.add(Target.desk(seat.endpointId()));
            }
        }
        if (unseat) {
            touched.addAll(Seating.vacateUser(tx, ext, at, EndReason.DISABLED));
        }
        Seating.bump(tx, touched);
        tx.audit(new AuditEntry(at, actor, "user.set", ext.value(), String.join(" ", diffs)));
        return diffs;
    }

    static List<String> diffs(User was, User now) {
        List<String> d = new java.util.ArrayList<>();
        if (!was.name().equals(now.name())) {
            d.add("name=" + now.name().replace(' ', '_'));
        }
        if (!was.context().equals(now.context())) {
            d.add("context=" + now.context());
        }
        if (!was.mailbox().equals(now.mailbox())) {
            d.add("mailbox=" + (now.mailbox().isEmpty() ? "none" : now.mailbox()));
        }
        if (was.hotdeskEnabled() != now.hotdeskEnabled()) {
            d.add("hotdesk=" + (now.hotdeskEnabled() ? "on" : "off"));
        }
        if (was.enabled() != now.enabled()) {
            d.add("enabled=" + (now.enabled() ? "on" : "off"));
        }
        if (!was.multiLogin().equals(now.multiLogin())) {
            d.add("policy=" + now.multiLogin().map(MultiLogin::value).orElse("global"));
        }
        return d;
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

    /**
     * Upserts users by extension from rows (column {@value #EXTENSION} and any of {@link #COLUMNS}) in one
     * transaction, or none of them when any row is bad. A new user needs a name and a PIN; an existing
     * user's PIN changes only when the row gives one (checked by {@link PinRules}). PINs are hashed before
     * the transaction, in parallel. With {@code dryRun} nothing is written.
     */
    public Import.Result importRows(List<Import.Row> rows, boolean dryRun, String actor, Import.Progress progress) {
        return new UserImport(this, ledger, hasher, clock).run(rows, dryRun, actor, progress);
    }

    /** The value of one of {@link #EXPORTED} as export writes it. */
    public static String value(User u, String column) {
        return switch (column) {
            case NAME -> u.name();
            case CONTEXT -> u.context();
            case MAILBOX -> u.mailbox();
            case HOTDESK -> u.hotdeskEnabled() ? "on" : "off";
            case ENABLED -> u.enabled() ? "on" : "off";
            case POLICY -> u.multiLogin().map(MultiLogin::value).orElse("");
            default -> throw new IllegalArgumentException("not an exported user column: " + column);
        };
    }

    public List<User> list() {
        return ledger.read(tx -> tx.users());
    }
}
