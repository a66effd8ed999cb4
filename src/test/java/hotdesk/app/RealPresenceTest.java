package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.testing.AmiWire;
import hotdesk.testing.Baresip;
import hotdesk.testing.RealAsterisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence that follows the person, on a real Asterisk 22 with two real phones (baresip): Alice (101) sits at
 * desk A and calls Bob (102) at desk B. Her call runs on desk A's endpoint, so {@code PJSIP/101} stays
 * NOT_INUSE, yet the hint of 101 (as the desk phones' context {@code hotdesk-seated} finds it, and as the
 * AMI ExtensionState a BLF subscription sees) is InUse during the call and Idle after it; the dialplan alone
 * does it.
 */
class RealPresenceTest {

    private static final String MAC_A = "00:15:65:b5:1f:11";
    private static final String MAC_B = "00:15:65:b5:1f:12";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private RealAsterisk asterisk;
    private Server server;
    private Baresip alice;
    private Baresip bob;

    @AfterEach
    void stop() throws IOException {
        Files.createDirectories(Path.of("target"));
        if (alice != null) {
            alice.close();
            Files.writeString(Path.of("target/real-presence-alice.txt"), alice.output());
        }
        if (bob != null) {
            bob.close();
        }
        if (asterisk != null) {
            Files.writeString(Path.of("target/real-presence-asterisk.txt"), asterisk.log());
        }
        if (server != null) {
            server.close();
        }
        if (asterisk != null) {
            asterisk.close();
        }
    }

    @Test
    void a_call_from_the_desk_someone_sits_at_lights_their_own_extensions_hint_and_the_end_of_it_clears_it() throws Exception {
        RealAsterisk.assumeKit();
        Baresip.assumeInstalled();
        Map<String, String> settings = KitSettings.of(dir, "presence");
        asterisk = KitSettings.startAsterisk(dir.resolve("asterisk"), settings, conf -> { });
        AriClient ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER,
                AsteriskContract.ARI_PASSWORD, Duration.ofSeconds(5)));
        CliRun.ok(settings, "user", "add", "101", "--name", "Alice Example", "--pin", "3865");
        CliRun.ok(settings, "user", "add", "102", "--name", "Bob Example", "--pin", "3866");
        CliRun.ok(settings, "user", "keys", "101", "--put", "1", "blf", "102", "Bob");
        CliRun.ok(settings, "device", "add", MAC_A, "--model", "T54W", "--label", "Desk A");
        CliRun.ok(settings, "device", "add", MAC_B, "--model", "T54W", "--label", "Desk B");
        server = new Server(Config.load(null, Map.of(), settings));
        server.start();
        alice = phone(MAC_A, "a");
        bob = phone(MAC_B, "b");
        logIn(settings, ari, alice, MAC_A, "101");
        logIn(settings, ari, bob, MAC_B, "102");
        // Alice's desk file now has her BLF key for Bob after the logout key
        assertThat(fetch(MAC_A)).contains("linekey.3.type = 16", "linekey.3.value = 102", "linekey.3.label = Bob");

        try (AmiWire ami = new AmiWire("127.0.0.1", asterisk.amiPort())) {
            assertThat(ami.login(AsteriskContract.AMI_USER, AsteriskContract.AMI_SECRET).get("Response")).isEqualTo("Success");
            assertThat(state(ami, "101")).isEqualTo("Idle");

            // when Alice calls Bob from her desk and he answers
            long incoming = bob.count("CALL_INCOMING");
            alice.command("dial", "sip:102@127.0.0.1:" + asterisk.sipPort());
            await().atMost(PATIENCE).until(() -> bob.count("CALL_INCOMING") > incoming);
            bob.command("accept", "");
            await().atMost(PATIENCE).until(() -> alice.count("CALL_ESTABLISHED") >= 1);

            // then 101 is in use although PJSIP/101 (her own endpoint) is not, and 102 too
            await().atMost(PATIENCE).until(() -> state(ami, "101"), "InUse"::equals);
            assertThat(deviceState(ami, "PJSIP/101")).isEqualTo("NOT_INUSE");
            assertThat(deviceState(ami, "Custom:hd-user-101")).isEqualTo("INUSE");
            assertThat(state(ami, "102")).isEqualTo("InUse");

            // when she hangs up, she is idle again
            long closed = alice.count("CALL_CLOSED");
            alice.command("hangup", "");
            await().atMost(PATIENCE).until(() -> alice.count("CALL_CLOSED") > closed);
            await().atMost(PATIENCE).until(() -> state(ami, "101"), "Idle"::equals);
            assertThat(deviceState(ami, "Custom:hd-user-101")).isEqualTo("NOT_INUSE");
        }
    }

    private Baresip phone(String mac, String name) throws Exception {
        String file = fetch(mac);
        String user = value(file, "account.1.user_name");
        Baresip phone = Baresip.start(dir.resolve("phone-" + name), RealAsterisk.kit().orElseThrow(), asterisk.sipPort(), user,
                value(file, "account.1.password"));
        await().atMost(PATIENCE).until(() -> asterisk.rx("pjsip show contacts").contains(user + "/sip:"));
        return phone;
    }

    private void logIn(Map<String, String> settings, AriClient ari, Baresip phone, String mac, String ext) {
        Matcher m = Pattern.compile("\\b(\\d{6})\\b").matcher(CliRun.ok(settings, "otp", "issue", ext));
        assertThat(m.find()).isTrue();
        long closed = phone.count("CALL_CLOSED");
        phone.command("dial", "sip:00*" + m.group(1) + "@127.0.0.1:" + asterisk.sipPort());
        await().atMost(PATIENCE).until(() -> phone.count("CALL_CLOSED") > closed);
        String desk = "hd-" + mac.replace(":", "");
        await().atMost(PATIENCE).ignoreExceptions()
                .until(() -> ari.get("endpoint", desk).orElseThrow().get("context"), "hotdesk-seated"::equals);
        await().atMost(PATIENCE).until(() -> asterisk.rx("database get hotdesk desk/" + desk + "/occupant").contains(ext));
    }

    /** AMI ExtensionState of {@code ext} in the seated desks' context, as a desk phone's BLF subscription finds it. */
    private static String state(AmiWire ami, String ext) {
        AmiWire.Message r = ami.action("ExtensionState", Map.of("Exten", ext, "Context", "hotdesk-seated"));
        assertThat(r.get("Response")).as(r.toString()).isEqualTo("Success");
        return r.get("StatusText");
    }

    private static String deviceState(AmiWire ami, String device) {
        return ami.action("Getvar", Map.of("Variable", "DEVICE_STATE(" + device + ")")).get("Value");
    }

    private String fetch(String mac) throws Exception {
        String m = mac.replace(":", "");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.provisioningPort() + "/provision/" + m + ".cfg"))
                .header("User-Agent", "Yealink SIP-T54W 96.86.0.100 " + mac).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static String value(String file, String key) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + " = (.*)$").matcher(file);
        assertThat(m.find()).as("%s in the provisioning file", key).isTrue();
        return m.group(1).trim();
    }
}
