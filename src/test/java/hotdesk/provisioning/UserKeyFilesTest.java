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
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static hotdesk.provisioning.VendorFilesTest.attributes;
import static hotdesk.provisioning.VendorFilesTest.cfg;
import static hotdesk.provisioning.VendorFilesTest.parse;
import static hotdesk.provisioning.VendorFilesTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's own keys in every vendor's file, checked against the vendors' key types (templates/README.md,
 * "User keys"): the occupant's keys follow the logout key in position order with the gaps between positions
 * dropped, every further key of the model is cleared, an idle desk shows only its own keys, and keys beyond
 * the model's last key are left out.
 */
class UserKeyFilesTest {

    private static final ProvisioningSettings SETTINGS = VendorFilesTest.settings("UTC", false, DialCodes.logoutOnly("*32"));
    /** Positions 3 and 10 of the user: they go on the first two keys after the logout key. */
    private static final UserKey BLF = new UserKey(3, UserKey.Type.BLF, "102", "Bob Müller");
    private static final UserKey SPEED = new UserKey(10, UserKey.Type.SPEED_DIAL, "+15551230000", "");

    private final MutableClock clock = new MutableClock(Instant.parse("2025-07-01T08:00:00Z"));
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final SecretHasher hasher = new SecretHasher(1000, new SecureRandom());
    private final ProvisionDesk provisionDesk = new ProvisionDesk(ledger, clock);
    private final TemplateRenderer renderer = new TemplateRenderer(Optional.empty(), clock);

    /** The view of a one-line desk idle, then occupied by 101 who has {@code keys}. */
    private DeskView[] desk(String vendor, String model, String mac, List<UserKey> keys) {
        Mac m = Mac.parse(mac);
        DeskLine line = new DeskLine(DeskLine.endpointIdFor(m, 1), m, 1, "secret");
        Extension ext = Extension.of("101");
        ledger.transact(tx -> {
            tx.insertDevice(new Device(m, vendor, model, "Desk 1", "", "", true), List.of(line));
            tx.insertUser(new User(ext, "Alice", hasher.hash("4823"), true, "internal", "", "usersecret1234", false));
            tx.setKeys(ext, keys);
            return null;
        });
        DeskView idle = provisionDesk.fetch(m, "127.0.0.1", "test").orElseThrow();
        ledger.transact(tx -> {
            tx.occupy(new Occupancy(line.endpointId(), ext, clock.instant(), clock.instant()));
            tx.bump(Target.desk(line.endpointId()));
            return null;
        });
        return new DeskView[] {idle, provisionDesk.fetch(m, "127.0.0.1", "test").orElseThrow()};
    }

    private String render(VendorProfile p, DeskView view) {
        return renderer.render(p.vendor(), view.device().model(), view.device().mac(), p.fileKind(),
                p.model(view, SETTINGS, clock.instant()));
    }

    @Test
    void yealink_blf_is_type_16_and_speed_dial_type_13_after_the_logout_key_and_the_rest_up_to_the_last_key_cleared() {
        DeskView[] v = desk("yealink", "T54W", "001565000001", List.of(SPEED, BLF));
        YealinkProfile p = new YealinkProfile();

        Map<String, String> idle = cfg(render(p, v[0]));
        Map<String, String> occupied = cfg(render(p, v[1]));

        assertThat(occupied).containsEntry("linekey.2.type", "13").containsEntry("linekey.2.value", "*32")
                .containsEntry("linekey.3.type", "16").containsEntry("linekey.3.value", "102")
                .containsEntry("linekey.3.label", "Bob Müller").containsEntry("linekey.3.line", "1")
                .containsEntry("linekey.4.type", "13").containsEntry("linekey.4.value", "+15551230000")
                .containsEntry("linekey.4.label", "+15551230000")
                .containsEntry("linekey.5.type", "0").containsEntry("linekey.27.type", "0")
                .doesNotContainKey("linekey.28.type");
        for (int i = 3; i <= 27; i++) {
            assertThat(idle).as("key " + i + " of an idle desk").containsEntry("linekey." + i + ".type", "0")
                    .containsEntry("linekey." + i + ".value", "");
        }
    }

    @Test
    void polycom_blf_is_a_blf_line_key_on_the_attendant_list_and_speed_dial_an_enhanced_feature_key() throws Exception {
        DeskView[] v = desk("polycom", "VVX411", "0004f2000001", List.of(BLF, SPEED));
        PolycomProfile p = new PolycomProfile();

        Map<String, String> idle = attributes(parse(render(p, v[0])));
        Map<String, String> occupied = attributes(parse(render(p, v[1])));

        assertThat(occupied).containsEntry("lineKey.2.category", "EFK").containsEntry("lineKey.2.index", "1")
                .containsEntry("lineKey.3.category", "BLF").containsEntry("lineKey.3.index", "1")
                .containsEntry("attendant.resourceList.1.address", "102")
                .containsEntry("attendant.resourceList.1.label", "Bob Müller")
                .containsEntry("lineKey.4.category", "EFK").containsEntry("lineKey.4.index", "2")
                .containsEntry("efk.efklist.2.status", "1").containsEntry("efk.efklist.2.action.string", "+15551230000$Tinvite$")
                .containsEntry("lineKey.5.category", "Unassigned").containsEntry("lineKey.12.category", "Unassigned")
                .doesNotContainKey("lineKey.13.category");
        for (int i = 3; i <= 12; i++) {
            assertThat(idle).containsEntry("lineKey." + i + ".category", "Unassigned");
        }
        assertThat(idle).doesNotContainKey("attendant.resourceList.1.address").doesNotContainKey("efk.efklist.2.status");
    }

    @Test
    void grandstream_keys_take_multi_purpose_keys_2_on_with_their_own_p_values_and_mode_none_when_unused() throws Exception {
        DeskView[] v = desk("grandstream", "GXP2160", "000b82000001", List.of(BLF, SPEED));
        GrandstreamProfile p = new GrandstreamProfile();

        Map<String, String> idle = pValues(parse(render(p, v[0])));
        Map<String, String> occupied = pValues(parse(render(p, v[1])));

        // MPK 1 (logout): P323/P301/P302/P303; MPK 2: P324/P304/P305/P306; MPK 3: P325/P307/P308/P309
        assertThat(occupied).containsEntry("P323", "0").containsEntry("P303", "*32")
                .containsEntry("P324", "1").containsEntry("P304", "0").containsEntry("P305", "Bob Müller").containsEntry("P306", "102")
                .containsEntry("P325", "0").containsEntry("P307", "0").containsEntry("P309", "+15551230000")
                .containsEntry("P326", "-1")
                // MPK 8 and 24, the last of a GXP2160
                .containsEntry("P353", "-1").containsEntry("P1460", "-1").containsEntry("P1463", "");
        assertThat(idle).containsEntry("P324", "-1").containsEntry("P306", "").containsEntry("P325", "-1");
    }

    @Test
    void grandstream_models_without_physical_multi_purpose_keys_get_no_user_keys() throws Exception {
        DeskView[] v = desk("grandstream", "GXP2170", "000b82000002", List.of(BLF));

        Map<String, String> occupied = pValues(parse(render(new GrandstreamProfile(), v[1])));

        assertThat(occupied).containsEntry("P323", "0").doesNotContainKey("P324").doesNotContainKey("P306");
    }

    @Test
    void snom_blf_is_blf_with_a_sip_uri_and_speed_dial_speed_on_the_function_keys_after_the_logout_key() throws Exception {
        DeskView[] v = desk("snom", "D385", "000413000001", List.of(BLF, SPEED));
        SnomProfile p = new SnomProfile();

        Map<String, Element> idle = fkeys(parse(render(p, v[0])));
        Map<String, Element> occupied = fkeys(parse(render(p, v[1])));

        assertThat(occupied.get("1").getTextContent()).isEqualTo("speed *32");
        assertThat(occupied.get("2").getTextContent()).isEqualTo("blf <sip:102@pbx.example.org>");
        assertThat(occupied.get("2").getAttribute("label")).isEqualTo("Bob Müller");
        assertThat(occupied.get("3").getTextContent()).isEqualTo("speed +15551230000");
        assertThat(occupied.get("4").getTextContent()).isEqualTo("none");
        assertThat(occupied).containsKey("17").doesNotContainKey("18"); // 18 keys, idx 0..17
        assertThat(idle.get("2").getTextContent()).isEqualTo("none");
    }

    @Test
    void fanvil_blf_is_a_memory_key_with_ba_and_speed_dial_with_f_on_line_1() throws Exception {
        DeskView[] v = desk("fanvil", "X4U", "0c383e000001", List.of(BLF, SPEED));
        FanvilProfile p = new FanvilProfile();

        Map<String, Element> idle = VendorFilesTest.fanvilKeys(parse(render(p, v[0])));
        Map<String, Element> occupied = VendorFilesTest.fanvilKeys(parse(render(p, v[1])));

        assertThat(child(occupied.get("3"), "Type")).isEqualTo("1");
        assertThat(child(occupied.get("3"), "Value")).isEqualTo("102@1/ba");
        assertThat(child(occupied.get("3"), "Title")).isEqualTo("Bob Müller");
        assertThat(child(occupied.get("4"), "Type")).isEqualTo("1");
        assertThat(child(occupied.get("4"), "Value")).isEqualTo("+15551230000@1/f");
        assertThat(child(occupied.get("5"), "Type")).isEqualTo("0");
        assertThat(child(occupied.get("5"), "Value")).isEmpty();
        assertThat(child(occupied.get("5"), "Title")).isEmpty();
        assertThat(occupied).containsKey("12").doesNotContainKey("13");
        assertThat(child(idle.get("3"), "Type")).isEqualTo("0");
        assertThat(child(idle.get("4"), "Type")).isEqualTo("0");
    }

    @Test
    void cisco_blf_is_blf_sd_cp_with_sub_and_ext_and_speed_dial_sd_with_ext_on_disabled_line_keys() throws Exception {
        DeskView[] v = desk("cisco", "8841", "00562b000001", List.of(BLF, SPEED));
        CiscoProfile p = new CiscoProfile();

        Document idle = parse(render(p, v[0]));
        Document occupied = parse(render(p, v[1]));

        assertThat(text(occupied, "Extension_3_")).isEqualTo("Disabled");
        assertThat(text(occupied, "Extended_Function_3_")).isEqualTo("fnc=blf+sd+cp;sub=102@$PROXY;ext=102@$PROXY;nme=Bob Müller");
        assertThat(text(occupied, "Short_Name_3_")).isEqualTo("Bob Müller");
        assertThat(text(occupied, "Extended_Function_4_")).isEqualTo("fnc=sd;ext=+15551230000@$PROXY;nme=+15551230000");
        assertThat(text(occupied, "Extended_Function_10_")).isEmpty();
        assertThat(occupied.getElementsByTagName("Extended_Function_11_").getLength()).isZero();
        assertThat(text(idle, "Extended_Function_3_")).isEmpty();
    }

    @Test
    void keys_beyond_the_models_last_key_are_left_out_in_position_order() {
        List<UserKey> many = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            many.add(new UserKey(i * 2, UserKey.Type.BLF, "1" + (10 + i), ""));
        }
        // VVX250: 4 line keys = line 1, logout 2, then keys 3 and 4
        DeskView[] v = desk("polycom", "VVX250", "0004f2000009", many);

        Map<String, Object> model = new PolycomProfile().model(v[1], SETTINGS, clock.instant());

        assertThat(model.get("userKeys")).asList().extracting("index", "value")
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3, "111"), org.assertj.core.groups.Tuple.tuple(4, "112"));
    }

    private static Map<String, String> pValues(Document d) {
        Map<String, String> m = new LinkedHashMap<>();
        NodeList config = d.getElementsByTagName("config").item(0).getChildNodes();
        for (int i = 0; i < config.getLength(); i++) {
            if (config.item(i) instanceof Element e) {
                assertThat(m.put(e.getTagName(), e.getTextContent())).as("P-value given twice: " + e.getTagName()).isNull();
            }
        }
        return m;
    }

    private static Map<String, Element> fkeys(Document d) {
        Map<String, Element> m = new LinkedHashMap<>();
        NodeList keys = d.getElementsByTagName("fkey");
        for (int i = 0; i < keys.getLength(); i++) {
            Element e = (Element) keys.item(i);
            assertThat(m.put(e.getAttribute("idx"), e)).as("fkey given twice: " + e.getAttribute("idx")).isNull();
        }
        return m;
    }

    private static String child(Element e, String name) {
        return e.getElementsByTagName(name).item(0).getTextContent();
    }
}
