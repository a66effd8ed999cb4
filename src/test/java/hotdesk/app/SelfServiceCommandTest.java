package hotdesk.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hotdesk.store.DatabaseSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hotdesk user token}, {@code hotdesk api-token} and {@code hotdesk device qr} on a real H2 ledger file. */
class SelfServiceCommandTest {

    static final String MAC = "00:15:65:b5:1f:01";

    @TempDir
    Path dir;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void ledger() {
        settings.put("db.url", DatabaseSettings.h2(dir.resolve("ledger")).url());
        settings.put("security.pin-iterations", "1000");
        CliRun.ok(settings, "user", "add", "101", "--name", "Alice", "--pin", "3865");
        CliRun.ok(settings, "device", "add", MAC, "--model", "T54W", "--label", "Desk 4.12", "--elin", "911");
    }

    private CliRun run(String... command) {
        return CliRun.of(settings, Map.of(), command);
    }

    private String dump() throws Exception {
        return new String(Files.readAllBytes(dir.resolve("ledger.mv.db")), StandardCharsets.ISO_8859_1);
    }

    @Test
    void user_token_prints_a_new_token_once_lists_it_without_the_secret_and_revokes_it() throws Exception {
        CliRun created = run("user", "token", "101");

        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.err()).isEmpty();
        String token = created.out().strip();
        assertThat(token).matches("hdt_[A-Za-z0-9_-]{43}");
        JsonNode list = json.readTree(CliRun.ok(settings, "user", "token", "101", "--list", "--json"));
        assertThat(list).hasSize(1);
        long id = list.get(0).get("id").asLong();
        assertThat(list.get(0).get("extension").asText()).isEqualTo("101");
        assertThat(list.get(0).get("revoked").isNull()).isTrue();
        assertThat(CliRun.ok(settings, "user", "token", "101", "--list")).contains(Long.toString(id)).doesNotContain(token);
        assertThat(dump()).doesNotContain(token);

        assertThat(CliRun.ok(settings, "user", "token", "101", "--revoke", Long.toString(id))).contains("revoked token " + id);
        CliRun twice = run("user", "token", "101", "--revoke", Long.toString(id));
        assertThat(twice.code()).isEqualTo(3);
        assertThat(twice.err()).contains("revoked already");
        assertThat(json.readTree(CliRun.ok(settings, "user", "token", "101", "--list", "--json")).get(0).get("revoked").isNull()).isFalse();
    }

    @Test
    void user_token_is_refused_for_an_unknown_user_another_users_token_and_list_with_revoke() {
        CliRun.ok(settings, "user", "add", "102", "--name", "Bob", "--pin", "5197");
        String created = CliRun.ok(settings, "user", "token", "102", "--json");
        String id = created.replaceAll("(?s).*\"id\":(\\d+).*", "$1");

        CliRun unknown = run("user", "token", "199");
        CliRun notHis = run("user", "token", "101", "--revoke", id);
        CliRun both = run("user", "token", "101", "--list", "--revoke", id);

        assertThat(unknown.code()).isEqualTo(3);
        assertThat(unknown.err().strip()).isEqualTo("hotdesk: no user 199");
        assertThat(notHis.code()).isEqualTo(3);
        assertThat(notHis.err()).contains("no token " + id + " of user 101");
        assertThat(both.code()).isEqualTo(3);
        assertThat(created).contains("\"token\":\"hdt_");
    }

    @Test
    void api_token_add_list_and_revoke_integration_tokens_apart_from_user_tokens() throws Exception {
        CliRun.ok(settings, "user", "token", "101");
        JsonNode added = json.readTree(CliRun.ok(settings, "api-token", "add", "intranet", "--json"));
        long id = added.get("id").asLong();

        JsonNode list = json.readTree(CliRun.ok(settings, "api-token", "list", "--json"));
        CliRun badName = run("api-token", "add", "Intranet Page");
        CliRun revoked = run("api-token", "revoke", Long.toString(id));
        CliRun unknown = run("api-token", "revoke", "999");

        assertThat(added.get("token").asText()).matches("hdt_[A-Za-z0-9_-]{43}");
        assertThat(added.get("scope").asText()).isEqualTo("admin");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("name").asText()).isEqualTo("intranet");
        assertThat(badName.code()).isEqualTo(3);
        assertThat(revoked.code()).isZero();
        assertThat(unknown.code()).isEqualTo(3);
        assertThat(unknown.err()).contains("no integration token 999");
        assertThat(dump()).doesNotContain(added.get("token").asText());
    }

    @Test
    void device_qr_writes_an_svg_and_needs_rotate_for_a_second_sticker_and_revoke_removes_it() throws Exception {
        settings.put("self-service.public-url", "https://desks.example.org/");
        Path svg = dir.resolve("desk.svg");
        Path png = dir.resolve("desk.png");

        CliRun first = run("device", "qr", MAC, "--out", svg.toString());
        CliRun again = run("device", "qr", MAC, "--out", png.toString());
        CliRun rotated = run("device", "qr", MAC, "--out", png.toString(), "--rotate");
        CliRun revoked = run("device", "qr", MAC, "--revoke");
        CliRun revokedAgain = run("device", "qr", MAC, "--revoke");

        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("wrote " + svg);
        assertThat(Files.readString(svg)).contains("<svg").contains("Desk 4.12");
        assertThat(again.code()).isEqualTo(3);
        assertThat(again.err()).contains("--rotate");
        assertThat(rotated.code()).as(rotated.err()).isZero();
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        assertThat(revoked.code()).isZero();
        assertThat(revokedAgain.code()).isEqualTo(3);
        CliRun audit = run("audit", "--json");
        assertThat(audit.out()).contains("desk-key.issue").contains("desk-key.revoke");
    }

    @Test
    void device_qr_is_refused_without_a_public_url_for_an_unknown_device_and_a_wrong_file_type() {
        CliRun noUrl = run("device", "qr", MAC, "--out", dir.resolve("a.svg").toString());
        settings.put("self-service.public-url", "https://desks.example.org");
        CliRun unknown = run("device", "qr", "00:15:65:99:99:99", "--out", dir.resolve("b.svg").toString());
        CliRun wrongType = run("device", "qr", MAC, "--out", dir.resolve("c.jpg").toString());
        CliRun noLine = run("device", "qr", MAC, "--port", "2", "--out", dir.resolve("d.svg").toString());
        CliRun plainHttp = CliRun.of(Map.of("db.url", settings.get("db.url"), "self-service.public-url", "http://desks.example.org"),
                Map.of(), "device", "qr", MAC, "--out", dir.resolve("e.svg").toString());

        assertThat(noUrl.code()).isEqualTo(3);
        assertThat(noUrl.err()).contains("self-service.public-url");
        assertThat(unknown.code()).isEqualTo(3);
        assertThat(unknown.err()).contains("no device");
        assertThat(wrongType.code()).isEqualTo(3);
        assertThat(noLine.code()).isEqualTo(3);
        assertThat(plainHttp.code()).isEqualTo(2);
        assertThat(plainHttp.err()).contains("self-service.public-url");
        assertThat(Files.exists(dir.resolve("a.svg"))).isFalse();
        assertThat(Files.exists(dir.resolve("c.jpg"))).isFalse();
    }

    @Test
    void the_new_commands_have_help() {
        assertThat(CliRun.ok(settings, "user", "token", "--help")).contains("--revoke").contains("SHA-256");
        assertThat(CliRun.ok(settings, "api-token", "--help")).contains("add").contains("revoke");
        assertThat(CliRun.ok(settings, "device", "qr", "--help")).contains("--rotate").contains("self-service.public-url");
    }
}
