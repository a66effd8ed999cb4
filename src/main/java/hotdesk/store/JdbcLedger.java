package hotdesk.store;

import com.zaxxer.hikari.HikariDataSource;
import hotdesk.core.model.AdminAccount;
import hotdesk.core.model.AdminSession;
import hotdesk.core.model.ApiToken;
import hotdesk.core.model.DeskKey;
import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.AuditLine;
import hotdesk.core.model.AuditQuery;
import hotdesk.core.model.AutoLogoutOverride;
import hotdesk.core.model.CivicField;
import hotdesk.core.model.CivicLocation;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.DeskPhoneSettings;
import hotdesk.core.model.Device;
import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.OtpRecord;
import hotdesk.core.model.ProvisionCount;
import hotdesk.core.model.SecretHash;
import hotdesk.core.model.SessionRecord;
import hotdesk.core.model.Site;
import hotdesk.core.model.SitePhoneSettings;
import hotdesk.core.model.Target;
import hotdesk.core.model.User;
import hotdesk.core.port.DuplicateException;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerException;
import hotdesk.core.port.LedgerTx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * The {@link Ledger} on JDBC, with the same SQL for H2 (PostgreSQL mode) and PostgreSQL.
 *
 * <p><b>How concurrent writers are kept apart.</b> Every {@link #transact} first locks the single
 * row of {@code ledger_revision} ({@code SELECT … FOR UPDATE}) and then runs the work at READ
 * COMMITTED. So read-write transactions run one after another across threads, processes (CLI and
 * server on one H2 file) and nodes (one PostgreSQL), and each one sees everything committed before
 * it: two logins on the same desk cannot both find it free, a user cannot be seated twice, no update
 * is lost, and revisions increase in commit order. The alternative, SERIALIZABLE plus retries, was
 * rejected: H2 and PostgreSQL implement it differently (H2 by locks, PostgreSQL by aborting one of
 * two conflicting transactions), so the same work would behave differently on the two, and under
 * contention (every change bumps the one revision counter) most attempts would be aborted and
 * retried. The price of one lock is that writes do not run in parallel; ledger writes are few,
 * small and short (a login is a handful of statements), so that is cheap at hot-desk scale.
 * {@link #read} takes no lock: it runs READ ONLY at REPEATABLE READ, a consistent snapshot that never
 * waits for a writer, and refuses write methods with IllegalStateException on both databases.
 *
 * <p><b>Failures.</b> A serialization failure, a deadlock or a lock timeout (SQLState 40001, 40P01,
 * 55P03; H2 codes 40001, 50200, 90131) rolls the transaction back and runs the work again, at most
 * {@link #MAX_ATTEMPTS} times with a short random pause, and no attempt starts after one overall
 * {@link #DEADLINE} counted from the first: a lock timeout has already waited that long (both databases wait
 * 10 s for a lock), so it is not retried, and a caller never waits five lock timeouts (50 s) behind a stuck
 * writer; quick conflicts (deadlocks, serialization failures) are still retried. The work must have no effect
 * outside the transaction (the port says so). A unique key violation (23505) becomes
 * {@link DuplicateException}; the inserts that can raise it run under a savepoint, so a work that
 * catches it can go on and commit, as with the in-memory ledger. Every other SQL error becomes one
 * {@link LedgerException} naming the operation and the URL (password masked) and rolls everything
 * back. A connection lost before the commit (PostgreSQL restarted or ended the session) committed nothing and
 * is retried like a conflict, on a new connection; a connection error at commit is not retried: the outcome is
 * unknown then. Exceptions of the
 * work itself roll back and propagate unchanged.
 *
 * <p><b>Time.</b> Instants are stored as TIMESTAMP(6) WITH TIME ZONE and truncated to microseconds
 * before writing; both databases would otherwise round nanoseconds, each in its own way.
 *
 * <p>Lists come back in the port's order (users by extension, devices by MAC, lines and occupancy
 * by endpoint id), sorted in Java so that a PostgreSQL collation cannot reorder them. Thread-safe;
 * blocking. A transaction must not start another {@link #transact} on the same thread: it would wait
 * for its own lock, so that is refused with IllegalStateException.
 */
final class JdbcLedger implements Ledger {

    static final int MAX_ATTEMPTS = 5;
    /** No new attempt after this long since the first began: the lock timeout of both databases (10 s). */
    static final Duration DEADLINE = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(JdbcLedger.class);

    private final DataSource dataSource;
    private final String shownUrl;
    private final ThreadLocal<Boolean> writing = new ThreadLocal<>();
    /** The highest revision committed or read through this ledger (see {@link Ledger#latestKnownRevision()}). */
    private final java.util.concurrent.atomic.AtomicLong known = new java.util.concurrent.atomic.AtomicLong(-1);

    /** On PostgreSQL a write that bumps a revision sends {@value LedgerChanges#CHANNEL} with its commit. */
    private final boolean notifyChanges;
    /** See {@link #DEADLINE}. */
    private final Duration deadline;
    /**
     * Rows an H2 client (a command beside a running {@code serve}, through its auto-server) fetches per round trip:
     * H2's default of 100 made {@code status} on 10,000 desks wait for some 800 round trips to a busy server
     * (BENCHMARKS.md, "CLI at scale"). An embedded H2 ignores it; PostgreSQL keeps its own default (all rows).
     */
    static final int H2_FETCH_SIZE = 10_000;
    private final boolean h2;

    JdbcLedger(DataSource dataSource, String shownUrl) {
        this(dataSource, shownUrl, false);
    }

    JdbcLedger(DataSource dataSource, String shownUrl, boolean notifyChanges) {
        this(dataSource, shownUrl, notifyChanges, DEADLINE);
    }

    JdbcLedger(DataSource dataSource, String shownUrl, boolean notifyChanges, Duration deadline) {
        this.dataSource = dataSource;
        this.shownUrl = shownUrl;
        this.notifyChanges = notifyChanges;
        this.deadline = deadline;
        this.h2 = shownUrl.startsWith("jdbc:h2:");
    }

    @Override
    public <T> T transact(Work<T> work) {
        return run(work, false);
    }

    @Override
    public <T> T read(Work<T> work) {
        return run(work, true);
    }

    @Override
    public java.util.OptionalLong latestKnownRevision() {
        long k = known.get();
        return k < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(k);
    }

    /** A revision this process saw committed: known from now on. */
    private void saw(long revision) {
        known.accumulateAndGet(revision, Math::max);
    }

    private <T> T run(Work<T> work, boolean readOnly) {
        Objects.requireNonNull(work, "work");
        if (!readOnly && Boolean.TRUE.equals(writing.get())) {
            throw new IllegalStateException("Ledger.transact called inside another transact on the same thread: it would "
                    + "wait for its own write lock; make both changes in one transaction, or one after the other");
        }
        Conflict last = null;
        long start = System.nanoTime();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                return once(work, readOnly);
            } catch (Conflict c) {
                last = c;
                if (System.nanoTime() - start >= deadline.toNanos()) {
                    // a lock timeout waited the whole deadline already: another try would make the caller wait as long again
                    throw new LedgerException("ledger transaction on " + shownUrl + " gave up after " + attempt + " attempt(s) in "
                            + millisSince(start) + " ms, past its deadline of " + deadline.toMillis() + " ms: " + c.getMessage(),
                            c.getCause());
                }
                LOG.debug("ledger transaction attempt {} of {} on {} hit a conflict, retrying: {}", attempt, MAX_ATTEMPTS,
                        shownUrl, c.getMessage());
                if (attempt < MAX_ATTEMPTS) {
                    pause(attempt);
                }
            }
        }
        throw new LedgerException("ledger transaction on " + shownUrl + " gave up after " + MAX_ATTEMPTS
                + " attempts: " + last.getMessage(), last.getCause());
    }

    private <T> T once(Work<T> work, boolean readOnly) {
        Connection c = borrow();
        Tx tx = null;
        try {
            if (readOnly) {
                c.setReadOnly(true);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            } else {
                writing.set(Boolean.TRUE);
            }
            tx = new Tx(c, readOnly);
            if (!readOnly) {
                tx.lockLedger();
            }
            T result = work.run(tx);
            tx.finish();
            if (tx.conflict != null) {
                // the work swallowed a conflict; its view was incomplete, so run it again
                throw tx.conflict;
            }
            if (notifyChanges && tx.bumped) {
                // delivered to every LISTENing node when (and only if) this transaction commits
                // the payload names the schema: ledgers in other schemas of the same database ignore it
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("SELECT pg_notify('" + LedgerChanges.CHANNEL + "', current_schema())");
                }
            }
            commit(c);
            // only a committed revision may be known: a fetch that finds it reads the view again
            saw(tx.latest);
            return result;
        } catch (SQLException e) {
            rollback(c, e);
            throw translate(e, readOnly ? "preparing a read-only transaction" : "starting a transaction");
        } catch (RuntimeException | Error e) {
            rollback(c, e);
            if (tx != null && tx.conflict != null && e != tx.conflict && e instanceof RuntimeException) {
                // the work went on after a conflict (PostgreSQL then refuses every statement): run it again
                tx.conflict.addSuppressed(e);
                throw tx.conflict;
            }
            throw e;
        } finally {
            if (tx != null) {
                tx.finish();
            }
            if (!readOnly) {
                writing.remove();
            }
            release(c);
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private Connection borrow() {
        if (dataSource instanceof HikariDataSource pool && pool.isClosed()) {
            throw new LedgerException("the ledger database " + shownUrl + " is closed (hotdesk is shutting down)", null);
        }
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            if (handingOver(e)) {
                // the H2 process that served the embedded file exited and another is taking over its
                // auto-server: a passing state, retried like a conflict (bounded by MAX_ATTEMPTS)
                throw new Conflict("connect: the embedded ledger is changing hands: " + oneLine(Database.rootMessage(e)), e);
            }
            throw new LedgerException("no connection to the ledger database " + shownUrl + ": "
                    + oneLine(Database.rootMessage(e)) + " (is the database running and reachable?)", e);
        }
    }

    private void commit(Connection c) {
        try {
            c.commit();
        } catch (SQLException e) {
            throw translate(e, COMMIT);
        }
    }

    private static final String COMMIT = "commit";

    /**
     * Whether the database connection broke (PostgreSQL restarted or ended the session, the network dropped):
     * SQLState class 08, or 57P01–57P03 (administrator shutdown, crash shutdown, cannot connect now).
     */
    static boolean connectionLost(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String state = s.getSQLState() == null ? "" : s.getSQLState();
            if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                return true;
            }
            if (s.getCause() instanceof SQLException inner && inner != s && connectionLost(inner)) {
                return true;
            }
        }
        return false;
    }

    private static void rollback(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private void release(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.warn("returning a ledger connection to the pool failed ({}): {}", shownUrl, oneLine(e.getMessage()));
        }
    }

    private void pause(int attempt) {
        long bound = 20L * attempt;
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(bound / 2, bound + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerException("interrupted while retrying a ledger transaction on " + shownUrl, e);
        }
    }

    /** Whether the database rolled the statement or transaction back because of another transaction. */
    static boolean retryable(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String state = s.getSQLState() == null ? "" : s.getSQLState();
            if (state.equals("40001") || state.equals("40P01") || state.equals("55P03")) {
                return true;
            }
            int code = s.getErrorCode();
            // H2: 40001 deadlock, 50200 lock timeout (SQLState HYT00), 90131 concurrent update
            if (state.equals("HYT00") && code == 50200 || code == 90131 && state.equals("90131")) {
                return true;
            }
            // H2: the process that served the embedded file to this one exited in the middle (90121 closed at
            // shutdown, 90067 connection broken); the transaction did not commit there, and the next attempt
            // reconnects to the process that serves the file now (AUTO_SERVER implies AUTO_RECONNECT)
            if (code == 90121 && state.equals("90121") || code == 90067 && state.equals("90067")) {
                return true;
            }
            if (s.getCause() instanceof SQLException inner && inner != s && retryable(inner)) {
                return true;
            }
        }
        return false;
    }

    /** H2's "Database may be already in use" (90020) anywhere in the chain: another process holds the file for now. */
    static boolean handingOver(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s && s.getErrorCode() == 90020 && "90020".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    static boolean uniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /** The one translation of an SQL error into what the port promises. */
    RuntimeException translate(SQLException e, String what) {
        if (retryable(e)) {
            return new Conflict(what + ": " + sqlSummary(e), e);
        }
        if (!COMMIT.equals(what) && connectionLost(e)) {
            // before the commit a lost session committed nothing (the server rolled it back): run it again on a
            // new connection (the pool drops the broken one; while the database restarts the next waits for it)
            return new Conflict(what + ": connection lost before the commit, nothing committed: " + sqlSummary(e), e);
        }
        if (uniqueViolation(e)) {
            return new DuplicateException(what + ": a row with this key exists already");
        }
        if ("23503".equals(e.getSQLState()) || "23506".equals(e.getSQLState())) { // H2 says 23506 for a missing parent
            return new LedgerException("ledger: " + what + " refused on " + shownUrl
                    + ": other rows still refer to it or it refers to a missing row (" + sqlSummary(e) + ")", e);
        }
        return new LedgerException("ledger: " + what + " failed on " + shownUrl + ": " + sqlSummary(e), e);
    }

    private static String sqlSummary(SQLException e) {
        return "SQLState " + e.getSQLState() + ", " + oneLine(e.getMessage());
    }

    private static String oneLine(String message) {
        String line = message == null ? "" : message.strip().lines().findFirst().orElse("").strip();
        if (line.endsWith("; SQL statement:")) {
            line = line.substring(0, line.length() - "; SQL statement:".length()); // H2 puts the statement on the next line
        }
        line = DatabaseSettings.mask(line);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    /** A conflict with another transaction: the whole work is run again. */
    static final class Conflict extends RuntimeException {
        Conflict(String message, SQLException cause) {
            super(message, cause);
        }
    }

    @FunctionalInterface
    private interface Rows<R> {
        R map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    private interface SqlAction {
        void run() throws SQLException;
    }

    private static OffsetDateTime ts(Instant instant) {
        return OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    private static ProvisionCount provisionCountOf(ResultSet rs) throws SQLException {
        return new ProvisionCount(rs.getLong("served"), Optional.ofNullable(instant(rs, "reset_at")));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static String kind(Target t) {
        return t.kind().name().toLowerCase(Locale.ROOT);
    }

    private static Target target(ResultSet rs) throws SQLException {
        return new Target(Target.Kind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)), rs.getString("target_id"));
    }

    /**
     * A hash map, not {@code Collectors.toUnmodifiableMap}: the JDK's compact immutable map probes linearly, and the
     * hashes of 10,000 desks' and users' targets fall in runs that made {@code status} spend most of its reads of
     * these two tables in {@code Target.equals} (BENCHMARKS.md, "CLI at scale").
     */
    private static Map<Target, Long> toMap(List<Map.Entry<Target, Long>> rows) {
        Map<Target, Long> out = new java.util.HashMap<>(rows.size() * 4 / 3 + 1);
        for (Map.Entry<Target, Long> r : rows) {
            if (out.put(r.getKey(), r.getValue()) != null) {
                throw new IllegalStateException("duplicate target " + r.getKey());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    /** One transaction's view. Lives for one work; not thread-safe. */
    private final class Tx implements LedgerTx {

        private final Connection c;
        private final boolean readOnly;
        private boolean over;
        private long latest;
        /** A revision was bumped: other nodes have something to apply. */
        private boolean bumped;
        private Conflict conflict;

        Tx(Connection c, boolean readOnly) {
            this.c = c;
            this.readOnly = readOnly;
        }

        void finish() {
            over = true;
        }

        void lockLedger() {
            latest = one("locking the ledger", "SELECT latest FROM ledger_revision WHERE id = 1 FOR UPDATE",
                    rs -> rs.getLong(1)).orElseThrow(() -> new LedgerException("ledger on " + shownUrl
                    + " has no ledger_revision row: the schema is damaged (restore it or start from an empty database)", null));
            saw(latest); // committed by whoever held the lock before
        }

        // ---- plumbing

        private void usable() {
            if (over) {
                throw new IllegalStateException("this ledger transaction is over: a LedgerTx must not be used after its work returned");
            }
        }

        private void writable(String what) {
            usable();
            if (readOnly) {
                throw new IllegalStateException("ledger write '" + what + "' inside Ledger.read: use Ledger.transact for changes");
            }
        }

        private RuntimeException fail(SQLException e, String what) {
            RuntimeException r = translate(e, what);
            if (r instanceof Conflict k) {
                conflict = k;
            }
            return r;
        }

        private PreparedStatement prepare(String sql, Object... params) throws SQLException {
            return prepare(c.prepareStatement(sql), params);
        }

        private PreparedStatement prepare(PreparedStatement ps, Object... params) throws SQLException {
            try {
                for (int i = 0; i < params.length; i++) {
                    Object p = params[i];
                    if (p == null) {
                        ps.setNull(i + 1, java.sql.Types.VARCHAR); // only text columns are written as NULL
                    } else if (p instanceof Instant t) {
                        ps.setObject(i + 1, ts(t));
                    } else if (p instanceof String s) {
                        ps.setString(i + 1, s);
                    } else if (p instanceof Long l) {
                        ps.setLong(i + 1, l);
                    } else if (p instanceof Integer n) {
                        ps.setInt(i + 1, n);
                    } else if (p instanceof Boolean b) {
                        ps.setBoolean(i + 1, b);
                    } else {
                        throw new IllegalArgumentException("unsupported ledger parameter " + i + ": " + p);
                    }
                }
                return ps;
            } catch (SQLException | RuntimeException e) {
                ps.close();
                throw e;
            }
        }

        private <R> List<R> list(String what, String sql, Rows<R> rows, Object... params) {
            usable();
            try (PreparedStatement ps = prepare(sql, params); ResultSet rs = query(ps)) {
                List<R> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rows.map(rs));
                }
                return out;
            } catch (SQLException e) {
                throw fail(e, what);
            }
        }

        private ResultSet query(PreparedStatement ps) throws SQLException {
            if (h2) {
                ps.setFetchSize(H2_FETCH_SIZE);
            }
            return ps.executeQuery();
        }

        private <R> Optional<R> one(String what, String sql, Rows<R> rows, Object... params) {
            List<R> all = list(what, sql, rows, params);
            return all.isEmpty() ? Optional.empty() : Optional.ofNullable(all.get(0));
        }

        private int update(String what, String sql, Object... params) {
            writable(what);
            try (PreparedStatement ps = prepare(sql, params)) {
                return ps.executeUpdate();
            } catch (SQLException e) {
                throw fail(e, what);
            }
        }

        /**
         * Runs inserts that may hit a unique key under a savepoint: on a duplicate only they are undone,
         * and the transaction stays usable (PostgreSQL would otherwise refuse every later statement).
         */
        private void guarded(String what, String duplicateMessage, SqlAction action) {
            writable(what);
            Savepoint sp;
            try {
                sp = c.setSavepoint();
            } catch (SQLException e) {
                throw fail(e, what);
            }
            try {
                action.run();
            } catch (SQLException e) {
                try {
                    c.rollback(sp);
                } catch (SQLException undo) {
                    e.addSuppressed(undo);
                }
                if (uniqueViolation(e)) {
                    throw new DuplicateException(duplicateMessage);
                }
                throw fail(e, what);
            }
            try {
                c.releaseSavepoint(sp);
            } catch (SQLException e) {
                throw fail(e, what);
            }
        }

        private void insert(String sql, Object... params) throws SQLException {
            try (PreparedStatement ps = prepare(sql, params)) {
                ps.executeUpdate();
            }
        }

        /** Rows this many to one executeBatch: fewer round trips, bounded driver memory. */
        private static final int BATCH = 1000;

        /**
         * Runs {@code sql} once per row in JDBC batches; returns each row's update count in order
         * ({@link java.sql.Statement#SUCCESS_NO_INFO} where the driver does not tell).
         */
        private int[] batch(String sql, List<Object[]> rows) throws SQLException {
            int[] counts = new int[rows.size()];
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int done = 0;
                for (int i = 0; i < rows.size(); i++) {
                    prepare(ps, rows.get(i)).addBatch();
                    if ((i + 1) % BATCH == 0 || i == rows.size() - 1) {
                        int[] n = ps.executeBatch();
                        System.arraycopy(n, 0, counts, done, n.length);
                        done = i + 1;
                    }
                }
            } catch (java.sql.BatchUpdateException e) {
                // the driver's summary may lack the state the row's own error has (a duplicate key, a deadlock)
                throw e.getNextException() != null ? e.getNextException()
                        : e.getCause() instanceof SQLException cause ? cause : e;
            }
            return counts;
        }

        /** {@link #batch} as a plain write with its failure translated. */
        private int[] batchUpdate(String what, String sql, List<Object[]> rows) {
            writable(what);
            try {
                return batch(sql, rows);
            } catch (SQLException e) {
                throw fail(e, what);
            }
        }

        // ---- users

        private static final String USER_COLUMNS =
                "extension, name, pin_hash, hotdesk_enabled, context, mailbox, sip_secret, own_device, login_policy, enabled";

        private User user(ResultSet rs) throws SQLException {
            String policy = rs.getString("login_policy");
            return new User(new Extension(rs.getString("extension")), rs.getString("name"),
                    new SecretHash(rs.getString("pin_hash")), rs.getBoolean("hotdesk_enabled"), rs.getString("context"),
                    rs.getString("mailbox"), rs.getString("sip_secret"), rs.getBoolean("own_device"),
                    policy == null ? Optional.empty() : Optional.of(MultiLogin.parse("users.login_policy", policy)),
                    rs.getBoolean("enabled"));
        }

        /** The stored form of a user's own policy: NULL (written as '' through NULLIF) for the global one. */
        private static String loginPolicy(User u) {
            return u.multiLogin().map(MultiLogin::value).orElse("");
        }

        @Override
        public Optional<User> user(Extension extension) {
            return one("read user " + extension, "SELECT " + USER_COLUMNS + " FROM users WHERE extension = ?",
                    this::user, extension.value());
        }

        @Override
        public List<User> users() {
            List<User> all = list("list users", "SELECT " + USER_COLUMNS + " FROM users", this::user);
            all.sort(Comparator.comparing(User::extension));
            return List.copyOf(all);
        }

        @Override
        public void insertUser(User u) {
            guarded("insert user " + u.extension(), "user " + u.extension() + " exists already", () -> insert(
                    "INSERT INTO users (" + USER_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?)",
                    u.extension().value(), u.name(), u.pinHash().encoded(), u.hotdeskEnabled(), u.context(), u.mailbox(),
                    u.sipSecret(), u.ownDevice(), loginPolicy(u), u.enabled()));
        }

        @Override
        public void insertUsers(List<User> users) {
            if (users.isEmpty()) {
                writable("insert users");
                return;
            }
            java.util.Set<Extension> seen = new java.util.HashSet<>();
            for (User u : users) {
                if (!seen.add(u.extension())) {
                    throw new DuplicateException("user " + u.extension() + " is in the list twice");
                }
            }
            guarded("insert " + users.size() + " users", "one of " + users.size() + " users exists already", () -> batch(
                    "INSERT INTO users (" + USER_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?)",
                    users.stream().map(u -> new Object[]{u.extension().value(), u.name(), u.pinHash().encoded(),
                            u.hotdeskEnabled(), u.context(), u.mailbox(), u.sipSecret(), u.ownDevice(), loginPolicy(u),
                            u.enabled()}).toList()));
        }

        @Override
        public void updateUser(User u) {
            int n = update("update user " + u.extension(), """
                    UPDATE users SET name = ?, pin_hash = ?, hotdesk_enabled = ?, context = ?, mailbox = ?,
                                     sip_secret = ?, own_device = ?, login_policy = NULLIF(?, ''), enabled = ?
                    WHERE extension = ?""",
                    u.name(), u.pinHash().encoded(), u.hotdeskEnabled(), u.context(), u.mailbox(), u.sipSecret(),
                    u.ownDevice(), loginPolicy(u), u.enabled(), u.extension().value());
            if (n == 0) {
                throw new IllegalStateException("no user " + u.extension());
            }
        }

        @Override
        public void deleteUser(Extension extension) {
            // the user's one-time codes go with it (otp_codes_user_fk is ON DELETE CASCADE)
            update("delete user " + extension, "DELETE FROM users WHERE extension = ?", extension.value());
        }

        // ---- devices and lines

        private static final String DEVICE_COLUMNS = "mac, vendor, model, label, site, elin, enabled, "
                + "sip_server, sip_port, sip_transport, ntp_server, time_zone, registration_expiry";

        private Device device(ResultSet rs) throws SQLException {
            return new Device(new Mac(rs.getString("mac")), rs.getString("vendor"), rs.getString("model"),
                    rs.getString("label"), rs.getString("site"), rs.getString("elin"), rs.getBoolean("enabled"),
                    new DeskPhoneSettings(rs.getString("sip_server"), rs.getInt("sip_port"), rs.getString("sip_transport"),
                            rs.getString("ntp_server"), rs.getString("time_zone"), rs.getInt("registration_expiry")));
        }

        private DeskLine line(ResultSet rs) throws SQLException {
            return new DeskLine(rs.getString("endpoint_id"), new Mac(rs.getString("mac")), rs.getInt("port"),
                    rs.getString("secret"));
        }

        @Override
        public Optional<Device> device(Mac mac) {
            return one("read device " + mac, "SELECT " + DEVICE_COLUMNS + " FROM devices WHERE mac = ?", this::device,
                    mac.value());
        }

        @Override
        public List<Device> devices() {
            List<Device> all = list("list devices", "SELECT " + DEVICE_COLUMNS + " FROM devices", this::device);
            all.sort(Comparator.comparing(d -> d.mac().value()));
            return List.copyOf(all);
        }

        @Override
        public void insertDevice(Device d, List<DeskLine> lines) {
            guarded("insert device " + d.mac(), "device " + d.mac().display() + " or one of its desk lines exists already",
                    () -> {
                        DeskPhoneSettings p = d.phones();
                        insert("INSERT INTO devices (" + DEVICE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                d.mac().value(), d.vendor(), d.model(), d.label(), d.site(), d.elin(), d.enabled(),
                                p.sipServer(), p.sipPort(), p.sipTransport(), p.ntpServer(), p.timeZone(), p.expirySeconds());
                        for (DeskLine l : lines) {
                            insert("INSERT INTO desk_lines (endpoint_id, mac, port, secret) VALUES (?, ?, ?, ?)",
                                    l.endpointId(), l.mac().value(), l.port(), l.secret());
                        }
                    });
        }

        @Override
        public void updateDevice(Device d) {
            int n = update("update device " + d.mac(), """
                    UPDATE devices SET vendor = ?, model = ?, label = ?, site = ?, elin = ?, enabled = ?, sip_server = ?,
                                       sip_port = ?, sip_transport = ?, ntp_server = ?, time_zone = ?, registration_expiry = ?
                    WHERE mac = ?""", d.vendor(), d.model(), d.label(), d.site(), d.elin(), d.enabled(),
                    d.phones().sipServer(), d.phones().sipPort(), d.phones().sipTransport(), d.phones().ntpServer(),
                    d.phones().timeZone(), d.phones().expirySeconds(), d.mac().value());
            if (n == 0) {
                throw new IllegalStateException("no device " + d.mac().display());
            }
        }

        @Override
        public void deleteDevice(Mac mac) {
            // its lines go with it (ON DELETE CASCADE); an occupied line makes the database refuse
            update("delete device " + mac, "DELETE FROM devices WHERE mac = ?", mac.value());
        }

        @Override
        public Optional<DeskLine> line(String endpointId) {
            return one("read desk line " + endpointId,
                    "SELECT endpoint_id, mac, port, secret FROM desk_lines WHERE endpoint_id = ?", this::line, endpointId);
        }

        @Override
        public List<DeskLine> lines() {
            List<DeskLine> all = list("list desk lines", "SELECT endpoint_id, mac, port, secret FROM desk_lines", this::line);
            all.sort(Comparator.comparing(DeskLine::endpointId));
            return List.copyOf(all);
        }

        @Override
        public List<DeskLine> linesOf(Mac mac) {
            return List.copyOf(list("list desk lines of " + mac,
                    "SELECT endpoint_id, mac, port, secret FROM desk_lines WHERE mac = ? ORDER BY port", this::line,
                    mac.value()));
        }

        @Override
        public void recordFetch(Mac mac, Instant at, String remoteAddress, String userAgent) {
            update("record config fetch of " + mac,
                    "INSERT INTO config_fetches (mac, fetched_at, remote_address, user_agent) VALUES (?, ?, ?, ?)",
                    mac.value(), at, text(remoteAddress), text(userAgent));
        }

        @Override
        public Map<Mac, Instant> lastFetches() {
            Map<Mac, Instant> out = new LinkedHashMap<>();
            list("read last config fetches", "SELECT mac, MAX(fetched_at) AS last_at FROM config_fetches GROUP BY mac ORDER BY mac",
                    rs -> out.put(Mac.parse(rs.getString("mac")), instant(rs, "last_at")));
            return Collections.unmodifiableMap(out);
        }

        @Override
        public Optional<Instant> lastFetch(Mac mac) {
            return one("read last config fetch of " + mac, "SELECT MAX(fetched_at) AS last_at FROM config_fetches WHERE mac = ?",
                    rs -> instant(rs, "last_at"), mac.value());
        }

        @Override
        public void addProvisions(Mac mac, long n) {
            if (n <= 0) {
                return;
            }
            // an UPDATE, or the first row of a desk that still exists (a desk removed since its fetch adds nothing)
            if (update("count provisions of " + mac, "UPDATE provision_counts SET served = served + ? WHERE mac = ?",
                    n, mac.value()) == 0) {
                update("count provisions of " + mac, """
                        INSERT INTO provision_counts (mac, served, reset_at)
                        SELECT mac, ?, NULL FROM devices WHERE mac = ?""", n, mac.value());
            }
        }

        @Override
        public void resetProvisions(Mac mac, Instant at) {
            if (update("reset provisions of " + mac, "UPDATE provision_counts SET served = 0, reset_at = ? WHERE mac = ?",
                    at, mac.value()) == 0) {
                update("reset provisions of " + mac, """
                        INSERT INTO provision_counts (mac, served, reset_at)
                        SELECT mac, 0, ? FROM devices WHERE mac = ?""", at, mac.value());
            }
        }

        @Override
        public ProvisionCount provisionCount(Mac mac) {
            return one("read provision count of " + mac, "SELECT served, reset_at FROM provision_counts WHERE mac = ?",
                    JdbcLedger::provisionCountOf, mac.value()).orElse(ProvisionCount.NONE);
        }

        @Override
        public Map<Mac, ProvisionCount> provisionCounts() {
            Map<Mac, ProvisionCount> out = new LinkedHashMap<>();
            list("read provision counts", "SELECT mac, served, reset_at FROM provision_counts ORDER BY mac",
                    rs -> out.put(Mac.parse(rs.getString("mac")), provisionCountOf(rs)));
            return Collections.unmodifiableMap(out);
        }

        // ---- sites and desk locations

        /** Site address fields and their columns, in the order of {@link #SITE_COLUMNS}. */
        private static final List<CivicField> SITE_FIELDS = List.of(CivicField.COUNTRY, CivicField.A1, CivicField.A2,
                CivicField.A3, CivicField.A4, CivicField.RD, CivicField.HNO, CivicField.HNS, CivicField.PC, CivicField.NAM,
                CivicField.BLD);
        private static final String SITE_COLUMNS = "name, elin, country, a1, a2, a3, a4, rd, hno, hns, pc, nam, bld, time_zone, "
                + "sip_server, sip_port, sip_transport, ntp_server, registration_expiry, networks";
        /** A desk's own fields and their columns on devices, in the same order. */
        private static final List<CivicField> DESK_FIELDS = List.of(CivicField.BLD, CivicField.UNIT, CivicField.FLR,
                CivicField.ROOM, CivicField.SEAT, CivicField.LOC);
        private static final String DESK_COLUMNS = "loc_bld, loc_unit, loc_flr, loc_room, loc_seat, loc_loc";

        private Site site(ResultSet rs) throws SQLException {
            EnumMap<CivicField, String> address = new EnumMap<>(CivicField.class);
            for (int i = 0; i < SITE_FIELDS.size(); i++) {
                address.put(SITE_FIELDS.get(i), rs.getString(3 + i));
            }
            String networks = rs.getString("networks");
            SitePhoneSettings phones = new SitePhoneSettings(rs.getString("sip_server"), rs.getInt("sip_port"),
                    rs.getString("sip_transport"), rs.getString("ntp_server"), rs.getInt("registration_expiry"),
                    networks.isEmpty() ? List.of() : List.of(networks.split(",")));
            return new Site(rs.getString("name"), rs.getString("elin"), CivicLocation.of(address), rs.getString("time_zone"),
                    phones);
        }

        private Object[] siteValues(Site site, boolean nameLast) {
            List<Object> v = new ArrayList<>();
            if (!nameLast) {
                v.add(site.name());
            }
            v.add(site.elin());
            SITE_FIELDS.forEach(f -> v.add(site.address().get(f)));
            v.add(site.timeZone());
            SitePhoneSettings p = site.phones();
            v.add(p.sipServer());
            v.add(p.sipPort());
            v.add(p.sipTransport());
            v.add(p.ntpServer());
            v.add(p.expirySeconds());
            v.add(String.join(",", p.networks()));
            if (nameLast) {
                v.add(site.name());
            }
            return v.toArray();
        }

        @Override
        public Optional<Site> site(String name) {
            return one("read site " + name, "SELECT " + SITE_COLUMNS + " FROM sites WHERE name = ?", this::site, name);
        }

        @Override
        public List<Site> sites() {
            List<Site> all = list("list sites", "SELECT " + SITE_COLUMNS + " FROM sites", this::site);
            all.sort(Comparator.comparing(Site::name));
            return List.copyOf(all);
        }

        @Override
        public void insertSite(Site site) {
            guarded("insert site " + site.name(), "site " + site.name() + " exists already", () -> insert(
                    "INSERT INTO sites (" + SITE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    siteValues(site, false)));
        }

        @Override
        public void updateSite(Site site) {
            int n = update("update site " + site.name(), """
                    UPDATE sites SET elin = ?, country = ?, a1 = ?, a2 = ?, a3 = ?, a4 = ?, rd = ?, hno = ?, hns = ?, pc = ?,
                                     nam = ?, bld = ?, time_zone = ?, sip_server = ?, sip_port = ?, sip_transport = ?,
                                     ntp_server = ?, registration_expiry = ?, networks = ?
                    WHERE name = ?""", siteValues(site, true));
            if (n == 0) {
                throw new IllegalStateException("no site " + site.name());
            }
        }

        @Override
        public void deleteSite(String name) {
            update("delete site " + name, "DELETE FROM sites WHERE name = ?", name);
        }

        private CivicLocation deskLocation(ResultSet rs) throws SQLException {
            EnumMap<CivicField, String> fields = new EnumMap<>(CivicField.class);
            for (int i = 0; i < DESK_FIELDS.size(); i++) {
                fields.put(DESK_FIELDS.get(i), rs.getString(2 + i));
            }
            return CivicLocation.of(fields);
        }

        @Override
        public CivicLocation deskLocation(Mac mac) {
            return one("read location of device " + mac, "SELECT mac, " + DESK_COLUMNS + " FROM devices WHERE mac = ?",
                    this::deskLocation, mac.value()).orElse(CivicLocation.EMPTY);
        }

        @Override
        public Map<Mac, CivicLocation> deskLocations() {
            Map<Mac, CivicLocation> all = new LinkedHashMap<>();
            list("list device locations", "SELECT mac, " + DESK_COLUMNS + " FROM devices ORDER BY mac",
                    rs -> Map.entry(new Mac(rs.getString("mac")), deskLocation(rs)))
                    .stream().filter(e -> !e.getValue().isEmpty())
                    .sorted(Map.Entry.comparingByKey(Comparator.comparing(Mac::value)))
                    .forEach(e -> all.put(e.getKey(), e.getValue()));
            return java.util.Collections.unmodifiableMap(all);
        }

        @Override
        public void setDeskLocation(Mac mac, CivicLocation location) {
            location.requireOnly(CivicField.DESK, "a desk's own location");
            List<Object> v = new ArrayList<>();
            DESK_FIELDS.forEach(f -> v.add(location.get(f)));
            v.add(mac.value());
            int n = update("set location of device " + mac, """
                    UPDATE devices SET loc_bld = ?, loc_unit = ?, loc_flr = ?, loc_room = ?, loc_seat = ?, loc_loc = ?
                    WHERE mac = ?""", v.toArray());
            if (n == 0) {
                throw new IllegalStateException("no device " + mac);
            }
        }

        // ---- occupancy and history

        private Occupancy occupancy(ResultSet rs) throws SQLException {
            return new Occupancy(rs.getString("endpoint_id"), new Extension(rs.getString("extension")),
                    instant(rs, "since"), instant(rs, "last_activity"));
        }

        private static final String OCCUPANCY_COLUMNS = "endpoint_id, extension, since, last_activity";

        @Override
        public Optional<Occupancy> occupancyOfLine(String endpointId) {
            return one("read occupancy of " + endpointId,
                    "SELECT " + OCCUPANCY_COLUMNS + " FROM occupancy WHERE endpoint_id = ?", this::occupancy, endpointId);
        }

        @Override
        public List<Occupancy> seatsOfUser(Extension extension) {
            List<Occupancy> seats = list("read seats of user " + extension,
                    "SELECT " + OCCUPANCY_COLUMNS + " FROM occupancy WHERE extension = ?", this::occupancy, extension.value());
            seats.sort(Comparator.comparing(Occupancy::endpointId));
            return List.copyOf(seats);
        }

        @Override
        public List<String> recentDesks(Extension extension, Instant since, int max) {
            if (max <= 0) {
                return List.of();
            }
            java.util.LinkedHashSet<String> desks = new java.util.LinkedHashSet<>();
            seatsOfUser(extension).forEach(o -> desks.add(o.endpointId()));
            desks.addAll(list("read recent desks of user " + extension,
                    "SELECT endpoint_id, MAX(started_at) AS last_start FROM session_history"
                            + " WHERE extension = ? AND started_at >= ?"
                            + " GROUP BY endpoint_id ORDER BY last_start DESC, endpoint_id LIMIT ?",
                    rs -> rs.getString("endpoint_id"), extension.value(), since, max));
            return desks.stream().limit(max).toList();
        }

        /** Up to this many lines, {@link #lastSessions} asks line by line (index on endpoint_id, started_at). */
        private static final int LAST_SESSIONS_ONE_BY_ONE = 32;

        @Override
        public Map<String, SessionRecord> lastSessions(java.util.Set<String> endpointIds, Instant since) {
            Map<String, SessionRecord> last = new java.util.HashMap<>();
            if (endpointIds.isEmpty()) {
                return last;
            }
            Rows<SessionRecord> row = rs -> SessionRecord.ended(rs.getString("endpoint_id"), new Extension(rs.getString("extension")),
                    instant(rs, "started_at"), instant(rs, "ended_at"), EndReason.valueOf(rs.getString("end_reason")));
            if (endpointIds.size() <= LAST_SESSIONS_ONE_BY_ONE) {
                // sessions of one line never overlap: the last started is the last ended
                for (String id : endpointIds) {
                    one("read the last session of " + id, "SELECT endpoint_id, extension, started_at, ended_at, end_reason"
                            + " FROM session_history WHERE endpoint_id = ? AND ended_at >= ?"
                            + " ORDER BY started_at DESC, id DESC LIMIT 1", row, id, since)
                            .ifPresent(r -> last.put(id, r));
                }
                return last;
            }
            for (SessionRecord r : list("read the last sessions", "SELECT endpoint_id, extension, started_at, ended_at, end_reason"
                    + " FROM session_history WHERE ended_at >= ?", row, since)) {
                if (endpointIds.contains(r.endpointId())) {
                    last.merge(r.endpointId(), r, (a, b) -> a.end().get().isAfter(b.end().get()) ? a : b);
                }
            }
            return last;
        }

        @Override
        public List<Occupancy> occupancies() {
            List<Occupancy> all = list("list occupancy", "SELECT " + OCCUPANCY_COLUMNS + " FROM occupancy", this::occupancy);
            all.sort(Comparator.comparing(Occupancy::endpointId));
            return List.copyOf(all);
        }

        @Override
        public void occupy(Occupancy o) {
            seat(o, "");
        }

        @Override
        public void occupyAlongside(Occupancy o) {
            seat(o, o.endpointId());
        }

        /** {@code slot} '' is the user's one seat; a seat alongside others has its endpoint id (V11). */
        private void seat(Occupancy o, String slot) {
            String what = "seat user " + o.extension() + " at " + o.endpointId();
            writable(what);
            try {
                guarded(what, what, () -> insert(
                        "INSERT INTO occupancy (" + OCCUPANCY_COLUMNS + ", slot) VALUES (?, ?, ?, ?, ?)",
                        o.endpointId(), o.extension().value(), o.since(), o.lastActivity(), slot));
            } catch (DuplicateException e) {
                boolean lineTaken = occupancyOfLine(o.endpointId()).isPresent();
                throw new DuplicateException(lineTaken
                        ? "desk line " + o.endpointId() + " has an occupant already"
                        : "user " + o.extension() + " is seated at a desk line already");
            }
        }

        @Override
        public void vacate(String endpointId, Instant at, EndReason reason) {
            String what = "vacate " + endpointId;
            writable(what);
            Optional<Occupancy> seat = occupancyOfLine(endpointId);
            if (seat.isEmpty()) {
                return;
            }
            Occupancy o = seat.get();
            update(what, "DELETE FROM occupancy WHERE endpoint_id = ?", endpointId);
            update(what, """
                    INSERT INTO session_history (endpoint_id, extension, started_at, last_activity, ended_at, end_reason)
                    VALUES (?, ?, ?, ?, ?, ?)""",
                    endpointId, o.extension().value(), o.since(), o.lastActivity(), at, reason.name());
        }

        @Override
        public List<SessionRecord> sessionsBetween(Instant from, Instant to) {
            return List.copyOf(list("read the session history", """
                    SELECT endpoint_id, extension, started_at, ended_at, end_reason FROM session_history
                    WHERE started_at < ? AND ended_at > ? ORDER BY started_at, id""",
                    rs -> SessionRecord.ended(rs.getString("endpoint_id"), new Extension(rs.getString("extension")),
                            instant(rs, "started_at"), instant(rs, "ended_at"), EndReason.valueOf(rs.getString("end_reason"))),
                    to, from));
        }

        @Override
        public void touch(String endpointId, Instant at) {
            update("touch " + endpointId, "UPDATE occupancy SET last_activity = ? WHERE endpoint_id = ?", at, endpointId);
        }

        // ---- one-time codes

        @Override
        public void replaceOtp(Extension extension, OtpRecord otp) {
            String what = "replace one-time code of user " + extension;
            update(what, "DELETE FROM otp_codes WHERE extension = ?", extension.value());
            update(what, "INSERT INTO otp_codes (extension, code_hash, expires_at) VALUES (?, ?, ?)",
                    extension.value(), otp.hash().encoded(), otp.expiresAt());
        }

        @Override
        public List<OtpRecord> liveOtps(Instant now) {
            return List.copyOf(list("list live one-time codes", """
                    SELECT id, extension, code_hash, expires_at FROM otp_codes
                    WHERE used_at IS NULL AND expires_at > ? ORDER BY id""",
                    rs -> new OtpRecord(rs.getLong("id"), new Extension(rs.getString("extension")),
                            new SecretHash(rs.getString("code_hash")), instant(rs, "expires_at")),
                    now));
        }

        @Override
        public void consumeOtp(long id, Instant at) {
            update("consume one-time code " + id, "UPDATE otp_codes SET used_at = ? WHERE id = ? AND used_at IS NULL", at, id);
        }

        // ---- failures

        @Override
        public void recordFailure(String key, Instant at) {
            update("record failure for " + key, "INSERT INTO login_failures (fail_key, failed_at) VALUES (?, ?)", key, at);
        }

        @Override
        public List<Instant> failureTimes(String key, Instant since) {
            return List.copyOf(list("read failures of " + key,
                    "SELECT failed_at FROM login_failures WHERE fail_key = ? AND failed_at >= ? ORDER BY failed_at, id",
                    rs -> instant(rs, "failed_at"), key, since));
        }

        @Override
        public Map<String, Integer> failureCounts(String keyPrefix, Instant since) {
            // LEFT(key, n) = prefix rather than LIKE: a prefix needs no escaping then
            List<Map.Entry<String, Integer>> rows = list("count failures of " + keyPrefix + "*", """
                    SELECT fail_key, COUNT(*) AS n FROM login_failures
                    WHERE LEFT(fail_key, ?) = ? AND failed_at >= ? GROUP BY fail_key""",
                    rs -> Map.entry(rs.getString("fail_key"), rs.getInt("n")), keyPrefix.length(), keyPrefix, since);
            Map<String, Integer> out = new java.util.TreeMap<>();
            rows.forEach(e -> out.put(e.getKey(), e.getValue()));
            return java.util.Collections.unmodifiableMap(out);
        }

        @Override
        public int failuresSince(String key, Instant since) {
            return one("count failures for " + key,
                    "SELECT COUNT(*) FROM login_failures WHERE fail_key = ? AND failed_at >= ?",
                    rs -> rs.getInt(1), key, since).orElse(0);
        }

        @Override
        public Optional<Instant> lastFailure(String key) {
            return one("read last failure for " + key, "SELECT MAX(failed_at) AS last_at FROM login_failures WHERE fail_key = ?",
                    rs -> instant(rs, "last_at"), key);
        }

        @Override
        public void clearFailures(String key) {
            update("clear failures for " + key, "DELETE FROM login_failures WHERE fail_key = ?", key);
        }

        // ---- board accounts and sessions

        private AdminAccount account(ResultSet rs) throws SQLException {
            return new AdminAccount(rs.getString("name"), AdminAccount.Role.parse("role", rs.getString("role")),
                    new SecretHash(rs.getString("password_hash")), instant(rs, "created_at"));
        }

        @Override
        public Optional<AdminAccount> adminAccount(String name) {
            return one("read admin account " + name, "SELECT name, role, password_hash, created_at FROM admin_accounts WHERE name = ?",
                    this::account, name);
        }

        @Override
        public List<AdminAccount> adminAccounts() {
            return List.copyOf(list("list admin accounts",
                    "SELECT name, role, password_hash, created_at FROM admin_accounts ORDER BY name", this::account));
        }

        @Override
        public void insertAdminAccount(AdminAccount a) {
            guarded("insert admin account " + a.name(), "admin account " + a.name() + " exists already", () -> insert(
                    "INSERT INTO admin_accounts (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                    a.name(), a.role().label(), a.passwordHash().encoded(), a.created()));
        }

        @Override
        public boolean deleteAdminAccount(String name) {
            String what = "delete admin account " + name;
            update(what, "DELETE FROM admin_sessions WHERE name = ?", name);
            return update(what, "DELETE FROM admin_accounts WHERE name = ?", name) > 0;
        }

        @Override
        public void insertAdminSession(AdminSession session) {
            update("insert admin session of " + session.name(), """
                    INSERT INTO admin_sessions (token_hash, name, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)""",
                    session.tokenHash(), session.name(), session.csrfToken(), session.created(), session.expires());
        }

        @Override
        public Optional<AdminSession> adminSession(String tokenHash) {
            return one("read admin session", """
                    SELECT token_hash, name, csrf_token, created_at, expires_at FROM admin_sessions WHERE token_hash = ?""",
                    rs -> new AdminSession(rs.getString("token_hash"), rs.getString("name"), rs.getString("csrf_token"),
                            instant(rs, "created_at"), instant(rs, "expires_at")), tokenHash);
        }

        @Override
        public void deleteAdminSession(String tokenHash) {
            update("delete admin session", "DELETE FROM admin_sessions WHERE token_hash = ?", tokenHash);
        }

        @Override
        public int deleteExpiredAdminSessions(Instant now) {
            return update("delete expired admin sessions", "DELETE FROM admin_sessions WHERE expires_at <= ?", now);
        }

        // ---- self-service API tokens and desk QR keys

        private static final String TOKEN_COLUMNS = "id, token_hash, scope, extension, name, created_at, revoked_at, last_used_at";

        private ApiToken apiToken(ResultSet rs) throws SQLException {
            ApiToken.Scope scope = ApiToken.Scope.parse(rs.getString("scope"));
            return new ApiToken(rs.getLong("id"), scope, scope == ApiToken.Scope.USER ? rs.getString("extension") : rs.getString("name"),
                    rs.getString("token_hash"), instant(rs, "created_at"), Optional.ofNullable(instant(rs, "revoked_at")),
                    Optional.ofNullable(instant(rs, "last_used_at")));
        }

        @Override
        public long insertApiToken(ApiToken t) {
            String what = "insert API token of " + t.scope().label() + " " + t.subject();
            writable(what);
            boolean user = t.scope() == ApiToken.Scope.USER;
            try (PreparedStatement ps = prepare(c.prepareStatement("""
                    INSERT INTO api_tokens (token_hash, scope, extension, name, created_at) VALUES (?, ?, ?, ?, ?)""",
                    new String[] {"id"}), t.tokenHash(), t.scope().label(), user ? t.subject() : null, user ? null : t.subject(),
                    t.created())) {
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    if (!keys.next()) {
                        throw new IllegalStateException("the database gave no id for the new API token");
                    }
                    return keys.getLong(1);
                }
            } catch (SQLException e) {
                throw fail(e, what);
            }
        }

        @Override
        public Optional<ApiToken> apiTokenByHash(String tokenHash) {
            return one("read API token", "SELECT " + TOKEN_COLUMNS + " FROM api_tokens WHERE token_hash = ?", this::apiToken, tokenHash);
        }

        @Override
        public List<ApiToken> apiTokens() {
            return List.copyOf(list("list API tokens", "SELECT " + TOKEN_COLUMNS + " FROM api_tokens ORDER BY id", this::apiToken));
        }

        @Override
        public boolean revokeApiToken(long id, Instant at) {
            return update("revoke API token " + id, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                    at, id) > 0;
        }

        @Override
        public void touchApiToken(long id, Instant at) {
            update("record use of API token " + id, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", at, id);
        }

        private DeskKey deskKey(ResultSet rs) throws SQLException {
            return new DeskKey(rs.getString("endpoint_id"), rs.getString("key_hash"), instant(rs, "created_at"));
        }

        @Override
        public Optional<DeskKey> deskKeyOf(String endpointId) {
            return one("read desk key of " + endpointId, "SELECT endpoint_id, key_hash, created_at FROM desk_keys WHERE endpoint_id = ?",
                    this::deskKey, endpointId);
        }

        @Override
        public Optional<DeskKey> deskKeyByHash(String keyHash) {
            return one("read desk key", "SELECT endpoint_id, key_hash, created_at FROM desk_keys WHERE key_hash = ?", this::deskKey,
                    keyHash);
        }

        @Override
        public void putDeskKey(DeskKey key) {
            String what = "store desk key of " + key.endpointId();
            update(what, "DELETE FROM desk_keys WHERE endpoint_id = ?", key.endpointId());
            guarded(what, "that desk key is in use already", () -> insert(
                    "INSERT INTO desk_keys (endpoint_id, key_hash, created_at) VALUES (?, ?, ?)", key.endpointId(), key.keyHash(),
                    key.created()));
        }

        @Override
        public boolean deleteDeskKey(String endpointId) {
            return update("delete desk key of " + endpointId, "DELETE FROM desk_keys WHERE endpoint_id = ?", endpointId) > 0;
        }

        // ---- per-device provisioning credentials

        @Override
        public Optional<hotdesk.core.model.DeviceCredential> deviceCredential(Mac mac) {
            return one("read provisioning credential of " + mac, "SELECT secret_hash, created_at FROM device_credentials WHERE mac = ?",
                    rs -> new hotdesk.core.model.DeviceCredential(mac, rs.getString("secret_hash"), instant(rs, "created_at")),
                    mac.value());
        }

        @Override
        public void putDeviceCredential(hotdesk.core.model.DeviceCredential c) {
            String what = "store provisioning credential of " + c.mac();
            update(what, "DELETE FROM device_credentials WHERE mac = ?", c.mac().value());
            update(what, "INSERT INTO device_credentials (mac, secret_hash, created_at) VALUES (?, ?, ?)", c.mac().value(),
                    c.secretHash(), c.created());
        }

        @Override
        public boolean deleteDeviceCredential(Mac mac) {
            return update("delete provisioning credential of " + mac, "DELETE FROM device_credentials WHERE mac = ?",
                    mac.value()) > 0;
        }

        // ---- users' own keys

        private static hotdesk.core.model.UserKey userKey(ResultSet rs) throws SQLException {
            return new hotdesk.core.model.UserKey(rs.getInt("position"), hotdesk.core.model.UserKey.Type.parse(rs.getString("key_type")),
                    rs.getString("key_value"), rs.getString("label"));
        }

        @Override
        public List<hotdesk.core.model.UserKey> keysOf(Extension extension) {
            return List.copyOf(list("read keys of " + extension, "SELECT position, key_type, key_value, label FROM user_keys "
                    + "WHERE extension = ? ORDER BY position", r -> userKey(r), extension.value()));
        }

        @Override
        public Map<Extension, List<hotdesk.core.model.UserKey>> allKeys() {
            Map<Extension, List<hotdesk.core.model.UserKey>> all = new java.util.TreeMap<>();
            for (Map.Entry<Extension, hotdesk.core.model.UserKey> e : list("read every user's keys",
                    "SELECT extension, position, key_type, key_value, label FROM user_keys ORDER BY extension, position",
                    r -> Map.entry(Extension.of(r.getString("extension")), userKey(r)))) {
                all.computeIfAbsent(e.getKey(), x -> new ArrayList<>()).add(e.getValue());
            }
            all.replaceAll((x, l) -> List.copyOf(l));
            return all;
        }

        @Override
        public void setKeys(Extension extension, List<hotdesk.core.model.UserKey> keys) {
            String what = "store keys of " + extension;
            update(what, "DELETE FROM user_keys WHERE extension = ?", extension.value());
            for (hotdesk.core.model.UserKey k : keys) {
                guarded(what, "user " + extension + " has key position " + k.position() + " twice", () -> insert(
                        "INSERT INTO user_keys (extension, position, key_type, key_value, label) VALUES (?, ?, ?, ?, ?)",
                        extension.value(), k.position(), k.type().shown(), k.value(), k.label()));
            }
        }

        // ---- audit

        @Override
        public void audit(AuditEntry e) {
            update("write audit " + e.action(),
                    "INSERT INTO audit_log (occurred_at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                    e.at(), e.actor(), e.action(), e.subject(), e.detail());
        }

        @Override
        public void auditAll(List<AuditEntry> entries) {
            if (entries.isEmpty()) {
                writable("write audit");
                return;
            }
            batchUpdate("write " + entries.size() + " audit entries",
                    "INSERT INTO audit_log (occurred_at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                    entries.stream().map(e -> new Object[]{e.at(), e.actor(), e.action(), e.subject(), e.detail()}).toList());
        }

        @Override
        public List<AuditEntry> auditTail(int max) {
            if (max <= 0) {
                usable();
                return List.of();
            }
            return List.copyOf(list("read audit tail", """
                    SELECT occurred_at, actor, action, subject, detail FROM (
                        SELECT id, occurred_at, actor, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT ?
                    ) tail ORDER BY id""",
                    rs -> new AuditEntry(instant(rs, "occurred_at"), rs.getString("actor"), rs.getString("action"),
                            rs.getString("subject"), rs.getString("detail")),
                    max));
        }

        // ---- retention

        @Override
        public int pruneAudit(Instant before, int max) {
            // by id through a sub-select: the two databases share no DELETE … LIMIT
            return max <= 0 ? 0 : update("prune audit lines before " + before, """
                    DELETE FROM audit_log WHERE id IN (
                        SELECT id FROM audit_log WHERE occurred_at < ? ORDER BY occurred_at, id LIMIT ?)""", before, max);
        }

        @Override
        public int pruneFetches(Instant before, int max) {
            return max <= 0 ? 0 : update("prune fetch records before " + before, """
                    DELETE FROM config_fetches WHERE id IN (
                        SELECT id FROM config_fetches WHERE fetched_at < ? ORDER BY fetched_at, id LIMIT ?)""", before, max);
        }

        @Override
        public int pruneFailures(Instant before, int max) {
            return max <= 0 ? 0 : update("prune login failures before " + before,
                    "DELETE FROM login_failures WHERE id IN ("
                            + "SELECT id FROM login_failures WHERE failed_at < ? ORDER BY failed_at, id LIMIT ?)", before, max);
        }

        @Override
        public long countAuditBefore(Instant before) {
            return one("count audit lines before " + before, "SELECT COUNT(*) FROM audit_log WHERE occurred_at < ?",
                    rs -> rs.getLong(1), before).orElse(0L);
        }

        @Override
        public long countFailuresBefore(Instant before) {
            return one("count login failures before " + before, "SELECT COUNT(*) FROM login_failures WHERE failed_at < ?",
                    rs -> rs.getLong(1), before).orElse(0L);
        }

        @Override
        public long countFetchesBefore(Instant before) {
            return one("count fetch records before " + before, "SELECT COUNT(*) FROM config_fetches WHERE fetched_at < ?",
                    rs -> rs.getLong(1), before).orElse(0L);
        }

        @Override
        public Map<String, AutoLogoutOverride> autoLogoutOverrides(String scope) {
            Map<String, AutoLogoutOverride> all = new java.util.TreeMap<>();
            for (Object[] row : list("read auto-logout overrides of " + scope,
                    "SELECT name, idle_seconds, max_seconds, daily FROM auto_logout_overrides WHERE scope = ?",
                    rs -> new Object[] {rs.getString("name"), new AutoLogoutOverride(seconds(rs, "idle_seconds"),
                            seconds(rs, "max_seconds"), Optional.ofNullable(rs.getString("daily")))}, scope)) {
                all.put((String) row[0], (AutoLogoutOverride) row[1]);
            }
            return all;
        }

        private static Optional<java.time.Duration> seconds(ResultSet rs, String column) throws SQLException {
            long v = rs.getLong(column);
            return rs.wasNull() ? Optional.empty() : Optional.of(java.time.Duration.ofSeconds(v));
        }

        @Override
        public void setAutoLogoutOverride(String scope, String name, AutoLogoutOverride o) {
            update("delete auto-logout override " + scope + " " + name,
                    "DELETE FROM auto_logout_overrides WHERE scope = ? AND name = ?", scope, name);
            if (!o.isEmpty()) {
                String what = "write auto-logout override " + scope + " " + name;
                update(what, "INSERT INTO auto_logout_overrides (scope, name) VALUES (?, ?)", scope, name);
                String where = " WHERE scope = ? AND name = ?";
                o.idle().ifPresent(d -> update(what, "UPDATE auto_logout_overrides SET idle_seconds = ?" + where, d.toSeconds(),
                        scope, name));
                o.max().ifPresent(d -> update(what, "UPDATE auto_logout_overrides SET max_seconds = ?" + where, d.toSeconds(),
                        scope, name));
                o.daily().ifPresent(d -> update(what, "UPDATE auto_logout_overrides SET daily = ?" + where, d, scope, name));
            }
        }

        @Override
        public List<AuditLine> auditPage(AuditQuery q) {
            StringBuilder sql = new StringBuilder("SELECT id, occurred_at, actor, action, subject, detail FROM audit_log WHERE 1 = 1");
            List<Object> args = new ArrayList<>();
            if (q.beforeId() > 0) {
                sql.append(" AND id < ?");
                args.add(q.beforeId());
            }
            if (q.since().isPresent()) {
                sql.append(" AND occurred_at >= ?");
                args.add(q.since().get());
            }
            if (!q.action().isEmpty()) {
                sql.append(" AND (action = ? OR action LIKE ? ESCAPE '!')");
                args.add(q.action());
                args.add(likeLiteral(q.action()) + ".%");
            }
            List<String> any = new ArrayList<>();
            for (String subject : q.subjects()) {
                any.add("subject = ?");
                args.add(subject);
            }
            for (String word : q.mentions()) {
                // a whole word of the space-separated detail
                any.add("(' ' || detail || ' ') LIKE ? ESCAPE '!'");
                args.add("% " + likeLiteral(word) + " %");
            }
            if (!any.isEmpty()) {
                sql.append(" AND (").append(String.join(" OR ", any)).append(')');
            }
            sql.append(" ORDER BY id DESC LIMIT ?");
            args.add(q.limit());
            return List.copyOf(list("read audit page", sql.toString(),
                    rs -> new AuditLine(rs.getLong("id"), new AuditEntry(instant(rs, "occurred_at"), rs.getString("actor"),
                            rs.getString("action"), rs.getString("subject"), rs.getString("detail"))),
                    args.toArray()));
        }

        /** {@code text} as a LIKE pattern that matches only itself (escape character {@code !}). */
        private static String likeLiteral(String text) {
            return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
        }

        // ---- revisions

        @Override
        public void bump(Target... targets) {
            writable("bump revisions");
            if (targets.length == 0) {
                return;
            }
            if (targets.length < 4) {
                for (Target t : targets) {
                    long next = latest + 1;
                    int n = update("bump " + t, "UPDATE revisions SET revision = ? WHERE kind = ? AND target_id = ?",
                            next, kind(t), t.id());
                    if (n == 0) {
                        update("bump " + t, "INSERT INTO revisions (kind, target_id, revision) VALUES (?, ?, ?)",
                                kind(t), t.id(), next);
                    }
                    latest = next;
                }
            } else {
                bumpBatched(targets);
            }
            update("bump revisions", "UPDATE ledger_revision SET latest = ? WHERE id = 1", latest);
            bumped = true;
        }

        /**
         * Many targets (a bulk import's) in two batches: every UPDATE, then an INSERT for each target that had no
         * row. Each target gets the revision the one-by-one loop would give it; a target named twice keeps the
         * later one, as there.
         */
        private void bumpBatched(Target[] targets) {
            Map<Target, Long> next = new LinkedHashMap<>();
            for (Target t : targets) {
                next.remove(t);
                next.put(t, ++latest);
            }
            List<Target> order = List.copyOf(next.keySet());
            int[] n = batchUpdate("bump " + targets.length + " revisions",
                    "UPDATE revisions SET revision = ? WHERE kind = ? AND target_id = ?",
                    order.stream().map(t -> new Object[]{next.get(t), kind(t), t.id()}).toList());
            List<Object[]> missing = new ArrayList<>();
            for (int i = 0; i < order.size(); i++) {
                Target t = order.get(i);
                if (n[i] == java.sql.Statement.SUCCESS_NO_INFO) {
                    // the driver did not say: ask, as the loop would have
                    if (revision(t) != next.get(t)) {
                        missing.add(new Object[]{kind(t), t.id(), next.get(t)});
                    }
                } else if (n[i] == 0) {
                    missing.add(new Object[]{kind(t), t.id(), next.get(t)});
                }
            }
            if (!missing.isEmpty()) {
                batchUpdate("bump " + missing.size() + " new revisions",
                        "INSERT INTO revisions (kind, target_id, revision) VALUES (?, ?, ?)", missing);
            }
        }

        @Override
        public long latestRevision() {
            usable();
            if (!readOnly) {
                return latest; // read under the lock at the start and kept by bump
            }
            long read = one("read latest revision", "SELECT latest FROM ledger_revision WHERE id = 1", rs -> rs.getLong(1))
                    .orElse(0L);
            saw(read); // a snapshot holds committed rows only
            return read;
        }

        @Override
        public long revision(Target target) {
            return one("read revision of " + target, "SELECT revision FROM revisions WHERE kind = ? AND target_id = ?",
                    rs -> rs.getLong(1), kind(target), target.id()).orElse(0L);
        }

        @Override
        public Map<Target, Long> revisions() {
            return toMap(list("list revisions", "SELECT kind, target_id, revision FROM revisions",
                    rs -> Map.entry(target(rs), rs.getLong("revision"))));
        }

        @Override
        public void dropRevision(Target target) {
            String what = "drop revision of " + target;
            update(what, "DELETE FROM revisions WHERE kind = ? AND target_id = ?", kind(target), target.id());
            update(what, "DELETE FROM applied_state WHERE kind = ? AND target_id = ?", kind(target), target.id());
            if (target.kind() == Target.Kind.DESK) {
                update(what, "DELETE FROM desk_notices WHERE endpoint_id = ?", target.id());
            }
        }

        // ---- applied state

        @Override
        public Map<Target, Long> applied(String node) {
            return toMap(list("read applied state of node " + node,
                    "SELECT kind, target_id, revision FROM applied_state WHERE node = ? AND revision IS NOT NULL",
                    rs -> Map.entry(target(rs), rs.getLong("revision")), node));
        }

        @Override
        public void markApplied(String node, Target target, long revision, Instant at) {
            String what = "mark " + target + " applied on node " + node;
            int n = update(what, """
                    UPDATE applied_state SET revision = ?, applied_at = ?, last_error = NULL, failed_at = NULL
                    WHERE node = ? AND kind = ? AND target_id = ?""",
                    revision, at, node, kind(target), target.id());
            if (n == 0) {
                update(what, "INSERT INTO applied_state (node, kind, target_id, revision, applied_at) VALUES (?, ?, ?, ?, ?)",
                        node, kind(target), target.id(), revision, at);
            }
        }

        @Override
        public void markFailed(String node, Target target, Instant at, String error) {
            String what = "mark " + target + " failed on node " + node;
            String message = text(error);
            int n = update(what, """
                    UPDATE applied_state SET last_error = ?, failed_at = ?
                    WHERE node = ? AND kind = ? AND target_id = ?""",
                    message, at, node, kind(target), target.id());
            if (n == 0) {
                update(what, "INSERT INTO applied_state (node, kind, target_id, last_error, failed_at) VALUES (?, ?, ?, ?, ?)",
                        node, kind(target), target.id(), message, at);
            }
        }

        // ---- login receipts

        @Override
        public void putNotice(String node, hotdesk.core.model.Notice n) {
            String what = "record check-sync of " + n.endpointId() + " on node " + node;
            if (update(what, "UPDATE desk_notices SET revision = ?, notified_at = ?, sends = ? WHERE node = ? AND endpoint_id = ?",
                    n.revision(), n.at(), n.sends(), node, n.endpointId()) == 0) {
                update(what, "INSERT INTO desk_notices (node, endpoint_id, revision, notified_at, sends) VALUES (?, ?, ?, ?, ?)",
                        node, n.endpointId(), n.revision(), n.at(), n.sends());
            }
        }

        @Override
        public Map<String, hotdesk.core.model.Notice> notices(String node) {
            Map<String, hotdesk.core.model.Notice> out = new LinkedHashMap<>();
            list("read check-syncs of node " + node,
                    "SELECT endpoint_id, revision, notified_at, sends FROM desk_notices WHERE node = ? ORDER BY endpoint_id",
                    rs -> out.put(rs.getString("endpoint_id"), new hotdesk.core.model.Notice(rs.getString("endpoint_id"),
                            rs.getLong("revision"), instant(rs, "notified_at"), rs.getInt("sends"))), node);
            return Collections.unmodifiableMap(out);
        }

        @Override
        public void putContact(String node, hotdesk.core.model.PhoneContact c) {
            String what = "record contact of " + c.aor() + " on node " + node;
            if (update(what, "UPDATE phone_contacts SET user_agent = ?, via = ?, since = ? WHERE node = ? AND aor = ? AND uri = ?",
                    c.userAgent(), c.via(), c.since(), node, c.aor(), c.uri()) == 0) {
                update(what, "INSERT INTO phone_contacts (node, aor, uri, user_agent, via, since) VALUES (?, ?, ?, ?, ?, ?)",
                        node, c.aor(), c.uri(), c.userAgent(), c.via(), c.since());
            }
        }

        @Override
        public boolean deleteContact(String node, String aor, String uri) {
            return update("forget contact of " + aor + " on node " + node,
                    "DELETE FROM phone_contacts WHERE node = ? AND aor = ? AND uri = ?", node, aor, uri) > 0;
        }

        @Override
        public void deleteContacts(String node) {
            update("forget contacts of node " + node, "DELETE FROM phone_contacts WHERE node = ?", node);
        }

        @Override
        public Map<String, List<hotdesk.core.model.PhoneContact>> contacts(String node) {
            Map<String, List<hotdesk.core.model.PhoneContact>> out = new LinkedHashMap<>();
            list("read contacts of node " + node,
                    "SELECT aor, uri, user_agent, via, since FROM phone_contacts WHERE node = ? ORDER BY aor, since, uri",
                    rs -> out.computeIfAbsent(rs.getString("aor"), k -> new ArrayList<>()).add(new hotdesk.core.model.PhoneContact(
                            rs.getString("aor"), rs.getString("uri"), rs.getString("user_agent"), rs.getString("via"),
                            instant(rs, "since"))), node);
            out.replaceAll((k, v) -> List.copyOf(v));
            return Collections.unmodifiableMap(out);
        }

        @Override
        public Map<Target, String> lastErrors(String node) {
            return list("read last errors of node " + node,
                    "SELECT kind, target_id, last_error FROM applied_state WHERE node = ? AND last_error IS NOT NULL",
                    rs -> Map.entry(target(rs), rs.getString("last_error")), node).stream()
                    .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
        }

        @Override
        public Optional<String> lastError(String node, Target target) {
            return one("read last error of " + target + " on node " + node,
                    "SELECT last_error FROM applied_state WHERE node = ? AND kind = ? AND target_id = ?",
                    rs -> rs.getString(1), node, kind(target), target.id());
        }
    }
}
