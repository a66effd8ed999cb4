package hotdesk.store;

import com.zaxxer.hikari.HikariDataSource;
import hotdesk.core.port.DuplicateException;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerException;
import hotdesk.store.SqlErrors.Conflict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static hotdesk.store.SqlErrors.COMMIT;
import static hotdesk.store.SqlErrors.handingOver;
import static hotdesk.store.SqlErrors.oneLine;

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
 * Within one process the writers also take turns <em>before</em> borrowing a connection (a fair lock): a writer
 * waiting for the database's lock would otherwise hold a pooled connection meanwhile, and during a login rush
 * every connection of the pool sat in such a wait while reads, which need no lock, timed out waiting for one.
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
    private final SqlErrors errors;
    private final ThreadLocal<Boolean> writing = new ThreadLocal<>();
    /** This process's writers, one at a time, before they borrow a connection (see the class comment). */
    private final java.util.concurrent.locks.ReentrantLock writers = new java.util.concurrent.locks.ReentrantLock(true);
    /** The highest revision committed or read through this ledger (see {@link Ledger#latestKnownRevision()}). */
    private final java.util.concurrent.atomic.AtomicLong known = new java.util.concurrent.atomic.AtomicLong(-1);

    /** On PostgreSQL a write that bumps a revision sends {@value LedgerChanges#CHANNEL} with its commit. */
    private final boolean notifyChanges;
    /** Told how long each committed write waited for the global write lock and held it (the lock benchmark). */
    private final LockTimes lockTimes;
    /** See {@link #DEADLINE}. */
    private final Duration deadline;

    JdbcLedger(DataSource dataSource, String shownUrl) {
        this(dataSource, shownUrl, false);
    }

    JdbcLedger(DataSource dataSource, String shownUrl, boolean notifyChanges) {
        this(dataSource, shownUrl, notifyChanges, DEADLINE);
    }

    JdbcLedger(DataSource dataSource, String shownUrl, boolean notifyChanges, Duration deadline) {
        this(dataSource, shownUrl, notifyChanges, deadline, LockTimes.NONE);
    }

    JdbcLedger(DataSource dataSource, String shownUrl, boolean notifyChanges, Duration deadline, LockTimes lockTimes) {
        this.lockTimes = lockTimes;
        this.dataSource = dataSource;
        this.shownUrl = shownUrl;
        this.errors = new SqlErrors(shownUrl);
        this.notifyChanges = notifyChanges;
        this.deadline = deadline;
    }

    @Override
    public <T> T transact(Work<T> work) {
        return run(work, false);
    }

    @Override
    public <T> T read(Work<T> work) {
        return run(work, true);
    }

    /** Writers of this process waiting for their turn (for tests and metrics). */
    int writersWaiting() {
        return writers.getQueueLength();
    }

    @Override
    public java.util.OptionalLong latestKnownRevision() {
        long k = known.get();
        return k < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(k);
    }

    @Override
    public long knownRevision() {
        return Math.max(-1, known.get());
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
        long start = System.nanoTime();
        if (readOnly) {
            return attempts(work, true, start);
        }
        boolean turn = turn(deadline.toNanos());
        if (!turn) {
            throw new LedgerException("ledger transaction on " + shownUrl + " gave up after waiting " + millisSince(start)
                    + " ms for its turn to write, past its deadline of " + deadline.toMillis() + " ms: this process has more "
                    + "changes queued than the ledger takes (" + writers.getQueueLength() + " waiting)", null);
        }
        try {
            return attempts(work, false, start);
        } finally {
            writers.unlock();
        }
    }

    /**
     * Waits up to {@code nanos} for this process's write turn. An interrupt does not cut the wait short (a
     * stopping reconciler still records what it pushed, as before the turns existed); it is kept for the caller.
     */
    private boolean turn(long nanos) {
        long end = System.nanoTime() + nanos;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return writers.tryLock(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private <T> T attempts(Work<T> work, boolean readOnly, long start) {
        Conflict last = null;
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
        long asking = System.nanoTime();
        Connection c = borrow();
        JdbcTx tx = null;
        long asked = 0;
        long locked = 0;
        try {
            if (readOnly) {
                c.setReadOnly(true);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            } else {
                writing.set(Boolean.TRUE);
            }
            tx = new JdbcTx(c, readOnly, errors, shownUrl, this::saw);
            if (!readOnly) {
                asked = System.nanoTime();
                tx.lockLedger();
                locked = System.nanoTime();
            }
            T result = work.run(tx);
            tx.finish();
            if (tx.conflict() != null) {
                // the work swallowed a conflict; its view was incomplete, so run it again
                throw tx.conflict();
            }
            if (notifyChanges && tx.bumped()) {
                // delivered to every LISTENing node when (and only if) this transaction commits
                // the payload names the schema: ledgers in other schemas of the same database ignore it
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("SELECT pg_notify('" + LedgerChanges.CHANNEL + "', current_schema())");
                }
            }
            commit(c);
            if (!readOnly) {
                lockTimes.committed(asked - asking, locked - asked, System.nanoTime() - locked);
            }
            // only a committed revision may be known: a fetch that finds it reads the view again
            saw(tx.latest());
            return result;
        } catch (SQLException e) {
            rollback(c, e);
            throw errors.translate(e, readOnly ? "preparing a read-only transaction" : "starting a transaction");
        } catch (RuntimeException | Error e) {
            rollback(c, e);
            if (tx != null && tx.conflict() != null && e != tx.conflict() && e instanceof RuntimeException) {
                // the work went on after a conflict (PostgreSQL then refuses every statement): run it again
                tx.conflict().addSuppressed(e);
                throw tx.conflict();
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
            throw errors.translate(e, COMMIT);
        }
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

    /**
     * How long one committed write transaction waited for a pool connection, then for the global write lock (the
     * {@code SELECT … FOR UPDATE} on {@code ledger_revision}, its own round trip included), and then held the lock
     * (its work, the notify and the commit).
     * Called on the writing thread after the commit; must be cheap and thread-safe. Attempts that were rolled back
     * are not reported.
     */
    @FunctionalInterface
    interface LockTimes {
        LockTimes NONE = (connectNanos, waitNanos, holdNanos) -> { };

        void committed(long connectNanos, long waitNanos, long holdNanos);
    }
}
