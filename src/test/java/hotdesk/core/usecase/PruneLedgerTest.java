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
                NOW.minus(Duration.ofDays(30)), 0, NOW.minus(PruneLedger.MIN_FAILURE_KEEP)));
        assertThat(transactions).as("three audit batches, one fetch batch, one failure batch").hasValue(5);
        assertThat(memory.audit()).hasSize(3).allSatisfy(a -> assertThat(a.at()).isAfter(NOW.minus(Duration.ofDays(90))));
        assertThat(memory.fetches()).extracting(InMemoryLedger.Fetch::userAgent).containsExactly("young");
        assertThat(prune.run()).isEqualTo(new PruneLedger.Pruned(0, 0, NOW.minus(Duration.ofDays(90)),
                NOW.minus(Duration.ofDays(30)), 0, NOW.minus(PruneLedger.MIN_FAILURE_KEEP)));
    }

    @Test
    void login_failures_go_once_no_lockout_can_count_them_and_at_the_earliest_after_a_day() {
        memory.transact(tx -> {
            for (int i = 0; i < 1_500; i++) {
                tx.recordFailure("user:101", NOW.minus(Duration.ofDays(3)).plusSeconds(i));
            }
            tx.recordFailure("desk:hd-a", NOW.minus(Duration.ofHours(30)));
            tx.recordFailure("desk:hd-a", NOW.minus(Duration.ofHours(20)));
            tx.recordFailure("at:101@hd-a", NOW.minus(Duration.ofMinutes(5)));
            return null;
        });

        PruneLedger.Pruned day = new PruneLedger(counting, clock, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(30)).run();

        assertThat(day.loginFailures()).isEqualTo(1_501);
        assertThat(day.failureCut()).isEqualTo(NOW.minus(Duration.ofDays(1)));
        assertThat(memory.<java.util.List<Instant>>read(tx -> tx.failureTimes("desk:hd-a", Instant.EPOCH)))
                .containsExactly(NOW.minus(Duration.ofHours(20)));
        assertThat(memory.<Integer>read(tx -> tx.failuresSince("at:101@hd-a", Instant.EPOCH))).isEqualTo(1);
        assertThat(memory.<Integer>read(tx -> tx.failuresSince("user:101", Instant.EPOCH))).isZero();
        // a lockout that looks back further keeps its failures that long
        PruneLedger.Pruned longer = new PruneLedger(counting, clock, Duration.ZERO, Duration.ZERO, Duration.ofHours(48)).run();
        assertThat(longer.loginFailures()).isZero();
        assertThat(longer.failureCut()).isEqualTo(NOW.minus(Duration.ofHours(48)));
    }

    @Test
    void a_retention_of_zero_keeps_every_audit_line_and_fetch_record() {
        // given
        givenAudit(5, NOW.minus(Duration.ofDays(4000)));
        PruneLedger prune = new PruneLedger(counting, clock, Duration.ZERO, Duration.ZERO);

        // when
        PruneLedger.Pruned p = prune.run();

        // then
        assertThat(p).isEqualTo(new PruneLedger.Pruned(0, 0, null, null, 0, NOW.minus(PruneLedger.MIN_FAILURE_KEEP)));
        assertThat(transactions).as("the login failures' batch only").hasValue(1);
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
