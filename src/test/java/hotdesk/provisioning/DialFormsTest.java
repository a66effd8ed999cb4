package hotdesk.provisioning;

import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.Target;
import hotdesk.core.model.User;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.usecase.ProvisionDesk;
import hotdesk.core.usecase.ProvisionDesk.DeskView;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every configured feature code, in the form a user dials it, for every vendor: the rendered file must not
 * make the phone send the number early, neither at a send key inside the code ({@code #} in {@code 00#…#})
 * nor by a dial-now rule that a shorter part of the code already matches ({@code 00} before {@code 00#…}).
 */
class DialFormsTest {

    /** hotdesk's default codes (codes.login, codes.login-star, codes.otp, codes.logout). */
    static final DialCodes DEFAULTS = new DialCodes(List.of("*70"), List.of("*77*"), List.of("00*", "00#"),
            List.of("*71", "*77*5*", "00#", "00"));

    private final MutableClock clock = new MutableClock(Instant.parse("2025-07-01T08:00:00Z"));
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final ProvisionDesk provisionDesk = new ProvisionDesk(ledger, clock);
    private final TemplateRenderer renderer = new TemplateRenderer(Optional.empty(), clock);

    /** What a rendered file says about dialling: the key that sends (none: '\0') and the dial-now patterns. */
    record DialRules(char sendKey, List<String> dialNow) {

        /** The first problem dialling {@code form} would meet, or empty when it can be dialled as written. */
        Optional<String> problem(String form) {
            for (int end = 1; end < form.length(); end++) {
                String typed = form.substring(0, end);
                if (typed.charAt(end - 1) == sendKey) {
                    return Optional.of("'" + sendKey + "' sends " + typed + " of " + form);
                }
                for (String p : dialNow) {
                    if (matches(p, typed)) {
                        return Optional.of("dial-now rule " + p + " sends " + typed + " of " + form);
                    }
                }
            }
            return Optional.empty();
        }

        /** The phones' pattern language as used here: {@code x} is one digit, anything else itself. */
        static boolean matches(String pattern, String typed) {
            if (pattern.length() != typed.length()) {
                return false;
            }
            for (int i = 0; i < pattern.length(); i++) {
                char p = pattern.charAt(i);
                char t = typed.charAt(i);
                if (p == 'x' ? !Character.isDigit(t) : p != t) {
                    return false;
                }
            }
            return true;
        }
    }

    private DeskView occupiedDesk(String vendor, String model, String mac, String ext, int ports) {
        Mac m = Mac.parse(mac);
        List<DeskLine> lines = new ArrayList<>();
        for (int port = 1; port <= ports; port++) {
            lines.add(new DeskLine(DeskLine.endpointIdFor(m, port), m, port, "secretsecret" + port));
        }
        DeskLine line = lines.get(0);
        SecretHasher hasher = new SecretHasher(1000, new SecureRandom());
        ledger.transact(tx -> {
            tx.insertDevice(new Device(m, vendor, model, "Desk", "", "", true), lines);
            tx.insertUser(new User(Extension.of(ext), "Eve", hasher.hash("4823"), true, "internal", "", "usersecret1234", false));
            tx.occupy(new Occupancy(line.endpointId(), Extension.of(ext), clock.instant(), clock.instant()));
            tx.bump(Target.desk(line.endpointId()), Target.user(Extension.of(ext)));
            return null;
        });
        return provisionDesk.fetch(m, "127.0.0.1", "test").orElseThrow();
    }

    private String render(String vendor, String model, String mac, String ext, int ports) {
        VendorProfile p = VendorProfiles.byVendor().get(vendor);
        DeskView view = occupiedDesk(vendor, model, mac, ext, ports);
        return renderer.render(vendor, model, view.device().mac(), p.fileKind(),
                p.model(view, VendorFilesTest.settings("Europe/Berlin", false, DEFAULTS), clock.instant()));
    }

    /** Reads the dialling rules each vendor's file carries (what the phone would do with them). */
    private DialRules rules(String vendor, String file) throws Exception {
        switch (vendor) {
            case "yealink" -> {
                Map<String, String> cfg = VendorFilesTest.cfg(file);
                // features.key_as_send: 0 none, 1 '#' (the phone's default when the file says nothing), 2 '*'
                String send = cfg.getOrDefault("features.key_as_send", "1");
                List<String> now = new ArrayList<>();
                cfg.forEach((k, v) -> {
                    if (k.startsWith("dialplan.dialnow.rule.")) {
                        now.add(v);
                    }
                });
                return new DialRules(send.equals("1") ? '#' : send.equals("2") ? '*' : '\0', now);
            }
            case "grandstream" -> {
                Document d = VendorFilesTest.parse(file);
                // "Use # as Dial Key" / "Key as Send" (1 '#', the default): P72 for a phone and a gateway's first
                // port or profile, P772 for an HT802's second port; the dial plan: P290 on a phone, P4200 and
                // P4201 on gateways (Grandstream's configuration templates)
                boolean gateway = d.getElementsByTagName("P290").getLength() == 0;
                List<String> keys = gateway && d.getElementsByTagName("P735").getLength() > 0 ? List.of("P72", "P772") : List.of("P72");
                List<String> plans = gateway ? (keys.size() == 2 ? List.of("P4200", "P4201") : List.of("P4200")) : List.of("P290");
                char send = '\0';
                for (String key : keys) {
                    String value = d.getElementsByTagName(key).getLength() == 0 ? "1" : VendorFilesTest.text(d, key);
                    send = value.equals("1") ? '#' : send;
                }
                for (String plan : plans) {
                    assertThat(VendorFilesTest.text(d, plan)).as("the dial plan " + plan + " must admit * and #")
                            .contains("*").contains("#");
                }
                return new DialRules(send, List.of());
            }
            case "fanvil" -> {
                Document d = VendorFilesTest.parse(file);
                // <call><basic><DialbyPound>: 1 '#' sends; taken as 1 when the file says nothing (the phone's default
                // is not known); the name is a second implementation's, not a Fanvil document's (templates/README.md)
                NodeList pound = d.getElementsByTagName("DialbyPound");
                assertThat(pound.getLength()).as("DialbyPound given once at most").isLessThanOrEqualTo(1);
                String send = pound.getLength() == 0 ? "1" : pound.item(0).getTextContent();
                if (pound.getLength() == 1) {
                    assertThat(((org.w3c.dom.Element) pound.item(0).getParentNode()).getTagName()).isEqualTo("basic");
                }
                assertThat(file).doesNotContain("dial").doesNotContain("DialPlan").doesNotContain("digitmap");
                return new DialRules(send.equals("0") ? '\0' : '#', List.of());
            }
            default -> {
                // the bundled files of the other vendors set no send key and no dial-now rule (templates/README.md)
                VendorFilesTest.parse(file);
                assertThat(file).doesNotContain("dial").doesNotContain("Dial_Plan").doesNotContain("digitmap");
                return new DialRules('\0', List.of());
            }
        }
    }

    @Test
    void every_configured_code_can_be_dialled_as_documented_on_every_vendors_phone() throws Exception {
        String[][] desks = {{"yealink", "T54W", "001565000001", "1"}, {"polycom", "VVX411", "0004f2000001", "1"},
                {"grandstream", "GXP2170", "000b82000001", "1"}, {"grandstream", "HT802", "c074ad000802", "2"},
                {"grandstream", "HT814", "c074ad000814", "4"}, {"snom", "D785", "000413000001", "1"},
                {"fanvil", "X4U", "0c383e000001", "1"}, {"cisco", "8841", "00562b000001", "1"}};
        assertThat(DEFAULTS.forms()).containsExactly("*70101", "*77*101*", "00*123456#", "00#123456#", "*71", "*77*5*",
                "00#", "00");
        int ext = 200;
        for (String[] d : desks) {
            DialRules rules = rules(d[0], render(d[0], d[1], d[2], Integer.toString(ext++), Integer.parseInt(d[3])));
            for (String form : DEFAULTS.forms()) {
                assertThat(rules.problem(form)).as(d[0] + " dialling " + form).isEmpty();
            }
        }
    }

    @Test
    void a_phone_that_sends_at_hash_or_dials_00_at_once_would_break_00_hash_codes() {
        DialRules hashSends = new DialRules('#', List.of());
        DialRules dials00 = new DialRules('\0', List.of("00"));

        assertThat(hashSends.problem("00#123456#")).contains("'#' sends 00# of 00#123456#");
        assertThat(dials00.problem("00#123456#")).contains("dial-now rule 00 sends 00 of 00#123456#");
        assertThat(hashSends.problem("*71")).isEmpty();
    }

    @Test
    void yealink_dials_complete_codes_at_once_but_never_a_code_another_one_continues() {
        assertThat(DEFAULTS.dialNowPatterns()).containsExactly("*71", "*77*5*", "00*xxxxxx#", "00#xxxxxx#");
        assertThat(DialCodes.logoutOnly("*32").dialNowPatterns()).containsExactly("*32");
    }
}
