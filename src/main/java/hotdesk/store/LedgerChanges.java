package hotdesk.store;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells a node at once when any node or CLI committed a change to a shared PostgreSQL ledger: every write
 * transaction that bumps a revision sends {@code pg_notify} on {@value #CHANNEL} with its schema as the payload
 * (delivered on commit only; a ledger in another schema of the same database ignores it),
 * and this listener, on a connection of its own outside the pool, runs {@code onChange} for each batch of
 * notifications. The reconciler's poll ({@code reconcile.interval}) stays as the fallback: a lost
 * connection is reconnected with backoff and answered with one {@code onChange} (something may have
 * changed meanwhile). {@code onChange} runs on the listener thread and must return at once. H2 has no
 * such channel: the poll alone serves it.
 */
public final class LedgerChanges implements AutoCloseable {

    /** The notification channel. */
    public static final String CHANNEL = "hotdesk_ledger";

    private static final Logger LOG = LoggerFactory.getLogger(LedgerChanges.class);
    private static final int WAIT_MS = 1000;
    private static final long MAX_BACKOFF_MS = 10_000;

    private final DatabaseSettings settings;
    private final Runnable onChange;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread thread;
    private volatile Connection connection;
    private volatile boolean listening;

    private LedgerChanges(DatabaseSettings settings, Runnable onChange) {
        this.settings = settings;
        this.onChange = onChange;
        this.thread = new Thread(this::run, "hotdesk-ledger-changes");
        this.thread.setDaemon(true);
    }

    /** Starts listening on a PostgreSQL ledger; IllegalArgumentException for any other database. */
    public static LedgerChanges start(DatabaseSettings settings, Runnable onChange) {
        Objects.requireNonNull(onChange, "onChange");
        if (!settings.isPostgreSql()) {
            throw new IllegalArgumentException("change notifications need a PostgreSQL ledger, not " + settings.maskedUrl());
        }
        LedgerChanges c = new LedgerChanges(settings, onChange);
        c.thread.start();
        return c;
    }

    /** Whether the listener is connected and listening now. */
    public boolean listening() {
        return listening;
    }

    private void run() {
        long backoff = 250;
        boolean first = true;
        while (!closed.get()) {
            try (Connection c = connect()) {
                connection = c;
                String schema;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                    try (java.sql.ResultSet rs = st.executeQuery("SELECT current_schema()")) {
                        rs.next();
                        schema = rs.getString(1);
                    }
                }
                listening = true;
                backoff = 250;
                if (!first) {
                    LOG.info("listening for ledger changes on {} again", settings.maskedUrl());
                    changed(); // what committed while the connection was down
                }
                first = false;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed.get()) {
                    PGNotification[] batch = pg.getNotifications(WAIT_MS);
                    if (batch != null && java.util.Arrays.stream(batch).anyMatch(n -> Objects.equals(n.getParameter(), schema))) {
                        changed();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (closed.get()) {
                    return;
                }
                LOG.warn("ledger change notifications from {} lost ({}); the reconciler polls meanwhile, reconnecting in {} ms",
                        settings.maskedUrl(), Database.rootMessage(e), backoff);
                first = false;
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            } finally {
                listening = false;
                connection = null;
            }
        }
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        if (settings.user() != null && !settings.user().isEmpty()) {
            p.setProperty("user", settings.user());
        }
        if (settings.password() != null && !settings.password().isEmpty()) {
            p.setProperty("password", settings.password());
        }
        p.setProperty("ApplicationName", "hotdesk-ledger-changes");
        p.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(settings.url(), p);
    }

    private void changed() {
        try {
            onChange.run();
        } catch (RuntimeException e) {
            LOG.warn("the ledger change handler failed: {}", e.toString());
        }
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed.set(true);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        thread.interrupt();
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing the ledger change listener: {}", e.toString());
            }
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
