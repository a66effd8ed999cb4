package hotdesk.ari;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hotdesk.testing.FakeAri;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fake itself, checked against what the real Asterisk 22.10.1 answered in the recorded
 * transcripts (ari-01 … ari-05, validation exp1/exp2/exp5/exp6), with a plain HTTP client so that
 * no hotdesk code is involved.
 */
class FakeAriTest {

    private static final String CONFIG = "/ari/asterisk/config/dynamic/res_pjsip/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeAri ari = new FakeAri("hotdesk", "arisecret");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stop() {
        ari.close();
    }

    @Test
    void info_answers_the_recorded_version_with_valid_credentials() throws Exception {
        HttpResponse<String> r = send("GET", "/ari/asterisk/info", null, null, "arisecret");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("system").path("version").asText()).isEqualTo("22.10.1");
        assertThat(r.headers().firstValue("Server")).contains("Asterisk/22.10.1");
    }

    @Test
    void missing_or_wrong_credentials_get_401_authentication_required() throws Exception {
        HttpResponse<String> none = send("GET", "/ari/asterisk/info", null, null, null);
        HttpResponse<String> wrong = send("GET", "/ari/asterisk/info", null, null, "wrong");
        HttpResponse<String> wrongOnPut = send("PUT", CONFIG + "aor/x", "application/json", fields("max_contacts", "1"), "wrong");

        for (HttpResponse<String> r : new HttpResponse[] {none, wrong, wrongOnPut}) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).isEqualTo("{\"message\":\"Authentication required\"}");
            assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"Asterisk REST Interface\"");
        }
        assertThat(ari.object("aor", "x")).isEmpty();
    }

    @Test
    void put_creates_the_object_and_answers_its_full_attribute_list_with_defaults() throws Exception {
        HttpResponse<String> r = put("aor", "hd-00156599aaaa", fields("max_contacts", "1", "remove_existing", "yes"));

        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, String> attrs = attributes(r);
        assertThat(attrs).hasSize(15)
                .containsEntry("max_contacts", "1")
                .containsEntry("remove_existing", "true")
                .containsEntry("default_expiration", "3600")
                .containsEntry("qualify_timeout", "3.000000")
                .containsEntry("mailboxes", "");
        assertThat(ari.object("aor", "hd-00156599aaaa")).contains(attrs);
    }

    @Test
    void an_endpoint_answers_normalised_values_and_never_lists_disallow() throws Exception {
        HttpResponse<String> r = put("endpoint", "hd-00156599aaaa", fields("transport", "transport-udp",
                "context", "hotdesk-idle", "disallow", "all", "allow", "ulaw,alaw", "aors", "hd-00156599aaaa",
                "auth", "hd-00156599aaaa-auth", "direct_media", "no", "bind_rtp_to_media_address", "yes",
                "callerid", "\"Hotdesk idle\" <00156599aaaa>"));

        Map<String, String> attrs = attributes(r);
        assertThat(attrs).hasSize(138)
                .containsEntry("allow", "(ulaw|alaw)")
                .containsEntry("direct_media", "false")
                .containsEntry("bind_rtp_to_media_address", "true")
                .containsEntry("callerid", "\"Hotdesk idle\" <00156599aaaa>")
                .containsEntry("set_var", "")
                .containsEntry("dtmf_mode", "rfc4733")
                .doesNotContainKey("disallow");
    }

    @Test
    void an_update_merges_so_fields_not_sent_keep_their_value() throws Exception {
        put("endpoint", "hd-00156599aaaa", fields("context", "hotdesk-idle", "accountcode", "201",
                "callerid", "\"Hotdesk idle\" <00156599aaaa>"));

        HttpResponse<String> r = put("endpoint", "hd-00156599aaaa", fields("callerid", "\"Alice\" <101>", "context", "internal"));

        assertThat(attributes(r)).containsEntry("callerid", "\"Alice\" <101>")
                .containsEntry("context", "internal")
                .containsEntry("accountcode", "201");
        HttpResponse<String> cleared = put("endpoint", "hd-00156599aaaa", fields("accountcode", ""));
        assertThat(attributes(cleared)).containsEntry("accountcode", "").containsEntry("context", "internal");
    }

    @Test
    void an_unknown_attribute_is_400_creation_for_a_new_object_and_update_for_an_existing_one() throws Exception {
        put("endpoint", "hd-00156599aaaa", fields("context", "internal"));

        HttpResponse<String> update = put("endpoint", "hd-00156599aaaa", fields("no_such_option", "x"));
        HttpResponse<String> creation = put("endpoint", "hd-00156599bbbb", fields("no_such_option", "x"));

        assertThat(update.statusCode()).isEqualTo(400);
        assertThat(message(update)).isEqualTo("Update of object 'hd-00156599aaaa' failed field value validation");
        assertThat(creation.statusCode()).isEqualTo(400);
        assertThat(message(creation)).isEqualTo("Creation of object 'hd-00156599bbbb' failed field value validation");
        assertThat(ari.object("endpoint", "hd-00156599bbbb")).isEmpty();
    }

    @Test
    void a_rejected_update_changes_nothing_even_when_other_fields_were_valid() throws Exception {
        put("endpoint", "e1", fields("context", "internal"));

        put("endpoint", "e1", fields("context", "other", "no_such_option", "x"));

        assertThat(ari.object("endpoint", "e1").orElseThrow()).containsEntry("context", "internal");
    }

    @Test
    void a_bad_boolean_is_accepted_and_stored_as_false() throws Exception {
        put("endpoint", "e1", fields("direct_media", "yes"));

        HttpResponse<String> r = put("endpoint", "e1", fields("direct_media", "maybe"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(attributes(r)).containsEntry("direct_media", "false");
    }

    @Test
    void a_body_that_is_not_json_is_400_error_parsing_request_body() throws Exception {
        HttpResponse<String> truncated = put("endpoint", "e1", "{\"fields\":[{\"attribute\":\"callerid\",\"value\":\"x\"");
        HttpResponse<String> prose = put("endpoint", "e1", "not json at all");

        assertThat(truncated.statusCode()).isEqualTo(400);
        assertThat(message(truncated)).isEqualTo("Error parsing request body");
        assertThat(prose.statusCode()).isEqualTo(400);
        assertThat(message(prose)).isEqualTo("Error parsing request body");
    }

    @Test
    void no_fields_an_empty_body_or_a_non_json_content_type_is_400_fields_must_be_provided() throws Exception {
        put("endpoint", "e1", fields("context", "internal"));

        HttpResponse<String> empty = put("endpoint", "e1", "{}");
        HttpResponse<String> nothing = send("PUT", CONFIG + "endpoint/e1", "application/json", "", "arisecret");
        HttpResponse<String> textPlain = send("PUT", CONFIG + "endpoint/e1", "text/plain", fields("context", "x"), "arisecret");
        HttpResponse<String> emptyList = put("endpoint", "e1", "{\"fields\":[]}");

        for (HttpResponse<String> r : new HttpResponse[] {empty, nothing, textPlain, emptyList}) {
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(message(r)).isEqualTo("Fields must be provided to update object 'e1'");
        }
        assertThat(ari.object("endpoint", "e1").orElseThrow()).containsEntry("context", "internal");
    }

    @Test
    void an_unknown_type_or_class_is_404_and_a_missing_object_too() throws Exception {
        HttpResponse<String> type = send("GET", "/ari/asterisk/config/dynamic/res_pjsip/nosuchtype/x", null, null, "arisecret");
        HttpResponse<String> configClass = send("GET", "/ari/asterisk/config/dynamic/res_nosuch/endpoint/x", null, null, "arisecret");
        HttpResponse<String> putType = put("nosuchtype", "x", fields("a", "b"));
        HttpResponse<String> object = send("GET", CONFIG + "endpoint/nosuch", null, null, "arisecret");

        assertThat(type.statusCode()).isEqualTo(404);
        assertThat(message(type)).isEqualTo("objectType 'nosuchtype' not found");
        assertThat(configClass.statusCode()).isEqualTo(404);
        assertThat(message(configClass)).isEqualTo("configClass 'res_nosuch' not found");
        assertThat(putType.statusCode()).isEqualTo(404);
        assertThat(object.statusCode()).isEqualTo(404);
        assertThat(message(object)).isEqualTo("Object with id 'nosuch' not found");
    }

    @Test
    void objects_from_pjsip_conf_can_be_read_but_put_and_delete_get_403() throws Exception {
        ari.configObject("endpoint", "101", Map.of("context", "internal", "callerid", "\"Bob\" <101>"));

        HttpResponse<String> read = send("GET", CONFIG + "endpoint/101", null, null, "arisecret");
        HttpResponse<String> update = put("endpoint", "101", fields("callerid", "\"Eve\" <101>"));
        HttpResponse<String> delete = send("DELETE", CONFIG + "endpoint/101", null, null, "arisecret");

        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(attributes(read)).containsEntry("context", "internal");
        assertThat(update.statusCode()).isEqualTo(403);
        assertThat(message(update)).isEqualTo("Cannot update sorcery objects of type 'endpoint'");
        assertThat(delete.statusCode()).isEqualTo(403);
        assertThat(message(delete)).isEqualTo("Could not delete object with id '101'");
        assertThat(ari.object("endpoint", "101").orElseThrow()).containsEntry("callerid", "\"Bob\" <101>");
    }

    @Test
    void delete_answers_204_then_404_and_leaves_the_endpoints_aor_and_auth() throws Exception {
        put("auth", "d-auth", fields("auth_type", "userpass", "username", "d", "password", "desksecret"));
        put("aor", "d", fields("max_contacts", "1"));
        put("endpoint", "d", fields("aors", "d", "auth", "d-auth"));

        HttpResponse<String> first = send("DELETE", CONFIG + "endpoint/d", null, null, "arisecret");
        HttpResponse<String> again = send("DELETE", CONFIG + "endpoint/d", null, null, "arisecret");

        assertThat(first.statusCode()).isEqualTo(204);
        assertThat(first.body()).isEmpty();
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(message(again)).isEqualTo("Object with id 'd' not found");
        assertThat(ari.object("aor", "d")).isPresent();
        assertThat(ari.object("auth", "d-auth")).isPresent();
    }

    @Test
    void references_are_not_checked() throws Exception {
        HttpResponse<String> r = put("endpoint", "err1", fields("aors", "nosuch-aor", "auth", "nosuch-auth"));

        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void auth_answers_carry_the_password_in_clear() throws Exception {
        HttpResponse<String> r = put("auth", "201-auth", fields("auth_type", "userpass", "username", "201", "password", "secret201"));

        assertThat(r.body()).contains("\"password\",\"value\":\"secret201\"");
        assertThat(attributes(r)).hasSize(12).containsEntry("nonce_lifetime", "32");
    }

    @Test
    void set_var_works_once_then_every_later_put_fails_500_until_delete_and_recreate() throws Exception {
        HttpResponse<String> first = put("endpoint", "hd-00156599cccc", fields("context", "internal",
                "set_var", "HOTDESK_USER=201", "set_var", "HOTDESK_DESK=00156599cccc"));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(attributes(first)).containsEntry("HOTDESK_USER", "201").containsEntry("HOTDESK_DESK", "00156599cccc")
                .doesNotContainKey("set_var");

        HttpResponse<String> unrelated = put("endpoint", "hd-00156599cccc", fields("context", "other"));
        HttpResponse<String> clear = put("endpoint", "hd-00156599cccc", fields("set_var", ""));

        for (HttpResponse<String> r : new HttpResponse[] {unrelated, clear}) {
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).isEqualTo("{\"error\":\"Allocation failed\"}");
        }
        assertThat(ari.object("endpoint", "hd-00156599cccc").orElseThrow()).containsEntry("context", "internal");

        send("DELETE", CONFIG + "endpoint/hd-00156599cccc", null, null, "arisecret");
        HttpResponse<String> recreated = put("endpoint", "hd-00156599cccc", fields("context", "other"));
        HttpResponse<String> updated = put("endpoint", "hd-00156599cccc", fields("context", "internal"));
        assertThat(recreated.statusCode()).isEqualTo(200);
        assertThat(updated.statusCode()).isEqualTo(200);
        assertThat(attributes(updated)).doesNotContainKey("HOTDESK_USER");
    }

    @Test
    void restart_wipes_pushed_objects_but_keeps_pjsip_conf_objects() throws Exception {
        ari.configObject("endpoint", "hd-0015651234ab", Map.of("context", "hotdesk-idle"));
        put("endpoint", "hd-00156599cccc", fields("context", "internal"));

        ari.restart();

        assertThat(send("GET", CONFIG + "endpoint/hd-00156599cccc", null, null, "arisecret").statusCode()).isEqualTo(404);
        assertThat(send("GET", CONFIG + "endpoint/hd-0015651234ab", null, null, "arisecret").statusCode()).isEqualTo(200);
    }

    @Test
    void down_refuses_connections_and_up_serves_again_on_the_same_port() throws Exception {
        int port = ari.port();

        ari.down();

        assertThatThrownBy(() -> send("GET", "/ari/asterisk/info", null, null, "arisecret"))
                .isInstanceOf(ConnectException.class);
        ari.up();
        assertThat(ari.port()).isEqualTo(port);
        assertThat(send("GET", "/ari/asterisk/info", null, null, "arisecret").statusCode()).isEqualTo(200);
    }

    @Test
    void the_request_log_records_method_raw_path_status_and_sent_attributes() throws Exception {
        put("aor", "a b", fields("max_contacts", "1", "remove_existing", "yes"));
        send("DELETE", CONFIG + "aor/zzz", null, null, "arisecret");

        assertThat(ari.requests()).extracting(FakeAri.Request::method, FakeAri.Request::path, FakeAri.Request::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("PUT", CONFIG + "aor/a%20b", 200),
                        org.assertj.core.groups.Tuple.tuple("DELETE", CONFIG + "aor/zzz", 404));
        assertThat(ari.requests().get(0).attributes()).containsExactly("max_contacts", "remove_existing");
        assertThat(ari.object("aor", "a b")).isPresent();
        assertThat(ari.requestCount()).isEqualTo(2);
    }

    // ---- helpers

    private HttpResponse<String> put(String type, String id, String body) throws IOException, InterruptedException {
        return send("PUT", CONFIG + type + "/" + id.replace(" ", "%20"), "application/json", body, "arisecret");
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body, String password)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ari.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (password != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(("hotdesk:" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code {"fields":[…]}} from name, value pairs (names may repeat, as set_var does). */
    private static String fields(String... pairs) {
        var root = JSON.createObjectNode();
        var list = root.putArray("fields");
        for (int i = 0; i < pairs.length; i += 2) {
            list.addObject().put("attribute", pairs[i]).put("value", pairs[i + 1]);
        }
        return root.toString();
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    private static String message(HttpResponse<String> r) throws IOException {
        return json(r).path("message").asText();
    }

    private static Map<String, String> attributes(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, String> m = new LinkedHashMap<>();
        json(r).forEach(a -> m.put(a.path("attribute").asText(), a.path("value").asText()));
        return m;
    }
}
