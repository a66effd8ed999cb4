package hotdesk.store;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.AuditLine;
import hotdesk.core.model.AuditQuery;
import hotdesk.core.model.Mac;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What is only ever appended and pruned: configuration fetch records, the audit log, and their retention. */
final class JdbcRecords extends TableGroup {

    JdbcRecords(Statements statements) {
        super(statements);
    }

    public void recordFetch(Mac mac, Instant at, String remoteAddress, String userAgent) {
        update("record config fetch of " + mac,
                "INSERT INTO config_fetches (mac, fetched_at, remote_address, user_agent) VALUES (?, ?, ?, ?)",
                mac.value(), at, text(remoteAddress), text(userAgent));
    }

    public void recordFetches(List<hotdesk.core.model.ConfigFetch> fetches) {
        if (fetches.isEmpty()) {
            writable("record config fetches");
            return;
        }
        batchUpdate("record " + fetches.size() + " config fetches",
                "INSERT INTO config_fetches (mac, fetched_at, remote_address, user_agent) VALUES (?, ?, ?, ?)",
                fetches.stream().map(f -> new Object[]{f.mac().value(), f.at(), text(f.remoteAddress()), text(f.userAgent())})
                        .toList());
    }

    public Map<Mac, Instant> lastFetches() {
        Map<Mac, Instant> out = new LinkedHashMap<>();
        list("read last config fetches", "SELECT mac, MAX(fetched_at) AS last_at FROM config_fetches GROUP BY mac ORDER BY mac",
                rs -> out.put(Mac.parse(rs.getString("mac")), instant(rs, "last_at")));
        return Collections.unmodifiableMap(out);
    }

    public Optional<Instant> lastFetch(Mac mac) {
        return one("read last config fetch of " + mac, "SELECT MAX(fetched_at) AS last_at FROM config_fetches WHERE mac = ?",
                rs -> instant(rs, "last_at"), mac.value());
    }

    public void recordServedFile(hotdesk.core.model.ServedFile f) {
        Object[] values = {f.servedAt(), f.maskedText().orElse(null), f.maskedDigest(), f.secretsDigest()};
        // an UPDATE, or the first row of a desk that still exists (a desk removed since its fetch keeps nothing);
        // a file without its text keeps the text kept when it is the same file (SET reads the row as it was)
        if (update("record served file " + f.fileName() + " of " + f.mac(), """
                UPDATE served_files SET served_at = ?,
                masked_text = COALESCE(?, CASE WHEN masked_digest = ? THEN masked_text END),
                masked_digest = ?, secrets_digest = ?
                WHERE mac = ? AND file_name = ?""", values[0], values[1], values[2], values[2], values[3], f.mac().value(),
                f.fileName()) == 0) {
            update("record served file " + f.fileName() + " of " + f.mac(), """
                    INSERT INTO served_files (mac, file_name, served_at, masked_text, masked_digest, secrets_digest)
                    SELECT mac, ?, ?, ?, ?, ? FROM devices WHERE mac = ?""", f.fileName(), values[0], values[1],
                    values[2], values[3], f.mac().value());
        }
    }

    public List<hotdesk.core.model.ServedFile> servedFiles(Mac mac) {
        return List.copyOf(list("read served files of " + mac, """
                SELECT file_name, served_at, masked_text, masked_digest, secrets_digest FROM served_files
                WHERE mac = ? ORDER BY file_name""",
                rs -> new hotdesk.core.model.ServedFile(mac, rs.getString("file_name"), instant(rs, "served_at"),
                        Optional.ofNullable(rs.getString("masked_text")), rs.getString("masked_digest"),
                        rs.getString("secrets_digest")), mac.value()));
    }

    // ---- audit

    public void audit(AuditEntry e) {
        update("write audit " + e.action(),
                "INSERT INTO audit_log (occurred_at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                e.at(), e.actor(), e.action(), e.subject(), e.detail());
    }

    public void auditAll(List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            writable("write audit");
            return;
        }
        batchUpdate("write " + entries.size() + " audit entries",
                "INSERT INTO audit_log (occurred_at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                entries.stream().map(e -> new Object[]{e.at(), e.actor(), e.action(), e.subject(), e.detail()}).toList());
    }

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

    // ---- retention

    public int pruneAudit(Instant before, int max) {
        // by id through a sub-select: the two databases share no DELETE … LIMIT
        return max <= 0 ? 0 : update("prune audit lines before " + before, """
                DELETE FROM audit_log WHERE id IN (
                    SELECT id FROM audit_log WHERE occurred_at < ? ORDER BY occurred_at, id LIMIT ?)""", before, max);
    }

    public int pruneFetches(Instant before, int max) {
        return max <= 0 ? 0 : update("prune fetch records before " + before, """
                DELETE FROM config_fetches WHERE id IN (
                    SELECT id FROM config_fetches WHERE fetched_at < ? ORDER BY fetched_at, id LIMIT ?)""", before, max);
    }

    public int pruneFailures(Instant before, int max) {
        return max <= 0 ? 0 : update("prune login failures before " + before,
                "DELETE FROM login_failures WHERE id IN ("
                        + "SELECT id FROM login_failures WHERE failed_at < ? ORDER BY failed_at, id LIMIT ?)", before, max);
    }

    public long countAuditBefore(Instant before) {
        return one("count audit lines before " + before, "SELECT COUNT(*) FROM audit_log WHERE occurred_at < ?",
                rs -> rs.getLong(1), before).orElse(0L);
    }

    public long countFailuresBefore(Instant before) {
        return one("count login failures before " + before, "SELECT COUNT(*) FROM login_failures WHERE failed_at < ?",
                rs -> rs.getLong(1), before).orElse(0L);
    }

    public long countFetchesBefore(Instant before) {
        return one("count fetch records before " + before, "SELECT COUNT(*) FROM config_fetches WHERE fetched_at < ?",
                rs -> rs.getLong(1), before).orElse(0L);
    }
}
