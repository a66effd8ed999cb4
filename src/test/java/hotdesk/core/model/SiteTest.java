package hotdesk.core.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SiteTest {

    @Test
    void a_site_keeps_its_values_and_takes_utc_when_no_time_zone_is_given() {
        Site s = new Site(" HQ ", " +15551230000 ", CivicLocation.of(Map.of(CivicField.COUNTRY, "us")), null);

        assertThat(s.name()).isEqualTo("HQ");
        assertThat(s.elin()).isEqualTo("+15551230000");
        assertThat(s.address().get(CivicField.COUNTRY)).isEqualTo("US");
        assertThat(s.timeZone()).isEqualTo("UTC");
        assertThat(new Site("Berlin", "", null, "Europe/Berlin").address()).isEqualTo(CivicLocation.EMPTY);
    }

    @ParameterizedTest(name = "site name ''{0}'' is refused")
    @ValueSource(strings = {"", " ", "HQ,2", "a=b", "${x}", "HQ\nx", "\"HQ\"",
            "a-name-that-is-far-too-long-for-a-site-name-because-it-has-65-chars"})
    void a_bad_site_name_is_refused_naming_the_field(String name) {
        assertThatThrownBy(() -> new Site(name, "", null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("site name must be 1 to 64 characters");
    }

    @ParameterizedTest(name = "elin ''{0}'' is refused")
    @ValueSource(strings = {"911a", "+1 555", "555-1234", "1;2", "123456789012345678901234567890123"})
    void a_bad_elin_is_refused_naming_the_field(String elin) {
        assertThatThrownBy(() -> new Site("HQ", elin, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("elin must be digits (with + * #), at most 32");
    }

    @ParameterizedTest(name = "time zone ''{0}'' is refused")
    @ValueSource(strings = {"CET+1", "+01:00", "Europe/Nowhere", "berlin", "UTC+1"})
    void a_time_zone_must_be_an_iana_id(String zone) {
        assertThatThrownBy(() -> new Site("HQ", "", null, zone)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("time-zone must be an IANA time zone id");
    }

    @Test
    void a_sites_address_holds_no_desk_fields() {
        CivicLocation withFloor = CivicLocation.of(Map.of(CivicField.FLR, "3"));

        assertThatThrownBy(() -> new Site("HQ", "", withFloor, null)).hasMessage("a site's address cannot hold floor");
    }
}
