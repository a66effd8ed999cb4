package hotdesk.app;

import hotdesk.testing.FakeAmi;
import hotdesk.testing.FakeAri;
import hotdesk.testing.ScriptedAsterisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code /metrics} and {@code /health} of a running {@link Server} in front of the fake Asterisk peers,
 * read over real HTTP as Prometheus and a load balancer would.
 */
class MetricsEndpointTest {

    private static final String MAC = "00:15:65:12:34:AB";
    private static final String DESK = "hd-0015651234ab";
    private static final String YEALINK_UA = "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ab";
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final FakeAri ari = new FakeAri("hotdesk", "ari-test-password");
    private final FakeAmi ami = new FakeAmi("hotdesk", "ami-test-secret");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Map<String, String> settings;
    private Server server;

    @BeforeEach
    void setUp() throws IOException {
        ami.start();
        settings = PeerSettings.of(dir.resolve("ledger"), ari, "ari-test-password", ami, "ami-test-secret");
        settings.put("security.pin-iterations", "1000");
        settings.put("security.otp-iterations", "1000");
        settings.put("reconcile.interval", "100ms");
        settings.put("reconcile.max-backoff", "500ms");
        settings.put("metrics.port", Integer.toString(freePort()));
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
        ami.close();
        ari.close();
    }

    private static int freePort() throws IOException {
        return hotdesk.testing.RealAsterisk.freeTcpPort();
    }

    private void startServer() {
        server = new Server(Config.load(null, Map.of(), settings));
        server.start();
        await().atMost(PATIENCE).until(() -> server.amiConnected() && ami.logins() >= 1 && server.reconcile().idle());
    }

    private HttpResponse<String> get(int port, String path, String userAgent) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
        if (userAgent != null) {
            b.header("User-Agent", userAgent);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String scrape() throws IOException, InterruptedException {
        HttpResponse<String> r = get(server.metricsPort(), "/metrics", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        return r.body();
    }

    /** The value of one sample line, 0 when the series does not exist yet. */
    private static double sample(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void a_login_a_wrong_pin_a_push_and_fetches_move_their_counters() throws Exception {
        // given
        CliRun.ok(settings, "user", "add", "101", "--name", "Alice Example", "--pin", "3865");
        CliRun.ok(settings, "device", "add", MAC, "--model", "T54W", "--label", "Desk 4.12");
        startServer();
        String before = scrape();

        // when: a wrong PIN, then a login through FastAGI, then the phone's fetch and a refused one
        ScriptedAsterisk.call("hotdesk-login").fromEndpoint(DESK).dialled("*70101").args("101")
                .enters("0000").hangsUp().run(server.agiPort());
        ScriptedAsterisk.call("hotdesk-login").fromEndpoint(DESK).dialled("*70101").args("101")
                .enters("3865").run(server.agiPort());
        assertThat(get(server.provisioningPort(), "/provision/0015651234ab.cfg", YEALINK_UA).statusCode()).isEqualTo(200);
        assertThat(get(server.provisioningPort(), "/provision/0015651234ab.cfg", "curl/8").statusCode()).isEqualTo(404);
        String after = scrape();

        // then
        assertThat(sample(after, "hotdesk_logins_total{result=\"ok\"}") - sample(before, "hotdesk_logins_total{result=\"ok\"}"))
                .isEqualTo(1);
        assertThat(sample(after, "hotdesk_logins_total{result=\"bad_credentials\"}")).isEqualTo(1);
        assertThat(sample(after, "hotdesk_login_duration_seconds_count{result=\"ok\"}")).isEqualTo(1);
        assertThat(after).contains("hotdesk_login_duration_seconds_bucket{result=\"ok\",le=");
        // the login's push goes on after the caller heard OK (agi.apply-wait=0s): its counters move a moment later
        await().atMost(PATIENCE).until(() -> {
            String now = scrape();
            return sample(now, "hotdesk_pushes_total{kind=\"desk\",result=\"ok\"}")
                    > sample(before, "hotdesk_pushes_total{kind=\"desk\",result=\"ok\"}")
                    && sample(now, "hotdesk_pushes_total{kind=\"user\",result=\"ok\"}")
                    > sample(before, "hotdesk_pushes_total{kind=\"user\",result=\"ok\"}");
        });
        assertThat(sample(after, "hotdesk_fetches_total{result=\"served\"}")).isEqualTo(1);
        assertThat(sample(after, "hotdesk_fetches_total{result=\"user-agent\"}")).isEqualTo(1);
        assertThat(sample(after, "hotdesk_ami_connected")).isEqualTo(1);
        assertThat(sample(after, "hotdesk_ari_reachable")).isEqualTo(1);
        assertThat(after).contains("hotdesk_reconcile_lag_seconds ");
        // the PIN as a number of its own: a sample's value may hold the same four digits
        assertThat(after).doesNotContainPattern("(?<!\\d)3865(?!\\d)").doesNotContain("0015651234ab");
    }

    @Test
    void health_is_200_while_everything_is_up_and_503_naming_ami_once_ami_is_gone() throws Exception {
        // given
        startServer();
        HttpResponse<String> up = get(server.metricsPort(), "/health", null);
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(up.body()).startsWith("{\"status\":\"up\"")
                .contains("\"ledger\":{\"status\":\"up\"", "\"ami\":{\"status\":\"up\"", "\"ari\":{\"status\":\"up\"",
                        "\"reconciler\":{\"status\":\"up\"");

        // when Asterisk's manager interface goes away
        ami.close();
        await().atMost(PATIENCE).until(() -> !server.amiConnected());
        HttpResponse<String> down = get(server.metricsPort(), "/health", null);

        // then
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).startsWith("{\"status\":\"down\"").contains("\"ami\":{\"status\":\"down\"")
                .contains("\"ledger\":{\"status\":\"up\"");
        assertThat(sample(scrape(), "hotdesk_ami_connected")).isEqualTo(0);
    }

    @Test
    void the_listener_serves_nothing_else_and_is_off_by_default() throws Exception {
        // given
        startServer();

        // when / then
        assertThat(get(server.metricsPort(), "/provision/0015651234ab.cfg", YEALINK_UA).statusCode()).isEqualTo(404);
        assertThat(get(server.metricsPort(), "/", null).statusCode()).isEqualTo(404);
        server.close();
        server = null;

        settings.remove("metrics.port");
        startServer();
        assertThatThrownBy(server::metricsPort).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("metrics.port is 0");
    }

    @Test
    void a_bad_metrics_port_fails_the_start_naming_the_key() {
        settings.put("metrics.port", "70000");
        server = new Server(Config.load(null, Map.of(), settings));
        assertThatThrownBy(server::start).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metrics.port");
    }
}
