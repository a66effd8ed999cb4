package hotdesk.app;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Mac;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerException;
import hotdesk.core.usecase.FetchJournal;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import hotdesk.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The background writer of the fetch journal, on a real H2 ledger file. */
class JournalWriterTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
    private static final Mac MAC = Mac.parse("0015651234ab");

    @TempDir
    Path dir;
    private Database database;
    private LogCapture log;

    @BeforeEach
    void open() {
        database = Database.open(DatabaseSettings.h2(dir.resolve("ledger")));
        log = LogCapture.of(JournalWriter.class.getName());
    }

    @AfterEach
    void close() {
        log.close();
        database.close();
    }

    private long count(String sql) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void records_reach_the_ledger_in_the_background() {
        // given
        FetchJournal journal = new FetchJournal(database.ledger());
        JournalWriter writer = new JournalWriter(journal, Duration.ofMillis(50), java.time.Clock.systemUTC());
        try {
            // when
            journal.fetched(MAC, T0, "10.0.0.5", "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ab");
            journal.fetched(MAC, T0.plusSeconds(1), "10.0.0.5", "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ab");

            // then
            await().atMost(Duration.ofSeconds(30)).until(() -> hotdesk.testing.AuditLines.accounted(
                    database.ledger().read(tx -> tx.auditTail(10)), "provision.fetch") == 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT COUNT(*) FROM config_fetches WHERE mac = '0015651234ab'") >= 1);
        } finally {
            closeQuietly(writer);
        }
    }

    @Test
    void close_writes_what_is_left_before_the_next_tick() throws Exception {
        // given: a tick far in the future
        FetchJournal journal = new FetchJournal(database.ledger());
        JournalWriter writer = new JournalWriter(journal, Duration.ofHours(1), java.time.Clock.systemUTC());
        journal.fetched(MAC, T0, "10.0.0.5", "ua");
        journal.audit(new AuditEntry(T0, "http:10.9.9.9", "provision.refused", "scan", "network"));
        assertThat(count("SELECT COUNT(*) FROM audit_log")).isZero();

        // when
        writer.close();

        // then
        assertThat(count("SELECT COUNT(*) FROM config_fetches")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'provision.%'")).isEqualTo(2);
        assertThat(journal.pending()).isEqualTo(new FetchJournal.Pending(0, 0, 0));
    }

    @Test
    void a_ledger_that_fails_for_a_while_loses_nothing_and_is_logged_once_per_outage() throws Exception {
        // given: the real ledger behind a switch
        AtomicBoolean down = new AtomicBoolean(true);
        Ledger real = database.ledger();
        Ledger flaky = new Ledger() {
            @Override
            public <T> T transact(Work<T> work) {
                if (down.get()) {
                    throw new LedgerException("ledger unreachable (test)", null);
                }
                return real.transact(work);
            }
        };
        FetchJournal journal = new FetchJournal(flaky);
        JournalWriter writer = new JournalWriter(journal, Duration.ofMillis(20), java.time.Clock.systemUTC());
        try {
            journal.fetched(MAC, T0, "10.0.0.5", "ua");
            await().atMost(Duration.ofSeconds(30)).until(() -> log.messages().stream().anyMatch(m -> m.startsWith("cannot write")));
            Thread.sleep(200); // several more failing ticks

            // when
            down.set(false);

            // then
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT COUNT(*) FROM config_fetches") == 1
                    && count("SELECT COUNT(*) FROM audit_log WHERE action = 'provision.fetch'") == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> log.messages().stream().anyMatch(m -> m.contains("reach the ledger again")));
            assertThat(log.messages()).filteredOn(m -> m.startsWith("cannot write")).hasSize(1);
        } finally {
            closeQuietly(writer);
        }
    }

    /** H2 must not see its threads interrupted (Stopping): close lets the flush under way end, then writes the rest. */
    @Test
    void close_lets_a_flush_under_way_finish_without_interrupting_it() throws Exception {
        // given: a ledger whose first transaction waits until the test lets it go, noting an interrupt
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger transactions = new java.util.concurrent.atomic.AtomicInteger();
        Ledger slow = new Ledger() {
            @Override
            public <T> T transact(Work<T> work) {
                if (transactions.incrementAndGet() == 1) {
                    entered.countDown();
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        interrupted.set(true);
                        Thread.currentThread().interrupt();
                    }
                }
                return database.ledger().transact(work);
            }
        };
        FetchJournal journal = new FetchJournal(slow);
        JournalWriter writer = new JournalWriter(journal, Duration.ofMillis(10), java.time.Clock.systemUTC());
        journal.fetched(MAC, T0, "10.0.0.5", "ua");
        assertThat(entered.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        journal.fetched(Mac.parse("0015651234ac"), T0, "10.0.0.6", "ua"); // waits for the flush at close

        // when: close begins while the flush waits in the ledger
        Thread closing = new Thread(() -> {
            try {
                writer.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        closing.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> closing.getState() == Thread.State.TIMED_WAITING);
        go.countDown();
        closing.join(Duration.ofSeconds(30).toMillis());

        // then: the flush ran to its end uninterrupted, and close wrote what came after it
        assertThat(closing.isAlive()).isFalse();
        assertThat(interrupted).isFalse();
        assertThat(count("SELECT COUNT(*) FROM config_fetches")).isEqualTo(2);
    }

    @Test
    void a_ledger_still_down_at_close_is_logged_with_what_is_lost() throws Exception {
        // given
        Ledger down = new Ledger() {
            @Override
            public <T> T transact(Work<T> work) {
                throw new LedgerException("ledger unreachable (test)", null);
            }
        };
        FetchJournal journal = new FetchJournal(down);
        JournalWriter writer = new JournalWriter(journal, Duration.ofHours(1), java.time.Clock.systemUTC());
        journal.fetched(MAC, T0, "10.0.0.5", "ua");

        // when
        writer.close();

        // then
        assertThat(log.messages()).anySatisfy(m -> assertThat(m)
                .startsWith("fetch journal could not be written on stop, lost: 1 fetch records, 1 audit lines, 0 coalesced lines"));
    }

    @Test
    void a_long_flush_is_followed_by_a_longer_pause_up_to_the_bound() {
        assertThat(JournalWriter.pause(1000, 10)).isEqualTo(1000);
        assertThat(JournalWriter.pause(1000, 500)).isEqualTo(500 * JournalWriter.PACE);
        assertThat(JournalWriter.pause(1000, 60_000)).isEqualTo(JournalWriter.MAX_PAUSE.toMillis());
        assertThat(JournalWriter.pause(20_000, 60_000)).as("never shorter than the configured interval").isEqualTo(20_000);
    }

    private static void closeQuietly(JournalWriter w) {
        try {
            w.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
