package hotdesk.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The ledger database of one process: a HikariCP pool on the configured URL, migrated by Flyway when
 * opened, and the {@link Ledger} on top of it.
 *
 * <p>Unpleasant facts it handles:
 * <ul>
 *   <li>An unreachable database must not hang start-up: a connection attempt gives up after
 *       {@link #CONNECT_TIMEOUT} (pool, driver login and TCP connect), and {@link #open} then throws a
 *       {@link LedgerException} of one line that names the URL (with any password in it masked) and
 *       what to check. The password is never logged nor put into a message.</li>
 *   <li>Several processes may open the same ledger at once (the CLI beside a running server, or
 *       several nodes on PostgreSQL): Flyway serialises its own runs, and a ledger that is already
 *       migrated is left alone. A database that holds tables but no Flyway history is refused, not
 *       adopted.</li>
 *   <li>H2's automatic mixed mode serves the file to other processes over TCP; that server is kept
 *       on loopback ({@link DatabaseSettings#keepH2ServerOnLoopback()}).</li>
 *   <li>On PostgreSQL every connection gets {@code lock_timeout} (10 s, like H2's
 *       {@code LOCK_TIMEOUT}) so no ledger call waits for ever behind a stuck node, and
 *       {@code idle_in_transaction_session_timeout} (60 s) so a node that froze inside a transaction
 *       cannot hold the ledger's write lock for ever. Options given in the URL win.</li>
 * </ul>
 * Thread-safe. {@link #close()} closes the pool; an H2 file is closed when its last connection is.
 */
public final class Database implements AutoCloseable {

    /** How long one attempt to reach the database may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final int MIGRATION_POOL = 2;
    static final String PG_SESSION_OPTIONS = "-c lock_timeout=10s -c idle_in_transaction_session_timeout=60s";

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final DatabaseSettings settings;
    private final HikariDataSource pool;
    private final JdbcLedger ledger;

    private Database(DatabaseSettings settings, HikariDataSource pool) {
        this.settings = settings;
        this.pool = pool;
        this.ledger = new JdbcLedger(pool, settings.maskedUrl());
    }

    /**
     * Opens the pool and migrates the schema.
     *
     * @throws LedgerException when the database cannot be reached within {@link #CONNECT_TIMEOUT} or a
     *                         migration fails; the message names the URL, never the password
     */
    public static Database open(DatabaseSettings settings) {
        String shown = settings.maskedUrl();
        LOG.info("opening ledger database {} (user {}, pool {})", shown, settings.user(), settings.poolSize());
        if (settings.isH2()) {
            DatabaseSettings.keepH2ServerOnLoopback();
        }
        HikariDataSource pool = connect(settings, "hotdesk-ledger", settings.poolSize());
        // Flyway holds one connection for its lock and works on another, so it gets a pool of its own:
        // with db.pool-size=1 it would otherwise wait for itself until the connection timeout
        try (HikariDataSource migrations = connect(settings, "hotdesk-ledger-migration", MIGRATION_POOL)) {
            migrate(settings, migrations);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(settings, pool);
    }

    private static void migrate(DatabaseSettings settings, DataSource dataSource) {
        String shown = settings.maskedUrl();
        try {
            MigrateResult result = Flyway.configure(Database.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .loggers("slf4j")
                    .failOnMissingLocations(true)
                    .validateMigrationNaming(true)
                    .load()
                    .migrate();
            LOG.info("ledger database {} at schema version {} ({} migration(s) applied now)", shown,
                    result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
                    result.migrationsExecuted);
        } catch (RuntimeException e) {
            String why = e instanceof FlywayException ? e.getMessage() : rootMessage(e);
            throw new LedgerException("cannot migrate the ledger database " + shown + ": " + firstLine(why, settings)
                    + " (the ledger needs an empty database or schema, or one migrated by hotdesk)", e);
        }
    }

    private static HikariDataSource connect(DatabaseSettings settings, String poolName, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(poolSize, 2));
        config.setAutoCommit(false);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        config.setValidationTimeout(Math.min(CONNECT_TIMEOUT.toMillis(), 3000));
        config.setInitializationFailTimeout(1);
        if (settings.isPostgreSql()) {
            int seconds = (int) CONNECT_TIMEOUT.toSeconds();
            // the driver's own limits, so a silent peer cannot hold a connection attempt longer
            config.addDataSourceProperty("connectTimeout", Integer.toString(seconds));
            config.addDataSourceProperty("loginTimeout", Integer.toString(seconds));
            config.addDataSourceProperty("tcpKeepAlive", "true");
            config.addDataSourceProperty("ApplicationName", "hotdesk");
            config.addDataSourceProperty("options", PG_SESSION_OPTIONS);
        }
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new LedgerException("cannot reach the ledger database " + settings.maskedUrl() + " as user '"
                    + settings.user() + "': " + firstLine(rootMessage(e), settings)
                    + " (check db.url, db.user, db.password and that the database is running)", e);
        }
    }

    /** The pooled connections, for tools that need plain JDBC (reports, tests). */
    public DataSource dataSource() {
        return pool;
    }

    /** The ledger on this database; thread-safe, one per database. */
    public Ledger ledger() {
        return ledger;
    }

    public DatabaseSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        if (!pool.isClosed()) {
            pool.close();
            LOG.info("ledger database {} closed", settings.maskedUrl());
        }
    }

    @Override
    public String toString() {
        return "Database[" + settings.maskedUrl() + "]";
    }

    /** The driver's own words when there are some (they say what failed), else the deepest message. */
    static String rootMessage(Throwable e) {
        String deepest = null;
        int depth = 0;
        for (Throwable t = e; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof SQLException && t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                deepest = t.getMessage();
            }
        }
        return deepest == null ? e.getClass().getSimpleName() : deepest;
    }

    /** One line of a driver or Flyway message, with anything that could be the password masked. */
    static String firstLine(String message, DatabaseSettings settings) {
        String line = message == null ? "" : message.strip().lines().findFirst().orElse("").strip();
        line = DatabaseSettings.mask(line);
        if (settings.password().length() >= 3) {
            line = line.replace(settings.password(), "****");
        }
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
