package hotdesk.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The ledger contract on an embedded H2 file, opened as the application opens it. */
class H2LedgerContractTest extends JdbcLedgerContract {

    @TempDir
    static Path dir;
    static Database database;

    @BeforeAll
    static void open() {
        // the application's settings, pool included: the concurrency tests run more threads than connections
        database = Database.open(DatabaseSettings.h2(dir.resolve("ledger")));
    }

    @AfterAll
    static void close() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    protected Database database() {
        return database;
    }

    @Override
    protected DatabaseSettings withShortLockTimeout() {
        DatabaseSettings s = database.settings();
        return new DatabaseSettings(s.url().replace("LOCK_TIMEOUT=10000", "LOCK_TIMEOUT=300"), s.user(), s.password(), 2);
    }
}
