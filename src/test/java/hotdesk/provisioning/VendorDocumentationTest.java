package hotdesk.provisioning;

import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Device;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.Target;
import hotdesk.core.model.User;
import hotdesk.core.model.UserKey;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.usecase.ProvisionDesk;
import hotdesk.core.usecase.ProvisionDesk.DeskView;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static hotdesk.provisioning.VendorFilesTest.attributes;
import static hotdesk.provisioning.VendorFilesTest.cfg;
import static hotdesk.provisioning.VendorFilesTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each vendor's bundled file, rendered and parsed (every XML file with a real parser), checked against a table of
 * facts read in the vendor's own documents; each row names the document it comes from (templates/README.md,
 * "Sources", gives the addresses and says which copies are third-party). What no vendor document confirmed is
 * not in this table: it is listed as unverified in the README.
 */
class VendorDocumentationTest {

    // ---- the documents (templates/README.md "Sources" has the full titles and addresses) ----

    static final String GS_TEMPLATES = "wazo-platform/wazo-provd-plugins plugins/wazo-grandstream/docs/config-template/";
    static final String GS_GXP = "Grandstream configuration template GXP2130/2135/2140/2160/2170 firmware 1.0.11.16 ("
            + GS_TEMPLATES + "gxp2130_40_60_70_35_config_1.0.11.16.txt)";
    static final String GS_HT = "Grandstream configuration template HT81x firmware 1.0.19.11 (" + GS_TEMPLATES
            + "ht81x_config_1.0.19.11.txt; ht818_config_1.0.19.11.txt alike)";
    static final String GS_HT80X = "Grandstream configuration template HT80x firmware 1.0.19.11 (" + GS_TEMPLATES
            + "ht80x_config_1.0.19.11.txt)";
    static final String SNOM_PHONE_SETTINGS = "Snom, '<phone-settings> tag', "
            + "https://service.snom.com/display/wiki/%3Cphone-settings%3E+tag";
    static final String SNOM_FLAGS = "Snom, 'Setting Files/XML/Flags' (perm=\"R\" read only), "
            + "http://wiki.snom.com/Features/Mass_Deployment/Setting_Files/XML/Flags";
    static final String SNOM_LOGIN = "Snom, 'Web Interface/Identities/Login', http://wiki.snom.com/Web_Interface/Identities/Login";
    static final String SNOM_FKEYS = "Snom, '<functionKeys> tag' (idx 0..n, 'value [argument]'), "
            + "https://service.snom.com/display/wiki/%3CfunctionKeys%3E+tag";
    static final String SNOM_TYPES = "Snom, 'Function Key Types' (speed, blf, none), "
            + "https://service.snom.com/display/wiki/Function+Key+Types";
    static final String SNOM_D7 = "snom D7 User Manual, 'XML provisioning of settings' (context active: all identities), "
            + "third-party copy https://www.easymanua.ls/snom/d7/manual?p=20";
    static final String YEALINK_TRANSPORT = "Yealink Administrator's Guide, SIP-T54S edition, SIP Server Y Transport "
            + "0-UDP 1-TCP 2-TLS, third-party copy https://www.easymanua.ls/yealink/sip-t54s/manual/687973?p=792";
    static final String YEALINK_LINEKEY = "Yealink Administrator's Guide, SIP-T2/T19(P) E2/T4 edition, linekey.X.line and "
            + "linekey.X.value, third-party copy https://www.easymanua.ls/yealink/sip-t2-series/manual?p=617";
    static final String YEALINK_TYPES = "Yealink configuration-template comment 'The valid types are' for linekey.X.type, "
            + "found only in third-party copies";
    static final String POLYCOM_MACRO = "Polycom UC Software 5.8 Administrator Guide, 'Macro Actions' ($T<type>$ invite), "
            + "https://documents.polycom.com/bundle/ucs-ag-5-8/page/r-ucs-ag-macro-actions.html";
    static final String POLYCOM_MASTER = "Polycom UC Software 5.0.1 Administrator Guide, 'Set Up the Provisioning Server'";
    static final String CISCO_FLAT = "Cisco, 'Provision your phones for a BroadWorks server' (<flat-profile>), "
            + "https://help.webex.com/en-us/article/xwj2cdb/Provision-your-phones-for-a-BroadWorks-server";
    static final String CISCO_RESYNC = "Cisco Small Business IP Telephony Devices Provisioning Guide (Resync_From_SIP)";
    static final String CISCO_DST = "Cisco IP Phone 8800 Series Multiplatform Phones Administration Guide, 'Daylight Saving "
            + "Time Rule' (start=<month>/<day>/<weekday>[/HH:[mm[:ss]]];end=…;save=…, weekday 1-7 Monday-Sunday, "
            + "a negative day: that weekday on or before, -1: the last of the month), third-party copy "
            + "https://www.easymanua.ls/cisco/penteledata-8800-series/manual/1540324?p=426";
    static final String CISCO_SPA_DST = "Cisco SPA300/SPA500 Series and WIP310 IP Phone Administration Guide, 'Configuring "
            + "Daylight Saving Time' (month/day/weekday[/HH:mm:ss]; a positive day: that weekday on or after the date), "
            + "third-party copy https://www.easymanua.ls/cisco/spa303/manual/512069?p=194";
    static final String POLYCOM_EFK = "Polycom Administrator's Guide for the SoundPoint IP/SoundStation IP Family SIP 3.1, "
            + "enhanced feature keys ('<version efk.version=\"2\"/>', omitted or invalid: the keys are disabled; "
            + "'the action.string in the efklist element'), third-party copy "
            + "https://www.manualsdir.com/manuals/187552/polycom-soundpoint-sip-31.html?page=97 and ?page=98";

    /** Europe/Berlin as the bundled profiles write it. */
    static final String BERLIN = "STD-1DST-2,M3.5.0/02:00:00,M10.5.0/03:00:00";
    static final String LOGIN_USER = "hd-000b82000001";
    static final String HOSTILE_PASSWORD = "pw<&>\"']]>x";

    /** One documented fact: in {@code file} of {@code vendor}, {@code key} holds {@code expected} (null: absent). */
    record Fact(String vendor, String file, String key, String expected, String source) {
        @Override
        public String toString() {
            return vendor + " " + file + ": " + key + " = " + (expected == null ? "(absent)" : expected) + "  [" + source + "]";
        }
    }

    static Stream<Fact> facts() {
        List<Fact> f = new ArrayList<>();
        // Grandstream desk phone (GXP2160), occupied, user keys BLF 102 and speed dial +15551230000
        f.add(new Fact("grandstream", "occupied", "@root", "gs_provision", GS_GXP));
        f.add(new Fact("grandstream", "occupied", "P271", "1", GS_GXP + ": Account Active, 1 - Yes"));
        f.add(new Fact("grandstream", "occupied", "P47", "pbx.example.org:5060", GS_GXP + ": SIP Server"));
        f.add(new Fact("grandstream", "occupied", "P35", "hd-000b82000001", GS_GXP + ": SIP User ID"));
        f.add(new Fact("grandstream", "occupied", "P36", "hd-000b82000001", GS_GXP + ": Authenticate ID"));
        f.add(new Fact("grandstream", "occupied", "P34", "secret", GS_GXP + ": Authenticate Password"));
        f.add(new Fact("grandstream", "occupied", "P32", "9", GS_GXP + ": Register Expiration (in minutes), 1 - 64800"));
        f.add(new Fact("grandstream", "occupied", "P130", "1", GS_GXP + ": SIP Transport, 0 - UDP, 1 - TCP, 2 - TLS/TCP"));
        f.add(new Fact("grandstream", "occupied", "P26015", "0", GS_GXP + ": Allow SIP Reset, 0 - No"));
        f.add(new Fact("grandstream", "occupied", "P30", "ntp.example.org", GS_GXP + ": NTP Server"));
        f.add(new Fact("grandstream", "occupied", "P64", "customize", GS_GXP + ": Time Zone, Self-Defined Time Zone = customize"));
        f.add(new Fact("grandstream", "occupied", "P246", BERLIN, GS_GXP + ": Self Defined Time zone (max 64 characters)"));
        f.add(new Fact("grandstream", "occupied", "P72", "0", GS_GXP + ": Key as Send, 0 - Disabled"));
        f.add(new Fact("grandstream", "occupied", "P323", "0", GS_GXP + ": MPK 1 mode, 0 - Speed Dial"));
        f.add(new Fact("grandstream", "occupied", "P301", "0", GS_GXP + ": MPK 1 account, 0 - Account 1"));
        f.add(new Fact("grandstream", "occupied", "P303", "*32", GS_GXP + ": MPK 1 value (User ID)"));
        f.add(new Fact("grandstream", "occupied", "P324", "1", GS_GXP + ": MPK 2 mode, 1 - BLF"));
        f.add(new Fact("grandstream", "occupied", "P306", "102", GS_GXP + ": MPK 2 value"));
        f.add(new Fact("grandstream", "occupied", "P325", "0", GS_GXP + ": MPK 3 mode, 0 - Speed Dial"));
        f.add(new Fact("grandstream", "occupied", "P326", "-1", GS_GXP + ": MPK 4 mode, -1 - None"));
        f.add(new Fact("grandstream", "occupied", "P1460", "-1", GS_GXP + ": MPK 24 mode (P1460), -1 - None"));
        f.add(new Fact("grandstream", "occupied", "P1360", null, GS_GXP + ": no credentials without a login"));
        f.add(new Fact("grandstream", "login", "P1360", LOGIN_USER, GS_GXP + ": Config HTTP/HTTPS User Name"));
        f.add(new Fact("grandstream", "login", "P1361", HOSTILE_PASSWORD, GS_GXP + ": Config HTTP/HTTPS Password"));
        // Grandstream HT814 gateway, with a login
        f.add(new Fact("grandstream", "ht814-login", "P1360", "hd-c074ad000814", GS_HT + ": HTTP/HTTPS User Name"));
        f.add(new Fact("grandstream", "ht814-login", "P1361", HOSTILE_PASSWORD, GS_HT + ": HTTP/HTTPS Password"));
        f.add(new Fact("grandstream", "ht814-login", "P64", "customize", GS_HT + ": <value=customize> Using self-defined Time Zone"));
        f.add(new Fact("grandstream", "ht814-login", "P246", BERLIN, GS_HT + ": Self-Defined Time Zone"));
        f.add(new Fact("grandstream", "ht814-login", "P26015", "0", GS_HT + ": Allow SIP Factory Reset, 0 - No"));
        f.add(new Fact("grandstream", "ht814-login", "P72", "0", GS_HT + ": Use # as Dial Key, 0 - No"));
        f.add(new Fact("grandstream", "ht814-login", "P130", "1", GS_HT + ": SIP Transport, 0 - UDP, 1 - TCP, 2 - TLS"));
        f.add(new Fact("grandstream", "ht814-login", "P32", "9", GS_HT + ": Register Expiration (in minutes), 1 to 64800"));
        f.add(new Fact("grandstream", "ht814-login", "P271", "1", GS_HT + ": Profile 1, Profile Active"));
        f.add(new Fact("grandstream", "ht814-login", "P47", "pbx.example.org:5060", GS_HT + ": Profile 1, Primary SIP Server"));
        f.add(new Fact("grandstream", "ht814-login", "P4200", "{ [x*#]+ }", GS_HT + ": Profile 1, Dial Plan"));
        f.add(new Fact("grandstream", "ht814-login", "P4060", "hd-c074ad000814", GS_HT + ": FXS Port 1, SIP User ID"));
        f.add(new Fact("grandstream", "ht814-login", "P4090", "hd-c074ad000814", GS_HT + ": FXS Port 1, Authenticate ID"));
        f.add(new Fact("grandstream", "ht814-login", "P4120", "secret", GS_HT + ": FXS Port 1, Password"));
        f.add(new Fact("grandstream", "ht814-login", "P4180", "Alice", GS_HT + ": FXS Port 1, Name"));
        f.add(new Fact("grandstream", "ht814-login", "P4150", "0", GS_HT + ": FXS Port 1, Profile ID 0 - Profile 1"));
        f.add(new Fact("grandstream", "ht814-login", "P4595", "1", GS_HT + ": FXS Port 1, Enable Port 1 - Yes"));
        f.add(new Fact("grandstream", "ht814-login", "P4063", "hd-c074ad000814-4", GS_HT + ": FXS Port 4, SIP User ID"));
        f.add(new Fact("grandstream", "ht814-login", "P4183", "Desk 1", GS_HT + ": FXS Port 4, Name (idle: the label)"));
        f.add(new Fact("grandstream", "ht814-login", "P404", null, GS_HT + ": P4xx is profile 2, not port 2"));
        f.add(new Fact("grandstream", "ht814-login", "P35", null, GS_HT + ": no SIP User ID outside the FXS ports"));
        // Grandstream HT802 gateway: each FXS port is an account of its own
        f.add(new Fact("grandstream", "ht802", "P35", "hd-c074ad000802", GS_HT80X + ": FXS PORT 1, SIP User ID"));
        f.add(new Fact("grandstream", "ht802", "P401", "1", GS_HT80X + ": FXS PORT 2, Account Active"));
        f.add(new Fact("grandstream", "ht802", "P747", "pbx.example.org:5060", GS_HT80X + ": FXS PORT 2, Primary SIP Server"));
        f.add(new Fact("grandstream", "ht802", "P735", "hd-c074ad000802-2", GS_HT80X + ": FXS PORT 2, SIP User ID"));
        f.add(new Fact("grandstream", "ht802", "P736", "hd-c074ad000802-2", GS_HT80X + ": FXS PORT 2, Authentication ID"));
        f.add(new Fact("grandstream", "ht802", "P734", "secret", GS_HT80X + ": FXS PORT 2, Authentication password"));
        f.add(new Fact("grandstream", "ht802", "P703", "Desk 1", GS_HT80X + ": FXS PORT 2, Name"));
        f.add(new Fact("grandstream", "ht802", "P732", "9", GS_HT80X + ": FXS PORT 2, Register Expiration (in minutes)"));
        f.add(new Fact("grandstream", "ht802", "P830", "1", GS_HT80X + ": FXS PORT 2, SIP Transport 1 - TCP"));
        f.add(new Fact("grandstream", "ht802", "P772", "0", GS_HT80X + ": FXS PORT 2, Use # as Dial Key 0 - No"));
        f.add(new Fact("grandstream", "ht802", "P4201", "{ [x*#]+ }", GS_HT80X + ": FXS PORT 2, Dial Plan"));
        f.add(new Fact("grandstream", "ht802", "P4200", "{ [x*#]+ }", GS_HT80X + ": FXS PORT 1, Dial Plan"));
        f.add(new Fact("grandstream", "ht802", "P402", null, GS_HT80X + ": port 2's server is P747"));
        // Snom D385, occupied
        f.add(new Fact("snom", "occupied", "@root", "settings", SNOM_PHONE_SETTINGS));
        f.add(new Fact("snom", "occupied", "phone-settings@e", "2", SNOM_PHONE_SETTINGS + ": e=\"2\""));
        f.add(new Fact("snom", "occupied", "user_active[1]", "on", SNOM_LOGIN + ": user_active on/off"));
        f.add(new Fact("snom", "occupied", "user_active[1]@perm", "R", SNOM_FLAGS));
        f.add(new Fact("snom", "occupied", "user_realname[1]", "Alice", SNOM_LOGIN + ": Displayname user_realname"));
        f.add(new Fact("snom", "occupied", "user_name[1]", "hd-000413000001", SNOM_LOGIN + ": Account user_name"));
        f.add(new Fact("snom", "occupied", "user_pass[1]", "secret", SNOM_LOGIN + ": Password user_pass"));
        f.add(new Fact("snom", "occupied", "user_host[1]", "pbx.example.org:5060", SNOM_LOGIN + ": Registrar user_host"));
        f.add(new Fact("snom", "occupied", "fkey[1]", "speed *32", SNOM_TYPES + "; " + SNOM_FKEYS));
        f.add(new Fact("snom", "occupied", "fkey[1]@context", "active", SNOM_D7));
        f.add(new Fact("snom", "occupied", "fkey[1]@perm", "R", SNOM_FLAGS));
        f.add(new Fact("snom", "occupied", "fkey[2]", "blf <sip:102@pbx.example.org>", SNOM_TYPES));
        f.add(new Fact("snom", "occupied", "fkey[3]", "speed +15551230000", SNOM_TYPES));
        f.add(new Fact("snom", "occupied", "fkey[4]", "none", SNOM_TYPES));
        f.add(new Fact("snom", "occupied", "fkey[17]", "none", SNOM_FKEYS + ": the D385's last idx is 17"));
        f.add(new Fact("snom", "occupied", "fkey[18]", null, SNOM_FKEYS));
        // Yealink T54W, with the optional hot-desk key
        f.add(new Fact("yealink", "occupied", "account.1.sip_server.1.transport_type", "1", YEALINK_TRANSPORT));
        f.add(new Fact("yealink", "occupied", "linekey.2.type", "13", YEALINK_TYPES + ": 13-Speed Dial"));
        f.add(new Fact("yealink", "occupied", "linekey.3.type", "16", YEALINK_TYPES + ": 16-BLF"));
        f.add(new Fact("yealink", "occupied", "linekey.3.line", "1", YEALINK_LINEKEY + ": 1-Line 1"));
        f.add(new Fact("yealink", "occupied", "linekey.3.value", "102", YEALINK_LINEKEY + ": the monitored user"));
        f.add(new Fact("yealink", "occupied", "linekey.5.type", "0", YEALINK_TYPES + ": 0-NA"));
        f.add(new Fact("yealink", "idle", "linekey.2.type", "34", YEALINK_TYPES + ": 34-Hot Desking"));
        // Polycom VVX411, occupied; the master file
        f.add(new Fact("polycom", "occupied", "efk.efklist.1.action.string", "*32$Tinvite$", POLYCOM_MACRO));
        f.add(new Fact("polycom", "occupied", "efk.efklist.2.action.string", "+15551230000$Tinvite$", POLYCOM_MACRO));
        f.add(new Fact("polycom", "occupied", "efk.version", "2", POLYCOM_EFK));
        f.add(new Fact("polycom", "idle", "efk.version", "2", POLYCOM_EFK + ": the logout key's macro is defined while idle too"));
        f.add(new Fact("polycom", "master", "@root", "APPLICATION", POLYCOM_MASTER));
        f.add(new Fact("polycom", "master", "CONFIG_FILES", "[PHONE_MAC_ADDRESS]-hotdesk.cfg", POLYCOM_MASTER));
        // Cisco 8841
        f.add(new Fact("cisco", "occupied", "@root", "flat-profile", CISCO_FLAT));
        f.add(new Fact("cisco", "occupied", "Resync_From_SIP", "Yes", CISCO_RESYNC));
        f.add(new Fact("cisco", "occupied", "Daylight_Saving_Time_Rule", "start=3/-1/7/02:00:00;end=10/-1/7/03:00:00;save=1",
                CISCO_DST + ": Europe/Berlin, the last Sunday of March 02:00 to the last Sunday of October 03:00"));
        return f.stream();
    }

    private static final ProvisioningSettings SETTINGS = VendorFilesTest.settings("Europe/Berlin", true, DialCodes.logoutOnly("*32"));
    private static final UserKey BLF = new UserKey(3, UserKey.Type.BLF, "102", "Bob");
    private static final UserKey SPEED = new UserKey(10, UserKey.Type.SPEED_DIAL, "+15551230000", "");

    private final MutableClock clock = new MutableClock(Instant.parse("2025-07-01T08:00:00Z"));
    private final SecretHasher hasher = new SecretHasher(1000, new SecureRandom());
    private final TemplateRenderer renderer = new TemplateRenderer(Optional.empty(), clock);

    @ParameterizedTest(name = "{0}")
    @MethodSource("facts")
    void the_bundled_file_says_what_the_vendor_documents(Fact fact) throws Exception {
        Map<String, String> file = flat(fact.vendor(), fact.file());

        if (fact.expected() == null) {
            assertThat(file).as(fact.toString()).doesNotContainKey(fact.key());
        } else {
            assertThat(file).as(fact.toString()).containsEntry(fact.key(), fact.expected());
        }
    }

    @Test
    void the_table_names_no_fanvil_fact_because_no_fanvil_document_confirmed_one() {
        // Fanvil's parameter names were not confirmed in a Fanvil document: no row may pretend otherwise
        assertThat(facts().map(Fact::vendor).distinct())
                .containsExactlyInAnyOrder("grandstream", "snom", "yealink", "polycom", "cisco");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"Europe/Berlin", "America/St_Johns", "Australia/Lord_Howe",
            "Pacific/Chatham", "Asia/Kolkata", "America/Santiago"})
    void grandstreams_self_defined_zone_fits_the_64_characters_its_template_allows(String zone) throws Exception {
        // GXP template: "Self Defined Time zone. Max length allowed is 64 characters" (P246)
        ProvisioningSettings s = VendorFilesTest.settings(zone, false, DialCodes.logoutOnly("*32"));
        DeskView view = desk("grandstream", "GXP2160", "000b82000001", 1)[1];
        GrandstreamProfile p = new GrandstreamProfile();

        Map<String, String> file = flat(parse(renderer.render("grandstream", "GXP2160", view.device().mac(), p.fileKind(),
                p.model(view, s, clock.instant()))));

        assertThat(file).containsEntry("P64", "customize");
        assertThat(file.get("P246")).isNotEmpty().hasSizeLessThanOrEqualTo(64);
    }

    /**
     * Cisco's rule, as its administration guides define it: {@code <month>/<day>/<weekday>/HH:mm:ss} with weekday 1-7
     * from Monday, a positive day meaning that weekday on or after the date and -1 the last of the month.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "Europe/Berlin      | start=3/-1/7/02:00:00;end=10/-1/7/03:00:00;save=1",
            // the second Sunday of March is the Sunday on or after the 8th, the first of November on or after the 1st
            "America/New_York   | start=3/8/7/02:00:00;end=11/1/7/02:00:00;save=1",
            "America/St_Johns   | start=3/8/7/02:00:00;end=11/1/7/02:00:00;save=1",
            // half an hour saved
            "Australia/Lord_Howe | start=10/1/7/02:00:00;end=4/1/7/02:00:00;save=0:30",
            "Asia/Kolkata       | ''"})
    void ciscos_daylight_saving_rule_follows_the_grammar_its_guides_document(String zone, String rule) throws Exception {
        ProvisioningSettings s = VendorFilesTest.settings(zone, false, DialCodes.logoutOnly("*32"));
        DeskView view = desk("cisco", "8841", "00562b000001", 1)[1];
        CiscoProfile p = new CiscoProfile();

        Map<String, String> file = flat(parse(renderer.render("cisco", "8841", view.device().mac(), p.fileKind(),
                p.model(view, s, clock.instant()))));

        assertThat(file.get("Daylight_Saving_Time_Rule")).as(CISCO_DST + "; " + CISCO_SPA_DST).isEqualTo(rule);
        assertThat(file.get("Daylight_Saving_Time_Enable")).isEqualTo(rule.isEmpty() ? "No" : "Yes");
        if (!rule.isEmpty()) {
            assertThat(rule).matches("start=([1-9]|1[0-2])/(-1|[1-9]|[12][0-9]|3[01])/[1-7]/\\d\\d:\\d\\d:\\d\\d;"
                    + "end=([1-9]|1[0-2])/(-1|[1-9]|[12][0-9]|3[01])/[1-7]/\\d\\d:\\d\\d:\\d\\d;save=\\d+(:\\d\\d)?");
        }
    }

    @Test
    void grandstream_files_give_an_authenticated_phone_its_credentials_and_stay_well_formed_with_any_password()
            throws Exception {
        for (String password : List.of(HOSTILE_PASSWORD, "a&amp;b", "</P1361><P1360>x", "]]>\"'&lt;")) {
            Map<String, String> with = flat(render("grandstream", "occupied", login(LOGIN_USER, password)));

            assertThat(with).containsEntry("P1360", LOGIN_USER).containsEntry("P1361", password);
        }
        Map<String, String> without = flat("grandstream", "occupied");
        assertThat(without).doesNotContainKeys("P1360", "P1361");
    }

    @Test
    void snom_fanvil_and_cisco_files_do_not_carry_the_provisioning_credentials_their_documents_did_not_confirm()
            throws Exception {
        ProvisioningServer.ProvisioningLogin login = login("hd-desk", "credential-marker-7q");
        for (String vendor : List.of("snom", "fanvil", "cisco")) {
            String text = renderText(vendor, "occupied", Optional.of(login));

            parse(text);
            assertThat(text).as(vendor).doesNotContain("credential-marker-7q");
        }
    }

    @Test
    void every_bundled_xml_file_parses_idle_occupied_and_with_a_login() throws Exception {
        ProvisioningServer.ProvisioningLogin login = login(LOGIN_USER, HOSTILE_PASSWORD);
        for (String vendor : List.of("polycom", "grandstream", "snom", "fanvil", "cisco")) {
            for (String file : List.of("idle", "occupied")) {
                assertThat(parse(renderText(vendor, file, Optional.empty())).getDocumentElement()).as(vendor + " " + file)
                        .isNotNull();
                assertThat(parse(renderText(vendor, file, Optional.of(login))).getDocumentElement()).isNotNull();
            }
        }
        parse(renderText("grandstream", "ht814-login", Optional.of(login)));
        parse(renderText("grandstream", "ht802", Optional.of(login)));
        parse(renderer.renderNamed("polycom", "master", "xml", Map.of()));
    }

    // ---- rendering ----

    private static ProvisioningServer.ProvisioningLogin login(String user, String password) {
        return new ProvisioningServer.ProvisioningLogin(user, password);
    }

    private static final Map<String, String[]> DESKS = Map.of(
            "yealink", new String[] {"T54W", "001565000001"},
            "polycom", new String[] {"VVX411", "0004f2000001"},
            "grandstream", new String[] {"GXP2160", "000b82000001"},
            "snom", new String[] {"D385", "000413000001"},
            "fanvil", new String[] {"X4U", "0c383e000001"},
            "cisco", new String[] {"8841", "00562b000001"});

    /** The file as a flat map of what the vendor's parser would read. */
    private Map<String, String> flat(String vendor, String file) throws Exception {
        if (file.equals("master")) {
            return flat(parse(renderer.renderNamed("polycom", "master", "xml", Map.of())));
        }
        Optional<ProvisioningServer.ProvisioningLogin> login = file.equals("login")
                ? Optional.of(login(LOGIN_USER, HOSTILE_PASSWORD))
                : file.equals("ht814-login") ? Optional.of(login("hd-c074ad000814", HOSTILE_PASSWORD)) : Optional.empty();
        String text = renderText(vendor, file, login);
        return vendor.equals("yealink") ? cfg(text) : flat(parse(text));
    }

    private Document render(String vendor, String file, ProvisioningServer.ProvisioningLogin login) throws Exception {
        return parse(renderText(vendor, file, Optional.of(login)));
    }

    private String renderText(String vendor, String file, Optional<ProvisioningServer.ProvisioningLogin> login) {
        boolean ht814 = file.startsWith("ht814");
        boolean ht802 = file.startsWith("ht802");
        String model = ht814 ? "HT814" : ht802 ? "HT802" : DESKS.get(vendor)[0];
        String mac = ht814 ? "c074ad000814" : ht802 ? "c074ad000802" : DESKS.get(vendor)[1];
        DeskView[] v = desk(vendor, model, mac, ht814 ? 4 : ht802 ? 2 : 1);
        DeskView view = file.equals("idle") ? v[0] : v[1];
        VendorProfile p = VendorProfiles.byVendor().get(vendor);
        Map<String, Object> model0 = new LinkedHashMap<>(p.model(view, SETTINGS, clock.instant()));
        login.ifPresent(l -> model0.put("provisioningLogin", l));
        return renderer.render(vendor, model, view.device().mac(), p.fileKind(), model0);
    }

    /**
     * A desk idle, then occupied on line 1 by 101 (Alice) whose keys are a BLF on 102 and a speed dial; each in a
     * ledger of its own.
     */
    private DeskView[] desk(String vendor, String model, String mac, int lines) {
        InMemoryLedger ledger = new InMemoryLedger();
        ProvisionDesk provisionDesk = new ProvisionDesk(ledger, clock);
        Mac m = Mac.parse(mac);
        List<DeskLine> deskLines = new ArrayList<>();
        for (int port = 1; port <= lines; port++) {
            deskLines.add(new DeskLine(DeskLine.endpointIdFor(m, port), m, port, "secret"));
        }
        Extension ext = Extension.of("101");
        ledger.transact(tx -> {
            tx.insertDevice(new Device(m, vendor, model, "Desk 1", "", "", true), deskLines);
            tx.insertUser(new User(ext, "Alice", hasher.hash("4823"), true, "internal", "", "usersecret1234", false));
            tx.setKeys(ext, List.of(BLF, SPEED));
            return null;
        });
        DeskView idle = provisionDesk.fetch(m, "127.0.0.1", "test").orElseThrow();
        ledger.transact(tx -> {
            tx.occupy(new Occupancy(deskLines.get(0).endpointId(), ext, clock.instant(), clock.instant()));
            tx.bump(Target.desk(deskLines.get(0).endpointId()));
            return null;
        });
        return new DeskView[] {idle, provisionDesk.fetch(m, "127.0.0.1", "test").orElseThrow()};
    }

    /**
     * An XML file as its vendor's parser sees it: {@code @root}; every attribute by name (Polycom); every leaf
     * element by name, with {@code [idx]} when it has one (Snom) and {@code name@attribute} for its attributes.
     */
    static Map<String, String> flat(Document d) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("@root", d.getDocumentElement().getTagName());
        m.putAll(attributes(d));
        NodeList all = d.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            String key = e.getTagName() + (e.hasAttribute("idx") ? "[" + e.getAttribute("idx") + "]" : "");
            boolean parameterInAttributes = e.getTextContent().isEmpty() && e.getAttributes().getLength() > 0;
            if (e.getElementsByTagName("*").getLength() == 0 && !parameterInAttributes) {
                assertThat(m.put(key, e.getTextContent())).as("given twice: " + key).isNull();
            }
            NamedNodeMap attrs = e.getAttributes();
            for (int a = 0; a < attrs.getLength(); a++) {
                if (!attrs.item(a).getNodeName().equals("idx")) {
                    m.put(key + "@" + attrs.item(a).getNodeName(), attrs.item(a).getNodeValue());
                }
            }
        }
        return m;
    }
}
