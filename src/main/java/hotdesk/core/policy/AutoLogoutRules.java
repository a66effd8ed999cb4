package hotdesk.core.policy;

import hotdesk.core.model.EndReason;
import hotdesk.core.model.Occupancy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * When a desk session ends by itself: after {@code idle} without a call (counted from the end of the
 * desk's last call, or from the login when no call followed), after {@code max} seated, and at the
 * {@code daily} time of day in the desk's time zone for a session that began before it. Zero durations
 * and an empty daily time turn a rule off. Never during a call: a session that is due while a call is up
 * on its desk ends once the call is over. Pure and immutable.
 *
 * @param idle  {@code auto-logout.idle}
 * @param max   {@code auto-logout.max}
 * @param daily {@code auto-logout.daily}
 */
public record AutoLogoutRules(Duration idle, Duration max, Optional<LocalTime> daily) {

    public AutoLogoutRules {
        Objects.requireNonNull(idle, "idle");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(daily, "daily");
        if (idle.isNegative() || max.isNegative()) {
            throw new IllegalArgumentException("auto-logout durations must not be negative, got idle=" + idle + " max=" + max);
        }
    }

    public static final AutoLogoutRules OFF = new AutoLogoutRules(Duration.ZERO, Duration.ZERO, Optional.empty());

    /** These rules with the fields {@code o} has replaced. */
    public AutoLogoutRules with(hotdesk.core.model.AutoLogoutOverride o) {
        return new AutoLogoutRules(o.idle().orElse(idle), o.max().orElse(max),
                o.daily().isPresent() ? hotdesk.core.model.AutoLogoutOverride.dailyTime(o.daily().get()) : daily);
    }

    /** Whether any rule is on. */
    public boolean any() {
        return !idle.isZero() || !max.isZero() || daily.isPresent();
    }

    /** What the rules say about one session. */
    public sealed interface Verdict permits NotDue, Due, AfterTheCall {
    }

    /** Nothing due yet. */
    public record NotDue() implements Verdict {
    }

    /** End the session now, for this reason. */
    public record Due(EndReason reason) implements Verdict {
    }

    /** Due, but a call is up on the desk: end it once the call is over. */
    public record AfterTheCall(EndReason reason) implements Verdict {
    }

    /**
     * The verdict on a session at {@code now}.
     *
     * @param seat   the session; its {@code lastActivity} is the end of the desk's last call, else its login
     * @param zone   the desk's time zone (its own, else its site's, else the configured one), for {@code daily}
     * @param callUp whether a call is up on the desk now (either direction, ringing included)
     */
    public Verdict verdict(Occupancy seat, ZoneId zone, Instant now, boolean callUp) {
        Optional<EndReason> due = dueReason(seat, zone, now);
        if (due.isEmpty()) {
            return new NotDue();
        }
        return callUp ? new AfterTheCall(due.get()) : new Due(due.get());
    }

    /** The first rule that is due, in the order daily, max, idle (the hardest limit names the reason). */
    private Optional<EndReason> dueReason(Occupancy seat, ZoneId zone, Instant now) {
        if (daily.isPresent()) {
            Instant lastCut = lastOccurrence(daily.get(), zone, now);
            if (seat.since().isBefore(lastCut)) {
                return Optional.of(EndReason.AUTO_DAILY);
            }
        }
        if (!max.isZero() && !seat.since().plus(max).isAfter(now)) {
            return Optional.of(EndReason.AUTO_MAX);
        }
        Instant lastActivity = seat.lastActivity().isAfter(seat.since()) ? seat.lastActivity() : seat.since();
        if (!idle.isZero() && !lastActivity.plus(idle).isAfter(now)) {
            return Optional.of(EndReason.AUTO_IDLE);
        }
        return Optional.empty();
    }

    /**
     * The latest instant at or before {@code now} whose wall-clock time in {@code zone} is {@code time}.
     * A time skipped by a DST change counts at the first instant after the gap (ZonedDateTime's rule); a
     * time that occurs twice counts at its first occurrence.
     */
    static Instant lastOccurrence(LocalTime time, ZoneId zone, Instant now) {
        ZonedDateTime local = now.atZone(zone);
        ZonedDateTime today = ZonedDateTime.of(local.toLocalDate(), time, zone);
        Instant candidate = today.withEarlierOffsetAtOverlap().toInstant();
        if (candidate.isAfter(now)) {
            candidate = ZonedDateTime.of(local.toLocalDate().minusDays(1), time, zone).withEarlierOffsetAtOverlap().toInstant();
        }
        return candidate;
    }
}
