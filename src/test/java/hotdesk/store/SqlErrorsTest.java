package hotdesk.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which database errors make the ledger run a transaction again (the live retries are in JdbcLedgerContract). */
class SqlErrorsTest {

    @ParameterizedTest(name = "{0}/{1} is retried")
    @CsvSource({
            "40001, 0",      // PostgreSQL serialization failure
            "40P01, 0",      // PostgreSQL deadlock
            "55P03, 0",      // PostgreSQL lock_timeout
            "40001, 40001",  // H2 deadlock
            "HYT00, 50200",  // H2 lock timeout
            "90131, 90131"   // H2 concurrent update
    })
    void conflicts_with_other_transactions_are_retried(String state, int code) {
        assertThat(SqlErrors.retryable(new SQLException("conflict", state, code))).isTrue();
    }

    @ParameterizedTest(name = "{0}/{1} is not retried")
    @CsvSource({
            "23505, 0",      // unique violation: a DuplicateException
            "23503, 23503",  // foreign key
            "42P01, 0",      // missing table
            "08006, 0",      // connection lost: the outcome of a commit would be unknown
            "HYT00, 0",      // a statement timeout that is no H2 lock timeout
            "57014, 0"       // query cancelled
    })
    void other_errors_are_not_retried(String state, int code) {
        assertThat(SqlErrors.retryable(new SQLException("other", state, code))).isFalse();
    }

    @Test
    void an_embedded_ledger_changing_hands_behind_the_pools_timeout_is_a_passing_state() {
        SQLException inUse = new SQLException("Database may be already in use: Locked by another process", "90020", 90020);

        assertThat(SqlErrors.handingOver(new java.sql.SQLTransientConnectionException("pool timed out", inUse))).isTrue();
        assertThat(SqlErrors.handingOver(new java.sql.SQLTransientConnectionException("pool timed out",
                new SQLException("Wrong user name or password", "28000", 28000)))).isFalse();
        assertThat(SqlErrors.handingOver(new SQLException("no route", "08001"))).isFalse();
    }

    @Test
    void a_conflict_chained_behind_another_error_is_found() {
        SQLException batch = new SQLException("batch failed", "XX000");
        batch.setNextException(new SQLException("deadlock", "40P01"));
        SQLException wrapped = new SQLException("wrapper", "XX000", new SQLException("timeout", "55P03"));

        assertThat(SqlErrors.retryable(batch)).isTrue();
        assertThat(SqlErrors.retryable(wrapped)).isTrue();
        assertThat(SqlErrors.retryable(new SQLException("no state"))).isFalse();
    }

    @ParameterizedTest(name = "{0} during the commit is in doubt")
    @CsvSource({"57P01", "08006", "08003"})
    void a_session_lost_during_the_commit_is_in_doubt_and_before_it_a_conflict(String state) {
        SqlErrors errors = new SqlErrors("jdbc:postgresql://db/hotdesk");
        SQLException lost = new SQLException("terminating connection due to administrator command", state);

        assertThat(errors.translate(lost, SqlErrors.COMMIT)).isInstanceOf(hotdesk.core.port.CommitInDoubtException.class)
                .hasMessageContaining("may or may not have taken effect").hasMessageContaining("jdbc:postgresql://db/hotdesk");
        assertThat(errors.translate(lost, "insert")).isInstanceOf(SqlErrors.Conflict.class);
        // a commit refused for another reason is no doubt: nothing was committed
        assertThat(errors.translate(new SQLException("could not serialize", "40001"), SqlErrors.COMMIT))
                .isInstanceOf(SqlErrors.Conflict.class);
        assertThat(errors.translate(new SQLException("disk full", "53100"), SqlErrors.COMMIT))
                .isNotInstanceOf(hotdesk.core.port.CommitInDoubtException.class);
    }
}
