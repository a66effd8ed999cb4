package hotdesk.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hotdesk.cli.ExitCodes;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Target;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A desk's own phone settings (SIP server, port, transport, NTP, time zone, registration expiry) through
 * {@code device add|set|list|import|export} and {@code provision render}, run as a shell would on H2 files.
 */
class DeskPhoneCommandLineTest {

    private static final String PHONE = "00:15:65:12:34:AB";
    private static final String GATEWAY = "C0:74:AD:00:08:14";
    /** A desk of every vendor (and a gateway), as a device import file's rows. */
    private static final List<String> FLEET = List.of("00:15:65:00:00:01,yealink,T54W", "00:04:F2:00:00:02,polycom,VVX450",
            "00:0B:82:00:00:03,grandstream,GXP2170", "C0:74:AD:00:00:04,grandstream,HT814", "00:04:13:00:00:05,snom,D785",
            "0C:38:3E:00:00:06,fanvil,X6U", "00:EB:D5:00:00:07,cisco,8851");
    private static final List<String> OVERRIDES = List.of("--sip-server", "desk-proxy.example.net", "--sip-port", "5088",
            "--sip-transport", "tls", "--ntp-server", "desk-ntp.example.net", "--time-zone", "Asia/Tokyo",
            "--registration-expiry", "120");

    @TempDir
    Path dir;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private DatabaseSettings db;

    @BeforeEach
    void setUp() {
        db = DatabaseSettings.h2(dir.resolve("ledger"));
        settings.put("db.url", db.url());
        settings.put("security.pin-iterations", "1000");
        settings.put("provisioning.sip-server", "pbx.example.com");
        settings.put("provisioning.ntp-server", "ntp.example.com");
        settings.put("provisioning.timezone", "America/New_York");
    }

    private CliRun run(String... command) {
        return CliRun.of(settings, Map.of(), command);
    }

    private CliRun run(List<String> head, List<String> tail) {
        List<String> all = new java.util.ArrayList<>(head);
        all.addAll(tail);
        return run(all.toArray(String[]::new));
    }

    private String ok(String... command) {
        CliRun r = run(command);
        assertThat(r.code()).as(String.join(" ", command) + ": " + r.err()).isZero();
        return r.out();
    }

    private Path file(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private long revisionOfLine(String mac, int port) {
        try (Database d = Database.open(db)) {
            return d.ledger().read(tx -> tx.revision(Target.desk(DeskLine.endpointIdFor(Mac.parse(mac), port))));
        }
    }

    private static JsonNode json(String text) throws IOException {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void bad_values_are_refused_by_device_add_and_set_naming_the_field_and_nothing_changes() {
        CliRun transport = run("device", "add", PHONE, "--model", "T54W", "--sip-transport", "sctp");
        CliRun expiry = run("device", "add", PHONE, "--model", "T54W", "--registration-expiry", "601");
        CliRun ntp = run("device", "add", PHONE, "--model", "T54W", "--ntp-server", "ntp example.com");
        CliRun zone = run("device", "add", PHONE, "--model", "T54W", "--time-zone", "Mars/Olympus");

        assertThat(List.of(transport.code(), expiry.code(), ntp.code(), zone.code())).containsOnly(ExitCodes.REFUSED);
        assertThat(transport.err()).startsWith("hotdesk: sip-transport must be one of udp, tcp, tls");
        assertThat(expiry.err()).startsWith("hotdesk: registration-expiry must be 30s..600s");
        assertThat(ntp.err()).startsWith("hotdesk: ntp-server must be a host name or IP address");
        assertThat(zone.err()).startsWith("hotdesk: time-zone must be an IANA time zone id");
        assertThat(ok("device", "list")).doesNotContain("00:15:65:12:34:AB");

        ok("device", "add", PHONE, "--model", "T54W", "--sip-server", "proxy.example.net");
        long before = revisionOfLine(PHONE, 1);
        CliRun setTransport = run("device", "set", PHONE, "--sip-transport", "SIPS");
        CliRun setExpiry = run("device", "set", PHONE, "--registration-expiry", "29s");
        CliRun setNtp = run("device", "set", PHONE, "--ntp-server", "ntp.example.com;reboot");
        CliRun setPort = run("device", "set", PHONE, "--sip-port", "70000");
        CliRun unknown = run("device", "set", "00:15:65:99:99:99", "--sip-server", "x.example.net");
        CliRun bulk = run("device", "set", "--in-site", "HQ", "--enabled", "on", "--sip-server", "x.example.net");

        assertThat(List.of(setTransport.code(), setExpiry.code(), setNtp.code(), setPort.code(), unknown.code()))
                .containsOnly(ExitCodes.REFUSED);
        assertThat(setTransport.err()).startsWith("hotdesk: sip-transport must be one of udp, tcp, tls");
        assertThat(setExpiry.err()).startsWith("hotdesk: registration-expiry must be 30s..600s");
        assertThat(setNtp.err()).startsWith("hotdesk: ntp-server must be a host name or IP address");
        assertThat(setPort.err()).startsWith("hotdesk: sip-port must be 1..65535");
        assertThat(unknown.err()).isEqualTo("hotdesk: no device 00:15:65:99:99:99\n");
        assertThat(bulk.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bulk.err()).contains("with --in-site or --file, give --enabled on|off and no other change");
        assertThat(revisionOfLine(PHONE, 1)).isEqualTo(before);
        assertThat(ok("device", "export")).contains(",proxy.example.net,,,,,\n");
    }

    @Test
    void list_json_shows_the_overrides_and_where_each_value_comes_from_and_a_change_renotifies_every_line()
            throws IOException {
        ok("site", "add", "Branch", "--sip-server", "site-proxy.example.net", "--time-zone", "Europe/Berlin",
                "--registration-expiry", "300");
        ok("device", "add", PHONE, "--model", "T54W", "--site", "Branch", "--sip-transport", "tcp", "--ntp-server",
                "10.1.0.1");
        ok("device", "add", GATEWAY, "--model", "HT814", "--vendor", "grandstream");
        long phoneBefore = revisionOfLine(PHONE, 1);
        long gatewayBefore = revisionOfLine(GATEWAY, 4);

        JsonNode phone = json(ok("device", "list", "--json")).get(0);

        assertThat(phone.get("mac").asText()).isEqualTo("0015651234ab");
        assertThat(phone.get("phones").toString()).isEqualTo("{\"sipTransport\":\"tcp\",\"ntpServer\":\"10.1.0.1\"}");
        JsonNode e = phone.get("effective");
        assertThat(e.get("sipServer").toString()).isEqualTo("{\"value\":\"site-proxy.example.net\",\"source\":\"site\"}");
        assertThat(e.get("sipPort").toString()).isEqualTo("{\"value\":\"5060\",\"source\":\"default\"}");
        assertThat(e.get("sipTransport").toString()).isEqualTo("{\"value\":\"tcp\",\"source\":\"desk\"}");
        assertThat(e.get("ntpServer").toString()).isEqualTo("{\"value\":\"10.1.0.1\",\"source\":\"desk\"}");
        assertThat(e.get("timeZone").toString()).isEqualTo("{\"value\":\"Europe/Berlin\",\"source\":\"site\"}");
        assertThat(e.get("registrationExpiry").toString()).isEqualTo("{\"value\":\"300s\",\"source\":\"site\"}");

        // a gateway's lines share the device's overrides, and every one of them is told to fetch again
        JsonNode gw = json(ok("device", "set", GATEWAY, "--sip-server", "gw-proxy.example.net", "--time-zone", "Asia/Tokyo",
                "--json"));
        assertThat(gw.get("effective").get("sipServer").toString())
                .isEqualTo("{\"value\":\"gw-proxy.example.net\",\"source\":\"desk\"}");
        assertThat(gw.get("effective").get("timeZone").toString()).isEqualTo("{\"value\":\"Asia/Tokyo\",\"source\":\"desk\"}");
        assertThat(gw.get("effective").get("ntpServer").toString())
                .isEqualTo("{\"value\":\"ntp.example.com\",\"source\":\"default\"}");
        for (int port = 1; port <= 4; port++) {
            assertThat(revisionOfLine(GATEWAY, port)).as("line " + port).isGreaterThan(gatewayBefore);
        }
        String rendered = ok("provision", "render", GATEWAY);
        // an HT81x keeps the server in profile 1 (P47), which every port's account uses (P4150.. = 0)
        assertThat(rendered).as("the gateway's profile names the desk's server").contains("<P47>gw-proxy.example.net:5060</P47>");
        for (int port = 1; port <= 4; port++) {
            assertThat(rendered).as("port " + port + " uses profile 1").contains("<P" + (4149 + port) + ">0</P" + (4149 + port) + ">");
        }
        assertThat(rendered).doesNotContain("pbx.example.com");

        // an empty value clears the override: the site's value applies again, the desk is told, the same again is no change
        CliRun cleared = run("device", "set", PHONE, "--sip-transport", "", "--ntp-server", "");
        assertThat(cleared.code()).as(cleared.err()).isZero();
        assertThat(revisionOfLine(PHONE, 1)).isGreaterThan(phoneBefore);
        JsonNode after = json(ok("device", "list", "--json")).get(0);
        assertThat(after.get("phones").size()).isZero();
        assertThat(after.get("effective").get("sipTransport").toString()).isEqualTo("{\"value\":\"udp\",\"source\":\"default\"}");
        long settled = revisionOfLine(PHONE, 1);
        CliRun again = run("device", "set", PHONE, "--sip-transport", "");
        assertThat(again.code()).isEqualTo(ExitCodes.NOTHING);
        assertThat(revisionOfLine(PHONE, 1)).isEqualTo(settled);
    }

    @Test
    void the_plain_list_names_the_fields_each_desk_overrides_and_a_dash_for_none() {
        ok("site", "add", "Branch", "--sip-server", "site-proxy.example.net", "--time-zone", "Europe/Berlin");
        ok("device", "add", PHONE, "--model", "T54W", "--site", "Branch", "--ntp-server", "10.1.0.1", "--sip-transport",
                "tcp", "--time-zone", "Asia/Tokyo");
        ok("device", "add", GATEWAY, "--model", "HT814", "--vendor", "grandstream", "--site", "Branch");

        List<String> lines = ok("device", "list").lines().toList();

        assertThat(lines.get(0)).containsPattern("ENABLED +OVERRIDES$");
        // the site's values are not the desk's own: only what device add/set gave the desk is listed, in option order
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(PHONE)
                .containsPattern(" yes +sip-transport,ntp-server,time-zone$"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(GATEWAY).containsPattern(" yes +-$"));

        // cleared, the desk has no overrides left; the JSON is unchanged by the column
        ok("device", "set", PHONE, "--sip-transport", "", "--ntp-server", "", "--time-zone", "");
        assertThat(ok("device", "list").lines()).anySatisfy(l -> assertThat(l).startsWith(PHONE).containsPattern(" yes +-$"));
        assertThat(ok("device", "list", "--json")).doesNotContain("OVERRIDES").doesNotContain("\"overrides\"");
    }

    @Test
    void the_csv_columns_import_all_or_nothing_re_import_as_unchanged_and_a_dry_run_shows_the_change() throws IOException {
        String header = "mac,vendor,model,sip-server,sip-port,sip-transport,ntp-server,time-zone,registration-expiry\n";
        Path bad = file("bad.csv", header
                + "00:15:65:12:34:AB,yealink,T54W,proxy.example.net,5061,tls,10.1.0.1,Europe/Berlin,8m\n"
                + "00:15:65:12:34:AC,yealink,T54W,,,sctp,,,\n"
                + "00:15:65:12:34:AD,yealink,T54W,,,,bad host,,700\n");

        CliRun refused = run("device", "import", bad.toString());

        assertThat(refused.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err().lines()).containsExactly(
                "hotdesk: " + bad + ":3: column sip-transport: sip-transport must be one of udp, tcp, tls (empty: "
                        + "provisioning.sip-transport), got 'sctp'",
                "hotdesk: " + bad + ":4: column ntp-server: ntp-server must be a host name or IP address, got 'bad host'",
                "hotdesk: " + bad + ":4: column registration-expiry: registration-expiry must be 30s..600s (phones must "
                        + "re-register at least every 10 minutes; empty: provisioning.registration-expiry), got 700s",
                "hotdesk: " + bad + ": nothing imported (3 problem(s))");
        assertThat(ok("device", "list")).doesNotContain("00:15:65:12:34:AB");

        Path good = file("good.csv", header
                + "00:15:65:12:34:AB,yealink,T54W,proxy.example.net,5061,TLS,10.1.0.1,Europe/Berlin,8m\n"
                + "00:15:65:12:34:AC,yealink,T54W,,,,,,\n");
        CliRun first = run("device", "import", good.toString());
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("added device 00:15:65:12:34:AB: vendor=yealink, model=T54W, label=Hot desk 1234ab, "
                + "sip-server=proxy.example.net, sip-port=5061, sip-transport=tls, ntp-server=10.1.0.1, time-zone=Europe/Berlin, "
                + "registration-expiry=480s");
        assertThat(run("device", "import", good.toString()).out()).isEqualTo(good + ": 0 added, 0 changed, 2 unchanged\n");

        String export = ok("device", "export");
        assertThat(export).contains("00:15:65:12:34:AB,yealink,T54W,Hot desk 1234ab,,,on,proxy.example.net,5061,tls,10.1.0.1,"
                + "Europe/Berlin,480s\n", "00:15:65:12:34:AC,yealink,T54W,Hot desk 1234ac,,,on,,,,,,\n");
        Path back = file("export.csv", export);
        assertThat(run("device", "import", back.toString()).out()).isEqualTo(back + ": 0 added, 0 changed, 2 unchanged\n");

        long before = revisionOfLine("00:15:65:12:34:AB", 1);
        Path change = file("change.csv", "mac,sip-server,registration-expiry\n00:15:65:12:34:AB,,60\n");
        CliRun dry = run("device", "import", change.toString(), "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).isEqualTo("would change device 00:15:65:12:34:AB: sip-server: 'proxy.example.net' -> ''; "
                + "registration-expiry: '480s' -> '60s'\n" + change + ": 0 added, 1 changed, 0 unchanged (dry run: nothing written)\n");
        assertThat(ok("device", "export")).isEqualTo(export);
        assertThat(revisionOfLine("00:15:65:12:34:AB", 1)).isEqualTo(before);

        assertThat(run("device", "import", change.toString()).code()).isZero();
        assertThat(ok("device", "export")).contains("00:15:65:12:34:AB,yealink,T54W,Hot desk 1234ab,,,on,,5061,tls,10.1.0.1,"
                + "Europe/Berlin,60s\n");
        assertThat(revisionOfLine("00:15:65:12:34:AB", 1)).isGreaterThan(before);
    }

    /**
     * Every vendor's file made with a desk's overrides (at a site with other values, under other global keys) is
     * byte for byte the file made with no overrides and no site under global keys of the same values: the
     * overrides reach each vendor's file exactly as the keys do. And it differs from the file without them.
     */
    @Test
    void provision_render_gives_every_vendor_the_desks_overrides_over_its_sites_and_the_global_keys() throws Exception {
        String rows = String.join("\n", FLEET) + "\n";
        Path fleet = file("fleet.csv", "mac,vendor,model,site\n" + rows.replace("\n", ",Branch\n"));
        ok("site", "add", "Branch", "--sip-server", "site-proxy.example.net", "--sip-port", "5070", "--sip-transport", "tcp",
                "--ntp-server", "site-ntp.example.net", "--time-zone", "Europe/Berlin", "--registration-expiry", "300");
        ok("device", "import", fleet.toString());
        for (String row : FLEET) {
            CliRun set = run(List.of("device", "set", row.split(",")[0]), OVERRIDES);
            assertThat(set.code()).as(set.err()).isZero();
        }
        Map<String, String> withOverrides = new LinkedHashMap<>();
        for (String row : FLEET) {
            withOverrides.put(row, ok("provision", "render", row.split(",")[0]));
        }

        // the same fleet in a ledger of its own, without site or overrides
        settings.put("db.url", DatabaseSettings.h2(dir.resolve("plain")).url());
        ok("device", "import", file("plain.csv", "mac,vendor,model\n" + rows).toString());
        Map<String, String> global = new LinkedHashMap<>();
        for (String row : FLEET) {
            global.put(row, ok("provision", "render", row.split(",")[0]));
        }
        settings.put("provisioning.sip-server", "desk-proxy.example.net");
        settings.put("provisioning.sip-port", "5088");
        settings.put("provisioning.sip-transport", "tls");
        settings.put("provisioning.ntp-server", "desk-ntp.example.net");
        settings.put("provisioning.timezone", "Asia/Tokyo");
        settings.put("provisioning.registration-expiry", "120s");

        for (String row : FLEET) {
            String file = withOverrides.get(row);
            assertThat(file).as(row).isEqualTo(ok("provision", "render", row.split(",")[0]))
                    .isNotEqualTo(global.get(row)).contains("desk-proxy.example.net", "desk-ntp.example.net")
                    .doesNotContain("site-proxy.example.net", "site-ntp.example.net", "pbx.example.com");
            if (file.stripLeading().startsWith("<")) {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                assertThat(f.newDocumentBuilder().parse(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)))
                        .getDocumentElement()).as(row).isNotNull();
            }
        }
        assertThat(withOverrides.values().stream().filter(t -> t.stripLeading().startsWith("<")).count())
                .as("files parsed as XML").isGreaterThanOrEqualTo(4);
    }
}
