package hotdesk.app;

import hotdesk.core.policy.AutoLogoutRules;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The auto-logout.* settings as serve reads them: defaults, good values, and refusals that name the key. */
class AutoLogoutSettingsTest {

    private static AutoLogoutRules rules(Map<String, String> set) {
        return Server.autoLogoutRules(Config.load(null, Map.of(), set));
    }

    @Test
    void the_defaults_are_idle_off_max_twelve_hours_no_daily_time() {
        AutoLogoutRules r = rules(Map.of());
        assertThat(r.idle()).isZero();
        assertThat(r.max()).isEqualTo(Duration.ofHours(12));
        assertThat(r.daily()).isEmpty();
    }

    @Test
    void a_daily_time_is_hh_mm_with_optional_seconds_and_off_means_none() {
        assertThat(rules(Map.of("auto-logout.daily", "7:30")).daily()).contains(LocalTime.of(7, 30));
        assertThat(rules(Map.of("auto-logout.daily", "19:00:15")).daily()).contains(LocalTime.of(19, 0, 15));
        assertThat(rules(Map.of("auto-logout.daily", "off")).daily()).isEmpty();
    }

    @Test
    void bad_values_are_refused_naming_the_key() {
        for (String bad : new String[] {"25:00", "7pm", "19", "19:60"}) {
            assertThatThrownBy(() -> rules(Map.of("auto-logout.daily", bad)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto-logout.daily").hasMessageContaining(bad);
        }
        assertThatThrownBy(() -> rules(Map.of("auto-logout.idle", "soon"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auto-logout.idle");
        assertThatThrownBy(() -> Server.parts(Config.load(null, Map.of(), Map.of("auto-logout.check-interval", "0s"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto-logout.check-interval");
    }
}
