package hotdesk.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The ledger contract on real PostgreSQL, in a fresh schema of its own. Fails when PostgreSQL is not
 * reachable (see {@link PostgresSchema}: {@code HOTDESK_TEST_PG=off} skips instead).
 */
class PostgresLedgerContractTest extends JdbcLedgerContract {

    static PostgresSchema schema;
    static Database database;

    @BeforeAll
    static void open() {
        schema = PostgresSchema.create();
        database = Database.open(schema.settings(4)); // fewer connections than the concurrency tests have threads
    }

    @AfterAll
    static void close() throws Exception {
        if (database != null) {
            database.close();
        }
        if (schema != null) {
            schema.close();
        }
    }

    @Override
    protected Database database() {
        return database;
    }

    @Override
    protected DatabaseSettings withShortLockTimeout() {
        return new DatabaseSettings(schema.url("options=-c%20lock_timeout%3D300ms"), PostgresSchema.USER, "", 2);
    }
}
