package hotdesk.app;

import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Mac;
import hotdesk.core.usecase.ProvisionDesk;
import hotdesk.provisioning.ProvisioningServer;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hotdesk provision render|diff}, as a shell runs them, compared with what the server serves. */
class ProvisionCommandTest {

    private static final String PHONE = "00:15:65:12:34:AB";
    private static final String GATEWAY = "C0:74:AD:00:08:14";
    private static final String MASK = "********";

    @TempDir
    Path dir;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private DatabaseSettings db;

    @BeforeEach
    void setUp() {
        db = DatabaseSettings.h2(dir.resolve("ledger"));
        settings.put("db.url", db.url());
        settings.put("security.pin-iterations", "1000");
        settings.put("provisioning.port", "0");
        settings.put("provisioning.allowed-networks", "127.0.0.0/8");
        settings.put("provisioning.require-ua-mac", "false");
    }

    private CliRun run(String... command) {
        return CliRun.of(settings, Map.of(), command);
    }

    /** The desk's real line secrets, read from the ledger. */
    private List<String> secrets(String mac) {
        try (Database d = Database.open(db)) {
            return d.ledger().read(tx -> tx.linesOf(Mac.parse(mac))).stream().map(DeskLine::secret).toList();
        }
    }

    /** The file the provisioning server serves for this name, over loopback. */
    private String served(String file) throws Exception {
        try (Database d = Database.open(db)) {
            Config c = Config.load(null, Map.of(), settings);
            try (ProvisioningServer server = new ProvisioningServer(Server.provisioningSettings(c),
                    new ProvisionDesk(d.ledger(), Clock.systemUTC()))) {
                server.start();
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + server.port() + "/provision/" + file))
                        .header("User-Agent", "Yealink SIP-T54W 96.86.0.100 " + PHONE).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                assertThat(r.statusCode()).isEqualTo(200);
                return r.body();
            }
        }
    }

    /**
     * Fetches the file from a provisioning server over loopback as the phone would, and writes the fetch
     * journal (as serve's journal writer does within seconds). Returns the file served.
     */
    private String fetched(String file) throws Exception {
        try (Database d = Database.open(db)) {
            Config c = Config.load(null, Map.of(), settings);
            ProvisionDesk desk = new ProvisionDesk(d.ledger(), Clock.systemUTC());
            try (ProvisioningServer server = new ProvisioningServer(Server.provisioningSettings(c), desk)) {
                server.start();
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + server.port() + "/provision/" + file))
                        .header("User-Agent", "Yealink SIP-T54W 96.86.0.100 " + PHONE).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                assertThat(r.statusCode()).isEqualTo(200);
                desk.journal().flush();
                return r.body();
            }
        }
    }

    /** Where in the ledger's tables this text is stored (table.column). */
    private List<String> storedIn(String text) {
        try (Database d = Database.open(db)) {
            return hotdesk.store.LedgerTables.cellsContaining(d.dataSource(), text);
        }
    }

    @Test
    void diff_against_the_last_fetch_is_empty_right_after_it_and_shows_a_label_change() throws Exception {
        // given: the phone fetched its file
        assertThat(run("device", "add", PHONE, "--model", "T54W", "--label", "Desk 4").code()).isZero();
        fetched("0015651234ab.cfg");

        // when nothing changed since, then after a label change
        CliRun same = run("provision", "diff", PHONE);
        assertThat(run("device", "set", PHONE, "--label", "Window seat").code()).isZero();
        CliRun changed = run("provision", "diff", PHONE);

        // then
        assertThat(same.code()).isEqualTo(5);
        assertThat(same.out()).isEmpty();
        assertThat(same.err()).contains("no change");
        assertThat(changed.code()).isZero();
        assertThat(changed.out()).startsWith("--- 0015651234ab.cfg (served ")
                .contains("+++ 00:15:65:12:34:AB (now)\n@@ -", "Desk 4", "Window seat")
                .doesNotContain("secrets changed");
        assertThat(changed.out().lines().filter(l -> l.startsWith("-") && !l.startsWith("---")))
                .allMatch(l -> l.contains("Desk 4"));
        assertThat(changed.out().lines().filter(l -> l.startsWith("+") && !l.startsWith("+++")))
                .isNotEmpty().allMatch(l -> l.contains("Window seat"));
    }

    @Test
    void a_changed_sip_password_is_reported_as_secrets_changed_and_no_secret_is_stored_or_shown() throws Exception {
        // given: the phone fetched its file with its SIP password
        assertThat(run("device", "add", PHONE, "--model", "T54W", "--label", "Desk 4").code()).isZero();
        String old = secrets(PHONE).get(0);
        String served = fetched("0015651234ab.cfg");
        assertThat(served).contains("account.1.password = " + old);
        String fresh = "Fresh" + old.substring(5);
        try (Database d = Database.open(db); java.sql.Connection c = d.dataSource().getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement("UPDATE desk_lines SET secret = ? WHERE mac = ?")) {
            // hotdesk has no command that changes a line's secret: the ledger is edited as a restore would
            ps.setString(1, fresh);
            ps.setString(2, Mac.parse(PHONE).value());
            assertThat(ps.executeUpdate()).isEqualTo(1);
            c.commit();
        }

        // when
        CliRun diff = run("provision", "diff", PHONE);

        // then: only the secret changed, which is said and not shown; the ledger keeps the old one nowhere
        assertThat(diff.code()).isZero();
        assertThat(diff.out()).isEqualTo(hotdesk.cli.ProvisionCommand.SECRETS_CHANGED + "\n");
        assertThat(diff.out() + diff.err()).doesNotContain(old, fresh);
        assertThat(storedIn(old)).isEmpty();
        assertThat(storedIn(fresh)).containsExactly("desk_lines.secret");
        assertThat(storedIn("account.1.password = " + MASK)).containsExactly("served_files.masked_text");
    }

    @Test
    void diff_of_a_desk_that_never_fetched_says_so_and_of_a_removed_desk_refuses() throws Exception {
        assertThat(run("device", "add", PHONE, "--model", "T54W").code()).isZero();

        CliRun never = run("provision", "diff", PHONE);
        fetched("0015651234ab.cfg");
        assertThat(storedIn("0015651234ab.cfg")).containsExactly("served_files.file_name");
        assertThat(run("device", "remove", PHONE).code()).isZero();
        CliRun removed = run("provision", "diff", PHONE);

        assertThat(never.code()).isEqualTo(5);
        assertThat(never.out()).isEmpty();
        assertThat(never.err()).contains("never fetched", "00:15:65:12:34:AB");
        assertThat(removed.code()).isEqualTo(3);
        assertThat(removed.err()).contains("no device 00:15:65:12:34:AB");
        assertThat(storedIn("0015651234ab.cfg")).isEmpty(); // its served file went with it
    }

    @Test
    void render_prints_the_served_file_with_the_sip_password_masked_unless_asked_for() throws Exception {
        assertThat(run("device", "add", PHONE, "--model", "T54W", "--label", "Desk 4").code()).isZero();

        CliRun masked = run("provision", "render", PHONE);
        CliRun shown = run("provision", "render", PHONE, "--show-secrets");
        String secret = secrets(PHONE).get(0);
        String served = served("0015651234ab.cfg");

        assertThat(masked.code()).isZero();
        assertThat(shown.code()).isZero();
        assertThat(secret).isNotEmpty();
        assertThat(shown.out()).isEqualTo(served).contains("account.1.password = " + secret);
        assertThat(masked.out()).isEqualTo(served.replace(secret, MASK)).doesNotContain(secret)
                .contains("account.1.password = " + MASK, "Desk 4");
        assertThat(masked.err()).isEmpty();
    }

    @Test
    void a_sites_phone_settings_replace_the_global_keys_in_the_served_and_rendered_file_and_fall_back_when_cleared()
            throws Exception {
        settings.put("provisioning.sip-server", "pbx.example.com");
        settings.put("provisioning.ntp-server", "ntp.example.com");
        assertThat(run("site", "add", "Berlin", "--time-zone", "Europe/Berlin", "--sip-server", "10.9.0.5", "--sip-port",
                "5061", "--sip-transport", "tls", "--ntp-server", "10.9.0.1", "--registration-expiry", "8m").code()).isZero();
        assertThat(run("device", "add", PHONE, "--model", "T54W", "--label", "Desk 4", "--site", "Berlin").code()).isZero();

        String served = served("0015651234ab.cfg");
        String rendered = run("provision", "render", PHONE, "--show-secrets").out();

        assertThat(rendered).isEqualTo(served);
        assertThat(served).contains("account.1.sip_server.1.address = 10.9.0.5", "account.1.sip_server.1.port = 5061",
                        "account.1.sip_server.1.expires = 480", "account.1.sip_server.1.transport_type = 2",
                        "local_time.ntp_server1 = 10.9.0.1")
                .doesNotContain("pbx.example.com", "ntp.example.com");

        assertThat(run("site", "set", "Berlin", "--sip-server", "", "--sip-port", "", "--sip-transport", "",
                "--ntp-server", "", "--registration-expiry", "").code()).isZero();
        assertThat(served("0015651234ab.cfg")).contains("account.1.sip_server.1.address = pbx.example.com",
                "account.1.sip_server.1.port = 5060", "account.1.sip_server.1.expires = 500",
                "account.1.sip_server.1.transport_type = 0", "local_time.ntp_server1 = ntp.example.com");
    }

    @Test
    void a_desk_of_a_site_with_networks_gets_its_file_only_from_there() throws Exception {
        assertThat(run("site", "add", "Branch", "--networks", "10.20.0.0/16,fd00:20::/48").code()).isZero();
        assertThat(run("device", "add", PHONE, "--model", "T54W", "--site", "Branch").code()).isZero();

        try (Database d = Database.open(db)) {
            Config c = Config.load(null, Map.of(), settings);
            try (ProvisioningServer server = new ProvisioningServer(Server.provisioningSettings(c),
                    new ProvisionDesk(d.ledger(), Clock.systemUTC()))) {
                server.start();
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + server.port() + "/provision/0015651234ab.cfg"))
                        .header("User-Agent", "Yealink SIP-T54W 96.86.0.100 " + PHONE).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                assertThat(r.statusCode()).as("127.0.0.1 is allowed globally, not by the desk's site").isEqualTo(404);
            }
        }
        assertThat(run("site", "set", "Branch", "--networks", "10.20.0.0/16,127.0.0.0/8").code()).isZero();
        assertThat(served("0015651234ab.cfg")).contains("account.1.");
    }

    @Test
    void render_masks_every_line_of_a_gateway() {
        assertThat(run("device", "add", GATEWAY, "--vendor", "grandstream", "--model", "HT814").code()).isZero();

        CliRun masked = run("provision", "render", GATEWAY);
        CliRun shown = run("provision", "render", GATEWAY, "--show-secrets");
        List<String> secrets = secrets(GATEWAY);

        assertThat(secrets).hasSize(4).doesNotHaveDuplicates();
        assertThat(masked.code()).isZero();
        for (String s : secrets) {
            assertThat(masked.out()).doesNotContain(s);
            assertThat(shown.out()).contains(s);
        }
        assertThat(masked.out().split(java.util.regex.Pattern.quote(MASK), -1)).hasSize(5);
        assertThat(shown.out()).doesNotContain(MASK);
    }

    @Test
    void render_of_a_polycom_desk_is_its_per_desk_file_and_well_formed() throws Exception {
        assertThat(run("device", "add", "00:04:F2:AA:BB:CC", "--vendor", "polycom", "--model", "VVX450").code()).isZero();

        CliRun r = run("provision", "render", "00:04:F2:AA:BB:CC");
        String served = served("0004f2aabbcc-hotdesk.cfg");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("<polycomConfig>", "reg.1.auth.password=\"" + MASK + "\"")
                .isEqualTo(served.replace(secrets("00:04:F2:AA:BB:CC").get(0), MASK));
        DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(r.out().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void render_as_a_user_shows_them_seated_without_changing_the_ledger() {
        assertThat(run("device", "add", PHONE, "--model", "T54W", "--label", "Desk 4").code()).isZero();
        assertThat(run("user", "add", "101", "--name", "Ada Lovelace", "--pin=4711").code()).isZero();

        CliRun as = run("provision", "render", PHONE, "--as", "101");
        CliRun after = run("provision", "render", PHONE);
        CliRun status = run("status");

        assertThat(as.code()).isZero();
        assertThat(as.out()).contains("Ada Lovelace 101", "Logout").doesNotContain(secrets(PHONE).get(0));
        assertThat(after.out()).doesNotContain("Ada Lovelace");
        assertThat(status.out()).as("nobody seated by render").doesNotContain("Ada Lovelace").contains("idle");
    }

    @Test
    void unknown_devices_users_and_lines_are_refused() {
        assertThat(run("device", "add", PHONE, "--model", "T54W").code()).isZero();

        CliRun unknown = run("provision", "render", "00:15:65:00:00:01");
        CliRun malformed = run("provision", "render", "not-a-mac");
        CliRun nobody = run("provision", "render", PHONE, "--as", "999");
        CliRun noPort = run("provision", "render", PHONE, "--as", "999", "--port", "2");
        CliRun portAlone = run("provision", "render", PHONE, "--port", "2");
        CliRun diffUnknown = run("provision", "diff", "00:15:65:00:00:01", "--against", dir.resolve("x").toString());

        assertThat(unknown.code()).isEqualTo(3);
        assertThat(unknown.err()).isEqualTo("hotdesk: no device 00:15:65:00:00:01\n");
        assertThat(unknown.out()).isEmpty();
        assertThat(malformed.code()).isEqualTo(3);
        assertThat(nobody.code()).isEqualTo(3);
        assertThat(nobody.err()).isEqualTo("hotdesk: no user 999\n");
        assertThat(noPort.code()).isEqualTo(3);
        assertThat(portAlone.code()).isEqualTo(3);
        assertThat(portAlone.err()).isEqualTo("hotdesk: --port needs --as\n");
        assertThat(diffUnknown.code()).isEqualTo(3);
    }

    @Test
    void render_of_a_disabled_desk_says_the_server_refuses_it() {
        assertThat(run("device", "add", PHONE, "--model", "T54W").code()).isZero();
        assertThat(run("device", "set", PHONE, "--enabled", "off").code()).isZero();

        CliRun r = run("provision", "render", PHONE);

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("account.1.password = " + MASK);
        assertThat(r.err()).contains("disabled").contains("404");
    }

    @Test
    void diff_compares_a_saved_file_with_now_secrets_masked_on_both_sides() throws Exception {
        assertThat(run("device", "add", PHONE, "--model", "T54W", "--label", "Desk 4").code()).isZero();
        Path before = dir.resolve("before.cfg");
        Files.writeString(before, run("provision", "render", PHONE, "--show-secrets").out());
        assertThat(run("device", "set", PHONE, "--label", "Window seat").code()).isZero();

        CliRun diff = run("provision", "diff", PHONE, "--against", before.toString());
        CliRun same = run("provision", "diff", PHONE, "--against", before.toString(), "--as", "999");
        Path now = dir.resolve("now.cfg");
        Files.writeString(now, run("provision", "render", PHONE).out());
        CliRun unchanged = run("provision", "diff", PHONE, "--against", now.toString());
        CliRun missing = run("provision", "diff", PHONE, "--against", dir.resolve("absent.cfg").toString());

        assertThat(diff.code()).isZero();
        assertThat(diff.out()).startsWith("--- " + before + "\n+++ 00:15:65:12:34:AB (now)\n@@ -")
                .contains("\n-account.1.label = Desk 4\n-account.1.display_name = Desk 4\n"
                        + "+account.1.label = Window seat\n+account.1.display_name = Window seat\n")
                .contains("\n account.1.password = " + MASK + "\n").doesNotContain(secrets(PHONE).get(0));
        assertThat(same.code()).isEqualTo(3);
        assertThat(unchanged.code()).isEqualTo(5);
        assertThat(unchanged.out()).isEmpty();
        assertThat(unchanged.err()).isEqualTo("hotdesk: no change: the next fetch gets the same file\n");
        assertThat(missing.code()).isEqualTo(3);
        assertThat(missing.err()).startsWith("hotdesk: cannot read ");
    }

    @Test
    void help_says_what_is_masked_and_what_diff_compares_with() {
        CliRun render = run("provision", "render", "--help");
        CliRun diff = run("provision", "diff", "--help");

        assertThat(render.code()).isZero();
        assertThat(render.out().replaceAll("\\s+", " ")).contains("--as=EXT", "--show-secrets", MASK, "Polycom: the per-desk file");
        assertThat(diff.code()).isZero();
        assertThat(diff.out().replaceAll("\\s+", " ")).contains("--against=FILE", "keeps what it served per desk and file name with the secrets masked", "secrets changed", "never fetched", "replaced by " + MASK);
    }
}
