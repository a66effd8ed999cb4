package hotdesk.store;

import hotdesk.core.model.Target;
import hotdesk.testing.PrivatePostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The change listener across a restart of PostgreSQL (a cluster of the test's own, never the shared one): the
 * restart cuts its connection, it reconnects with backoff, answers the gap with one wake-up (something may have
 * been committed while it was away), and a bump committed after the restart wakes it again.
 */
class LedgerChangesReconnectTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @BeforeAll
    static void binaries() {
        PrivatePostgres.assumeBinaries();
    }

    @Test
    void the_listener_reconnects_after_a_postgresql_restart_and_hears_later_commits() {
        try (PrivatePostgres pg = PrivatePostgres.create()) {
            DatabaseSettings settings = new DatabaseSettings(pg.url(), "postgres", "", 2);
            AtomicInteger woken = new AtomicInteger();
            try (Database writer = Database.open(settings);
                 LedgerChanges listener = LedgerChanges.start(settings, woken::incrementAndGet)) {
                await().atMost(PATIENCE).until(listener::listening);
                bump(writer, "hd-001565000001");
                await().atMost(PATIENCE).until(() -> woken.get() == 1);

                pg.stop();
                await().atMost(PATIENCE).until(() -> !listener.listening());
                // while it is down the ledger says so (no hang), and the listener keeps trying
                assertThatThrownBy(() -> bump(writer, "hd-001565000002")).isInstanceOf(hotdesk.core.port.LedgerException.class);
                pg.start();

                await().atMost(PATIENCE).until(listener::listening);
                await().atMost(PATIENCE).until(() -> woken.get() == 2); // the gap, answered once
                // the pool's connections died with the server: the next write gets a fresh one and is heard
                bump(writer, "hd-001565000003");
                await().atMost(PATIENCE).until(() -> woken.get() == 3);
                assertThat(listener.listening()).isTrue();
            }
        }
    }

    private static void bump(Database db, String desk) {
        db.ledger().transact(tx -> {
            tx.bump(Target.desk(desk));
            return null;
        });
    }
}
