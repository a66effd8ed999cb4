package hotdesk.store;

import hotdesk.core.model.AutoLogoutOverride;
import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.SessionRecord;
import hotdesk.core.port.DuplicateException;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Who sits where (occupancy), the session history, and the auto-logout rules of sites and desks. */
final class JdbcSeating extends TableGroup {

    JdbcSeating(Statements statements) {
        super(statements);
    }

    // ---- occupancy and history

    private Occupancy occupancy(ResultSet rs) throws SQLException {
        return new Occupancy(rs.getString("endpoint_id"), new Extension(rs.getString("extension")),
                instant(rs, "since"), instant(rs, "last_activity"));
    }

    private static final String OCCUPANCY_COLUMNS = "endpoint_id, extension, since, last_activity";

    public Optional<Occupancy> occupancyOfLine(String endpointId) {
        return one("read occupancy of " + endpointId,
                "SELECT " + OCCUPANCY_COLUMNS + " FROM occupancy WHERE endpoint_id = ?", this::occupancy, endpointId);
    }

    public List<Occupancy> seatsOfUser(Extension extension) {
        List<Occupancy> seats = list("read seats of user " + extension,
                "SELECT " + OCCUPANCY_COLUMNS + " FROM occupancy WHERE extension = ?", this::occupancy, extension.value());
        seats.sort(Comparator.comparing(Occupancy::endpointId));
        return List.copyOf(seats);
    }

    /** The seats of these desk lines (one each at most), in no particular order (see {@link #slices}). */
    public List<Occupancy> occupanciesOfLines(java.util.Collection<String> endpointIds) {
        List<Occupancy> out = new java.util.ArrayList<>();
        for (List<Object> slice : slices(endpointIds)) {
            out.addAll(list("read occupancy of " + endpointIds.size() + " desk lines",
                    "SELECT " + OCCUPANCY_COLUMNS + " FROM occupancy WHERE endpoint_id IN " + IN_LIST, this::occupancy,
                    slice.toArray()));
        }
        return out;
    }

    /** The seats of these users, in no particular order (see {@link #slices}). */
    public List<Occupancy> seatsOfUsers(java.util.Collection<Extension> extensions) {
        List<Occupancy> out = new java.util.ArrayList<>();
        for (List<Object> slice : slices(extensions.stream().map(Extension::value).toList())) {
            out.addAll(list("read seats of " + extensions.size() + " users",
                    "SELECT " + OCCUPANCY_COLUMNS + " FROM occupancy WHERE extension IN " + IN_LIST, this::occupancy,
                    slice.toArray()));
        }
        return out;
    }

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

    public List<Occupancy> occupancies() {
        List<Occupancy> all = list("list occupancy", "SELECT " + OCCUPANCY_COLUMNS + " FROM occupancy", this::occupancy);
        all.sort(Comparator.comparing(Occupancy::endpointId));
        return List.copyOf(all);
    }

    public void occupy(Occupancy o) {
        seat(o, "");
    }

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

    public Optional<Occupancy> vacate(String endpointId, Instant at, EndReason reason) {
        String what = "vacate " + endpointId;
        writable(what);
        Optional<Occupancy> seat = occupancyOfLine(endpointId);
        if (seat.isEmpty()) {
            return seat;
        }
        Occupancy o = seat.get();
        update(what, "DELETE FROM occupancy WHERE endpoint_id = ?", endpointId);
        update(what, """
                INSERT INTO session_history (endpoint_id, extension, started_at, last_activity, ended_at, end_reason)
                VALUES (?, ?, ?, ?, ?, ?)""",
                endpointId, o.extension().value(), o.since(), o.lastActivity(), at, reason.name());
        return seat;
    }

    public List<SessionRecord> sessionsBetween(Instant from, Instant to) {
        return List.copyOf(list("read the session history", """
                SELECT endpoint_id, extension, started_at, ended_at, end_reason FROM session_history
                WHERE started_at < ? AND ended_at > ? ORDER BY started_at, id""",
                rs -> SessionRecord.ended(rs.getString("endpoint_id"), new Extension(rs.getString("extension")),
                        instant(rs, "started_at"), instant(rs, "ended_at"), EndReason.valueOf(rs.getString("end_reason"))),
                to, from));
    }

    public void touch(String endpointId, Instant at) {
        update("touch " + endpointId, "UPDATE occupancy SET last_activity = ? WHERE endpoint_id = ?", at, endpointId);
    }

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
}
