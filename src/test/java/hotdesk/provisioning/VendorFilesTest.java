package hotdesk.provisioning;

import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.Target;
import hotdesk.core.model.User;
import hotdesk.core.usecase.ProvisionDesk;
import hotdesk.core.usecase.ProvisionDesk.DeskView;
import hotdesk.core.policy.SecretHasher;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every vendor's bundled file, rendered from a desk whose label and occupant's name hold everything that could
 * break the format ({@code < & " '}, control characters, characters XML cannot carry), parsed with a real XML
 * parser, and checked against the vendor's documented key types and positions (templates/README.md).
 */
class VendorFilesTest {

    /** What validation would refuse, put straight into the ledger. */
    static final String HOSTILE_LABEL = "Desk <&\"'> ]]> \u0007\u001b\u0000\uFFFE\uD800 end";
    static final String HOSTILE_NAME = "Eve </polycomConfig><x a=\"1\"/> & 'q' \u0001\r\n\u2028";
    /** The same after the escaping: control characters, U+FFFE and the lone surrogate dropped. */
    static final String CLEAN_LABEL = "Desk <&\"'> ]]>  end";
    static final String CLEAN_NAME = "Eve </polycomConfig><x a=\"1\"/> & 'q' ";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-07-01T08:00:00Z"));
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final SecretHasher hasher = new SecretHasher(1000, new SecureRandom());
    private final ProvisionDesk provisionDesk = new ProvisionDesk(ledger, clock);
    private final TemplateRenderer renderer = new TemplateRenderer(Optional.empty(), clock);

    static ProvisioningSettings settings(String zone, boolean hotdeskKey, DialCodes codes) {
        return new ProvisioningSettings("127.0.0.1", 0, List.of("127.0.0.0/8"), true, Optional.empty(), "pbx.example.org",
                5060, Duration.ofSeconds(500), "ntp.example.org", zone, "*32", 20, Duration.ofSeconds(10), 30, 600,
                "tcp", hotdeskKey, codes);
    }

    private static final ProvisioningSettings SETTINGS = settings("Europe/Berlin", false, DialCodes.logoutOnly("*32"));

    /** A desk of that vendor and model with hostile texts; returns its view while idle and while occupied. */
    private DeskView[] desk(String vendor, String model, String mac, int lines) {
        return desk(vendor, model, mac, lines, "102");
    }

    private DeskView[] desk(String vendor, String model, String mac, int lines, String ext) {
        Mac m = Mac.parse(mac);
        List<DeskLine> deskLines = new ArrayList<>();
        for (int port = 1; port <= lines; port++) {
            deskLines.add(new DeskLine(DeskLine.endpointIdFor(m, port), m, port, "secret<&>\"'" + port));
        }
        ledger.transact(tx -> {
            tx.insertDevice(new Device(m, vendor, model, HOSTILE_LABEL, "", "", true), deskLines);
            if (tx.user(Extension.of(ext)).isEmpty()) {
                tx.insertUser(new User(Extension.of(ext), HOSTILE_NAME, hasher.hash("4823"), true, "internal", "",
                        "usersecret1234", false));
            }
            return null;
        });
        DeskView idle = provisionDesk.fetch(m, "127.0.0.1", "test").orElseThrow();
        ledger.transact(tx -> {
            tx.occupy(new Occupancy(deskLines.get(0).endpointId(), Extension.of(ext), clock.instant(), clock.instant()));
            tx.bump(Target.desk(deskLines.get(0).endpointId()), Target.user(Extension.of(ext)));
            return null;
        });
        DeskView occupied = provisionDesk.fetch(m, "127.0.0.1", "test").orElseThrow();
        return new DeskView[]{idle, occupied};
    }

    private String render(VendorProfile p, DeskView view, ProvisioningSettings s) {
        return renderer.render(p.vendor(), view.device().model(), view.device().mac(), p.fileKind(),
                p.model(view, s, clock.instant()));
    }

    /** A real parser; no DTDs, no external entities. */
    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setExpandEntityReferences(false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /** Every attribute in the document by name (Polycom writes parameters as attributes). */
    static Map<String, String> attributes(Document d) {
        Map<String, String> all = new LinkedHashMap<>();
        NodeList nodes = d.getElementsByTagName("*");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            for (int a = 0; a < e.getAttributes().getLength(); a++) {
                all.put(e.getAttributes().item(a).getNodeName(), e.getAttributes().item(a).getNodeValue());
            }
        }
        return all;
    }

    /** The text of the only element with that name. */
    static String text(Document d, String name) {
        NodeList nodes = d.getElementsByTagName(name);
        assertThat(nodes.getLength()).as("elements <" + name + ">").isEqualTo(1);
        return nodes.item(0).getTextContent();
    }

    /** Yealink's {@code key = value} lines. */
    static Map<String, String> cfg(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf(" = ");
            if (!line.startsWith("#") && eq > 0) {
                assertThat(m.put(line.substring(0, eq), line.substring(eq + 3))).as("key given twice: " + line).isNull();
            }
        }
        return m;
    }

    @Test
    void the_xml_parser_used_here_does_refuse_a_file_that_is_not_well_formed() {
        assertThatThrownBy(() -> parse("<a b=\"<\"/>")).isInstanceOf(org.xml.sax.SAXException.class);
        assertThatThrownBy(() -> parse("<a>\u0001</a>")).isInstanceOf(org.xml.sax.SAXException.class);
    }

    @Test
    void polycom_file_is_well_formed_and_its_logout_key_is_an_efk_line_key_after_the_line() throws Exception {
        DeskView[] v = desk("polycom", "VVX411", "0004f2000001", 1);
        PolycomProfile p = new PolycomProfile();

        Map<String, String> idle = attributes(parse(render(p, v[0], SETTINGS)));
        Map<String, String> occupied = attributes(parse(render(p, v[1], SETTINGS)));

        assertThat(idle).containsEntry("reg.1.label", CLEAN_LABEL).containsEntry("reg.1.displayName", CLEAN_LABEL)
                .containsEntry("reg.1.auth.password", "secret<&>\"'1").containsEntry("reg.1.address", "hd-0004f2000001")
                .containsEntry("reg.1.server.1.transport", "TCPOnly").containsEntry("reg.1.server.1.expires", "500")
                .containsEntry("lineKey.2.category", "Unassigned").containsEntry("efk.efklist.1.status", "0")
                .containsEntry("tcpIpApp.sntp.gmtOffset", "3600").containsEntry("tcpIpApp.sntp.daylightSavings.enable", "1")
                .containsEntry("tcpIpApp.sntp.daylightSavings.start.month", "3")
                .containsEntry("tcpIpApp.sntp.daylightSavings.start.dayOfWeek.lastInMonth", "1")
                .containsEntry("voIpProt.SIP.specialEvent.checkSync.alwaysReboot", "0");
        assertThat(occupied).containsEntry("reg.1.label", CLEAN_NAME + " 102").containsEntry("reg.1.displayName", CLEAN_NAME)
                .containsEntry("lineKey.reassignment.enabled", "1").containsEntry("lineKey.2.category", "EFK")
                .containsEntry("lineKey.2.index", "1").containsEntry("efk.efklist.1.status", "1")
                .containsEntry("efk.efklist.1.action.string", "*32$Tinvite$").containsEntry("efk.efklist.1.label", "Logout");
    }

    @Test
    void the_yealink_and_polycom_files_give_an_authenticated_phone_its_provisioning_credentials_and_only_then() throws Exception {
        DeskView yealink = desk("yealink", "T54W", "00:15:65:12:34:ab", 1)[0];
        DeskView polycom = desk("polycom", "VVX450", "00:04:f2:12:34:ab", 1, "103")[0];
        YealinkProfile y = new YealinkProfile();
        PolycomProfile p = new PolycomProfile();
        ProvisioningServer.ProvisioningLogin login = new ProvisioningServer.ProvisioningLogin("hd-0015651234ab", "pw<&>\"'x");

        Map<String, String> with = cfg(renderer.render("yealink", "T54W", yealink.device().mac(), y.fileKind(),
                withLogin(y.model(yealink, SETTINGS, clock.instant()), login)));
        Map<String, String> without = cfg(render(y, yealink, SETTINGS));
        Map<String, String> polycomWith = attributes(parse(renderer.render("polycom", "VVX450", polycom.device().mac(),
                p.fileKind(), withLogin(p.model(polycom, SETTINGS, clock.instant()), login))));
        Map<String, String> polycomWithout = attributes(parse(render(p, polycom, SETTINGS)));

        assertThat(with).containsEntry("static.auto_provision.server.username", "hd-0015651234ab")
                .containsEntry("static.auto_provision.server.password", "pw<&>\"'x");
        assertThat(without).doesNotContainKeys("static.auto_provision.server.username", "static.auto_provision.server.password");
        assertThat(polycomWith).containsEntry("device.set", "1").containsEntry("device.prov.user.set", "1")
                .containsEntry("device.prov.user", "hd-0015651234ab").containsEntry("device.prov.password.set", "1")
                .containsEntry("device.prov.password", "pw<&>\"'x");
        assertThat(polycomWithout).doesNotContainKeys("device.set", "device.prov.user", "device.prov.password");
    }

    private static Map<String, Object> withLogin(Map<String, Object> model, ProvisioningServer.ProvisioningLogin login) {
        Map<String, Object> m = new LinkedHashMap<>(model);
        m.put("provisioningLogin", login);
        return m;
    }

    @Test
    void polycoms_master_file_names_the_per_desk_file_and_is_well_formed() throws Exception {
        String master = renderer.renderNamed("polycom", "master", "xml", Map.of());

        Element app = parse(master).getDocumentElement();

        assertThat(app.getTagName()).isEqualTo("APPLICATION");
        assertThat(app.getAttribute("CONFIG_FILES")).isEqualTo("[PHONE_MAC_ADDRESS]-hotdesk.cfg");
        assertThat(new PolycomProfile().deskFile("0004f2000001-hotdesk.cfg")).contains(Mac.parse("0004f2000001"));
    }

    @Test
    void grandstream_file_is_well_formed_with_the_logout_key_on_mpk_1_and_hash_not_the_dial_key() throws Exception {
        DeskView[] v = desk("grandstream", "GXP2170", "000b82000001", 1);
        GrandstreamProfile p = new GrandstreamProfile();

        Document idle = parse(render(p, v[0], SETTINGS));
        Document occupied = parse(render(p, v[1], SETTINGS));

        assertThat(text(idle, "mac")).isEqualTo("000b82000001");
        assertThat(text(idle, "P270")).isEqualTo(CLEAN_LABEL);
        assertThat(text(idle, "P34")).isEqualTo("secret<&>\"'1");
        assertThat(text(idle, "P47")).isEqualTo("pbx.example.org:5060");
        assertThat(text(idle, "P35")).isEqualTo("hd-000b82000001");
        assertThat(text(idle, "P32")).isEqualTo("9"); // 500 s in whole minutes, rounded up
        assertThat(text(idle, "P130")).isEqualTo("1"); // TCP
        assertThat(text(idle, "P72")).isEqualTo("0");
        assertThat(text(idle, "P64")).isEqualTo("customize"); // self-defined zone, the POSIX string in P246
        assertThat(text(idle, "P246")).isEqualTo("STD-1DST-2,M3.5.0/02:00:00,M10.5.0/03:00:00");
        assertThat(text(idle, "P26015")).isEqualTo("0"); // "Allow SIP (Factory) Reset": never let a NOTIFY wipe the phone
        assertThat(text(idle, "P323")).isEqualTo("0");
        assertThat(text(idle, "P303")).isEmpty();
        assertThat(text(occupied, "P3")).isEqualTo(CLEAN_NAME);
        assertThat(text(occupied, "P270")).isEqualTo(CLEAN_NAME + " 102");
        assertThat(text(occupied, "P323")).isEqualTo("0"); // speed dial
        assertThat(text(occupied, "P302")).isEqualTo("Logout");
        assertThat(text(occupied, "P303")).isEqualTo("*32");
    }

    @Test
    void an_ht814_file_has_profile_1_for_the_server_and_one_account_per_port_and_no_keys() throws Exception {
        DeskView[] v = desk("grandstream", "HT814", "c074ad000814", 4);

        Document d = parse(render(new GrandstreamProfile(), v[1], SETTINGS));

        // HT81x template: profile 1 holds the server; FXS port N is user P(4059+N), authentication id P(4089+N),
        // password P(4119+N), name P(4179+N), profile P(4149+N) (0 - Profile 1), enable P(4594+N)
        assertThat(text(d, "P47")).isEqualTo("pbx.example.org:5060");
        assertThat(text(d, "P130")).isEqualTo("1");
        assertThat(text(d, "P72")).isEqualTo("0");
        assertThat(text(d, "P4200")).isEqualTo("{ [x*#]+ }");
        assertThat(text(d, "P4060")).isEqualTo("hd-c074ad000814");
        assertThat(text(d, "P4061")).isEqualTo("hd-c074ad000814-2");
        assertThat(text(d, "P4092")).isEqualTo("hd-c074ad000814-3");
        assertThat(text(d, "P4063")).isEqualTo("hd-c074ad000814-4");
        assertThat(text(d, "P4123")).isEqualTo("secret<&>\"'4");
        assertThat(text(d, "P4181")).isEqualTo(CLEAN_LABEL); // port 2 is idle while port 1 is occupied
        assertThat(text(d, "P4180")).isEqualTo(CLEAN_NAME);
        for (int port = 1; port <= 4; port++) {
            assertThat(text(d, "P" + (4149 + port))).as("port %d on profile 1", port).isEqualTo("0");
            assertThat(text(d, "P" + (4594 + port))).as("port %d enabled", port).isEqualTo("1");
        }
        // none of the desk phone's account P-values, no keys, no second profile
        for (String absent : List.of("P35", "P34", "P3", "P290", "P323", "P401", "P404", "P747")) {
            assertThat(d.getElementsByTagName(absent).getLength()).as(absent).isZero();
        }
    }

    @Test
    void an_ht802_file_has_an_account_of_its_own_per_port_each_with_its_own_dial_settings() throws Exception {
        DeskView[] v = desk("grandstream", "HT802", "c074ad000802", 2);

        Document d = parse(render(new GrandstreamProfile(), v[1], SETTINGS));

        // HT80x template: FXS port 1 is P271/P47/P35/P36/P34/P3/P32/P130/P72/P4200, port 2 P401/P747/P735/P736/
        // P734/P703/P732/P830/P772/P4201
        assertThat(text(d, "P35")).isEqualTo("hd-c074ad000802");
        assertThat(text(d, "P3")).isEqualTo(CLEAN_NAME);
        assertThat(text(d, "P401")).isEqualTo("1");
        assertThat(text(d, "P747")).isEqualTo("pbx.example.org:5060");
        assertThat(text(d, "P735")).isEqualTo("hd-c074ad000802-2");
        assertThat(text(d, "P736")).isEqualTo("hd-c074ad000802-2");
        assertThat(text(d, "P734")).isEqualTo("secret<&>\"'2");
        assertThat(text(d, "P703")).isEqualTo(CLEAN_LABEL);
        assertThat(text(d, "P732")).isEqualTo("9");
        assertThat(text(d, "P830")).isEqualTo("1");
        assertThat(text(d, "P72")).isEqualTo("0");
        assertThat(text(d, "P772")).isEqualTo("0");
        assertThat(text(d, "P4200")).isEqualTo("{ [x*#]+ }");
        assertThat(text(d, "P4201")).isEqualTo("{ [x*#]+ }");
        for (String absent : List.of("P290", "P323", "P402", "P404", "P4060")) {
            assertThat(d.getElementsByTagName(absent).getLength()).as(absent).isZero();
        }
    }

    @Test
    void snom_file_is_well_formed_and_its_logout_key_is_a_speed_fkey_after_the_line() throws Exception {
        DeskView[] v = desk("snom", "D785", "000413000001", 1);
        SnomProfile p = new SnomProfile();

        Document idle = parse(render(p, v[0], SETTINGS));
        Document occupied = parse(render(p, v[1], SETTINGS));

        assertThat(text(idle, "user_idle_text")).isEqualTo(CLEAN_LABEL);
        assertThat(text(idle, "user_pass")).isEqualTo("secret<&>\"'1");
        assertThat(text(idle, "user_outbound")).isEqualTo("pbx.example.org:5060;transport=tcp");
        assertThat(text(idle, "utc_offset")).isEqualTo("3600");
        Element idleKey = (Element) idle.getElementsByTagName("fkey").item(0);
        assertThat(idleKey.getAttribute("idx")).isEqualTo("1");
        assertThat(idleKey.getTextContent()).isEqualTo("none");
        assertThat(text(occupied, "user_realname")).isEqualTo(CLEAN_NAME);
        Element key = (Element) occupied.getElementsByTagName("fkey").item(0);
        assertThat(key.getAttribute("idx")).isEqualTo("1");
        assertThat(key.getAttribute("label")).isEqualTo("Logout");
        assertThat(key.getTextContent()).isEqualTo("speed *32");
    }

    @Test
    void fanvil_file_is_sysconf_with_line_1_and_its_logout_key_is_a_memory_key_dialling_on_line_1() throws Exception {
        DeskView[] v = desk("fanvil", "X4U", "0c383e000001", 1);
        FanvilProfile p = new FanvilProfile();

        Document idle = parse(render(p, v[0], SETTINGS));
        Document occupied = parse(render(p, v[1], SETTINGS));

        assertThat(idle.getDocumentElement().getTagName()).isEqualTo("sysConf");
        Element line = (Element) idle.getElementsByTagName("line").item(0);
        assertThat(((Element) line.getParentNode()).getTagName()).isEqualTo("sip");
        assertThat(line.getAttribute("index")).isEqualTo("1");
        assertThat(text(idle, "PhoneNumber")).isEqualTo("hd-0c383e000001");
        assertThat(text(idle, "RegisterUser")).isEqualTo("hd-0c383e000001");
        assertThat(text(idle, "DisplayName")).isEqualTo(CLEAN_LABEL);
        assertThat(text(idle, "RegisterPswd")).isEqualTo("secret<&>\"'1");
        assertThat(text(idle, "RegisterAddr")).isEqualTo("pbx.example.org");
        assertThat(text(idle, "RegisterPort")).isEqualTo("5060");
        assertThat(text(idle, "RegisterTTL")).isEqualTo("500");
        assertThat(text(idle, "EnableReg")).isEqualTo("1");
        assertThat(text(idle, "Transport")).isEqualTo("1");
        assertThat(text(idle, "SNTPServer")).isEqualTo("ntp.example.org");
        assertThat(text(idle, "EnableSNTP")).isEqualTo("1");
        assertThat(text(idle, "TimeZone")).isEqualTo("4");
        assertThat(text(idle, "TimeZoneName")).isEqualTo("UTC+01");
        assertThat(text(idle, "EnableDST")).isEqualTo("2");
        // Europe/Berlin: last Sunday of March 02:00 to last Sunday of October 03:00, weekday counted from Sunday = 0
        assertThat(text(idle, "DSTStartMon")).isEqualTo("3");
        assertThat(text(idle, "DSTStartWeek")).isEqualTo("-1");
        assertThat(text(idle, "DSTStartWday")).isEqualTo("0");
        assertThat(text(idle, "DSTStartHour")).isEqualTo("2");
        assertThat(text(idle, "DSTEndMon")).isEqualTo("10");
        assertThat(text(idle, "DSTEndWeek")).isEqualTo("-1");
        assertThat(text(idle, "DSTEndWday")).isEqualTo("0");
        assertThat(text(idle, "DSTMinOffset")).isEqualTo("60");
        assertThat(text(idle, "DialbyPound")).isEqualTo("0");
        // key 1 is the line; the logout key and every key after it (the user keys' places) are type 0 while idle
        Map<String, Element> idleKeys = fanvilKeys(idle);
        assertThat(idleKeys).containsOnlyKeys("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12");
        assertThat(child(idleKeys.get("1"), "Type")).isEqualTo("2");
        assertThat(child(idleKeys.get("1"), "Value")).isEqualTo("SIP1");
        for (int i = 2; i <= 12; i++) {
            assertThat(child(idleKeys.get(Integer.toString(i)), "Type")).as("key " + i).isEqualTo("0");
            assertThat(child(idleKeys.get(Integer.toString(i)), "Value")).as("key " + i).isEmpty();
        }
        assertThat(text(occupied, "DisplayName")).isEqualTo(CLEAN_NAME);
        Element key = fanvilKeys(occupied).get("2");
        assertThat(child(key, "Type")).isEqualTo("1");
        assertThat(child(key, "Value")).isEqualTo("*32@1/f");
        assertThat(child(key, "Title")).isEqualTo("Logout");
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            // zone               | quarters | name   | DST start (month week wday hour) | DST end
            "UTC                  | 0        | UTC+00 | ''                               | ''",
            "Asia/Kolkata         | 22       | UTC+05 | ''                               | ''",
            // second Sunday of March 02:00, first Sunday of November 02:00 (local daylight time)
            "America/New_York     | -20      | UTC-05 | 3 2 0 2                          | 11 1 0 2",
            "Europe/Berlin        | 4        | UTC+01 | 3 -1 0 2                         | 10 -1 0 3"})
    void fanvil_zone_is_in_quarter_hours_with_the_daylight_saving_rule_by_week_and_weekday_from_sunday_0(String zone,
            String quarters, String name, String start, String end) throws Exception {
        DeskView v = desk("fanvil", "X5U", "0c383e000003", 1)[0];

        Document d = parse(render(new FanvilProfile(), v, settings(zone, false, DialCodes.logoutOnly("*32"))));

        assertThat(text(d, "TimeZone")).isEqualTo(quarters);
        assertThat(text(d, "TimeZoneName")).isEqualTo(name);
        if (start.isEmpty()) {
            assertThat(text(d, "EnableDST")).isEqualTo("0");
            assertThat(d.getElementsByTagName("DSTStartMon").getLength()).isZero();
            assertThat(d.getElementsByTagName("DSTFixedType").getLength()).isZero();
        } else {
            assertThat(text(d, "EnableDST")).isEqualTo("2");
            assertThat(text(d, "DSTFixedType")).isEqualTo("2");
            assertThat(String.join(" ", text(d, "DSTStartMon"), text(d, "DSTStartWeek"), text(d, "DSTStartWday"),
                    text(d, "DSTStartHour"))).isEqualTo(start);
            assertThat(String.join(" ", text(d, "DSTEndMon"), text(d, "DSTEndWeek"), text(d, "DSTEndWday"),
                    text(d, "DSTEndHour"))).isEqualTo(end);
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"udp, 0", "tcp, 1", "tls, 3"})
    void fanvil_transport_is_0_udp_1_tcp_3_tls(String transport, String expected) throws Exception {
        DeskView v = desk("fanvil", "X3U", "0c383e000004", 1)[1];
        ProvisioningSettings s = new ProvisioningSettings("127.0.0.1", 0, List.of("127.0.0.0/8"), true, Optional.empty(),
                "pbx.example.org", 5060, Duration.ofSeconds(500), "ntp.example.org", "UTC", "*32", 20,
                Duration.ofSeconds(10), 30, 600, transport, false, DialCodes.logoutOnly("*32"));

        Document d = parse(render(new FanvilProfile(), v, s));

        assertThat(text(d, "Transport")).isEqualTo(expected);
        // X3U: 3 keys, the line, the logout key and one more
        assertThat(fanvilKeys(d)).containsOnlyKeys("1", "2", "3");
    }

    @Test
    void the_older_voip_config_file_format_is_chosen_per_model_or_per_phone_and_escapes_like_the_default(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("fanvil"));
        String choose = "#parse(\"fanvil/voip-config-file.xml.vm\")\n";
        java.nio.file.Files.writeString(dir.resolve("fanvil/x4u.xml.vm"), choose);
        java.nio.file.Files.writeString(dir.resolve("fanvil/0c383e000007.xml.vm"), choose);
        TemplateRenderer withChoice = new TemplateRenderer(Optional.of(dir), clock);
        FanvilProfile p = new FanvilProfile();
        DeskView[] x4u = desk("fanvil", "X4U", "0c383e000005", 1, "102");
        DeskView[] x5u = desk("fanvil", "X5U", "0c383e000006", 1, "103");
        DeskView[] onePhone = desk("fanvil", "X5U", "0c383e000007", 1, "104");

        java.util.function.Function<DeskView, Document> render = view -> {
            try {
                return parse(withChoice.render("fanvil", view.device().model(), view.device().mac(), "xml",
                        p.model(view, SETTINGS, clock.instant())));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        Document idle = render.apply(x4u[0]);
        Document occupied = render.apply(x4u[1]);

        assertThat(idle.getDocumentElement().getTagName()).isEqualTo("VOIP_CONFIG_FILE");
        assertThat(text(idle, "Display_Name")).isEqualTo(CLEAN_LABEL);
        assertThat(text(idle, "Register_Pswd")).isEqualTo("secret<&>\"'1");
        assertThat(text(idle, "Register_TTL")).isEqualTo("500");
        assertThat(text(idle, "Transport")).isEqualTo("1");
        assertThat(text(idle, "SNTP_Server")).isEqualTo("ntp.example.org");
        assertThat(text(idle, "Time_Zone")).isEqualTo("4");
        assertThat(text(idle, "Enable_DST")).isEqualTo("2");
        assertThat(text(idle, "DST_Start_Week")).isEqualTo("-1");
        assertThat(text(idle, "DST_Start_Wday")).isEqualTo("0");
        assertThat(text(occupied, "Display_Name")).isEqualTo(CLEAN_NAME);
        NodeList idleKeys = idle.getElementsByTagName("Function_Key_Entry");
        assertThat(((Element) idleKeys.item(0)).getElementsByTagName("ID").item(0).getTextContent()).isEqualTo("Fkey2");
        for (int i = 0; i < idleKeys.getLength(); i++) {
            assertThat(((Element) idleKeys.item(i)).getElementsByTagName("Type").item(0).getTextContent()).isEqualTo("0");
        }
        Element key = (Element) occupied.getElementsByTagName("Function_Key_Entry").item(0);
        assertThat(child(key, "ID")).isEqualTo("Fkey2");
        assertThat(child(key, "Type")).isEqualTo("1");
        assertThat(child(key, "Value")).isEqualTo("*32@1/f");
        assertThat(child(key, "Title")).isEqualTo("Logout");
        assertThat(render.apply(onePhone[1]).getDocumentElement().getTagName()).isEqualTo("VOIP_CONFIG_FILE");
        // another model without a choice keeps the default
        assertThat(render.apply(x5u[1]).getDocumentElement().getTagName()).isEqualTo("sysConf");
    }

    /** The {@code <Fkey>} of {@code <dsskey><dssSide index="1">} by index, each index once. */
    static Map<String, Element> fanvilKeys(Document d) {
        NodeList sides = d.getElementsByTagName("dssSide");
        assertThat(sides.getLength()).as("dssSide pages").isEqualTo(1);
        Element side = (Element) sides.item(0);
        assertThat(side.getAttribute("index")).isEqualTo("1");
        assertThat(((Element) side.getParentNode()).getTagName()).isEqualTo("dsskey");
        Map<String, Element> m = new LinkedHashMap<>();
        NodeList keys = side.getElementsByTagName("Fkey");
        for (int i = 0; i < keys.getLength(); i++) {
            Element e = (Element) keys.item(i);
            assertThat(m.put(e.getAttribute("index"), e)).as("Fkey given twice: " + e.getAttribute("index")).isNull();
        }
        assertThat(d.getElementsByTagName("Fkey").getLength()).as("every Fkey is in dssSide 1").isEqualTo(m.size());
        return m;
    }

    static String child(Element e, String name) {
        NodeList nodes = e.getElementsByTagName(name);
        assertThat(nodes.getLength()).as("<" + name + "> in <" + e.getTagName() + ">").isEqualTo(1);
        return nodes.item(0).getTextContent();
    }

    @Test
    void cisco_file_is_well_formed_and_its_logout_key_is_a_speed_dial_line_key_after_the_line() throws Exception {
        DeskView[] v = desk("cisco", "8841", "00562b000001", 1);
        CiscoProfile p = new CiscoProfile();

        Document idle = parse(render(p, v[0], SETTINGS));
        Document occupied = parse(render(p, v[1], SETTINGS));

        assertThat(idle.getDocumentElement().getTagName()).isEqualTo("flat-profile");
        assertThat(text(idle, "Short_Name_1_")).isEqualTo(CLEAN_LABEL);
        assertThat(text(idle, "Password_1_")).isEqualTo("secret<&>\"'1");
        assertThat(text(idle, "SIP_Transport_1_")).isEqualTo("TCP");
        assertThat(text(idle, "Register_Expires_1_")).isEqualTo("500");
        assertThat(text(idle, "Time_Zone")).isEqualTo("GMT+01:00");
        assertThat(text(idle, "Daylight_Saving_Time_Rule")).isEqualTo("start=3/-1/7/02:00:00;end=10/-1/7/03:00:00;save=1");
        assertThat(text(idle, "Extended_Function_2_")).isEmpty();
        assertThat(text(occupied, "Display_Name_1_")).isEqualTo(CLEAN_NAME);
        assertThat(text(occupied, "Extension_2_")).isEqualTo("Disabled");
        assertThat(text(occupied, "Short_Name_2_")).isEqualTo("Logout");
        assertThat(text(occupied, "Extended_Function_2_")).isEqualTo("fnc=sd;ext=*32@$PROXY;nme=Logout");
    }

    @Test
    void yealink_logout_key_is_speed_dial_13_and_the_optional_hot_desk_key_is_type_34_while_idle() {
        DeskView[] v = desk("yealink", "T54W", "001565000001", 1);
        YealinkProfile p = new YealinkProfile();
        ProvisioningSettings withKey = settings("Europe/Berlin", true, DialCodes.logoutOnly("*32"));

        Map<String, String> idle = cfg(render(p, v[0], SETTINGS));
        Map<String, String> idleWithKey = cfg(render(p, v[0], withKey));
        Map<String, String> occupied = cfg(render(p, v[1], withKey));

        assertThat(idle).containsEntry("linekey.2.type", "0").containsEntry("account.1.label", CLEAN_LABEL)
                .containsEntry("account.1.sip_server.1.transport_type", "1").containsEntry("features.key_as_send", "0");
        assertThat(idleWithKey).containsEntry("linekey.2.type", "34").containsEntry("linekey.2.label", "Hot Desk");
        assertThat(occupied).containsEntry("linekey.2.type", "13").containsEntry("linekey.2.value", "*32")
                .containsEntry("linekey.2.label", "Logout").containsEntry("account.1.display_name", CLEAN_NAME);
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTC", "Asia/Kolkata", "America/New_York", "Australia/Sydney"})
    void every_xml_file_stays_well_formed_in_any_zone(String zone) throws Exception {
        ProvisioningSettings s = settings(zone, false, DialCodes.logoutOnly("*32"));
        String[][] desks = {{"polycom", "VVX411", "0004f2000002", "201"}, {"grandstream", "GXP2170", "000b82000002", "202"},
                {"snom", "D785", "000413000002", "203"}, {"fanvil", "X4U", "0c383e000002", "204"},
                {"cisco", "8841", "00562b000002", "205"}};
        for (String[] d : desks) {
            DeskView[] v = desk(d[0], d[1], d[2], 1, d[3]);
            VendorProfile p = VendorProfiles.byVendor().get(d[0]);
            assertThat(p.fileKind()).isEqualTo("xml");
            parse(render(p, v[0], s));
            parse(render(p, v[1], s));
        }
    }
}
