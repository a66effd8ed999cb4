package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.testing.Baresip;
import hotdesk.testing.RealAsterisk;
import hotdesk.testing.TestKeystore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9 on the real stack: hotdesk serves desk files over HTTPS behind a URL key and per-device
 * credentials; a real phone (baresip) takes its SIP account from the file it fetched with its own
 * credentials and registers at a real Asterisk 22, while the request of the issue (a User-Agent naming the
 * desk's MAC) gets no file, so no second registration can take the desk's identity.
 */
class RealSecureProvisioningTest {

    private static final String MAC = "00:15:65:b5:1f:02";
    private static final String DESK = "hd-001565b51f02";
    private static final String UA = "Yealink SIP-T54W 96.86.0.100 00:15:65:b5:1f:02";
    private static final String URL_KEY = "real-kit-url-key_0123456789";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private RealAsterisk asterisk;
    private Server server;
    private Baresip phone;

    @AfterEach
    void stop() throws IOException {
        if (phone != null) {
            phone.close();
        }
        if (server != null) {
            server.close();
        }
        if (asterisk != null) {
            asterisk.close();
        }
    }

    @Test
    void a_real_phone_provisions_over_https_with_its_credentials_and_the_issues_request_gets_nothing() throws Exception {
        RealAsterisk.assumeKit();
        Baresip.assumeInstalled();
        TestKeystore keystore = TestKeystore.create(dir.resolve("provisioning.p12"), "kit-store-password");
        Path passwordFile = dir.resolve("provisioning.pass");
        Files.writeString(passwordFile, "kit-store-password\n");
        Map<String, String> settings = KitSettings.of(dir, "secure-provisioning");
        settings.put("provisioning.tls-keystore", keystore.file().toString());
        settings.put("provisioning.tls-password-file", passwordFile.toString());
        settings.put("provisioning.url-key", URL_KEY);
        settings.put("provisioning.device-auth", "basic");
        asterisk = KitSettings.startAsterisk(dir.resolve("asterisk"), settings, conf -> { });
        AriClient ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER,
                AsteriskContract.ARI_PASSWORD, Duration.ofSeconds(5)));
        String added = CliRun.ok(settings, "device", "add", MAC, "--model", "T54W", "--label", "Desk B2", "--credentials");
        Matcher m = Pattern.compile("provisioning password (\\S+) ").matcher(added);
        assertThat(m.find()).isTrue();
        String password = m.group(1);
        server = new Server(Config.load(null, Map.of(), settings));
        server.start();
        await().atMost(PATIENCE).ignoreExceptions().until(() -> ari.get("endpoint", DESK).isPresent());
        HttpClient https = HttpClient.newBuilder().sslContext(keystore.trusting()).connectTimeout(Duration.ofSeconds(5)).build();
        String path = "/provision/" + URL_KEY + "/001565b51f02.cfg";

        // the issue's request: the right URL, a User-Agent naming the MAC, and nothing else
        HttpResponse<String> attack = get(https, "https", path, null);
        HttpResponse<String> guessed = get(https, "https", path, basic(DESK, "admin"));
        HttpResponse<String> noKey = get(https, "https", "/provision/001565b51f02.cfg", basic(DESK, password));
        assertThat(attack.statusCode()).isEqualTo(401);
        assertThat(guessed.statusCode()).isEqualTo(401);
        assertThat(noKey.statusCode()).isEqualTo(404);
        assertThatThrownBy(() -> get(HttpClient.newHttpClient(), "http", path, basic(DESK, password)))
                .isInstanceOf(IOException.class);

        // the phone, with its own credentials, gets its account and registers with it
        HttpResponse<String> own = get(https, "https", path, basic(DESK, password));
        assertThat(own.statusCode()).isEqualTo(200);
        String file = own.body();
        String sipPassword = value(file, "account.1.password");
        assertThat(attack.body()).doesNotContain(sipPassword);
        assertThat(value(file, "static.auto_provision.server.password")).isEqualTo(password);
        phone = Baresip.start(dir.resolve("phone"), RealAsterisk.kit().orElseThrow(), asterisk.sipPort(),
                value(file, "account.1.user_name"), sipPassword);
        await().atMost(PATIENCE).until(() -> asterisk.rx("pjsip show contacts").contains(DESK + "/sip:"));
    }

    private HttpResponse<String> get(HttpClient client, String scheme, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + server.provisioningPort() + path))
                .header("User-Agent", UA).timeout(Duration.ofSeconds(10)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String value(String file, String key) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + " = (.*)$").matcher(file);
        assertThat(m.find()).as("%s in the provisioning file", key).isTrue();
        return m.group(1).trim();
    }
}
