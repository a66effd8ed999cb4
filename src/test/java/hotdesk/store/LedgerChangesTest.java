package hotdesk.store;

import hotdesk.core.model.Target;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Change notifications between nodes on one PostgreSQL ledger: a committed revision bump wakes the other
 * node's listener; a rolled-back one, a write without a bump and a ledger in another schema do not.
 */
class LedgerChangesTest {

    @Test
    void a_committed_bump_on_one_node_wakes_the_listener_of_the_other_and_a_rolled_back_one_does_not() throws Exception {
        try (PostgresSchema schema = PostgresSchema.create(); PostgresSchema other = PostgresSchema.create();
             Database nodeA = Database.open(schema.settings(2)); Database nodeB = Database.open(schema.settings(2));
             Database elsewhere = Database.open(other.settings(1))) {
            AtomicInteger woken = new AtomicInteger();
            try (LedgerChanges listener = LedgerChanges.start(nodeB.settings(), woken::incrementAndGet)) {
                await().atMost(Duration.ofSeconds(10)).until(listener::listening);

                // nothing committed: a rollback, a write without a bump, another schema's bump
                try {
                    nodeA.ledger().transact(tx -> {
                        tx.bump(Target.desk("hd-001565000001"));
                        throw new IllegalStateException("rolled back");
                    });
                } catch (IllegalStateException expected) {
                    // rolled back
                }
                nodeA.ledger().transact(tx -> {
                    tx.audit(new hotdesk.core.model.AuditEntry(java.time.Instant.now(), "test", "test.note", "x", ""));
                    return null;
                });
                elsewhere.ledger().transact(tx -> {
                    tx.bump(Target.desk("hd-001565000009"));
                    return null;
                });
                // a marker the listener must see: everything before it was seen first (one connection, in order)
                nodeA.ledger().transact(tx -> {
                    tx.bump(Target.desk("hd-001565000002"));
                    return null;
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> woken.get() >= 1);
                assertThat(woken.get()).as("only the committed bump in this schema").isEqualTo(1);
            }
        }
    }

    @Test
    void the_embedded_ledger_has_no_change_channel() {
        assertThatThrownBy(() -> LedgerChanges.start(new DatabaseSettings("jdbc:h2:file:/tmp/x;AUTO_SERVER=TRUE", "", "", 1), () -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PostgreSQL");
    }
}
