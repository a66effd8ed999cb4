package hotdesk.store;

import hotdesk.core.port.CommitInDoubtException;
import hotdesk.core.port.DuplicateException;
import hotdesk.core.port.LedgerException;

import java.sql.SQLException;

/**
 * The one translation of an SQL error into what the {@link hotdesk.core.port.Ledger} port promises: a conflict with
 * another transaction or a session lost before the commit ({@link Conflict}: the work runs again), a duplicate
 * key ({@link hotdesk.core.port.DuplicateException}), a session lost during the commit ({@link CommitInDoubtException}),
 * or one {@link hotdesk.core.port.LedgerException} naming the
 * operation and the URL (password masked). Stateless; thread-safe.
 */
final class SqlErrors {

    private final String shownUrl;

    SqlErrors(String shownUrl) {
        this.shownUrl = shownUrl;
    }

    static final String COMMIT = "commit";

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
        if (COMMIT.equals(what) && connectionLost(e)) {
            // the COMMIT may have reached the database before the session broke: committed or not, nobody here knows
            return new CommitInDoubtException("ledger: the connection to " + shownUrl + " broke during the commit, which "
                    + "may or may not have taken effect: " + sqlSummary(e), e);
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

    static String oneLine(String message) {
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
}
