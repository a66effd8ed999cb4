package hotdesk.store;

import hotdesk.core.model.Extension;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.model.SecretHash;
import hotdesk.core.model.User;
import hotdesk.core.port.DuplicateException;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Users (extension, PIN hash, SIP secret, login policy) and their own keys. */
final class JdbcUsers extends TableGroup {

    JdbcUsers(Statements statements) {
        super(statements);
    }

    // ---- users

    private static final String USER_COLUMNS =
            "extension, name, pin_hash, hotdesk_enabled, context, mailbox, sip_secret, own_device, login_policy, enabled";

    private User user(ResultSet rs) throws SQLException {
        String policy = rs.getString("login_policy");
        return new User(new Extension(rs.getString("extension")), rs.getString("name"),
                SecretHash.stored(rs.getString("pin_hash")), rs.getBoolean("hotdesk_enabled"), rs.getString("context"),
                rs.getString("mailbox"), rs.getString("sip_secret"), rs.getBoolean("own_device"),
                policy == null ? Optional.empty() : Optional.of(MultiLogin.parse("users.login_policy", policy)),
                rs.getBoolean("enabled"));
    }

    /** The stored form of a user's own policy: NULL (written as '' through NULLIF) for the global one. */
    private static String loginPolicy(User u) {
        return u.multiLogin().map(MultiLogin::value).orElse("");
    }

    public Optional<User> user(Extension extension) {
        return one("read user " + extension, "SELECT " + USER_COLUMNS + " FROM users WHERE extension = ?",
                this::user, extension.value());
    }

    /** The users that exist of these extensions, in no particular order (see {@link #slices}). */
    public List<User> users(java.util.Collection<Extension> extensions) {
        List<User> out = new ArrayList<>();
        for (List<Object> slice : slices(extensions.stream().map(Extension::value).toList())) {
            out.addAll(list("read " + extensions.size() + " users",
                    "SELECT " + USER_COLUMNS + " FROM users WHERE extension IN " + IN_LIST, this::user, slice.toArray()));
        }
        return out;
    }

    public boolean anyExtensionOfLength(int digits) {
        return one("look for an extension of " + digits + " digits",
                "SELECT 1 FROM users WHERE CHAR_LENGTH(extension) = ? FETCH FIRST 1 ROWS ONLY", rs -> true, digits)
                .isPresent();
    }

    public List<User> users() {
        List<User> all = list("list users", "SELECT " + USER_COLUMNS + " FROM users", this::user);
        all.sort(Comparator.comparing(User::extension));
        return List.copyOf(all);
    }

    public void insertUser(User u) {
        guarded("insert user " + u.extension(), "user " + u.extension() + " exists already", () -> insert(
                "INSERT INTO users (" + USER_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?)",
                u.extension().value(), u.name(), u.pinHash().encoded(), u.hotdeskEnabled(), u.context(), u.mailbox(),
                u.sipSecret(), u.ownDevice(), loginPolicy(u), u.enabled()));
    }

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

    public void deleteUser(Extension extension) {
        // the user's one-time codes go with it (otp_codes_user_fk is ON DELETE CASCADE)
        update("delete user " + extension, "DELETE FROM users WHERE extension = ?", extension.value());
    }

    // ---- users' own keys

    private static hotdesk.core.model.UserKey userKey(ResultSet rs) throws SQLException {
        return new hotdesk.core.model.UserKey(rs.getInt("position"), hotdesk.core.model.UserKey.Type.parse(rs.getString("key_type")),
                rs.getString("key_value"), rs.getString("label"));
    }

    public List<hotdesk.core.model.UserKey> keysOf(Extension extension) {
        return List.copyOf(list("read keys of " + extension, "SELECT position, key_type, key_value, label FROM user_keys "
                + "WHERE extension = ? ORDER BY position", r -> userKey(r), extension.value()));
    }

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

    public void setKeys(Extension extension, List<hotdesk.core.model.UserKey> keys) {
        String what = "store keys of " + extension;
        update(what, "DELETE FROM user_keys WHERE extension = ?", extension.value());
        for (hotdesk.core.model.UserKey k : keys) {
            guarded(what, "user " + extension + " has key position " + k.position() + " twice", () -> insert(
                    "INSERT INTO user_keys (extension, position, key_type, key_value, label) VALUES (?, ?, ?, ?, ?)",
                    extension.value(), k.position(), k.type().shown(), k.value(), k.label()));
        }
    }
}
