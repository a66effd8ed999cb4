package hotdesk.core.usecase;

import hotdesk.core.model.Extension;
import hotdesk.core.model.Target;
import hotdesk.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The bounded wait a caller on the phone gets: {@link ApplyNow#atMost}. */
@Timeout(30)
class ApplyNowTest {

    private static final List<Target> TARGETS = List.of(Target.desk("hd-0015651234ab"), Target.user(Extension.of("101")));
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void an_apply_that_finishes_in_time_answers_for_itself() {
        assertThat(((ApplyNow) targets -> true).atMost(Duration.ofSeconds(20), pool).apply(TARGETS)).isTrue();
        assertThat(((ApplyNow) targets -> false).atMost(Duration.ofSeconds(20), pool).apply(TARGETS)).isFalse();
    }

    @Test
    void a_slow_apply_answers_false_after_the_wait_and_still_finishes_in_the_background() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        ApplyNow slow = held(release, finished);

        boolean answered = slow.atMost(Duration.ofMillis(100), pool).apply(TARGETS);

        assertThat(answered).isFalse();
        assertThat(finished.getCount()).as("not finished while Asterisk is still busy").isEqualTo(1);
        release.countDown();
        assertThat(finished.await(20, TimeUnit.SECONDS)).as("the apply went on and finished").isTrue();
    }

    @Test
    void an_apply_that_throws_answers_false_and_is_logged_instead_of_reaching_the_caller() {
        try (LogCapture log = LogCapture.of(ApplyNow.class.getName())) {
            ApplyNow broken = targets -> {
                throw new IllegalStateException("ledger gone after commit");
            };

            assertThat(broken.atMost(Duration.ofSeconds(20), pool).apply(TARGETS)).isFalse();
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith("WARN").contains("ledger gone after commit"));
        }
    }

    @Test
    void with_every_thread_busy_the_answer_is_false_at_once_and_a_warning_says_why() throws Exception {
        ExecutorService one = new ThreadPoolExecutor(0, 1, 60, TimeUnit.SECONDS, new SynchronousQueue<>());
        CountDownLatch release = new CountDownLatch(1);
        try (LogCapture log = LogCapture.of(ApplyNow.class.getName())) {
            ApplyNow hanging = targets -> {
                try {
                    return release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return false;
                }
            };
            ApplyNow bounded = hanging.atMost(Duration.ofMillis(50), one);
            assertThat(bounded.apply(TARGETS)).isFalse(); // still running: the only thread is taken

            assertThat(bounded.apply(TARGETS)).isFalse();
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith("WARN").contains("no thread free"));
        } finally {
            release.countDown();
            one.shutdownNow();
        }
    }

    @Test
    void after_shutdown_nothing_is_applied_and_the_answer_is_false() {
        AtomicBoolean ran = new AtomicBoolean();
        pool.shutdown();

        boolean answered = ((ApplyNow) targets -> ran.getAndSet(true)).atMost(Duration.ofSeconds(20), pool).apply(TARGETS);

        assertThat(answered).isFalse();
        assertThat(ran).isFalse();
    }

    @Test
    void in_the_background_the_answer_comes_at_once_and_the_apply_goes_on() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        ApplyNow slow = held(release, finished);

        assertThat(slow.inBackground(pool, () -> true).apply(TARGETS)).as("Asterisk keeps up: OK at once").isTrue();
        assertThat(finished.getCount()).as("not waited for").isEqualTo(1);
        assertThat(slow.inBackground(pool, () -> false).apply(TARGETS)).as("Asterisk did not take the last push").isFalse();
        release.countDown();
        assertThat(finished.await(20, TimeUnit.SECONDS)).as("the apply went on and finished").isTrue();
    }

    @Test
    void in_the_background_a_full_queue_answers_false_and_a_warning_says_why() throws Exception {
        ExecutorService one = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new java.util.concurrent.ArrayBlockingQueue<>(1));
        CountDownLatch release = new CountDownLatch(1);
        try (LogCapture log = LogCapture.of(ApplyNow.class.getName())) {
            ApplyNow hanging = targets -> {
                try {
                    return release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return false;
                }
            };
            ApplyNow background = hanging.inBackground(one, () -> true);
            assertThat(background.apply(TARGETS)).isTrue(); // the thread takes it
            assertThat(background.apply(TARGETS)).isTrue(); // the queue takes it

            assertThat(background.apply(TARGETS)).as("nowhere to put it: the reconciler will").isFalse();
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith("WARN").contains("too many changes waiting"));
        } finally {
            release.countDown();
            one.shutdownNow();
        }
    }

    @Test
    void in_the_background_an_apply_that_throws_is_logged() throws Exception {
        try (LogCapture log = LogCapture.of(ApplyNow.class.getName())) {
            ApplyNow broken = targets -> {
                throw new IllegalStateException("ledger gone after commit");
            };

            assertThat(broken.inBackground(pool, () -> true).apply(TARGETS)).isTrue();
            pool.shutdown();
            assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith("WARN").contains("ledger gone after commit"));
        }
    }

    @Test
    void in_the_background_after_shutdown_nothing_is_applied_and_the_answer_is_false() {
        AtomicBoolean ran = new AtomicBoolean();
        pool.shutdown();

        assertThat(((ApplyNow) targets -> ran.getAndSet(true)).inBackground(pool, () -> true).apply(TARGETS)).isFalse();
        assertThat(ran).isFalse();
    }

    /** An apply that waits for {@code release}, then counts {@code finished} down and answers true. */
    private static ApplyNow held(CountDownLatch release, CountDownLatch finished) {
        return targets -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            finished.countDown();
            return true;
        };
    }
}
