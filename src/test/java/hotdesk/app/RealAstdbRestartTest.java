package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.core.model.Mac;
import hotdesk.core.policy.Projections;
import hotdesk.testing.RealAsterisk;
import hotdesk.testing.SipRegistrar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With the default {@code asterisk.pjsip-wizard=astdb} Asterisk keeps pushed desk accounts across its
 * own restart, so a desk removed while Asterisk (or hotdesk) was down would survive as a stale account.
 * On the real Asterisk kit: after Asterisk is back and hotdesk has seen it (FullyBooted), such a desk's
 * endpoint, aor and auth are gone (ARI 404) and a REGISTER with its old credentials is refused.
 */
class RealAstdbRestartTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String MAC = "00:15:65:fe:ed:10";
    private static final String DESK = Mac.parse(MAC).endpointId();

    @TempDir
    Path dir;

    private Map<String, String> settings;
    private RealAsterisk asterisk;
    private Server server;
    private AriClient ari;

    @BeforeAll
    static void kit() {
        RealAsterisk.assumeKit();
    }

    @BeforeEach
    void asteriskWithAPushedDesk() throws IOException {
        settings = KitSettings.of(dir, "astdb");
        settings.put("reconcile.max-backoff", "1s");
        assertThat(Config.load(null, Map.of(), settings).string("asterisk.pjsip-wizard")).isEqualTo("astdb");
        asterisk = KitSettings.startAsterisk(dir.resolve("asterisk"), settings, conf -> { });
        ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER, AsteriskContract.ARI_PASSWORD,
                Duration.ofSeconds(5)));
        CliRun.ok(settings, "device", "add", MAC, "--model", "T54W", "--label", "Desk R1", "--elin", "+15551230010");
        startHotdesk();
    }

    @AfterEach
    void stopAll() {
        if (server != null) {
            server.close();
        }
        if (asterisk != null) {
            asterisk.close();
        }
    }

    @Test
    void a_desk_removed_while_asterisk_was_down_is_gone_after_it_is_back() {
        String secret = deskSecret();
        asterisk.stop();
        CliRun.ok(settings, "device", "remove", MAC);
        asterisk.start();

        awaitGone();
        assertRefused(secret);
    }

    @Test
    void a_desk_removed_while_hotdesk_was_down_and_asterisk_restarted_is_gone_once_hotdesk_is_back() {
        String secret = deskSecret();
        server.close();
        server = null;
        CliRun.ok(settings, "device", "remove", MAC);
        asterisk.restart();
        // the astdb wizard brought the stale account back: only hotdesk can delete it
        await().atMost(PATIENCE).ignoreExceptions().until(() -> ari.get("endpoint", DESK).isPresent());
        assertThat(ari.get("auth", Projections.authId(DESK))).isPresent();

        startHotdesk();
        awaitGone();
        assertRefused(secret);
    }

    private void startHotdesk() {
        server = new Server(Config.load(null, Map.of(), settings));
        server.start();
        await().atMost(PATIENCE).until(() -> server.amiConnected() && server.reconcile().idle());
    }

    private String deskSecret() {
        await().atMost(PATIENCE).ignoreExceptions().until(() -> ari.get("auth", Projections.authId(DESK)).isPresent());
        String secret = ari.get("auth", Projections.authId(DESK)).orElseThrow().get("password");
        try (SipRegistrar phone = new SipRegistrar(asterisk.sipPort())) {
            assertThat(phone.register(DESK, secret, Duration.ofSeconds(60))).isEqualTo(200);
        }
        return secret;
    }

    private void awaitGone() {
        await().atMost(PATIENCE).ignoreExceptions().until(() -> ari.get("endpoint", DESK).isEmpty()
                && ari.get("aor", DESK).isEmpty() && ari.get("auth", Projections.authId(DESK)).isEmpty());
    }

    private void assertRefused(String secret) {
        try (SipRegistrar phone = new SipRegistrar(asterisk.sipPort())) {
            assertThat(phone.register(DESK, secret, Duration.ofSeconds(60))).isNotEqualTo(200);
        }
    }
}
