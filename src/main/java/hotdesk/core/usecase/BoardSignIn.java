package hotdesk.core.usecase;

import hotdesk.core.model.AdminAccount;
import hotdesk.core.model.AdminSession;
import hotdesk.core.model.AuditEntry;
import hotdesk.core.policy.LockoutPolicy;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.port.Ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Signing in to the desk board and checking its sessions.
 *
 * <p>A sign-in checks the password against the account's PBKDF2 hash; an unknown name costs the same
 * hashing time and gives the same answer as a wrong password. Failures are counted per name (key
 * {@code admin:<name>}, in the ledger's failure counters) under {@code lockout}: a locked name is
 * refused before any password is checked, and that attempt is not counted. Every sign-in, refusal and
 * sign-out is audited with the account name and the client's address, never the password.
 *
 * <p>A session is a random 256-bit token that only the browser's cookie holds; the ledger keeps its
 * SHA-256 and an expiry ({@code ttl} after sign-in, not extended by use) and the session's CSRF token.
 * Sessions survive a restart of hotdesk and are valid on every node. Thread-safe.
 */
public final class BoardSignIn {

    public sealed interface Result {
    }

    /** @param token the session cookie's value: give it to the browser, keep it nowhere else */
    public record SignedIn(String token, Signed session) implements Result {
        @Override
        public String toString() {
            return "SignedIn[" + session + "]";
        }
    }

    /** Wrong name or password (which of them is not told). */
    public record Refused() implements Result {
    }

    /** Too many failures for this name: no password is checked until {@code until}. */
    public record Locked(Instant until) implements Result {
    }

    /** A valid session: who, in which role, and the CSRF token its POSTs must carry. */
    public record Signed(String name, AdminAccount.Role role, String csrfToken, Instant expires) {
        public boolean admin() {
            return role == AdminAccount.Role.ADMIN;
        }

        @Override
        public String toString() {
            return "Signed[" + name + " " + role.label() + " until " + expires + "]";
        }
    }

    private static final Base64.Encoder TOKEN = Base64.getUrlEncoder().withoutPadding();

    private final Ledger ledger;
    private final SecretHasher hasher;
    private final LockoutPolicy lockout;
    private final Duration ttl;
    private final SecureRandom random;
    private final Clock clock;

    public BoardSignIn(Ledger ledger, SecretHasher hasher, LockoutPolicy lockout, Duration ttl, SecureRandom random, Clock clock) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("admin.session-ttl must be positive, got " + ttl);
        }
        this.ledger = ledger;
        this.hasher = hasher;
        this.lockout = lockout;
        this.ttl = ttl;
        this.random = random;
        this.clock = clock;
    }

    /** The failure counter key of an account name. */
    public static String failureKey(String name) {
        return "admin:" + name;
    }

    /** @param from the client's address, for the audit */
    public Result signIn(String name, String password, String from) {
        String who = name == null ? "" : name;
        boolean validName = who.matches("[a-z0-9._-]{1,40}");
        String key = failureKey(validName ? who : "?");
        Instant start = clock.instant();
        Optional<Instant> locked = ledger.read(tx -> lockout.lockedUntil(tx.failureTimes(key, start.minus(lockout.lookBack())), start));
        if (locked.isPresent()) {
            audit(from, "admin.signin.locked", who, "until=" + locked.get());
            return new Locked(locked.get());
        }
        Optional<AdminAccount> account = validName ? ledger.read(tx -> tx.adminAccount(who)) : Optional.empty();
        if (account.isPresent() && !SecretHasher.readable(account.get().passwordHash())) {
            // a ledger row changed outside hotdesk: no password can match it, so nothing is guessed and nobody is
            // locked out for it; the audit says how to mend it
            audit(from, "admin.signin.rejected", who, "stored password hash unreadable (changed outside hotdesk): "
                    + "hotdesk admin remove " + who + ", then hotdesk admin add " + who);
            return new Refused();
        }
        boolean ok;
        if (account.isPresent()) {
            ok = hasher.verify(password == null ? "" : password, account.get().passwordHash());
        } else {
            hasher.verifyNothing(password == null ? "" : password);
            ok = false;
        }
        Instant now = clock.instant();
        if (!ok) {
            ledger.transact(tx -> {
                tx.recordFailure(key, now);
                tx.audit(new AuditEntry(now, "http:" + from, "admin.signin.rejected", printable(who), ""));
                return null;
            });
            return new Refused();
        }
        String token = randomToken();
        String csrf = randomToken();
        AdminAccount a = account.get();
        Instant expires = now.plus(ttl);
        ledger.transact(tx -> {
            tx.deleteExpiredAdminSessions(now);
            tx.insertAdminSession(new AdminSession(hash(token), a.name(), csrf, now, expires));
            tx.audit(new AuditEntry(now, "http:" + from, "admin.signin", a.name(), "role=" + a.role().label()));
            return null;
        });
        return new SignedIn(token, new Signed(a.name(), a.role(), csrf, expires));
    }

    /** The session of a cookie's token, if it is one, not expired and its account still exists. Read-only. */
    public Optional<Signed> session(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return ledger.read(tx -> tx.adminSession(hash(token))
                .filter(s -> s.expires().isAfter(now))
                .flatMap(s -> tx.adminAccount(s.name()).map(a -> new Signed(a.name(), a.role(), s.csrfToken(), s.expires()))));
    }

    /** Ends the session of this token; nothing when there is none. */
    public void signOut(String token, String from) {
        Optional<Signed> s = session(token);
        if (s.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        ledger.transact(tx -> {
            tx.deleteAdminSession(hash(token));
            tx.audit(new AuditEntry(now, "http:" + from, "admin.signout", s.get().name(), ""));
            return null;
        });
    }

    /** Whether {@code given} is the session's CSRF token, compared in constant time. */
    public static boolean csrfMatches(Signed session, String given) {
        return given != null && MessageDigest.isEqual(session.csrfToken().getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    /** Accounts currently locked out, for status views. Read-only. */
    public List<String> lockedNames() {
        Instant now = clock.instant();
        return ledger.read(tx -> tx.failureCounts("admin:", now.minus(lockout.lookBack())).keySet().stream()
                .filter(k -> lockout.locked(tx.failureTimes(k, now.minus(lockout.lookBack())), now))
                .map(k -> k.substring("admin:".length())).toList());
    }

    private void audit(String from, String action, String subject, String detail) {
        Instant now = clock.instant();
        ledger.transact(tx -> {
            tx.audit(new AuditEntry(now, "http:" + from, action, printable(subject), detail));
            return null;
        });
    }

    private String randomToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return TOKEN.encodeToString(b);
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable in this JDK", e);
        }
    }

    private static String printable(String s) {
        String p = s.replaceAll("\\p{Cntrl}", "?");
        return p.length() > 40 ? p.substring(0, 40) : p;
    }
}
