package hotdesk.core.usecase;

import hotdesk.core.model.Target;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Applies freshly committed targets to Asterisk at once, telling whether all of them got there.
 * The server uses {@link Reconcile}, started by {@link #inBackground} (or bounded by {@link #atMost} where a site
 * wants callers to wait for Asterisk); the CLI uses {@link #later()}: it only writes the ledger and the running
 * server's reconciler applies the change.
 */
@FunctionalInterface
public interface ApplyNow {

    boolean apply(Collection<Target> targets);

    /** Applies nothing now; the reconciler of a running server will. */
    static ApplyNow later() {
        return targets -> false;
    }

    /**
     * This, but whoever asks waits at most {@code wait}: a caller on the phone should hear "your phone
     * will update shortly" rather than silence while a slow Asterisk answers. What is not done by then
     * goes on in {@code pool}; the reconciler covers whatever fails. An exception from applying (the
     * change is committed already) also answers {@code false}, logged, instead of reaching the caller.
     */
    default ApplyNow atMost(Duration wait, ExecutorService pool) {
        System.Logger log = System.getLogger(ApplyNow.class.getName());
        return targets -> {
            Future<Boolean> done;
            try {
                done = pool.submit(() -> apply(targets));
            } catch (RejectedExecutionException e) {
                if (!pool.isShutdown()) { // shutting down needs no word: the next start pushes everything
                    log.log(System.Logger.Level.WARNING, () -> "no thread free to apply " + targets
                            + " (Asterisk may be hanging); the reconciler applies it");
                }
                return false;
            }
            try {
                return done.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                log.log(System.Logger.Level.INFO, () -> "Asterisk has not taken " + targets + " within " + wait.toMillis()
                        + " ms; it goes on in the background");
                return false;
            } catch (ExecutionException e) {
                log.log(System.Logger.Level.WARNING, () -> "applying " + targets + " failed; the reconciler retries: "
                        + e.getCause());
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        };
    }
    /**
     * This, started in {@code pool} while whoever asks goes on at once: a caller hears the result as soon as the
     * change is committed, and Asterisk takes it a moment later; the reconciler covers whatever fails. Answers
     * whether the push is under way with every sign that it will get there: the pool took it, and
     * {@code keepingUp} says Asterisk took the last push tried (no push failed for a passing reason since the last
     * one that succeeded). False tells the caller the phone follows once Asterisk is back. An exception from
     * applying is logged; nobody waits for it.
     */
    default ApplyNow inBackground(ExecutorService pool, BooleanSupplier keepingUp) {
        System.Logger log = System.getLogger(ApplyNow.class.getName());
        return targets -> {
            try {
                pool.execute(() -> {
                    try {
                        apply(targets);
                    } catch (RuntimeException e) {
                        log.log(System.Logger.Level.WARNING, () -> "applying " + targets + " failed; the reconciler retries: " + e);
                    }
                });
            } catch (RejectedExecutionException e) {
                if (!pool.isShutdown()) { // shutting down needs no word: the next start pushes everything
                    log.log(System.Logger.Level.WARNING, () -> "too many changes waiting for Asterisk to apply " + targets
                            + " now (Asterisk may be hanging); the reconciler applies it");
                }
                return false;
            }
            return keepingUp.getAsBoolean();
        };
    }
}
