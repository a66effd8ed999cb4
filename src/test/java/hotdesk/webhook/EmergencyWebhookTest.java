package hotdesk.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hotdesk.core.model.EmergencyAlert;
import hotdesk.core.model.EmergencyCall;
import hotdesk.testing.LogCapture;
import hotdesk.testing.MutableClock;
import hotdesk.testing.RealAsterisk;
import hotdesk.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The webhook against a real HTTP server on loopback (the JDK's): what it posts, how a receiver checks
 * the signature, retries after 5xx and refused connections, the bound on retries and on the queue,
 * refusals that are not retried, and stopping.
 */
class EmergencyWebhookTest {

    static final String SECRET = "webhook-test-secret-0123456789";
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private final ObjectMapper json = new ObjectMapper();
    private final MutableClock clock = MutableClock.atNoon();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private WebhookReceiver receiver() {
        WebhookReceiver r = new WebhookReceiver();
        toClose.add(r);
        return r;
    }

    private WebhookReceiver receiver(int port) {
        WebhookReceiver r = new WebhookReceiver(port);
        toClose.add(r);
        return r;
    }

    private EmergencyWebhook webhook(URI url, Duration retryFor, Duration first, Duration max, int queue) {
        EmergencyWebhook w = new EmergencyWebhook(new WebhookSettings(url, SECRET, Duration.ofSeconds(5), retryFor, first, max,
                queue), clock);
        toClose.add(w);
        return w;
    }

    private EmergencyWebhook webhook(URI url) {
        return webhook(url, Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofMillis(200), 100);
    }

    static EmergencyAlert alert(String desk, boolean test) {
        return new EmergencyAlert(new EmergencyCall(desk, "911", "+15551230314", "HQ \"Main\" Fl 3", "country=US,A1=CA",
                "PJSIP/" + desk + "-00000007", "1796150733.10", test), Optional.of(new EmergencyAlert.Occupant("101", "Alice")),
                true, java.time.Instant.parse("2026-12-01T12:00:00Z"), "node-a");
    }

    @Test
    void a_post_carries_the_alert_as_json_signed_so_that_the_receiver_can_verify_it() throws Exception {
        WebhookReceiver r = receiver();
        EmergencyWebhook w = webhook(r.url("/hooks/emergency"));

        w.send(alert("hd-0015651234ab", false));

        await().atMost(PATIENCE).until(() -> r.posts().size() == 1);
        WebhookReceiver.Post p = r.posts().get(0);
        assertThat(WebhookReceiver.signatureValid(p, SECRET)).isTrue();
        assertThat(WebhookReceiver.signatureValid(p, SECRET + "x")).isFalse();
        assertThat(p.header("Content-Type")).isEqualTo("application/json");
        assertThat(p.header("X-Hotdesk-Event")).isEqualTo("emergency.call");
        JsonNode body = json.readTree(p.body());
        assertThat(p.header("X-Hotdesk-Timestamp")).isEqualTo(body.get("timestamp").asText())
                .isEqualTo(Long.toString(clock.instant().getEpochSecond()));
        assertThat(body.get("event").asText()).isEqualTo("emergency.call");
        assertThat(body.get("test").asBoolean()).isFalse();
        assertThat(body.get("attempt").asInt()).isEqualTo(1);
        assertThat(body.get("id").asText()).matches("[0-9a-f-]{36}");
        assertThat(body.get("desk").asText()).isEqualTo("hd-0015651234ab");
        assertThat(body.get("number").asText()).isEqualTo("911");
        assertThat(body.get("elin").asText()).isEqualTo("+15551230314");
        assertThat(body.get("where").asText()).isEqualTo("HQ \"Main\" Fl 3");
        assertThat(body.get("civic").asText()).isEqualTo("country=US,A1=CA");
        assertThat(body.get("channel").asText()).isEqualTo("PJSIP/hd-0015651234ab-00000007");
        assertThat(body.get("call_id").asText()).isEqualTo("1796150733.10");
        assertThat(body.get("occupant").get("extension").asText()).isEqualTo("101");
        assertThat(body.get("occupant").get("name").asText()).isEqualTo("Alice");
        assertThat(body.get("occupant_known").asBoolean()).isTrue();
        assertThat(body.get("time").asText()).isEqualTo("2026-12-01T12:00:00Z");
        assertThat(body.get("node").asText()).isEqualTo("node-a");
    }

    @Test
    void a_test_call_is_posted_with_test_true_and_a_free_desk_with_a_null_occupant() throws Exception {
        WebhookReceiver r = receiver();
        EmergencyWebhook w = webhook(r.url("/"));

        w.send(alert("hd-1", true));
        w.send(new EmergencyAlert(new EmergencyCall("hd-2", "112", "", "", "", "c", "", false), Optional.empty(), true,
                clock.instant(), ""));

        await().atMost(PATIENCE).until(() -> r.posts().size() == 2);
        JsonNode test = json.readTree(r.posts().get(0).body());
        JsonNode free = json.readTree(r.posts().get(1).body());
        assertThat(test.get("test").asBoolean()).isTrue();
        assertThat(test.get("event").asText()).isEqualTo("emergency.test");
        assertThat(r.posts().get(0).header("X-Hotdesk-Event")).isEqualTo("emergency.test");
        assertThat(free.get("occupant").isNull()).isTrue();
        assertThat(free.get("elin").asText()).isEmpty();
    }

    @Test
    void failed_posts_are_retried_with_the_same_id_after_500s_and_after_a_refused_connection() throws Exception {
        WebhookReceiver r = receiver();
        r.respond(500, 503);
        EmergencyWebhook w = webhook(r.url("/"));

        try (LogCapture log = LogCapture.of("hotdesk.webhook")) {
            w.send(alert("hd-1", false));

            await().atMost(PATIENCE).until(() -> r.posts().size() == 3);
            List<JsonNode> bodies = new ArrayList<>();
            for (WebhookReceiver.Post p : r.posts()) {
                assertThat(WebhookReceiver.signatureValid(p, SECRET)).isTrue();
                bodies.add(json.readTree(p.body()));
            }
            assertThat(bodies).extracting(b -> b.get("id").asText()).containsOnly(bodies.get(0).get("id").asText());
            assertThat(bodies).extracting(b -> b.get("attempt").asInt()).containsExactly(1, 2, 3);
            await().atMost(PATIENCE).until(() -> log.messages().stream().anyMatch(m -> m.contains("delivered")
                    && m.contains("try 3")));
            assertThat(log.lines()).anyMatch(l -> l.startsWith("WARN") && l.contains("(HTTP 500), try 1"));
        }

        // nothing listens at first: the connection is refused, and retried until the receiver is there
        int port = RealAsterisk.freeTcpPort();
        EmergencyWebhook later = webhook(URI.create("http://127.0.0.1:" + port + "/late"));
        try (LogCapture log = LogCapture.of("hotdesk.webhook")) {
            later.send(alert("hd-2", false));
            await().atMost(PATIENCE).until(() -> log.messages().stream().anyMatch(m -> m.contains("connection refused")));
            WebhookReceiver arrived = receiver(port);
            await().atMost(PATIENCE).until(() -> arrived.posts().size() == 1);
            JsonNode body = json.readTree(arrived.posts().get(0).body());
            assertThat(body.get("desk").asText()).isEqualTo("hd-2");
            assertThat(body.get("attempt").asInt()).isGreaterThan(1);
        }
    }

    @Test
    void a_post_that_keeps_failing_is_given_up_with_an_error_once_retry_for_is_over() throws Exception {
        WebhookReceiver r = receiver();
        r.otherwise(503);
        EmergencyWebhook w = webhook(r.url("/"), Duration.ofMillis(400), Duration.ofMillis(50), Duration.ofMillis(100), 10);

        try (LogCapture log = LogCapture.of("hotdesk.webhook")) {
            w.send(alert("hd-0015651234ab", false));

            await().atMost(PATIENCE).until(() -> log.lines().stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("gave up")));
            assertThat(log.lines()).filteredOn(l -> l.startsWith("ERROR")).singleElement().asString()
                    .contains("emergency call from desk hd-0015651234ab to 911", "emergency.webhook-retry-for", "HTTP 503");
            assertThat(w.waiting()).isZero();
            // how many tries fit into the bound depends on the machine's speed: at least the first one
            assertThat(r.posts()).isNotEmpty();
            int tries = r.posts().size();
            assertThat(log.lines()).filteredOn(l -> l.startsWith("ERROR")).singleElement().asString()
                    .contains("after " + (tries == 1 ? "1 try" : tries + " tries"));
        }
    }

    @Test
    void a_refusal_such_as_401_or_404_is_not_retried() throws Exception {
        WebhookReceiver r = receiver();
        r.respond(401, 404);
        EmergencyWebhook w = webhook(r.url("/"));

        try (LogCapture log = LogCapture.of("hotdesk.webhook")) {
            w.send(alert("hd-1", false));
            w.send(alert("hd-2", false));

            await().atMost(PATIENCE).until(() -> log.lines().stream().filter(l -> l.contains("not retried")).count() == 2);
            assertThat(log.lines()).filteredOn(l -> l.startsWith("ERROR")).hasSize(2)
                    .anyMatch(l -> l.contains("HTTP 401") && l.contains("hd-1"))
                    .anyMatch(l -> l.contains("HTTP 404") && l.contains("hd-2"));
            assertThat(w.waiting()).isZero();
            assertThat(r.posts()).hasSize(2);
        }
    }

    @Test
    void when_the_queue_is_full_the_oldest_waiting_post_is_dropped_with_an_error_and_send_never_blocks() throws Exception {
        WebhookReceiver r = receiver();
        r.hold();
        EmergencyWebhook w = webhook(r.url("/"), Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofMillis(200), 2);

        try (LogCapture log = LogCapture.of("hotdesk.webhook")) {
            w.send(alert("hd-a", false));
            await().atMost(PATIENCE).until(() -> r.posts().size() == 1); // hd-a is in flight, held by the receiver
            w.send(alert("hd-b", false));
            w.send(alert("hd-c", false));
            w.send(alert("hd-d", false)); // returns although the one POST thread is stuck

            assertThat(w.waiting()).isEqualTo(2);
            assertThat(log.lines()).filteredOn(l -> l.startsWith("ERROR")).singleElement().asString()
                    .contains("dropped the oldest", "desk hd-b", "emergency.webhook-queue-size");
            r.release();
            await().atMost(PATIENCE).until(() -> r.posts().size() == 3);
        }
        List<String> desks = new ArrayList<>();
        for (WebhookReceiver.Post p : r.posts()) {
            desks.add(json.readTree(p.body()).get("desk").asText());
        }
        assertThat(desks).containsExactly("hd-a", "hd-c", "hd-d");
    }

    @Test
    void stopping_tries_each_waiting_post_once_more_then_gives_up_the_rest_and_takes_no_new_ones() throws Exception {
        WebhookReceiver r = receiver();
        r.otherwise(500);
        // a long backoff: after the first failure both wait, and only closing tries them again
        EmergencyWebhook w = webhook(r.url("/"), Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ofMinutes(5), 10);

        try (LogCapture log = LogCapture.of("hotdesk.webhook")) {
            w.send(alert("hd-1", false));
            w.send(alert("hd-2", false));
            await().atMost(PATIENCE).until(() -> r.posts().size() == 2 && w.waiting() == 2);

            w.close();

            await().atMost(PATIENCE).until(w::stopped);
            assertThat(r.posts()).hasSize(4);
            assertThat(log.lines()).filteredOn(l -> l.startsWith("ERROR") && l.contains("gave up")).hasSize(2)
                    .allMatch(l -> l.contains("hotdesk is stopping"));
            assertThat(w.waiting()).isZero();

            w.send(alert("hd-3", false));
            assertThat(log.lines()).anyMatch(l -> l.startsWith("ERROR") && l.contains("not posted, hotdesk is stopping")
                    && l.contains("hd-3"));
        }
    }

    @Test
    void stopping_gives_up_a_post_the_receiver_never_answers_within_the_timeout() throws Exception {
        WebhookReceiver r = receiver();
        r.hold(); // the receiver never answers while this is held
        EmergencyWebhook w = new EmergencyWebhook(new WebhookSettings(r.url("/"), SECRET, Duration.ofMillis(300),
                Duration.ofMinutes(10), Duration.ofMillis(50), Duration.ofMillis(100), 10), clock);
        toClose.add(w);

        try (LogCapture log = LogCapture.of("hotdesk.webhook")) {
            w.send(alert("hd-1", false));
            await().atMost(PATIENCE).until(() -> !r.posts().isEmpty());

            w.close();

            await().atMost(PATIENCE).until(w::stopped);
            assertThat(log.lines()).anyMatch(l -> l.startsWith("ERROR") && l.contains("gave up") && l.contains("hd-1"));
        }
    }

    @Test
    void the_secret_and_the_query_of_the_url_are_never_logged() throws Exception {
        WebhookReceiver r = receiver();
        r.respond(500);
        try (LogCapture log = LogCapture.atDebug("hotdesk")) {
            EmergencyWebhook w = webhook(r.url("/hook?token=query-token-4711"));
            w.send(alert("hd-1", false));
            await().atMost(PATIENCE).until(() -> r.posts().size() == 2);
            w.close();

            assertThat(log.lines()).isNotEmpty().noneMatch(l -> l.contains(SECRET) || l.contains("query-token-4711"));
            assertThat(String.join("\n", log.lines())).contains("http://127.0.0.1:" + r.port() + "/hook");
        }
        assertThat(new WebhookSettings(r.url("/x?token=query-token-4711"), SECRET, Duration.ofSeconds(1), Duration.ZERO,
                Duration.ofSeconds(1), Duration.ofSeconds(1), 1).toString()).doesNotContain(SECRET, "query-token-4711");
    }
}
