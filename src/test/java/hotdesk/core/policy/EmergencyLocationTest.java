package hotdesk.core.policy;

import hotdesk.core.model.CivicField;
import hotdesk.core.model.CivicLocation;
import hotdesk.core.model.Device;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Site;
import hotdesk.core.policy.EmergencyLocation.ElinSource;
import hotdesk.core.policy.EmergencyLocation.Located;
import hotdesk.core.policy.EmergencyLocation.Warning;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmergencyLocationTest {

    static final Mac MAC = Mac.parse("0015651234ab");
    static final CivicLocation HQ_ADDRESS = CivicLocation.of(Map.of(CivicField.COUNTRY, "US", CivicField.A1, "NY",
            CivicField.A3, "New York", CivicField.RD, "Main Street", CivicField.HNO, "1", CivicField.BLD, "1"));

    static Device device(String site, String elin) {
        return new Device(MAC, "yealink", "T54W", "Desk 3.14", site, elin, true);
    }

    static Optional<Site> site(String name, String elin) {
        return name.isEmpty() ? Optional.empty() : Optional.of(new Site(name, elin, HQ_ADDRESS, "America/New_York"));
    }

    @ParameterizedTest(name = "desk ''{0}'', site {1} ''{2}'', default ''{3}'' → ''{4}'' ({5})")
    @CsvSource(textBlock = """
            # desk elin, site in list, site elin, default, effective, from
            +15550001,  HQ, +15550002, +15550003, +15550001, DESK
            '',         HQ, +15550002, +15550003, +15550002, SITE
            '',         HQ, '',        +15550003, +15550003, DEFAULT
            '',         '', '',        +15550003, +15550003, DEFAULT
            '',         HQ, '',        '',        '',        NONE
            '',         '', '',        '',        '',        NONE
            +15550001,  '', '',        '',        +15550001, DESK
            """)
    void the_elin_is_the_desks_else_the_sites_else_the_default(String deskElin, String siteName, String siteElin,
                                                               String defaultElin, String effective, ElinSource from) {
        Located l = EmergencyLocation.resolve(device("HQ", deskElin), CivicLocation.EMPTY, site(siteName, siteElin),
                defaultElin);

        assertThat(l.elin()).isEqualTo(effective);
        assertThat(l.elinSource()).isEqualTo(from);
        assertThat(l.hasElin()).isEqualTo(!effective.isEmpty());
        assertThat(l.warnings().contains(Warning.NO_ELIN)).isEqualTo(effective.isEmpty());
    }

    @Test
    void a_site_not_in_the_site_list_gives_neither_address_nor_elin_and_is_warned_about() {
        Located l = EmergencyLocation.resolve(device("Lab", ""), CivicLocation.of(Map.of(CivicField.FLR, "2")),
                Optional.empty(), "+15559999");

        assertThat(l.unknownSite()).contains("Lab");
        assertThat(l.elin()).isEqualTo("+15559999");
        assertThat(l.civic().locationInfo()).isEqualTo("FLR=2");
        assertThat(l.warnings()).containsExactly(Warning.UNKNOWN_SITE);
        assertThat(l.where()).isEqualTo("Lab Fl 2 - Desk 3.14");
    }

    @Test
    void a_device_without_site_is_no_unknown_site() {
        Located l = EmergencyLocation.resolve(device("", ""), CivicLocation.EMPTY, Optional.empty(), "");

        assertThat(l.unknownSite()).isEmpty();
        assertThat(l.warnings()).containsExactly(Warning.NO_ELIN, Warning.NO_LOCATION);
        assertThat(l.where()).isEqualTo("Desk 3.14");
        assertThat(l.civic().isEmpty()).isTrue();
    }

    @Test
    void the_civic_location_is_the_site_address_completed_by_the_desk_whose_fields_win() {
        CivicLocation desk = CivicLocation.of(Map.of(CivicField.BLD, "2", CivicField.FLR, "3", CivicField.ROOM, "301",
                CivicField.SEAT, "3-01", CivicField.LOC, "window"));

        Located l = EmergencyLocation.resolve(device("HQ", ""), desk, site("HQ", "+15550002"), "");

        assertThat(l.civic().locationInfo())
                .isEqualTo("country=US,A1=NY,A3=New York,RD=Main Street,HNO=1,BLD=2,FLR=3,ROOM=301,SEAT=3-01,LOC=window");
        assertThat(l.where()).isEqualTo("HQ Bldg 2 Fl 3 Rm 301 Seat 3-01 - Desk 3.14");
        assertThat(l.warnings()).isEmpty();
    }

    @ParameterizedTest(name = "{index}: ''{3}''")
    @CsvSource(delimiter = '|', textBlock = """
            # site name | floor | room | where
            HQ          | 3     | 301  | HQ Fl 3 Rm 301 - Desk 3.14
            ''          | ''    | ''   | Desk 3.14
            ''          | 3     | ''   | Fl 3 - Desk 3.14
            Zürich, 3. OG | ''  | ''   | Zürich 3. OG - Desk 3.14
            """)
    void the_where_text_names_site_floor_room_and_label(String siteName, String floor, String room, String where) {
        CivicLocation desk = CivicLocation.of(Map.of(CivicField.FLR, floor, CivicField.ROOM, room));

        assertThat(EmergencyLocation.resolve(device(siteName, "911"), desk, Optional.empty(), "").where()).isEqualTo(where);
    }

    @Test
    void the_where_text_is_at_most_60_characters_of_the_safe_set_and_drops_the_label_before_the_place() {
        CivicLocation desk = CivicLocation.of(Map.of(CivicField.BLD, "Research Building North",
                CivicField.FLR, "12", CivicField.ROOM, "1204-B", CivicField.SEAT, "17"));
        Device longLabel = new Device(MAC, "yealink", "T54W", "Desk (window), \"quiet\" ${zone}", "Campus", "", true);

        String where = EmergencyLocation.resolve(longLabel, desk, Optional.empty(), "").where();
        String siteAndLabel = EmergencyLocation.resolve(longLabel, CivicLocation.EMPTY, Optional.empty(), "").where();
        String huge = EmergencyLocation.where("S".repeat(40), desk, "Label");

        assertThat(where).isEqualTo("Campus Bldg Research Building North Fl 12 Rm 1204-B Seat 17");
        assertThat(siteAndLabel).isEqualTo("Campus - Desk window quiet zone");
        assertThat(huge).hasSize(60).startsWith("S".repeat(40) + " Bldg");
        for (String w : List.of(where, siteAndLabel, huge)) {
            assertThat(w.length()).isLessThanOrEqualTo(EmergencyLocation.WHERE_MAX);
            assertThat(CivicLocation.isSafe(w)).as(w).isTrue();
        }
    }

    @Test
    void a_label_is_added_only_where_a_recognisable_part_of_it_fits() {
        CivicLocation desk = CivicLocation.of(Map.of(CivicField.ROOM, "R".repeat(20)));

        // "Site" + " Rm " + 20 = 28 characters of place: plenty of room for the label, cut at 60
        assertThat(EmergencyLocation.where("Site", desk, "L".repeat(50))).hasSize(60).endsWith(" - " + "L".repeat(29));
        // 54 of place would leave 3 after " - ": no label rather than a stub of it; 53 leave the 4 asked for
        assertThat(EmergencyLocation.where("S".repeat(30), desk, "Label")).isEqualTo("S".repeat(30) + " Rm " + "R".repeat(20));
        assertThat(EmergencyLocation.where("S".repeat(29), desk, "Label")).isEqualTo("S".repeat(29) + " Rm " + "R".repeat(20)
                + " - Labe");
    }

    @Test
    void a_bad_default_elin_is_refused_naming_the_key() {
        assertThatThrownBy(() -> EmergencyLocation.resolve(device("", ""), CivicLocation.EMPTY, Optional.empty(), "112a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("emergency.default-elin must be digits");
    }
}
