package hotdesk.provisioning;

import hotdesk.core.model.Mac;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether a User-Agent names the desk's MAC: the quick scan answers as the pattern does, for the forms
 * phones send and for strings drawn at random around them.
 */
class UserAgentMacTest {

    private static final Mac MAC = new Mac("0015651234ab");

    @Test
    void each_vendors_form_names_the_mac() {
        for (String ua : List.of("Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ab",
                "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:AB",
                "Grandstream Model HW GXP2170 SW 1.0.11.6 DevId 0015651234ab",
                "Mozilla/4.0 (compatible; snomD785-SIP 10.1.169.9 0015651234AB)",
                "Fanvil X4U 2.12.1 00-15-65-12-34-ab",
                "Cisco-CP8845-3PCC/12.0.1 (0015651234ab)",
                "0015651234ab")) {
            assertThat(ProvisioningServer.carriesMac(ua, MAC)).as(ua).isTrue();
            assertThat(ProvisioningServer.carriesMacByPattern(ua, MAC)).as(ua).isTrue();
        }
    }

    @Test
    void another_mac_a_longer_run_or_mixed_separators_do_not() {
        for (String ua : List.of("Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ac",
                "Yealink 00:15:65:12:34:ab:01",       // seven pairs: another token
                "Yealink 1-00:15:65:12:34:ab",        // run on from a dash
                "Yealink 00:15-65:12:34:ab",          // mixed separators
                "Yealink 00156512 34ab",
                "a0015651234ab",
                "",
                "PolycomVVX-VVX_450-UA/6.4.3.5018")) {
            assertThat(ProvisioningServer.carriesMac(ua, MAC)).as(ua).isFalse();
        }
    }

    /** Strings drawn from the characters that matter near a MAC: the scan never answers other than the pattern. */
    @Test
    void the_quick_scan_answers_as_the_pattern_for_random_user_agents() {
        Random random = new Random(5);
        String[] pieces = {"00", "15", "65", "12", "34", "ab", "AB", "Ab", ":", "-", " ", "x", "0", "a", "(", ")"};
        String[] forms = {"0015651234ab", "00:15:65:12:34:ab", "00-15-65-12-34-AB", "00:15:65:12:34:Ab"};
        int named = 0;
        for (int n = 0; n < 30_000; n++) {
            StringBuilder b = new StringBuilder();
            int parts = random.nextInt(14);
            for (int i = 0; i < parts; i++) {
                b.append(random.nextInt(6) == 0 ? forms[random.nextInt(forms.length)] : pieces[random.nextInt(pieces.length)]);
            }
            String ua = b.toString();
            boolean byPattern = ProvisioningServer.carriesMacByPattern(ua, MAC);
            assertThat(ProvisioningServer.carriesMac(ua, MAC)).as("'" + ua + "'").isEqualTo(byPattern);
            named += byPattern ? 1 : 0;
        }
        assertThat(named).as("drawn User-Agents that name the MAC").isGreaterThan(1_000);
    }
}
