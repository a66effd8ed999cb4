package hotdesk.ari;

import hotdesk.testing.LogCapture;
import hotdesk.core.port.PbxException;
import hotdesk.testing.FakeAri;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AriClientTest {

    private static final String ARI_PASSWORD = "ari-pw-Qq19x";
    private static final String DESK_PASSWORD = "desk-pw-Zx81q";

    private final FakeAri ari = new FakeAri("hotdesk", ARI_PASSWORD);
    private final AriClient client = new AriClient(settings(ARI_PASSWORD, Duration.ofSeconds(5)));

    @AfterEach
    void stop() {
        ari.close();
    }

    @Test
    void put_sends_every_field_and_returns_the_attributes_asterisk_answered() {
        Map<String, String> attrs = client.put("aor", "hd-0015651234ab", fields("max_contacts", "1", "remove_existing", "yes"));

        assertThat(attrs).containsEntry("max_contacts", "1").containsEntry("remove_existing", "true")
                .containsEntry("default_expiration", "3600");
        assertThat(ari.requests()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("PUT");
            assertThat(r.path()).isEqualTo("/ari/asterisk/config/dynamic/res_pjsip/aor/hd-0015651234ab");
            assertThat(r.attributes()).containsExactly("max_contacts", "remove_existing");
        });
    }

    @Test
    void write_sends_the_same_request_as_put_and_fails_as_put_fails() {
        client.write("aor", "hd-0015651234ab", fields("max_contacts", "1", "remove_existing", "yes"));

        assertThat(ari.requests()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("PUT");
            assertThat(r.path()).isEqualTo("/ari/asterisk/config/dynamic/res_pjsip/aor/hd-0015651234ab");
            assertThat(r.attributes()).containsExactly("max_contacts", "remove_existing");
        });
        assertThat(client.get("aor", "hd-0015651234ab")).hasValueSatisfying(a -> assertThat(a).containsEntry("max_contacts", "1"));
        assertThatThrownBy(() -> client.write("endpoint", "e1", fields("no_such_option", "x")))
                .isInstanceOfSatisfying(AriException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).endsWith(": Creation of object 'e1' failed field value validation");
                });
        ari.configObject("endpoint", "hd-00156512ffff", Map.of("context", "hotdesk-idle"));
        assertThatThrownBy(() -> client.write("endpoint", "hd-00156512ffff", fields("context", "x")))
                .isInstanceOfSatisfying(AriException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> client.write("aor", "a1", Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void get_returns_the_object_or_empty_when_asterisk_has_none() {
        client.put("endpoint", "hd-0015651234ab", fields("context", "internal"));

        assertThat(client.get("endpoint", "hd-0015651234ab")).hasValueSatisfying(a -> assertThat(a).containsEntry("context", "internal"));
        assertThat(client.get("endpoint", "nosuch")).isEmpty();
    }

    @Test
    void delete_returns_true_when_deleted_and_false_when_there_was_nothing() {
        client.put("aor", "a1", fields("max_contacts", "1"));

        assertThat(client.delete("aor", "a1")).isTrue();
        assertThat(client.delete("aor", "a1")).isFalse();
        assertThat(ari.object("aor", "a1")).isEmpty();
    }

    @Test
    void an_unknown_type_is_an_error_on_get_delete_and_put_not_a_missing_object() {
        for (Runnable call : List.<Runnable>of(() -> client.get("nosuchtype", "x"), () -> client.delete("nosuchtype", "x"),
                () -> client.put("nosuchtype", "x", fields("a", "b")))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(AriException.class, e -> {
                assertThat(e.status()).isEqualTo(404);
                assertThat(e.retryable()).isFalse();
                assertThat(e.getMessage()).contains("objectType 'nosuchtype' not found");
            });
        }
    }

    @Test
    void asterisk_version_reads_system_version_of_asterisk_info() {
        assertThat(client.asteriskVersion()).isEqualTo("22.10.1");
    }

    @Test
    void wrong_credentials_are_a_non_retryable_401_that_points_at_the_settings() {
        AriClient wrong = new AriClient(settings("not-the-password", Duration.ofSeconds(5)));

        assertThatThrownBy(wrong::asteriskVersion).isInstanceOfSatisfying(AriException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).startsWith("ARI GET /ari/asterisk/info → 401 after ")
                    .contains("Authentication required").contains("ari.user and ari.password");
        });
    }

    @Test
    void an_object_from_pjsip_conf_is_a_non_retryable_403_that_says_where_it_is_defined() {
        ari.configObject("endpoint", "hd-0015651234ab", Map.of("context", "hotdesk-idle"));

        PbxException e = catchThrowableOfType(PbxException.class,
                () -> client.put("endpoint", "hd-0015651234ab", fields("callerid", "\"Bob\" <101>")));

        assertThat(e).isInstanceOf(AriException.class);
        assertThat(((AriException) e).status()).isEqualTo(403);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage())
                .startsWith("ARI PUT /ari/asterisk/config/dynamic/res_pjsip/endpoint/hd-0015651234ab → 403 after ")
                .contains("Cannot update sorcery objects of type 'endpoint'")
                .contains("endpoint 'hd-0015651234ab' is defined in pjsip.conf; remove it there or let hotdesk own it");
        assertThatThrownBy(() -> client.delete("endpoint", "hd-0015651234ab"))
                .isInstanceOfSatisfying(AriException.class, d -> {
                    assertThat(d.retryable()).isFalse();
                    assertThat(d.getMessage()).contains("Could not delete object with id 'hd-0015651234ab'", "pjsip.conf");
                });
    }

    @Test
    void an_unknown_attribute_is_a_non_retryable_400_with_asterisks_message() {
        assertThatThrownBy(() -> client.put("endpoint", "e1", fields("no_such_option", "x")))
                .isInstanceOfSatisfying(AriException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).endsWith(": Creation of object 'e1' failed field value validation");
                });
    }

    @Test
    void a_500_is_retryable_and_an_endpoint_poisoned_by_set_var_is_explained() throws Exception {
        rawPutWithSetVar("hd-00156599cccc");

        assertThatThrownBy(() -> client.put("endpoint", "hd-00156599cccc", fields("context", "internal")))
                .isInstanceOfSatisfying(AriException.class, e -> {
                    assertThat(e.status()).isEqualTo(500);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.unanswered()).as("Asterisk answered: a failure of this object's own").isFalse();
                    assertThat(e.getMessage()).contains(": Allocation failed", "set_var", "delete it and push again");
                });
    }

    @Test
    void a_refused_connection_is_retryable_with_status_0_and_recovers_when_asterisk_is_back() {
        ari.down();

        assertThatThrownBy(client::asteriskVersion).isInstanceOfSatisfying(AriException.class, e -> {
            assertThat(e.status()).isZero();
            assertThat(e.retryable()).isTrue();
            assertThat(e.unanswered()).isTrue();
            assertThat(e.getMessage()).startsWith("ARI GET /ari/asterisk/info → no answer after ")
                    .contains("connection refused", "127.0.0.1:" + ari.port());
        });
        ari.up();
        assertThat(client.asteriskVersion()).isEqualTo("22.10.1");
    }

    @Test
    void a_connection_closed_without_an_answer_is_tried_once_more_on_a_new_one() {
        client.put("aor", "a0", fields("max_contacts", "1")); // a kept-alive connection to be closed under the next
        ari.dropNext(1);

        Map<String, String> attrs = client.put("aor", "a1", fields("max_contacts", "1"));

        assertThat(attrs).containsEntry("max_contacts", "1");
        assertThat(ari.object("aor", "a1")).isPresent();
    }

    @Test
    void a_second_connection_closed_without_an_answer_fails_as_unanswered() {
        ari.dropNext(2);

        assertThatThrownBy(() -> client.put("aor", "a1", fields("max_contacts", "1")))
                .isInstanceOfSatisfying(AriException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.unanswered()).isTrue();
                    assertThat(e.getMessage()).contains("ARI PUT /ari/asterisk/config/dynamic/res_pjsip/aor/a1", "no answer");
                });
        assertThat(ari.object("aor", "a1")).isEmpty();
        assertThat(client.put("aor", "a1", fields("max_contacts", "1"))).containsEntry("max_contacts", "1");
    }

    @Test
    void an_answer_slower_than_the_timeout_is_a_retryable_timeout() {
        AriClient impatient = new AriClient(settings(ARI_PASSWORD, Duration.ofMillis(300)));
        ari.slow(Duration.ofSeconds(10));

        assertThatThrownBy(() -> impatient.put("aor", "a1", fields("max_contacts", "1")))
                .isInstanceOfSatisfying(AriException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.unanswered()).isTrue();
                    assertThat(e.getMessage()).contains("ARI PUT /ari/asterisk/config/dynamic/res_pjsip/aor/a1", "timed out");
                });
    }

    @Test
    void an_interrupted_request_fails_retryably_and_keeps_the_interrupt_flag() {
        ari.slow(Duration.ofSeconds(10));
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> client.put("aor", "a1", fields("max_contacts", "1")))
                .isInstanceOfSatisfying(AriException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("interrupted");
                });
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void the_body_is_json_whatever_the_fields_hold_and_says_each_field_in_order() throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("callerid", "\"O'Brien \\ Søren 😀\" <101>");
        fields.put("set-with-controls", "a\nb\rc\td\u0001e\u001f");
        fields.put("lone-surrogate", "x\ud800y");
        fields.put("empty", "");

        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(AriClient.body(fields));

        assertThat(root.size()).isEqualTo(1);
        List<String> names = new ArrayList<>();
        root.get("fields").forEach(f -> {
            assertThat(f.size()).isEqualTo(2);
            names.add(f.get("attribute").asText());
            if (!f.get("attribute").asText().equals("lone-surrogate")) {
                assertThat(f.get("value").asText()).isEqualTo(fields.get(f.get("attribute").asText()));
            } else {
                assertThat(f.get("value").asText()).startsWith("x").endsWith("y").hasSize(3);
            }
        });
        assertThat(names).containsExactlyElementsOf(fields.keySet());
        // through Asterisk's fake and back: what was sent is what it holds
        Map<String, String> sent = fields("callerid", fields.get("callerid"));
        client.put("endpoint", "e1", sent);
        assertThat(ari.object("endpoint", "e1").orElseThrow()).containsAllEntriesOf(sent);
    }

    @Test
    void path_segments_are_percent_encoded() {
        client.put("aor", "a b/c?d%é", fields("max_contacts", "1"));

        assertThat(ari.object("aor", "a b/c?d%é")).isPresent();
        assertThat(ari.requests().get(0).path())
                .isEqualTo("/ari/asterisk/config/dynamic/res_pjsip/aor/a%20b%2Fc%3Fd%25%C3%A9");
    }

    @Test
    void set_var_is_refused_before_any_request() {
        assertThatThrownBy(() -> client.put("endpoint", "e1", fields("context", "internal", "set_var", "HOTDESK_USER=201")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set_var");
        assertThatThrownBy(() -> client.put("endpoint", "e1", fields("SET_VAR", "X=1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ari.requestCount()).isZero();
    }

    @Test
    void an_empty_field_set_or_an_unusable_id_is_refused_before_any_request() {
        assertThatThrownBy(() -> client.put("endpoint", "e1", Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.put("endpoint", "..", fields("context", "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.get("endpoint", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.delete("", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ari.requestCount()).isZero();
    }

    @Test
    void sequential_requests_reuse_one_kept_alive_connection() {
        client.put("aor", "a1", fields("max_contacts", "1"));
        client.put("aor", "a2", fields("max_contacts", "1"));
        client.get("aor", "a1");

        assertThat(ari.requests()).extracting(FakeAri.Request::remotePort).containsOnly(ari.requests().get(0).remotePort());
    }

    @Test
    void no_password_appears_in_any_exception_message_or_log_line() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        List<String> lines;
        try (LogCapture log = LogCapture.atDebug("hotdesk.ari")) {
            Map<String, String> auth = fields("auth_type", "userpass", "username", "hd-0015651234ab", "password", DESK_PASSWORD);
            assertThat(client.put("auth", "hd-0015651234ab-auth", auth)).containsEntry("password", DESK_PASSWORD);
            client.get("auth", "hd-0015651234ab-auth");
            ari.configObject("auth", "101-auth", Map.of("password", DESK_PASSWORD));
            failures.add(catchThrowableOfType(AriException.class, () -> client.put("auth", "101-auth", auth)));
            failures.add(catchThrowableOfType(AriException.class, () -> client.put("auth", "x-auth",
                    fields("password", DESK_PASSWORD, "no_such_option", DESK_PASSWORD))));
            AriClient wrong = new AriClient(settings(ARI_PASSWORD + "-wrong", Duration.ofSeconds(5)));
            failures.add(catchThrowableOfType(AriException.class, () -> wrong.put("auth", "hd-0015651234ab-auth", auth)));
            ari.slow(Duration.ofSeconds(10));
            failures.add(catchThrowableOfType(AriException.class,
                    () -> new AriClient(settings(ARI_PASSWORD, Duration.ofMillis(200))).put("auth", "y-auth", auth)));
            ari.slow(Duration.ZERO);
            ari.down();
            failures.add(catchThrowableOfType(AriException.class, () -> client.put("auth", "z-auth", auth)));
            failures.add(catchThrowableOfType(IllegalArgumentException.class,
                    () -> new AriSettings(URI.create("http://hotdesk:" + ARI_PASSWORD + "@127.0.0.1:8088/ari"), "hotdesk",
                            ARI_PASSWORD, Duration.ofSeconds(1))));
            lines = log.lines();
        }

        assertThat(failures).hasSize(6).doesNotContainNull();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(6);
        List<String> texts = new ArrayList<>(lines);
        for (Throwable t : failures) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                texts.add(String.valueOf(c));
            }
        }
        texts.add(settings(ARI_PASSWORD, Duration.ofSeconds(1)).toString());
        assertThat(texts).allSatisfy(text -> assertThat(text).doesNotContain(DESK_PASSWORD).doesNotContain(ARI_PASSWORD));
    }

    // ---- helpers

    private AriSettings settings(String password, Duration timeout) {
        return new AriSettings(ari.baseUrl(), "hotdesk", password, timeout);
    }

    private static Map<String, String> fields(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /** What someone else (an admin with curl) may have done: AriClient itself refuses set_var. */
    private void rawPutWithSetVar(String id) throws Exception {
        String body = "{\"fields\":[{\"attribute\":\"context\",\"value\":\"internal\"},"
                + "{\"attribute\":\"set_var\",\"value\":\"HOTDESK_USER=201\"}]}";
        HttpRequest put = HttpRequest.newBuilder(URI.create(ari.baseUrl() + "/asterisk/config/dynamic/res_pjsip/endpoint/" + id))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(("hotdesk:" + ARI_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(put, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }
}
