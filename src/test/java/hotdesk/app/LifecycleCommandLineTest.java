package hotdesk.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hotdesk.cli.ExitCodes;
import hotdesk.store.DatabaseSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hotdesk user set}, {@code device set} and {@code audit}, run as a shell would run them on a real H2 file. */
class LifecycleCommandLineTest {

    static final String MAC = "00:15:65:12:34:AB";

    @TempDir
    Path dir;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, String> settings = new LinkedHashMap<>();

    @BeforeEach
    void setUp() {
        settings.put("db.url", DatabaseSettings.h2(dir.resolve("ledger")).url());
        ok("user", "add", "101", "--name", "Alice", "--pin", "3865");
        ok("device", "add", MAC, "--model", "T54W");
    }

    private CliRun run(String... command) {
        return CliRun.of(settings, Map.of(), command);
    }

    private String ok(String... command) {
        CliRun r = run(command);
        assertThat(r.code()).as(String.join(" ", command) + ": " + r.err()).isZero();
        return r.out();
    }

    @Test
    void user_set_changes_only_what_is_given_and_list_shows_it() throws IOException {
        assertThat(ok("user", "set", "101", "--name", "Alice Smith", "--enabled", "off"))
                .isEqualTo("changed user 101 (Alice Smith): disabled\n");

        JsonNode u = json.readTree(ok("user", "list", "--json")).get(0);
        assertThat(u.get("name").asText()).isEqualTo("Alice Smith");
        assertThat(u.get("enabled").asBoolean()).isFalse();
        assertThat(u.get("hotdesk").asBoolean()).isTrue();
        assertThat(u.get("context").asText()).isEqualTo("internal");
        assertThat(ok("user", "list")).contains("ENABLED").containsPattern("101 +Alice Smith +no +yes");

        CliRun same = run("user", "set", "101", "--enabled", "no");
        assertThat(same.code()).isEqualTo(ExitCodes.NOTHING);
        assertThat(same.out()).contains("nothing changed");
    }

    @Test
    void user_set_refuses_bad_values_unknown_users_and_an_empty_change() {
        CliRun bad = run("user", "set", "101", "--enabled", "maybe");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("expected on or off, got 'maybe'");

        CliRun nothing = run("user", "set", "101");
        assertThat(nothing.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(nothing.err()).contains("nothing to change");

        CliRun unknown = run("user", "set", "555", "--name", "X");
        assertThat(unknown.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(unknown.err()).contains("no user 555");

        CliRun badContext = run("user", "set", "101", "--context", "a;b");
        assertThat(badContext.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run("user", "list").out()).containsPattern("101 +Alice +yes");
    }

    @Test
    void device_set_changes_its_fields_and_disables_it() throws IOException {
        assertThat(ok("device", "set", MAC, "--label", "Reception", "--elin", "+15551230001", "--enabled", "off"))
                .isEqualTo("changed device 00:15:65:12:34:AB (Reception): disabled, emergency calls only\n");

        JsonNode d = json.readTree(ok("device", "list", "--json")).get(0);
        assertThat(d.get("label").asText()).isEqualTo("Reception");
        assertThat(d.get("elin").asText()).isEqualTo("+15551230001");
        assertThat(d.get("enabled").asBoolean()).isFalse();
        assertThat(d.get("model").asText()).isEqualTo("T54W");

        CliRun bad = run("device", "set", MAC, "--elin", "911 please");
        assertThat(bad.code()).isEqualTo(ExitCodes.REFUSED);
        CliRun unknown = run("device", "set", "00:15:65:ff:ff:ff", "--label", "X");
        assertThat(unknown.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(unknown.err()).contains("no device 00:15:65:FF:FF:FF");
        CliRun malformed = run("device", "set", "00:15:65", "--label", "X");
        assertThat(malformed.code()).isEqualTo(ExitCodes.REFUSED);
    }

    @Test
    void audit_lists_newest_first_filters_and_pages() throws IOException {
        ok("user", "set", "101", "--mailbox", "101@default");
        ok("device", "set", MAC, "--label", "Window seat");

        String all = ok("audit");
        assertThat(all.lines().toList()).element(0).asString().startsWith("ID");
        assertThat(all).containsSubsequence("device.set", "user.set", "device.add", "user.add");

        String user = ok("audit", "--user", "101");
        assertThat(user).contains("user.set", "user.add").doesNotContain("device.");

        JsonNode desk = json.readTree(ok("audit", "--desk", "001565-1234ab".replace("-", ""), "--json"));
        assertThat(desk.get("lines")).extracting(l -> l.get("action").asText()).containsExactly("device.set", "device.add");
        assertThat(desk.get("more").asBoolean()).isFalse();
        assertThat(desk.get("lines").get(0).get("detail").asText()).isEqualTo("label=Window_seat");

        String page = ok("audit", "--limit", "1");
        assertThat(page).contains("device.set").containsPattern("more: add --before \\d+");
        String id = page.replaceAll("(?s).*--before (\\d+).*", "$1").strip();
        assertThat(ok("audit", "--limit", "1", "--before", id)).contains("user.set").doesNotContain("device.set");

        assertThat(ok("audit", "--action", "user", "--since", "1h")).contains("user.set", "user.add").doesNotContain("device");
        assertThat(ok("audit", "--since", "2999-01-01")).isEqualTo("no audit lines match\n");

        CliRun badSince = run("audit", "--since", "yesterday");
        assertThat(badSince.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badSince.err()).contains("--since: 'yesterday'");
        assertThat(run("audit", "--user", "x1").code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run("audit", "--limit", "0").code()).isEqualTo(ExitCodes.REFUSED);
        // the largest page the help names is a page, not an error (the reader asks one line more to know whether more follow)
        assertThat(ok("audit", "--limit", "10000")).contains("user.set", "device.set");
        assertThat(ok("audit", "--limit", "10000", "--user", "101", "--desk", MAC))
                .isEqualTo(ok("audit", "--user", "101", "--desk", MAC));
        CliRun tooMany = run("audit", "--limit", "10001");
        assertThat(tooMany.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(tooMany.err()).contains("--limit must be 1..10000, got 10001");
    }

    @Test
    void the_audit_never_shows_a_pin() {
        ok("user", "set-pin", "101", "--pin", "5193");
        // as a number of its own: a timestamp's microseconds in the same output may hold the same four digits
        assertThat(ok("audit", "--limit", "100")).contains("user.set-pin").doesNotContainPattern("(?<!\\d)5193(?!\\d)")
                .doesNotContainPattern("(?<!\\d)3865(?!\\d)");
    }

    @Test
    void auto_logout_rules_of_a_site_and_a_desk_are_set_shown_and_cleared() throws IOException {
        ok("site", "add", "HQ");
        assertThat(ok("auto-logout", "set", "--site", "HQ", "--idle", "30m", "--daily", "19:00"))
                .isEqualTo("site HQ: idle=30m max=inherit daily=19:00\n");
        assertThat(ok("auto-logout", "set", "--desk", MAC, "--max", "off"))
                .isEqualTo("desk 0015651234ab: idle=inherit max=off daily=inherit\n");

        JsonNode shown = json.readTree(ok("auto-logout", "show", "--json"));
        assertThat(shown.at("/global/max").asText()).isEqualTo("12h");
        assertThat(shown.at("/global/idle").asText()).isEqualTo("off");
        assertThat(shown.at("/sites/HQ/idle").asText()).isEqualTo("30m");
        assertThat(shown.at("/sites/HQ/daily").asText()).isEqualTo("19:00");
        assertThat(shown.at("/desks/0015651234ab/max").asText()).isEqualTo("off");
        assertThat(ok("auto-logout", "show")).contains("(settings)").containsPattern("site +HQ +30m +inherit +19:00");

        assertThat(ok("auto-logout", "set", "--site", "HQ", "--idle", "inherit")).contains("idle=inherit max=inherit daily=19:00");
        assertThat(ok("auto-logout", "clear", "--desk", MAC)).isEqualTo("desk 0015651234ab follows its site and the settings again\n");
        assertThat(json.readTree(ok("auto-logout", "show", "--json")).get("desks").size()).isZero();

        CliRun bad = run("auto-logout", "set", "--site", "HQ", "--idle", "soon");
        assertThat(bad.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(bad.err()).contains("--idle must be a duration");
        assertThat(run("auto-logout", "set", "--site", "HQ", "--daily", "25:00").code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run("auto-logout", "set", "--site", "Nowhere", "--idle", "5m").err()).contains("no site Nowhere");
        assertThat(run("auto-logout", "set", "--site", "HQ", "--desk", MAC, "--idle", "5m").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("auto-logout", "set", "--site", "HQ").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(ok("audit", "--action", "auto-logout")).contains("auto-logout.set");
    }
}
