package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.testing.RealAsterisk;
import hotdesk.testing.SippCall;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The auto-logout timers on the real Asterisk 22 with the generated dialplan and AMI: a desk whose idle
 * time passes during a call (SIPp holds it up) stays seated until the call ends and is logged out after;
 * a daily logout time ends a session. What is asserted about timing is functional (the desk is still seated
 * while Asterisk lists the call; it is free within the test's patience afterwards), never a speed.
 */
class RealAutoLogoutTest {

    static final String MAC = "00:15:65:a0:70:01";
    static final String DESK = "hd-001565a07001";
    static final String PIN = "3865";
    static final Duration PATIENCE = RealDialplanTest.PATIENCE;
    static final Duration HOLD = Duration.ofSeconds(12);

    @TempDir
    static Path dir;
    static RealAsterisk asterisk;
    static Map<String, String> base;
    static AriClient ari;
    static String secret;
    Server server;

    @BeforeAll
    static void startAsterisk() throws IOException {
        RealAsterisk.assumeKit();
        base = KitSettings.of(dir, "auto");
        base.put("pjsip.endpoint.dtmf_mode", "info");
        base.put("auto-logout.max", "0s");
        base.put("auto-logout.check-interval", "1s");
        asterisk = KitSettings.startAsterisk(dir.resolve("asterisk"), base, conf -> append(conf.resolve("extensions.conf"), """

                [held]
                include => hotdesk-codes
                include => hotdesk-emergency
                exten => 600,1,Answer()
                 same => n,Wait(60)
                 same => n,Hangup()
                """));
        ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER, AsteriskContract.ARI_PASSWORD,
                Duration.ofSeconds(5)));
        CliRun.ok(base, "user", "add", "101", "--name", "Alice", "--pin", PIN, "--context", "held");
        CliRun.ok(base, "device", "add", MAC, "--model", "T54W");
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @AfterAll
    static void stopAsterisk() {
        if (asterisk != null) {
            asterisk.close();
        }
    }

    private void serve(Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>(base);
        settings.putAll(extra);
        server = new Server(Config.load(null, Map.of(), settings));
        server.start();
        await().atMost(PATIENCE).until(() -> server.amiConnected() && server.reconcile().idle()
                && ari.get("endpoint", DESK).isPresent());
        secret = ari.get("auth", DESK + "-auth").orElseThrow().get("password");
    }

    private void logIn() {
        RealAsterisk.Result r = SippCall.from(DESK, secret, "*70101").pause(RealDialplanTest.PROMPT).digits(PIN + "#")
                .run(asterisk, dir.resolve("sipp"));
        assertThat(r.exit()).as(r.toString()).isZero();
        await().atMost(PATIENCE).until(this::seated);
    }

    private boolean seated() {
        return ari.get("endpoint", DESK).map(e -> "101".equals(e.get("accountcode"))).orElse(false);
    }

    private boolean callUp() {
        return asterisk.rx("core show channels concise").contains("PJSIP/" + DESK + "-");
    }

    @Test
    void an_idle_time_that_passes_during_a_call_logs_the_desk_out_only_after_the_hang_up() {
        serve(Map.of("auto-logout.idle", "4s"));
        logIn();

        CompletableFuture<RealAsterisk.Result> call = CompletableFuture.supplyAsync(() ->
                SippCall.from(DESK, secret, "600").pause(HOLD).hangUp().run(asterisk, dir.resolve("sipp-hold")));
        await().atMost(PATIENCE).until(this::callUp);
        Instant upSince = Instant.now();
        // the idle time (4 s) and several checks (1 s) pass while Asterisk lists the call: the desk stays seated
        while (Duration.between(upSince, Instant.now()).compareTo(Duration.ofSeconds(8)) < 0) {
            boolean up = callUp();
            boolean seatedNow = seated();
            if (!up) {
                break;
            }
            assertThat(seatedNow).as("seated while the call is up").isTrue();
            sleep(Duration.ofMillis(500));
        }
        assertThat(callUp()).as("the call is still up after 8 s of a 12 s hold").isTrue();
        assertThat(seated()).isTrue();

        RealAsterisk.Result held = call.join();
        assertThat(held.exit()).as(held.toString()).isZero();

        await().atMost(PATIENCE).until(() -> !seated());
        assertThat(ari.get("endpoint", DESK).orElseThrow()).containsEntry("context", "hotdesk-idle");
        assertThat(CliRun.ok(base, "audit", "--desk", MAC, "--action", "logout")).contains("timer").contains("reason=auto:idle");
    }

    @Test
    void a_daily_logout_time_ends_the_session() {
        LocalTime at = LocalTime.now(ZoneOffset.UTC).plusSeconds(20).withNano(0);
        serve(Map.of("auto-logout.daily", at.format(DateTimeFormatter.ofPattern("HH:mm:ss")), "auto-logout.idle", "0s"));
        logIn();

        await().atMost(PATIENCE.plusSeconds(20)).until(() -> !seated());

        assertThat(CliRun.ok(base, "audit", "--desk", MAC, "--action", "logout")).contains("reason=auto:daily");
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, text, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
