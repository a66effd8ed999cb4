package hotdesk.core.usecase;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many logins do their work (the first read, the PIN or code hash, the write transaction) at once. A login is
 * almost all CPU (PBKDF2, the embedded ledger's statements): with two cores, thirty logins hashing at once finish
 * no sooner than two at a time would, and the one holding the ledger's write turn gets a thirtieth of the CPU
 * while the others wait for it. At a 9 a.m. rush under load that stretched a login's write turn past the ledger's
 * 10 s deadline and callers heard ERROR (BENCHMARKS.md, "Login rush"). The gate lets a few logins work and the
 * others queue in arrival order; one that waits longer than {@code maxWait} is turned away with {@link Busy}
 * before anything was read, hashed or written, so the overload costs the caller a retry and never a failure
 * count or a lockout.
 */
public final class LoginGate {

    private final Semaphore permits;
    private final int size;
    private final long maxWaitNanos;

    /**
     * @param size    logins working at once, at least 1
     * @param maxWait the longest a login queues before {@link Busy}
     */
    public LoginGate(int size, Duration maxWait) {
        if (size < 1) {
            throw new IllegalArgumentException("a login gate lets at least one login through, got " + size);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("the longest wait at the login gate cannot be negative: " + maxWait);
        }
        this.size = size;
        this.permits = new Semaphore(size, true);
        this.maxWaitNanos = maxWait.toNanos();
    }

    /** No limit: every login works at once (tests, and callers that bound their own concurrency). */
    public static LoginGate open() {
        return new LoginGate(Integer.MAX_VALUE / 2, Duration.ZERO);
    }

    /**
     * The size for a machine: eight logins per core. Two per core turned logins away at 30/s through the real
     * Asterisk on a loaded two-core machine (a login inside the gate also waits for the other writers: the
     * reconciler's marks, the fetch journal), sixteen on two cores kept 30/s clean with own time p50 ≤ 0.6 s against
     * ≤ 4.3 s with no gate (BENCHMARKS.md, "Login rush": the gate).
     */
    public static int sizeFor(int cores) {
        return Math.max(8, 8 * cores);
    }

    public int size() {
        return size;
    }

    /** Logins queued at the gate now (an estimate, for metrics and logs). */
    public int waiting() {
        return permits.getQueueLength();
    }

    /**
     * Waits for a turn; {@link Entry#close()} gives it back.
     *
     * @throws Busy when no turn came within the gate's longest wait, or the thread was interrupted while waiting
     */
    public Entry enter() {
        boolean in;
        try {
            in = permits.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy("interrupted while waiting for a turn among " + size + " logins at once");
        }
        if (!in) {
            throw new Busy("no turn within " + Duration.ofNanos(maxWaitNanos).toMillis() + " ms: " + size
                    + " logins at work and " + permits.getQueueLength() + " more waiting");
        }
        return permits::release;
    }

    /** A turn at the gate. */
    @FunctionalInterface
    public interface Entry extends AutoCloseable {
        @Override
        void close();
    }

    /** Too many logins at once: nothing was done; the caller may try again in a moment. */
    public static final class Busy extends RuntimeException {
        public Busy(String message) {
            super(message);
        }
    }
}
