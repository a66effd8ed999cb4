package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Mac;
import hotdesk.core.port.Ledger;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PruneLedgerTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private final InMemoryLedger memory = new InMemoryLedger();
    private final AtomicInteger transactions = new AtomicInteger();
    private final Ledger counting = new Ledger() {
        @Override
        public <T> T transact(Work<T> work) {
            transactions.incrementAndGet();
            return memory.transact(work);
        }
    };
    private final MutableClock clock = new MutableClock(NOW);

    private void givenAudit(int count, Instant at) {
        memory.transact(tx -> {
            for (int i = 0; i < count; i++) {
                tx.audit(new AuditEntry(at.plusMillis(i), "cli", "test", "s" + i, ""));
            }
            return null;
        });
    }

    @Test
    void lines_and_records_past_their_retention_go_in_batches_and_younger_ones_stay() {
        // given: 2,500 lines older than 90 days, 3 younger; fetch records 31 and 29 days old
        givenAudit(2 * PruneLedger.BATCH + 500, NOW.minus(Duration.ofDays(91)));
        givenAudit(3, NOW.minus(Duration.ofDays(89)));
        memory.transact(tx -> {
            tx.recordFetch(Mac.parse("0015651234ab"), NOW.minus(Duration.ofDays(31)), "10.0.0.1", "old");
            tx.recordFetch(Mac.parse("0015651234ab"), NOW.minus(Duration.ofDays(29)), "10.0.0.1", "young");
            return null;
        });
        PruneLedger prune = new PruneLedger(counting, clock, Duration.ofDays(90), Duration.ofDays(30));

        // when
        PruneLedger.Pruned p = prune.run();

        // then
        assertThat(p).isEqualTo(new PruneLedger.Pruned(2 * PruneLedger.BATCH + 500, 1, NOW.minus(Duration.ofDays(90)),
                NOW.minus(Duration.ofDays(30))));
        assertThat(transactions).as("three audit batches, one fetch batch").hasValue(4);
        assertThat(memory.audit()).hasSize(3).allSatisfy(a -> assertThat(a.at()).isAfter(NOW.minus(Duration.ofDays(90))));
        assertThat(memory.fetches()).extracting(InMemoryLedger.Fetch::userAgent).containsExactly("young");
        assertThat(prune.run()).isEqualTo(new PruneLedger.Pruned(0, 0, NOW.minus(Duration.ofDays(90)),
                NOW.minus(Duration.ofDays(30))));
    }

    @Test
    void a_retention_of_zero_keeps_everything_and_touches_nothing() {
        // given
        givenAudit(5, NOW.minus(Duration.ofDays(4000)));
        PruneLedger prune = new PruneLedger(counting, clock, Duration.ZERO, Duration.ZERO);

        // when
        PruneLedger.Pruned p = prune.run();

        // then
        assertThat(p).isEqualTo(new PruneLedger.Pruned(0, 0, null, null));
        assertThat(transactions).hasValue(0);
        assertThat(memory.audit()).hasSize(5);
    }

    @Test
    void a_negative_or_sub_day_retention_is_refused_naming_the_key() {
        assertThatThrownBy(() -> new PruneLedger(memory, clock, Duration.ofHours(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ledger.audit-retention");
        assertThatThrownBy(() -> new PruneLedger(memory, clock, Duration.ZERO, Duration.ofDays(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ledger.fetch-retention");
    }
}
