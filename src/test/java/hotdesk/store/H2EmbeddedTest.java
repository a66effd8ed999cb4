package hotdesk.store;

import hotdesk.core.model.Target;
import hotdesk.core.port.LedgerTx;
import hotdesk.testing.LogCapture;
import org.h2.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static hotdesk.store.LedgerContract.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The embedded ledger against a local user who is not the service user: private files, a password
 * for the auto-server, no way to run code through the database; ledgers of older versions still
 * open; processes that open a new ledger at once wait for each other.
 */
class H2EmbeddedTest {

    @TempDir
    Path dir;

    private static void assumePosix(Path p) {
        assumeThat(Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class))
                .as("POSIX permissions on this file system").isNotNull();
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static List<Path> ledgerFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().startsWith(DatabaseSettings.H2_FILE_NAME + ".")).toList();
        }
    }

    private static Properties credentials(Path directory) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(directory.resolve("hotdesk.credentials"), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    @Test
    void a_new_ledger_directory_and_every_file_in_it_are_readable_by_the_service_user_only() throws Exception {
        assumePosix(dir);
        Path ledgerDir = dir.resolve("var/hotdesk");

        try (Database db = Database.open(DatabaseSettings.embedded(ledgerDir))) {
            db.ledger().transact(tx -> {
                tx.insertUser(user("101"));
                return null;
            });

            assertThat(mode(ledgerDir)).isEqualTo("rwx------");
            List<Path> files = ledgerFiles(ledgerDir);
            assertThat(files).extracting(f -> f.getFileName().toString())
                    .contains("hotdesk.mv.db", "hotdesk.lock.db", "hotdesk.credentials");
            for (Path f : files) {
                assertThat(mode(f)).as("mode of %s", f).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void a_new_ledger_is_set_up_before_hotdesk_connects_to_it_without_a_failed_first_connection() {
        // the app user's connection to a file that is not there can only fail, and a pool whose first connection
        // fails logs it and sleeps a second before it gives up: every new ledger (each first command) paid it
        DatabaseSettings settings = DatabaseSettings.embedded(dir.resolve("new"));
        assertThat(H2Embedded.missing(settings)).isTrue();

        try (LogCapture pool = LogCapture.atDebug("com.zaxxer.hikari"); Database db = Database.open(settings)) {
            db.ledger().transact(tx -> {
                tx.insertUser(user("101"));
                return null;
            });

            assertThat(pool.lines()).as("what the connection pool logged").isNotEmpty()
                    .noneSatisfy(line -> assertThat(line).containsAnyOf("Cannot acquire connection", "Failed to create"));
            assertThat(H2Embedded.missing(settings)).isFalse();
        }
        try (Database db = Database.open(settings)) {
            assertThat(db.ledger().read(LedgerTx::users)).containsExactly(user("101"));
        }
    }

    @Test
    void the_open_ledger_keeps_no_query_results_for_the_next_run_of_the_same_query() throws Exception {
        Path ledgerDir = dir.resolve("ledger");
        DatabaseSettings settings = DatabaseSettings.embedded(ledgerDir);
        try (Database db = Database.open(settings)) {
            db.ledger().read(LedgerTx::latestRevision);
            // a second session of the app user in this process shares the database hotdesk opened
            try (Connection c = DriverManager.getConnection(settings.url() + ";IFEXISTS=TRUE", DatabaseSettings.H2_APP_USER,
                    H2Embedded.prepare(settings).appPassword())) {
                org.h2.engine.Session session = c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession();
                assertThat(session).isInstanceOf(org.h2.engine.SessionLocal.class);
                assertThat(((org.h2.engine.SessionLocal) session).getDatabase().getOptimizeReuseResults())
                        .as("H2 keeps every cached query's last result (OPTIMIZE_REUSE_RESULTS)").isFalse();
                try (var st = c.createStatement(); var rs = st.executeQuery(
                        "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.CACHE_MAX_SIZE'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).as("H2's page cache, MB").isEqualTo(Integer.toString(H2Embedded.CACHE_KB / 1024));
                }
                assertThat(((org.h2.engine.SessionLocal) session).getDatabase().getSettings().queryCacheSize)
                        .as("parsed statements H2 keeps per session (its default, 8, is fewer than a login uses)")
                        .isEqualTo(DatabaseSettings.H2_STATEMENTS_KEPT);
            }
        }
    }

    @Test
    void keep_settings_sets_again_what_the_open_set_once_the_database_lost_it() throws Exception {
        Path ledgerDir = dir.resolve("ledger");
        DatabaseSettings settings = DatabaseSettings.embedded(ledgerDir);
        try (Database db = Database.open(settings);
             Connection admin = DriverManager.getConnection(settings.url() + ";IFEXISTS=TRUE", "SA",
                     H2Embedded.prepare(settings).adminPassword());
             var st = admin.createStatement()) {
            // as a database opened by a process that did not set them (serve taking the file over from a CLI command)
            st.execute("SET OPTIMIZE_REUSE_RESULTS TRUE");
            st.execute("SET CACHE_SIZE 16384");
            org.h2.engine.Database h2 = ((org.h2.engine.SessionLocal) admin.unwrap(org.h2.jdbc.JdbcConnection.class).getSession())
                    .getDatabase();
            assertThat(h2.getOptimizeReuseResults()).isTrue();

            db.keepSettings();

            assertThat(h2.getOptimizeReuseResults()).isFalse();
            try (var rs = st.executeQuery(
                    "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.CACHE_MAX_SIZE'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(Integer.toString(H2Embedded.CACHE_KB / 1024));
            }
        }
    }

    @Test
    void a_ledger_whose_admin_refuses_the_setting_still_opens_and_says_why_in_a_warning_without_the_password() throws Exception {
        Path ledgerDir = dir.resolve("ledger");
        DatabaseSettings settings = DatabaseSettings.embedded(ledgerDir);
        try (Database db = Database.open(settings)) {
            db.ledger().transact(tx -> {
                tx.insertUser(user("101"));
                return null;
            });
        }
        // the admin's password in the file no longer matches the ledger's; the app user's still does
        Path file = ledgerDir.resolve("hotdesk.credentials");
        String wrong = "not-the-admin-password-" + System.nanoTime();
        Files.writeString(file, Files.readString(file).replaceAll("(?m)^admin\\.password=.*$", "admin.password=" + wrong));

        try (LogCapture logs = LogCapture.of(H2Embedded.class.getName()); Database db = Database.open(settings)) {
            assertThat(db.ledger().read(LedgerTx::users)).containsExactly(user("101"));
            assertThat(logs.messages()).anySatisfy(m -> assertThat(m).contains("could not stop H2 keeping query results"));
            assertThat(String.join("\n", logs.messages())).doesNotContain(wrong);
        }
    }

    @Test
    void loose_modes_of_the_ledger_directory_and_files_are_corrected_on_open_with_a_warning() throws Exception {
        assumePosix(dir);
        Path ledgerDir = dir.resolve("ledger");
        try (Database db = Database.open(DatabaseSettings.embedded(ledgerDir))) {
            db.ledger().read(LedgerTx::latestRevision);
        }
        Files.setPosixFilePermissions(ledgerDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path f : ledgerFiles(ledgerDir)) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        }

        List<String> warnings;
        try (LogCapture logs = LogCapture.of(H2Embedded.class.getName());
             Database db = Database.open(DatabaseSettings.embedded(ledgerDir))) {
            db.ledger().read(LedgerTx::latestRevision);
            warnings = logs.messages();

            assertThat(mode(ledgerDir)).isEqualTo("rwx------");
            for (Path f : ledgerFiles(ledgerDir)) {
                assertThat(mode(f)).as("mode of %s", f).isEqualTo("rw-------");
            }
        }
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains(ledgerDir.toString(), "rwxr-xr-x", "now rwx------"))
                .anySatisfy(w -> assertThat(w).contains("hotdesk.mv.db", "rw-r--r--", "now rw-------"));
    }

    @Test
    void a_directory_open_to_others_that_holds_other_files_too_is_refused_and_left_alone() throws Exception {
        assumePosix(dir);
        Path shared = dir.resolve("shared");
        Files.createDirectories(shared);
        Files.writeString(shared.resolve("someone-elses.txt"), "x");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThatThrownBy(() -> Database.open(DatabaseSettings.embedded(shared)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("db.path: the ledger directory " + shared + " is open to other users (rwxr-xr-x)")
                .hasMessageContaining("someone-elses.txt", "a directory of its own");
        assertThat(mode(shared)).isEqualTo("rwxr-xr-x");
        assertThat(shared.resolve("hotdesk.mv.db")).doesNotExist();
    }

    @Test
    void the_auto_server_asks_for_the_generated_password_and_an_empty_one_gets_nobody_in() throws Exception {
        Path ledgerDir = dir.resolve("ledger");
        DatabaseSettings s = DatabaseSettings.embedded(ledgerDir);
        try (Database db = Database.open(s)) {
            Properties generated = credentials(ledgerDir);
            assertThat(generated.getProperty("admin.password")).hasSizeGreaterThanOrEqualTo(24);
            assertThat(generated.getProperty("password")).hasSizeGreaterThanOrEqualTo(24)
                    .isNotEqualTo(generated.getProperty("admin.password"));

            // this JVM holds the file, so these go to the auto-server the way another local process would
            for (String who : List.of("sa", DatabaseSettings.H2_APP_USER, "")) {
                assertThatThrownBy(() -> DriverManager.getConnection(s.url(), who, "").close())
                        .as("user '%s' without a password", who)
                        .isInstanceOfSatisfying(SQLException.class,
                                e -> assertThat(e.getErrorCode()).isEqualTo(ErrorCode.WRONG_USER_OR_PASSWORD));
            }
            try (Connection c = DriverManager.getConnection(s.url(), DatabaseSettings.H2_APP_USER, generated.getProperty("password"))) {
                assertThat(c.isValid(2)).isTrue();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE ALIAS RUN_IT AS 'String runIt() throws Exception { return \"ran\"; }'",
            "CREATE ALIAS GET_PROPERTY FOR 'java.lang.System.getProperty'",
            "CREATE TRIGGER SPY BEFORE INSERT ON users FOR EACH ROW CALL 'java.lang.Object'",
            "CREATE AGGREGATE ANY_CLASS FOR 'java.lang.Object'",
            "CREATE TABLE engine_made (id INT) ENGINE \"java.lang.Object\"",
            "CREATE USER intruder PASSWORD 'x' ADMIN",
            "GRANT ADMIN TO hotdesk",
            "RUNSCRIPT FROM 'hotdesk.credentials'",
            "SELECT FILE_READ('hotdesk.credentials')",
            "SET JAVA_OBJECT_SERIALIZER 'java.lang.Object'"})
    void the_app_user_cannot_make_the_ledger_run_code_or_read_files(String sql) throws Exception {
        try (Database db = Database.open(DatabaseSettings.embedded(dir.resolve("ledger")));
             Connection c = db.dataSource().getConnection();
             Statement st = c.createStatement()) {
            assertThat(c.getMetaData().getUserName()).isEqualToIgnoringCase(DatabaseSettings.H2_APP_USER);

            assertThatThrownBy(() -> st.execute(sql))
                    .isInstanceOfSatisfying(SQLException.class,
                            e -> assertThat(e.getErrorCode()).as("%s", e.getMessage()).isEqualTo(ErrorCode.ADMIN_RIGHTS_REQUIRED));
        }
    }

    @Test
    void the_app_user_may_still_change_the_schema_as_migrations_do() throws Exception {
        try (Database db = Database.open(DatabaseSettings.embedded(dir.resolve("ledger")));
             Connection c = db.dataSource().getConnection();
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE later_migration (id INT PRIMARY KEY)");
            st.execute("ALTER TABLE users ADD COLUMN later_column INT");
            st.execute("DROP TABLE later_migration");
            c.rollback();
        }
    }

    @Test
    void a_ledger_of_an_older_version_with_a_passwordless_admin_opens_keeps_its_data_and_gets_a_password() throws Exception {
        Path ledgerDir = dir.resolve("old");
        DatabaseSettings s = DatabaseSettings.embedded(ledgerDir);
        // what an older hotdesk left: schema and data, user sa without a password, no credentials file
        Files.createDirectories(ledgerDir);
        org.h2.jdbcx.JdbcDataSource old = new org.h2.jdbcx.JdbcDataSource();
        old.setURL(s.url());
        old.setUser("sa");
        old.setPassword("");
        org.flywaydb.core.Flyway.configure(Database.class.getClassLoader()).dataSource(old)
                .locations("classpath:db/migration").load().migrate();
        new JdbcLedger(old, s.maskedUrl()).transact(tx -> {
            tx.insertUser(user("101"));
            tx.bump(Target.user(user("101").extension()));
            return null;
        });
        assertThat(ledgerDir.resolve("hotdesk.credentials")).doesNotExist();

        try (LogCapture logs = LogCapture.of(H2Embedded.class.getName()); Database db = Database.open(s)) {
            assertThat(db.ledger().read(LedgerTx::users)).containsExactly(user("101"));
            assertThat(db.ledger().read(LedgerTx::latestRevision)).isEqualTo(1);
            assertThat(logs.messages()).anySatisfy(m -> assertThat(m).contains("without a password", "hotdesk.credentials"));
            assertThat(logs.everything()).doesNotContain(credentials(ledgerDir).getProperty("admin.password"),
                    credentials(ledgerDir).getProperty("password"));
        }

        assertThatThrownBy(() -> DriverManager.getConnection(s.url(), "sa", "").close())
                .isInstanceOfSatisfying(SQLException.class,
                        e -> assertThat(e.getErrorCode()).isEqualTo(ErrorCode.WRONG_USER_OR_PASSWORD));
        try (Connection admin = DriverManager.getConnection(s.url(), "sa", credentials(ledgerDir).getProperty("admin.password"))) {
            assertThat(admin.isValid(2)).isTrue();
        }
        try (Database again = Database.open(s)) {
            assertThat(again.ledger().read(LedgerTx::users)).containsExactly(user("101"));
        }
    }

    @Test
    void a_credentials_file_that_lost_its_passwords_is_refused_naming_the_file() throws Exception {
        Path ledgerDir = dir.resolve("ledger");
        try (Database db = Database.open(DatabaseSettings.embedded(ledgerDir))) {
            db.ledger().read(LedgerTx::latestRevision);
        }
        Files.writeString(ledgerDir.resolve("hotdesk.credentials"), "# emptied\n");

        assertThatThrownBy(() -> Database.open(DatabaseSettings.embedded(ledgerDir)))
                .isInstanceOf(hotdesk.core.port.LedgerException.class)
                .hasMessageContaining(ledgerDir.resolve("hotdesk.credentials").toString(), "restore it from a backup");
    }

    @Test
    void a_credentials_file_that_does_not_match_the_ledger_is_refused_naming_the_file() throws Exception {
        Path ledgerDir = dir.resolve("ledger");
        try (Database db = Database.open(DatabaseSettings.embedded(ledgerDir))) {
            db.ledger().read(LedgerTx::latestRevision);
        }
        Files.writeString(ledgerDir.resolve("hotdesk.credentials"), "admin.password=not-the-one-1\npassword=not-the-one-2\n");

        assertThatThrownBy(() -> Database.open(DatabaseSettings.embedded(ledgerDir)))
                .isInstanceOf(hotdesk.core.port.LedgerException.class)
                .hasMessageContaining("takes neither the password in " + ledgerDir.resolve("hotdesk.credentials"))
                .hasMessageNotContaining("not-the-one");
    }

    @Test
    void processes_that_open_a_new_ledger_at_the_same_moment_wait_for_each_other_instead_of_failing() throws Exception {
        int processes = 4;
        Path file = dir.resolve("ledger").resolve(DatabaseSettings.H2_FILE_NAME);
        Path go = dir.resolve("go");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<Process> children = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                Path out = dir.resolve("child-" + i + ".out");
                outputs.add(out);
                children.add(new ProcessBuilder(java, "-cp", classpath, H2SecondProcess.class.getName(), file.toString(),
                        Integer.toString(201 + i), go.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start());
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(3)).until(() -> {
                for (Path out : outputs) {
                    if (!Files.readString(out, StandardCharsets.UTF_8).contains("READY")) {
                        return false;
                    }
                }
                return true;
            });
            Files.writeString(go, "go"); // every child starts opening now
            for (int i = 0; i < processes; i++) {
                boolean exited = children.get(i).waitFor(120, TimeUnit.SECONDS);
                String printed = Files.readString(outputs.get(i), StandardCharsets.UTF_8);
                assertThat(exited).as("child %d finished; it printed:%n%s", i, printed).isTrue();
                assertThat(children.get(i).exitValue()).as("child %d exit code; it printed:%n%s", i, printed).isZero();
                assertThat(printed).contains("ADDED " + (201 + i));
            }
        } finally {
            children.forEach(Process::destroyForcibly);
        }

        try (Database db = Database.open(DatabaseSettings.h2(file))) {
            assertThat(db.ledger().read(LedgerTx::users)).hasSize(processes);
        }
    }
}
