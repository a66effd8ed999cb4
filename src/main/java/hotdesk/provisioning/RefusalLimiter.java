package hotdesk.provisioning;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts refused provisioning requests per remote address in fixed clock-minute windows. Once an
 * address has {@code max} refusals in a minute, it is blocked for the rest of that minute (scanner
 * blocking).
 *
 * <p>Bounded in memory and per call. The table only ever holds the current minute: the first call in
 * a new minute replaces it with an empty one, so the past minute is dropped in one step and nothing
 * is ever swept. It holds at most {@code capacity} addresses. When it is full, a further address is
 * not tracked until the minute ends: its requests are answered, refused, logged and audited as usual,
 * they just cannot earn it a 429. That keeps legitimate phones working under a wide scan: they are
 * never refused, so they are never in the table and never blocked by it. Evicting the oldest entry
 * instead would let a scanner free its own blocked addresses by cycling through fresh ones; refusing
 * every unknown address while full would lock the phones out.
 *
 * <p>The same counting limits served files per desk (keyed by MAC) and per address: there
 * {@link #refused} counts a served file.
 *
 * <p>Thread-safe without a lock: a call is one map lookup, plus one insertion for a new address.
 */
final class RefusalLimiter {

    /** Outcome of {@link #check}: whether to answer 429 and whether this is the first 429 of the window. */
    record Verdict(boolean blocked, boolean firstBlock, long secondsLeft) {
    }

    /** What {@link #refused} did with a refusal. */
    enum Tracking {
        /** counted against its address */
        COUNTED,
        /** the table is full and the address is new: not counted */
        UNTRACKED,
        /** as {@link #UNTRACKED}, for the first time in this minute (worth one log line) */
        FIRST_UNTRACKED
    }

    private static final class Window {
        final AtomicInteger refusals = new AtomicInteger();
        final AtomicBoolean announced = new AtomicBoolean();
    }

    /** The windows of one clock minute. */
    private static final class Minute {
        final long minute;
        final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
        final AtomicInteger admitted = new AtomicInteger();
        final AtomicBoolean fullAnnounced = new AtomicBoolean();

        Minute(long minute) {
            this.minute = minute;
        }
    }

    private final Clock clock;
    private final int max;
    private final int capacity;
    private final AtomicReference<Minute> current;

    /**
     * @param max      refusals in one minute after which an address is blocked, at least 1
     * @param capacity addresses tracked at most in one minute, at least 1
     */
    RefusalLimiter(Clock clock, int max, int capacity) {
        if (max < 1 || capacity < 1) {
            throw new IllegalArgumentException("max and capacity must be >= 1, got " + max + " and " + capacity);
        }
        this.clock = clock;
        this.max = max;
        this.capacity = capacity;
        this.current = new AtomicReference<>(new Minute(Long.MIN_VALUE));
    }

    private static final Verdict NOT_BLOCKED = new Verdict(false, false, 0);

    Verdict check(String address) {
        long second = Math.floorDiv(clock.millis(), 1000);
        Window w = minute(Math.floorDiv(second, 60)).windows.get(address);
        if (w == null || w.refusals.get() < max) {
            return NOT_BLOCKED; // asked on every fetch: nothing allocated
        }
        return new Verdict(true, w.announced.compareAndSet(false, true), 60 - Math.floorMod(second, 60));
    }

    /**
     * Whether {@link #check} would block {@code address} now, without claiming the window's first block (no side
     * effect): for deciding where a request is answered before it is answered.
     */
    boolean blocks(String address) {
        Window w = minute(Math.floorDiv(clock.millis(), 60_000)).windows.get(address);
        return w != null && w.refusals.get() >= max;
    }

    Tracking refused(String address) {
        Minute m = minute(Math.floorDiv(clock.instant().getEpochSecond(), 60));
        Window w = m.windows.get(address);
        if (w == null) {
            // a slot is taken only when it is free, so the count never passes capacity, even under races
            w = m.windows.computeIfAbsent(address,
                    a -> m.admitted.getAndUpdate(n -> n < capacity ? n + 1 : n) < capacity ? new Window() : null);
        }
        if (w == null) {
            return m.fullAnnounced.compareAndSet(false, true) ? Tracking.FIRST_UNTRACKED : Tracking.UNTRACKED;
        }
        w.refusals.incrementAndGet();
        return Tracking.COUNTED;
    }

    /** Addresses tracked in the current table (for tests and diagnostics). */
    int tracked() {
        return current.get().windows.size();
    }

    int capacity() {
        return capacity;
    }

    /** The table of this clock minute; a different minute (also after the clock stepped back) starts empty. */
    private Minute minute(long minute) {
        Minute m = current.get();
        while (m.minute != minute) {
            Minute fresh = new Minute(minute);
            if (current.compareAndSet(m, fresh)) {
                return fresh;
            }
            m = current.get();
        }
        return m;
    }
}
