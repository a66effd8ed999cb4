package hotdesk.core.model;

import hotdesk.core.model.DeskPhoneSettings.Source;
import hotdesk.core.model.DeskPhoneSettings.Sourced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeskPhoneSettingsTest {

    static final DeskPhoneSettings DEFAULTS = new DeskPhoneSettings("pbx.example.com", 5060, "udp", "ntp.example.com",
            "America/New_York", 500);

    private static Map<String, String> given(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @Test
    void typed_values_are_kept_normalised_and_an_empty_one_clears_the_override() {
        DeskPhoneSettings p = DeskPhoneSettings.NONE.with(given("sip-server", " proxy.branch.example ", "sip-port", "5061",
                "sip-transport", "TLS", "ntp-server", "10.1.0.1", "time-zone", "Europe/Berlin", "registration-expiry", "8m"));

        assertThat(p).isEqualTo(new DeskPhoneSettings("proxy.branch.example", 5061, "tls", "10.1.0.1", "Europe/Berlin", 480));
        assertThat(p.value("registration-expiry")).isEqualTo("480s");
        assertThat(p.diffs(DeskPhoneSettings.NONE)).containsExactly("sip-server=proxy.branch.example", "sip-port=5061",
                "sip-transport=tls", "ntp-server=10.1.0.1", "time-zone=Europe/Berlin", "registration-expiry=480s");
        DeskPhoneSettings cleared = p.with(given("sip-port", "", "time-zone", ""));
        assertThat(cleared.sipPort()).isZero();
        assertThat(cleared.timeZone()).isEmpty();
        assertThat(cleared.sipServer()).isEqualTo("proxy.branch.example");
        assertThat(cleared.diffs(p)).containsExactly("sip-port=none", "time-zone=none");
        assertThat(cleared.with(given("sip-server", "", "sip-transport", "", "ntp-server", "", "registration-expiry", "")))
                .isEqualTo(DeskPhoneSettings.NONE);
        assertThat(DeskPhoneSettings.NONE.isEmpty()).isTrue();
        assertThat(p.isEmpty()).isFalse();
    }

    @ParameterizedTest(name = "{0}=''{1}'' is refused")
    @CsvSource(delimiter = '|', value = {
            "sip-transport|sctp|sip-transport must be one of udp, tcp, tls",
            "sip-transport|udp;x|sip-transport must be one of udp, tcp, tls",
            "registration-expiry|29|registration-expiry must be 30s..600s",
            "registration-expiry|601s|registration-expiry must be 30s..600s",
            "registration-expiry|11m|registration-expiry must be 30s..600s",
            "registration-expiry|0|registration-expiry must be 30s..600s",
            "registration-expiry|soon|registration-expiry must be seconds",
            "ntp-server|ntp example.com|ntp-server must be a host name or IP address",
            "ntp-server|ntp.example.com/x|ntp-server must be a host name or IP address",
            "sip-server|pbx\"<x>|sip-server must be a host name or IP address",
            "sip-port|0|sip-port must be 1..65535",
            "sip-port|65536|sip-port must be 1..65535",
            "sip-port|50a|sip-port must be 1..65535",
            "time-zone|Mars/Olympus|time-zone must be an IANA time zone id",
            "colour|blue|a desk has no phone field 'colour'"})
    void a_bad_value_is_refused_naming_its_field(String field, String value, String message) {
        assertThatThrownBy(() -> DeskPhoneSettings.NONE.with(Map.of(field, value)))
                .isInstanceOf(DeskPhoneSettings.BadField.class).hasMessageStartingWith(message)
                .satisfies(e -> assertThat(((DeskPhoneSettings.BadField) e).field()).isEqualTo(field));
    }

    @Test
    void the_record_itself_refuses_what_the_columns_could_hold_but_a_phone_must_not_be_told() {
        assertThatThrownBy(() -> new DeskPhoneSettings("", 0, "sctp", "", "", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeskPhoneSettings("", 0, "", "", "", 601)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeskPhoneSettings("", 70000, "", "", "", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeskPhoneSettings("", 0, "", "", "Nowhere/Else", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void each_effective_value_is_the_desks_else_its_sites_else_the_global_one_and_says_where_it_comes_from() {
        Site site = new Site("Branch", "", null, "Europe/Berlin",
                new SitePhoneSettings("site-proxy.example", 0, "tcp", "", 300, List.of()));
        DeskPhoneSettings desk = new DeskPhoneSettings("", 0, "tls", "desk-ntp.example", "", 0);

        Map<String, Sourced> e = DeskPhoneSettings.effective(DEFAULTS, Optional.of(site), desk);

        assertThat(e).containsExactly(
                Map.entry("sip-server", new Sourced("site-proxy.example", Source.SITE)),
                Map.entry("sip-port", new Sourced("5060", Source.DEFAULT)),
                Map.entry("sip-transport", new Sourced("tls", Source.DESK)),
                Map.entry("ntp-server", new Sourced("desk-ntp.example", Source.DESK)),
                Map.entry("time-zone", new Sourced("Europe/Berlin", Source.SITE)),
                Map.entry("registration-expiry", new Sourced("300s", Source.SITE)));
    }

    @Test
    void a_desk_without_a_known_site_takes_its_own_values_else_the_global_ones() {
        DeskPhoneSettings desk = new DeskPhoneSettings("", 5080, "", "", "Asia/Tokyo", 0);

        Map<String, Sourced> e = DeskPhoneSettings.effective(DEFAULTS, Optional.empty(), desk);

        assertThat(e.get("sip-server")).isEqualTo(new Sourced("pbx.example.com", Source.DEFAULT));
        assertThat(e.get("sip-port")).isEqualTo(new Sourced("5080", Source.DESK));
        assertThat(e.get("time-zone")).isEqualTo(new Sourced("Asia/Tokyo", Source.DESK));
        assertThat(e.get("registration-expiry")).isEqualTo(new Sourced("500s", Source.DEFAULT));
        assertThat(DeskPhoneSettings.effective(DEFAULTS, Optional.empty(), DeskPhoneSettings.NONE).values())
                .extracting(Sourced::source).containsOnly(Source.DEFAULT);
    }
}
