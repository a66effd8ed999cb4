package hotdesk.store;

import org.junit.jupiter.api.Assumptions;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;

/**
 * A fresh schema {@code hd_test_<random>} in the test PostgreSQL, dropped again on {@link #close()}.
 *
 * <p>Where: {@code HOTDESK_TEST_PG_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test}) as
 * {@code HOTDESK_TEST_PG_USER} (default {@code postgres}) with an empty password. An unreachable
 * PostgreSQL FAILS the tests that need it (CI starts one); {@code HOTDESK_TEST_PG=off} skips them instead.
 */
public final class PostgresSchema implements AutoCloseable {

    static final String URL = env("HOTDESK_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String USER = env("HOTDESK_TEST_PG_USER", "postgres");

    final String name;

    private PostgresSchema(String name) {
        this.name = name;
    }

    public static PostgresSchema create() {
        Assumptions.assumeFalse("off".equalsIgnoreCase(System.getenv("HOTDESK_TEST_PG")),
                "PostgreSQL tests switched off by HOTDESK_TEST_PG=off");
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        String name = "hd_test_" + HexFormat.of().formatHex(random);
        try (Connection c = connect(URL); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            throw new AssertionError("test PostgreSQL not usable at " + URL + " as " + USER + ": " + e.getMessage()
                    + " — start it, point HOTDESK_TEST_PG_URL / HOTDESK_TEST_PG_USER at one, or set HOTDESK_TEST_PG=off to skip", e);
        }
        return new PostgresSchema(name);
    }

    /** The test URL with this schema as the current one, plus extra URL parameters ({@code a=b&c=d}) if any. */
    public String url(String extraParameters) {
        String sep = URL.contains("?") ? "&" : "?";
        return URL + sep + "currentSchema=" + name + (extraParameters.isEmpty() ? "" : "&" + extraParameters);
    }

    DatabaseSettings settings(int poolSize) {
        return new DatabaseSettings(url(""), USER, "", poolSize);
    }

    static Connection connect(String url) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", "");
        p.setProperty("connectTimeout", "5");
        p.setProperty("loginTimeout", "5");
        return DriverManager.getConnection(url, p);
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = connect(URL); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        }
    }

    private static String env(String key, String fallback) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? fallback : v;
    }
}
