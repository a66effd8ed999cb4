package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Device;
import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.OtpRecord;
import hotdesk.core.model.SecretHash;
import hotdesk.core.model.Target;
import hotdesk.core.model.User;
import hotdesk.core.policy.SeatingPolicy;
import hotdesk.core.policy.SeatingPolicy.Alert;
import hotdesk.core.policy.SeatingPolicy.Check;
import hotdesk.core.policy.SeatingPolicy.CheckCredential;
import hotdesk.core.policy.SeatingPolicy.Decision;
import hotdesk.core.policy.SeatingPolicy.LoginFacts;
import hotdesk.core.policy.SeatingPolicy.Refuse;
import hotdesk.core.policy.SeatingPolicy.Seat;
import hotdesk.core.policy.SeatingPolicy.Via;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.port.CommitInDoubtException;
import hotdesk.core.port.DeskEvents;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerException;
import hotdesk.core.port.LedgerTx;
import hotdesk.core.port.Telemetry;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Seats a user at a desk line, by extension + PIN or by one-time code: loads the facts, asks the
 * {@link SeatingPolicy}, applies its decision.
 *
 * <p>First a read-only look: a refusal that needs no credential (not a desk, disabled desk, any
 * lockout) is decided there and costs no hashing. Then the credential is checked outside any write
 * transaction (PBKDF2 costs tens of milliseconds per hash and must not hold the ledger's write lock).
 * Then one write transaction loads the facts again, with the check result as it still stands, and
 * applies the decision: count the failure, or end the desk's previous occupancy (REPLACED) and the
 * user's seat elsewhere (MOVED), seat the user and bump the touched targets. Then apply them to
 * Asterisk at once; if Asterisk is unreachable the login still stands ({@code applied=false}) and the
 * reconciler finishes the job.
 *
 * <p>Failures are results, not exceptions. Wrong PIN, unknown extension and a user without hot-desk
 * rights give the same {@link Reason#BAD_CREDENTIALS} after the same amount of work and are counted
 * alike, so a caller cannot probe which extensions exist or whose PIN was right; the audit keeps the
 * real reason. A successful login resets no counter. Thread-safe.
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
        /**
         * Wrong PIN, unknown extension, unknown/expired/used code, or a right one of a user without
         * hot-desk rights: deliberately one answer.
         */
        BAD_CREDENTIALS,
        /** Too many failures of this extension here or everywhere, or at this desk; try later. */
        LOCKED,
        /** The user sits at another desk and their multi-login policy is deny. */
        ALREADY_SEATED
    }

    public sealed interface Result {
    }

    /**
     * @param replaced  who sat at this desk before and was logged out
     * @param movedFrom the desk lines the user was logged out of (one at most, unless their policy was
     *                  allow when they took the others)
     * @param alongside whether the user keeps seats at other desks (multi-login allow)
     * @param applied   whether Asterisk already matches (false: it will shortly)
     */
    public record LoggedIn(User user, String endpointId, Optional<Extension> replaced, List<String> movedFrom,
                           boolean alongside, boolean applied) implements Result {
        public LoggedIn {
            movedFrom = List.copyOf(movedFrom);
        }
    }

    /** @param alerts failures across desks that reached the alert level with this one (security log) */
    public record Rejected(Reason reason, List<Alert> alerts) implements Result {
        public Rejected {
            alerts = List.copyOf(alerts);
        }

        public Rejected(Reason reason) {
            this(reason, List.of());
        }
    }

    private final Ledger ledger;
    private final SecretHasher hasher;
    private final SeatingPolicy policy;
    private final ApplyNow applyNow;
    private final Clock clock;
    private final DeskEvents events;
    private final Telemetry telemetry;
    private final LoginGate gate;

    public LogIn(Ledger ledger, SecretHasher hasher, SeatingPolicy policy, ApplyNow applyNow, Clock clock) {
        this(ledger, hasher, policy, applyNow, clock, DeskEvents.none());
    }

    /** @param events told of the desks and users a login changed, right after it committed */
    public LogIn(Ledger ledger, SecretHasher hasher, SeatingPolicy policy, ApplyNow applyNow, Clock clock, DeskEvents events) {
        this(ledger, hasher, policy, applyNow, clock, events, Telemetry.none());
    }

    /** @param telemetry told of every login's result and duration */
    public LogIn(Ledger ledger, SecretHasher hasher, SeatingPolicy policy, ApplyNow applyNow, Clock clock, DeskEvents events,
                 Telemetry telemetry) {
        this(ledger, hasher, policy, applyNow, clock, events, telemetry, LoginGate.open());
    }

    /** @param gate how many logins work at once; the others queue, and past its wait are turned away as busy */
    public LogIn(Ledger ledger, SecretHasher hasher, SeatingPolicy policy, ApplyNow applyNow, Clock clock, DeskEvents events,
                 Telemetry telemetry, LoginGate gate) {
        this.gate = gate;
        this.telemetry = telemetry;
        this.events = events;
        this.ledger = ledger;
        this.hasher = hasher;
        this.policy = policy;
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

    /** Failures of an extension (a user or not) at every desk. */
    public static String userKey(Extension e) {
        return "user:" + e.value();
    }

    /** Failures at a desk line, whoever they were for. */
    public static String deskKey(String endpointId) {
        return "desk:" + endpointId;
    }

    /** Failures of an extension at one desk line. */
    public static String userAtDeskKey(Extension e, String endpointId) {
        return "at:" + e.value() + "@" + endpointId;
    }

    /** Wrong one-time codes dialled while the user's code was live. */
    public static String codeKey(Extension e) {
        return "code:" + e.value();
    }

    private record Outcome(Result result, Set<Target> touched) {
    }

    /**
     * What the credential matched, found outside the write transaction. The transaction then only asks
     * whether that match still stands: the user's PIN hash is still {@code pinHash} (not changed
     * meanwhile), or code {@code otpId} is still live (not used, voided or expired meanwhile).
     */
    private record Checked(Optional<SecretHash> pinHash, Optional<Long> otpId) {
        static final Checked NOTHING = new Checked(Optional.empty(), Optional.empty());
    }

    /**
     * The first look: the facts and, for a code, the live codes to hash.
     *
     * @param noSuchLength a PIN login's typed extension is nobody's and no user's extension has its length (asked
     *                     only on the first look, and only when the extension is unknown: a known one costs nothing more)
     */
    private record FirstLook(LoginFacts facts, List<OtpRecord> liveCodes, boolean noSuchLength) {
    }

    /**
     * @param endpointId the calling channel's endpoint, as Asterisk reports it — never dialled digits
     * @param actor      who asks, for the audit ({@code agi:<uniqueid>})
     */
    public Result execute(String endpointId, Credential credential, String actor) {
        Telemetry.Login timing = telemetry.loginStarted();
        String outcome = "error";
        try {
            Result r = seat(endpointId, credential, actor);
            outcome = r instanceof Rejected rejected ? rejected.reason().name().toLowerCase(java.util.Locale.ROOT) : "ok";
            return r;
        } catch (LoginGate.Busy busy) {
            outcome = "busy";
            throw busy;
        } finally {
            timing.ended(outcome);
        }
    }

    private Result seat(String endpointId, Credential credential, String actor) {
        Outcome o;
        try (LoginGate.Entry turn = gate.enter()) {
            o = decide(endpointId, credential, actor);
        }
        if (o.result() instanceof LoggedIn in) {
            events.changed(o.touched());
            boolean applied = applyNow.apply(o.touched());
            return new LoggedIn(in.user(), in.endpointId(), in.replaced(), in.movedFrom(), in.alongside(), applied);
        }
        return o.result();
    }

    /** The work behind the gate: read, hash, commit. Asterisk is told after the turn is given back. */
    private Outcome decide(String endpointId, Credential credential, String actor) {
        FirstLook look = ledger.read(tx -> facts(tx, endpointId, credential, null, clock.instant()));
        Decision first = policy.before(look.facts());
        Optional<SeatingPolicy.Why> nobodys = guessesNothing(credential, look);
        Outcome o;
        if (first instanceof Refuse refuse) {
            // refused before any hashing; counts nothing, so the view of the first look will do
            o = commit(tx -> apply(tx, refuse, look.facts(), credential, Checked.NOTHING, actor, clock.instant()));
        } else if (nobodys.isPresent()) {
            // refused as any wrong PIN is, but charged to nobody and not hashed: these digits can match no one
            Refuse free = new Refuse(SeatingPolicy.Shown.BAD_CREDENTIALS, nobodys.get(), SeatingPolicy.Charge.NONE, List.of());
            o = commit(tx -> apply(tx, free, look.facts(), credential, Checked.NOTHING, actor, clock.instant()));
        } else {
            Checked checked = check(look, credential, ((CheckCredential) first).codeOwners());
            o = commit(tx -> {
                Instant now = clock.instant();
                LoginFacts facts = facts(tx, endpointId, credential, checked, now).facts();
                return apply(tx, policy.decide(facts), facts, credential, checked, actor, now);
            });
        }
        return o;
    }

    /**
     * Runs the login's write transaction. When its commit is in doubt (the database's session broke during the COMMIT),
     * the answer is what the ledger holds, read back once it answers: a seat it holds is a login (the caller is told OK
     * and Asterisk follows), one it does not hold a failure; a refusal stands either way (whether its failure was counted
     * or not, the credential was wrong). If the read-back fails too, the doubt is the answer (an error).
     */
    private Outcome commit(Ledger.Work<Outcome> work) {
        AtomicReference<Outcome> last = new AtomicReference<>();
        try {
            return ledger.transact(tx -> {
                Outcome o = work.run(tx);
                last.set(o); // a conflict runs the work again: the last run is the one committed
                return o;
            });
        } catch (CommitInDoubtException doubt) {
            Outcome o = last.get();
            if (o == null) {
                throw doubt;
            }
            if (!(o.result() instanceof LoggedIn in)) {
                return o;
            }
            boolean seated;
            try {
                seated = ledger.read(tx -> tx.occupancyOfLine(in.endpointId())
                        .filter(here -> here.extension().equals(in.user().extension())).isPresent());
            } catch (LedgerException unreadable) {
                doubt.addSuppressed(unreadable);
                throw doubt;
            }
            if (seated) {
                return o;
            }
            throw new LedgerException("ledger: the login of " + in.user().extension().value() + " at " + in.endpointId()
                    + " did not take effect: its commit was cut off and the ledger, read back, does not seat it", doubt);
        }
    }

    /**
     * Why a PIN login's digits can be nobody's credential ({@link SeatingPolicy.Why#NOT_A_PIN}: no PIN has that many
     * digits; {@link SeatingPolicy.Why#NOT_AN_EXTENSION}: no extension has that many), or empty when they may be.
     */
    private static Optional<SeatingPolicy.Why> guessesNothing(Credential credential, FirstLook look) {
        if (!(credential instanceof Pin pin)) {
            return Optional.empty();
        }
        if (!hotdesk.core.policy.PinRules.couldBeAPin(pin.pin())) {
            return Optional.of(SeatingPolicy.Why.NOT_A_PIN);
        }
        return look.noSuchLength() ? Optional.of(SeatingPolicy.Why.NOT_AN_EXTENSION) : Optional.empty();
    }

    private Checked check(FirstLook look, Credential credential, Set<Extension> codeOwners) {
        if (credential instanceof Pin pin) {
            Optional<SecretHash> stored = look.facts().user().map(User::pinHash);
            if (stored.isEmpty()) {
                hasher.verifyNothing(pin.pin()); // an unknown user costs what a known one does
                return Checked.NOTHING;
            }
            if (!SecretHasher.readable(stored.get())) {
                // a ledger row damaged outside hotdesk: refusing it as a wrong PIN would charge the user and the desk for
                // it until they are locked out, with nobody told why
                throw new IllegalStateException("user " + pin.extension().value() + "'s stored PIN hash is unreadable (the "
                        + "ledger row was changed outside hotdesk): set a new PIN with `hotdesk user set-pin "
                        + pin.extension().value() + "`");
            }
            return hasher.verify(pin.pin(), stored.get()) ? new Checked(stored, Optional.empty()) : Checked.NOTHING;
        }
        OneTimeCode code = (OneTimeCode) credential;
        // derived once per salt, and live codes share their salts (SecretHasher.codeSalt), not once per live code
        SecretHasher.Matcher typed = hasher.matcher(code.code());
        return look.liveCodes().stream()
                .filter(r -> codeOwners.contains(r.extension()))
                .filter(r -> typed.matches(r.hash()))
                .findFirst()
                .map(r -> new Checked(Optional.empty(), Optional.of(r.id()))).orElse(Checked.NOTHING);
    }

    /**
     * The facts of this login as the ledger holds them now, and for a code the live codes (empty for a PIN, or
     * when the endpoint is no desk). {@code checked} null: the credential has not been looked at yet.
     * Every failure count the lockout needs comes in one read ({@link LedgerTx#failureTimes(Set, Instant)}).
     */
    private FirstLook facts(LedgerTx tx, String endpointId, Credential credential, Checked checked, Instant now) {
        Via via = credential instanceof Pin ? Via.PIN : Via.CODE;
        Optional<Extension> typed = credential instanceof Pin pin ? Optional.of(pin.extension()) : Optional.empty();
        Optional<DeskLine> line = tx.line(endpointId);
        if (line.isEmpty()) {
            return new FirstLook(new LoginFacts(now, via, Optional.empty(), typed, Optional.empty(), check(checked, false),
                    List.of(), List.of(), Map.of(), List.of(), false), List.of(), false);
        }
        Instant since = now.minus(policy.limits().lookBack());
        boolean enabled = tx.device(line.get().mac()).map(Device::enabled).orElse(false);
        Optional<Occupancy> occupant = tx.occupancyOfLine(endpointId);
        List<OtpRecord> live = typed.isPresent() ? List.of() : tx.liveOtps(now);
        Set<String> keys = new LinkedHashSet<>();
        keys.add(deskKey(endpointId));
        typed.ifPresent(ext -> keys.addAll(List.of(userAtDeskKey(ext, endpointId), userKey(ext))));
        live.forEach(r -> keys.add(codeKey(r.extension())));
        Map<String, List<Instant>> failures = tx.failureTimes(keys, since);
        SeatingPolicy.Desk desk = new SeatingPolicy.Desk(endpointId, enabled, failures.get(deskKey(endpointId)), occupant);
        Optional<User> user;
        List<Instant> atDesk = List.of();
        List<Instant> userFailures = List.of();
        Map<Extension, List<Instant>> liveCodes = new LinkedHashMap<>();
        boolean right;
        boolean trusted = false;
        if (typed.isPresent()) {
            Extension ext = typed.get();
            user = tx.user(ext);
            atDesk = failures.get(userAtDeskKey(ext, endpointId));
            userFailures = failures.get(userKey(ext));
            // only matters while the extension is locked across desks, so the login path asks nothing more
            // otherwise; asked for every extension typed, a user or not: the same work either way
            trusted = policy.limits().user().locked(userFailures, now)
                    && tx.recentDesks(ext, now.minus(policy.limits().trustedFor()), policy.limits().trustedDesks())
                    .contains(endpointId);
            right = checked != null && checked.pinHash().isPresent() && user.map(User::pinHash).equals(checked.pinHash());
        } else {
            for (OtpRecord r : live) {
                liveCodes.put(r.extension(), failures.get(codeKey(r.extension())));
            }
            Optional<OtpRecord> matched = checked == null ? Optional.empty()
                    : live.stream().filter(r -> checked.otpId().equals(Optional.of(r.id()))).findFirst();
            user = matched.flatMap(r -> tx.user(r.extension()));
            userFailures = user.map(u -> liveCodes.getOrDefault(u.extension(), List.of())).orElse(List.of());
            right = user.isPresent();
        }
        List<Occupancy> seats = user.isPresent() ? tx.seatsOfUser(user.get().extension()) : List.of();
        boolean noSuchLength = checked == null && typed.isPresent() && user.isEmpty()
                && !tx.anyExtensionOfLength(typed.get().value().length());
        return new FirstLook(new LoginFacts(now, via, Optional.of(desk), typed, user, check(checked, right), atDesk, userFailures,
                liveCodes, seats, trusted), live, noSuchLength);
    }

    private static Check check(Checked checked, boolean right) {
        return checked == null ? Check.UNCHECKED : right ? Check.RIGHT : Check.WRONG;
    }

    private Outcome apply(LedgerTx tx, Decision decision, LoginFacts facts, Credential credential, Checked checked,
                          String actor, Instant now) {
        String endpointId = facts.desk().map(SeatingPolicy.Desk::endpointId).orElse(null);
        if (decision instanceof Refuse r) {
            String where = endpointId != null ? endpointId : "-";
            if (r.charge().desk()) {
                tx.recordFailure(deskKey(endpointId), now);
            }
            r.charge().pinOf().ifPresent(ext -> {
                tx.recordFailure(userAtDeskKey(ext, endpointId), now);
                tx.recordFailure(userKey(ext), now);
            });
            r.charge().codesOf().forEach(owner -> tx.recordFailure(codeKey(owner), now));
            // a right code names its owner (a disabled user, a deny policy): the audit finds it by extension
            String owner = credential instanceof OneTimeCode ? facts.user().map(u -> " ext=" + u.extension().value()).orElse("") : "";
            tx.audit(new AuditEntry(now, actor, "login.rejected", where, r.why() + " " + credential.describe() + owner));
            for (Alert a : r.alerts()) {
                tx.audit(new AuditEntry(now, actor, "login.alert", a.extension().value(), describe(a, where)));
            }
            return new Outcome(new Rejected(Reason.valueOf(r.shown().name()), r.alerts()), Set.of());
        }
        Seat seat = (Seat) decision;
        User u = seat.user();
        checked.otpId().ifPresent(id -> tx.consumeOtp(id, now));
        Set<Target> touched = new LinkedHashSet<>();
        seat.replace().ifPresent(o -> touched.addAll(Seating.vacateLine(tx, o.endpointId(), now, EndReason.REPLACED)));
        seat.moveFrom().forEach(o -> touched.addAll(Seating.vacateLine(tx, o.endpointId(), now, EndReason.MOVED)));
        // a seat is decided on facts read in this transaction, and only the vacates above changed seats since
        boolean vacatedHere = seat.replace().map(Occupancy::endpointId).filter(endpointId::equals).isPresent()
                || seat.moveFrom().stream().anyMatch(o -> o.endpointId().equals(endpointId));
        if (facts.desk().flatMap(SeatingPolicy.Desk::occupant).isEmpty() || vacatedHere) {
            Occupancy here = new Occupancy(endpointId, u.extension(), now, now);
            if (seat.alongside()) {
                tx.occupyAlongside(here);
            } else {
                tx.occupy(here);
            }
        }
        touched.add(Target.desk(endpointId));
        touched.add(Target.user(u.extension()));
        Seating.bump(tx, touched);
        Optional<Extension> replaced = seat.replace().map(Occupancy::extension);
        List<String> movedFrom = seat.moveFrom().stream().map(Occupancy::endpointId).toList();
        List<String> others = seat.alongside() ? tx.seatsOfUser(u.extension()).stream().map(Occupancy::endpointId)
                .filter(e -> !e.equals(endpointId)).toList() : List.of();
        tx.audit(new AuditEntry(now, actor, "login", u.extension().value(),
                "desk=" + endpointId + " by=" + credential.describe()
                        + replaced.map(r -> " replaced=" + r).orElse("")
                        + (movedFrom.isEmpty() ? "" : " moved-from=" + String.join(",", movedFrom))
                        + (others.isEmpty() ? "" : " also-at=" + String.join(",", others))
                        + keysLeftOut(tx, endpointId, u.extension())));
        return new Outcome(new LoggedIn(u, endpointId, replaced, movedFrom, seat.alongside(), false), touched);
    }

    /**
     * {@code " keys-left-out=3,4"}: the positions of the user's own keys that do not fit on this desk's model
     * (see {@link hotdesk.core.policy.KeyLayout}); empty when all fit or they have none.
     */
    static String keysLeftOut(hotdesk.core.port.LedgerTx tx, String endpointId, Extension ext) {
        List<hotdesk.core.model.UserKey> keys = tx.keysOf(ext);
        if (keys.isEmpty()) {
            return "";
        }
        return tx.line(endpointId).flatMap(l -> tx.device(l.mac()).map(d -> hotdesk.core.policy.KeyLayout.of(
                        hotdesk.core.model.PhoneModels.bundled().find(d.vendor(), d.model()), tx.linesOf(d.mac()).size(), keys)))
                .filter(layout -> !layout.overflow().isEmpty())
                .map(layout -> " keys-left-out=" + String.join(",", layout.overflow().stream()
                        .map(k -> Integer.toString(k.position())).toList()))
                .orElse("");
    }

    private String describe(Alert a, String where) {
        return (a.via() == Via.PIN ? "failed PIN logins" : "wrong one-time codes while a code was live") + "="
                + a.failures() + " within " + policy.limits().windowText() + " at every desk (alert at "
                + policy.limits().userAlertAt() + ", lock at " + policy.limits().user().maxFailures() + ")"
                + (a.locked() ? ", now locked at every desk" + (a.via() == Via.PIN && policy.limits().trustedDesks() > 0
                ? " but the user's " + policy.limits().trustedDesks() + " most recent ones" : "") : "") + "; last at desk=" + where;
    }
}
