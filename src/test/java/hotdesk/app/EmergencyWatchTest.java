package hotdesk.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hotdesk.core.model.AuditEntry;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import hotdesk.testing.FakeAmi;
import hotdesk.testing.FakeAri;
import hotdesk.testing.LogCapture;
import hotdesk.testing.ScriptedAsterisk;
import hotdesk.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The emergency watch of a running server, through real sockets: a fake Asterisk sends the emergency
 * route's {@code HotdeskEmergency} user event as Asterisk 22 does; the server logs it, audits it with
 * the desk's occupant from the ledger and posts it, signed, to a webhook receiver on loopback.
 */
class EmergencyWatchTest {

    private static final String MAC = "00:15:65:12:34:AB";
    private static final String DESK = "hd-0015651234ab";
    private static final String WEBHOOK_SECRET = "watch-webhook-secret-0123456789";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final FakeAri ari = new FakeAri("hotdesk", "ari-test-password");
    private final FakeAmi ami = new FakeAmi("hotdesk", "ami-test-secret");
    private final ObjectMapper json = new ObjectMapper();
    private WebhookReceiver receiver;
    private Map<String, String> settings;
    private Server server;
    private int channels;

    @BeforeEach
    void setUp() throws Exception {
        ami.user("hotdesk", "ami-test-secret", "system,user", "system,reporting");
        ami.start();
        receiver = new WebhookReceiver();
        settings = PeerSettings.of(dir.resolve("ledger"), ari, "ari-test-password", ami, "ami-test-secret");
        settings.put("security.pin-iterations", "1000");
        settings.put("reconcile.interval", "100ms");
        settings.put("node.name", "watch");
        settings.put("emergency.webhook-url", receiver.url("/hooks/emergency").toString());
        settings.put("emergency.webhook-secret", WEBHOOK_SECRET);
        CliRun.ok(settings, "user", "add", "101", "--name", "Alice Example", "--pin", "3865");
        CliRun.ok(settings, "device", "add", MAC, "--model", "T54W", "--elin", "+15551230314");
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
        receiver.close();
        ami.close();
        ari.close();
    }

    private void startServer() {
        server = new Server(Config.load(null, Map.of(), settings));
        server.start();
        await().atMost(PATIENCE).until(() -> server.amiConnected() && server.reconcile().idle());
    }

    /** What the emergency route's UserEvent looks like on the wire (recorded from Asterisk 22.10.1). */
    private void emergencyEvent(String desk, String number, String test) {
        String channel = "PJSIP/" + desk + "-" + String.format("%08x", ++channels);
        Map<String, String> body = new LinkedHashMap<>();
        body.put("Desk", desk);
        body.put("Number", number);
        body.put("ELIN", "+15551230314");
        body.put("Where", "HQ Bldg 2 Fl 3 Rm 301 - Desk 3-01");
        body.put("Civic", "country=US,A1=CA,A3=San Jose,RD=Main,STS=St,HNO=100,FLR=3,ROOM=301");
        body.put("Channel", channel);
        body.put("Test", test);
        ami.userEvent(FakeAmi.channelSnapshot(channel, "hotdesk-emergency", number, "1796150733." + channels,
                "1796150733." + channels, "+15551230314", "HQ Bldg 2 Fl 3 Rm 301 - Desk 3-01"), "HotdeskEmergency", body);
    }

    private List<AuditEntry> audit() {
        try (Database db = Database.open(DatabaseSettings.h2(dir.resolve("ledger")))) {
            return db.ledger().read(tx -> tx.auditTail(50));
        }
    }

    @Test
    void a_call_from_an_occupied_desk_is_logged_at_error_audited_with_the_occupant_and_posted_signed() throws Exception {
        startServer();
        ScriptedAsterisk.Transcript login = ScriptedAsterisk.call("hotdesk-login").fromEndpoint(DESK).dialled("*70101")
                .args("101").enters("3865").run(server.agiPort());
        assertThat(login.variable("HOTDESK_RESULT")).isIn("OK", "OK_PENDING");

        try (LogCapture log = LogCapture.of("hotdesk")) {
            emergencyEvent(DESK, "911", "no");

            await().atMost(PATIENCE).until(() -> receiver.posts().size() == 1);
            WebhookReceiver.Post post = receiver.posts().get(0);
            assertThat(WebhookReceiver.signatureValid(post, WEBHOOK_SECRET)).isTrue();
            JsonNode body = json.readTree(post.body());
            assertThat(body.get("event").asText()).isEqualTo("emergency.call");
            assertThat(body.get("test").asBoolean()).isFalse();
            assertThat(body.get("desk").asText()).isEqualTo(DESK);
            assertThat(body.get("number").asText()).isEqualTo("911");
            assertThat(body.get("elin").asText()).isEqualTo("+15551230314");
            assertThat(body.get("where").asText()).isEqualTo("HQ Bldg 2 Fl 3 Rm 301 - Desk 3-01");
            assertThat(body.get("civic").asText()).isEqualTo("country=US,A1=CA,A3=San Jose,RD=Main,STS=St,HNO=100,FLR=3,ROOM=301");
            assertThat(body.get("channel").asText()).isEqualTo("PJSIP/" + DESK + "-00000001");
            assertThat(body.get("call_id").asText()).isEqualTo("1796150733.1");
            assertThat(body.get("occupant").get("extension").asText()).isEqualTo("101");
            assertThat(body.get("occupant").get("name").asText()).isEqualTo("Alice Example");
            assertThat(body.get("node").asText()).isEqualTo("watch");
            assertThat(log.lines()).filteredOn(l -> l.startsWith("ERROR")).singleElement().asString()
                    .isEqualTo("ERROR EMERGENCY CALL from desk " + DESK + ": dialled 911, ELIN +15551230314, where 'HQ Bldg 2 Fl 3"
                            + " Rm 301 - Desk 3-01', occupant 101 (Alice Example), channel PJSIP/" + DESK + "-00000001");
            assertThat(log.lines()).noneMatch(l -> l.contains(WEBHOOK_SECRET));
        }
        assertThat(audit()).anySatisfy(a -> {
            assertThat(a.action()).isEqualTo("emergency.call");
            assertThat(a.subject()).isEqualTo(DESK);
            assertThat(a.detail()).contains("number=911", "occupant=101");
        });
    }

    @Test
    void a_test_call_is_logged_at_info_and_posted_as_a_test_and_other_user_events_are_ignored() throws Exception {
        startServer();

        try (LogCapture log = LogCapture.of("hotdesk")) {
            ami.userEvent(FakeAmi.channelSnapshot("PJSIP/x-1", "sales", "s", "1.1", "1.1", "", ""), "QueueStats",
                    Map.of("Desk", DESK, "Number", "911"));
            emergencyEvent(DESK, "112", "yes");

            await().atMost(PATIENCE).until(() -> receiver.posts().size() == 1);
            JsonNode body = json.readTree(receiver.posts().get(0).body());
            assertThat(body.get("test").asBoolean()).isTrue();
            assertThat(body.get("event").asText()).isEqualTo("emergency.test");
            assertThat(body.get("occupant").isNull()).isTrue();
            assertThat(log.lines()).noneMatch(l -> l.startsWith("ERROR"))
                    .anyMatch(l -> l.startsWith("INFO emergency TEST call from desk " + DESK + ": dialled 112"));
        }
        assertThat(audit()).anySatisfy(a -> assertThat(a.action()).isEqualTo("emergency.test"));
    }

    @Test
    void a_hanging_webhook_never_holds_up_the_ami_reader_nor_the_next_announcements() throws Exception {
        receiver.hold();
        startServer();

        try (LogCapture log = LogCapture.of("hotdesk")) {
            emergencyEvent(DESK, "911", "no");
            await().atMost(PATIENCE).until(() -> receiver.posts().size() == 1); // held: the POST thread is stuck
            emergencyEvent(DESK, "112", "no");
            emergencyEvent(DESK, "999", "no");

            await().atMost(PATIENCE).until(() -> log.lines().stream().filter(l -> l.startsWith("ERROR EMERGENCY CALL")).count() == 3);
            assertThat(server.amiConnected()).isTrue();
        }
        receiver.release();
        await().atMost(PATIENCE).until(() -> receiver.posts().size() == 3);
    }

    @Test
    void an_ami_reconnect_replays_and_invents_nothing() throws Exception {
        startServer();
        emergencyEvent(DESK, "911", "no");
        await().atMost(PATIENCE).until(() -> receiver.posts().size() == 1);
        int logins = ami.logins();

        ami.restart();
        await().atMost(PATIENCE).until(() -> ami.logins() > logins && server.amiConnected());
        emergencyEvent(DESK, "112", "no");

        await().atMost(PATIENCE).until(() -> receiver.posts().size() >= 2);
        // the reader and the POST thread keep order: a replay at the reconnect would have come first
        assertThat(receiver.posts()).hasSize(2);
        assertThat(json.readTree(receiver.posts().get(1).body()).get("number").asText()).isEqualTo("112");
        assertThat(audit()).filteredOn(a -> a.action().equals("emergency.call")).hasSize(2);
    }

    @Test
    void the_start_up_log_shows_the_webhook_url_without_its_query_and_never_the_secret() {
        settings.put("emergency.webhook-url", "https://alerts.example.org/hook?token=query-token-4711");

        List<String> described = Config.load(null, Map.of(), settings).describe();

        assertThat(described).anySatisfy(l -> assertThat(l).startsWith("emergency.webhook-url = https://alerts.example.org/hook?****"))
                .anySatisfy(l -> assertThat(l).startsWith("emergency.webhook-secret = ****"))
                .noneMatch(l -> l.contains("query-token-4711") || l.contains(WEBHOOK_SECRET));
    }

    @Test
    void a_bad_webhook_setting_stops_the_start_naming_the_key() {
        settings.put("emergency.webhook-url", "http://192.0.2.10/hook");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Server.validate(Config.load(null, Map.of(), settings))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("emergency.webhook-url must be https://");

        settings.put("emergency.webhook-url", "https://alerts.example.org/hook");
        settings.put("emergency.webhook-secret", "");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Server.validate(Config.load(null, Map.of(), settings))))
                .hasMessageStartingWith("emergency.webhook-secret must be set");

        settings.put("emergency.webhook-secret", "ami-test-secret-long-enough");
        settings.put("ami.secret", "ami-test-secret-long-enough");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Server.validate(Config.load(null, Map.of(), settings))))
                .hasMessage("emergency.webhook-secret must not be the ami.secret: the webhook's receiver would learn it");

        settings.put("emergency.webhook-url", "");
        settings.put("emergency.webhook-timeout", "5 s");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Server.validate(Config.load(null, Map.of(), settings))))
                .hasMessageStartingWith("emergency.webhook-timeout must be a duration");
    }
}
