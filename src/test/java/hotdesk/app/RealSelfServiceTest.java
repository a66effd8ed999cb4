package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.testing.RealAsterisk;
import hotdesk.testing.SippCall;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Self-service on the real Asterisk 22 with the generated dialplan: a one-time code obtained from the
 * API with a user's token is dialled by a SIPp desk phone and seats the user; the QR sticker's page
 * seats a user through the same login. Both end with the desk's endpoint pushed as the user's.
 */
class RealSelfServiceTest {

    static final String MAC = "00:15:65:d5:e1:01";
    static final String DESK = "hd-001565d5e101";
    static final String PIN = "3865";
    static final Duration PATIENCE = RealDialplanTest.PATIENCE;

    @TempDir
    static Path dir;
    static RealAsterisk asterisk;
    static Map<String, String> settings;
    static Server server;
    static AriClient ari;
    static String secret;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startAsteriskAndHotdesk() throws IOException {
        RealAsterisk.assumeKit();
        settings = KitSettings.of(dir, "selfservice");
        settings.put("self-service.port", "0");
        asterisk = KitSettings.startAsterisk(dir.resolve("asterisk"), settings, conf -> { });
        ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER, AsteriskContract.ARI_PASSWORD,
                Duration.ofSeconds(5)));
        CliRun.ok(settings, "user", "add", "101", "--name", "Alice Example", "--pin", PIN);
        CliRun.ok(settings, "device", "add", MAC, "--model", "T54W", "--label", "Desk S1");
        server = new Server(Config.load(null, Map.of(), settings));
        server.start();
        await().atMost(PATIENCE).until(() -> server.amiConnected() && server.reconcile().idle()
                && ari.get("endpoint", DESK).isPresent());
        secret = ari.get("auth", DESK + "-auth").orElseThrow().get("password");
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
    void deskIdle() {
        CliRun.of(settings, Map.of(), "logout", "--device", MAC);
        awaitContext("hotdesk-idle");
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.selfServicePort() + path);
    }

    static void awaitContext(String context) {
        await().atMost(PATIENCE).ignoreExceptions()
                .until(() -> ari.get("endpoint", DESK).map(e -> e.get("context")).orElse(""), context::equals);
    }

    @Test
    void a_code_from_the_api_dialled_by_a_desk_phone_seats_the_user() throws Exception {
        String token = CliRun.ok(settings, "user", "token", "101").strip();

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/api/v1/otp")).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        Matcher code = Pattern.compile("\"code\":\"(\\d{6})\"").matcher(r.body());
        assertThat(code.find()).isTrue();
        RealDialplanTest.Call call = RealDialplanTest.Call.on(asterisk, dir.resolve("sipp"), SippCall.from(DESK, secret, "00*" + code.group(1)));
        assertThat(call.results()).as(call.toString()).containsExactly("OK");
        awaitContext("hotdesk-seated");
        assertThat(ari.get("endpoint", DESK).orElseThrow()).containsEntry("accountcode", "101");
        assertThat(CliRun.ok(settings, "audit", "--user", "101", "--action", "otp.issue")).contains("api:");

        RealDialplanTest.Call again = RealDialplanTest.Call.on(asterisk, dir.resolve("sipp"), SippCall.from(DESK, secret, "00*" + code.group(1)));
        assertThat(again.results()).as("single use: " + again).containsExactly("BAD_PIN");
    }

    @Test
    void the_qr_page_seats_the_user_at_its_desk_through_the_same_login() throws Exception {
        settings.put("self-service.public-url", "http://127.0.0.1:" + server.selfServicePort());
        try {
            Path svg = dir.resolve("desk.svg");
            CliRun.ok(settings, "device", "qr", MAC, "--out", svg.toString(), "--rotate");
            String key = RealQr.keyOf(java.nio.file.Files.readString(svg));
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(uri("/desk/" + key)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            String cookie = page.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
            assertThat(csrf.find()).isTrue();

            HttpResponse<String> signIn = http.send(HttpRequest.newBuilder(uri("/desk/" + key)).header("Cookie", cookie)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8)
                            + "&extension=101&pin=" + PIN)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
            awaitContext("hotdesk-seated");
            assertThat(ari.get("endpoint", DESK).orElseThrow()).containsEntry("accountcode", "101");
        } finally {
            settings.remove("self-service.public-url");
        }
    }

    /** Reads the sticker back: the key is in the QR code, not in the file's text. */
    static final class RealQr {
        static String keyOf(String svg) throws Exception {
            Matcher viewBox = Pattern.compile("viewBox=\"0 0 (\\d+) ").matcher(svg);
            assertThat(viewBox.find()).isTrue();
            int size = Integer.parseInt(viewBox.group(1));
            int scale = 8;
            int[] pixels = new int[size * scale * size * scale];
            java.util.Arrays.fill(pixels, 0xffffff);
            Matcher module = Pattern.compile("M(\\d+),(\\d+)h1v1h-1z").matcher(svg);
            while (module.find()) {
                int mx = Integer.parseInt(module.group(1));
                int my = Integer.parseInt(module.group(2));
                for (int x = 0; x < scale; x++) {
                    for (int y = 0; y < scale; y++) {
                        pixels[(my * scale + y) * size * scale + mx * scale + x] = 0;
                    }
                }
            }
            // the image is the code drawn exactly (a pure barcode): without saying so, zxing's finder-pattern search
            // missed 41 of 3,000 such codes of random keys, and the key here is random each run
            String url = new com.google.zxing.qrcode.QRCodeReader().decode(new com.google.zxing.BinaryBitmap(
                    new com.google.zxing.common.HybridBinarizer(new com.google.zxing.RGBLuminanceSource(size * scale, size * scale,
                            pixels))), java.util.Map.of(com.google.zxing.DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
            return url.substring(url.lastIndexOf('/') + 1);
        }
    }
}
