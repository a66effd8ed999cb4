package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.SecretHash;
import hotdesk.core.model.OtpRecord;
import hotdesk.core.model.Target;
import hotdesk.core.model.User;
import hotdesk.core.policy.LockoutPolicy;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerTx;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Seats a user at a desk line, by extension + PIN or by one-time code.
 *
 * <p>One ledger transaction: check the desk, the lockouts and the credential; on success end the
 * desk's previous occupancy (REPLACED) and the user's occupancy elsewhere (MOVED), seat the user and
 * bump the touched targets. Then apply them to Asterisk at once; if Asterisk is unreachable the login
 * still stands ({@code applied=false}) and the reconciler finishes the job.
 *
 * <p>Failures are results, not exceptions. Wrong PIN and unknown extension give the same
 * {@link Reason#BAD_CREDENTIALS} after the same amount of work, so a caller cannot probe which
 * extensions exist. Every failure counts against the user (when known) and the desk. Thread-safe.
 */
public final class LogIn {

    public sealed interface Credential {
        /** How the credential is named in audit lines; never the secret. */
        String describe();
    }

    public record Pin(Extension extension, String pin) implements Credential {
        @Override
        public String describe() {
            return "pin ext=" + extension;
        }

        @Override
        public String toString() {
            return "Pin[" + extension + ", ***]";
        }
    }

    public record OneTimeCode(String code) implements Credential {
        @Override
        public String describe() {
            return "otp";
        }

        @Override
        public String toString() {
            return "OneTimeCode[***]";
        }
    }

    public enum Reason {
        /** The calling endpoint is not a hot-desk line. */
        NOT_A_DESK,
        /** The desk device is disabled by an admin. */
        DESK_DISABLED,
        /** Wrong PIN, unknown extension, or unknown/expired/used code: deliberately one answer. */
        BAD_CREDENTIALS,
        /** Too many failures for this user or this desk; try later. */
        LOCKED,
        /** The user exists and the PIN was right, but hot desking is disabled for them. */
        NOT_ALLOWED
    }

    public sealed interface Result {
    }

    /**
     * @param replaced  who sat at this desk before and was logged out
     * @param movedFrom the desk line the user was logged out of
     * @param applied   whether Asterisk already matches (false: it will shortly)
     */
    public record LoggedIn(User user, String endpointId, Optional<Extension> replaced, Optional<String> movedFrom,
                           boolean applied) implements Result {
    }

    public record Rejected(Reason reason) implements Result {
    }

    private final Ledger ledger;
    private final SecretHasher hasher;
    private final LockoutPolicy lockout;
    private final ApplyNow applyNow;
    private final Clock clock;

    public LogIn(Ledger ledger, SecretHasher hasher, LockoutPolicy lockout, ApplyNow applyNow, Clock clock) {
        this.ledger = ledger;
        this.hasher = hasher;
        this.lockout = lockout;
        this.applyNow = applyNow;
        this.clock = clock;
    }

    /**
     * Whether the endpoint is a hot-desk line. Read-only; lets a script refuse another caller before
     * asking for a PIN (LogIn itself refuses such a call again, before looking at any credential).
     */
    public boolean isDesk(String endpointId) {
        return ledger.read(tx -> tx.line(endpointId).isPresent());
    }

    public static String userKey(Extension e) {
        return "user:" + e.value();
    }

    public static String deskKey(String endpointId) {
        return "desk:" + endpointId;
    }

    private record Outcome(Result result, Set<Target> touched) {
    }

    /**
     * @param endpointId the calling channel's endpoint, as Asterisk reports it — never dialled digits
     * @param actor      who asks, for the audit ({@code agi:<uniqueid>})
     */
    public Result execute(String endpointId, Credential credential, String actor) {
        Checked checked = check(endpointId, credential);
        Outcome o = ledger.transact(tx -> decide(tx, endpointId, credential, checked, actor));
        if (o.result() instanceof LoggedIn in) {
            boolean applied = applyNow.apply(o.touched());
            return new LoggedIn(in.user(), in.endpointId(), in.replaced(), in.movedFrom(), applied);
        }
        return o.result();
    }

    /**
     * What the credential matched, found before the write transaction: PBKDF2 costs tens of
     * milliseconds per hash (one per live code for a one-time code) and must not hold the ledger's
     * write lock. The transaction then only asks whether that match still stands: the user's PIN hash
     * is still {@code pinHash} (not changed meanwhile), or code {@code otpId} is still live (not used,
     * voided or expired meanwhile).
     */
    private record Checked(Optional<SecretHash> pinHash, Optional<Long> otpId) {
        static final Checked NOTHING = new Checked(Optional.empty(), Optional.empty());
    }

    private Checked check(String endpointId, Credential credential) {
        Instant now = clock.instant();
        if (credential instanceof Pin pin) {
            Optional<SecretHash> stored = ledger.read(tx -> tx.line(endpointId).isEmpty() ? Optional.<SecretHash>empty()
                    : tx.user(pin.extension()).map(User::pinHash));
            if (stored.isEmpty()) {
                hasher.verifyNothing(pin.pin()); // an unknown user costs what a known one does
                return Checked.NOTHING;
            }
            return hasher.verify(pin.pin(), stored.get()) ? new Checked(stored, Optional.empty()) : Checked.NOTHING;
        }
        OneTimeCode code = (OneTimeCode) credential;
        List<OtpRecord> live = ledger.read(tx -> tx.line(endpointId).isEmpty() ? List.<OtpRecord>of() : tx.liveOtps(now));
        return live.stream().filter(r -> hasher.verify(code.code(), r.hash())).findFirst()
                .map(r -> new Checked(Optional.empty(), Optional.of(r.id()))).orElse(Checked.NOTHING);
    }

    private Outcome decide(LedgerTx tx, String endpointId, Credential credential, Checked checked, String actor) {
        Instant now = clock.instant();
        Optional<DeskLine> line = tx.line(endpointId);
        if (line.isEmpty()) {
            return reject(tx, now, actor, endpointId, credential, Reason.NOT_A_DESK, null);
        }
        Device device = tx.device(line.get().mac()).orElseThrow();
        if (!device.enabled()) {
            return reject(tx, now, actor, endpointId, credential, Reason.DESK_DISABLED, null);
        }
        String deskKey = deskKey(endpointId);
        if (locked(tx, deskKey, now)) {
            return reject(tx, now, actor, endpointId, credential, Reason.LOCKED, null);
        }

        Optional<User> user;
        Optional<OtpRecord> otp = Optional.empty();
        if (credential instanceof Pin pin) {
            user = tx.user(pin.extension());
            if (user.isEmpty()) {
                return reject(tx, now, actor, endpointId, credential, Reason.BAD_CREDENTIALS, deskKey);
            }
            if (locked(tx, userKey(pin.extension()), now)) {
                return reject(tx, now, actor, endpointId, credential, Reason.LOCKED, null);
            }
            if (!checked.pinHash().equals(Optional.of(user.get().pinHash()))) {
                tx.recordFailure(userKey(pin.extension()), now);
                return reject(tx, now, actor, endpointId, credential, Reason.BAD_CREDENTIALS, deskKey);
            }
        } else {
            otp = tx.liveOtps(now).stream().filter(r -> checked.otpId().equals(Optional.of(r.id()))).findFirst();
            if (otp.isEmpty()) {
                return reject(tx, now, actor, endpointId, credential, Reason.BAD_CREDENTIALS, deskKey);
            }
            user = tx.user(otp.get().extension());
            if (user.isEmpty()) {
                return reject(tx, now, actor, endpointId, credential, Reason.BAD_CREDENTIALS, deskKey);
            }
            tx.consumeOtp(otp.get().id(), now);
        }
        User u = user.get();
        if (!u.hotdeskEnabled()) {
            return reject(tx, now, actor, endpointId, credential, Reason.NOT_ALLOWED, null);
        }
        tx.clearFailures(userKey(u.extension()));
        tx.clearFailures(deskKey);

        Set<Target> touched = new LinkedHashSet<>();
        Optional<Occupancy> here = tx.occupancyOfLine(endpointId);
        Optional<Extension> replaced = Optional.empty();
        if (here.isPresent() && !here.get().extension().equals(u.extension())) {
            replaced = Optional.of(here.get().extension());
            touched.addAll(Seating.vacateLine(tx, endpointId, now, EndReason.REPLACED));
        }
        Optional<String> movedFrom = Optional.empty();
        Optional<Occupancy> elsewhere = tx.occupancyOfUser(u.extension());
        if (elsewhere.isPresent() && !elsewhere.get().endpointId().equals(endpointId)) {
            movedFrom = Optional.of(elsewhere.get().endpointId());
            touched.addAll(Seating.vacateLine(tx, elsewhere.get().endpointId(), now, EndReason.MOVED));
        }
        if (tx.occupancyOfLine(endpointId).isEmpty()) {
            tx.occupy(new Occupancy(endpointId, u.extension(), now, now));
        }
        touched.add(Target.desk(endpointId));
        touched.add(Target.user(u.extension()));
        Seating.bump(tx, touched);
        tx.audit(new AuditEntry(now, actor, "login", u.extension().value(),
                "desk=" + endpointId + " by=" + credential.describe()
                        + replaced.map(r -> " replaced=" + r).orElse("")
                        + movedFrom.map(m -> " moved-from=" + m).orElse("")));
        return new Outcome(new LoggedIn(u, endpointId, replaced, movedFrom, false), touched);
    }

    private boolean locked(LedgerTx tx, String key, Instant now) {
        int failures = tx.failuresSince(key, lockout.windowStart(now));
        return lockout.lockedUntil(failures, tx.lastFailure(key), now).isPresent();
    }

    private static Outcome reject(LedgerTx tx, Instant now, String actor, String endpointId, Credential credential,
                                  Reason reason, String failureKey) {
        if (failureKey != null) {
            tx.recordFailure(failureKey, now);
        }
        tx.audit(new AuditEntry(now, actor, "login.rejected", endpointId, reason + " " + credential.describe()));
        return new Outcome(new Rejected(reason), Set.of());
    }
}
