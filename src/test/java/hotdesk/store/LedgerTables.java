package hotdesk.store;

import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.testing.InMemoryLedger.Ended;
import hotdesk.testing.InMemoryLedger.Fetch;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** Plain-JDBC access to the ledger tables for tests: wipe them, read what the port cannot. */
public final class LedgerTables {

    /** Every table the migrations create, children before parents (the order a wipe needs). */
    static final List<String> TABLES = List.of("occupancy", "session_history", "otp_codes", "login_failures", "audit_log",
            "config_fetches", "served_files", "provision_counts", "desk_notices", "phone_contacts", "device_credentials", "user_keys", "api_tokens", "desk_keys", "admin_sessions", "admin_accounts", "applied_state", "revisions", "desk_lines", "devices", "users", "sites", "auto_logout_overrides",
            "ledger_revision");

    private LedgerTables() {
    }

    static void wipe(DataSource ds) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String t : TABLES) {
                if (t.equals("ledger_revision")) {
                    s.executeUpdate("UPDATE ledger_revision SET latest = 0");
                } else {
                    s.executeUpdate("DELETE FROM " + t);
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("wiping the ledger tables failed", e);
        }
    }

    static List<Ended> history(DataSource ds) {
        return query(ds, "SELECT endpoint_id, extension, started_at, ended_at, end_reason FROM session_history ORDER BY id",
                rs -> new Ended(rs.getString(1), Extension.of(rs.getString(2)), rs.getObject(3, OffsetDateTime.class).toInstant(),
                        rs.getObject(4, OffsetDateTime.class).toInstant(), EndReason.valueOf(rs.getString(5))));
    }

    static List<Fetch> fetches(DataSource ds) {
        return query(ds, "SELECT mac, fetched_at, remote_address, user_agent FROM config_fetches ORDER BY id",
                rs -> new Fetch(new Mac(rs.getString(1)), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3),
                        rs.getString(4)));
    }

    /**
     * Runs {@code sql} (an UPDATE or DELETE) and commits it, as something outside hotdesk would change a row: the
     * rows it changed. The pool's connections do not commit on their own.
     */
    public static int update(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            int changed = s.executeUpdate(sql);
            c.commit();
            return changed;
        } catch (SQLException e) {
            throw new IllegalStateException("update failed: " + sql, e);
        }
    }

    static long count(DataSource ds, String sql) {
        return query(ds, sql, rs -> rs.getLong(1)).get(0);
    }

    /** Names of the tables in the connection's current schema, lower case. */
    static TreeSet<String> tableNames(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            TreeSet<String> names = new TreeSet<>();
            try (ResultSet rs = md.getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    names.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
                }
            }
            c.rollback();
            return names;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The ledger tables with a cell that holds {@code text} (every column read as text, BLOBs aside), as
     * {@code table.column}: for tests that prove a secret is stored nowhere.
     */
    public static List<String> cellsContaining(DataSource ds, String text) {
        List<String> found = new ArrayList<>();
        for (String t : TABLES) {
            query(ds, "SELECT * FROM " + t, rs -> {
                java.sql.ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String v = md.getColumnType(i) == java.sql.Types.BLOB || md.getColumnType(i) == java.sql.Types.VARBINARY
                            || md.getColumnType(i) == java.sql.Types.BINARY ? null : rs.getString(i);
                    if (v != null && v.contains(text)) {
                        found.add(t + "." + md.getColumnName(i).toLowerCase(Locale.ROOT));
                    }
                }
                return null;
            });
        }
        return found;
    }

    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    static <T> List<T> query(DataSource ds, String sql, Row<T> row) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.map(rs));
            }
            c.rollback();
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql, e);
        }
    }
}
