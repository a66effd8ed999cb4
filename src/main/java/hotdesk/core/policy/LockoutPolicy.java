package hotdesk.core.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * After {@code maxFailures} failed attempts within {@code window}, a key (a user or a desk) is locked
 * until {@code lockFor} after its last failure. Pure.
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

    /** When the window of failures that matters starts. */
    public Instant windowStart(Instant now) {
        return now.minus(window);
    }

    /** The instant until which the key is locked, or empty when it is open. */
    public Optional<Instant> lockedUntil(int failuresInWindow, Optional<Instant> lastFailure, Instant now) {
        if (failuresInWindow < maxFailures || lastFailure.isEmpty()) {
            return Optional.empty();
        }
        Instant until = lastFailure.get().plus(lockFor);
        return until.isAfter(now) ? Optional.of(until) : Optional.empty();
    }
}
