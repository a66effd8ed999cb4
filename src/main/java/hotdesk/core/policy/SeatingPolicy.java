package hotdesk.core.policy;

import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.User;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every seating decision, as a pure function of the facts a use case loaded: who may sit where, who
 * is replaced or moved, what is refused, what is counted as a failure and what raises an alert. The
 * use cases ({@code LogIn}, {@code LogOut}) load {@link LoginFacts}, ask, and apply the returned
 * {@link Decision}; nothing here reads a clock or a ledger. Thread-safe (immutable).
 *
 * <p>A login is decided twice: {@link #before} on facts without the credential, so that a refusal
 * that needs no credential (not a desk, disabled, any lockout) costs no hashing at all; then
 * {@link #decide} on the facts as they stand in the write transaction, with the credential checked.
 *
 * <p>What a caller is told never separates an unknown extension, a wrong PIN and a user without
 * hot-desk rights ({@link Shown#BAD_CREDENTIALS} for all three, counted alike); {@link Why} keeps the
 * real reason for the audit.
 */
public final class SeatingPolicy {

    public enum Via { PIN, CODE }

    /** The credential against what the ledger holds: not looked at yet, wrong, or right. */
    public enum Check { UNCHECKED, WRONG, RIGHT }

    /** What the caller is told. */
    public enum Shown { NOT_A_DESK, DESK_DISABLED, BAD_CREDENTIALS, LOCKED, ALREADY_SEATED }

    /** The real reason of a refusal, for the audit only. */
    public enum Why {
        NOT_A_DESK, DESK_DISABLED,
        /** Too many failures at this desk. */
        DESK_LOCKED,
        /** Too many failures of this extension at this desk. */
        LOCKED_AT_DESK,
        /** Too many failures of this extension at every desk together (not one of the user's trusted desks). */
        USER_LOCKED,
        UNKNOWN_EXTENSION, WRONG_PIN, WRONG_CODE,
        /**
         * Digits that cannot be a PIN (fewer or more than any PIN has): lost on the way (a caller who typed
         * before the prompt listened, an overloaded Asterisk) or mistyped. Counted against nobody: no PIN of
         * that length exists, so it guesses nothing, and an overload must not lock users and desks.
         */
        NOT_A_PIN,
        /**
         * An extension of a length no user's extension has: it cannot name anyone, so, as {@link #NOT_A_PIN},
         * digits lost or mistyped, counted against nobody (a caller whose first digits an overloaded Asterisk
         * dropped must not lock the desk).
         */
        NOT_AN_EXTENSION,
        /** The credential was right but the user may not hot-desk. */
        NOT_ALLOWED,
        /** The credential was right but the user's account is disabled. */
        USER_DISABLED,
        /** Seated at another desk, and the user's multi-login policy is deny. */
        ALREADY_SEATED
    }

    /**
     * A desk line as the decision needs it.
     *
     * @param failures failures at this desk within {@link LoginLimits#lookBack()}
     * @param occupant who sits here now
     */
    public record Desk(String endpointId, boolean enabled, List<Instant> failures, Optional<Occupancy> occupant) {
        public Desk {
            Objects.requireNonNull(endpointId, "endpointId");
            failures = List.copyOf(failures);
            Objects.requireNonNull(occupant, "occupant");
        }
    }

    /**
     * Everything a login decision depends on, loaded by the use case in one ledger view. Failure lists
     * hold the times within {@link LoginLimits#lookBack()} of {@code now}.
     *
     * @param desk              empty when the calling endpoint is no desk line
     * @param typed             PIN: the extension dialled, a user or not; CODE: empty
     * @param user              PIN: the user of {@code typed}, if there is one; CODE: the owner of the
     *                          code that matched, if one did
     * @param check             the credential against what the ledger holds now
     * @param userAtDeskFailures PIN: failures of {@code typed} at this desk
     * @param userFailures      PIN: failures of {@code typed} at every desk; CODE: wrong codes counted
     *                          against the owner of the matched code
     * @param liveCodes         CODE: every user with a live code, and the wrong codes counted against them
     * @param seats             where {@code user} sits now (several desks only under {@code allow})
     * @param trustedDesk       PIN: this desk is one of the typed extension's own recent desks
     *                          ({@link LoginLimits#trustedDesks()}), where its lock across desks does not hold
     */
    public record LoginFacts(Instant now, Via via, Optional<Desk> desk, Optional<Extension> typed, Optional<User> user,
                             Check check, List<Instant> userAtDeskFailures, List<Instant> userFailures,
                             Map<Extension, List<Instant>> liveCodes, List<Occupancy> seats, boolean trustedDesk) {
        public LoginFacts {
            Objects.requireNonNull(now, "now");
            Objects.requireNonNull(via, "via");
            Objects.requireNonNull(desk, "desk");
            Objects.requireNonNull(typed, "typed");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(check, "check");
            userAtDeskFailures = List.copyOf(userAtDeskFailures);
            userFailures = List.copyOf(userFailures);
            liveCodes = Map.copyOf(liveCodes);
            seats = List.copyOf(seats);
            if (via == Via.PIN && typed.isEmpty()) {
                throw new IllegalArgumentException("a PIN login names the extension dialled");
            }
        }
    }

    /** What to do; the use case applies it. */
    public sealed interface Decision permits CheckCredential, Seat, Refuse {
    }

    /**
     * Nothing stands in the way before the credential: check it. For a code, only the codes of
     * {@code codeOwners} may be tried (a user whose codes are locked out is not even hashed).
     */
    public record CheckCredential(Set<Extension> codeOwners) implements Decision {
        public CheckCredential {
            codeOwners = Set.copyOf(codeOwners);
        }
    }

    /**
     * Seat {@code user} here: end {@code replace} (the desk's occupant, REPLACED) and {@code moveFrom}
     * (the user's seats at other desks, MOVED) first. {@code alongside}: the user keeps their other
     * seats ({@code allow}), so this seat is one of several. A code that matched is used up.
     */
    public record Seat(User user, Optional<Occupancy> replace, List<Occupancy> moveFrom, boolean alongside)
            implements Decision {
        public Seat {
            moveFrom = List.copyOf(moveFrom);
            if (alongside && !moveFrom.isEmpty()) {
                throw new IllegalArgumentException("a seat alongside the user's others moves them from nowhere");
            }
        }
    }

    /**
     * Refuse: tell the caller {@code shown}, audit {@code why}, count {@code charge}, raise {@code alerts}.
     */
    public record Refuse(Shown shown, Why why, Charge charge, List<Alert> alerts) implements Decision {
        public Refuse {
            alerts = List.copyOf(alerts);
        }
    }

    /**
     * The failure counters a refusal adds one to.
     *
     * @param desk   the desk's counter
     * @param pinOf  the extension's counters, at this desk and at every desk
     * @param codesOf the code counters of these users (a wrong code was a guess at each of their codes)
     */
    public record Charge(boolean desk, Optional<Extension> pinOf, Set<Extension> codesOf) {
        public static final Charge NONE = new Charge(false, Optional.empty(), Set.of());

        public Charge {
            codesOf = Set.copyOf(codesOf);
        }
    }

    /**
     * Failures of one extension across desks have reached {@code lockout.user-alert-failures}: for the
     * security log, the audit and {@code status}. {@code locked}: they reached the lock too.
     */
    public record Alert(Extension extension, Via via, int failures, boolean locked) {
    }

    /** Why a departure is wanted, and what to do about it. */
    public sealed interface Departure permits Vacate, NotSeated, UnknownPlace {
    }

    /** End these sessions with this reason. */
    public record Vacate(List<Occupancy> seats, EndReason reason) implements Departure {
        public Vacate {
            seats = List.copyOf(seats);
        }
    }

    public record NotSeated() implements Departure {
    }

    /** The desk, device or user named does not exist. */
    public record UnknownPlace() implements Departure {
    }

    private final LoginLimits limits;
    private final MultiLogin multiLogin;

    /** @param multiLogin the global {@code login.multi-login}; a user's own policy wins */
    public SeatingPolicy(LoginLimits limits, MultiLogin multiLogin) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.multiLogin = Objects.requireNonNull(multiLogin, "multiLogin");
    }

    public LoginLimits limits() {
        return limits;
    }

    public MultiLogin multiLogin() {
        return multiLogin;
    }

    /** What can be decided before any credential is checked: a refusal, or {@link CheckCredential}. */
    public Decision before(LoginFacts f) {
        if (f.desk().isEmpty()) {
            return refuse(Shown.NOT_A_DESK, Why.NOT_A_DESK);
        }
        Desk desk = f.desk().get();
        if (!desk.enabled()) {
            return refuse(Shown.DESK_DISABLED, Why.DESK_DISABLED);
        }
        if (limits.desk().locked(desk.failures(), f.now())) {
            return refuse(Shown.LOCKED, Why.DESK_LOCKED);
        }
        if (f.via() == Via.PIN) {
            if (limits.userAtDesk().locked(f.userAtDeskFailures(), f.now())) {
                return refuse(Shown.LOCKED, Why.LOCKED_AT_DESK);
            }
            if (!f.trustedDesk() && limits.user().locked(f.userFailures(), f.now())) {
                return refuse(Shown.LOCKED, Why.USER_LOCKED);
            }
            return new CheckCredential(Set.of());
        }
        Set<Extension> owners = new LinkedHashSet<>();
        new TreeMap<>(f.liveCodes()).forEach((owner, failures) -> {
            if (!limits.user().locked(failures, f.now())) {
                owners.add(owner);
            }
        });
        return new CheckCredential(owners);
    }

    /** The decision on the facts with the credential checked (they may differ from those {@link #before} saw). */
    public Decision decide(LoginFacts f) {
        if (f.check() == Check.UNCHECKED) {
            throw new IllegalArgumentException("decide needs the credential checked; before() decides without it");
        }
        Decision first = before(f);
        if (first instanceof Refuse) {
            return first;
        }
        Set<Extension> codeOwners = ((CheckCredential) first).codeOwners();
        boolean right = f.check() == Check.RIGHT && f.user().isPresent()
                && (f.via() == Via.PIN || codeOwners.contains(f.user().get().extension()));
        if (!right) {
            Why why = f.via() == Via.CODE ? Why.WRONG_CODE : f.user().isEmpty() ? Why.UNKNOWN_EXTENSION : Why.WRONG_PIN;
            return failed(f, why, codeOwners);
        }
        User user = f.user().get();
        if (!user.enabled()) {
            return failed(f, Why.USER_DISABLED, codeOwners);
        }
        if (!user.hotdeskEnabled()) {
            return failed(f, Why.NOT_ALLOWED, codeOwners);
        }
        String here = f.desk().orElseThrow().endpointId();
        List<Occupancy> elsewhere = f.seats().stream().filter(s -> !s.endpointId().equals(here)).toList();
        MultiLogin rule = user.multiLoginOr(multiLogin);
        if (!elsewhere.isEmpty() && rule == MultiLogin.DENY) {
            return refuse(Shown.ALREADY_SEATED, Why.ALREADY_SEATED);
        }
        Optional<Occupancy> replace = f.desk().get().occupant().filter(o -> !o.extension().equals(user.extension()));
        if (rule == MultiLogin.ALLOW) {
            return new Seat(user, replace, List.of(), true);
        }
        return new Seat(user, replace, elsewhere, false);
    }

    /**
     * Ending sessions: {@code seats} holds the sessions at the place named (a desk line, a device, a
     * user), empty when that place does not exist. The auto-logout timers (idle, maximum, daily) will
     * add their own decision beside this one, a {@code Departure} that says a session is due, from the
     * session's facts (its start, last call, whether a call is up) and their settings.
     */
    public static Departure leave(Optional<List<Occupancy>> seats, EndReason reason) {
        if (seats.isEmpty()) {
            return new UnknownPlace();
        }
        return seats.get().isEmpty() ? new NotSeated() : new Vacate(seats.get(), reason);
    }

    /** A failure as a wrong credential: the same answer and the same counting whatever the real reason. */
    private Refuse failed(LoginFacts f, Why why, Set<Extension> codeOwners) {
        List<Alert> alerts = new ArrayList<>();
        Charge charge;
        if (f.via() == Via.PIN) {
            Extension ext = f.typed().orElseThrow();
            charge = new Charge(true, Optional.of(ext), Set.of());
            alert(ext, Via.PIN, f.userFailures(), f.now()).ifPresent(alerts::add);
        } else {
            charge = new Charge(true, Optional.empty(), codeOwners);
            for (Extension owner : codeOwners) {
                alert(owner, Via.CODE, f.liveCodes().getOrDefault(owner, List.of()), f.now()).ifPresent(alerts::add);
            }
        }
        return new Refuse(Shown.BAD_CREDENTIALS, why, charge, alerts);
    }

    /** The alert the failure being counted now raises for {@code ext}, if its count reaches the alert level. */
    private Optional<Alert> alert(Extension ext, Via via, List<Instant> failuresBefore, Instant now) {
        int failures = limits.user().inWindow(failuresBefore, now) + 1;
        if (failures < limits.userAlertAt()) {
            return Optional.empty();
        }
        return Optional.of(new Alert(ext, via, failures, failures >= limits.user().maxFailures()));
    }

    private static Refuse refuse(Shown shown, Why why) {
        return new Refuse(shown, why, Charge.NONE, List.of());
    }
}
