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
        DatabaseSettings s = DatabaseSettings.h2(dir.resolve("ledger"));
        database = Database.open(new DatabaseSettings(s.url(), s.user(), s.password(), THREADS + 2));
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
