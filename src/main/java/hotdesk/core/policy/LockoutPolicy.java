package hotdesk.core.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The lockout rule of one failure counter (a user at a desk, a desk, a user across desks). Pure.
 *
 * <p>A key is locked while {@code maxFailures} of its failures lie in the last {@code window}, and
 * for at least {@code lockFor} after the failure that brought it there. An attempt on a locked key is
 * refused before any credential is checked and is not counted, so no {@code window} ever holds more
 * than {@code maxFailures} failures of one key: the counts are windowed, nothing resets them (a
 * successful login does not), and {@link #mostFailuresIn} is a hard bound.
 */
public record LockoutPolicy(int maxFailures, Duration window, Duration lockFor) {

    public LockoutPolicy {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("lockout.max-failures must be >= 1, got " + maxFailures);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("lockout.window must be positive, got " + window);
        }
        if (lockFor.isNegative() || lockFor.isZero()) {
            throw new IllegalArgumentException("lockout.duration must be positive, got " + lockFor);
        }
    }

    /** The same rule with another limit (the counters share window and duration). */
    public LockoutPolicy withMaxFailures(int max) {
        return new LockoutPolicy(max, window, lockFor);
    }

    /** How far back failures can matter at all: a window, and a lock lasting lockFor after its end. */
    public Duration lookBack() {
        return window.plus(lockFor);
    }

    /** Failures in the window that ends at {@code now}: {@code (now - window, now]}. */
    public int inWindow(List<Instant> failures, Instant now) {
        return (int) failures.stream().filter(f -> f.isAfter(now.minus(window)) && !f.isAfter(now)).count();
    }

    /** The instant until which the key is locked, or empty when an attempt may be made now. */
    public Optional<Instant> lockedUntil(List<Instant> failures, Instant now) {
        List<Instant> past = new ArrayList<>(failures.stream().filter(f -> !f.isAfter(now)).toList());
        past.sort(null);
        Instant until = null;
        for (int i = 0; i < past.size(); i++) {
            Instant f = past.get(i);
            if (inWindow(past.subList(0, i + 1), f) >= maxFailures) {
                until = later(until, f.plus(lockFor));
            }
        }
        List<Instant> recent = past.stream().filter(f -> f.isAfter(now.minus(window))).toList();
        if (recent.size() >= maxFailures) {
            // open again once the maxFailures-th newest failure has left the window
            until = later(until, recent.get(recent.size() - maxFailures).plus(window));
        }
        return until != null && until.isAfter(now) ? Optional.of(until) : Optional.empty();
    }

    public boolean locked(List<Instant> failures, Instant now) {
        return lockedUntil(failures, now).isPresent();
    }

    /**
     * The most failures one key can collect in any {@code period}: {@code maxFailures} per window, and
     * a period of length p meets at most ceil(p / window) disjoint windows. Reached when lockFor is at
     * most the window (the attacker tries {@code maxFailures} times as soon as the key opens again).
     */
    public int mostFailuresIn(Duration period) {
        long windows = (period.toNanos() + window.toNanos() - 1) / window.toNanos();
        return Math.toIntExact(windows * maxFailures);
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }
}
