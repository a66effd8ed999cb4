package hotdesk.app;

import hotdesk.cli.ExitCodes;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Target;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import hotdesk.testing.RealAsterisk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hotdesk doctor} against a real Asterisk 22 from the test kit: every check passes with the
 * files {@code hotdesk asterisk-conf} generates, and each check fails, with its fix, when the part
 * it checks is broken on purpose. One Asterisk for the class; the broken-at-start variants share
 * one restart.
 */
class DoctorRealAsteriskTest {

    private static final String AMI_SECRET = "doctor-ami-secret-0123";
    private static final String ARI_PASSWORD = "doctor-ari-password-0123";

    private static RealAsterisk asterisk;
    private static Path work;

    @BeforeAll
    static void startAsterisk(@TempDir Path dir) {
        RealAsterisk.assumeKit();
        work = dir;
        asterisk = RealAsterisk.start(dir, conf -> CliRun.ok(secrets(), "asterisk-conf", "--out", conf.toString()),
                DoctorRealAsteriskTest::addAdminConfig);
    }

    @AfterAll
    static void stopAsterisk() {
        if (asterisk != null) {
            asterisk.close();
        }
    }

    private static Map<String, String> secrets() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("ami.secret", AMI_SECRET);
        s.put("ari.password", ARI_PASSWORD);
        return s;
    }

    /** An endpoint 201 of pjsip.conf and a user context whose own pattern takes codes beginning with a digit. */
    private static void addAdminConfig(Path conf) {
        RealAsteriskContractTest.addConfigEndpoint(conf);
        append(conf.resolve("extensions.conf"), """

                [doctor-shadowed]
                exten => _X.,1,NoOp(the admin's own route)
                include => hotdesk-codes
                include => hotdesk-emergency
                """);
    }

    /** Settings for this Asterisk and a ledger of its own holding the given users (ext, context). */
    private Map<String, String> settings(String ledger, String... usersAndContexts) {
        Map<String, String> s = secrets();
        s.put("db.url", DatabaseSettings.h2(work.resolve(ledger)).url());
        s.put("security.pin-iterations", "1000");
        s.put("ami.port", Integer.toString(asterisk.amiPort()));
        s.put("ari.url", asterisk.ariUrl().toString());
        for (int i = 0; i < usersAndContexts.length; i += 2) {
            CliRun.ok(s, "user", "add", usersAndContexts[i], "--name", "User " + usersAndContexts[i], "--pin", "3865",
                    "--context", usersAndContexts[i + 1]);
        }
        return s;
    }

    private static CliRun doctor(Map<String, String> settings, String... more) {
        String[] args = new String[more.length + 1];
        args[0] = "doctor";
        System.arraycopy(more, 0, args, 1, more.length);
        return CliRun.of(settings, Map.of(), args);
    }

    private static String line(CliRun run, String check) {
        return run.out().lines().filter(l -> l.matches("(ok  |FAIL|skip)  " + java.util.regex.Pattern.quote(check) + " .*"))
                .findFirst().orElseThrow(() -> new AssertionError("no line for " + check + " in:\n" + run.out()));
    }

    /** The line of a check and the fix line printed under it. */
    private static String withFix(CliRun run, String check) {
        List<String> lines = run.out().lines().toList();
        int i = lines.indexOf(line(run, check));
        return lines.get(i) + "\n" + (i + 1 < lines.size() ? lines.get(i + 1) : "");
    }

    @Test
    void every_check_passes_with_the_generated_files_and_no_probe_object_is_left_behind() {
        Map<String, String> s = settings("good", "101", "internal", "102", "internal");

        CliRun run = doctor(s);

        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out().lines()).hasSize(11).allMatch(l -> l.startsWith("ok  "));
        assertThat(line(run, "acl")).contains("acl.conf has the 1 ACL(s) desks name: hotdesk-default");
        assertThat(line(run, "ami")).contains("as 'hotdesk' (read and write system)");
        assertThat(line(run, "ami test")).contains("logged in as 'hotdesk-test' (originate, reporting)");
        assertThat(line(run, "ari")).contains("Asterisk 22.");
        assertThat(line(run, "sorcery")).contains("hotdesk-doctor-probe-");
        assertThat(line(run, "contexts")).contains("hotdesk-idle", "hotdesk-codes", "hotdesk-emergency", "hotdesk-run",
                "hotdesk-result", "hotdesk-dial");
        assertThat(line(run, "modules")).contains("loaded");
        assertThat(line(run, "pjsip.conf")).contains("2 hot-desking user(s)");
        assertThat(line(run, "dial codes")).contains("hotdesk-seated", "every feature code reaches hotdesk's code route");
        assertThat(line(run, "emergency")).contains("no desks yet");
        assertThat(line(run, "pins")).contains("2 hot-desking user(s), each with a PIN hash hotdesk can check");
        assertThat(asterisk.rx("pjsip show endpoints")).doesNotContain("hotdesk-doctor-probe");
        assertThat(asterisk.rx("pjsip show aors")).doesNotContain("hotdesk-doctor-probe");
        assertThat(asterisk.rx("pjsip show auths")).doesNotContain("hotdesk-doctor-probe");
    }

    @Test
    void json_output_lists_every_check_with_its_status() {
        Map<String, String> s = settings("json", "101", "internal");

        CliRun run = doctor(s, "--json");

        assertThat(run.code()).isEqualTo(ExitCodes.OK);
        assertThat(run.out().strip()).startsWith("{\"ok\":true,\"checks\":[{\"name\":\"ami\",\"status\":\"ok\"")
                .contains("{\"name\":\"dial codes\",\"status\":\"ok\"").endsWith("]}");
    }

    @Test
    void a_wrong_ami_secret_fails_the_ami_check_and_skips_what_needs_ami() {
        Map<String, String> s = settings("ami-secret");
        s.put("ami.secret", "not-the-secret-0123");

        CliRun run = doctor(s);

        assertThat(run.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(withFix(run, "ami")).contains("FAIL", "refused: Authentication failed", "fix: ami.user/ami.secret must match");
        assertThat(line(run, "ari")).startsWith("ok");
        assertThat(line(run, "contexts")).startsWith("skip");
        assertThat(line(run, "modules")).startsWith("skip");
        assertThat(line(run, "dial codes")).startsWith("skip");
    }

    @Test
    void an_ami_user_without_the_system_class_fails_the_ami_check() throws IOException {
        Map<String, String> s = settings("ami-class");
        Path manager = asterisk.dir().resolve("etc/hotdesk/manager_hotdesk.conf");
        String good = Files.readString(manager);
        try {
            Files.writeString(manager, replaced(good, "read = system,user,call\n", "read = reporting\n")
                    .replace("write = system,reporting\n", "write = reporting\n"));
            asterisk.rx("manager reload");

            CliRun run = doctor(s);

            assertThat(run.code()).isEqualTo(ExitCodes.CHECK_FAILED);
            assertThat(withFix(run, "ami")).contains("FAIL", "Permission denied", "lacks write class system",
                    "fix: set write = system,reporting");
        } finally {
            Files.writeString(manager, good);
            asterisk.rx("manager reload");
        }
    }

    @Test
    void an_ami_user_that_may_not_read_system_events_fails_the_ami_check() throws IOException {
        Map<String, String> s = settings("ami-read");
        Path manager = asterisk.dir().resolve("etc/hotdesk/manager_hotdesk.conf");
        String good = Files.readString(manager);
        try {
            Files.writeString(manager, replaced(good, "read = system,user,call\n", "read = user\n"));
            asterisk.rx("manager reload");

            CliRun run = doctor(s);

            assertThat(run.code()).isEqualTo(ExitCodes.CHECK_FAILED);
            assertThat(withFix(run, "ami")).contains("FAIL", "no FullyBooted", "fix: set read = system");
            assertThat(line(run, "contexts")).startsWith("ok"); // its actions still work
            assertThat(line(run, "modules")).startsWith("ok");
        } finally {
            Files.writeString(manager, good);
            asterisk.rx("manager reload");
        }
    }

    @Test
    void an_ami_user_that_may_not_show_the_dialplan_fails_the_contexts_check() throws IOException {
        Map<String, String> s = settings("ami-reporting");
        Path manager = asterisk.dir().resolve("etc/hotdesk/manager_hotdesk.conf");
        String good = Files.readString(manager);
        try {
            Files.writeString(manager, replaced(good, "write = system,reporting\n", "write = system\n"));
            asterisk.rx("manager reload");

            CliRun run = doctor(s);

            assertThat(run.code()).isEqualTo(ExitCodes.CHECK_FAILED);
            assertThat(line(run, "ami")).startsWith("ok");
            assertThat(withFix(run, "contexts")).contains("FAIL", "ShowDialPlan refused: Permission denied",
                    "fix: give the [hotdesk] user of manager.conf write = system,reporting");
            assertThat(line(run, "dial codes")).startsWith("skip");
        } finally {
            Files.writeString(manager, good);
            asterisk.rx("manager reload");
        }
    }

    @Test
    void a_test_call_user_that_may_not_originate_or_has_another_secret_fails_the_ami_test_check_only() throws IOException {
        Map<String, String> s = settings("ami-test");
        Path manager = asterisk.dir().resolve("etc/hotdesk/manager_hotdesk.conf");
        String good = Files.readString(manager);
        try {
            Files.writeString(manager, replaced(good, "write = originate,reporting\n", "write = reporting\n"));
            asterisk.rx("manager reload");

            CliRun run = doctor(s);

            assertThat(run.code()).isEqualTo(ExitCodes.CHECK_FAILED);
            assertThat(withFix(run, "ami test")).contains("FAIL", "'hotdesk-test' may not originate (Permission denied)",
                    "fix: set write = originate,reporting in the [hotdesk-test] section");
            assertThat(run.out().lines().filter(l -> l.startsWith("FAIL"))).hasSize(1);
        } finally {
            Files.writeString(manager, good);
            asterisk.rx("manager reload");
        }
        s.put("ami.test-secret", "not-the-test-secret-0123");

        CliRun wrong = doctor(s);

        assertThat(wrong.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(withFix(wrong, "ami test")).contains("FAIL", "refused: Authentication failed",
                "fix: ami.test-user/ami.test-secret must match the [hotdesk-test] section");
        assertThat(line(wrong, "ami")).startsWith("ok");
    }

    /** {@code text} with {@code from} replaced; {@code from} must be there, so a changed generator cannot void the test. */
    private static String replaced(String text, String from, String to) {
        assertThat(text).contains(from);
        return text.replace(from, to);
    }

    @Test
    void a_wrong_ari_password_fails_the_ari_check_with_401() {
        Map<String, String> s = settings("ari-password");
        s.put("ari.password", "not-the-password-0123");

        CliRun run = doctor(s);

        assertThat(run.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(withFix(run, "ari")).contains("FAIL", "→ 401", "fix: ari.user/ari.password must match");
        assertThat(line(run, "sorcery")).startsWith("skip");
        assertThat(line(run, "pjsip.conf")).startsWith("skip");
        assertThat(line(run, "ami")).startsWith("ok");
    }

    @Test
    void ari_on_a_port_where_nothing_listens_fails_the_ari_check_as_refused() throws IOException {
        Map<String, String> s = settings("ari-port");
        s.put("ari.url", "http://127.0.0.1:" + RealAsterisk.freeTcpPort() + "/ari");

        CliRun run = doctor(s);

        assertThat(run.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(withFix(run, "ari")).contains("FAIL", "connection refused", "fix: nothing listens at");
    }

    @Test
    void a_ledger_user_defined_in_pjsip_conf_fails_the_pjsip_conf_check() {
        Map<String, String> s = settings("clash", "101", "internal", "201", "internal", "301", "internal");
        s.put("node.name", "doctor-node");
        // what serve's reconciler records when Asterisk refuses its update of a pjsip.conf object
        try (Database db = Database.open(DatabaseSettings.h2(work.resolve("clash")))) {
            db.ledger().transact(tx -> {
                tx.markFailed("doctor-node", Target.user(Extension.of("301")), Instant.parse("2026-12-01T10:00:00Z"),
                        "ARI PUT /ari/asterisk/config/dynamic/res_pjsip/endpoint/301 → 403 after 3 ms: Cannot update");
                return null;
            });
        }

        CliRun run = doctor(s);

        assertThat(run.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(withFix(run, "pjsip.conf")).contains("FAIL", "201 (endpoint exists with auth '', not '201-auth')",
                "301 (Asterisk refused hotdesk's update: 403)",
                "fix: remove their endpoint, aor and auth sections from pjsip.conf").doesNotContain("101 (");
        assertThat(asterisk.rx("pjsip show endpoint 201")).contains("201"); // read only: still there, unchanged
    }

    @Test
    void a_pattern_of_a_users_context_no_longer_takes_a_desks_feature_codes_since_the_desk_has_hotdesk_seated() {
        // before issue 10 a desk in use had the user's context, where doctor-shadowed's _X. took 00*… first; now
        // the desk's context hotdesk-seated routes the codes before it goes on to the user's context
        Map<String, String> s = settings("shadowed", "101", "internal", "102", "doctor-shadowed", "103", "nowhere");

        CliRun run = doctor(s);

        assertThat(line(run, "dial codes")).startsWith("ok").contains("hotdesk-seated").doesNotContain("doctor-shadowed");
    }

    @Test
    void no_memory_wizard_no_hotdesk_dialplan_and_a_missing_module_each_fail_their_check() throws IOException {
        Path etc = asterisk.dir().resolve("etc");
        Map<Path, String> originals = new LinkedHashMap<>();
        for (String f : List.of("sorcery.conf", "extensions.conf", "modules.conf")) {
            originals.put(etc.resolve(f), Files.readString(etc.resolve(f)));
        }
        Map<String, String> s = settings("broken", "101", "internal");
        try {
            edit(etc.resolve("sorcery.conf"), "#tryinclude hotdesk/sorcery_hotdesk.conf", "");
            edit(etc.resolve("extensions.conf"), "#tryinclude hotdesk/extensions_hotdesk.conf", "");
            append(etc.resolve("modules.conf"), "noload = func_dialplan.so\n");
            asterisk.restart();

            CliRun run = doctor(s);

            assertThat(run.code()).isEqualTo(ExitCodes.CHECK_FAILED);
            assertThat(withFix(run, "sorcery")).contains("FAIL", "ARI cannot create the probe auth", "→ 403",
                    "fix: sorcery.conf's first [res_pjsip] section needs the lines of sorcery_hotdesk.conf")
                    .doesNotContain("is defined in pjsip.conf");
            assertThat(withFix(run, "contexts")).contains("FAIL", "not loaded: hotdesk-idle, hotdesk-codes, hotdesk-emergency,"
                    + " hotdesk-run, hotdesk-result, hotdesk-dial", "fix: #include hotdesk/extensions_hotdesk.conf");
            assertThat(withFix(run, "modules")).contains("FAIL", "not loaded: func_dialplan", "fix: load them");
            assertThat(line(run, "modules")).doesNotContain("res_agi");
            assertThat(withFix(run, "dial codes")).contains("FAIL", "hotdesk-seated: the context is not loaded, so nothing takes any code",
                    "fix: #include the hotdesk/extensions_hotdesk.conf");
            assertThat(line(run, "ami")).startsWith("ok");
            assertThat(line(run, "ari")).startsWith("ok");
            assertThat(asterisk.rx("pjsip show auths")).doesNotContain("hotdesk-doctor-probe");
        } finally {
            for (var e : originals.entrySet()) {
                Files.writeString(e.getKey(), e.getValue());
            }
            asterisk.restart();
        }
    }

    private static void edit(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertThat(text).as(file + " holds " + from).contains(from);
        Files.writeString(file, text.replace(from, to));
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, text, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
