package hotdesk.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hotdesk.cli.SecretInput;
import hotdesk.core.model.Extension;
import hotdesk.core.model.User;
import hotdesk.core.policy.SecretHasher;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code hotdesk} admin commands as a shell would run them ({@link Main#run}), on a real H2 file:
 * exit codes, one-line errors on stderr, JSON for scripts, and that a refusal loses nothing.
 */
class CommandLineTest {

    @TempDir
    Path dir;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, String> settings = new LinkedHashMap<>();

    @BeforeEach
    void setUp() {
        settings.put("db.url", DatabaseSettings.h2(dir.resolve("ledger")).url());
        settings.put("security.pin-iterations", "1000");
        settings.put("security.otp-iterations", "1000");
    }

    private CliRun run(String... command) {
        return runWith(Map.of(), command);
    }

    private CliRun runWith(Map<String, String> env, String... command) {
        return CliRun.of(settings, env, command);
    }

    private static void assertOneLineError(CliRun r, String... fragments) {
        assertThat(r.err().strip()).as("stderr").doesNotContain("\n").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.err()).contains(fragments);
    }

    // ---- users

    @Test
    void users_are_added_listed_re_pinned_and_removed() throws Exception {
        assertThat(run("user", "add", "101", "--name", "Alice Example", "--pin", "3865", "--mailbox", "101@default").code())
                .isZero();
        assertThat(run("user", "add", "102", "--name", "Bob", "--pin", "3691", "--context", "sales",
                "--sip-secret", "Own-Phone-Secret-123").code()).isZero();

        JsonNode list = json.readTree(run("user", "list", "--json").out());
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("extension").asText()).isEqualTo("101");
        assertThat(list.toString()).contains("Alice Example").contains("sales")
                .doesNotContain("3865").doesNotContain("Own-Phone-Secret-123").doesNotContain("pbkdf2");
        assertThat(run("user", "list").out()).contains("101").contains("Alice Example");

        assertThat(run("user", "set-pin", "101", "--pin", "4823").code()).isZero();
        assertThat(run("user", "remove", "102").code()).isZero();
        assertThat(json.readTree(run("user", "list", "--json").out())).hasSize(1);
    }

    @Test
    void a_refused_user_change_is_one_line_on_stderr_and_loses_nothing() throws Exception {
        run("user", "add", "101", "--name", "Alice Example", "--pin", "3865");

        CliRun duplicate = run("user", "add", "101", "--name", "Someone Else", "--pin", "4711");
        CliRun badPin = run("user", "add", "103", "--name", "Carol", "--pin", "12");
        CliRun badExt = run("user", "add", "1x1", "--name", "Carol", "--pin", "3865");
        CliRun unknown = run("user", "remove", "999");
        CliRun badName = run("user", "add", "104", "--name", "Eve\n[evil]", "--pin", "3865");

        assertThat(List.of(duplicate.code(), badPin.code(), badExt.code(), unknown.code(), badName.code()))
                .containsOnly(3);
        assertOneLineError(duplicate, "101");
        assertOneLineError(badPin, "PIN");
        assertOneLineError(badExt, "1x1");
        assertOneLineError(unknown, "999");
        JsonNode list = json.readTree(run("user", "list", "--json").out());
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("name").asText()).isEqualTo("Alice Example");
    }

    @Test
    void a_users_own_multi_login_policy_is_set_by_add_and_listed_and_a_bogus_one_is_refused() throws Exception {
        assertThat(run("user", "add", "101", "--name", "Alice", "--pin", "3865", "--policy", "deny").code()).isZero();
        assertThat(run("user", "add", "102", "--name", "Bob", "--pin", "4711").code()).isZero();

        CliRun allow = run("user", "add", "103", "--name", "Carol", "--pin", "4711", "--policy", "allow");
        CliRun bogus = run("user", "add", "104", "--name", "Dan", "--pin", "4711", "--policy", "sometimes");

        assertThat(allow.code()).isZero();
        assertThat(bogus.code()).isEqualTo(3);
        assertOneLineError(bogus, "--policy", "single, deny or allow", "sometimes");
        JsonNode list = json.readTree(run("user", "list", "--json").out());
        assertThat(list).hasSize(3);
        assertThat(list.get(0).get("loginPolicy").asText()).isEqualTo("deny");
        assertThat(list.get(1).get("loginPolicy").isNull()).isTrue();
        assertThat(list.get(2).get("loginPolicy").asText()).isEqualTo("allow");
        assertThat(run("user", "list").out()).contains("POLICY").contains("deny").contains("(global)");
        assertThat(storedUser("101").orElseThrow().multiLogin()).contains(hotdesk.core.model.MultiLogin.DENY);
    }

    @Test
    void common_pins_are_refused_on_add_and_set_pin_naming_the_rule_and_nothing_changes() throws Exception {
        run("user", "add", "101", "--name", "Alice", "--pin", "3865");

        CliRun keypad = run("user", "add", "102", "--name", "Bob", "--pin", "0852");
        CliRun year = run("user", "set-pin", "101", "--pin", "1987");
        CliRun date = run("user", "set-pin", "101", "--pin", "3107");
        CliRun repeat = run("user", "set-pin", "101", "--pin", "474747");

        assertThat(List.of(keypad.code(), year.code(), date.code(), repeat.code())).containsOnly(3);
        assertOneLineError(keypad, "list of common PINs");
        assertOneLineError(year, "year");
        assertOneLineError(date, "date");
        assertOneLineError(repeat, "repeat");
        assertThat(keypad.err() + year.err() + date.err() + repeat.err()).doesNotContain("0852").doesNotContain("1987")
                .doesNotContain("3107").doesNotContain("474747");
        assertThat(storedUser("102")).isEmpty();
        assertThat(storedPinIs("101", "3865")).isTrue();
        assertThat(run("user", "add", "--help").out()).contains("2580").contains("years");
    }

    @Test
    void unlock_clears_failure_counters_status_shows_lockouts_and_alerts_until_then() throws Exception {
        run("device", "add", "0015651234ab", "--model", "T54W");
        run("user", "add", "101", "--name", "Alice", "--pin", "3865");
        Instant now = Instant.now();
        try (Database db = Database.open(DatabaseSettings.h2(dir.resolve("ledger")))) {
            db.ledger().transact(tx -> {
                for (int i = 0; i < 10; i++) {
                    tx.recordFailure("desk:hd-0015651234ab", now);
                    tx.recordFailure("at:101@hd-0015651234ab", now);
                    tx.recordFailure("user:101", now);
                }
                return null;
            });
        }

        String status = run("status").out();
        JsonNode security = json.readTree(run("status", "--security", "--json").out());
        CliRun user = run("user", "unlock", "101");
        CliRun device = run("device", "unlock", "00:15:65:12:34:ab");
        CliRun again = run("device", "unlock", "0015651234ab");
        CliRun unknownUser = run("user", "unlock", "999");
        CliRun unknownDevice = run("device", "unlock", "001565999999");
        CliRun badExtension = run("user", "unlock", "1x1");
        CliRun badMac = run("device", "unlock", "00:15:65");

        assertThat(status).contains("Lockouts").contains("desk hd-0015651234ab").contains("extension 101 at hd-0015651234ab")
                .contains("Login alerts (failures of one extension at all desks within 15m; alert at 8, lock at 12)")
                .containsPattern("101\\s+pin\\s+10\\s+no");
        assertThat(security.get("locks")).hasSize(2);
        assertThat(security.get("alerts").get(0).get("failures").asInt()).isEqualTo(10);
        assertThat(user.code()).isZero();
        assertThat(user.out()).contains("cleared 20 failed logins");
        assertThat(device.code()).isZero();
        assertThat(device.out()).contains("cleared 10 failed logins");
        assertThat(again.code()).isEqualTo(5);
        assertThat(unknownUser.code()).isEqualTo(3);
        assertOneLineError(unknownUser, "no user 999");
        assertThat(unknownDevice.code()).isEqualTo(3);
        assertOneLineError(unknownDevice, "00:15:65:99:99:99");
        assertThat(List.of(badExtension.code(), badMac.code())).containsOnly(3);
        assertOneLineError(badExtension, "1x1");
        assertOneLineError(badMac, "00:15:65");
        assertThat(run("status", "--security").out()).contains("Lockouts (user unlock EXT, device unlock MAC): none")
                .contains("none");
        try (Database db = Database.open(DatabaseSettings.h2(dir.resolve("ledger")))) {
            List<hotdesk.core.model.AuditEntry> audit = db.ledger().read(tx -> tx.auditTail(10));
            assertThat(audit).extracting(a -> a.action()).contains("user.unlock", "device.unlock");
        }
    }

    /** The user as stored, and whether {@code pin} is their PIN. */
    private boolean storedPinIs(String ext, String pin) {
        return storedUser(ext).map(u -> new SecretHasher(1000, new java.security.SecureRandom()).verify(pin, u.pinHash())).orElse(false);
    }

    private java.util.Optional<User> storedUser(String ext) {
        try (Database db = Database.open(DatabaseSettings.h2(dir.resolve("ledger")))) {
            return db.ledger().read(tx -> tx.user(Extension.of(ext)));
        }
    }

    @Test
    void pin_and_sip_secret_are_read_from_files_so_ps_does_not_show_them() throws Exception {
        Path pin = dir.resolve("pin");
        Path secret = dir.resolve("secret");
        Files.writeString(pin, "3865\n");
        Files.writeString(secret, "Own-Phone-Secret-1234\n");

        CliRun add = run("user", "add", "101", "--name", "Alice", "--pin-file", pin.toString(), "--sip-secret-file", secret.toString());
        Files.writeString(pin, "4823\n");
        CliRun setPin = run("user", "set-pin", "101", "--pin-file", pin.toString());

        assertThat(add.code()).isZero();
        assertThat(setPin.code()).isZero();
        assertThat(storedPinIs("101", "4823")).isTrue();
        assertThat(storedUser("101").orElseThrow().sipSecret()).isEqualTo("Own-Phone-Secret-1234");
    }

    @Test
    void a_pin_asked_for_is_read_from_the_terminal_or_else_standard_input() throws Exception {
        SecretInput terminal = new SecretInput(prompt -> prompt.startsWith("PIN") ? "3865".toCharArray()
                : "Own-Phone-Secret-1234".toCharArray(), null);
        int added = Main.run(cli("user", "add", "101", "--name", "Alice", "--pin", "--sip-secret"), Map.of(), terminal,
                new java.io.PrintWriter(java.io.Writer.nullWriter()), new java.io.PrintWriter(java.io.Writer.nullWriter()));
        SecretInput piped = new SecretInput(null, new java.io.ByteArrayInputStream("4823\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        int changed = Main.run(cli("user", "set-pin", "101", "--pin"), Map.of(), piped,
                new java.io.PrintWriter(java.io.Writer.nullWriter()), new java.io.PrintWriter(java.io.Writer.nullWriter()));

        assertThat(added).isZero();
        assertThat(changed).isZero();
        assertThat(storedPinIs("101", "4823")).isTrue();
        assertThat(storedUser("101").orElseThrow().sipSecret()).isEqualTo("Own-Phone-Secret-1234");
    }

    private String[] cli(String... command) {
        List<String> args = new java.util.ArrayList<>();
        settings.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
        args.addAll(List.of(command));
        return args.toArray(String[]::new);
    }

    @Test
    void a_sip_secret_shorter_than_16_characters_is_refused_and_a_missing_pin_is_a_usage_error() throws Exception {
        CliRun shortSecret = run("user", "add", "101", "--name", "Alice", "--pin", "3865", "--sip-secret", "Fifteen-Chars15");
        CliRun noPin = run("user", "add", "102", "--name", "Bob");
        CliRun noStdin = run("user", "add", "103", "--name", "Carol", "--pin");

        assertThat(shortSecret.code()).isEqualTo(3);
        assertOneLineError(shortSecret, "sip secret must be at least 16 characters");
        assertThat(shortSecret.err()).doesNotContain("Fifteen-Chars15");
        assertThat(noPin.code()).isEqualTo(2);
        assertOneLineError(noPin, "--pin-file");
        assertThat(noStdin.code()).isEqualTo(2);
        assertOneLineError(noStdin, "--pin", "standard input");
        assertThat(json.readTree(run("user", "list", "--json").out())).isEmpty();
    }

    // ---- devices

    @Test
    void a_mac_is_accepted_in_the_three_usual_forms_and_stored_normalised() throws Exception {
        assertThat(run("device", "add", "00:15:65:12:34:AB", "--model", "T54W").code()).isZero();
        assertThat(run("device", "add", "00-15-65-12-34-ac", "--model", "T54W").code()).isZero();
        assertThat(run("device", "add", "0015651234AD", "--model", "T46U", "--label", "Desk 4.12", "--site", "HQ").code())
                .isZero();

        JsonNode list = json.readTree(run("device", "list", "--json").out());
        assertThat(list.findValuesAsText("mac")).containsExactly("0015651234ab", "0015651234ac", "0015651234ad");
        assertThat(list.toString()).contains("Desk 4.12").contains("HQ");

        CliRun sameAgain = run("device", "add", "00:15:65:12:34:ab", "--model", "T54W");
        assertThat(sameAgain.code()).isEqualTo(3);
        assertOneLineError(sameAgain, "00:15:65:12:34:AB", "exists");
        assertThat(run("device", "remove", "00:15:65:12:34:AD").code()).isZero();
        assertThat(json.readTree(run("device", "list", "--json").out())).hasSize(2);
    }

    @Test
    void a_malformed_mac_is_refused_with_a_clear_message() throws Exception {
        for (String bad : List.of("00:15:65:12:34", "00:15:65:12:34:AB:CD", "0015651234ag", "00.15.65.12.34.ab", "hello")) {
            CliRun r = run("device", "add", bad, "--model", "T54W");
            assertThat(r.code()).as(bad).isEqualTo(3);
            assertOneLineError(r, "MAC");
        }
        assertThat(json.readTree(run("device", "list", "--json").out())).isEmpty();
    }

    // ---- one-time codes, status, logout

    @Test
    void otp_issue_prints_a_fresh_six_digit_code_and_refuses_unknown_users() throws Exception {
        run("user", "add", "101", "--name", "Alice Example", "--pin", "3865");

        CliRun first = run("otp", "issue", "101");
        JsonNode second = json.readTree(run("otp", "issue", "101", "--json").out());
        CliRun unknown = run("otp", "issue", "555");

        assertThat(first.code()).isZero();
        assertThat(first.out().strip()).matches("\\d{6}");
        assertThat(second.get("code").asText()).matches("\\d{6}");
        assertThat(second.get("expiresAt").asText()).isNotBlank();
        assertThat(unknown.code()).isEqualTo(3);
        assertOneLineError(unknown, "555");
    }

    @Test
    void status_shows_every_desk_and_logout_of_nobody_is_nothing_to_do() throws Exception {
        run("device", "add", "0015651234ab", "--model", "T54W", "--label", "Desk 4.12");
        run("user", "add", "101", "--name", "Alice Example", "--pin", "3865");

        JsonNode status = json.readTree(run("status", "--json").out());
        CliRun byDevice = run("logout", "--device", "0015651234ab");
        CliRun byUser = run("logout", "--user", "101");
        CliRun unknownDevice = run("logout", "--device", "001565999999");

        assertThat(status).hasSize(1);
        assertThat(status.toString()).contains("hd-0015651234ab");
        assertThat(run("status").out()).contains("hd-0015651234ab").contains("idle");
        assertThat(byDevice.code()).isEqualTo(5);
        assertThat(byUser.code()).isEqualTo(5);
        assertThat(unknownDevice.code()).isEqualTo(3);
        assertOneLineError(unknownDevice, "00:15:65:99:99:99");
    }

    // ---- usage, configuration and ledger failures

    @Test
    void help_documents_the_exit_codes_of_every_command() {
        CliRun root = run("--help");
        CliRun sub = run("device", "add", "--help");

        assertThat(root.code()).isZero();
        assertThat(root.out()).contains("Exit codes:").contains("4").contains("ledger unreachable")
                .contains("serve").contains("user").contains("device").contains("otp").contains("status").contains("logout");
        assertThat(sub.out()).contains("Exit codes:").contains("refused");
    }

    @Test
    void usage_errors_exit_2() {
        CliRun missing = run("device", "add", "0015651234ab");
        CliRun unknownCommand = run("desk", "list");
        CliRun both = run("logout", "--device", "0015651234ab", "--user", "101");

        assertThat(List.of(missing.code(), unknownCommand.code(), both.code())).containsOnly(2);
        assertThat(missing.err()).contains("--model");
    }

    @Test
    void an_unknown_or_invalid_configuration_key_is_named_in_one_line() {
        settings.put("ami.secert", "typo");
        CliRun typo = run("user", "list");
        settings.remove("ami.secert");
        settings.put("db.pool-size", "many");
        CliRun notANumber = run("user", "list");

        assertThat(typo.code()).isEqualTo(2);
        assertOneLineError(typo, "ami.secert");
        assertThat(notANumber.code()).isEqualTo(2);
        assertOneLineError(notANumber, "db.pool-size", "many");
    }

    @Test
    void serve_with_a_bad_setting_fails_before_anything_listens_naming_the_key() {
        settings.put("agi.apply-wait", "10ms");
        CliRun tooShort = run("serve");
        settings.put("agi.apply-wait", "soon");
        CliRun notADuration = run("serve");

        assertThat(tooShort.code()).isEqualTo(2);
        assertOneLineError(tooShort, "agi.apply-wait must be 0 (answer once committed) or 100 ms..30 s, got 10 ms");
        assertThat(notADuration.code()).isEqualTo(2);
        assertOneLineError(notADuration, "agi.apply-wait", "soon");
    }

    @Test
    void serve_refuses_a_reconcile_interval_or_backoff_of_zero_before_anything_listens() {
        settings.put("reconcile.interval", "0s");
        CliRun noInterval = run("serve");
        settings.put("reconcile.interval", "1s");
        settings.put("reconcile.max-backoff", "0s");
        CliRun noBackoff = run("serve");

        assertThat(noInterval.code()).isEqualTo(2);
        assertOneLineError(noInterval, "reconcile.interval must be 10 ms..600 s, got 0 ms");
        assertThat(noBackoff.code()).isEqualTo(2);
        assertOneLineError(noBackoff, "reconcile.max-backoff must be 100 ms..3600 s, got 0 ms");
    }

    @Test
    void serve_with_an_empty_list_or_an_overflowing_duration_is_a_usage_error_naming_the_key() {
        settings.put("codes.logout", "");
        CliRun noLogoutCode = run("serve");
        settings.remove("codes.logout");
        settings.put("reconcile.interval", "99999999999999999d");
        CliRun overflow = run("serve");

        assertThat(noLogoutCode.code()).isEqualTo(2);
        assertOneLineError(noLogoutCode, "codes.logout must list at least one value");
        assertThat(overflow.code()).isEqualTo(2);
        assertOneLineError(overflow, "reconcile.interval", "99999999999999999d");
    }

    @Test
    void serve_refuses_the_shipped_asterisk_secrets_when_asterisk_is_not_on_loopback() {
        settings.put("agi.port", "0");
        settings.put("provisioning.port", "0");
        settings.put("ami.host", "pbx.invalid");
        settings.put("ari.password", "own-ari-password");
        CliRun amiByDefault = run("serve");
        settings.put("ami.secret", "hotdesk-ami-change-me");
        CliRun amiExplicit = run("serve");
        settings.put("ami.host", "127.0.0.1");
        settings.put("ami.secret", "own-ami-secret");
        settings.put("ari.url", "http://pbx.invalid:8088/ari");
        settings.put("ari.password", "hotdesk-ari-change-me");
        CliRun ariExplicit = run("serve");

        assertThat(List.of(amiByDefault.code(), amiExplicit.code(), ariExplicit.code())).containsOnly(2);
        assertOneLineError(amiByDefault, "ami.secret is the shipped example value", "ami.host (pbx.invalid) is not on loopback");
        assertOneLineError(amiExplicit, "ami.secret is the shipped example value");
        assertOneLineError(ariExplicit, "ari.password is the shipped example value", "ari.url (pbx.invalid)");
        assertThat(amiByDefault.err() + ariExplicit.err()).doesNotContain("change-me");
    }

    @Test
    void configuration_comes_from_a_file_and_the_environment() throws Exception {
        Path file = dir.resolve("hotdesk.properties");
        Files.writeString(file, "db.url=" + DatabaseSettings.h2(dir.resolve("from-file")).url().replace("\\", "\\\\") + "\n");
        settings.clear();
        settings.put("security.pin-iterations", "1000");

        CliRun add = runWith(Map.of("HOTDESK_CONFIG", file.toString()), "user", "add", "101", "--name", "Alice", "--pin", "3865");
        CliRun list = run("--config", file.toString(), "user", "list", "--json");
        CliRun envWins = runWith(Map.of("HOTDESK_CONFIG", file.toString(),
                "HOTDESK_DB_URL", DatabaseSettings.h2(dir.resolve("from-env")).url()), "user", "list", "--json");

        assertThat(add.code()).isZero();
        assertThat(list.out()).contains("101");
        assertThat(envWins.code()).isZero();
        assertThat(json.readTree(envWins.out())).isEmpty();
        assertThat(Files.exists(dir.resolve("from-file.mv.db"))).isTrue();
    }

    @Test
    void db_path_places_the_embedded_ledger_in_a_directory_of_its_own() throws Exception {
        Path ledgerDir = dir.resolve("var-lib-hotdesk");
        settings.remove("db.url");
        settings.put("db.path", ledgerDir.toString());

        CliRun add = run("user", "add", "101", "--name", "Alice", "--pin", "3865");
        CliRun list = run("user", "list", "--json");

        assertThat(add.code()).as(add.err()).isZero();
        assertThat(json.readTree(list.out())).hasSize(1);
        assertThat(ledgerDir.resolve("hotdesk.mv.db")).exists();
        assertThat(ledgerDir.resolve("hotdesk.credentials")).exists();
    }

    @Test
    void a_hand_written_h2_url_without_auto_server_is_refused_naming_the_missing_options() {
        settings.put("db.url", "jdbc:h2:file:" + dir.resolve("ledger"));

        CliRun r = run("user", "list");

        assertThat(r.code()).isEqualTo(2);
        assertOneLineError(r, "db.url", "lacks", "AUTO_SERVER=TRUE", "MODE=PostgreSQL", "db.path");
        assertThat(dir.resolve("ledger.mv.db")).doesNotExist();
    }

    @Test
    void db_path_and_db_url_together_are_refused_naming_both() {
        settings.put("db.path", dir.resolve("elsewhere").toString());

        CliRun r = run("user", "list");

        assertThat(r.code()).isEqualTo(2);
        assertOneLineError(r, "db.path (from command line) and db.url (from command line) are both set");
    }

    @Test
    void an_unreachable_ledger_exits_4_with_one_line_and_no_password() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        settings.put("db.url", "jdbc:postgresql://127.0.0.1:" + closedPort + "/nothing?connectTimeout=2");
        settings.put("db.user", "hotdesk");
        settings.put("db.password", "Ledger-Secret-42");

        CliRun r = run("user", "list");

        assertThat(r.code()).isEqualTo(4);
        assertOneLineError(r, "ledger");
        assertThat(r.err() + r.out()).doesNotContain("Ledger-Secret-42");
    }

    @Test
    void asterisk_conf_writes_the_drop_in_configuration() throws Exception {
        Path out = dir.resolve("conf");

        CliRun r = run("asterisk-conf", "--out", out.toString());

        assertThat(r.code()).isZero();
        assertThat(out.resolve("extensions_hotdesk.conf")).exists();
        assertThat(Files.readString(out.resolve("extensions_hotdesk.conf"))).contains("[hotdesk-idle]");
    }

    @Test
    void asterisk_conf_leaves_the_secret_bearing_files_0640_even_over_files_that_were_0644() throws Exception {
        Path out = dir.resolve("conf");
        Files.createDirectories(out);
        for (String name : List.of("manager_hotdesk.conf", "ari_hotdesk.conf", "http_hotdesk.conf")) {
            Files.writeString(out.resolve(name), "; old\n");
            Files.setPosixFilePermissions(out.resolve(name), PosixFilePermissions.fromString("rw-r--r--"));
        }

        CliRun r = run("asterisk-conf", "--out", out.toString());

        assertThat(r.code()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("manager_hotdesk.conf")))).isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("ari_hotdesk.conf")))).isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("http_hotdesk.conf")))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(out.resolve("manager_hotdesk.conf"))).contains("[hotdesk]");
    }

    @Test
    void asterisk_conf_follows_the_pjsip_wizard_setting_and_refuses_an_unknown_one_naming_the_key() throws Exception {
        Path astdb = dir.resolve("astdb");
        Path bad = dir.resolve("bad");

        CliRun ok = runWith(Map.of("HOTDESK_ASTERISK_PJSIP_WIZARD", "astdb"), "asterisk-conf", "--out", astdb.toString());
        CliRun refused = runWith(Map.of("HOTDESK_ASTERISK_PJSIP_WIZARD", "realtime"), "asterisk-conf", "--out", bad.toString());

        assertThat(ok.code()).isZero();
        assertThat(Files.readString(astdb.resolve("sorcery_hotdesk.conf"))).contains("endpoint = astdb,hotdesk-pjsip");
        assertThat(refused.code()).isEqualTo(2);
        assertOneLineError(refused, "asterisk.pjsip-wizard must be memory or astdb");
        assertThat(bad).doesNotExist();
    }
}
