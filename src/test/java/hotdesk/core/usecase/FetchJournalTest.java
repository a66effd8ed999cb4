package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Mac;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerException;
import hotdesk.testing.InMemoryLedger;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import hotdesk.testing.AuditLines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FetchJournalTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    private final InMemoryLedger memory = new InMemoryLedger();

    /** The in-memory ledger, counting transactions, failing the next {@code failures} of them. */
    private static final class Counting implements Ledger {
        final Ledger inner;
        final AtomicInteger transactions = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        volatile CountDownLatch gate = new CountDownLatch(0);
        final CountDownLatch entered = new CountDownLatch(1);

        Counting(Ledger inner) {
            this.inner = inner;
        }

        @Override
        public <T> T transact(Work<T> work) {
            entered.countDown();
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new LedgerException("gate never opened (test)", null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LedgerException("interrupted (test)", e);
            }
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new LedgerException("ledger unreachable (test)", null);
            }
            transactions.incrementAndGet();
            return inner.transact(work);
        }
    }

    private static Mac mac(int i) {
        return Mac.parse(String.format("001565%06x", i));
    }

    @Test
    void fetches_reach_the_ledger_as_the_latest_per_desk_and_each_desks_run_as_one_counted_audit_line_in_one_transaction() {
        // given
        Counting ledger = new Counting(memory);
        FetchJournal journal = new FetchJournal(ledger);
        for (int round = 0; round < 2; round++) {
            for (int d = 1; d <= 3; d++) {
                journal.fetched(mac(d), T0.plusSeconds(round), "10.0.0." + d, "Yealink round " + round);
            }
        }

        // when
        FetchJournal.Flushed flushed = journal.flush();

        // then
        assertThat(ledger.transactions).hasValue(1);
        assertThat(flushed).isEqualTo(new FetchJournal.Flushed(3, 0, 3));
        assertThat(memory.fetches()).containsExactly(
                new InMemoryLedger.Fetch(mac(1), T0.plusSeconds(1), "10.0.0.1", "Yealink round 1"),
                new InMemoryLedger.Fetch(mac(2), T0.plusSeconds(1), "10.0.0.2", "Yealink round 1"),
                new InMemoryLedger.Fetch(mac(3), T0.plusSeconds(1), "10.0.0.3", "Yealink round 1"));
        assertThat(memory.audit()).hasSize(3).allSatisfy(a -> {
            assertThat(a.action()).isEqualTo("provision.fetch");
            assertThat(a.actor()).isEqualTo("http:10.0.0." + Integer.parseInt(a.subject().substring(6), 16));
            assertThat(a.at()).isEqualTo(T0.plusSeconds(1));
            assertThat(a.detail()).isEqualTo("coalesced: 2 lines from " + T0 + " to " + T0.plusSeconds(1) + ", last from "
                    + a.actor() + ": ");
        });
        assertThat(AuditLines.accounted(memory.audit(), "provision.fetch")).isEqualTo(6);
        assertThat(journal.pending()).isEqualTo(new FetchJournal.Pending(0, 0, 0));
        assertThat(journal.flush().nothing()).isTrue();
        assertThat(ledger.transactions).as("an empty flush opens no transaction").hasValue(1);
    }

    @Test
    void a_large_backlog_is_written_in_batches_of_one_transaction_each() {
        // given
        Counting ledger = new Counting(memory);
        FetchJournal journal = new FetchJournal(ledger);
        for (int i = 0; i < 2 * FetchJournal.BATCH + 1; i++) {
            journal.audit(new AuditEntry(T0.plusMillis(i), "http:10.0.0.1", "provision.refused", "x" + i, "malformed"));
        }

        // when
        journal.flush();

        // then
        assertThat(ledger.transactions).hasValue(3);
        assertThat(memory.audit()).hasSize(2 * FetchJournal.BATCH + 1)
                .extracting(AuditEntry::subject).startsWith("x0", "x1", "x2").endsWith("x" + 2 * FetchJournal.BATCH);
    }

    @Test
    void a_failing_ledger_loses_nothing_and_the_next_flush_writes_it_with_the_newer_fetch_winning() {
        // given
        Counting ledger = new Counting(memory);
        FetchJournal journal = new FetchJournal(ledger);
        journal.fetched(mac(1), T0, "10.0.0.1", "old");
        journal.audit(new AuditEntry(T0, "http:10.0.0.9", "provision.refused", "scan", "network"));
        ledger.failures.set(1);

        // when
        assertThatThrownBy(journal::flush).isInstanceOf(LedgerException.class);
        journal.fetched(mac(1), T0.plusSeconds(5), "10.0.0.2", "new");
        journal.fetched(mac(2), T0.plusSeconds(6), "10.0.0.3", "other");
        FetchJournal.Flushed flushed = journal.flush();

        // then
        assertThat(flushed).isEqualTo(new FetchJournal.Flushed(2, 4, 0));
        assertThat(memory.fetches()).containsExactlyInAnyOrder(
                new InMemoryLedger.Fetch(mac(1), T0.plusSeconds(5), "10.0.0.2", "new"),
                new InMemoryLedger.Fetch(mac(2), T0.plusSeconds(6), "10.0.0.3", "other"));
        // mac(1)'s fetch from the first address keeps a line of its own beside the one from the second
        assertThat(memory.audit()).extracting(AuditEntry::at, AuditEntry::action, AuditEntry::actor).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(T0, "provision.fetch", "http:10.0.0.1"),
                org.assertj.core.groups.Tuple.tuple(T0, "provision.refused", "http:10.0.0.9"),
                org.assertj.core.groups.Tuple.tuple(T0.plusSeconds(5), "provision.fetch", "http:10.0.0.2"),
                org.assertj.core.groups.Tuple.tuple(T0.plusSeconds(6), "provision.fetch", "http:10.0.0.3"));
    }

    @Test
    void lines_beyond_the_bound_are_coalesced_with_counts_per_subject_then_per_action() {
        // given: room for 2 lines and 2 folds
        FetchJournal journal = new FetchJournal(memory, 2, 2);

        // when: a desk fetched 5 times from one address, and 9 refusals of 5 names
        for (int i = 0; i < 5; i++) {
            journal.fetched(mac(1), T0.plusSeconds(i), "10.0.0.1", "ua");
        }
        String[] names = {"scan0", "scan1", "scan2", "scan2", "scan3", "scan4", "scan4", "scan5", "scan6"};
        for (int i = 0; i < names.length; i++) {
            journal.audit(new AuditEntry(T0.plusSeconds(10 + i), "http:10.9.9." + i, "provision.refused", names[i], "network"));
        }

        // then: the desk's run waits with it; 2 single lines, folds for scan2 and scan3, the rest by action
        assertThat(journal.pending()).isEqualTo(new FetchJournal.Pending(1, 2, 4));
        assertThat(journal.flush()).isEqualTo(new FetchJournal.Flushed(1, 2, 4));
        assertThat(memory.audit()).hasSize(6);
        assertThat(AuditLines.accounted(memory.audit(), "provision.fetch")).isEqualTo(5);
        assertThat(AuditLines.accounted(memory.audit(), "provision.refused")).isEqualTo(names.length);
        assertThat(memory.audit()).filteredOn(a -> a.subject().equals(mac(1).value())).singleElement()
                .satisfies(a -> assertThat(a.detail()).isEqualTo("coalesced: 5 lines from " + T0 + " to " + T0.plusSeconds(4)
                        + ", last from http:10.0.0.1: "));
        assertThat(memory.audit()).filteredOn(a -> a.subject().equals("scan2")).singleElement()
                .satisfies(a -> assertThat(a.detail()).startsWith("coalesced: 2 lines from " + T0.plusSeconds(12)));
        assertThat(memory.audit()).filteredOn(a -> a.subject().equals("*")).singleElement()
                .satisfies(a -> assertThat(a.detail()).startsWith("coalesced: 4 lines from " + T0.plusSeconds(15)
                        + " to " + T0.plusSeconds(18) + ", last from http:10.9.9.8: network"));
    }

    @Test
    void a_desk_fetched_from_several_addresses_keeps_a_line_per_run_and_its_latest_fetch_record() {
        // given
        FetchJournal journal = new FetchJournal(memory);

        // when: 10.0.0.1 twice, 10.6.6.6 once, 10.0.0.1 three times
        journal.fetched(mac(1), T0, "10.0.0.1", "Yealink");
        journal.fetched(mac(1), T0.plusSeconds(1), "10.0.0.1", "Yealink");
        journal.fetched(mac(1), T0.plusSeconds(2), "10.6.6.6", "curl");
        for (int i = 3; i < 6; i++) {
            journal.fetched(mac(1), T0.plusSeconds(i), "10.0.0.1", "Yealink");
        }
        journal.flush();

        // then
        assertThat(memory.fetches()).containsExactly(new InMemoryLedger.Fetch(mac(1), T0.plusSeconds(5), "10.0.0.1", "Yealink"));
        assertThat(memory.audit()).extracting(AuditEntry::actor, AuditEntry::at).containsExactly(
                org.assertj.core.groups.Tuple.tuple("http:10.0.0.1", T0.plusSeconds(1)),
                org.assertj.core.groups.Tuple.tuple("http:10.6.6.6", T0.plusSeconds(2)),
                org.assertj.core.groups.Tuple.tuple("http:10.0.0.1", T0.plusSeconds(5)));
        assertThat(memory.audit().get(1).detail()).isEmpty();
        assertThat(AuditLines.accounted(memory.audit(), "provision.fetch")).isEqualTo(6);
    }

    @Test
    void while_the_ledger_is_stuck_the_journal_stays_bounded_and_every_line_is_accounted_for_after() throws Exception {
        // given: a ledger that hangs in the first flush
        Counting ledger = new Counting(memory);
        ledger.gate = new CountDownLatch(1);
        FetchJournal journal = new FetchJournal(ledger, 100, 50);
        journal.fetched(mac(1000), T0, "10.0.0.1", "ua");
        CompletableFuture<FetchJournal.Flushed> stuck = CompletableFuture.supplyAsync(journal::flush);
        assertThat(ledger.entered.await(30, TimeUnit.SECONDS)).isTrue();

        // when: a storm of fetches over 40 desks and a scan of 20,000 distinct names
        int desks = 40;
        int fetches = 50_000;
        int scans = 20_000;
        for (int i = 0; i < fetches; i++) {
            journal.fetched(mac(i % desks), T0.plusMillis(i), "10.0.1." + (i % 200), "ua");
        }
        for (int i = 0; i < scans; i++) {
            journal.audit(new AuditEntry(T0.plusMillis(i), "http:10.66.0.1", "provision.refused", "scan" + i, "unknown device"));
        }

        // then: bounded by desks, lines, folds and actions
        FetchJournal.Pending p = journal.pending();
        assertThat(p.fetches()).isLessThanOrEqualTo(desks);
        // each desk waiting holds its own line (single or coalesced) beside the bounded ones
        assertThat(p.lines()).isLessThanOrEqualTo(100 + desks);
        assertThat(p.folds()).isLessThanOrEqualTo(50 + 2 + desks);

        // and when the ledger comes back, everything is accounted for
        ledger.gate.countDown();
        stuck.get(30, TimeUnit.SECONDS);
        journal.flush();
        assertThat(journal.pending()).isEqualTo(new FetchJournal.Pending(0, 0, 0));
        assertThat(AuditLines.accounted(memory.audit(), "provision.fetch")).isEqualTo(fetches + 1);
        assertThat(AuditLines.accounted(memory.audit(), "provision.refused")).isEqualTo(scans);
        assertThat(memory.fetches()).extracting(InMemoryLedger.Fetch::mac).doesNotHaveDuplicates().hasSize(desks + 1);
    }

    @Test
    void fetches_that_arrive_while_a_batch_fails_join_it_back_and_none_is_lost() throws Exception {
        // given: a desk counted for provisions, and a flush that waits in the ledger, then fails
        memory.transact(tx -> {
            tx.insertDevice(new hotdesk.core.model.Device(mac(1), "yealink", "T54W", "", "", "", true),
                    List.of(new hotdesk.core.model.DeskLine(mac(1).endpointId(), mac(1), 1, "secretsecretsecret")));
            return null;
        });
        Counting ledger = new Counting(memory);
        FetchJournal journal = new FetchJournal(ledger, true);
        journal.fetched(mac(1), T0, "10.0.0.5", "a");
        journal.fetched(mac(1), T0.plusSeconds(1), "10.0.0.5", "a");
        journal.fetched(mac(2), T0, "10.0.0.6", "b");
        ledger.gate = new CountDownLatch(1);
        ledger.failures.set(1);
        CompletableFuture<FetchJournal.Flushed> failing = CompletableFuture.supplyAsync(journal::flush);
        assertThat(ledger.entered.await(30, TimeUnit.SECONDS)).isTrue();

        // when: mac(1) fetches again from the same address, mac(2) from another, while the batch is out
        journal.fetched(mac(1), T0.plusSeconds(2), "10.0.0.5", "a2");
        journal.fetched(mac(2), T0.plusSeconds(3), "10.0.0.7", "c");
        ledger.gate.countDown();
        assertThatThrownBy(failing::join).hasCauseInstanceOf(LedgerException.class);
        journal.flush();

        // then: the newer fetch is each desk's record, counts add up, every fetch and address is in the audit
        assertThat(memory.fetches()).containsExactlyInAnyOrder(
                new InMemoryLedger.Fetch(mac(1), T0.plusSeconds(2), "10.0.0.5", "a2"),
                new InMemoryLedger.Fetch(mac(2), T0.plusSeconds(3), "10.0.0.7", "c"));
        assertThat(memory.<Long>read(tx -> tx.provisionCount(mac(1)).served())).isEqualTo(3);
        assertThat(AuditLines.accounted(memory.audit(), "provision.fetch")).isEqualTo(5);
        assertThat(memory.audit()).filteredOn(a -> a.subject().equals(mac(1).value())).singleElement()
                .satisfies(a -> assertThat(a.detail()).isEqualTo("coalesced: 3 lines from " + T0 + " to "
                        + T0.plusSeconds(2) + ", last from http:10.0.0.5: "));
        assertThat(memory.audit()).filteredOn(a -> a.subject().equals(mac(2).value()))
                .extracting(AuditEntry::actor).containsExactlyInAnyOrder("http:10.0.0.6", "http:10.0.0.7");
        assertThat(journal.pending()).isEqualTo(new FetchJournal.Pending(0, 0, 0));
    }

    @Test
    void counting_provisions_adds_each_desks_fetches_once_even_when_a_batch_failed_first() {
        memory.transact(tx -> {
            tx.insertDevice(new hotdesk.core.model.Device(mac(1), "yealink", "T54W", "", "", "", true),
                    List.of(new hotdesk.core.model.DeskLine(mac(1).endpointId(), mac(1), 1, "secretsecretsecret")));
            return null;
        });
        Counting ledger = new Counting(memory);
        FetchJournal journal = new FetchJournal(ledger, true);
        FetchJournal plain = new FetchJournal(memory);
        journal.fetched(mac(1), T0, "10.0.0.5", "a");
        journal.fetched(mac(1), T0.plusSeconds(1), "10.0.0.5", "b");
        journal.fetched(mac(2), T0, "10.0.0.6", "c"); // not a device (removed since): nothing to count, no failure
        ledger.failures.set(1);

        assertThatThrownBy(journal::flush).isInstanceOf(LedgerException.class);
        journal.fetched(mac(1), T0.plusSeconds(2), "10.0.0.5", "c");
        journal.flush();
        plain.fetched(mac(1), T0.plusSeconds(3), "10.0.0.5", "d");
        plain.flush();

        assertThat(journal.countsProvisions()).isTrue();
        assertThat(plain.countsProvisions()).isFalse();
        assertThat(memory.<Long>read(tx -> tx.provisionCount(mac(1)).served())).isEqualTo(3);
        assertThat(memory.<java.util.Map<Mac, hotdesk.core.model.ProvisionCount>>read(tx -> tx.provisionCounts()))
                .containsOnlyKeys(mac(1));
    }

    private static hotdesk.core.model.ServedFile servedFile(Mac mac, String file, Instant at, String text) {
        return hotdesk.core.model.ServedFile.of(mac, file, at, text, List.of("secretsecretsecret"));
    }

    @Test
    void served_files_reach_the_ledger_as_the_latest_per_desk_and_file_and_survive_a_failed_batch() {
        // given: two desks, one of them with two file names
        memory.transact(tx -> {
            for (int d = 1; d <= 2; d++) {
                tx.insertDevice(new hotdesk.core.model.Device(mac(d), "yealink", "T54W", "", "", "", true),
                        List.of(new hotdesk.core.model.DeskLine(mac(d).endpointId(), mac(d), 1, "secretsecretsecret")));
            }
            return null;
        });
        Counting ledger = new Counting(memory);
        FetchJournal journal = new FetchJournal(ledger);
        journal.served(servedFile(mac(1), "a.cfg", T0, "old"));
        journal.served(servedFile(mac(1), "b.cfg", T0, "b"));
        ledger.failures.set(1);

        // when: the first flush fails, newer files arrive, the next flush succeeds
        assertThatThrownBy(journal::flush).isInstanceOf(LedgerException.class);
        hotdesk.core.model.ServedFile newer = servedFile(mac(1), "a.cfg", T0.plusSeconds(5), "new");
        hotdesk.core.model.ServedFile other = servedFile(mac(2), "a.cfg", T0.plusSeconds(6), "other");
        journal.served(newer);
        journal.served(other);
        assertThat(journal.pendingServedFiles()).isEqualTo(3);
        journal.flush();

        // then: the newer file won over the one put back, nothing was lost, nothing waits
        assertThat(memory.<List<hotdesk.core.model.ServedFile>>read(tx -> tx.servedFiles(mac(1))))
                .containsExactly(newer, servedFile(mac(1), "b.cfg", T0, "b"));
        assertThat(memory.<List<hotdesk.core.model.ServedFile>>read(tx -> tx.servedFiles(mac(2)))).containsExactly(other);
        assertThat(journal.pendingServedFiles()).isZero();
    }

    private List<hotdesk.core.model.ServedFile> servedIn(Mac mac) {
        return memory.<List<hotdesk.core.model.ServedFile>>read(tx -> tx.servedFiles(mac));
    }

    @Test
    void the_same_file_recorded_again_with_its_digests_only_keeps_the_text_waiting_and_one_put_back_lends_it() {
        // given: a desk; its file waits with its text
        memory.transact(tx -> {
            tx.insertDevice(new hotdesk.core.model.Device(mac(1), "yealink", "T54W", "", "", "", true), List.of());
            tx.insertDevice(new hotdesk.core.model.Device(mac(2), "yealink", "T54W", "", "", "", true), List.of());
            return null;
        });
        Counting ledger = new Counting(memory);
        FetchJournal journal = new FetchJournal(ledger);
        journal.served(servedFile(mac(1), "a.cfg", T0, "text"));

        // when: the same file is served again and recorded with its digests only (as the server records a repeat)
        hotdesk.core.model.ServedFile again = servedFile(mac(1), "a.cfg", T0.plusSeconds(1), "text").withText(Optional.empty());
        journal.served(again);
        journal.flush();

        // then: the ledger has the later time and the text
        assertThat(servedIn(mac(1)))
                .containsExactly(again.withText(Optional.of("text")));

        // and: a failed batch put back lends its text to the same file recorded since without one
        journal.served(servedFile(mac(2), "a.cfg", T0, "two"));
        ledger.failures.set(1);
        assertThatThrownBy(journal::flush).isInstanceOf(LedgerException.class);
        hotdesk.core.model.ServedFile since = servedFile(mac(2), "a.cfg", T0.plusSeconds(3), "two").withText(Optional.empty());
        journal.served(since);
        journal.flush();
        assertThat(servedIn(mac(2)))
                .containsExactly(since.withText(Optional.of("two")));

        // and: another file without its text does not take the waiting text
        journal.served(servedFile(mac(2), "b.cfg", T0, "bee"));
        hotdesk.core.model.ServedFile otherBody = servedFile(mac(2), "b.cfg", T0.plusSeconds(4), "bea").withText(Optional.empty());
        journal.served(otherBody);
        journal.flush();
        assertThat(servedIn(mac(2)))
                .contains(otherBody);
    }

    @Test
    void served_files_beyond_the_text_bound_wait_with_their_digests_only() {
        // given
        FetchJournal journal = new FetchJournal(memory);
        int over = FetchJournal.MAX_SERVED_TEXTS + 1;
        memory.transact(tx -> {
            for (int d = 1; d <= over; d++) {
                tx.insertDevice(new hotdesk.core.model.Device(mac(d), "yealink", "T54W", "", "", "", true), List.of());
            }
            return null;
        });

        // when: one more desk's file than the bound waits
        for (int d = 1; d <= over; d++) {
            journal.served(servedFile(mac(d), "a.cfg", T0, "text " + d));
        }
        journal.flush();

        // then: the last one kept its digests, not its text
        hotdesk.core.model.ServedFile last = memory.<List<hotdesk.core.model.ServedFile>>read(tx -> tx.servedFiles(mac(over))).get(0);
        assertThat(last.maskedText()).isEmpty();
        assertThat(last.maskedDigest()).isEqualTo(hotdesk.core.model.ServedFile.sha256("text " + over));
        assertThat(memory.<List<hotdesk.core.model.ServedFile>>read(tx -> tx.servedFiles(mac(1))).get(0).maskedText())
                .hasValue("text 1");
    }

    // ---- repeats held

    @Test
    void a_desk_fetched_again_and_again_at_one_revision_is_written_at_once_then_about_once_a_minute_with_its_count() {
        // given: a desk's first fetch, written at the next flush
        FetchJournal journal = new FetchJournal(memory);
        journal.fetched(mac(1), T0, "10.0.0.1", "Yealink", 7);
        assertThat(journal.flushDue(T0.plusSeconds(1))).isEqualTo(new FetchJournal.Flushed(1, 1, 0));

        // when: fetched again every second at the same revision from the same address
        for (int i = 2; i <= 59; i++) {
            journal.fetched(mac(1), T0.plusSeconds(i), "10.0.0.1", "Yealink", 7);
            assertThat(journal.flushDue(T0.plusSeconds(i)).nothing()).as("second " + i).isTrue();
        }
        journal.fetched(mac(1), T0.plusSeconds(60), "10.0.0.1", "Yealink", 7);
        FetchJournal.Flushed minute = journal.flushDue(T0.plusSeconds(60));

        // then: the repeats went at their minute, as the latest fetch and one line counting them
        assertThat(minute).isEqualTo(new FetchJournal.Flushed(1, 0, 1));
        assertThat(memory.fetches()).as("records written").hasSize(2)
                .last().isEqualTo(new InMemoryLedger.Fetch(mac(1), T0.plusSeconds(60), "10.0.0.1", "Yealink"));
        assertThat(AuditLines.accounted(memory.audit(), "provision.fetch")).isEqualTo(60);
        assertThat(journal.pending()).isEqualTo(new FetchJournal.Pending(0, 0, 0));

        // and: the next repeats are held from the fetch written
        journal.fetched(mac(1), T0.plusSeconds(61), "10.0.0.1", "Yealink", 7);
        assertThat(journal.flushDue(T0.plusSeconds(119)).nothing()).isTrue();
        assertThat(journal.flushDue(T0.plusSeconds(120)).fetches()).isEqualTo(1);
        assertThat(memory.fetches()).hasSize(3)
                .last().isEqualTo(new InMemoryLedger.Fetch(mac(1), T0.plusSeconds(61), "10.0.0.1", "Yealink"));
    }

    @Test
    void a_fetch_at_another_revision_or_from_another_address_or_of_another_desk_goes_to_the_next_flush() {
        // given: a desk's fetch written and a repeat of it held
        FetchJournal journal = new FetchJournal(memory);
        journal.fetched(mac(1), T0, "10.0.0.1", "Yealink", 7);
        journal.flushDue(T0);
        journal.fetched(mac(1), T0.plusSeconds(1), "10.0.0.1", "Yealink", 7);
        assertThat(journal.flushDue(T0.plusSeconds(2)).nothing()).isTrue();

        // when: the phone fetches after a change (a new revision: what a check-sync asks for)
        journal.fetched(mac(1), T0.plusSeconds(3), "10.0.0.1", "Yealink", 8);
        FetchJournal.Flushed changed = journal.flushDue(T0.plusSeconds(3));

        // then: written at once, the held repeat with it
        assertThat(changed.fetches()).isEqualTo(1);
        assertThat(memory.fetches()).hasSize(2)
                .last().isEqualTo(new InMemoryLedger.Fetch(mac(1), T0.plusSeconds(3), "10.0.0.1", "Yealink"));
        assertThat(AuditLines.accounted(memory.audit(), "provision.fetch")).isEqualTo(3);

        // and: so are a fetch from another address, one whose revision is not known and another desk's first
        journal.fetched(mac(1), T0.plusSeconds(4), "10.0.0.2", "Yealink", 8);
        assertThat(journal.flushDue(T0.plusSeconds(4)).fetches()).isEqualTo(1);
        journal.fetched(mac(1), T0.plusSeconds(5), "10.0.0.2", "Yealink");
        assertThat(journal.flushDue(T0.plusSeconds(5)).fetches()).isEqualTo(1);
        journal.fetched(mac(2), T0.plusSeconds(6), "10.0.0.2", "Yealink", 8);
        assertThat(journal.flushDue(T0.plusSeconds(6)).fetches()).isEqualTo(1);
        assertThat(memory.fetches()).hasSize(5).endsWith(
                new InMemoryLedger.Fetch(mac(1), T0.plusSeconds(5), "10.0.0.2", "Yealink"),
                new InMemoryLedger.Fetch(mac(2), T0.plusSeconds(6), "10.0.0.2", "Yealink"));
    }

    @Test
    void held_repeats_are_written_by_a_full_flush_and_after_a_failed_batch_without_waiting_again() {
        // given: a held repeat
        Counting ledger = new Counting(memory);
        FetchJournal journal = new FetchJournal(ledger);
        journal.fetched(mac(1), T0, "10.0.0.1", "Yealink", 7);
        journal.flushDue(T0);
        journal.fetched(mac(1), T0.plusSeconds(1), "10.0.0.1", "Yealink", 7);
        assertThat(journal.pending().fetches()).isEqualTo(1);

        // when: the periodic flush fails at its minute, and a repeat (held again) comes while it is under way
        ledger.failures.set(1);
        ledger.gate = new CountDownLatch(1);
        CompletableFuture<FetchJournal.Flushed> failing = CompletableFuture.supplyAsync(() -> journal.flushDue(T0.plusSeconds(60)));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> journal.pending().fetches() == 0);
        journal.fetched(mac(1), T0.plusMillis(60_500), "10.0.0.1", "Yealink", 7);
        ledger.gate.countDown();
        assertThatThrownBy(failing::join).hasCauseInstanceOf(LedgerException.class);

        // then: what failed is written at the next flush with the repeat, not held behind it
        assertThat(journal.flushDue(T0.plusMillis(60_600)).fetches()).isEqualTo(1);
        assertThat(memory.fetches()).hasSize(2)
                .last().isEqualTo(new InMemoryLedger.Fetch(mac(1), T0.plusMillis(60_500), "10.0.0.1", "Yealink"));
        assertThat(AuditLines.accounted(memory.audit(), "provision.fetch")).isEqualTo(3);

        // and: a full flush (on stop) writes a held repeat
        journal.fetched(mac(1), T0.plusMillis(60_700), "10.0.0.1", "Yealink", 7);
        assertThat(journal.flushDue(T0.plusMillis(60_800)).nothing()).isTrue();
        assertThat(journal.flush().fetches()).isEqualTo(1);
        assertThat(memory.fetches()).hasSize(3)
                .last().isEqualTo(new InMemoryLedger.Fetch(mac(1), T0.plusMillis(60_700), "10.0.0.1", "Yealink"));
    }

    @Test
    void while_provisions_are_counted_no_repeat_is_held() {
        // given
        FetchJournal journal = new FetchJournal(memory, true);
        journal.fetched(mac(1), T0, "10.0.0.1", "Yealink", 7);
        journal.flushDue(T0);

        // when
        journal.fetched(mac(1), T0.plusSeconds(1), "10.0.0.1", "Yealink", 7);

        // then
        assertThat(journal.flushDue(T0.plusSeconds(1)).fetches()).isEqualTo(1);
    }

    @Test
    void bounds_below_one_are_refused() {
        assertThatThrownBy(() -> new FetchJournal(memory, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FetchJournal(memory, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
