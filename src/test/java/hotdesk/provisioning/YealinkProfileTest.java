package hotdesk.provisioning;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class YealinkProfileTest {

    @ParameterizedTest
    @CsvSource({
            "Europe/Berlin, +1, 2",
            "America/New_York, -5, 2",
            "Asia/Kolkata, +5:30, 0",
            "America/St_Johns, -3:30, 2",
            "UTC, 0, 0",
            "Asia/Tokyo, +9, 0",
    })
    void the_zone_becomes_yealinks_standard_offset_and_automatic_dst_only_where_the_zone_has_it(
            String zone, String offset, int summerTime) {
        ProvisioningSettings s = new ProvisioningSettings("127.0.0.1", 0, List.of("10.0.0.0/8"), false,
                Optional.<Path>empty(), "pbx", 5060, Duration.ofSeconds(500), "ntp", zone, "*32", 5,
                Duration.ofSeconds(10));

        YealinkProfile.Time t = YealinkProfile.time(s, Instant.parse("2025-07-01T12:00:00Z"));

        assertThat(t.offset()).isEqualTo(offset);
        assertThat(t.summerTime()).isEqualTo(summerTime);
        assertThat(t.zoneId()).isEqualTo(zone);
    }

    @org.junit.jupiter.api.Test
    void only_the_time_settings_depend_on_the_instant_so_a_file_may_be_served_again_across_daylight_saving() {
        ProvisioningSettings s = new ProvisioningSettings("127.0.0.1", 0, List.of("10.0.0.0/8"), false,
                Optional.<Path>empty(), "pbx", 5060, Duration.ofSeconds(500), "ntp", "Europe/Berlin", "*32", 5,
                Duration.ofSeconds(10));
        Instant winter = Instant.parse("2025-01-15T12:00:00Z");
        Instant summer = Instant.parse("2025-07-15T12:00:00Z");
        YealinkProfile yealink = new YealinkProfile();

        assertThat(yealink.clockDependent(s, winter)).isEqualTo(YealinkProfile.time(s, winter))
                .isEqualTo(yealink.clockDependent(s, summer));
    }

    @org.junit.jupiter.api.Test
    void a_profile_that_does_not_say_what_depends_on_the_instant_is_never_served_again_after_a_check() {
        VendorProfile plain = new VendorProfile() {
            @Override
            public String vendor() {
                return "plain";
            }

            @Override
            public String fileKind() {
                return "cfg";
            }

            @Override
            public java.util.Optional<hotdesk.core.model.Mac> deskFile(String fileName) {
                return java.util.Optional.empty();
            }

            @Override
            public boolean userAgentCarriesMac() {
                return true;
            }

            @Override
            public String checkSyncEvent() {
                return "check-sync";
            }

            @Override
            public java.util.Map<String, Object> model(hotdesk.core.usecase.ProvisionDesk.DeskView desk,
                                                       ProvisioningSettings settings, Instant now) {
                return java.util.Map.of();
            }
        };
        Instant t = Instant.parse("2025-01-15T12:00:00Z");

        assertThat(plain.clockDependent(null, t)).isNotEqualTo(plain.clockDependent(null, t.plusSeconds(1)));
    }
}
