package hotdesk.provisioning;

import hotdesk.core.model.Mac;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * File names matched without a regex answer as the vendors' file-name patterns did: the MAC in either case,
 * prefix and suffix exact, nothing longer or shorter.
 */
class MacFileNameTest {

    private static final Mac MAC = new Mac("0015651234ab");

    @Test
    void a_name_of_prefix_mac_and_suffix_gives_the_mac_in_lower_case() {
        assertThat(new MacFileName("", ".cfg").match("0015651234ab.cfg")).contains(MAC);
        assertThat(new MacFileName("", ".cfg").match("0015651234AB.cfg")).contains(MAC);
        assertThat(new MacFileName("cfg", ".xml").match("cfg0015651234Ab.xml")).contains(MAC);
        assertThat(new MacFileName("", "-hotdesk.cfg").match("0015651234ab-hotdesk.cfg")).contains(MAC);
    }

    @Test
    void anything_else_is_no_desk_file() {
        MacFileName cfg = new MacFileName("", ".cfg");
        assertThat(cfg.match("0015651234ab.CFG")).isEmpty(); // the suffix matches as written
        assertThat(cfg.match("0015651234a.cfg")).isEmpty();
        assertThat(cfg.match("0015651234abc.cfg")).isEmpty();
        assertThat(cfg.match("0015651234ag.cfg")).isEmpty();
        assertThat(cfg.match("00:15:65:12:34:ab.cfg")).isEmpty();
        assertThat(cfg.match("x0015651234ab.cfg")).isEmpty();
        assertThat(cfg.match("0015651234ab.cfgx")).isEmpty();
        assertThat(cfg.match("")).isEmpty();
        assertThat(cfg.match(null)).isEmpty();
        assertThat(new MacFileName("cfg", ".xml").match("CFG0015651234ab.xml")).isEmpty();
        assertThat(new MacFileName("", ".cfg").match("００15651234ab.cfg")).isEmpty(); // full-width digits are no hex
        assertThatThrownBy(() -> new MacFileName(null, ".cfg")).isInstanceOf(IllegalArgumentException.class);
    }

    /** The patterns the profiles used before: the same answer for every name, drawn at random near the shapes. */
    @Test
    void every_vendor_name_answers_as_its_pattern_did() {
        record Shape(MacFileName name, Pattern pattern) {
        }
        List<Shape> shapes = List.of(
                new Shape(new MacFileName("", ".cfg"), Pattern.compile("(?<mac>[0-9A-Fa-f]{12})\\.cfg")),
                new Shape(new MacFileName("", ".xml"), Pattern.compile("(?<mac>[0-9A-Fa-f]{12})\\.xml")),
                new Shape(new MacFileName("cfg", ".xml"), Pattern.compile("cfg(?<mac>[0-9A-Fa-f]{12})\\.xml")),
                new Shape(new MacFileName("", "-hotdesk.cfg"), Pattern.compile("(?<mac>[0-9A-Fa-f]{12})-hotdesk\\.cfg")));
        String alphabet = "0123456789abcdefABCDEFgxyz.-:G";
        Random random = new Random(11);
        int matched = 0;
        for (int n = 0; n < 20_000; n++) {
            Shape s = shapes.get(random.nextInt(shapes.size()));
            // mostly the shape's own prefix, 12 digits and suffix, now and then another of each
            StringBuilder b = new StringBuilder(random.nextInt(4) == 0 ? "cfg" : s.name().prefix());
            int digits = random.nextBoolean() ? 12 : 10 + random.nextInt(4);
            for (int i = 0; i < digits; i++) {
                b.append(random.nextInt(40) == 0 ? alphabet.charAt(random.nextInt(alphabet.length()))
                        : "0123456789abcdefABCDEF".charAt(random.nextInt(22)));
            }
            List<String> suffixes = List.of(".cfg", ".xml", "-hotdesk.cfg", ".CFG", ".cfg.bak", "");
            b.append(random.nextBoolean() ? s.name().suffix() : suffixes.get(random.nextInt(suffixes.size())));
            String name = b.toString();
            Matcher m = s.pattern().matcher(name);
            Optional<Mac> byPattern = m.matches() ? Optional.of(Mac.parse(m.group("mac"))) : Optional.empty();
            assertThat(s.name().match(name)).as(name + " against " + s.pattern()).isEqualTo(byPattern);
            matched += byPattern.isPresent() ? 1 : 0;
        }
        assertThat(matched).as("names that are desk files among those drawn").isGreaterThan(4_000);
    }

    @Test
    void the_profiles_route_their_names_as_before() {
        assertThat(new PolycomProfile().masterFile("0015651234ab.cfg")).contains(MAC);
        assertThat(new PolycomProfile().masterFile("000000000000.cfg")).isEmpty(); // the common master file
        assertThat(new PolycomProfile().deskFile("0015651234AB-hotdesk.cfg")).contains(MAC);
        assertThat(new SnomProfile().deskFile("snomD785-0015651234AB.htm")).contains(MAC);
        assertThat(new SnomProfile().deskFile("snom-0015651234ab.htm")).isEmpty();
        assertThat(new SnomProfile().deskFile("0015651234ab.xml")).contains(MAC);
        assertThat(new GrandstreamProfile().deskFile("cfg0015651234ab.xml")).contains(MAC);
        assertThat(new GrandstreamProfile().askedButUnserved("cfg0015651234ab")).isTrue();
        assertThat(new GrandstreamProfile().askedButUnserved("cfggxp2170.xml")).isTrue();
        assertThat(new GrandstreamProfile().askedButUnserved("cfg0015651234ab.xml")).isFalse();
        assertThat(new GrandstreamProfile().askedButUnserved("0015651234ab")).isFalse();
        assertThat(new YealinkProfile().deskFile("0015651234ab.cfg")).contains(MAC);
        assertThat(new FanvilProfile().deskFile("0015651234ab.cfg")).contains(MAC);
        assertThat(new CiscoProfile().deskFile("0015651234ab.xml")).contains(MAC);
    }
}
