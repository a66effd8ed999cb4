package hotdesk.provisioning;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProvisioningSettingsTest {

    @TempDir
    Path dir;

    private record B(String bind, int port, List<String> nets, Optional<Path> dir, String sip, int sipPort,
                     Duration expiry, String ntp, String tz, String logout, int max,
                     Duration timeout) {
        static B valid() {
            return new B("127.0.0.1", 0, List.of("10.0.0.0/8", "fd00::/8"), Optional.empty(), "pbx.example.org", 5060,
                    Duration.ofSeconds(500), "ntp.example.org", "Europe/Berlin", "*32", 20, Duration.ofSeconds(10));
        }

        ProvisioningSettings build() {
            return new ProvisioningSettings(bind, port, nets, false, dir, sip, sipPort, expiry, ntp, tz, logout, max, timeout);
        }
    }

    @Test
    void valid_settings_are_kept_as_given() {
        ProvisioningSettings s = new B("::1", 8088, List.of("0.0.0.0/0"), Optional.of(dir), "10.0.0.1", 5061,
                Duration.ofMinutes(10), "pool.ntp.org", "America/New_York", "*32#", 1, Duration.ofSeconds(30)).build();

        assertThat(s.bindAddress()).isEqualTo("::1");
        assertThat(s.templateDir()).hasValue(dir);
        assertThat(s.zone().getId()).isEqualTo("America/New_York");
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void a_desks_own_values_win_over_its_sites_which_win_over_the_global_keys() {
        ProvisioningSettings global = B.valid().build();
        hotdesk.core.model.Site site = new hotdesk.core.model.Site("Branch", "", null, "Asia/Tokyo",
                new hotdesk.core.model.SitePhoneSettings("site-proxy.example", 5062, "tcp", "site-ntp.example", 300, List.of()));
        hotdesk.core.model.Device plain = new hotdesk.core.model.Device(hotdesk.core.model.Mac.parse("0015651234ab"),
                "yealink", "T54W", "", "Branch", "", true);
        hotdesk.core.model.Device own = plain.withPhones(new hotdesk.core.model.DeskPhoneSettings("desk-proxy.example", 0,
                "tls", "", "Europe/Paris", 90));

        ProvisioningSettings ofSite = global.forDesk(new hotdesk.core.usecase.ProvisionDesk.DeskView(plain, List.of(),
                Optional.of(site)));
        ProvisioningSettings ofDesk = global.forDesk(new hotdesk.core.usecase.ProvisionDesk.DeskView(own, List.of(),
                Optional.of(site)));
        ProvisioningSettings alone = global.forDesk(new hotdesk.core.usecase.ProvisionDesk.DeskView(own, List.of()));

        assertThat(ofSite).isEqualTo(global.forSite(Optional.of(site)));
        assertThat(List.of(ofDesk.sipServer(), ofDesk.sipPort(), ofDesk.sipTransport(), ofDesk.ntpServer(), ofDesk.timezone(),
                ofDesk.registrationExpiry())).containsExactly("desk-proxy.example", 5062, "tls", "site-ntp.example",
                "Europe/Paris", Duration.ofSeconds(90));
        assertThat(List.of(alone.sipServer(), alone.sipPort(), alone.sipTransport(), alone.ntpServer(), alone.timezone(),
                alone.registrationExpiry())).containsExactly("desk-proxy.example", 5060, "tls", "ntp.example.org",
                "Europe/Paris", Duration.ofSeconds(90));
        assertThat(global.phoneDefaults()).isEqualTo(new hotdesk.core.model.DeskPhoneSettings("pbx.example.org", 5060, "udp",
                "ntp.example.org", "Europe/Berlin", 500));
    }

    @Test
    void each_bad_value_is_refused_naming_its_key() {
        B v = B.valid();
        assertRefused(new B("", v.port, v.nets, v.dir, v.sip, v.sipPort, v.expiry, v.ntp, v.tz, v.logout, v.max, v.timeout), "provisioning.bind");
        assertRefused(new B("a b", v.port, v.nets, v.dir, v.sip, v.sipPort, v.expiry, v.ntp, v.tz, v.logout, v.max, v.timeout), "provisioning.bind");
        assertRefused(new B(v.bind, 65536, v.nets, v.dir, v.sip, v.sipPort, v.expiry, v.ntp, v.tz, v.logout, v.max, v.timeout), "provisioning.port");
        assertRefused(new B(v.bind, -1, v.nets, v.dir, v.sip, v.sipPort, v.expiry, v.ntp, v.tz, v.logout, v.max, v.timeout), "provisioning.port");
        assertRefused(new B(v.bind, v.port, List.of(), v.dir, v.sip, v.sipPort, v.expiry, v.ntp, v.tz, v.logout, v.max, v.timeout), "provisioning.allowed-networks");
        assertRefused(new B(v.bind, v.port, List.of("10.0.0.0/40"), v.dir, v.sip, v.sipPort, v.expiry, v.ntp, v.tz, v.logout, v.max, v.timeout), "provisioning.allowed-networks");
        assertRefused(new B(v.bind, v.port, v.nets, Optional.of(dir.resolve("missing")), v.sip, v.sipPort, v.expiry, v.ntp, v.tz, v.logout, v.max, v.timeout), "provisioning.templates");
        assertRefused(new B(v.bind, v.port, v.nets, v.dir, "pbx\nexample", v.sipPort, v.expiry, v.ntp, v.tz, v.logout, v.max, v.timeout), "provisioning.sip-server");
        assertRefused(new B(v.bind, v.port, v.nets, v.dir, v.sip, 0, v.expiry, v.ntp, v.tz, v.logout, v.max, v.timeout), "provisioning.sip-port");
        assertRefused(new B(v.bind, v.port, v.nets, v.dir, v.sip, v.sipPort, Duration.ofSeconds(29), v.ntp, v.tz, v.logout, v.max, v.timeout), "provisioning.registration-expiry");
        assertRefused(new B(v.bind, v.port, v.nets, v.dir, v.sip, v.sipPort, Duration.ofDays(2), v.ntp, v.tz, v.logout, v.max, v.timeout), "provisioning.registration-expiry");
        assertRefused(new B(v.bind, v.port, v.nets, v.dir, v.sip, v.sipPort, Duration.ofMinutes(11), v.ntp, v.tz, v.logout, v.max, v.timeout), "provisioning.registration-expiry");
        assertRefused(new B(v.bind, v.port, v.nets, v.dir, v.sip, v.sipPort, null, v.ntp, v.tz, v.logout, v.max, v.timeout), "provisioning.registration-expiry");
        assertRefused(new B(v.bind, v.port, v.nets, v.dir, v.sip, v.sipPort, v.expiry, "", v.tz, v.logout, v.max, v.timeout), "provisioning.ntp-server");
        assertRefused(new B(v.bind, v.port, v.nets, v.dir, v.sip, v.sipPort, v.expiry, v.ntp, "Mars/Olympus", v.logout, v.max, v.timeout), "provisioning.timezone");
        assertRefused(new B(v.bind, v.port, v.nets, v.dir, v.sip, v.sipPort, v.expiry, v.ntp, null, v.logout, v.max, v.timeout), "provisioning.timezone");
        assertRefused(new B(v.bind, v.port, v.nets, v.dir, v.sip, v.sipPort, v.expiry, v.ntp, v.tz, "*32\n", v.max, v.timeout), "codes.logout");
        assertRefused(new B(v.bind, v.port, v.nets, v.dir, v.sip, v.sipPort, v.expiry, v.ntp, v.tz, "", v.max, v.timeout), "codes.logout");
        assertRefused(new B(v.bind, v.port, v.nets, v.dir, v.sip, v.sipPort, v.expiry, v.ntp, v.tz, v.logout, 0, v.timeout), "provisioning.max-refusals-per-minute");
        assertRefused(new B(v.bind, v.port, v.nets, v.dir, v.sip, v.sipPort, v.expiry, v.ntp, v.tz, v.logout, v.max, Duration.ofMillis(999)), "provisioning.request-timeout");
        assertRefused(new B(v.bind, v.port, v.nets, v.dir, v.sip, v.sipPort, v.expiry, v.ntp, v.tz, v.logout, v.max, Duration.ofMinutes(6)), "provisioning.request-timeout");
        assertRefused(new B(v.bind, v.port, v.nets, v.dir, v.sip, v.sipPort, v.expiry, v.ntp, v.tz, v.logout, v.max, null), "provisioning.request-timeout");
    }

    private static void assertRefused(B b, String key) {
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class).hasMessageMatching("(?s)" + java.util.regex.Pattern.quote(key) + "[ :].*"); // the key itself, not a longer name
    }

    @Test
    void a_transport_other_than_udp_tcp_or_tls_is_refused_naming_its_key() {
        assertThatThrownBy(() -> new ProvisioningSettings("127.0.0.1", 0, List.of("10.0.0.0/8"), false, Optional.empty(),
                "pbx", 5060, Duration.ofSeconds(500), "ntp", "UTC", "*32", 20, Duration.ofSeconds(10), 30, 600, "sctp", false,
                DialCodes.logoutOnly("*32")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("provisioning.sip-transport must be one of [udp, tcp, tls], got 'sctp'");
        assertThatThrownBy(() -> new ProvisioningSettings("127.0.0.1", 0, List.of("10.0.0.0/8"), false, Optional.empty(),
                "pbx", 5060, Duration.ofSeconds(500), "ntp", "UTC", "*32", 20, Duration.ofSeconds(10), 30, 600, null, false,
                DialCodes.logoutOnly("*32")))
                .hasMessageStartingWith("provisioning.sip-transport ");
    }

    @Test
    void a_feature_code_that_a_phone_cannot_dial_is_refused_naming_its_key() {
        assertThatThrownBy(() -> new DialCodes(List.of("*70"), List.of(), List.of("00#x"), List.of("*71")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("codes.otp: a code must be 1 to 20 of 0-9 * #, got '00#x'");
        assertThatThrownBy(() -> new DialCodes(List.of(""), List.of(), List.of(), List.of()))
                .hasMessageStartingWith("codes.login: ");
    }

    @Test
    void the_logout_keys_code_is_always_among_the_dial_codes() {
        ProvisioningSettings s = new ProvisioningSettings("127.0.0.1", 0, List.of("10.0.0.0/8"), false, Optional.empty(),
                "pbx", 5060, Duration.ofSeconds(500), "ntp", "UTC", "*32", 20, Duration.ofSeconds(10), 30, 600, "udp", false,
                new DialCodes(List.of("*70"), List.of(), List.of(), List.of("*71")));

        assertThat(s.dialCodes().logout()).containsExactly("*32", "*71");
    }
}
