package hotdesk.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How to reach the ledger database.
 *
 * <p>An H2 URL always means the embedded ledger, a file this process manages (see {@link H2Embedded}):
 * its directory and files are kept private to the service user, and its credentials are generated into
 * a file beside it, so an H2 URL takes neither a user nor a password. It must carry every option of
 * {@link #H2_REQUIRED} with that value: a URL written by hand without {@code AUTO_SERVER=TRUE} would
 * lock the CLI out while {@code serve} runs, one without the PostgreSQL-mode options would break the
 * schema, so such a URL is refused with a message naming what is missing instead of being repaired
 * behind the admin's back. {@link #embedded(Path)} (the {@code db.path} key) builds the right one.
 *
 * @param url      JDBC URL: {@code jdbc:h2:file:…} (embedded, one node) or {@code jdbc:postgresql://…}
 *                 (shared by several nodes)
 * @param user     database user; may be empty: PostgreSQL then uses its own default; for H2 it is
 *                 always {@link #H2_APP_USER}
 * @param password its password, may be empty (and must be, for H2); never printed ({@link #toString()}
 *                 and {@link #maskedUrl()} hide it, also when it is written into the URL)
 * @param poolSize connections kept by the pool, 1 to 64
 * @throws IllegalArgumentException naming {@code db.url}, {@code db.user}, {@code db.password} or
 *                                  {@code db.pool-size} when a value is unusable
 */
public record DatabaseSettings(String url, String user, String password, int poolSize) {

    /**
     * The H2 options every embedded ledger needs, with the values it needs (see {@link #h2(Path)});
     * {@code LOCK_TIMEOUT} may have any positive value.
     */
    static final Map<String, String> H2_REQUIRED = requiredH2Options();
    /**
     * Parsed statements H2 keeps per session ({@code QUERY_CACHE_SIZE}): its default of 8 is fewer than a login (about
     * 20) or a reconcile pass's push of one target uses, so each was parsed again; 64 cut a login's ledger CPU by 10-30 %
     * (BENCHMARKS.md, {@code scripts/bench-login-cpu}). Not required of a {@code db.url} given by hand.
     */
    static final int H2_STATEMENTS_KEPT = 64;
    static final String H2_OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
            + ";LOCK_TIMEOUT=10000;AUTO_SERVER=TRUE;QUERY_CACHE_SIZE=" + H2_STATEMENTS_KEPT;
    /** The user hotdesk works as in the embedded ledger: it owns the tables but is no H2 admin. */
    public static final String H2_APP_USER = "hotdesk";
    /** The suffix H2 gives the embedded ledger's data file: {@code <file>.mv.db}. */
    static final String H2_DATA_SUFFIX = ".mv.db";
    /** The name of the embedded ledger's files in the {@code db.path} directory: hotdesk.mv.db and so on. */
    public static final String H2_FILE_NAME = "hotdesk";
    static final int MAX_POOL = 64;
    static final int H2_POOL = 4;
    static final String H2_BIND_PROPERTY = "h2.bindAddress";

    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@?;]*):[^@/?;]*@");
    /** An H2 URL's storage prefix other than a file: mem:, tcp:, ssl:, zip:, split:, nio…: (a drive letter is one character). */
    private static final Pattern H2_OTHER_STORAGE = Pattern.compile("(?i)^[a-z][a-z0-9]+:.*");

    public DatabaseSettings {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("db.url is required: jdbc:postgresql://host:5432/db, or leave it "
                    + "empty in the config to use the embedded H2 file (see db.path)");
        }
        url = url.strip();
        String lower = url.toLowerCase(Locale.ROOT);
        if (!(lower.startsWith("jdbc:h2:") || lower.startsWith("jdbc:postgresql:"))) {
            throw new IllegalArgumentException("db.url must start with jdbc:h2: or jdbc:postgresql:, got '"
                    + mask(url) + "'");
        }
        if (url.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("db.url must not contain control characters");
        }
        user = user == null ? "" : user.strip();
        if (user.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("db.user must not contain control characters");
        }
        password = password == null ? "" : password;
        if (lower.startsWith("jdbc:h2:")) {
            checkH2Url(url);
            if (!user.isEmpty() && !user.equals(H2_APP_USER)) {
                throw new IllegalArgumentException("db.user must be empty for the embedded H2 ledger (it works as user '"
                        + H2_APP_USER + "' with a generated password), got '" + user + "'");
            }
            if (!password.isEmpty()) {
                throw new IllegalArgumentException("db.password must be empty for the embedded H2 ledger: its password is "
                        + "generated into the file " + H2_FILE_NAME + ".credentials beside the database");
            }
            user = H2_APP_USER;
        }
        if (poolSize < 1 || poolSize > MAX_POOL) {
            throw new IllegalArgumentException("db.pool-size must be between 1 and " + MAX_POOL + ", got " + poolSize);
        }
    }

    private static Map<String, String> requiredH2Options() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("MODE", "PostgreSQL");
        m.put("DATABASE_TO_LOWER", "TRUE");
        m.put("DEFAULT_NULL_ORDERING", "HIGH");
        m.put("LOCK_TIMEOUT", "10000");
        m.put("AUTO_SERVER", "TRUE");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Refuses an H2 URL that is not a file, or lacks (or contradicts) an option the ledger needs. */
    private static void checkH2Url(String url) {
        String[] parts = url.split(";");
        String location = parts[0].substring("jdbc:h2:".length());
        String file = location.regionMatches(true, 0, "file:", 0, 5) ? location.substring(5) : location;
        if (file.isBlank() || H2_OTHER_STORAGE.matcher(file).matches()) {
            throw new IllegalArgumentException("db.url: the embedded ledger must be an H2 file (jdbc:h2:file:PATH;…), got '"
                    + mask(url) + "'; set db.path to the directory of the ledger instead");
        }
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].isBlank()) {
                continue;
            }
            int eq = parts[i].indexOf('=');
            String key = (eq < 0 ? parts[i] : parts[i].substring(0, eq)).strip().toUpperCase(Locale.ROOT);
            given.put(key, eq < 0 ? "" : parts[i].substring(eq + 1).strip());
        }
        for (String credential : List.of("USER", "PASSWORD")) {
            if (given.containsKey(credential)) {
                throw new IllegalArgumentException("db.url must not set " + credential + " for the embedded H2 ledger (its "
                        + "credentials are generated into " + H2_FILE_NAME + ".credentials beside it), got '" + mask(url) + "'");
            }
        }
        List<String> missing = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        H2_REQUIRED.forEach((key, value) -> {
            String v = given.get(key);
            if (v == null) {
                missing.add(key + "=" + value);
            } else if (key.equals("LOCK_TIMEOUT") ? !v.matches("[1-9][0-9]{0,8}") : !v.equalsIgnoreCase(value)) {
                wrong.add(key + "=" + v + " (needs " + key + "=" + value + ")");
            }
        });
        if (!missing.isEmpty() || !wrong.isEmpty()) {
            String why = (missing.isEmpty() ? "" : "lacks " + String.join(", ", missing))
                    + (missing.isEmpty() || wrong.isEmpty() ? "" : " and ")
                    + (wrong.isEmpty() ? "" : "has " + String.join(", ", wrong));
            throw new IllegalArgumentException("db.url '" + mask(url) + "' " + why + " (the embedded ledger needs "
                    + "AUTO_SERVER=TRUE so that the CLI can open it while serve runs, LOCK_TIMEOUT so that no wait is endless, "
                    + "and MODE=PostgreSQL, DATABASE_TO_LOWER=TRUE, DEFAULT_NULL_ORDERING=HIGH for its schema); "
                    + "leave db.url empty and set db.path to the directory of the ledger instead, or add them");
        }
    }

    /**
     * The embedded ledger in a directory of its own: the H2 file {@code <directory>/hotdesk.mv.db}
     * (see {@link #h2(Path)}); {@code db.path}.
     */
    public static DatabaseSettings embedded(Path directory) {
        if (directory == null || directory.toString().isBlank()) {
            throw new IllegalArgumentException("db.path must name the directory of the embedded ledger, e.g. /var/lib/hotdesk");
        }
        return h2(directory.resolve(H2_FILE_NAME));
    }

    /**
     * The embedded ledger: an H2 file {@code <file>.mv.db} in PostgreSQL mode. {@code AUTO_SERVER=TRUE}
     * lets a second process (the CLI beside a running {@code serve}) open the same file: the first
     * process serves it over loopback TCP to the others, to users who know a password (see
     * {@link H2Embedded}). Lower-case identifiers and nulls-last ordering make H2 behave like PostgreSQL
     * for the one set of migrations; a 10 s lock timeout bounds every wait for a row lock. H2 would let
     * that server listen on every interface; this keeps it on loopback (see
     * {@link #keepH2ServerOnLoopback()}).
     *
     * @param fileWithoutSuffix e.g. {@code data/hotdesk}; a trailing {@code .mv.db} is tolerated
     */
    public static DatabaseSettings h2(Path fileWithoutSuffix) {
        if (fileWithoutSuffix == null) {
            throw new IllegalArgumentException("db.path: the H2 file path is required, e.g. data/hotdesk");
        }
        String path = fileWithoutSuffix.toAbsolutePath().normalize().toString();
        if (path.endsWith(H2_DATA_SUFFIX)) {
            path = path.substring(0, path.length() - H2_DATA_SUFFIX.length());
        }
        if (path.contains(";") || path.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("db.path must not contain ';' or control characters, got '"
                    + path.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        keepH2ServerOnLoopback();
        return new DatabaseSettings("jdbc:h2:file:" + path + H2_OPTIONS, H2_APP_USER, "", H2_POOL);
    }

    /**
     * Makes H2's automatic mixed-mode server listen on 127.0.0.1 only: the CLI and the server always
     * run on the same host, and nothing else should be able to reach the ledger file. H2 offers this
     * only as the JVM-wide system property {@code h2.bindAddress}, read when H2 opens its first
     * database, so it is set here (before any H2 connection) unless the operator set it already.
     */
    static void keepH2ServerOnLoopback() {
        if (System.getProperty(H2_BIND_PROPERTY) == null) {
            System.setProperty(H2_BIND_PROPERTY, "127.0.0.1");
        }
    }

    public boolean isH2() {
        return url.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:");
    }

    public boolean isPostgreSql() {
        return url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:");
    }

    /**
     * The embedded ledger's file without suffix ({@code /var/lib/hotdesk/hotdesk} for
     * {@code hotdesk.mv.db}), absolute.
     *
     * @throws IllegalStateException for a PostgreSQL URL
     */
    public Path h2File() {
        if (!isH2()) {
            throw new IllegalStateException("not an H2 ledger: " + maskedUrl());
        }
        String location = url.split(";")[0].substring("jdbc:h2:".length());
        String file = location.regionMatches(true, 0, "file:", 0, 5) ? location.substring(5) : location;
        if (file.startsWith("~")) { // H2 reads ~ as the home directory
            file = System.getProperty("user.home") + file.substring(1);
        }
        return Path.of(file).toAbsolutePath().normalize();
    }

    /** The URL as it may be shown: a password written into it is replaced by {@code ****}. */
    public String maskedUrl() {
        return mask(url);
    }

    /**
     * Any text with the secrets a URL may carry masked: {@code password=…} (also {@code PASSWORD=} of H2,
     * {@code sslpassword=}) and the password of {@code //user:password@host}.
     */
    public static String mask(String url) {
        String masked = PASSWORD_PARAM.matcher(url).replaceAll("$1****");
        return USER_INFO.matcher(masked).replaceAll("$1:****@");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + maskedUrl() + ", user=" + user + ", password=****, poolSize=" + poolSize + "]";
    }
}
