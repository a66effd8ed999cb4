package hotdesk.store;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How to reach the ledger database.
 *
 * @param url      JDBC URL: {@code jdbc:h2:…} (embedded, one node) or {@code jdbc:postgresql://…}
 *                 (shared by several nodes); {@link #h2(Path)} builds the right H2 one
 * @param user     database user; may be empty: H2 then uses {@code sa} (the user {@link #h2(Path)}
 *                 creates the file with), PostgreSQL its own default
 * @param password its password, may be empty; never printed ({@link #toString()} and
 *                 {@link #maskedUrl()} hide it, also when it is written into the URL)
 * @param poolSize connections kept by the pool, 1 to 64
 * @throws IllegalArgumentException naming {@code db.url}, {@code db.user} or {@code db.pool-size}
 *                                  when a value is unusable
 */
public record DatabaseSettings(String url, String user, String password, int poolSize) {

    /** The H2 options every embedded ledger needs (see {@link #h2(Path)}). */
    static final String H2_OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
            + ";LOCK_TIMEOUT=10000;AUTO_SERVER=TRUE";
    static final int MAX_POOL = 64;
    static final int H2_POOL = 4;
    static final String H2_BIND_PROPERTY = "h2.bindAddress";

    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@?;]*):[^@/?;]*@");

    public DatabaseSettings {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("db.url is required: jdbc:postgresql://host:5432/db, or leave it "
                    + "empty in the config to use the embedded H2 file");
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
        if (lower.startsWith("jdbc:h2:") && user.isEmpty()) {
            user = "sa"; // an H2 URL written by hand opens the file as h2(Path) made it
        }
        password = password == null ? "" : password;
        if (poolSize < 1 || poolSize > MAX_POOL) {
            throw new IllegalArgumentException("db.pool-size must be between 1 and " + MAX_POOL + ", got " + poolSize);
        }
    }

    /**
     * The embedded ledger: an H2 file {@code <file>.mv.db} in PostgreSQL mode. {@code AUTO_SERVER=TRUE}
     * lets a second process (the CLI beside a running {@code serve}) open the same file: the first
     * process serves it over loopback TCP to the others. Lower-case identifiers and nulls-last ordering
     * make H2 behave like PostgreSQL for the one set of migrations; a 10 s lock timeout bounds every
     * wait for a row lock. User {@code sa}, empty password: the file's permissions are the protection
     * (the {@code .lock.db} file beside it holds the key of the auto-server). H2 would let that server
     * listen on every interface; this keeps it on loopback (see {@link #keepH2ServerOnLoopback()}).
     *
     * @param fileWithoutSuffix e.g. {@code data/hotdesk}; a trailing {@code .mv.db} is tolerated
     */
    public static DatabaseSettings h2(Path fileWithoutSuffix) {
        if (fileWithoutSuffix == null) {
            throw new IllegalArgumentException("db.url: the H2 file path is required, e.g. data/hotdesk");
        }
        String path = fileWithoutSuffix.toAbsolutePath().normalize().toString();
        if (path.endsWith(".mv.db")) {
            path = path.substring(0, path.length() - ".mv.db".length());
        }
        if (path.contains(";") || path.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("db.url: the H2 file path must not contain ';' or control characters, got '"
                    + path.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        keepH2ServerOnLoopback();
        return new DatabaseSettings("jdbc:h2:file:" + path + H2_OPTIONS, "sa", "", H2_POOL);
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

    /** The URL as it may be shown: a password written into it is replaced by {@code ****}. */
    public String maskedUrl() {
        return mask(url);
    }

    static String mask(String url) {
        String masked = PASSWORD_PARAM.matcher(url).replaceAll("$1****");
        return USER_INFO.matcher(masked).replaceAll("$1:****@");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + maskedUrl() + ", user=" + user + ", password=****, poolSize=" + poolSize + "]";
    }
}
