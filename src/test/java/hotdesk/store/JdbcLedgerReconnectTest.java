package hotdesk.store;

import hotdesk.core.model.Target;
import hotdesk.core.port.LedgerTx;
import hotdesk.testing.PrivatePostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ledger transaction whose PostgreSQL session ends before its commit (a restart, an administrator ending it):
 * nothing was committed, so it runs again on a new connection and commits once. On a cluster of the test's own,
 * because ending sessions on a shared server would end other people's.
 */
class JdbcLedgerReconnectTest {

    @BeforeAll
    static void binaries() {
        PrivatePostgres.assumeBinaries();
    }

    @Test
    void a_transaction_whose_session_ends_before_the_commit_runs_again_on_a_new_connection_and_commits_once() throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.create();
             Database db = Database.open(new DatabaseSettings(pg.url(), "postgres", "", 2))) {
            long before = db.ledger().read(LedgerTx::latestRevision);
            AtomicInteger runs = new AtomicInteger();

            db.ledger().transact(tx -> {
                if (runs.incrementAndGet() == 1) {
                    endHotdeskSessions(pg); // this one included, in the middle of its transaction
                }
                tx.bump(Target.desk("hd-001565000001"));
                return null;
            });

            assertThat(runs.get()).isGreaterThanOrEqualTo(2);
            assertThat(db.ledger().read(LedgerTx::latestRevision)).as("committed once").isEqualTo(before + 1);
        }
    }

    @Test
    void a_lost_connection_is_retried_only_before_the_commit() {
        SqlErrors ledger = new SqlErrors("jdbc:postgresql://db/ledger");
        SQLException shutdown = new SQLException("terminating connection due to administrator command", "57P01");
        SQLException io = new SQLException("An I/O error occurred while sending to the backend.", "08006");

        assertThat(ledger.translate(shutdown, "locking the ledger")).isInstanceOf(SqlErrors.Conflict.class);
        assertThat(ledger.translate(io, "seat user 101")).isInstanceOf(SqlErrors.Conflict.class);
        assertThat(ledger.translate(io, "commit")).isInstanceOf(hotdesk.core.port.LedgerException.class);
        assertThat(ledger.translate(new SQLException("syntax", "42601"), "read")).isInstanceOf(hotdesk.core.port.LedgerException.class);
    }

    private static void endHotdeskSessions(PrivatePostgres pg) {
        try (Connection c = DriverManager.getConnection(pg.url(), "postgres", ""); Statement s = c.createStatement()) {
            s.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'hotdesk'").close();
            for (int i = 0; i < 100; i++) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'hotdesk'")) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("the hotdesk sessions did not end");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
