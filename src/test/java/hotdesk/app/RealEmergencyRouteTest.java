package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.core.model.Mac;
import hotdesk.testing.AmiWire;
import hotdesk.testing.AmiWire.Message;
import hotdesk.testing.Baresip;
import hotdesk.testing.RealAsterisk;
import hotdesk.testing.SippCall;
import hotdesk.testing.SippTrunk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The generated emergency route on a real Asterisk 22.10.1 from the test kit, with SIPp as the
 * emergency trunk and baresip as the security desk's phone (which rings and is never answered): from a
 * free and from an occupied desk, with hotdesk up, with hotdesk stopped, and after an Asterisk restart
 * with hotdesk stopped, the call reaches the trunk with the desk's ELIN as caller ID and its civic
 * location (Geolocation header + PIDF-LO), the dialplan sends {@code HotdeskEmergency}, and the security
 * desk rings; a trunk that cannot be reached falls back. The steps build on each other (one Asterisk,
 * one hotdesk ledger for the class), hence the order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealEmergencyRouteTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Duration PROMPT = Duration.ofMillis(2500);
    private static final String MAC = "00:15:65:e9:11:01";
    private static final String DESK = Mac.parse(MAC).endpointId();
    private static final String ELIN = "+15551230911";
    private static final String SECURITY_SECRET = "security-phone-secret-0123";

    @TempDir
    static Path dir;
    private static RealAsterisk asterisk;
    private static Map<String, String> settings;
    private static Server server;
    private static SippTrunk trunk;
    private static Baresip security;
    private static AriClient ari;
    private static String deskSecret;
    private static String where;

    @BeforeAll
    static void start() throws IOException {
        RealAsterisk.assumeKit();
        Baresip.assumeInstalled();
        Path kit = RealAsterisk.kit().orElseThrow();
        trunk = SippTrunk.start(kit, dir.resolve("trunk"));
        settings = KitSettings.of(dir, "real-e911");
        settings.put("pjsip.endpoint.dtmf_mode", "info");
        asterisk = KitSettings.startAsterisk(dir.resolve("asterisk"), settings, RealEmergencyRouteTest::trunkAndSecurityDesk);
        ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER, AsteriskContract.ARI_PASSWORD,
                Duration.ofSeconds(5)));
        CliRun.ok(settings, "site", "add", "HQ", "--country", "US", "--state", "CA", "--city", "San Jose", "--street", "Main St",
                "--number", "100");
        CliRun.ok(settings, "user", "add", "101", "--name", "Alice Example", "--pin", "3865", "--context", "sales");
        CliRun.ok(settings, "device", "add", MAC, "--model", "T54W", "--label", "Desk E9", "--elin", ELIN, "--site", "HQ");
        CliRun.ok(settings, "device", "location", MAC, "--floor", "9", "--room", "911");
        startHotdesk();
        deskSecret = ari.get("auth", DESK + "-auth").orElseThrow().get("password");
        where = whereOf();
        security = Baresip.start(dir.resolve("security"), kit, asterisk.sipPort(), "security", SECURITY_SECRET);
        await().atMost(PATIENCE).until(() -> asterisk.rx("pjsip show contacts").contains("security/sip:"));
    }

    private static String whereOf() {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(CliRun.ok(settings, "status", "--json"))
                    .get(0).get("where").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The emergency trunk (SIPp), a trunk that cannot be reached, the security phone, the users' own context. */
    static void trunkAndSecurityDesk(Path conf) {
        try {
            Files.writeString(conf.resolve("pjsip.conf"), """

                    ; the emergency trunk: SIPp answers; the location goes with the call (Asterisk's built-in profile)
                    [e911trunk]
                    type = endpoint
                    transport = transport-udp
                    context = test-emergency
                    disallow = all
                    allow = ulaw
                    aors = e911trunk
                    geoloc_outgoing_call_profile = <prefer_incoming>
                    [e911trunk]
                    type = aor
                    contact = sip:127.0.0.1:%d
                    ; a trunk without any contact: every Dial to it ends CHANUNAVAIL at once
                    [deadtrunk]
                    type = endpoint
                    transport = transport-udp
                    context = test-emergency
                    disallow = all
                    allow = ulaw
                    aors = deadtrunk
                    [deadtrunk]
                    type = aor
                    max_contacts = 1
                    ; the security desk's phone (baresip)
                    [security]
                    type = endpoint
                    transport = transport-udp
                    context = internal
                    disallow = all
                    allow = ulaw
                    auth = security-auth
                    aors = security
                    [security-auth]
                    type = auth
                    auth_type = userpass
                    username = security
                    password = %s
                    [security]
                    type = aor
                    max_contacts = 1
                    """.formatted(trunk.port(), SECURITY_SECRET), StandardOpenOption.APPEND);
            Path extensions = conf.resolve("extensions.conf");
            String text = Files.readString(extensions);
            if (!text.contains("HOTDESK_EMERGENCY_CONTEXT = test-emergency")) {
                throw new IllegalStateException("the kit's extensions.conf changed: no HOTDESK_EMERGENCY_CONTEXT to replace");
            }
            text = text.replace("HOTDESK_EMERGENCY_CONTEXT = test-emergency",
                    "HOTDESK_EMERGENCY_TRUNK = e911trunk\nHOTDESK_SECURITY_DESK = PJSIP/security");
            text = text + """

                    ; the context of user 101: no include of anything of hotdesk's, a pattern that would take 911
                    [sales]
                    exten => _X.,1,NoOp(SALES ${EXTEN} cid=${CALLERID(num)})
                     same => n,Answer()
                     same => n,Wait(1)
                     same => n,Hangup()
                    exten => _[*#+].,1,NoOp(SALES ${EXTEN} cid=${CALLERID(num)})
                     same => n,Answer()
                     same => n,Wait(1)
                     same => n,Hangup()
                    """;
            Files.writeString(extensions, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopAll() throws IOException {
        if (security != null) {
            security.close();
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/real-e911-security-baresip.txt"), security.output());
        }
        if (server != null) {
            server.close();
        }
        if (asterisk != null) {
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/real-e911-asterisk.txt"), asterisk.log());
            asterisk.close();
        }
        if (trunk != null) {
            trunk.close();
        }
    }

    @AfterEach
    void noCallLeft() {
        // the security desk rings on (nobody answers): end it so the next call starts from nothing
        asterisk.rx("channel request hangup all");
        await().atMost(PATIENCE).until(() -> asterisk.rx("core show channels count").contains("0 active calls"));
    }

    private static void startHotdesk() {
        server = new Server(Config.load(null, Map.of(), settings));
        server.start();
        await().atMost(PATIENCE).ignoreExceptions().until(() -> server.amiConnected() && server.reconcile().idle()
                && ari.get("endpoint", DESK).isPresent());
    }

    private static void stopHotdesk() {
        server.close();
        server = null;
    }

    /** What one emergency call showed: the INVITE the trunk got, the user event, whether the security desk rang. */
    record Emergency(RealAsterisk.Result sipp, String invite, Message event, boolean securityRang, String log) {
    }

    /** The desk dials {@code number}, talks 2 s to whoever answered, hangs up. */
    private static Emergency dial(String number) {
        int invitesBefore = trunk.invites().size();
        long ringsBefore = security.count("CALL_INCOMING");
        int logBefore = asterisk.log().length();
        try (AmiWire ami = new AmiWire("127.0.0.1", asterisk.amiPort())) {
            assertThat(ami.login(AsteriskContract.AMI_TEST_USER, AsteriskContract.AMI_TEST_SECRET, "user").get("Response"))
                    .isEqualTo("Success");
            RealAsterisk.Result r = SippCall.from(DESK, deskSecret, number).pause(Duration.ofSeconds(2)).hangUp()
                    .run(asterisk, dir.resolve("desk"));
            Message event = ami.awaitEvent(m -> m.isEvent("UserEvent") && "HotdeskEmergency".equals(m.get("UserEvent"))
                    && String.valueOf(m.get("Channel")).startsWith("PJSIP/" + DESK + "-"), PATIENCE);
            await().atMost(PATIENCE).until(() -> trunk.invites().size() > invitesBefore);
            boolean rang = await().atMost(PATIENCE).until(() -> security.count("CALL_INCOMING") > ringsBefore, b -> b);
            List<String> invites = trunk.invites();
            return new Emergency(r, invites.get(invites.size() - 1), event, rang, asterisk.log().substring(logBefore));
        }
    }

    /** The trunk got the desk's ELIN as caller ID and its civic location; the event says so too. */
    private static void assertLocated(Emergency e, String number) {
        assertThat(e.sipp().exit()).as("the desk's call was answered by the trunk: %s", e.sipp().output()).isZero();
        assertThat(e.invite()).as(e.invite()).startsWith("INVITE sip:" + number + "@127.0.0.1:" + trunk.port())
                .containsPattern("(?m)^From: \"" + java.util.regex.Pattern.quote(where) + "\" <sip:" + java.util.regex.Pattern.quote(ELIN) + "@")
                .containsPattern("(?m)^Geolocation: <cid:")
                .contains("application/pidf+xml")
                .contains("civicAddress").contains(">San Jose<").contains(">9<").contains(">911<").contains(">US<");
        assertThat(e.event()).as("HotdeskEmergency of the call").isNotNull();
        assertThat(e.event().get("Desk")).isEqualTo(DESK);
        assertThat(e.event().get("Number")).isEqualTo(number);
        assertThat(e.event().get("ELIN")).isEqualTo(ELIN);
        assertThat(e.event().get("Where")).isEqualTo(where);
        assertThat(e.event().get("Civic")).contains("country=US", "A3=San Jose", "FLR=9", "ROOM=911");
        assertThat(e.event().get("Test")).isEqualTo("no");
        assertThat(e.securityRang()).isTrue();
    }

    @Test
    @Order(1)
    void a_free_desk_reaches_the_trunk_located_announced_while_the_security_phone_rings_unanswered() {
        Emergency e = dial("911");

        assertLocated(e, "911");
        // the security phone rang with the desk's where text and the number dialled, and was never answered
        assertThat(security.output()).contains("sip:911@");
        assertThat(security.count("CALL_ESTABLISHED")).isZero();
    }

    @Test
    @Order(2)
    void a_trunk_that_cannot_be_reached_falls_back_and_says_so_at_error() {
        asterisk.rx("dialplan set global HOTDESK_EMERGENCY_TRUNK deadtrunk");
        asterisk.rx("dialplan set global HOTDESK_EMERGENCY_FALLBACK e911trunk");
        try {
            Emergency e = dial("112");

            assertLocated(e, "112");
            assertThat(e.log()).contains("ERROR").contains("emergency call to 112")
                    .contains("failed on trunk deadtrunk with CHANUNAVAIL");
        } finally {
            asterisk.rx("dialplan set global HOTDESK_EMERGENCY_TRUNK e911trunk");
            asterisk.rx("dialplan set global HOTDESK_EMERGENCY_FALLBACK \"\"");
        }
    }

    @Test
    @Order(3)
    void a_free_desk_with_hotdesk_stopped_still_reaches_the_trunk_located_and_announced() {
        stopHotdesk();

        assertLocated(dial("911"), "911");
        startHotdesk();
    }

    @Test
    @Order(4)
    void an_occupied_desk_presents_the_desks_elin_and_location_not_the_users_and_other_numbers_reach_the_users_context() {
        RealAsterisk.Result login = SippCall.from(DESK, deskSecret, "*70101").pause(PROMPT).digits("3865#")
                .run(asterisk, dir.resolve("desk"));
        assertThat(login.exit()).as(login.output()).isZero();
        await().atMost(PATIENCE).ignoreExceptions()
                .until(() -> ari.get("endpoint", DESK).orElseThrow().get("context"), "hotdesk-seated"::equals);
        assertThat(ari.get("endpoint", DESK).orElseThrow().get("callerid")).isEqualTo("\"Alice Example\" <101>");

        assertLocated(dial("911"), "911");

        // anything else goes to the user's own context, caller ID theirs, number unchanged
        int before = asterisk.log().length();
        RealAsterisk.Result other = SippCall.from(DESK, deskSecret, "5551234").pause(Duration.ofMillis(500)).hangUp()
                .run(asterisk, dir.resolve("desk"));
        assertThat(other.exit()).as(other.output()).isZero();
        assertThat(asterisk.log().substring(before)).contains("SALES 5551234 cid=101");
        for (String dialled : List.of("*99#", "+15557654321")) {
            int at = asterisk.log().length();
            RealAsterisk.Result r = SippCall.from(DESK, deskSecret, dialled).pause(Duration.ofMillis(500)).hangUp()
                    .run(asterisk, dir.resolve("desk"));
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(asterisk.log().substring(at)).contains("SALES " + dialled + " cid=101");
        }
    }

    @Test
    @Order(5)
    void an_occupied_desk_with_hotdesk_stopped_still_reaches_the_trunk_located_and_announced() {
        stopHotdesk();

        assertLocated(dial("999"), "999");
    }

    @Test
    @Order(6)
    void after_an_asterisk_restart_with_hotdesk_stopped_the_occupied_desk_still_reaches_the_trunk_located_and_announced() {
        assertThat(server).isNull();
        asterisk.restart();
        // the desk's endpoint and facts come back from AstDB; the phones register again
        await().atMost(PATIENCE).ignoreExceptions()
                .until(() -> ari.get("endpoint", DESK).orElseThrow().get("context"), "hotdesk-seated"::equals);
        await().atMost(Duration.ofSeconds(60)).until(() -> asterisk.rx("pjsip show contacts").contains("security/sip:"));

        assertLocated(dial("911"), "911");
    }

    @Test
    @Order(7)
    void the_security_desk_that_answers_hears_the_number_dialled_then_the_desks_elin() {
        long ringsBefore = security.count("CALL_INCOMING");
        int logBefore = asterisk.log().length();

        RealAsterisk.Result r = SippCall.from(DESK, deskSecret, "911").pause(Duration.ofSeconds(1)).hangUp()
                .run(asterisk, dir.resolve("desk"));
        assertThat(r.exit()).as(r.output()).isZero();
        // the emergency call is over; the security desk still rings, and now answers
        await().atMost(PATIENCE).until(() -> security.count("CALL_INCOMING") > ringsBefore);
        security.command("accept", "");

        await().atMost(PATIENCE).until(() -> asterisk.log().substring(logBefore).contains("\", \"" + ELIN + "\")"));
        String log = asterisk.log().substring(logBefore);
        assertThat(log).containsPattern("\\[911@hotdesk-security-announce:[0-9]+\\] SayDigits\\(\"PJSIP/security-[0-9a-f]+\", \"911\"\\)")
                .containsPattern("\\[911@hotdesk-security-announce:[0-9]+\\] SayDigits\\(\"PJSIP/security-[0-9a-f]+\", \""
                        + java.util.regex.Pattern.quote(ELIN) + "\"\\)");
        assertThat(log.indexOf("\", \"911\")", log.indexOf("hotdesk-security-announce"))).isLessThan(log.indexOf("\", \"" + ELIN + "\")"));
        assertThat(security.count("CALL_ESTABLISHED")).isPositive();
    }

    @Test
    @Order(7)
    void a_real_phone_registered_as_the_desk_dials_911_located_and_announced() throws IOException {
        Path kit = RealAsterisk.kit().orElseThrow();
        try (Baresip phone = Baresip.start(dir.resolve("desk-phone"), kit, asterisk.sipPort(), DESK, deskSecret)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> asterisk.rx("pjsip show contacts").contains(DESK + "/sip:"));
            int invitesBefore = trunk.invites().size();
            long ringsBefore = security.count("CALL_INCOMING");
            try (AmiWire ami = new AmiWire("127.0.0.1", asterisk.amiPort())) {
                assertThat(ami.login(AsteriskContract.AMI_TEST_USER, AsteriskContract.AMI_TEST_SECRET, "user").get("Response"))
                        .isEqualTo("Success");
                phone.command("dial", "sip:911@127.0.0.1:" + asterisk.sipPort());
                await().atMost(PATIENCE).until(() -> phone.count("CALL_ESTABLISHED") > 0);
                Message event = ami.awaitEvent(m -> m.isEvent("UserEvent") && "HotdeskEmergency".equals(m.get("UserEvent"))
                        && String.valueOf(m.get("Channel")).startsWith("PJSIP/" + DESK + "-"), PATIENCE);
                await().atMost(PATIENCE).until(() -> trunk.invites().size() > invitesBefore);
                boolean rang = await().atMost(PATIENCE).until(() -> security.count("CALL_INCOMING") > ringsBefore, b -> b);
                phone.command("hangup", "");
                List<String> invites = trunk.invites();
                assertLocated(new Emergency(new RealAsterisk.Result(0, "baresip answered by the trunk"),
                        invites.get(invites.size() - 1), event, rang, ""), "911");
            }
        }
    }
}
