package hotdesk.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerException;
import org.flywaydb.core.Flyway;
import org.h2.api.ErrorCode;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Random;
import java.util.Set;

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
 *       on loopback ({@link DatabaseSettings#keepH2ServerOnLoopback()}) and asks for a password; the
 *       file is private to the service user and hotdesk works in it as a user without admin rights
 *       ({@link H2Embedded}). Processes that open a new file at the same moment wait for each other
 *       instead of failing.</li>
 *   <li>On PostgreSQL every connection gets {@code lock_timeout} (10 s, like H2's
 *       {@code LOCK_TIMEOUT}) so no ledger call waits for ever behind a stuck node, and
 *       {@code idle_in_transaction_session_timeout} (60 s) so a node that froze inside a transaction
 *       cannot hold the ledger's write lock for ever. Options given in the URL win.</li>
 * </ul>
 * Thread-safe. {@link #close()} closes the pool; an H2 file is closed when its last connection is.
 */
public final class Database implements AutoCloseable {

    static {
        keepResultsInMemory();
    }

    /**
     * Rows of one query result H2 keeps in memory before it moves the result into a temporary store
     * ({@code h2.maxMemoryRows}). H2's default is 40,000 per GB of {@code -Xmx}: about 4,400 under serve's
     * {@code -Xmx112m}, so at 10,000 desks every whole-table read (the revisions and applied state of a reconcile
     * pass, every listing of {@code status}) was written into a temporary store and read back: over 200 MB allocated
     * per {@code status} (BENCHMARKS.md, "CLI at scale"). 50,000 rows of those tables are a few MB; a larger result
     * still goes to the temporary store. An explicit {@code -Dh2.maxMemoryRows} wins.
     */
    static final int MAX_MEMORY_ROWS = 50_000;

    /**
     * Sets {@code h2.maxMemoryRows} to {@link #MAX_MEMORY_ROWS} unless it is set already; returns the value in force.
     * H2 reads it once, when its engine starts: this runs before hotdesk opens any H2 database.
     */
    static String keepResultsInMemory() {
        if (System.getProperty("h2.maxMemoryRows") == null) {
            System.setProperty("h2.maxMemoryRows", Integer.toString(MAX_MEMORY_ROWS));
        }
        return System.getProperty("h2.maxMemoryRows");
    }

    /** How long one attempt to reach the database may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final int MIGRATION_POOL = 2;
    static final String PG_SESSION_OPTIONS = "-c lock_timeout=10s -c idle_in_transaction_session_timeout=60s";
    /**
     * How long opening the embedded ledger waits for other processes that are opening or closing it,
     * counted from the first wait: inside its 10 s lock timeout.
     */
    static final Duration H2_OPEN_DEADLINE = Duration.ofSeconds(8);
    private static final Duration MAX_PAUSE = Duration.ofMillis(400);
    /** H2's words for "another process is opening or handing over this file right now". */
    private static final Set<Integer> H2_BUSY = Set.of(ErrorCode.ERROR_OPENING_DATABASE_1,
            ErrorCode.DATABASE_ALREADY_OPEN_1, ErrorCode.CONNECTION_BROKEN_1, ErrorCode.DATABASE_IS_CLOSED,
            ErrorCode.DATABASE_CALLED_AT_SHUTDOWN);
    private static final Random RANDOM = new Random();

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final DatabaseSettings settings;
    private final HikariDataSource pool;
    private final JdbcLedger ledger;
    /** For an embedded ledger: sets what hotdesk sets as H2's admin after an open ({@link #keepSettings}). */
    private volatile Runnable h2Settings;

    private Database(DatabaseSettings settings, HikariDataSource pool) {
        this.settings = settings;
        this.pool = pool;
        this.ledger = new JdbcLedger(pool, settings.maskedUrl(), settings.isPostgreSql());
    }

    /**
     * Opens the pool and migrates the schema. For the embedded H2 ledger it first makes the directory
     * and files private and reads (or generates) the credentials ({@link H2Embedded}), and it waits
     * while another process is opening the same file: two CLI commands started at once find H2's lock
     * file busy ("Lock file recently modified", "Database may be already in use" while the owner hands
     * over to its auto-server); one process at a time opens the file, and an open that finds it busy is
     * tried again, waiting for up to {@link #H2_OPEN_DEADLINE} in all, which stays inside the ledger's
     * 10 s lock timeout; it fails only after that.
     *
     * @throws LedgerException          when the database cannot be reached within {@link #CONNECT_TIMEOUT}
     *                                  (H2: {@link #H2_OPEN_DEADLINE}) or a migration fails; the message
     *                                  names the URL, never the password
     * @throws IllegalArgumentException when the embedded ledger's directory cannot be made private
     */
    /**
     * {@link #open} for one admin command: on the embedded H2 ledger, commands run one at a time (an OS
     * lock on {@code <file>.command.lock}, held until {@link #close}, freed by the OS if the process
     * dies). A command that served the file to others could otherwise exit in the middle of another's
     * commit, which then cannot tell whether its change was made. Waits at most {@link #H2_COMMAND_WAIT}
     * for the commands ahead. With a running {@code serve} each command is a client of it, as before.
     *
     * @throws LedgerException when the commands ahead take longer than {@link #H2_COMMAND_WAIT}
     */
    public static Database openForCommand(DatabaseSettings settings) {
        if (!settings.isH2()) {
            return open(settings);
        }
        AutoCloseable turn = H2Embedded.commandLock(settings, H2_COMMAND_WAIT);
        try {
            Database db = open(settings);
            db.commandTurn = turn;
            return db;
        } catch (RuntimeException e) {
            closeQuietly(turn);
            throw e;
        }
    }

    /** How long an admin command waits for the commands ahead of it on the embedded ledger. */
    public static final java.time.Duration H2_COMMAND_WAIT = java.time.Duration.ofSeconds(120);

    private AutoCloseable commandTurn;

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("releasing the ledger's command lock: {}", e.toString());
        }
    }

    /**
     * Flyway runs only when the ledger's history is not at {@link #SCHEMA_VERSION} (a new, older or newer ledger, or a
     * failed migration): for {@code serve} as for an admin command, since Flyway's set-up, its scan of the jar and its
     * validation cost a cold JVM about as much as opening the ledger itself (BENCHMARKS.md, "CLI at scale" and
     * "Ready after start"). What is skipped on a current ledger is Flyway's check that the applied scripts are
     * unchanged, which only a build that edited a released migration could fail.
     */
    public static Database open(DatabaseSettings settings) {
        String shown = settings.maskedUrl();
        LOG.info("opening ledger database {} (user {}, pool {})", shown, settings.user(), settings.poolSize());
        if (!settings.isH2()) {
            return openOnce(settings, settings.url(), settings.password());
        }
        DatabaseSettings.keepH2ServerOnLoopback();
        H2Embedded.Credentials credentials = H2Embedded.prepare(settings);
        H2Embedded.Patience patience = new H2Embedded.Patience(H2_OPEN_DEADLINE);
        // the app user never creates the database: a file that is missing is created by the admin
        String appUrl = settings.url() + ";IFEXISTS=TRUE";
        // a file not there yet is set up before the first try: that try could only fail, and a pool that cannot
        // connect first sleeps a second before it gives up (HikariCP's fail-fast check), on every new ledger
        boolean setUp = H2Embedded.missing(settings);
        boolean triedSetUp = setUp;
        Duration pause = Duration.ofMillis(25);
        while (true) {
            try (H2Embedded.OpeningLock opening = H2Embedded.openingLock(settings, patience, shown)) {
                if (setUp) {
                    H2Embedded.setUpUsers(settings, credentials, shown);
                    setUp = false;
                }
                Database db = openOnce(settings, appUrl, credentials.appPassword());
                try {
                    H2Embedded.privateFiles(settings);
                    db.h2Settings = () -> H2Embedded.keepNoResults(settings, credentials, shown);
                    db.keepSettings();
                } catch (RuntimeException e) {
                    db.close();
                    throw e;
                }
                return db;
            } catch (LedgerException e) {
                int code = h2ErrorCode(e);
                if (!triedSetUp && (code == ErrorCode.WRONG_USER_OR_PASSWORD
                        || code == ErrorCode.DATABASE_NOT_FOUND_WITH_IF_EXISTS_1)) {
                    setUp = true; // a new file, a ledger of an older hotdesk, or one another process is creating
                    triedSetUp = true;
                    continue;
                }
                if (!H2_BUSY.contains(code) || !patience.mayWait(pause)) {
                    throw e;
                }
                LOG.debug("ledger database {} is busy ({}); trying again in {} ms", shown, e.getMessage(), pause.toMillis());
                sleep(pause.plusMillis(RANDOM.nextInt((int) pause.toMillis() + 1)));
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    private static Database openOnce(DatabaseSettings settings, String url, String password) {
        HikariDataSource pool = connect(settings, url, password, "hotdesk-ledger", settings.poolSize());
        if (current(settings, pool)) {
            return new Database(settings, pool);
        }
        // Flyway holds one connection for its lock and works on another, so it gets a pool of its own:
        // with db.pool-size=1 it would otherwise wait for itself until the connection timeout
        try (HikariDataSource migrations = connect(settings, url, password, "hotdesk-ledger-migration", MIGRATION_POOL)) {
            migrate(settings, migrations);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(settings, pool);
    }

    /**
     * The highest migration under {@code db/migration} (a test holds this equal to the files): a ledger whose
     * Flyway history reaches it, with no failed migration, needs nothing done.
     */
    static final int SCHEMA_VERSION = 20;

    /**
     * Whether the ledger's Flyway history holds {@link #SCHEMA_VERSION} and no failed migration. Anything else
     * (no history yet, an older or newer ledger, a failed or unreadable history) is false: Flyway then decides,
     * and reports, as it always did.
     */
    static boolean current(DatabaseSettings settings, DataSource pool) {
        try (Connection c = pool.getConnection()) {
            try (java.sql.Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL")) {
                int highest = -1;
                boolean failed = false;
                while (rs.next()) {
                    failed |= !rs.getBoolean("success");
                    highest = Math.max(highest, Integer.parseInt(rs.getString("version").strip()));
                }
                return !failed && highest == SCHEMA_VERSION;
            } finally {
                c.rollback();
            }
        } catch (SQLException | NumberFormatException e) {
            LOG.debug("ledger database {}: no current schema history ({}); Flyway looks", settings.maskedUrl(), e.getMessage());
            return false;
        }
    }

    /** The H2 error code of the first SQLException among the causes, or 0. */
    static int h2ErrorCode(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof SQLException sql) {
                return sql.getErrorCode();
            }
        }
        return 0;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerException("interrupted while waiting for the ledger database", e);
        }
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

    private static HikariDataSource connect(DatabaseSettings settings, String url, String password, String poolName,
                                            int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(url);
        config.setUsername(settings.user());
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(poolSize, 2));
        config.setAutoCommit(false);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        config.setValidationTimeout(Math.min(CONNECT_TIMEOUT.toMillis(), 3000));
        config.setInitializationFailTimeout(1);
        if (settings.isH2()) {
            // a connection served by a process that has exited since (it owned the file) stays dead: drop it,
            // so that the next one reconnects to whoever serves the file now
            config.setExceptionOverride(new SQLExceptionOverride() {
                @java.lang.Override
                public Override adjudicate(SQLException e) {
                    int code = e.getErrorCode();
                    return code == ErrorCode.DATABASE_CALLED_AT_SHUTDOWN || code == ErrorCode.CONNECTION_BROKEN_1
                            || code == ErrorCode.DATABASE_IS_CLOSED ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
                }
            });
        }
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

    /**
     * Sets again what hotdesk sets on an embedded ledger after opening it ({@link H2Embedded#keepNoResults}: no query
     * results kept, H2's page cache size). H2 holds them only while a process has the database open, so a serve
     * that reached the file through another process's auto-server (a CLI command that had opened it first) opens it
     * itself once that process exits, without them. serve calls this periodically; nothing for PostgreSQL.
     */
    public void keepSettings() {
        Runnable r = h2Settings;
        if (r != null) {
            r.run();
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

    /** How long a process serving an embedded ledger to others waits for them before it closes. */
    static final java.time.Duration H2_SERVE_OTHERS_DEADLINE = java.time.Duration.ofSeconds(15);

    @Override
    public void close() {
        if (pool.isClosed()) {
            return;
        }
        if (!settings.isH2()) {
            pool.close();
        } else {
            waitWhileOtherProcessesUseTheFile();
            // the last process to hold an H2 file hands it over while closing: not in the middle of another's open
            H2Embedded.OpeningLock closing = null;
            try {
                closing = H2Embedded.openingLock(settings, new H2Embedded.Patience(H2_OPEN_DEADLINE), settings.maskedUrl());
            } catch (LedgerException busy) {
                LOG.debug("closing the ledger database {} without its opening lock: {}", settings.maskedUrl(), busy.getMessage());
            }
            try {
                pool.close();
            } finally {
                if (closing != null) {
                    closing.close();
                }
            }
        }
        if (commandTurn != null) {
            closeQuietly(commandTurn);
        }
        LOG.info("ledger database {} closed", settings.maskedUrl());
    }

    /**
     * The process that serves an embedded H2 file to others (its AUTO_SERVER) stays, at most
     * {@link #H2_SERVE_OTHERS_DEADLINE}, until no other process is connected through it. Leaving earlier
     * would cut their transactions mid-commit: they could not tell whether their change was made, and a
     * retry would make it twice. A process that is itself a client of another's server does not wait.
     */
    private void waitWhileOtherProcessesUseTheFile() {
        if (jvmShuttingDown()) {
            return; // H2's own shutdown hook closes the file now anyway: nothing to wait for
        }
        long deadline = System.nanoTime() + H2_SERVE_OTHERS_DEADLINE.toNanos();
        try {
            while (remoteSessions() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("could not count the processes using {}: {}", settings.maskedUrl(), e.getMessage());
        }
    }

    private static boolean jvmShuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /** Sessions of other processes on the file this process serves; 0 when it serves none (it is a client). */
    private int remoteSessions() throws SQLException {
        try (Connection c = pool.getConnection()) {
            if (!(c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession() instanceof org.h2.engine.SessionLocal local)) {
                return 0;
            }
            int remote = 0;
            for (org.h2.engine.SessionLocal s : local.getDatabase().getSessions(false)) {
                if (s.getNetworkConnectionInfo() != null) {
                    remote++;
                }
            }
            return remote;
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
