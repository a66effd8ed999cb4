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
        assertThat(memory.audit()).filteredOn(a -> a.action().equals("provision.fetch")).hasSize(3);
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
}
