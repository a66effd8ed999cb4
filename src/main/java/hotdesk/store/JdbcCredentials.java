package hotdesk.store;

import hotdesk.core.model.AdminAccount;
import hotdesk.core.model.AdminSession;
import hotdesk.core.model.ApiToken;
import hotdesk.core.model.DeskKey;
import hotdesk.core.model.Mac;
import hotdesk.core.model.SecretHash;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Board accounts and sessions, self-service API tokens, desk QR keys and per-device provisioning credentials. */
final class JdbcCredentials extends TableGroup {

    JdbcCredentials(Statements statements) {
        super(statements);
    }

    // ---- board accounts and sessions

    private AdminAccount account(ResultSet rs) throws SQLException {
        return new AdminAccount(rs.getString("name"), AdminAccount.Role.parse("role", rs.getString("role")),
                SecretHash.stored(rs.getString("password_hash")), instant(rs, "created_at"));
    }

    public Optional<AdminAccount> adminAccount(String name) {
        return one("read admin account " + name, "SELECT name, role, password_hash, created_at FROM admin_accounts WHERE name = ?",
                this::account, name);
    }

    public List<AdminAccount> adminAccounts() {
        return List.copyOf(list("list admin accounts",
                "SELECT name, role, password_hash, created_at FROM admin_accounts ORDER BY name", this::account));
    }

    public void insertAdminAccount(AdminAccount a) {
        guarded("insert admin account " + a.name(), "admin account " + a.name() + " exists already", () -> insert(
                "INSERT INTO admin_accounts (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                a.name(), a.role().label(), a.passwordHash().encoded(), a.created()));
    }

    public boolean deleteAdminAccount(String name) {
        String what = "delete admin account " + name;
        update(what, "DELETE FROM admin_sessions WHERE name = ?", name);
        return update(what, "DELETE FROM admin_accounts WHERE name = ?", name) > 0;
    }

    public void insertAdminSession(AdminSession session) {
        update("insert admin session of " + session.name(), """
                INSERT INTO admin_sessions (token_hash, name, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)""",
                session.tokenHash(), session.name(), session.csrfToken(), session.created(), session.expires());
    }

    public Optional<AdminSession> adminSession(String tokenHash) {
        return one("read admin session", """
                SELECT token_hash, name, csrf_token, created_at, expires_at FROM admin_sessions WHERE token_hash = ?""",
                rs -> new AdminSession(rs.getString("token_hash"), rs.getString("name"), rs.getString("csrf_token"),
                        instant(rs, "created_at"), instant(rs, "expires_at")), tokenHash);
    }

    public void deleteAdminSession(String tokenHash) {
        update("delete admin session", "DELETE FROM admin_sessions WHERE token_hash = ?", tokenHash);
    }

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

    public Optional<ApiToken> apiTokenByHash(String tokenHash) {
        return one("read API token", "SELECT " + TOKEN_COLUMNS + " FROM api_tokens WHERE token_hash = ?", this::apiToken, tokenHash);
    }

    public List<ApiToken> apiTokens() {
        return List.copyOf(list("list API tokens", "SELECT " + TOKEN_COLUMNS + " FROM api_tokens ORDER BY id", this::apiToken));
    }

    public boolean revokeApiToken(long id, Instant at) {
        return update("revoke API token " + id, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                at, id) > 0;
    }

    public void touchApiToken(long id, Instant at) {
        update("record use of API token " + id, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", at, id);
    }

    private DeskKey deskKey(ResultSet rs) throws SQLException {
        return new DeskKey(rs.getString("endpoint_id"), rs.getString("key_hash"), instant(rs, "created_at"));
    }

    public Optional<DeskKey> deskKeyOf(String endpointId) {
        return one("read desk key of " + endpointId, "SELECT endpoint_id, key_hash, created_at FROM desk_keys WHERE endpoint_id = ?",
                this::deskKey, endpointId);
    }

    public Optional<DeskKey> deskKeyByHash(String keyHash) {
        return one("read desk key", "SELECT endpoint_id, key_hash, created_at FROM desk_keys WHERE key_hash = ?", this::deskKey,
                keyHash);
    }

    public void putDeskKey(DeskKey key) {
        String what = "store desk key of " + key.endpointId();
        update(what, "DELETE FROM desk_keys WHERE endpoint_id = ?", key.endpointId());
        guarded(what, "that desk key is in use already", () -> insert(
                "INSERT INTO desk_keys (endpoint_id, key_hash, created_at) VALUES (?, ?, ?)", key.endpointId(), key.keyHash(),
                key.created()));
    }

    public boolean deleteDeskKey(String endpointId) {
        return update("delete desk key of " + endpointId, "DELETE FROM desk_keys WHERE endpoint_id = ?", endpointId) > 0;
    }

    // ---- per-device provisioning credentials

    public Optional<hotdesk.core.model.DeviceCredential> deviceCredential(Mac mac) {
        return one("read provisioning credential of " + mac, "SELECT secret_hash, created_at FROM device_credentials WHERE mac = ?",
                rs -> new hotdesk.core.model.DeviceCredential(mac, rs.getString("secret_hash"), instant(rs, "created_at")),
                mac.value());
    }

    public void putDeviceCredential(hotdesk.core.model.DeviceCredential c) {
        String what = "store provisioning credential of " + c.mac();
        update(what, "DELETE FROM device_credentials WHERE mac = ?", c.mac().value());
        update(what, "INSERT INTO device_credentials (mac, secret_hash, created_at) VALUES (?, ?, ?)", c.mac().value(),
                c.secretHash(), c.created());
    }

    public boolean deleteDeviceCredential(Mac mac) {
        return update("delete provisioning credential of " + mac, "DELETE FROM device_credentials WHERE mac = ?",
                mac.value()) > 0;
    }
}
