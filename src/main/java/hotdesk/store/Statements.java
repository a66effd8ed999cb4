package hotdesk.store;

import hotdesk.core.port.DuplicateException;
import hotdesk.store.SqlErrors.Conflict;
import hotdesk.store.TableGroup.Rows;
import hotdesk.store.TableGroup.SqlAction;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static hotdesk.store.SqlErrors.uniqueViolation;
import static hotdesk.store.TableGroup.ts;

/**
 * The statements of one ledger transaction on its connection: queries, updates, savepoint-guarded inserts and
 * batches, each SQL error translated once ({@link SqlErrors}). The table groups run their SQL through it. Lives for
 * one work; not thread-safe.
 */
final class Statements {

    final Connection c;
    final boolean readOnly;
    private final SqlErrors errors;
    private boolean over;
    /** A conflict one of the statements hit: the work is run again even when it caught the exception. */
    Conflict conflict;

    /**
     * Rows an H2 client (a command beside a running {@code serve}, through its auto-server) fetches per round trip:
     * H2's default of 100 made {@code status} on 10,000 desks wait for some 800 round trips to a busy server
     * (BENCHMARKS.md, "CLI at scale"). An embedded H2 ignores it; PostgreSQL keeps its own default (all rows).
     */
    static final int H2_FETCH_SIZE = 10_000;
    private final boolean h2;

    Statements(Connection c, boolean readOnly, SqlErrors errors, boolean h2) {
        this.c = c;
        this.readOnly = readOnly;
        this.errors = errors;
        this.h2 = h2;
    }

    private ResultSet query(PreparedStatement ps) throws SQLException {
        if (h2) {
            ps.setFetchSize(H2_FETCH_SIZE);
        }
        return ps.executeQuery();
    }

    void finish() {
        over = true;
    }

    void usable() {
        if (over) {
            throw new IllegalStateException("this ledger transaction is over: a LedgerTx must not be used after its work returned");
        }
    }

    void writable(String what) {
        usable();
        if (readOnly) {
            throw new IllegalStateException("ledger write '" + what + "' inside Ledger.read: use Ledger.transact for changes");
        }
    }

    RuntimeException fail(SQLException e, String what) {
        RuntimeException r = errors.translate(e, what);
        if (r instanceof Conflict k) {
            conflict = k;
        }
        return r;
    }

    PreparedStatement prepare(String sql, Object... params) throws SQLException {
        return prepare(c.prepareStatement(sql), params);
    }

    PreparedStatement prepare(PreparedStatement ps, Object... params) throws SQLException {
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

    <R> List<R> list(String what, String sql, Rows<R> rows, Object... params) {
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

    <R> Optional<R> one(String what, String sql, Rows<R> rows, Object... params) {
        List<R> all = list(what, sql, rows, params);
        return all.isEmpty() ? Optional.empty() : Optional.ofNullable(all.get(0));
    }

    int update(String what, String sql, Object... params) {
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
    void guarded(String what, String duplicateMessage, SqlAction action) {
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

    void insert(String sql, Object... params) throws SQLException {
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
    int[] batch(String sql, List<Object[]> rows) throws SQLException {
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
    int[] batchUpdate(String what, String sql, List<Object[]> rows) {
        writable(what);
        try {
            return batch(sql, rows);
        } catch (SQLException e) {
            throw fail(e, what);
        }
    }
}
