package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.testing.Baresip;
import hotdesk.testing.RealAsterisk;
import hotdesk.testing.SippCall;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The login rules on the real Asterisk 22 with the generated dialplan, two desks, SIPp callers: an
 * attacker's failures at desk A lock the victim's extension at A only, never at desk B; with
 * {@code login.multi-login=deny} a second desk ends in its own result and prompt; a user whose own policy is
 * allow sits at two desks and a call to them rings both real phones (baresip). Small limits keep the
 * calls few: 2 failures of an extension at a desk lock it there, 3 lock a desk, 4 an extension everywhere.
 */
class RealLoginPolicyTest {

    static final String MAC_A = "00:15:65:d2:a2:0a";
    static final String DESK_A = "hd-001565d2a20a";
    static final String MAC_B = "00:15:65:d2:a2:0b";
    static final String DESK_B = "hd-001565d2a20b";
    static final String MAC_C = "00:15:65:d2:a2:0c";
    static final String DESK_C = "hd-001565d2a20c";
    static final String PIN = "3865";
    static final Duration PROMPT = RealDialplanTest.PROMPT;
    static final Duration PATIENCE = RealDialplanTest.PATIENCE;

    @TempDir
    static Path dir;
    static RealAsterisk asterisk;
    static Map<String, String> settings;
    static Server server;
    static AriClient ari;
    static String secretA;
    static String secretB;
    static String secretC;

    @BeforeAll
    static void startAsteriskAndHotdesk() throws IOException {
        RealAsterisk.assumeKit();
        settings = KitSettings.of(dir, "policy");
        settings.put("pjsip.endpoint.dtmf_mode", "info");
        settings.put("login.multi-login", "deny");
        settings.put("lockout.max-failures", "2");
        settings.put("lockout.desk-max-failures", "3");
        settings.put("lockout.user-alert-failures", "3");
        settings.put("lockout.user-max-failures", "4");
        settings.put("asterisk.idle-internal-calls", "true");
        asterisk = KitSettings.startAsterisk(dir.resolve("asterisk"), settings, conf -> { });
        ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER, AsteriskContract.ARI_PASSWORD,
                Duration.ofSeconds(5)));
        CliRun.ok(settings, "user", "add", "101", "--name", "Victim", "--pin", PIN);
        CliRun.ok(settings, "user", "add", "102", "--name", "Roamer", "--pin", "4711");
        CliRun.ok(settings, "device", "add", MAC_A, "--model", "T54W", "--label", "Desk A");
        CliRun.ok(settings, "device", "add", MAC_B, "--model", "T54W", "--label", "Desk B");
        CliRun.ok(settings, "device", "add", MAC_C, "--model", "T54W", "--label", "Desk C");
        CliRun.ok(settings, "user", "add", "103", "--name", "Everywhere", "--pin", "4711", "--policy", "allow");
        server = new Server(Config.load(null, Map.of(), settings));
        server.start();
        await().atMost(PATIENCE).until(() -> server.amiConnected() && server.reconcile().idle()
                && ari.get("endpoint", DESK_A).isPresent() && ari.get("endpoint", DESK_B).isPresent());
        secretA = ari.get("auth", DESK_A + "-auth").orElseThrow().get("password");
        secretB = ari.get("auth", DESK_B + "-auth").orElseThrow().get("password");
        secretC = ari.get("auth", DESK_C + "-auth").orElseThrow().get("password");
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
    void desksIdleAndCountersClear() {
        CliRun.of(settings, Map.of(), "logout", "--device", MAC_A);
        CliRun.of(settings, Map.of(), "logout", "--device", MAC_B);
        CliRun.of(settings, Map.of(), "logout", "--user", "103");
        CliRun.of(settings, Map.of(), "device", "unlock", MAC_A);
        CliRun.of(settings, Map.of(), "user", "unlock", "101");
        awaitContext(DESK_A, "hotdesk-idle");
        awaitContext(DESK_B, "hotdesk-idle");
    }

    @Test
    void an_attacker_locking_the_victim_at_desk_a_does_not_keep_the_victim_out_of_desk_b() {
        RealDialplanTest.Call attack = call(SippCall.from(DESK_A, secretA, "*70101").pause(PROMPT).digits("9999#")
                .pause(PROMPT.multipliedBy(2)).digits("9998#").pause(PROMPT.multipliedBy(2)).digits(PIN + "#"));

        assertThat(attack.results()).as(attack.toString()).containsExactly("LOCKED");
        assertThat(attack.log()).contains("Playing 'please-try-call-later");
        assertThat(ari.get("endpoint", DESK_A).orElseThrow()).containsEntry("context", "hotdesk-idle");

        RealDialplanTest.Call victim = call(SippCall.from(DESK_B, secretB, "*70101").pause(PROMPT).digits(PIN + "#"));

        assertThat(victim.results()).as(victim.toString()).containsExactly("OK");
        awaitContext(DESK_B, "hotdesk-seated");
        assertThat(CliRun.ok(settings, "status")).contains("extension 101 at " + DESK_A);
    }

    @Test
    void with_multi_login_deny_a_second_desk_gets_already_seated_and_its_own_prompt() {
        assertThat(call(SippCall.from(DESK_A, secretA, "00*" + otp("102"))).results()).containsExactly("OK");
        awaitContext(DESK_A, "hotdesk-seated");

        RealDialplanTest.Call second = call(SippCall.from(DESK_B, secretB, "00*" + otp("102")));

        assertThat(second.results()).as(second.toString()).containsExactly("ALREADY_SEATED");
        assertThat(second.log()).contains("Playing 'is-in-use");
        assertThat(ari.get("endpoint", DESK_B).orElseThrow()).containsEntry("context", "hotdesk-idle");
        assertThat(ari.get("endpoint", DESK_A).orElseThrow()).containsEntry("accountcode", "102");
    }

    @Test
    void a_disabled_user_is_logged_out_at_once_loses_their_endpoint_and_hears_a_wrong_pin_and_a_disabled_desk_keeps_only_emergency() {
        String code = otp("101");
        assertThat(call(SippCall.from(DESK_A, secretA, "*70101").pause(PROMPT).digits(PIN + "#")).results()).containsExactly("OK");
        awaitContext(DESK_A, "hotdesk-seated");
        try {
            CliRun.ok(settings, "user", "set", "101", "--enabled", "off");

            awaitContext(DESK_A, "hotdesk-idle");
            await().atMost(PATIENCE).until(() -> ari.get("endpoint", "101").isEmpty() && ari.get("auth", "101-auth").isEmpty());
            RealDialplanTest.Call withCode = call(SippCall.from(DESK_A, secretA, "00*" + code));
            assertThat(withCode.results()).as(withCode.toString()).containsExactly("BAD_PIN");
            assertThat(CliRun.of(settings, Map.of(), "otp", "issue", "101").code()).isEqualTo(hotdesk.cli.ExitCodes.REFUSED);
            assertThat(CliRun.ok(settings, "audit", "--user", "101", "--action", "login.rejected"))
                    .contains("USER_DISABLED otp ext=101");
        } finally {
            CliRun.ok(settings, "user", "set", "101", "--enabled", "on");
        }
        await().atMost(PATIENCE).until(() -> ari.get("endpoint", "101").isPresent());

        CliRun.ok(settings, "device", "set", MAC_B, "--enabled", "off");
        try {
            awaitContext(DESK_B, "hotdesk-emergency");
            RealDialplanTest.Call login = call(SippCall.from(DESK_B, secretB, "*70101").pause(PROMPT).digits(PIN + "#"));
            assertThat(login.log()).as(login.toString()).doesNotContain("AGI(");
            RealDialplanTest.Call emergency = call(SippCall.from(DESK_B, secretB, "911"));
            assertThat(emergency.log()).as(emergency.toString()).contains("TEST-EMERGENCY 911").contains("from " + DESK_B);
        } finally {
            CliRun.ok(settings, "device", "set", MAC_B, "--enabled", "on");
        }
        awaitContext(DESK_B, "hotdesk-idle");
    }

    @Test
    void with_her_own_policy_allow_a_user_sits_at_two_desks_and_a_call_to_her_rings_both_phones() throws Exception {
        Baresip.assumeInstalled();
        Path kit = RealAsterisk.kit().orElseThrow();
        try (Baresip phoneA = Baresip.start(dir.resolve("phone-a"), kit, asterisk.sipPort(), DESK_A, secretA);
             Baresip phoneB = Baresip.start(dir.resolve("phone-b"), kit, asterisk.sipPort(), DESK_B, secretB)) {
            // (a REGISTER_OK event may come before the control connection: ask Asterisk)
            await().atMost(Duration.ofSeconds(60)).until(() -> asterisk.rx("pjsip show contacts").contains(DESK_A + "/sip:")
                    && asterisk.rx("pjsip show contacts").contains(DESK_B + "/sip:"));
            assertThat(call(SippCall.from(DESK_A, secretA, "00*" + otp("103"))).results()).containsExactly("OK");
            RealDialplanTest.Call second = call(SippCall.from(DESK_B, secretB, "00*" + otp("103")));

            // the global policy is deny: her own allow wins, and both desks are hers
            assertThat(second.results()).as(second.toString()).containsExactly("OK");
            await().atMost(PATIENCE).ignoreExceptions().until(() -> ari.get("endpoint", "103").orElseThrow().get("aors"),
                    (DESK_A + "," + DESK_B + ",103")::equals);
            assertThat(ari.get("endpoint", DESK_A).orElseThrow()).containsEntry("accountcode", "103");
            assertThat(ari.get("endpoint", DESK_B).orElseThrow()).containsEntry("accountcode", "103");

            // an idle desk calls 103 (asterisk.idle-internal-calls): the generated hotdesk-dial rings both phones
            var caller = java.util.concurrent.CompletableFuture.supplyAsync(() -> call(SippCall.from(DESK_C, secretC, "103")
                    .pause(Duration.ofSeconds(1)).hangUp()));
            await().atMost(PATIENCE).until(() -> phoneA.count("CALL_INCOMING") > 0 && phoneB.count("CALL_INCOMING") > 0);
            phoneB.command("accept", "");
            RealDialplanTest.Call inbound = caller.get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);

            assertThat(inbound.sipp().exit()).as(inbound.toString()).isZero();
            assertThat(phoneB.count("CALL_ESTABLISHED")).isPositive();
            assertThat(phoneA.count("CALL_ESTABLISHED")).isZero();

            // logging out at one desk leaves her at the other
            call(SippCall.from(DESK_A, secretA, "00#"));
            awaitContext(DESK_A, "hotdesk-idle");
            await().atMost(PATIENCE).ignoreExceptions().until(() -> ari.get("endpoint", "103").orElseThrow().get("aors"),
                    (DESK_B + ",103")::equals);
            assertThat(ari.get("endpoint", DESK_B).orElseThrow()).containsEntry("accountcode", "103");
        }
    }

    static RealDialplanTest.Call call(SippCall call) {
        return RealDialplanTest.Call.on(asterisk, dir.resolve("sipp"), call);
    }

    static String otp(String extension) {
        Matcher m = Pattern.compile("\\b(\\d{6})\\b").matcher(CliRun.ok(settings, "otp", "issue", extension));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    static void awaitContext(String desk, String context) {
        await().atMost(PATIENCE).ignoreExceptions()
                .until(() -> ari.get("endpoint", desk).map(e -> e.get("context")).orElse(""), context::equals);
    }
}
