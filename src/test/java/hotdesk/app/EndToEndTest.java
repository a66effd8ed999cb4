package hotdesk.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hotdesk.testing.FakeAmi;
import hotdesk.testing.FakeAri;
import hotdesk.testing.ScriptedAsterisk;
import hotdesk.testing.ScriptedAsterisk.Transcript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole loop through real sockets: the admin CLI writes the ledger (an H2 file), the running
 * {@link Server} applies it to a fake Asterisk (ARI-like HTTP server and AMI server built from the
 * recorded Asterisk 22 facts), a scripted Asterisk drives the FastAGI scripts like a caller would, and
 * the desk phone fetches its configuration over HTTP.
 */
class EndToEndTest {

    private static final String MAC = "00:15:65:12:34:AB";
    private static final String DESK = "hd-0015651234ab";
    private static final String YEALINK_UA = "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ab";
    private static final String CHECK_SYNC = "check-sync;reboot=false";
    /** Async waits: generous ceilings for a shared, noisy machine; the default poll interval is 1 s. */
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final FakeAri ari = new FakeAri("hotdesk", "ari-test-password");
    private final FakeAmi ami = new FakeAmi("hotdesk", "ami-test-secret");
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private Map<String, String> settings;
    private Server server;

    @BeforeEach
    void setUp() {
        ami.start();
        settings = PeerSettings.of(dir.resolve("ledger"), ari, "ari-test-password", ami, "ami-test-secret");
        settings.put("provisioning.sip-server", "pbx.example.org");
        settings.put("security.pin-iterations", "1000");
        settings.put("security.otp-iterations", "1000");
        settings.put("reconcile.interval", "100ms");
        settings.put("reconcile.max-backoff", "500ms");
        settings.put("node.name", "e2e");
        // most tests here check what one login pushed right after the caller heard it: the mode where the caller
        // waits for Asterisk; the default (answer once committed, push in the background) has tests of its own
        settings.put("agi.apply-wait", "2s");
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
        ami.close();
        ari.close();
    }

    // ---- the loop

    @Test
    void pin_login_makes_the_desk_the_users_and_logout_makes_it_idle_again() throws Exception {
        // given a desk and a user added with the CLI, and a running server
        cli("user", "add", "101", "--name", "Alice Example", "--pin", "3865", "--mailbox", "101@default");
        cli("device", "add", MAC, "--model", "T54W", "--label", "Desk 4.12");
        startServerAndAwaitTheIdleDesk();
        assertThat(ari.object("auth", DESK + "-auth")).isPresent();
        assertThat(ari.object("aor", DESK)).isPresent();
        assertThat(fetchConfig()).contains("account.1.label = Desk 4.12");
        int before = ari.requestCount();
        int notifiesBefore = ami.notifies().size();

        // when the user dials *70101 and enters the right PIN
        Transcript t = ScriptedAsterisk.call("hotdesk-login").fromEndpoint(DESK).dialled("*70101").args("101")
                .enters("3865").run(server.agiPort());

        // then the desk is theirs in Asterisk and on the phone
        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK");
        Map<String, String> desk = ari.object("endpoint", DESK).orElseThrow();
        assertThat(desk).containsEntry("callerid", "\"Alice Example\" <101>")
                .containsEntry("context", "hotdesk-seated")
                .containsEntry("mailboxes", "101@default")
                .containsEntry("accountcode", "101");
        assertThat(ari.object("endpoint", "101").orElseThrow().get("aors")).isEqualTo(DESK + ",101");
        // the AORs are there as wanted already: not written again (an AOR update pins registered contacts)
        assertThat(touchedObjects(before)).containsExactlyInAnyOrder(
                "auth/" + DESK + "-auth", "endpoint/" + DESK, "auth/101-auth", "endpoint/101");
        assertThat(ami.astdb()).containsEntry("/hotdesk/desk/" + DESK + "/occupant", "101")
                .containsEntry("/hotdesk/user/101/desk", DESK);
        await().atMost(PATIENCE).until(() -> checkSyncsTo(DESK, notifiesBefore) >= 1);
        awaitSettled();
        // one change, one NOTIFY: the login touched the desk and user 101, the phone hears once
        assertThat(ami.notifies().subList(notifiesBefore, ami.notifies().size()))
                .containsExactly(new FakeAmi.Notify(DESK, CHECK_SYNC));
        assertThat(fetchConfig()).contains("account.1.label = Alice Example")
                .contains("101").contains("account.1.user_name = " + DESK);

        // when they dial the logout code
        int notifiesAtLogout = ami.notifies().size();
        Transcript out = ScriptedAsterisk.call("hotdesk-logout").fromEndpoint(DESK).dialled("*71").run(server.agiPort());

        // then the desk is idle again everywhere
        assertThat(out.variable("HOTDESK_RESULT")).isEqualTo("LOGGED_OUT");
        assertThat(ari.object("endpoint", DESK).orElseThrow()).containsEntry("context", "hotdesk-idle")
                .containsEntry("accountcode", "").containsEntry("mailboxes", "");
        assertThat(ari.object("endpoint", DESK).orElseThrow().get("callerid")).contains("Desk 4.12");
        assertThat(ari.object("endpoint", "101").orElseThrow().get("aors")).isEqualTo("101");
        assertThat(ami.astdb()).doesNotContainKey("/hotdesk/desk/" + DESK + "/occupant");
        await().atMost(PATIENCE).until(() -> checkSyncsTo(DESK, notifiesAtLogout) >= 1);
        awaitSettled();
        assertThat(ami.notifies().subList(notifiesAtLogout, ami.notifies().size()))
                .containsExactly(new FakeAmi.Notify(DESK, CHECK_SYNC));
        assertThat(fetchConfig()).contains("account.1.label = Desk 4.12").doesNotContain("Alice");
        JsonNode status = json.readTree(cli("status", "--json"));
        assertThat(status.toString()).doesNotContain("\"101\"");
    }

    @Test
    void a_wrong_pin_three_times_changes_nothing_and_a_hang_up_mid_prompt_writes_nothing() throws Exception {
        // given
        addAliceAndTheDesk();
        startServerAndAwaitTheIdleDesk();
        await().atMost(PATIENCE).until(() -> ari.object("endpoint", "101").isPresent());
        awaitSettled();
        int before = ari.requestCount();
        int notifies = ami.notifies().size();

        // when a caller gets the PIN wrong three times, then another hangs up during the PIN prompt
        Transcript wrong = ScriptedAsterisk.call("hotdesk-login").fromEndpoint(DESK).args("101")
                .enters("1111").enters("2222").enters("3333").run(server.agiPort());
        Transcript hungUp = ScriptedAsterisk.call("hotdesk-login").fromEndpoint(DESK).args("101")
                .hangsUp().run(server.agiPort());

        // then nothing in Asterisk changed and nobody sits at the desk
        assertThat(wrong.variable("HOTDESK_RESULT")).isEqualTo("BAD_PIN");
        assertThat(hungUp.closedByServer()).isTrue();
        assertThat(touchedObjects(before)).isEmpty();
        assertThat(ami.notifies()).hasSize(notifies);
        assertThat(ari.object("endpoint", DESK).orElseThrow()).containsEntry("context", "hotdesk-idle");
        assertThat(cli("status", "--json")).doesNotContain("\"101\"");
        assertThat(fetchConfig()).doesNotContain("Alice");
    }

    @Test
    void otp_login_of_a_second_user_logs_the_first_out_of_the_desk() throws Exception {
        // given Alice sits at the desk
        addAliceAndTheDesk();
        cli("user", "add", "102", "--name", "Bob Example", "--pin", "3691");
        startServerAndAwaitTheIdleDesk();
        assertThat(ScriptedAsterisk.call("hotdesk-login").fromEndpoint(DESK).args("101").enters("3865")
                .run(server.agiPort()).variable("HOTDESK_RESULT")).isEqualTo("OK");
        String code = cli("otp", "issue", "102").strip();
        assertThat(code).matches("\\d{6}");

        // when Bob dials 00*<code># at the same desk
        Transcript t = ScriptedAsterisk.call("hotdesk-otp").fromEndpoint(DESK).dialled("00*" + code + "#").args(code)
                .run(server.agiPort());

        // then Bob has the desk and Alice's calls no longer ring there
        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK");
        assertThat(ari.object("endpoint", DESK).orElseThrow()).containsEntry("callerid", "\"Bob Example\" <102>")
                .containsEntry("accountcode", "102");
        assertThat(ari.object("endpoint", "102").orElseThrow().get("aors")).isEqualTo(DESK + ",102");
        assertThat(ari.object("endpoint", "101").orElseThrow().get("aors")).isEqualTo("101");
        assertThat(ami.astdb()).containsEntry("/hotdesk/desk/" + DESK + "/occupant", "102")
                .doesNotContainKey("/hotdesk/user/101/desk");
        assertThat(fetchConfig()).contains("Bob Example").doesNotContain("Alice");
        JsonNode status = json.readTree(cli("status", "--json"));
        assertThat(status.toString()).contains("102").doesNotContain("\"101\"");

        // and the code cannot be used twice
        Transcript again = ScriptedAsterisk.call("hotdesk-otp").fromEndpoint(DESK).args(code).run(server.agiPort());
        assertThat(again.variable("HOTDESK_RESULT")).isEqualTo("BAD_PIN");
    }

    // ---- Asterisk misbehaving

    @Test
    void an_asterisk_restart_is_followed_by_a_full_push_of_every_desk_and_user() {
        // given Alice sits at the desk
        addAliceAndTheDesk();
        startServerAndAwaitTheIdleDesk();
        assertThat(ScriptedAsterisk.call("hotdesk-login").fromEndpoint(DESK).args("101").enters("3865")
                .run(server.agiPort()).variable("HOTDESK_RESULT")).isEqualTo("OK");
        awaitSettled();
        assertThat(checkSyncsTo(DESK, 0)).isEqualTo(1);
        int notifies = ami.notifies().size();

        // when Asterisk restarts: ARI-pushed objects vanish, AMI sees Shutdown, then FullyBooted again
        ari.restart();
        ami.restart();

        // then every object is pushed again with the current occupant
        awaitEndpoint(DESK, ep -> "\"Alice Example\" <101>".equals(ep.get("callerid")));
        await().atMost(PATIENCE).until(() -> ari.object("endpoint", "101").map(e -> e.get("aors")).orElse(""),
                aors -> aors.equals(DESK + ",101"));
        assertThat(ari.object("auth", DESK + "-auth")).isPresent();
        assertThat(ari.object("aor", DESK)).isPresent();
        assertThat(ari.object("auth", "101-auth")).isPresent();
        // and the phone, whose config did not change, is not told again
        await().atMost(PATIENCE).until(() -> ami.logins() >= 2);
        awaitSettled();
        assertThat(ami.notifies()).hasSize(notifies);
    }

    @Test
    void the_start_pushes_every_desk_and_user_once_although_asterisk_finishes_booting_after_the_first_pass() {
        // given Asterisk accepts the AMI login but sends FullyBooted only later (it is still booting)
        addAliceAndTheDesk();
        ami.startBooting();
        startServerAndAwaitTheIdleDesk(); // the first pass pushed everything
        int before = ami.actions().size();

        // when Asterisk finishes booting: the link's first FullyBooted
        ami.finishBooting();
        await().atMost(PATIENCE).until(() -> ami.actions().subList(before, ami.actions().size()).contains("PJSIPShowContacts"));
        awaitSettled();

        // then nothing was pushed a second time
        assertThat(putsPerObject()).isNotEmpty().allSatisfy((object, puts) -> assertThat(puts).as(object).isEqualTo(1));
    }

    @Test
    void an_ami_reconnect_to_an_asterisk_that_kept_running_pushes_nothing_again() {
        // given Asterisk has run for an hour and everything is pushed
        ami.bootedAgo(Duration.ofHours(1));
        addAliceAndTheDesk();
        startServerAndAwaitTheIdleDesk();
        await().atMost(PATIENCE).until(() -> ami.actions().contains("PJSIPShowContacts"));
        int requests = ari.requestCount();

        // when the AMI connection drops and comes back (a network blip, manager reload)
        ami.dropConnections();
        await().atMost(PATIENCE).until(() -> ami.logins() == 2 && server.amiConnected()
                && ami.actions().stream().filter("PJSIPShowContacts"::equals).count() == 2);
        awaitSettled();

        // then nothing is pushed again: the objects are still in Asterisk
        assertThat(touchedObjects(requests)).isEmpty();
        assertThat(putsPerObject()).allSatisfy((object, puts) -> assertThat(puts).as(object).isEqualTo(1));
    }

    @Test
    void a_login_asterisk_missed_is_notified_once_when_the_reconciler_applies_it() {
        // given
        addAliceAndTheDesk();
        startServerAndAwaitTheIdleDesk();
        awaitSettled();
        int notifies = ami.notifies().size();

        // when ARI is down during the login and comes back
        ari.down();
        assertThat(ScriptedAsterisk.call("hotdesk-login").fromEndpoint(DESK).args("101").enters("3865")
                .run(server.agiPort()).variable("HOTDESK_RESULT")).isEqualTo("OK_PENDING");
        ari.up();

        // then the retries that finally push it tell the phone once
        awaitEndpoint(DESK, ep -> "\"Alice Example\" <101>".equals(ep.get("callerid")));
        await().atMost(PATIENCE).until(() -> checkSyncsTo(DESK, notifies) >= 1);
        awaitSettled();
        assertThat(ami.notifies().subList(notifies, ami.notifies().size())).containsExactly(new FakeAmi.Notify(DESK, CHECK_SYNC));
    }

    @Test
    void a_login_during_an_ari_outage_succeeds_for_the_caller_and_is_applied_when_asterisk_is_back() {
        // given
        addAliceAndTheDesk();
        startServerAndAwaitTheIdleDesk();

        // when ARI is down during the login
        ari.down();
        Transcript t = ScriptedAsterisk.call("hotdesk-login").fromEndpoint(DESK).args("101").enters("3865")
                .run(server.agiPort());
        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK_PENDING");
        assertThat(cli("status", "--json")).contains("101");
        ari.up();

        // then the reconciler heals it
        awaitEndpoint(DESK, ep -> "\"Alice Example\" <101>".equals(ep.get("callerid")));
        await().atMost(PATIENCE).until(() -> ari.object("endpoint", "101").map(e -> e.get("aors")).orElse(""),
                aors -> aors.equals(DESK + ",101"));
    }

    @Test
    void by_default_the_caller_hears_ok_once_the_login_is_committed_and_asterisk_takes_it_after() {
        // given the default agi.apply-wait (0s), and an Asterisk that holds every ARI request for now
        settings.remove("agi.apply-wait");
        addAliceAndTheDesk();
        startServerAndAwaitTheIdleDesk();
        awaitSettled();
        ari.hold();
        try {
            // when the user logs in
            Transcript t = ScriptedAsterisk.call("hotdesk-login").fromEndpoint(DESK).args("101").enters("3865")
                    .run(server.agiPort());

            // then the caller heard OK before Asterisk took anything, and the ledger has it
            assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK");
            assertThat(ari.object("endpoint", DESK).orElseThrow().get("callerid")).isNotEqualTo("\"Alice Example\" <101>");
            assertThat(cli("status", "--json")).contains("101");
        } finally {
            ari.release();
        }
        // and Asterisk takes it once it answers
        awaitEndpoint(DESK, ep -> "\"Alice Example\" <101>".equals(ep.get("callerid")));
        await().atMost(PATIENCE).until(() -> ari.object("endpoint", "101").map(e -> e.get("aors")).orElse(""),
                aors -> aors.equals(DESK + ",101"));
    }

    @Test
    void by_default_a_login_while_asterisk_is_known_to_be_down_is_ok_pending_and_applied_when_it_is_back() {
        // given the default agi.apply-wait (0s), and ARI down long enough for a push to have failed
        settings.remove("agi.apply-wait");
        cli("user", "add", "102", "--name", "Bob", "--pin", "5921");
        addAliceAndTheDesk();
        startServerAndAwaitTheIdleDesk();
        awaitSettled();
        ari.down();
        assertThat(ScriptedAsterisk.call("hotdesk-login").fromEndpoint(DESK).args("102").enters("5921")
                .run(server.agiPort()).variable("HOTDESK_RESULT")).as("nothing failed yet: Asterisk took the last push")
                .isEqualTo("OK");
        await().atMost(PATIENCE).until(() -> cli("status").contains("FAILED"));

        // when Alice logs in
        Transcript t = ScriptedAsterisk.call("hotdesk-login").fromEndpoint(DESK).args("101").enters("3865")
                .run(server.agiPort());

        // then she hears the phone follows later, and it does once ARI is back
        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK_PENDING");
        ari.up();
        awaitEndpoint(DESK, ep -> "\"Alice Example\" <101>".equals(ep.get("callerid")));
        await().atMost(PATIENCE).until(() -> ari.object("endpoint", "101").map(e -> e.get("aors")).orElse(""),
                aors -> aors.equals(DESK + ",101"));
    }

    @Test
    void a_caller_is_not_kept_waiting_by_a_slow_asterisk_and_the_login_lands_when_it_answers() {
        // given Asterisk answers ARI only after 1.5 s, longer than a caller is kept waiting (agi.apply-wait)
        settings.put("agi.apply-wait", "200ms");
        settings.put("ari.timeout", "10s");
        addAliceAndTheDesk();
        startServerAndAwaitTheIdleDesk();
        awaitSettled();
        ari.slow(Duration.ofMillis(1500));

        // when the user logs in
        Transcript t = ScriptedAsterisk.call("hotdesk-login").fromEndpoint(DESK).args("101").enters("3865")
                .run(server.agiPort());

        // then the caller hears that the phone will update shortly, and it does
        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK_PENDING");
        assertThat(cli("status", "--json")).contains("101");
        awaitEndpoint(DESK, ep -> "\"Alice Example\" <101>".equals(ep.get("callerid")));
        await().atMost(PATIENCE).until(() -> ari.object("endpoint", "101").map(e -> e.get("aors")).orElse(""),
                aors -> aors.equals(DESK + ",101"));
    }

    @Test
    void a_user_whose_extension_is_in_pjsip_conf_still_gets_the_desk_and_status_names_what_asterisk_refused()
            throws Exception {
        // given 101 is defined in pjsip.conf, where ARI cannot change it (403)
        ari.configObject("endpoint", "101", Map.of("context", "internal", "aors", "101"));
        addAliceAndTheDesk();
        startServerAndAwaitTheIdleDesk();

        // when Alice logs in at the desk
        Transcript t = ScriptedAsterisk.call("hotdesk-login").fromEndpoint(DESK).args("101").enters("3865")
                .run(server.agiPort());

        // then the desk is hers (caller ID, context), her pjsip.conf endpoint is untouched, and status says why
        // calls to 101 do not ring the desk
        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK_PENDING");
        assertThat(ari.object("endpoint", DESK).orElseThrow()).containsEntry("callerid", "\"Alice Example\" <101>");
        assertThat(ari.object("endpoint", "101").orElseThrow()).containsEntry("aors", "101");
        JsonNode desk = json.readTree(cli("status", "--json")).get(0);
        assertThat(desk.get("inSync").asBoolean()).isFalse();
        assertThat(desk.get("lastError").isNull()).isTrue();
        assertThat(desk.get("occupantError").asText()).contains("403");
        assertThat(cli("status")).contains("FAILED for 101:");
    }

    @Test
    void the_server_starts_and_serves_logins_while_asterisk_is_unreachable() {
        // given Asterisk is down when the server starts
        addAliceAndTheDesk();
        ari.down();
        ami.down();
        startServer();

        // when someone logs in
        Transcript t = ScriptedAsterisk.call("hotdesk-login").fromEndpoint(DESK).args("101").enters("3865")
                .run(server.agiPort());
        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK_PENDING");

        // then it is all applied once Asterisk comes up
        ari.up();
        ami.up();
        awaitEndpoint(DESK, ep -> "\"Alice Example\" <101>".equals(ep.get("callerid")));
        await().atMost(PATIENCE).until(server::amiConnected);
        await().atMost(PATIENCE).until(() -> ami.astdb().getOrDefault("/hotdesk/desk/" + DESK + "/occupant", ""),
                v -> v.equals("101"));
    }

    // ---- the CLI and the running server meet in the ledger

    @Test
    void what_the_cli_changes_while_the_server_runs_is_applied_by_the_server() {
        // given a running server with Alice at the desk
        addAliceAndTheDesk();
        settings.remove("reconcile.interval"); // the shipped default: what the CLI user would see
        startServer();
        awaitEndpoint(DESK, ep -> "hotdesk-idle".equals(ep.get("context")));
        assertThat(ScriptedAsterisk.call("hotdesk-login").fromEndpoint(DESK).args("101").enters("3865")
                .run(server.agiPort()).variable("HOTDESK_RESULT")).isEqualTo("OK");

        // when an admin forces a logout and adds another desk from the CLI
        cli("logout", "--device", "0015651234ab");
        cli("device", "add", "00-15-65-aa-bb-cc", "--model", "T46U", "--label", "Desk 5.01");

        // then the server applies both without being told
        awaitEndpoint(DESK, ep -> "hotdesk-idle".equals(ep.get("context")));
        awaitEndpoint("hd-001565aabbcc", ep -> "hotdesk-idle".equals(ep.get("context")));
        await().atMost(PATIENCE).until(() -> ari.object("endpoint", "101").map(e -> e.get("aors")).orElse(""),
                aors -> aors.equals("101"));

        // and removing the desk removes its objects from Asterisk
        cli("device", "remove", "001565aabbcc");
        await().atMost(PATIENCE).until(() -> ari.object("endpoint", "hd-001565aabbcc").isEmpty()
                && ari.object("aor", "hd-001565aabbcc").isEmpty() && ari.object("auth", "hd-001565aabbcc-auth").isEmpty());
    }

    @Test
    void a_phone_that_is_not_a_hot_desk_is_refused_and_an_unknown_mac_gets_a_plain_404() throws Exception {
        cli("device", "add", MAC, "--model", "T54W", "--label", "Desk 4.12");
        startServer();

        Transcript t = ScriptedAsterisk.call("hotdesk-login").fromEndpoint("201").args("101").enters("3865")
                .run(server.agiPort());
        HttpResponse<String> unknown = get("/provision/001565999999.cfg", "Yealink SIP-T54W 96.86.0.100 00:15:65:99:99:99");

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("NOT_A_DESK");
        assertThat(t.prompted()).isEmpty();
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void fetches_served_just_before_a_stop_are_in_the_ledger_after_it() throws Exception {
        // given
        addAliceAndTheDesk();
        startServer();

        // when: fetches, then the stop at once (serve's SIGTERM path closes the server)
        for (int i = 0; i < 5; i++) {
            fetchConfig();
        }
        server.close();
        server = null;

        // then
        try (hotdesk.store.Database db = hotdesk.store.Database.open(
                hotdesk.store.DatabaseSettings.h2(dir.resolve("ledger")));
             java.sql.Connection c = db.dataSource().getConnection();
             java.sql.Statement st = c.createStatement()) {
            java.sql.ResultSet fetches = st.executeQuery("SELECT COUNT(*) FROM config_fetches WHERE mac = '0015651234ab'");
            fetches.next();
            assertThat(fetches.getLong(1)).isBetween(1L, 5L);
            // every fetch is accounted for: a line each, or coalesced lines that count them
            java.sql.ResultSet audit = st.executeQuery("SELECT occurred_at, actor, action, subject, detail FROM audit_log"
                    + " WHERE action = 'provision.fetch'");
            java.util.List<hotdesk.core.model.AuditEntry> lines = new java.util.ArrayList<>();
            while (audit.next()) {
                lines.add(new hotdesk.core.model.AuditEntry(audit.getTimestamp(1).toInstant(), audit.getString(2),
                        audit.getString(3), audit.getString(4), audit.getString(5)));
            }
            assertThat(hotdesk.testing.AuditLines.accounted(lines, "provision.fetch")).isEqualTo(5);
        }
    }

    // ---- helpers

    /** Alice (101, PIN 3865) and the desk (label "Desk 4.12"), added with the CLI. */
    private void addAliceAndTheDesk() {
        cli("user", "add", "101", "--name", "Alice Example", "--pin", "3865");
        cli("device", "add", MAC, "--model", "T54W", "--label", "Desk 4.12");
    }

    private void startServerAndAwaitTheIdleDesk() {
        startServer();
        awaitEndpoint(DESK, ep -> "hotdesk-idle".equals(ep.get("context")));
        // the first pass pushes the users too: wait for all of it, so what a test counts afterwards is its own
        awaitSettled();
    }

    private void startServer() {
        Config config = Config.load(null, Map.of(), settings);
        server = new Server(config);
        server.start();
    }

    /** Runs one CLI command on the same ledger file; fails the test on a non-zero exit. */
    private String cli(String... command) {
        return CliRun.ok(settings, command);
    }

    /** AMI is up and the push that follows its first FullyBooted is done: nothing is in flight. */
    private void awaitSettled() {
        await().atMost(PATIENCE).until(() -> server.amiConnected() && ami.logins() >= 1 && server.reconcile().idle());
    }

    private void awaitEndpoint(String id, java.util.function.Predicate<Map<String, String>> condition) {
        await().atMost(PATIENCE).until(() -> ari.object("endpoint", id), o -> o.isPresent() && condition.test(o.get()));
    }

    /** How often each object ("type/id") was written since the start. */
    private Map<String, Long> putsPerObject() {
        return ari.requests().stream().filter(r -> r.method().equals("PUT"))
                .collect(java.util.stream.Collectors.groupingBy(r -> r.path().replaceFirst("^/ari/asterisk/config/dynamic/res_pjsip/", ""),
                        java.util.stream.Collectors.counting()));
    }

    /** "type/id" of every object written or deleted since request number {@code from}. */
    private Set<String> touchedObjects(int from) {
        return ari.requests().subList(from, ari.requestCount()).stream()
                .filter(r -> !r.method().equals("GET"))
                .map(r -> r.path().replaceFirst("^/ari/asterisk/config/dynamic/res_pjsip/", ""))
                .collect(Collectors.toSet());
    }

    private long checkSyncsTo(String endpoint, int from) {
        var all = ami.notifies();
        return all.subList(from, all.size()).stream()
                .filter(n -> n.endpoint().equals(endpoint) && n.event().equals(CHECK_SYNC)).count();
    }

    private String fetchConfig() throws Exception {
        HttpResponse<String> r = get("/provision/0015651234ab.cfg", YEALINK_UA);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private HttpResponse<String> get(String path, String userAgent) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.provisioningPort() + path))
                .header("User-Agent", userAgent).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
