package hotdesk.store;

import hotdesk.core.model.Extension;
import hotdesk.core.model.OtpRecord;
import hotdesk.core.model.SecretHash;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Failed logins (the lockout counts) and one-time codes. */
final class JdbcLockouts extends TableGroup {

    JdbcLockouts(Statements statements) {
        super(statements);
    }

    // ---- failures

    public void recordFailure(String key, Instant at) {
        update("record failure for " + key, "INSERT INTO login_failures (fail_key, failed_at) VALUES (?, ?)", key, at);
    }

    public List<Instant> failureTimes(String key, Instant since) {
        return List.copyOf(list("read failures of " + key,
                "SELECT failed_at FROM login_failures WHERE fail_key = ? AND failed_at >= ? ORDER BY failed_at, id",
                rs -> instant(rs, "failed_at"), key, since));
    }

    public Map<String, List<Instant>> failureTimes(java.util.Set<String> keys, Instant since) {
        if (keys.isEmpty()) {
            usable();
            return Map.of();
        }
        Map<String, List<Instant>> out = new java.util.TreeMap<>();
        keys.forEach(k -> out.put(k, new java.util.ArrayList<>()));
        List<Object> args = new java.util.ArrayList<>(out.keySet());
        args.add(since);
        // one IN list on the (fail_key, failed_at) index; ordered as failureTimes(key, since) orders each key
        list("read failures of " + out.keySet(), "SELECT fail_key, failed_at FROM login_failures WHERE fail_key IN ("
                        + String.join(", ", java.util.Collections.nCopies(out.size(), "?")) + ") AND failed_at >= ?"
                        + " ORDER BY failed_at, id",
                rs -> out.get(rs.getString("fail_key")).add(instant(rs, "failed_at")), args.toArray());
        out.replaceAll((k, v) -> List.copyOf(v));
        return java.util.Collections.unmodifiableMap(out);
    }

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

    public int failuresSince(String key, Instant since) {
        return one("count failures for " + key,
                "SELECT COUNT(*) FROM login_failures WHERE fail_key = ? AND failed_at >= ?",
                rs -> rs.getInt(1), key, since).orElse(0);
    }

    public Optional<Instant> lastFailure(String key) {
        return one("read last failure for " + key, "SELECT MAX(failed_at) AS last_at FROM login_failures WHERE fail_key = ?",
                rs -> instant(rs, "last_at"), key);
    }

    public void clearFailures(String key) {
        update("clear failures for " + key, "DELETE FROM login_failures WHERE fail_key = ?", key);
    }

    // ---- one-time codes

    public void replaceOtp(Extension extension, OtpRecord otp) {
        String what = "replace one-time code of user " + extension;
        update(what, "DELETE FROM otp_codes WHERE extension = ?", extension.value());
        update(what, "INSERT INTO otp_codes (extension, code_hash, expires_at) VALUES (?, ?, ?)",
                extension.value(), otp.hash().encoded(), otp.expiresAt());
    }

    /**
     * The codes not used and not expired. A hash not in hotdesk's form (a row changed outside hotdesk) reads as
     * {@link SecretHash#UNREADABLE}: it logs no one in and stops no other code's login or issuing.
     */
    public List<OtpRecord> liveOtps(Instant now) {
        return List.copyOf(list("list live one-time codes", """
                SELECT id, extension, code_hash, expires_at FROM otp_codes
                WHERE used_at IS NULL AND expires_at > ? ORDER BY id""",
                rs -> new OtpRecord(rs.getLong("id"), new Extension(rs.getString("extension")),
                        SecretHash.stored(rs.getString("code_hash")), instant(rs, "expires_at")),
                now));
    }

    public void consumeOtp(long id, Instant at) {
        update("consume one-time code " + id, "UPDATE otp_codes SET used_at = ? WHERE id = ? AND used_at IS NULL", at, id);
    }
}
