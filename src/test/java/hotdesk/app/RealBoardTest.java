package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.testing.Chromium;
import hotdesk.testing.RealAsterisk;
import hotdesk.testing.SippCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The desk board of {@code hotdesk serve} (admin.port set) in a real headless Chromium while a real SIP
 * call (SIPp) dials {@code *70101} + PIN into a real Asterisk 22 from the test kit: the login shows on
 * the open board through server-sent events (no reload), then Asterisk's push result; an admin logs the
 * desk out from its tile and Asterisk's endpoint goes idle. Screenshot: target/board-screenshots/board.png.
 */
class RealBoardTest {

    private static final String MAC = "00:15:65:b0:a2:01";
    private static final String DESK = "hd-001565b0a201";
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Duration PROMPT = Duration.ofMillis(2500);

    @TempDir
    Path dir;

    private RealAsterisk asterisk;
    private Server server;
    private WebDriver browser;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (asterisk != null) {
            asterisk.close();
        }
    }

    @Test
    void a_login_dialled_through_asterisk_shows_on_the_open_board_live_and_an_admin_logs_it_out_from_the_tile() throws Exception {
        RealAsterisk.assumeKit();
        Chromium.assumeInstalled();
        // given hotdesk with its board, a real Asterisk, a desk, a user and a board admin made with the CLI
        Map<String, String> settings = KitSettings.of(dir, "board");
        int boardPort = RealAsterisk.freeTcpPort();
        settings.put("admin.port", Integer.toString(boardPort));
        settings.put("pjsip.endpoint.dtmf_mode", "info");
        asterisk = KitSettings.startAsterisk(dir.resolve("asterisk"), settings, conf -> { });
        AriClient ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER, AsteriskContract.ARI_PASSWORD,
                Duration.ofSeconds(5)));
        CliRun.ok(settings, "user", "add", "101", "--name", "Alice Example", "--pin", "3865");
        CliRun.ok(settings, "user", "add", "102", "--name", "Bob Example", "--pin", "4711");
        CliRun.ok(settings, "device", "add", MAC, "--model", "T54W", "--label", "Desk K1", "--elin", "+15551230001");
        CliRun.ok(settings, "device", "add", "00:15:65:b0:a2:02", "--model", "T54W", "--label", "Desk K2", "--elin", "+15551230002");
        Path password = dir.resolve("password.txt");
        Files.writeString(password, "board admin password\n");
        CliRun.ok(settings, "admin", "add", "anna", "--role", "admin", "--password-file", password.toString());
        server = new Server(Config.load(null, Map.of(), settings));
        server.start();
        await().atMost(PATIENCE).until(() -> server.amiConnected() && server.reconcile().idle() && ari.get("endpoint", DESK).isPresent());
        String deskSecret = ari.get("auth", DESK + "-auth").orElseThrow().get("password");
        String base = "http://127.0.0.1:" + server.boardPort();
        assertThat(server.boardPort()).isEqualTo(boardPort);
        // signed out, the board's data is refused
        HttpResponse<String> signedOut = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/board/tiles"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedOut.statusCode()).isEqualTo(401);

        // and the board open in a browser, signed in
        browser = Chromium.start(dir.resolve("profile"));
        browser.get(base + "/board");
        browser.findElement(By.id("name")).sendKeys("anna");
        browser.findElement(By.id("password")).sendKeys("board admin password");
        browser.findElement(By.id("signin")).click();
        await().atMost(PATIENCE).until(() -> "live".equals(browser.findElement(By.id("live")).getText()));
        Object loadedAt = js("return window.hotdeskBoard.loadedAt;");
        assertThat(tileText()).contains("free");

        // when the desk dials *70101 and the PIN through Asterisk (SIPp), while the browser watches
        AtomicReference<RealAsterisk.Result> call = new AtomicReference<>();
        Thread caller = new Thread(() -> call.set(SippCall.from(DESK, deskSecret, "*70101").pause(PROMPT).digits("3865#")
                .run(asterisk, dir.resolve("sipp"))));
        caller.start();

        // then the tile shows Alice, pushed by server-sent events (the page was not reloaded), and Asterisk's push result
        await().atMost(PATIENCE).until(() -> tileText().contains("Alice Example (101) since"));
        assertThat(js("return window.hotdeskBoard.loadedAt;")).isEqualTo(loadedAt);
        assertThat((Long) js("return window.hotdeskBoard.tileEvents;")).isPositive();
        await().atMost(PATIENCE).until(() -> tileText().contains("Asterisk: in sync"));
        caller.join(Duration.ofSeconds(60).toMillis());
        assertThat(asterisk.log()).contains("\"hotdesk-result,OK,1\"");
        recordLatency(settings);
        Chromium.screenshot(browser, Path.of("target/board-screenshots/board.png"));

        // when the admin logs the desk out from its tile
        browser.findElement(By.cssSelector("#tile-" + DESK + " button.logout")).click();
        browser.switchTo().alert().accept();

        // then Asterisk's endpoint is idle again and the tile says free
        await().atMost(PATIENCE).ignoreExceptions()
                .until(() -> ari.get("endpoint", DESK).orElseThrow().get("context"), "hotdesk-idle"::equals);
        await().atMost(PATIENCE).until(() -> tileText().contains("free") && tileText().contains("Asterisk: in sync"));
        assertThat(CliRun.ok(settings, "status")).doesNotContain("Alice");
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private String tileText() {
        return String.valueOf(js("var t = document.getElementById('tile-" + DESK + "'); return t ? t.innerText : '';"));
    }

    /**
     * How long after the login committed (the session's start in the ledger) the browser had the tile:
     * written to target/board-screenshots/latency.txt for people to read. Not asserted (shared machine).
     */
    @SuppressWarnings("unchecked")
    private void recordLatency(Map<String, String> settings) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"since\":\"([^\"]+)\"")
                .matcher(CliRun.ok(settings, "status", "--json"));
        assertThat(m.find()).as("a session start in status --json").isTrue();
        Instant since = Instant.parse(m.group(1));
        List<Map<String, Object>> arrivals = (List<Map<String, Object>>) js("return window.hotdeskBoard.arrivals;");
        long first = arrivals.stream().filter(a -> ("tile-" + DESK).equals(a.get("id")) && Boolean.TRUE.equals(a.get("occupied")))
                .mapToLong(a -> ((Number) a.get("at")).longValue()).min().orElseThrow();
        Files.createDirectories(Path.of("target/board-screenshots"));
        Files.writeString(Path.of("target/board-screenshots/latency.txt"),
                "login committed -> tile in the browser (server-sent event): " + (first - since.toEpochMilli()) + " ms\n");
    }
}
