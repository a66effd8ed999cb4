package hotdesk.core.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CivicLocationTest {

    @ParameterizedTest(name = "{0} ''{1}'' is kept as ''{2}''")
    @CsvSource(delimiter = '|', textBlock = """
            COUNTRY | US                     | US
            COUNTRY | de                     | DE
            COUNTRY | ' gb '                 | GB
            A1      | NY                     | NY
            A3      | Zürich                 | Zürich
            A3      | ' New York '           | New York
            RD      | Rue de l'Église        | Rue de l'Église
            RD      | 東京都                  | 東京都
            HNO     | 12                     | 12
            HNS     | A                      | A
            PC      | SW1A 1AA               | SW1A 1AA
            FLR     | -1                     | -1
            ROOM    | 3.14/B                 | 3.14/B
            SEAT    | #12                    | #12
            LOC     | north corner + window @ 2:00 | north corner + window @ 2:00
            NAM     | Acme_Corp              | Acme_Corp
            BLD     | ''                     | ''
            """)
    void good_values_are_kept_stripped_and_the_country_in_upper_case(CivicField field, String value, String kept) {
        assertThat(CivicLocation.check(field, value)).isEqualTo(kept);
    }

    @ParameterizedTest(name = "country ''{0}'' is refused")
    @ValueSource(strings = {"USA", "U", "XX", "1A", "U S", "zz"})
    void a_country_must_be_an_iso_3166_alpha_2_code(String country) {
        assertThatThrownBy(() -> CivicLocation.check(CivicField.COUNTRY, country))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("country must be a 2-letter ISO 3166 country code")
                .hasMessageContaining("'" + country.strip() + "'");
    }

    @ParameterizedTest(name = "''{0}'' is refused")
    @ValueSource(strings = {"a,b", "a=b", "say \"hi\"", "back\\slash", "${DB(x)}", "a{b", "a}b", "a;b", "line\nbreak",
            "cr\rx", "(paren", "paren)", "[x]", "<b>", "a&amp;", "tab\tx", "pipe|x", "50%", "a^b", "emoji 😀", "a`b", "a~b",
            "a!b", "a?b", "a*b"})
    void anything_outside_the_safe_set_is_refused_naming_the_field(String value) {
        assertThatThrownBy(() -> CivicLocation.check(CivicField.A3, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("city (A3) must be at most 64 characters: letters, digits, spaces and . - _ / # ' + : @")
                .hasMessageNotContaining("\n");
    }

    @Test
    void every_field_has_its_length_bound() {
        for (CivicField f : CivicField.values()) {
            if (f == CivicField.COUNTRY) {
                continue;
            }
            String longest = "9".repeat(f.maxLength());
            assertThat(CivicLocation.check(f, longest)).as(f.name()).isEqualTo(longest);
            assertThatThrownBy(() -> CivicLocation.check(f, longest + "9")).as(f.name())
                    .hasMessageStartingWith(f.shown() + " must be at most " + f.maxLength() + " characters");
        }
    }

    @Test
    void the_location_info_lists_the_set_fields_in_a_fixed_order_with_asterisk_keys() {
        Map<CivicField, String> given = new EnumMap<>(CivicField.class);
        given.put(CivicField.SEAT, "3-01");
        given.put(CivicField.COUNTRY, "us");
        given.put(CivicField.RD, "Main Street");
        given.put(CivicField.A1, "NY");
        given.put(CivicField.FLR, "3");
        given.put(CivicField.ROOM, "");

        CivicLocation l = CivicLocation.of(given);

        assertThat(l.locationInfo()).isEqualTo("country=US,A1=NY,RD=Main Street,FLR=3,SEAT=3-01");
        assertThat(l.get(CivicField.ROOM)).isEmpty();
        assertThat(l.values()).doesNotContainKey(CivicField.ROOM);
        assertThat(CivicLocation.EMPTY.locationInfo()).isEmpty();
        assertThat(CivicLocation.EMPTY.isEmpty()).isTrue();
    }

    @Test
    void a_desks_fields_win_over_the_sites_and_an_empty_change_clears_a_field() {
        CivicLocation site = CivicLocation.of(Map.of(CivicField.COUNTRY, "US", CivicField.BLD, "1", CivicField.A3, "Springfield"));
        CivicLocation desk = CivicLocation.of(Map.of(CivicField.BLD, "2", CivicField.FLR, "3"));

        assertThat(site.overriddenBy(desk).locationInfo()).isEqualTo("country=US,A3=Springfield,BLD=2,FLR=3");
        assertThat(site.with(Map.of(CivicField.A3, "")).locationInfo()).isEqualTo("country=US,BLD=1");
        assertThat(site.overriddenBy(CivicLocation.EMPTY)).isEqualTo(site);
        assertThat(CivicLocation.EMPTY.overriddenBy(desk)).isEqualTo(desk);
        assertThat(CivicLocation.EMPTY.overriddenBy(CivicLocation.EMPTY)).isEqualTo(CivicLocation.EMPTY);
    }

    @Test
    void fields_given_only_blank_make_the_empty_location() {
        java.util.EnumMap<CivicField, String> blank = new java.util.EnumMap<>(CivicField.class);
        blank.put(CivicField.BLD, "  ");
        blank.put(CivicField.FLR, "");

        assertThat(CivicLocation.of(blank)).isEqualTo(CivicLocation.EMPTY);
        assertThat(CivicLocation.of(blank).isEmpty()).isTrue();
        assertThat(CivicLocation.of(blank).locationInfo()).isEmpty();
    }

    @Test
    void fields_a_place_cannot_hold_are_refused_by_name() {
        CivicLocation l = CivicLocation.of(Map.of(CivicField.COUNTRY, "US", CivicField.FLR, "3", CivicField.SEAT, "1"));

        assertThatThrownBy(() -> l.requireOnly(CivicField.SITE, "a site's address"))
                .hasMessage("a site's address cannot hold floor, seat");
        assertThat(l.requireOnly(java.util.EnumSet.allOf(CivicField.class), "anything")).isSameAs(l);
    }

    @Test
    void sanitize_replaces_what_is_not_safe_by_spaces() {
        assertThat(CivicLocation.sanitize("Desk \"3,14\" (window); ${x}")).isEqualTo("Desk 3 14 window x");
        assertThat(CivicLocation.sanitize("Zürich – 3. OG")).isEqualTo("Zürich 3. OG");
        assertThat(CivicLocation.sanitize(null)).isEmpty();
        assertThat(CivicLocation.isSafe(CivicLocation.sanitize("a\u0000b\nc 😀"))).isTrue();
    }

    @Test
    void the_civic_field_names_match_what_asterisk_accepts() {
        // res_geolocation's geoloc_civicaddr.c: the keys a civicAddress location_info may use (case matters)
        java.util.Set<String> asterisk = java.util.Set.of("country", "A1", "A2", "A3", "A4", "A5", "A6", "ADDCODE", "BLD", "FLR",
                "HNO", "HNS", "LMK", "LOC", "NAM", "PC", "PCN", "PLC", "POBOX", "POD", "POM", "PRD", "PRM", "RD", "RDBR",
                "RDSEC", "RDSUBBR", "ROOM", "SEAT", "STS", "UNIT");
        for (CivicField f : CivicField.values()) {
            assertThat(asterisk).as(f.name()).contains(f.key());
        }
        assertThat(CivicField.byOption("postal-code")).contains(CivicField.PC);
        assertThat(CivicField.byOption("PC")).isEmpty();
    }

    /** The safe set written as the class comment's pattern; the fast per-code-point check must agree with it. */
    private static final java.util.regex.Pattern SAFE_PATTERN = java.util.regex.Pattern.compile("[\\p{L}\\p{M}\\p{Nd} ._/#'+:@-]*");

    @Test
    void theCodePointCheckAgreesWithThePatternOnEveryCodePoint() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
                continue;
            }
            boolean byPattern = SAFE_PATTERN.matcher(new String(Character.toChars(cp))).matches();
            assertThat(CivicLocation.isSafeCodePoint(cp)).as("U+%04X", cp).isEqualTo(byPattern);
        }
    }

    @Test
    void sanitizeReplacesWhatIsUnsafeCollapsesSpacesAndStrips() {
        assertThat(CivicLocation.sanitize("  Hot;desk  <3>\n floor\u00A02 ")).isEqualTo("Hot desk 3 floor 2");
        assertThat(CivicLocation.sanitize("Zürich 4.OG")).isEqualTo("Zürich 4.OG");
        assertThat(CivicLocation.sanitize("\uD83D\uDE00 Desk")).isEqualTo("Desk");
        assertThat(CivicLocation.sanitize("${x}")).isEqualTo("x");
        assertThat(CivicLocation.sanitize(";;;")).isEmpty();
        assertThat(CivicLocation.sanitize(null)).isEmpty();
        // the same as replacing every unsafe code point by a space, collapsing runs and stripping, on random text
        java.util.Random random = new java.util.Random(11);
        String alphabet = "aZ9 ;,=\"\\$<>&\n\tü\u0301\u00A0._/#'+:@-\uD83D\uDE00";
        for (int n = 0; n < 2000; n++) {
            StringBuilder b = new StringBuilder();
            int len = random.nextInt(12);
            for (int k = 0; k < len; k++) {
                int at = random.nextInt(alphabet.length());
                if (Character.isHighSurrogate(alphabet.charAt(at))) {
                    b.append(alphabet, at, at + 2);
                } else if (!Character.isLowSurrogate(alphabet.charAt(at))) {
                    b.append(alphabet.charAt(at));
                }
            }
            String text = b.toString();
            StringBuilder slow = new StringBuilder();
            text.codePoints().forEach(cp -> slow.append(SAFE_PATTERN.matcher(new String(Character.toChars(cp))).matches()
                    ? new String(Character.toChars(cp)) : " "));
            assertThat(CivicLocation.sanitize(text)).as(text).isEqualTo(slow.toString().replaceAll(" {2,}", " ").strip());
        }
    }
}
