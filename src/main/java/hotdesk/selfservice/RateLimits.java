package hotdesk.selfservice;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Requests per key (a client address, a token id) in fixed one-minute windows: the first {@code limit}
 * of a window pass, the rest are told how long until the window ends. The counts of a past window are
 * dropped as a whole, so memory is bounded by the keys seen in one minute. Thread-safe.
 */
final class RateLimits {

    static final Duration WINDOW = Duration.ofMinutes(1);

    private final int limit;
    private final Clock clock;
    private final Map<String, Integer> counts = new HashMap<>();
    private long window = Long.MIN_VALUE;

    RateLimits(int limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
    }

    /** Counts one request of {@code key}: empty when it may pass, else how long it must wait (at least 1 s). */
    synchronized Optional<Duration> take(String key) {
        Instant now = clock.instant();
        long w = Math.floorDiv(now.toEpochMilli(), WINDOW.toMillis());
        if (w != window) {
            counts.clear();
            window = w;
        }
        int n = counts.merge(key, 1, Integer::sum);
        if (n <= limit) {
            return Optional.empty();
        }
        long left = (w + 1) * WINDOW.toMillis() - now.toEpochMilli();
        return Optional.of(Duration.ofSeconds(Math.max(1, (left + 999) / 1000)));
    }

    /** Whether this is the first refusal of {@code key} in the window (only that one is audited). */
    synchronized boolean firstRefusal(String key) {
        return counts.getOrDefault(key, 0) == limit + 1;
    }
}
