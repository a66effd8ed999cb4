package hotdesk.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Stopping thread pools whose tasks may be inside the ledger. The embedded ledger (H2) must not have its
 * threads interrupted: the JVM closes a file channel a thread is interrupted in, which H2's documentation
 * says "can lead to database corruption", and here an interrupt at stop during a fetch storm left H2
 * spinning forever in its version accounting, so serve's final journal flush never ended (BENCHMARKS.md,
 * session 30). A pool is therefore shut down, its running task given {@code bound} to end, and interrupted
 * only past that, with a warning naming it. Scheduled pools from {@link #scheduled} drop their delayed
 * tasks at shutdown, so waiting for them does not wait for a tick to come due.
 */
final class Stopping {

    private static final Logger LOG = LoggerFactory.getLogger(Stopping.class);

    private Stopping() {
    }

    /**
     * Shuts {@code pool} down and waits up to {@code bound} for its running tasks; interrupts them only
     * past it (or when this thread is interrupted meanwhile). Returns whether the pool ended without one.
     */
    static boolean gently(ExecutorService pool, Duration bound, String name) {
        pool.shutdown();
        try {
            if (pool.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            LOG.warn("{}: still running {} after stopping began, interrupted", name, bound);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("{}: stopping was interrupted, its tasks interrupted too", name);
        }
        pool.shutdownNow();
        return false;
    }

    /** A one-thread scheduled pool that runs no delayed or periodic task once shut down. */
    static ScheduledThreadPoolExecutor scheduled(ThreadFactory threads) {
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, threads);
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        pool.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        pool.setRemoveOnCancelPolicy(true);
        return pool;
    }
}
