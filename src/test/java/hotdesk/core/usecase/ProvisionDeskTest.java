package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Device;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.Target;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerTx;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ProvisionDeskTest {

    private static final Mac MAC = Mac.parse("0015651234ab");

    private final InMemoryLedger memory = new InMemoryLedger();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T08:00:00Z"));
    private final AtomicInteger deviceReads = new AtomicInteger();
    /** The in-memory ledger, counting the reads of a device's row. */
    private final Ledger counting = new Ledger() {
        @Override
        public <T> T transact(Work<T> work) {
            return memory.transact(tx -> work.run(counted(tx)));
        }
    };
    private final ProvisionDesk provision = new ProvisionDesk(counting, clock);
    private final DeskLine line = new DeskLine(MAC.endpointId(), MAC, 1, "line-secret-1");

    private LedgerTx counted(LedgerTx tx) {
        return (LedgerTx) Proxy.newProxyInstance(LedgerTx.class.getClassLoader(), new Class<?>[] {LedgerTx.class},
                (p, m, args) -> {
                    if (m.getName().equals("device")) {
                        deviceReads.incrementAndGet();
                    }
                    try {
                        return m.invoke(tx, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private void change(java.util.function.Consumer<LedgerTx> c) {
        memory.transact(tx -> {
            c.accept(tx);
            return null;
        });
    }

    @Test
    void a_fetch_at_an_unchanged_ledger_revision_uses_the_view_read_before_and_a_bump_reads_it_again() {
        // given
        change(tx -> {
            tx.insertDevice(new Device(MAC, "yealink", "T54W", "Desk 4.12", "HQ", "", true), List.of(line));
            tx.insertUser(new hotdesk.core.model.User(Extension.of("101"), "Alice",
                    new hotdesk.core.model.SecretHash("pbkdf2-sha256$1000$c2FsdA$aGFzaA"), true, "internal", "", "s", false));
            tx.bump(Target.desk(line.endpointId()));
        });
        var first = provision.fetch(MAC, "10.0.0.5", "ua").orElseThrow();

        // when: the same ledger revision
        var second = provision.fetch(MAC, "10.0.0.5", "ua").orElseThrow();

        // then
        assertThat(second).isEqualTo(first);
        assertThat(deviceReads).hasValue(1);

        // and when a login changes the desk (and bumps, as every change does)
        change(tx -> {
            tx.occupy(new Occupancy(line.endpointId(), Extension.of("101"), clock.instant(), clock.instant()));
            tx.bump(Target.desk(line.endpointId()), Target.user(Extension.of("101")));
        });
        var taken = provision.fetch(MAC, "10.0.0.5", "ua").orElseThrow();

        // then
        assertThat(deviceReads).hasValue(2);
        assertThat(taken.lines()).singleElement().satisfies(l -> assertThat(l.occupant()).isPresent());
        // and every fetch was journaled, cached or not
        provision.journal().flush();
        assertThat(hotdesk.testing.AuditLines.accounted(memory.audit(), "provision.fetch")).isEqualTo(3);
    }

    @Test
    void a_change_elsewhere_hands_out_the_same_view_instance_and_a_change_of_the_desk_a_new_one() {
        // given: two desks, the first fetched
        Mac other = Mac.parse("00:15:65:00:00:99");
        DeskLine otherLine = new DeskLine(other.endpointId(), other, 1, "line-secret-2");
        change(tx -> {
            tx.insertDevice(new Device(MAC, "yealink", "T54W", "Desk 4.12", "HQ", "", true), List.of(line));
            tx.insertDevice(new Device(other, "yealink", "T54W", "Desk 4.13", "HQ", "", true), List.of(otherLine));
            tx.insertUser(new hotdesk.core.model.User(Extension.of("101"), "Alice",
                    new hotdesk.core.model.SecretHash("pbkdf2-sha256$1000$c2FsdA$aGFzaA"), true, "internal", "", "s", false));
            tx.bump(Target.desk(line.endpointId()), Target.desk(otherLine.endpointId()));
        });
        var first = provision.fetch(MAC, "10.0.0.5", "ua").orElseThrow();

        // when: a login at the other desk moves the revision
        change(tx -> {
            tx.occupy(new Occupancy(otherLine.endpointId(), Extension.of("101"), clock.instant(), clock.instant()));
            tx.bump(Target.desk(otherLine.endpointId()), Target.user(Extension.of("101")));
        });
        var second = provision.fetch(MAC, "10.0.0.5", "ua").orElseThrow();

        // then: read again (the revision moved), and the very same instance, since nothing of this desk changed
        assertThat(deviceReads).hasValue(2);
        assertThat(second).isSameAs(first);

        // and when this desk's label changes: a new view with it
        change(tx -> {
            tx.updateDevice(new Device(MAC, "yealink", "T54W", "Desk 4.12 (window)", "HQ", "", true));
            tx.bump(Target.desk(line.endpointId()));
        });
        var third = provision.fetch(MAC, "10.0.0.5", "ua").orElseThrow();
        assertThat(third).isNotSameAs(first);
        assertThat(third.device().label()).isEqualTo("Desk 4.12 (window)");
    }

    @Test
    void a_view_no_fetch_used_since_the_given_time_is_forgotten_and_read_again_at_the_next_fetch() {
        // given
        change(tx -> {
            tx.insertDevice(new Device(MAC, "yealink", "T54W", "Desk 4.12", "HQ", "", true), List.of(line));
            tx.bump(Target.desk(line.endpointId()));
        });
        var first = provision.fetch(MAC, "10.0.0.5", "ua").orElseThrow();
        clock.advance(java.time.Duration.ofSeconds(30));
        provision.fetch(MAC, "10.0.0.5", "ua"); // used again, from the view kept
        assertThat(deviceReads).hasValue(1);

        // when / then: not idle since a moment before that use
        assertThat(provision.forgetIdle(clock.instant().minusSeconds(1))).isZero();
        assertThat(provision.fetch(MAC, "10.0.0.5", "ua")).containsSame(first);
        assertThat(deviceReads).hasValue(1);

        // when / then: idle since a moment after it
        clock.advance(java.time.Duration.ofSeconds(5));
        assertThat(provision.forgetIdle(clock.instant().minusSeconds(1))).isEqualTo(1);
        assertThat(provision.fetch(MAC, "10.0.0.5", "ua")).hasValue(first);
        assertThat(deviceReads).as("read again").hasValue(2);
    }

    @Test
    void a_desk_removed_since_its_view_was_kept_is_refused_and_forgotten() {
        // given
        change(tx -> {
            tx.insertDevice(new Device(MAC, "yealink", "T54W", "Desk 4.12", "HQ", "", true), List.of(line));
            tx.bump(Target.desk(line.endpointId()));
        });
        assertThat(provision.fetch(MAC, "10.0.0.5", "ua")).isPresent();

        // when
        change(tx -> {
            tx.deleteDevice(MAC);
            tx.bump(Target.desk(line.endpointId()));
        });

        // then
        assertThat(provision.fetch(MAC, "10.0.0.5", "ua")).isEmpty();
        provision.journal().flush();
        assertThat(memory.audit()).extracting(AuditEntry::detail).contains("unknown device");
    }

    /** Transactions run through {@link #thisProcess}: reads of the ledger this process makes. */
    private final AtomicInteger transactions = new AtomicInteger();
    /** What this process knows of the latest revision: its own commits and what it read (not another's commits). */
    private final java.util.concurrent.atomic.AtomicLong known = new java.util.concurrent.atomic.AtomicLong(-1);
    private final Ledger thisProcess = new Ledger() {
        @Override
        public <T> T transact(Work<T> work) {
            transactions.incrementAndGet();
            T result = memory.transact(work);
            known.accumulateAndGet(memory.transact(LedgerTx::latestRevision), Math::max);
            return result;
        }

        @Override
        public java.util.OptionalLong latestKnownRevision() {
            long k = known.get();
            return k < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(k);
        }
    };

    private void seatAlice(Ledger through) {
        through.transact(tx -> {
            tx.occupy(new Occupancy(line.endpointId(), Extension.of("101"), clock.instant(), clock.instant()));
            tx.bump(Target.desk(line.endpointId()), Target.user(Extension.of("101")));
            return null;
        });
    }

    private void deskAndAlice(Ledger through) {
        through.transact(tx -> {
            tx.insertDevice(new Device(MAC, "yealink", "T54W", "Desk 4.12", "HQ", "", true), List.of(line));
            tx.insertUser(new hotdesk.core.model.User(Extension.of("101"), "Alice",
                    new hotdesk.core.model.SecretHash("pbkdf2-sha256$1000$c2FsdA$aGFzaA"), true, "internal", "", "s", false));
            tx.bump(Target.desk(line.endpointId()));
            return null;
        });
    }

    @Test
    void with_a_ledger_that_knows_its_latest_revision_a_repeated_fetch_asks_the_ledger_nothing() {
        // given
        ProvisionDesk tracked = new ProvisionDesk(thisProcess, clock);
        deskAndAlice(thisProcess);
        tracked.fetch(MAC, "10.0.0.5", "ua").orElseThrow();
        int before = transactions.get();

        // when
        tracked.fetch(MAC, "10.0.0.5", "ua").orElseThrow();
        tracked.fetch(MAC, "10.0.0.5", "ua").orElseThrow();

        // then
        assertThat(transactions.get()).isEqualTo(before);
    }

    @Test
    void a_change_committed_by_this_process_is_served_at_once() {
        // given
        ProvisionDesk tracked = new ProvisionDesk(thisProcess, clock);
        deskAndAlice(thisProcess);
        assertThat(tracked.fetch(MAC, "10.0.0.5", "ua").orElseThrow().lines().get(0).occupant()).isEmpty();

        // when: a login through this process, at the same instant
        seatAlice(thisProcess);

        // then
        assertThat(tracked.fetch(MAC, "10.0.0.5", "ua").orElseThrow().lines().get(0).occupant()).isPresent();
    }

    @Test
    void a_desk_is_answered_from_memory_only_while_its_view_revision_and_the_sites_keys_are_kept_and_fresh() {
        // given: a ledger whose latest revision this process tracks
        ProvisionDesk tracked = new ProvisionDesk(thisProcess, clock);
        deskAndAlice(thisProcess);
        assertThat(tracked.answersFromMemory(MAC)).as("nothing read yet").isFalse();
        assertThat(tracked.siteKeysFromMemory()).isFalse();

        // when: the desk's file is fetched and the sites' keys read (as a fetch does)
        tracked.fetch(MAC, "10.0.0.5", "ua").orElseThrow();
        assertThat(tracked.answersFromMemory(MAC)).as("the sites' keys not read yet").isFalse();
        tracked.siteUrlKeys();
        int reads = transactions.get();

        // then
        assertThat(tracked.answersFromMemory(MAC)).isTrue();
        assertThat(tracked.siteKeysFromMemory()).isTrue();
        assertThat(tracked.answersFromMemory(Mac.parse("0015650000ff"))).as("a desk never read").isFalse();
        tracked.fetch(MAC, "10.0.0.5", "ua").orElseThrow();
        tracked.siteUrlKeys();
        assertThat(transactions).as("answered as said: no ledger read").hasValue(reads);

        // and: a change this process commits makes the kept view old
        seatAlice(thisProcess);
        assertThat(tracked.answersFromMemory(MAC)).isFalse();
        assertThat(tracked.siteKeysFromMemory()).isFalse();
        tracked.fetch(MAC, "10.0.0.5", "ua").orElseThrow();
        tracked.siteUrlKeys();
        assertThat(tracked.answersFromMemory(MAC)).isTrue();

        // and: once the recheck for other processes' changes is due, the ledger must be asked first
        clock.advance(ProvisionDesk.OTHERS_RECHECK);
        assertThat(tracked.answersFromMemory(MAC)).isFalse();
        assertThat(tracked.siteKeysFromMemory()).isFalse();
        tracked.fetch(MAC, "10.0.0.5", "ua").orElseThrow();
        tracked.siteUrlKeys();
        assertThat(tracked.answersFromMemory(MAC)).isTrue();
    }

    @Test
    void a_view_the_collector_dropped_is_read_again_and_then_kept_again() {
        // given: a desk answered from memory
        ProvisionDesk tracked = new ProvisionDesk(thisProcess, clock);
        deskAndAlice(thisProcess);
        var first = tracked.fetch(MAC, "10.0.0.5", "ua").orElseThrow();
        tracked.siteUrlKeys();
        assertThat(tracked.answersFromMemory(MAC)).isTrue();
        int reads = transactions.get();

        // when: the heap ran short and the collector dropped the views kept
        tracked.dropKeptAsTheCollectorMay();

        // then: not answered from memory; the next fetch reads the ledger once and serves the same desk
        assertThat(tracked.answersFromMemory(MAC)).isFalse();
        var again = tracked.fetch(MAC, "10.0.0.5", "ua").orElseThrow();
        assertThat(again).isEqualTo(first).isNotSameAs(first);
        assertThat(transactions.get()).isEqualTo(reads + 1);
        assertThat(tracked.answersFromMemory(MAC)).isTrue();
        tracked.fetch(MAC, "10.0.0.5", "ua").orElseThrow();
        assertThat(transactions.get()).as("kept again").isEqualTo(reads + 1);
    }

    @Test
    void a_ledger_that_does_not_track_its_revision_is_never_answered_from_memory() {
        ProvisionDesk untracked = new ProvisionDesk(counting, clock);
        deskAndAlice(memory);
        untracked.fetch(MAC, "10.0.0.5", "ua").orElseThrow();
        untracked.siteUrlKeys();

        assertThat(untracked.answersFromMemory(MAC)).isFalse();
        assertThat(untracked.siteKeysFromMemory()).isFalse();
    }

    @Test
    void a_change_committed_by_another_process_is_served_once_the_recheck_has_come() {
        // given
        ProvisionDesk tracked = new ProvisionDesk(thisProcess, clock);
        deskAndAlice(thisProcess);
        assertThat(tracked.fetch(MAC, "10.0.0.5", "ua").orElseThrow().lines().get(0).occupant()).isEmpty();

        // when: the CLI (another process) seats Alice; this process has not read anything since
        seatAlice(memory);
        var within = tracked.fetch(MAC, "10.0.0.5", "ua").orElseThrow();
        clock.advance(ProvisionDesk.OTHERS_RECHECK);
        var after = tracked.fetch(MAC, "10.0.0.5", "ua").orElseThrow();

        // then
        assertThat(within.lines().get(0).occupant()).as("not known yet: the reconciler's check-sync follows").isEmpty();
        assertThat(after.lines().get(0).occupant()).isPresent();
    }

    @Test
    void an_authenticated_fetch_checks_the_password_against_the_hash_kept_with_the_view_and_asks_the_ledger_nothing_more() {
        // given a desk with credentials, fetched once
        ProvisionDesk tracked = new ProvisionDesk(thisProcess, clock);
        deskAndAlice(thisProcess);
        DeviceLogins logins = new DeviceLogins(thisProcess, new java.security.SecureRandom(), clock);
        String password = ((DeviceLogins.Issued) logins.issue(MAC.value(), false, "test")).password();
        assertThat(tracked.answerAuthenticated(MAC, "10.0.0.5", "ua", password).view()).isPresent();
        int before = transactions.get();

        // when
        ProvisionDesk.Answer right = tracked.answerAuthenticated(MAC, "10.0.0.5", "ua", password);
        ProvisionDesk.Answer wrong = tracked.answerAuthenticated(MAC, "10.0.0.5", "ua", password.substring(1) + "x");
        ProvisionDesk.Answer unknown = tracked.answerAuthenticated(Mac.parse("001565000999"), "10.0.0.5", "ua", password);

        // then
        assertThat(right.view()).isPresent();
        assertThat(right.unauthorized()).isFalse();
        assertThat(wrong.view()).isEmpty();
        assertThat(wrong.unauthorized()).isTrue();
        assertThat(unknown.unauthorized()).isTrue();
        assertThat(transactions.get()).isEqualTo(before + 1); // only the unknown MAC was looked up
        tracked.journal().flush();
        assertThat(memory.audit()).filteredOn(a -> a.action().equals("provision.refused"))
                .extracting(a -> a.detail()).containsExactly("credentials", "credentials");
    }
}
