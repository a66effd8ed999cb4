package hotdesk.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hotdesk.cli.ExitCodes;
import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Mac;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import hotdesk.testing.AmiWire;
import hotdesk.testing.AmiWire.Message;
import hotdesk.testing.LogCapture;
import hotdesk.testing.RealAsterisk;
import hotdesk.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Emergency calls announced, on a real Asterisk 22.10.1 from the test kit: the dialplan sends the
 * {@code HotdeskEmergency} user event and a running hotdesk logs, audits and posts it; {@code hotdesk
 * emergency test} places its test call and reads what the answering side received.
 *
 * <p>Everything is the generated dialplan: the real call is a SIP call of the desk (SIPp with the desk's
 * account) to 911, which the kit routes to its answering {@code [test-emergency]}
 * ({@code HOTDESK_EMERGENCY_CONTEXT}); the test call goes through {@code hotdesk-emergency-test} and its
 * answer side. RealEmergencyRouteTest covers the trunk, the location and the security desk.
 */
class RealEmergencyTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String MAC = "00:15:65:fe:ed:20";
    private static final String DESK = Mac.parse(MAC).endpointId();
    private static final String ELIN = "+15551230020";
    /** Where the desk is and its civic location, as hotdesk computes them from its site and its own fields (read back below). */
    private static String WHERE;
    private static String CIVIC;
    private static final String WEBHOOK_SECRET = "real-webhook-secret-0123456789";

    @TempDir
    static Path work;
    private static RealAsterisk asterisk;
    private static Map<String, String> settings;

    private final ObjectMapper json = new ObjectMapper();
    private Server server;
    private WebhookReceiver receiver;

    @BeforeAll
    static void startAsterisk() throws IOException {
        RealAsterisk.assumeKit();
        settings = KitSettings.of(work, "real-emergency");
        asterisk = KitSettings.startAsterisk(work.resolve("asterisk"), settings, conf -> { });
        // the desk's location comes from the ledger (its site and its own fields) and hotdesk pushes it to AstDB
        CliRun.ok(settings, "site", "add", "HQ", "--country", "US", "--state", "CA", "--city", "San Jose", "--street", "Main St",
                "--number", "100");
        CliRun.ok(settings, "device", "add", MAC, "--model", "T54W", "--label", "Desk E1", "--elin", ELIN, "--site", "HQ");
        CliRun.ok(settings, "device", "location", MAC, "--floor", "3", "--room", "301");
        String status = CliRun.ok(settings, "status", "--json");
        WHERE = field(status, "where");
        CIVIC = field(status, "civic");
        assertThat(CIVIC).contains("country=US").contains("FLR=3").contains("ROOM=301").contains("San Jose");
        assertThat(WHERE).contains("Desk E1");
    }

    private static String field(String json, String name) {
        try {
            return new ObjectMapper().readTree(json).get(0).get(name).asText();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopAsterisk() {
        if (asterisk != null) {
            asterisk.close();
        }
    }

    @AfterEach
    void stopHotdesk() {
        if (server != null) {
            server.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private static AmiWire loggedIn(String user, String secret) {
        AmiWire ami = new AmiWire("127.0.0.1", asterisk.amiPort());
        Message login = ami.login(user, secret, "user");
        assertThat(login.get("Response")).as("login of %s: %s", user, login).isEqualTo("Success");
        return ami;
    }

    private void startHotdesk() {
        receiver = new WebhookReceiver();
        Map<String, String> s = new LinkedHashMap<>(settings);
        s.put("emergency.webhook-url", receiver.url("/hooks/emergency").toString());
        s.put("emergency.webhook-secret", WEBHOOK_SECRET);
        server = new Server(Config.load(null, Map.of(), s));
        server.start();
        await().atMost(PATIENCE).until(() -> server.amiConnected() && server.reconcile().idle());
    }

    /** The desk itself calls {@code number} (SIPp with the desk's account, as its phone would). */
    private static void deskCalls(String number) {
        String secret = new hotdesk.ari.AriClient(new hotdesk.ari.AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER,
                AsteriskContract.ARI_PASSWORD, Duration.ofSeconds(5))).get("auth", DESK + "-auth").orElseThrow().get("password");
        hotdesk.testing.RealAsterisk.Result r = hotdesk.testing.SippCall.from(DESK, secret, number).run(asterisk, work.resolve("sipp"));
        assertThat(r.exit()).as("the kit's emergency context answered: %s", r.output()).isZero();
    }

    @Test
    void a_running_hotdesk_logs_audits_and_posts_the_emergency_event_the_real_asterisk_sends() throws Exception {
        startHotdesk();
        try (LogCapture log = LogCapture.of("hotdesk")) {
            deskCalls("911");

            await().atMost(PATIENCE).until(() -> receiver.posts().size() == 1);
            WebhookReceiver.Post post = receiver.posts().get(0);
            assertThat(WebhookReceiver.signatureValid(post, WEBHOOK_SECRET)).isTrue();
            JsonNode body = json.readTree(post.body());
            assertThat(body.get("event").asText()).isEqualTo("emergency.call");
            assertThat(body.get("test").asBoolean()).isFalse();
            assertThat(body.get("desk").asText()).isEqualTo(DESK);
            assertThat(body.get("number").asText()).isEqualTo("911");
            assertThat(body.get("elin").asText()).isEqualTo(ELIN);
            assertThat(body.get("where").asText()).isEqualTo(WHERE);
            assertThat(body.get("civic").asText()).isEqualTo(CIVIC);
            // the desk's own channel, whose unique id is the call's id
            assertThat(body.get("channel").asText()).startsWith("PJSIP/" + DESK + "-");
            assertThat(body.get("call_id").asText()).matches("[0-9]+\\.[0-9]+");
            assertThat(body.get("occupant").isNull()).isTrue();
            assertThat(body.get("occupant_known").asBoolean()).isTrue();
            assertThat(log.lines()).anyMatch(l -> l.startsWith("ERROR EMERGENCY CALL from desk " + DESK + ": dialled 911, ELIN "
                    + ELIN + ", where '" + WHERE + "', no occupant, channel PJSIP/" + DESK + "-"));
        }
        try (Database db = Database.open(DatabaseSettings.h2(work.resolve("ledger")))) {
            List<AuditEntry> audit = db.ledger().read(tx -> tx.auditTail(20));
            assertThat(audit).anySatisfy(a -> {
                assertThat(a.action()).isEqualTo("emergency.call");
                assertThat(a.subject()).isEqualTo(DESK);
                assertThat(a.detail()).contains("number=911", "elin=" + ELIN);
            });
        }
    }

    @Test
    void emergency_test_shows_what_the_answering_side_of_the_real_asterisk_received_and_hotdesk_posts_it_as_a_test()
            throws Exception {
        startHotdesk();
        // hotdesk pushed the desk's ELIN into AstDB: the route reads it from there
        await().atMost(PATIENCE).until(() -> {
            try (AmiWire ami = loggedIn(AsteriskContract.AMI_USER, AsteriskContract.AMI_SECRET)) {
                Message get = ami.action("DBGet", Map.of("Family", "hotdesk", "Key", "desk/" + DESK + "/elin"));
                return "Success".equals(get.get("Response"));
            }
        });

        CliRun text = CliRun.of(settings, Map.of(), "emergency", "test", "--desk", MAC);
        CliRun asJson = CliRun.of(settings, Map.of(), "emergency", "test", "--desk", MAC, "--number", "112", "--json");

        assertThat(text.code()).as(text.out() + text.err()).isEqualTo(ExitCodes.OK);
        assertThat(text.out()).contains("PASS", "  caller ID number  " + ELIN, "  caller ID name    " + WHERE,
                "  location          " + CIVIC, "hears             the number dialled, 9 1 1, then the ELIN, 1 5 5 5 1 2 3 0 0 2 0",
                "WARN  no security desk configured");
        assertThat(asJson.code()).as(asJson.out() + asJson.err()).isEqualTo(ExitCodes.OK);
        JsonNode j = json.readTree(asJson.out());
        assertThat(j.get("ok").asBoolean()).isTrue();
        assertThat(j.get("call_id").asText()).matches("hotdesk-test-[0-9a-f]{16}");
        assertThat(j.get("dispatcher").get("caller_id_number").asText()).isEqualTo(ELIN);
        assertThat(j.get("dispatcher").get("caller_id_name").asText()).isEqualTo(WHERE);
        assertThat(j.get("dispatcher").get("civic").asText()).isEqualTo(CIVIC);
        assertThat(j.get("announced").get("test").asText()).isEqualTo("yes");
        assertThat(j.get("security_desk").get("configured").asBoolean()).isFalse();
        // the running hotdesk saw both test calls as tests
        await().atMost(PATIENCE).until(() -> receiver.posts().size() == 2);
        for (WebhookReceiver.Post p : receiver.posts()) {
            assertThat(json.readTree(p.body()).get("test").asBoolean()).isTrue();
        }
        assertThat(json.readTree(receiver.posts().get(1).body()).get("call_id").asText()).isEqualTo(j.get("call_id").asText());
    }
}
