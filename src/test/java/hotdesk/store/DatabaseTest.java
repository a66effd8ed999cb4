package hotdesk.store;

import hotdesk.testing.LogCapture;
import hotdesk.core.port.LedgerException;
import hotdesk.core.port.LedgerTx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static hotdesk.store.LedgerContract.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Opening, re-opening, sharing and failing to open the ledger database. */
class DatabaseTest {

    /** A generous ceiling: opening must give up on its own well before this. */
    static final Duration CEILING = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    private static int closedLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void an_unreachable_postgresql_fails_open_with_one_line_naming_the_url_and_never_the_password() throws IOException {
        String url = "jdbc:postgresql://127.0.0.1:" + closedLoopbackPort() + "/test?password=url-secret-1";
        DatabaseSettings s = new DatabaseSettings(url, "hotdesk", "field-secret-2", 2);

        LedgerException e = assertTimeoutPreemptively(CEILING, () -> catchLedgerException(s));

        assertThat(e.getMessage())
                .startsWith("cannot reach the ledger database " + s.maskedUrl())
                .contains("password=****", "hotdesk", "db.url")
                .doesNotContain("url-secret-1", "field-secret-2")
                .doesNotContain("\n");
    }

    @Test
    void a_peer_that_accepts_but_never_answers_fails_open_within_the_connect_timeout() throws IOException {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // hold it open, say nothing
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            DatabaseSettings s = new DatabaseSettings("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/test",
                    "hotdesk", "", 1);

            LedgerException e = assertTimeoutPreemptively(CEILING, () -> catchLedgerException(s));

            assertThat(e.getMessage()).startsWith("cannot reach the ledger database " + s.url()).doesNotContain("\n");
        } finally {
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void an_unknown_postgresql_role_fails_open_naming_url_and_user() {
        try (PostgresSchema schema = PostgresSchema.create()) {
            DatabaseSettings s = new DatabaseSettings(schema.url(""), "no_such_role_hd", "some-password", 1);

            LedgerException e = assertTimeoutPreemptively(CEILING, () -> catchLedgerException(s));

            assertThat(e.getMessage()).contains(s.url(), "no_such_role_hd").doesNotContain("some-password");
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void no_log_line_of_opening_using_or_failing_to_open_the_ledger_names_the_password() throws Exception {
        List<String> lines;
        try (PostgresSchema schema = PostgresSchema.create();
             LogCapture logs = LogCapture.atDebug(LogCapture.EVERYTHING, "com.zaxxer.hikari", "org.flywaydb")) {
            // trust authentication accepts any password, so both places a password can be given are used
            DatabaseSettings good = new DatabaseSettings(schema.url("password=url-secret-3"), PostgresSchema.USER,
                    "field-secret-4", 2);
            try (Database db = Database.open(good)) {
                db.ledger().transact(tx -> {
                    tx.insertUser(user("101"));
                    return null;
                });
                assertThatThrownBy(() -> db.ledger().transact(tx -> {
                    tx.occupy(new hotdesk.core.model.Occupancy("hd-nowhere", user("101").extension(), LedgerContract.T0, null));
                    return null;
                })).isInstanceOf(LedgerException.class);
            }
            DatabaseSettings bad = new DatabaseSettings("jdbc:postgresql://127.0.0.1:" + closedLoopbackPort()
                    + "/test?password=url-secret-3", "hotdesk", "field-secret-4", 1);
            assertTimeoutPreemptively(CEILING, () -> catchLedgerException(bad));
            lines = logs.lines();
        }

        assertThat(lines).isNotEmpty().anySatisfy(l -> assertThat(l).contains("password=****"));
        assertThat(lines).noneSatisfy(l -> assertThat(l).containsAnyOf("url-secret-3", "field-secret-4"));
    }

    @Test
    void reopening_an_h2_file_migrates_nothing_and_keeps_the_data() {
        DatabaseSettings s = DatabaseSettings.h2(dir.resolve("ledger"));
        try (Database first = Database.open(s)) {
            first.ledger().transact(tx -> {
                tx.insertUser(user("101"));
                return null;
            });
        }

        try (Database again = Database.open(s)) {
            assertThat(again.ledger().read(LedgerTx::users)).containsExactly(user("101"));
            assertThat(LedgerTables.query(again.dataSource(),
                    "SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank",
                    rs -> rs.getString(1) + ":" + rs.getBoolean(2)))
                    .containsExactlyElementsOf(migrationVersions().stream().map(v -> v + ":true").toList());
        }
    }

    @Test
    void the_schema_version_a_command_takes_as_current_is_the_highest_migration_file() {
        List<String> versions = migrationVersions();

        assertThat(Database.SCHEMA_VERSION).isEqualTo(Integer.parseInt(versions.get(versions.size() - 1)));
    }

    @Test
    void a_ledger_is_current_only_with_the_latest_migration_applied_and_none_failed() throws Exception {
        DatabaseSettings empty = DatabaseSettings.h2(dir.resolve("empty"));
        org.h2.jdbcx.JdbcDataSource none = new org.h2.jdbcx.JdbcDataSource();
        none.setURL(empty.url());
        none.setUser("sa");
        assertThat(Database.current(empty, none)).as("a new file: no history at all").isFalse();

        DatabaseSettings s = DatabaseSettings.h2(dir.resolve("history"));
        try (Database db = Database.open(s)) {
            javax.sql.DataSource ds = db.dataSource();
            assertThat(Database.current(s, ds)).isTrue();

            update(ds, "UPDATE flyway_schema_history SET success = FALSE WHERE version = '1'");
            assertThat(Database.current(s, ds)).as("a failed migration in the history").isFalse();

            update(ds, "UPDATE flyway_schema_history SET success = TRUE WHERE version = '1'");
            update(ds, "DELETE FROM flyway_schema_history WHERE version = '" + Database.SCHEMA_VERSION + "'");
            assertThat(Database.current(s, ds)).as("an older ledger").isFalse();

            update(ds, "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                    + "installed_by, execution_time, success) VALUES (1000, '" + (Database.SCHEMA_VERSION + 1) + "', 'newer', 'SQL', "
                    + "'V" + (Database.SCHEMA_VERSION + 1) + "__newer.sql', 'sa', 0, TRUE)");
            assertThat(Database.current(s, ds)).as("a ledger of a newer hotdesk").isFalse();
        }
    }

    @Test
    void a_command_migrates_an_older_ledger_as_serve_does() throws Exception {
        DatabaseSettings s = DatabaseSettings.h2(dir.resolve("v1-command"));
        v1LedgerWithADevice(s.url(), "sa");

        try (Database db = Database.openForCommand(s)) {
            assertUpgradedToV2(db);
        }
    }

    @Test
    void flyway_runs_on_a_new_ledger_and_neither_a_command_nor_serve_runs_it_on_a_current_one() {
        DatabaseSettings s = DatabaseSettings.h2(dir.resolve("current"));
        List<String> first;
        List<String> command;
        List<String> server;

        try (LogCapture logs = LogCapture.atDebug(LogCapture.EVERYTHING, "org.flywaydb")) {
            Database.open(s).close();
            first = flyway(logs);
        }
        try (LogCapture logs = LogCapture.atDebug(LogCapture.EVERYTHING, "org.flywaydb")) {
            try (Database db = Database.openForCommand(s)) {
                assertThat(db.ledger().read(LedgerTx::latestRevision)).isZero();
            }
            command = flyway(logs);
        }
        try (LogCapture logs = LogCapture.atDebug(LogCapture.EVERYTHING, "org.flywaydb")) {
            try (Database db = Database.open(s)) {
                assertThat(db.ledger().read(LedgerTx::latestRevision)).isZero();
            }
            server = flyway(logs);
        }

        assertThat(first).anySatisfy(l -> assertThat(l).contains("at schema version " + Database.SCHEMA_VERSION));
        assertThat(command).isEmpty();
        assertThat(server).isEmpty();
    }

    /** Flyway's own log lines and the ledger's line about what it migrated. */
    private static List<String> flyway(LogCapture logs) {
        return logs.events().stream().filter(e -> e.getLoggerName().startsWith("org.flywaydb")
                        || e.getFormattedMessage().contains("at schema version"))
                .map(e -> e.getLoggerName() + " " + e.getFormattedMessage()).toList();
    }

    private static void update(javax.sql.DataSource ds, String sql) throws java.sql.SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
            c.commit();
        }
    }

    /** A ledger made by a hotdesk that knew only V1, holding one device with its line. */
    private static void v1LedgerWithADevice(String url, String user) throws Exception {
        org.flywaydb.core.Flyway.configure(DatabaseTest.class.getClassLoader()).dataSource(url, user, "")
                .locations("classpath:db/migration").target("1").load().migrate();
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement st = c.createStatement()) {
            st.execute("INSERT INTO devices (mac, vendor, model, label, site, elin, enabled) "
                    + "VALUES ('0015651234ab', 'yealink', 'T54W', 'Desk 1', 'HQ', '911', TRUE)");
            st.execute("INSERT INTO desk_lines (endpoint_id, mac, port, secret) VALUES ('hd-0015651234ab', '0015651234ab', 1, "
                    + "'line-secret-1')");
        }
    }

    private static void assertUpgradedToV2(Database db) {
        hotdesk.core.model.Mac mac = hotdesk.core.model.Mac.parse("0015651234ab");
        db.ledger().read(tx -> {
            assertThat(tx.device(mac).orElseThrow().site()).isEqualTo("HQ");
            assertThat(tx.deskLocation(mac)).isEqualTo(hotdesk.core.model.CivicLocation.EMPTY);
            assertThat(tx.sites()).isEmpty();
            return null;
        });
        assertThat(LedgerTables.query(db.dataSource(),
                "SELECT version FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank",
                rs -> rs.getString(1))).containsExactlyElementsOf(migrationVersions());
    }

    @Test
    void an_h2_ledger_of_v1_is_upgraded_to_sites_and_locations_keeping_its_devices() throws Exception {
        DatabaseSettings s = DatabaseSettings.h2(dir.resolve("v1"));
        v1LedgerWithADevice(s.url(), "sa");

        try (Database db = Database.open(s)) {
            assertUpgradedToV2(db);
        }
    }

    @Test
    void a_postgresql_ledger_of_v1_is_upgraded_to_sites_and_locations_keeping_its_devices() throws Exception {
        try (PostgresSchema schema = PostgresSchema.create()) {
            v1LedgerWithADevice(schema.url(""), PostgresSchema.USER);

            try (Database db = Database.open(schema.settings(1))) {
                assertUpgradedToV2(db);
            }
        }
    }

    @Test
    void a_missing_directory_of_the_h2_file_is_created() {
        Path file = dir.resolve("not/yet/there/ledger");

        try (Database db = Database.open(DatabaseSettings.h2(file))) {
            assertThat(db.ledger().read(LedgerTx::latestRevision)).isZero();
        }
        assertThat(file.resolveSibling("ledger.mv.db")).exists();
    }

    @Test
    void an_h2_file_that_holds_other_tables_is_not_adopted() throws Exception {
        DatabaseSettings s = DatabaseSettings.h2(dir.resolve("foreign"));
        // made as older hotdesk versions made their files: admin sa without a password
        try (Connection c = DriverManager.getConnection(s.url(), "sa", ""); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE users (id INT PRIMARY KEY)");
        }

        assertThatThrownBy(() -> Database.open(s))
                .isInstanceOf(LedgerException.class)
                .hasMessageStartingWith("cannot migrate the ledger database " + s.url());
    }

    @Test
    void a_postgresql_schema_that_holds_other_tables_is_not_adopted() throws Exception {
        try (PostgresSchema schema = PostgresSchema.create()) {
            try (Connection c = PostgresSchema.connect(schema.url("")); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE users (id INT PRIMARY KEY)");
            }
            DatabaseSettings s = schema.settings(1);

            assertThatThrownBy(() -> Database.open(s))
                    .isInstanceOf(LedgerException.class)
                    .hasMessageStartingWith("cannot migrate the ledger database " + s.url())
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void two_databases_on_one_h2_file_see_each_others_commits() {
        DatabaseSettings s = DatabaseSettings.h2(dir.resolve("shared"));
        try (Database server = Database.open(s); Database cli = Database.open(s)) {
            cli.ledger().transact(tx -> {
                tx.insertUser(user("101"));
                return null;
            });
            assertThat(server.ledger().read(LedgerTx::users)).containsExactly(user("101"));

            server.ledger().transact(tx -> {
                tx.insertUser(user("102"));
                return null;
            });
            assertThat(cli.ledger().read(LedgerTx::users)).containsExactly(user("101"), user("102"));
        }
    }

    @Test
    void a_second_process_opens_the_h2_file_this_one_holds_and_both_see_each_others_commits() throws Exception {
        Path file = dir.resolve("ledger");
        try (Database server = Database.open(DatabaseSettings.h2(file))) {
            server.ledger().transact(tx -> {
                tx.insertUser(user("101"));
                return null;
            });

            Path out = dir.resolve("child.out");
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", classpath, H2SecondProcess.class.getName(), file.toString(), "102")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean exited = child.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                child.destroyForcibly();
            }

            String printed = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(exited).as("second process finished; it printed:%n%s", printed).isTrue();
            assertThat(child.exitValue()).as("exit code; output:%n%s", printed).isZero();
            assertThat(printed).contains("SEEN 101", "ADDED 102");
            assertThat(server.ledger().read(LedgerTx::users)).containsExactly(user("101"), user("102"));
            assertThat(server.ledger().read(LedgerTx::latestRevision)).isEqualTo(1);
        }
    }

    @Test
    void an_h2_url_written_by_hand_keeps_the_auto_server_on_loopback_too() {
        String before = System.getProperty(DatabaseSettings.H2_BIND_PROPERTY);
        try {
            System.clearProperty(DatabaseSettings.H2_BIND_PROPERTY);
            new DatabaseSettings("jdbc:postgresql://127.0.0.1:5432/test", "", "", 4);
            assertThat(System.getProperty(DatabaseSettings.H2_BIND_PROPERTY)).isNull();

            String byHand = "jdbc:h2:file:" + dir.resolve("by-hand").toAbsolutePath() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"
                    + ";DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE;LOCK_TIMEOUT=5000";
            try (Database db = Database.open(new DatabaseSettings(byHand, "", "", 2))) {
                db.ledger().read(LedgerTx::latestRevision);
            }

            assertThat(System.getProperty(DatabaseSettings.H2_BIND_PROPERTY)).isEqualTo("127.0.0.1");
        } finally {
            if (before == null) {
                System.clearProperty(DatabaseSettings.H2_BIND_PROPERTY);
            } else {
                System.setProperty(DatabaseSettings.H2_BIND_PROPERTY, before);
            }
        }
    }

    @Test
    void the_h2_auto_server_that_shares_the_file_listens_on_loopback_only() throws Exception {
        Path file = dir.resolve("bound");
        try (Database db = Database.open(DatabaseSettings.h2(file))) {
            db.ledger().read(LedgerTx::latestRevision);
            java.util.Properties lock = new java.util.Properties();
            try (var in = Files.newInputStream(file.resolveSibling("bound.lock.db"))) {
                lock.load(in);
            }
            String server = lock.getProperty("server");
            int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));

            assertThat(accepts(InetAddress.getLoopbackAddress(), port)).isTrue();
            List<InetAddress> others = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                    .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress()).toList();
            org.junit.jupiter.api.Assumptions.assumeFalse(others.isEmpty(), "this host has no other address to try");
            for (InetAddress other : others) {
                assertThat(accepts(other, port)).as("reachable on %s:%d", other, port).isFalse();
            }
        }
    }

    /** The versions of the shipped migrations (V1__…, V3__…), in order: what a fresh ledger gets once each. */
    static List<String> migrationVersions() {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.+\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__"))).sorted(java.util.Comparator.comparingInt(Integer::parseInt))
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean accepts(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new java.net.InetSocketAddress(address, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void two_nodes_starting_at_once_on_an_empty_postgresql_schema_migrate_it_once() throws Exception {
        try (PostgresSchema schema = PostgresSchema.create()) {
            List<Database> opened = LedgerContract.concurrently(List.of(
                    () -> Database.open(schema.settings(1)), () -> Database.open(schema.settings(1))));
            try {
                assertThat(LedgerTables.count(opened.get(0).dataSource(),
                        "SELECT COUNT(*) FROM flyway_schema_history WHERE version IS NOT NULL"))
                        .isEqualTo(migrationVersions().size());
                opened.get(0).ledger().transact(tx -> {
                    tx.insertUser(user("101"));
                    return null;
                });
                assertThat(opened.get(1).ledger().read(LedgerTx::users)).containsExactly(user("101"));
            } finally {
                opened.forEach(Database::close);
            }
        }
    }

    @Test
    void a_closed_database_refuses_ledger_calls_with_a_ledger_exception_and_closing_twice_is_fine() {
        DatabaseSettings s = DatabaseSettings.h2(dir.resolve("closed"));
        Database db = Database.open(s);
        db.close();
        db.close();

        assertThatThrownBy(() -> db.ledger().read(LedgerTx::users))
                .isInstanceOf(LedgerException.class)
                .hasMessage("the ledger database " + s.url() + " is closed (hotdesk is shutting down)");
    }

    @Test
    void the_schema_holds_the_ledger_tables_and_flyway_history_on_h2() {
        try (Database db = Database.open(DatabaseSettings.h2(dir.resolve("tables")))) {
            assertThat(LedgerTables.tableNames(db.dataSource()))
                    .containsExactlyInAnyOrderElementsOf(withFlyway(LedgerTables.TABLES));
        }
    }

    @Test
    void the_schema_holds_the_ledger_tables_and_flyway_history_on_postgresql() throws Exception {
        try (PostgresSchema schema = PostgresSchema.create(); Database db = Database.open(schema.settings(1))) {
            assertThat(LedgerTables.tableNames(db.dataSource()))
                    .containsExactlyInAnyOrderElementsOf(withFlyway(LedgerTables.TABLES));
        }
    }

    private static List<String> withFlyway(List<String> tables) {
        List<String> all = new ArrayList<>(tables);
        all.add("flyway_schema_history");
        return all;
    }

    private static LedgerException catchLedgerException(DatabaseSettings s) {
        try (Database unexpected = Database.open(s)) {
            throw new AssertionError("opened " + unexpected + " although it should have failed");
        } catch (LedgerException e) {
            return e;
        }
    }

    @org.junit.jupiter.api.Test
    void h2_keeps_results_of_fifty_thousand_rows_in_memory_unless_told_otherwise() {
        String before = System.getProperty("h2.maxMemoryRows");
        try {
            System.clearProperty("h2.maxMemoryRows");
            org.assertj.core.api.Assertions.assertThat(Database.keepResultsInMemory()).isEqualTo("50000");
            System.setProperty("h2.maxMemoryRows", "1234");
            org.assertj.core.api.Assertions.assertThat(Database.keepResultsInMemory()).isEqualTo("1234");
        } finally {
            if (before == null) {
                System.clearProperty("h2.maxMemoryRows");
            } else {
                System.setProperty("h2.maxMemoryRows", before);
            }
        }
    }
}
