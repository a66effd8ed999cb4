package hotdesk.core.usecase;

import hotdesk.core.model.Target;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerException;
import hotdesk.testing.InMemoryLedger;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RevisionProbeTest {

    private final InMemoryLedger memory = new InMemoryLedger();
    private final AtomicInteger reads = new AtomicInteger();
    private final CountDownLatch firstEntered = new CountDownLatch(1);
    private final CountDownLatch releaseFirst = new CountDownLatch(1);
    private final AtomicBoolean failing = new AtomicBoolean();

    /** Reads the in-memory ledger; the first read reads the revision, then waits for the test to let it finish. */
    private final Ledger gated = new Ledger() {
        @Override
        public <T> T transact(Work<T> work) {
            int n = reads.incrementAndGet();
            if (failing.get()) {
                throw new LedgerException("ledger unreachable (test)", null);
            }
            T result = memory.transact(work);
            if (n == 1) {
                firstEntered.countDown();
                try {
                    releaseFirst.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return result;
        }
    };

    private void bump() {
        memory.transact(tx -> {
            tx.bump(Target.desk("hd-0015651234ab"));
            return null;
        });
    }

    @Test
    void a_caller_arriving_while_a_read_runs_gets_a_later_read_never_the_running_one() throws Exception {
        // given: a read of revision 1 in flight
        bump();
        RevisionProbe probe = new RevisionProbe(gated);
        CompletableFuture<Long> first = CompletableFuture.supplyAsync(probe::latest);
        assertThat(firstEntered.await(30, TimeUnit.SECONDS)).isTrue();

        // when: the ledger changes, then two callers arrive while the first read still runs
        bump();
        CompletableFuture<Long> second = CompletableFuture.supplyAsync(probe::latest);
        CompletableFuture<Long> third = CompletableFuture.supplyAsync(probe::latest);
        Thread.sleep(100); // let them queue behind the running read (the outcome does not depend on it)
        releaseFirst.countDown();

        // then
        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(third.get(30, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(reads.get()).isBetween(2, 3);
    }

    @Test
    void a_failed_read_fails_its_caller_and_the_next_call_reads_again() {
        // given
        bump();
        releaseFirst.countDown();
        RevisionProbe probe = new RevisionProbe(gated);
        failing.set(true);

        // when / then
        assertThatThrownBy(probe::latest).isInstanceOf(LedgerException.class);
        failing.set(false);
        assertThat(probe.latest()).isEqualTo(1);
        bump();
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.latest() == 2);
    }
}
