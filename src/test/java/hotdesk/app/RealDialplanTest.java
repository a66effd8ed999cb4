package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.testing.RealAsterisk;
import hotdesk.testing.SippCall;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every feature code and emergency number of the generated dialplan, dialled by a real SIP call (SIPp)
 * from a desk into a real Asterisk 22 running the files {@code hotdesk asterisk-conf} generates, with
 * hotdesk serving FastAGI and pushing the desks. Assertions are on what Asterisk did: the dialplan
 * steps and prompts in its log, the result it branched on ({@code hotdesk-result,<RESULT>}), the
 * endpoint as ARI reads it, the CDR.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class RealDialplanTest {

    static final String MAC = "00:15:65:d1:a1:01";
    static final String DESK = "hd-001565d1a101";
    static final String ELIN = "+15551230314";
    /** Long enough for the prompts before it, short enough to keep calls quick. */
    static final Duration PROMPT = Duration.ofMillis(2500);
    static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static RealAsterisk asterisk;
    static Map<String, String> settings;
    static Server server;
    static String deskSecret;
    static AriClient ari;

    @BeforeAll
    static void startAsteriskAndHotdesk() throws IOException {
        RealAsterisk.assumeKit();
        settings = KitSettings.of(dir, "dialplan");
        settings.put("reconcile.max-backoff", "1s");
        settings.put("otp.validity", "10s");
        settings.put("pjsip.endpoint.dtmf_mode", "info");
        // every refusal here is on purpose: no lockout in between
        settings.put("lockout.max-failures", "999");
        settings.put("lockout.desk-max-failures", "999");
        settings.put("lockout.user-alert-failures", "999");
        settings.put("lockout.user-max-failures", "1000");
        asterisk = KitSettings.startAsterisk(dir.resolve("asterisk"), settings, conf -> { });
        ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER, AsteriskContract.ARI_PASSWORD,
                Duration.ofSeconds(5)));

        CliRun.ok(settings, "user", "add", "101", "--name", "Alice Example", "--pin", "3865", "--mailbox", "101@default");
        CliRun.ok(settings, "user", "add", "102", "--name", "Bob Example", "--pin", "4711");
        CliRun.ok(settings, "device", "add", MAC, "--model", "T54W", "--label", "Desk D1", "--elin", ELIN);
        startHotdesk();
        deskSecret = ari.get("auth", DESK + "-auth").orElseThrow().get("password");
    }

    @AfterAll
    static void stopAll() {
        if (server != null) {
            server.close();
        }
        if (asterisk != null) {
            asterisk.close();
        }
    }

    @BeforeEach
    void hotdeskUpAndDeskIdle() {
        if (server == null) {
            startHotdesk();
        }
        CliRun.of(settings, Map.of(), "logout", "--device", MAC);
        awaitDesk("hotdesk-idle");
    }

    @AfterEach
    void noStrayChannels() {
        await().atMost(PATIENCE).until(() -> asterisk.rx("core show channels count").contains("0 active calls"));
    }

    // ---- PIN login

    @Test
    void pin_login_with_the_extension_in_the_code_makes_the_desk_the_users() {
        Call c = call(SippCall.from(DESK, deskSecret, "*70101").pause(PROMPT).digits("3865#"));

        assertThat(c.results()).as(c.toString()).containsExactly("OK");
        assertThat(c.log()).contains("hotdesk-login,101");
        awaitDesk("hotdesk-seated");
        assertThat(ari.get("endpoint", DESK).orElseThrow()).containsEntry("accountcode", "101")
                .containsEntry("callerid", "\"Alice Example\" <101>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"*70", "*77*"})
    void pin_login_with_the_code_alone_asks_for_the_extension_then_the_pin(String code) {
        Call c = call(SippCall.from(DESK, deskSecret, code).pause(PROMPT).digits("101#").pause(PROMPT).digits("3865#"));

        assertThat(c.results()).as(c.toString()).containsExactly("OK");
        awaitDesk("hotdesk-seated");
    }

    @Test
    void pin_login_3cx_style_with_the_extension_between_stars() {
        Call c = call(SippCall.from(DESK, deskSecret, "*77*101*").pause(PROMPT).digits("3865#"));

        assertThat(c.results()).as(c.toString()).containsExactly("OK");
        assertThat(c.log()).contains("hotdesk-login,101*");
        awaitDesk("hotdesk-seated");
    }

    @Test
    void a_wrong_pin_three_times_is_refused_after_three_prompts_and_the_desk_stays_idle() {
        Call c = call(SippCall.from(DESK, deskSecret, "*70102").pause(PROMPT).digits("9999#")
                .pause(PROMPT.multipliedBy(2)).digits("9998#").pause(PROMPT.multipliedBy(2)).digits("9997#"));

        assertThat(c.results()).as(c.toString()).containsExactly("BAD_PIN");
        assertThat(count(c.log(), "Playing 'agent-pass")).as(c.toString()).isEqualTo(3);
        assertThat(ari.get("endpoint", DESK).orElseThrow()).containsEntry("context", "hotdesk-idle");
    }

    @Test
    void a_caller_hanging_up_during_the_pin_prompt_changes_nothing() {
        Call c = call(SippCall.from(DESK, deskSecret, "*70101").pause(PROMPT).digits("25").hangUp());

        assertThat(c.results()).as(c.toString()).isEmpty();
        assertThat(c.log()).contains("Playing 'agent-pass");
        assertThat(ari.get("endpoint", DESK).orElseThrow()).containsEntry("context", "hotdesk-idle");
        assertThat(CliRun.ok(settings, "status")).doesNotContain("Alice");
    }

    // ---- one-time codes and logout codes

    @ParameterizedTest
    @ValueSource(strings = {"00*%s|*71", "00*%s#|*77*5*", "00#%s|00#", "00#%s#|00"})
    void a_one_time_code_logs_in_and_each_logout_code_logs_out(String dialled) {
        String[] codes = dialled.split("\\|");
        Call in = call(SippCall.from(DESK, deskSecret, codes[0].formatted(otp("101"))));

        assertThat(in.results()).as(in.toString()).containsExactly("OK");
        awaitDesk("hotdesk-seated");

        Call out = call(SippCall.from(DESK, deskSecret, codes[1]));

        assertThat(out.results()).as(out.toString()).containsExactly("LOGGED_OUT");
        awaitDesk("hotdesk-idle");
    }

    @Test
    void a_used_one_time_code_is_refused() {
        String code = otp("101");
        assertThat(call(SippCall.from(DESK, deskSecret, "00*" + code)).results()).containsExactly("OK");
        awaitDesk("hotdesk-seated");
        CliRun.ok(settings, "logout", "--device", MAC);
        awaitDesk("hotdesk-idle");

        Call again = call(SippCall.from(DESK, deskSecret, "00*" + code));

        assertThat(again.results()).as(again.toString()).containsExactly("BAD_PIN");
        assertThat(ari.get("endpoint", DESK).orElseThrow()).containsEntry("context", "hotdesk-idle");
    }

    @Test
    void an_expired_one_time_code_is_refused() {
        String code = otp("101");
        long issued = System.nanoTime();
        Duration validity = Duration.ofSeconds(10);
        await().atMost(validity.multipliedBy(3)).until(() -> System.nanoTime() - issued > validity.plusSeconds(1).toNanos());

        Call late = call(SippCall.from(DESK, deskSecret, "00*" + code));

        assertThat(late.results()).as(late.toString()).containsExactly("BAD_PIN");
        assertThat(ari.get("endpoint", DESK).orElseThrow()).containsEntry("context", "hotdesk-idle");
    }

    @Test
    void a_logout_code_on_a_free_desk_says_nobody_was_logged_in() {
        Call c = call(SippCall.from(DESK, deskSecret, "*71"));

        assertThat(c.results()).as(c.toString()).containsExactly("NOT_LOGGED_IN");
    }

    // ---- what an idle desk may not do

    @Test
    void an_idle_desk_dialling_an_ordinary_number_is_refused_with_a_prompt_and_no_dial() {
        Call c = call(SippCall.from(DESK, deskSecret, "5551234"));

        assertThat(c.log()).as(c.toString()).contains("[5551234@hotdesk-idle:1] Playback")
                .contains("Playing 'feature-not-avail-line").doesNotContain("Dial(").doesNotContain("AGI(");
    }

    // ---- with hotdesk stopped

    @ParameterizedTest
    @ValueSource(strings = {"911", "112", "999"})
    void an_idle_desk_reaches_every_emergency_number_with_its_elin_while_hotdesk_is_stopped(String number) {
        stopHotdesk();

        Call c = call(SippCall.from(DESK, deskSecret, number));

        assertThat(c.log()).as(c.toString()).contains("TEST-EMERGENCY " + number + " cid=" + ELIN + " from " + DESK);
        assertThat(asterisk.cdrs()).anySatisfy(cdr -> assertThat(cdr).contains("\"" + number + "\"")
                .contains("\"test-emergency\"").contains("ANSWERED"));
    }

    @Test
    void an_occupied_desk_reaches_emergency_with_the_desks_elin_while_hotdesk_is_stopped() {
        assertThat(call(SippCall.from(DESK, deskSecret, "*70101").pause(PROMPT).digits("3865#")).results())
                .containsExactly("OK");
        awaitDesk("hotdesk-seated");
        stopHotdesk();

        Call c = call(SippCall.from(DESK, deskSecret, "911"));

        // the desk's own context takes 911 first: no include in the user's context is needed or used
        assertThat(c.log()).as(c.toString()).contains("[911@hotdesk-seated:1]").doesNotContain("@internal:")
                .contains("TEST-EMERGENCY 911 cid=" + ELIN + " from " + DESK);
    }

    @Test
    void with_fastagi_unreachable_the_caller_hears_please_try_later() {
        stopHotdesk();

        Call c = call(SippCall.from(DESK, deskSecret, "*70101"));

        assertThat(c.results()).as(c.toString()).containsExactly("UNAVAILABLE");
        assertThat(c.log()).contains("Playing 'please-try-call-later");
        assertThat(ari.get("endpoint", DESK).orElseThrow()).containsEntry("context", "hotdesk-idle");
    }

    // ---- helpers

    /** A call's trace: what Asterisk logged for its channel, and how SIPp ended. */
    record Call(String log, RealAsterisk.Result sipp) {

        private static final Pattern RESULT = Pattern.compile("\"hotdesk-result,([A-Z_]+),1\"");

        @Override
        public String toString() {
            return "Asterisk log of the call:\n" + log + "\nSIPp exit " + sipp.exit() + ":\n" + sipp.output();
        }

        /** Every HOTDESK_RESULT the dialplan branched on, in order. */
        List<String> results() {
            List<String> out = new ArrayList<>();
            Matcher m = RESULT.matcher(log);
            while (m.find()) {
                out.add(m.group(1));
            }
            return out;
        }

        /** Places {@code call} on {@code asterisk} with SIPp (files in {@code sippDir}) and waits until no channel is left. */
        static Call on(RealAsterisk asterisk, Path sippDir, SippCall call) {
            int before = asterisk.log().length();
            RealAsterisk.Result r = call.run(asterisk, sippDir);
            await().atMost(PATIENCE).until(() -> asterisk.rx("core show channels count").contains("0 active calls"));
            return new Call(asterisk.log().substring(before), r);
        }
    }

    static Call call(SippCall call) {
        return Call.on(asterisk, dir.resolve("sipp"), call);
    }

    static void stopHotdesk() {
        server.close();
        server = null;
    }

    static String otp(String extension) {
        Matcher m = Pattern.compile("\\b(\\d{6})\\b").matcher(CliRun.ok(settings, "otp", "issue", extension));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** Starts hotdesk and waits until it has pushed everything (AMI up, the first full push done). */
    static void startHotdesk() {
        server = new Server(Config.load(null, Map.of(), settings));
        server.start();
        await().atMost(PATIENCE).until(() -> server.amiConnected() && server.reconcile().idle()
                && ari.get("endpoint", DESK).isPresent());
    }

    static void awaitDesk(String context) {
        await().atMost(PATIENCE).ignoreExceptions()
                .until(() -> ari.get("endpoint", DESK).map(e -> e.get("context")).orElse(""), context::equals);
    }
}
