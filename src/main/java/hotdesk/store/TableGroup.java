package hotdesk.store;

import hotdesk.core.model.Target;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the table groups of a {@link JdbcTx} share: the transaction's {@link Statements} and the column conversions.
 * A group holds the SQL of a few tables and maps their rows; it lives for one transaction and is not thread-safe.
 */
abstract class TableGroup {

    @FunctionalInterface
    interface Rows<R> {
        R map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    interface SqlAction {
        void run() throws SQLException;
    }

    private final Statements statements;
    /** The transaction's connection, for what {@link Statements} does not offer (generated keys). */
    final Connection c;
    final boolean readOnly;

    TableGroup(Statements statements) {
        this.statements = statements;
        this.c = statements.c;
        this.readOnly = statements.readOnly;
    }

    // ---- the transaction's statements (see Statements)

    final void usable() {
        statements.usable();
    }

    final void writable(String what) {
        statements.writable(what);
    }

    final RuntimeException fail(SQLException e, String what) {
        return statements.fail(e, what);
    }

    final PreparedStatement prepare(PreparedStatement ps, Object... params) throws SQLException {
        return statements.prepare(ps, params);
    }

    final <R> List<R> list(String what, String sql, Rows<R> rows, Object... params) {
        return statements.list(what, sql, rows, params);
    }

    final <R> Optional<R> one(String what, String sql, Rows<R> rows, Object... params) {
        return statements.one(what, sql, rows, params);
    }

    final int update(String what, String sql, Object... params) {
        return statements.update(what, sql, params);
    }

    final void guarded(String what, String duplicateMessage, SqlAction action) {
        statements.guarded(what, duplicateMessage, action);
    }

    final void insert(String sql, Object... params) throws SQLException {
        statements.insert(sql, params);
    }

    final int[] batch(String sql, List<Object[]> rows) throws SQLException {
        return statements.batch(sql, rows);
    }

    final int[] batchUpdate(String what, String sql, List<Object[]> rows) {
        return statements.batchUpdate(what, sql, rows);
    }

    /** Values in one IN list of {@link #slices} at most. */
    static final int IN_SLICE = 64;
    /** {@code (?, ?, …)} with {@link #IN_SLICE} places. */
    static final String IN_LIST = "(" + String.join(", ", java.util.Collections.nCopies(IN_SLICE, "?")) + ")";

    /**
     * Distinct {@code values} in slices of {@link #IN_SLICE}, each filled up to that size with its own last value, for
     * {@link #IN_LIST}: every slice then runs one statement text, which the database parses once and keeps (a list of its
     * own length each time would be parsed again), and a value twice in an IN list matches its rows once.
     */
    static List<List<Object>> slices(java.util.Collection<?> values) {
        List<Object> distinct = List.copyOf(new java.util.LinkedHashSet<>(values));
        List<List<Object>> out = new java.util.ArrayList<>();
        for (int i = 0; i < distinct.size(); i += IN_SLICE) {
            List<Object> slice = new java.util.ArrayList<>(distinct.subList(i, Math.min(i + IN_SLICE, distinct.size())));
            Object last = slice.get(slice.size() - 1);
            while (slice.size() < IN_SLICE) {
                slice.add(last);
            }
            out.add(slice);
        }
        return out;
    }

    // ---- columns

    /**
     * Instants are stored as TIMESTAMP(6) WITH TIME ZONE, truncated to microseconds before writing: both databases
     * would otherwise round nanoseconds, each in its own way.
     */
    static OffsetDateTime ts(Instant instant) {
        return OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static String kind(Target t) {
        return t.kind().name().toLowerCase(Locale.ROOT);
    }

    static Target target(ResultSet rs) throws SQLException {
        return new Target(Target.Kind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)), rs.getString("target_id"));
    }

    /**
     * A hash map, not {@code Collectors.toUnmodifiableMap}: the JDK's compact immutable map probes linearly, and the
     * hashes of 10,000 desks' and users' targets fall in runs that made {@code status} spend most of its reads of
     * these tables in {@code Target.equals} (BENCHMARKS.md, "CLI at scale"): revisions, applied revisions, last errors.
     */
    static <V> Map<Target, V> toMap(List<Map.Entry<Target, V>> rows) {
        Map<Target, V> out = new java.util.HashMap<>(rows.size() * 4 / 3 + 1);
        for (Map.Entry<Target, V> r : rows) {
            if (out.put(r.getKey(), r.getValue()) != null) {
                throw new IllegalStateException("duplicate target " + r.getKey());
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    static String text(String s) {
        return s == null ? "" : s;
    }
}
