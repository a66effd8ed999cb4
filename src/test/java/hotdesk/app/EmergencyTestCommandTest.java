package hotdesk.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hotdesk.ami.AmiTestCall;
import hotdesk.cli.ExitCodes;
import hotdesk.core.model.Device;
import hotdesk.core.model.Mac;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import hotdesk.testing.FakeAmi;
import hotdesk.testing.FakeAri;
import hotdesk.testing.RealAsterisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code hotdesk emergency test} against the fake AMI peer, whose "dialplan" here does what the
 * generated test context does on Asterisk (see {@link #testContext}): every way the test call can
 * fail, what it prints when it goes through, and that nothing but the test context is ever dialled.
 */
class EmergencyTestCommandTest {

    private static final String MAC = "00:15:65:12:34:AB";
    private static final String DESK = "hd-0015651234ab";
    private static final String TEST_SECRET = "test-call-secret-0123";

    @TempDir
    Path dir;

    private final FakeAri ari = new FakeAri("hotdesk", "ari-test-password");
    private final FakeAmi ami = new FakeAmi("hotdesk", "ami-test-secret");
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicInteger channels = new AtomicInteger();
    /** The desk facts the test context reads from AstDB: elin, where, civic. */
    private final Map<String, String> facts = new LinkedHashMap<>();
    /** What the test context does: announce, answer side reports, call answered. */
    private volatile boolean announce = true;
    private volatile boolean report = true;
    private volatile boolean answers = true;
    private volatile String testHeader = "yes";
    private Map<String, String> settings;

    @BeforeEach
    void setUp() {
        ami.user("hotdesk", "ami-test-secret", "system,user", "system,reporting");
        ami.user("hotdesk-test", TEST_SECRET, "user", "originate,reporting");
        ami.loginFailureDelay(Duration.ofMillis(20));
        ami.contexts(AmiTestCall.CONTEXT, "hotdesk-emergency-test-answer");
        ami.global("HOTDESK_SECURITY_DESK", "PJSIP/200");
        ami.onOriginate(this::testContext);
        ami.start();
        settings = PeerSettings.of(dir.resolve("ledger"), ari, "ari-test-password", ami, "ami-test-secret");
        settings.put("ami.test-secret", TEST_SECRET);
        facts.put("elin", "+15551230314");
        facts.put("where", "HQ Bldg 2 Fl 3 Rm 301 - Desk 3-01");
        facts.put("civic", "country=US,A1=CA,A3=San Jose,RD=Main,STS=St,HNO=100,FLR=3,ROOM=301");
        CliRun.ok(settings, "device", "add", MAC, "--model", "T54W", "--elin", "+15551230314");
    }

    @AfterEach
    void tearDown() {
        ami.close();
        ari.close();
    }

    /**
     * The generated hotdesk-emergency-test context, as the fake's dialplan: the emergency route's event
     * with Test: yes on the Local channel's second half, then the answering side's report, both with the
     * Linkedid Asterisk gives them (the originated channel's id). Before them, another call's event.
     */
    private boolean testContext(FakeAmi.Originate o) {
        Matcher m = Pattern.compile("Local/([0-9*#+]+)@(.+)").matcher(o.channel());
        if (!m.matches() || !m.group(2).equals(AmiTestCall.CONTEXT)) {
            return false;
        }
        String number = m.group(1);
        String id = o.channelId();
        String desk = o.variables().getOrDefault("HOTDESK_TEST_DESK", "");
        // a real emergency call elsewhere at the same moment: never to be taken for the test's
        Map<String, String> elsewhere = new LinkedHashMap<>();
        elsewhere.put("Desk", "hd-00156500beef");
        elsewhere.put("Number", number);
        elsewhere.put("ELIN", "+15550000000");
        elsewhere.put("Test", "no");
        ami.userEvent(FakeAmi.channelSnapshot("PJSIP/hd-00156500beef-00000001", "hotdesk-seated", number, "1796150700.1",
                "1796150700.1", "+15550000000", "Other"), "HotdeskEmergency", elsewhere);
        String channel = "Local/" + number + "@" + AmiTestCall.CONTEXT + "-" + String.format("%08x", channels.getAndIncrement())
                + ";2";
        if (announce) {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("Desk", desk);
            body.put("Number", number);
            body.put("ELIN", facts.getOrDefault("elin", ""));
            body.put("Where", facts.getOrDefault("where", ""));
            body.put("Civic", facts.getOrDefault("civic", ""));
            body.put("Channel", channel);
            body.put("Test", testHeader);
            ami.userEvent(FakeAmi.channelSnapshot(channel, AmiTestCall.CONTEXT, number, id + ";2", id, facts.getOrDefault("elin", ""),
                    facts.getOrDefault("where", "")), "HotdeskEmergency", body);
        }
        if (report) {
            String answer = "Local/" + number + "@hotdesk-emergency-test-answer-" + String.format("%08x", channels.getAndIncrement())
                    + ";2";
            Map<String, String> body = new LinkedHashMap<>();
            body.put("CallerID", facts.getOrDefault("elin", ""));
            body.put("CallerName", facts.getOrDefault("where", ""));
            body.put("Civic", facts.getOrDefault("civic", ""));
            body.put("Number", number);
            ami.userEvent(FakeAmi.channelSnapshot(answer, "hotdesk-emergency-test-answer", number, "1796150733.9", id,
                    facts.getOrDefault("elin", ""), facts.getOrDefault("where", "")), "HotdeskEmergencyTestReceived", body);
        }
        return answers;
    }

    private CliRun test(String... more) {
        String[] args = new String[more.length + 2];
        args[0] = "emergency";
        args[1] = "test";
        System.arraycopy(more, 0, args, 2, more.length);
        return CliRun.of(settings, Map.of(), args);
    }

    // ---- going through

    @Test
    void a_test_call_shows_what_the_dispatcher_and_the_security_desk_would_get() {
        CliRun run = test("--desk", MAC);

        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("emergency test of desk 00:15:65:12:34:AB (" + DESK + "), dialled 911 into"
                        + " hotdesk-emergency-test, never the trunk", "PASS",
                "A dispatcher would receive:", "  caller ID number  +15551230314", "  caller ID name    HQ Bldg 2 Fl 3 Rm 301 - Desk 3-01",
                "  location          country=US,A1=CA,A3=San Jose,RD=Main,STS=St,HNO=100,FLR=3,ROOM=301",
                "The security desk (PJSIP/200) would see and hear:", "  caller ID number  911",
                "  hears             the number dialled, 9 1 1, then the ELIN, 1 5 5 5 1 2 3 0 3 1 4",
                "  rung by this test no (--ring-security rings it)")
                .doesNotContain("WARN", "+15550000000");
        List<FakeAmi.Originate> calls = ami.originates();
        assertThat(calls).singleElement().satisfies(o -> {
            assertThat(o.user()).isEqualTo("hotdesk-test");
            assertThat(o.channel()).isEqualTo("Local/911@hotdesk-emergency-test");
            assertThat(o.context()).isEmpty();
            assertThat(o.exten()).isEmpty();
            assertThat(o.application()).isEqualTo("Wait");
            assertThat(o.variables()).containsExactly(Map.entry("HOTDESK_TEST_DESK", DESK));
            assertThat(o.channelId()).matches("hotdesk-test-[0-9a-f]{16}");
            assertThat(o.async()).isEmpty();
        });
    }

    @Test
    void ring_security_and_another_number_are_passed_on_and_json_tells_all() throws Exception {
        CliRun run = test("--desk", "0015651234ab", "--number", "112", "--ring-security", "--json");

        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(ami.originates()).singleElement().satisfies(o -> {
            assertThat(o.channel()).isEqualTo("Local/112@hotdesk-emergency-test");
            assertThat(o.variables()).containsEntry("HOTDESK_TEST_DESK", DESK).containsEntry("HOTDESK_TEST_RING_SECURITY", "yes");
        });
        JsonNode j = json.readTree(run.out());
        assertThat(j.get("ok").asBoolean()).isTrue();
        assertThat(j.get("failure").isNull()).isTrue();
        assertThat(j.get("endpoint").asText()).isEqualTo(DESK);
        assertThat(j.get("number").asText()).isEqualTo("112");
        assertThat(j.get("dispatcher").get("caller_id_number").asText()).isEqualTo("+15551230314");
        assertThat(j.get("dispatcher").get("civic").asText()).startsWith("country=US,A1=CA");
        assertThat(j.get("security_desk").get("configured").asBoolean()).isTrue();
        assertThat(j.get("security_desk").get("dial").asText()).isEqualTo("PJSIP/200");
        assertThat(j.get("security_desk").get("rung").asBoolean()).isTrue();
        assertThat(j.get("security_desk").get("caller_id_name").asText()).isEqualTo("HQ Bldg 2 Fl 3 Rm 301 - Desk 3-01");
        assertThat(j.get("security_desk").get("says").toString()).isEqualTo("[\"1 1 2\",\"1 5 5 5 1 2 3 0 3 1 4\"]");
        assertThat(j.get("warnings")).isEmpty();
    }

    @Test
    void what_is_missing_is_a_warning_and_the_test_still_passes() {
        facts.put("elin", "");
        facts.put("where", "");
        facts.put("civic", "");
        ami.global("HOTDESK_SECURITY_DESK", "");

        CliRun run = test("--desk", MAC);

        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("PASS", "WARN  no ELIN", "WARN  no civic location", "WARN  no short location text",
                "WARN  no security desk configured (HOTDESK_SECURITY_DESK", "hears             the number dialled, 9 1 1, and no ELIN");
    }

    @Test
    void a_location_or_caller_id_that_did_not_arrive_as_sent_is_a_warning() {
        report = false;
        // the answering side reports another caller ID and no location
        ami.onOriginate(o -> {
            boolean r = testContext(o);
            Map<String, String> body = new LinkedHashMap<>();
            body.put("CallerID", "0015651234ab");
            body.put("CallerName", "");
            body.put("Civic", "");
            body.put("Number", "911");
            ami.userEvent(FakeAmi.channelSnapshot("Local/911@hotdesk-emergency-test-answer-00000009;2",
                    "hotdesk-emergency-test-answer", "911", "x.1", o.channelId(), "", ""), "HotdeskEmergencyTestReceived", body);
            return r;
        });

        CliRun run = test("--desk", MAC);

        assertThat(run.code()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("WARN  the answering side saw caller ID number '0015651234ab', not the ELIN +15551230314",
                "WARN  the location sent with the call ('country=US");
    }

    @Test
    void without_getvar_the_test_still_runs_and_says_the_security_desk_is_unknown() {
        ami.user("hotdesk-test", TEST_SECRET, "user", "originate");

        CliRun run = test("--desk", MAC);

        assertThat(run.code()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("PASS", "WARN  could not read the dialplan's globals");
    }

    // ---- refused before anything is dialled

    @Test
    void an_unknown_or_invalid_mac_a_desk_without_lines_and_a_number_that_is_no_emergency_number_are_refused() {
        try (Database db = Database.open(DatabaseSettings.h2(dir.resolve("ledger")))) {
            db.ledger().transact(tx -> {
                tx.insertDevice(new Device(Mac.parse("00:15:65:00:00:99"), "yealink", "T54W", "Lineless", "", "", true), List.of());
                return null;
            });
        }

        CliRun unknown = test("--desk", "00:15:65:99:99:99");
        CliRun invalid = test("--desk", "00:15:65:99:99");
        CliRun lineless = test("--desk", "00:15:65:00:00:99");
        CliRun notEmergency = test("--desk", MAC, "--number", "101");
        CliRun injected = test("--desk", MAC, "--number", "911@hotdesk-emergency-out");
        CliRun badTimeout = test("--desk", MAC, "--timeout", "0");

        assertThat(unknown.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(unknown.err()).isEqualTo("hotdesk: no desk with MAC 00:15:65:99:99:99 in the ledger (hotdesk device list shows"
                + " them)\n");
        assertThat(invalid.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(invalid.err()).startsWith("hotdesk: --desk: invalid MAC '00:15:65:99:99'");
        assertThat(lineless.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(lineless.err()).contains("desk 00:15:65:00:00:99 has no lines");
        assertThat(notEmergency.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(notEmergency.err()).isEqualTo("hotdesk: --number 101 is not one of emergency.numbers (911, 112, 999): a test"
                + " call dials only those\n");
        assertThat(injected.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(badTimeout.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badTimeout.err()).contains("--timeout must be 1 to 600 seconds, got 0");
        assertThat(ami.originates()).isEmpty();
        assertThat(ami.logins()).isZero();
    }

    @Test
    void the_originate_target_can_only_be_the_test_context() {
        assertThat(AmiTestCall.target("911")).isEqualTo("Local/911@hotdesk-emergency-test");
        assertThat(AmiTestCall.target("+49112")).isEqualTo("Local/+49112@hotdesk-emergency-test");
        for (String bad : new String[] {"911@hotdesk-emergency-out", "911/n", "PJSIP/trunk", "", "9 1 1", "911\r\nAction: X"}) {
            assertThatThrownBy(() -> AmiTestCall.target(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("emergency number must be 1 to 32 of digits");
        }
        assertThatThrownBy(() -> new AmiTestCall.Request("hd-1,HOTDESK_EMERGENCY_TRUNK=x", "911", false, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("desk endpoint must be");
    }

    @Test
    void a_test_route_that_names_the_trunk_is_refused_and_nothing_is_dialled() {
        ami.global("HOTDESK_EMERGENCY_TRUNK", "carrier-trunk");
        ami.global("HOTDESK_EMERGENCY_TEST_ROUTE", "PJSIP/${EXTEN}@carrier-trunk");

        CliRun run = test("--desk", MAC);

        assertThat(run.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(run.err()).contains("HOTDESK_EMERGENCY_TEST_ROUTE (PJSIP/${EXTEN}@carrier-trunk) names carrier-trunk of"
                + " HOTDESK_EMERGENCY_TRUNK", "nothing was dialled");
        assertThat(ami.originates()).isEmpty();
    }

    @Test
    void the_shipped_test_secret_is_refused_for_an_asterisk_off_loopback() {
        settings.remove("ami.test-secret");
        settings.put("ami.host", "192.0.2.10");

        CliRun run = test("--desk", MAC);

        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("ami.test-secret is the shipped example value and ami.host (192.0.2.10) is not on loopback");
    }

    @Test
    void without_a_test_call_user_test_calls_are_off() {
        settings.put("ami.test-user", "");

        CliRun run = test("--desk", MAC);

        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("ami.test-user is empty: test calls are off");
        assertThat(ami.logins()).isZero();
    }

    @Test
    void the_test_user_may_not_be_the_ami_user() {
        settings.put("ami.test-user", "hotdesk");

        CliRun run = test("--desk", MAC);

        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("ami.test-user must differ from ami.user");
        assertThat(ami.logins()).isZero();
    }

    // ---- failing

    @Test
    void asterisk_unreachable_and_a_refused_login_fail_with_exit_6_naming_why() throws Exception {
        settings.put("ami.port", Integer.toString(RealAsterisk.freeTcpPort()));
        CliRun down = test("--desk", MAC);
        settings.put("ami.port", Integer.toString(ami.port()));
        settings.put("ami.test-secret", "wrong-test-secret-0123");
        CliRun refused = test("--desk", MAC);

        assertThat(down.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(down.err()).contains("emergency test failed: Asterisk unreachable: connection to 127.0.0.1:", "refused");
        assertThat(down.out()).contains("FAIL  Asterisk unreachable");
        assertThat(refused.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(refused.err()).contains("login as 'hotdesk-test'", "refused", "ami.test-user and ami.test-secret")
                .doesNotContain("wrong-test-secret-0123");
        assertThat(ami.originates()).isEmpty();
    }

    @Test
    void a_test_user_that_may_not_originate_fails_with_permission_denied_and_the_fix() throws Exception {
        ami.user("hotdesk-test", TEST_SECRET, "user", "reporting");

        CliRun run = test("--desk", MAC, "--json");

        assertThat(run.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        JsonNode j = json.readTree(run.out());
        assertThat(j.get("ok").asBoolean()).isFalse();
        assertThat(j.get("failure").asText()).isEqualTo("originate_refused");
        assertThat(j.get("error").asText()).contains("Originate refused: Permission denied", "write = originate,reporting");
        assertThat(j.get("dispatcher").isNull()).isTrue();
    }

    @Test
    void a_missing_test_context_and_a_test_route_that_never_answers_fail_as_originate_failed_each_with_its_reason() {
        answers = false;
        CliRun unanswered = test("--desk", MAC);
        FakeAmi bare = new FakeAmi("hotdesk", "ami-test-secret").user("hotdesk-test", TEST_SECRET, "user", "originate,reporting");
        bare.start();
        try {
            settings.put("ami.port", Integer.toString(bare.port()));
            CliRun noContext = test("--desk", MAC);

            assertThat(noContext.code()).isEqualTo(ExitCodes.CHECK_FAILED);
            assertThat(noContext.err()).contains("Originate Local/911@hotdesk-emergency-test answered 'Originate failed'",
                    "context hotdesk-emergency-test is not loaded");
        } finally {
            bare.close();
        }

        assertThat(unanswered.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(unanswered.err()).contains("answered 'Originate failed'", "the emergency route ran (HotdeskEmergency seen) but"
                + " the test answer side did not answer");
    }

    @Test
    void no_event_of_the_call_within_the_timeout_fails_naming_the_missing_event() {
        announce = false;
        report = false;
        CliRun none = test("--desk", MAC, "--timeout", "1");
        announce = true;
        CliRun noReport = test("--desk", MAC, "--timeout", "1");

        assertThat(none.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(none.err()).contains("no HotdeskEmergency event of the test call within 1 s", "read = user")
                .doesNotContain("+15550000000");
        assertThat(noReport.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(noReport.err()).contains("no HotdeskEmergencyTestReceived event within 1 s");
        assertThat(noReport.out()).contains("The security desk (PJSIP/200) would see and hear:")
                .doesNotContain("A dispatcher would receive:");
    }

    @Test
    void a_route_that_announces_the_test_as_a_real_call_fails() {
        testHeader = "no";

        CliRun run = test("--desk", MAC);

        assertThat(run.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(run.err()).contains("announced the test call with 'Test: no'", "take it for a real emergency call");
    }

    @Test
    void help_names_the_options_and_exit_code_6() {
        CliRun run = CliRun.of(Map.of(), Map.of(), "emergency", "test", "--help");

        assertThat(run.code()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("--desk", "--number", "--ring-security", "--timeout", "--json", "hotdesk-emergency-test",
                "a check or test failed (doctor, emergency test)");
    }
}
