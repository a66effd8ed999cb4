package hotdesk.app;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Pools whose tasks may be in the ledger stop without interrupting them, unless they outlast the bound. */
class StoppingTest {

    @Test
    void a_task_that_ends_within_the_bound_is_not_interrupted() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        pool.execute(() -> {
            started.countDown();
            try {
                go.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        Thread release = new Thread(() -> {
            // let the task go once stopping has begun (the pool no longer takes work)
            while (!pool.isShutdown()) {
                Thread.onSpinWait();
            }
            go.countDown();
        });
        release.start();

        boolean gentle = Stopping.gently(pool, Duration.ofSeconds(30), "test pool");

        assertThat(gentle).isTrue();
        assertThat(interrupted).isFalse();
        assertThat(pool.isTerminated()).isTrue();
        release.join();
    }

    @Test
    void a_task_that_outlasts_the_bound_is_interrupted() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch sawInterrupt = new CountDownLatch(1);
        pool.execute(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                sawInterrupt.countDown();
            }
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

        boolean gentle = Stopping.gently(pool, Duration.ofMillis(200), "test pool");

        assertThat(gentle).isFalse();
        assertThat(sawInterrupt.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void a_stop_that_is_itself_interrupted_interrupts_the_tasks_and_keeps_the_flag() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch sawInterrupt = new CountDownLatch(1);
        pool.execute(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                sawInterrupt.countDown();
            }
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

        Thread.currentThread().interrupt();
        boolean gentle = Stopping.gently(pool, Duration.ofSeconds(30), "test pool");
        boolean flagKept = Thread.interrupted(); // clears it for the next test

        assertThat(gentle).isFalse();
        assertThat(flagKept).isTrue();
        assertThat(sawInterrupt.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void a_scheduled_pool_drops_its_delayed_and_periodic_tasks_at_stop() {
        ScheduledThreadPoolExecutor pool = Stopping.scheduled(Executors.defaultThreadFactory());
        AtomicBoolean ran = new AtomicBoolean();
        pool.schedule(() -> ran.set(true), 1, TimeUnit.HOURS);
        pool.scheduleWithFixedDelay(() -> ran.set(true), 1, 1, TimeUnit.HOURS);

        // a pool that kept its delayed task would make this wait the whole bound and report false
        boolean gentle = Stopping.gently(pool, Duration.ofSeconds(30), "test pool");

        assertThat(gentle).isTrue();
        assertThat(ran).isFalse();
    }
}
