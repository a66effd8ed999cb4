package hotdesk.core.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoginLimitsTest {

    static final Duration M15 = Duration.ofMinutes(15);

    @ParameterizedTest(name = "{0},{1},{2},{3} -> {4}")
    @CsvSource(delimiter = '|', textBlock = """
            5  | 10 | 8  | 10 | lockout.user-max-failures (10) must be greater than
            5  | 4  | 3  | 5  | lockout.user-max-failures (5) must be greater than
            5  | 10 | 12 | 12 | lockout.user-alert-failures must be at least 1 and below
            5  | 10 | 0  | 12 | lockout.user-alert-failures must be at least 1 and below
            0  | 10 | 8  | 12 | lockout.max-failures must be >= 1
            5  | 0  | 8  | 12 | lockout.desk-max-failures must be >= 1
            """)
    void limits_that_would_let_one_desk_lock_a_user_everywhere_or_alert_too_late_are_refused(int atDesk, int desk, int alert,
                                                                                            int user, String message) {
        assertThatThrownBy(() -> LoginLimits.of(atDesk, desk, alert, user, M15, M15))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void the_counters_share_one_window_and_one_duration() {
        LockoutPolicy a = new LockoutPolicy(5, M15, M15);
        assertThatThrownBy(() -> new LoginLimits(a, a.withMaxFailures(10), new LockoutPolicy(12, Duration.ofMinutes(5), M15), 8))
                .hasMessageContaining("lockout.window");
    }

    @Test
    void the_defaults_give_the_bounds_the_readme_states() {
        LoginLimits d = LoginLimits.defaults();

        assertThat(d.guessesPerHourPerDesk()).isEqualTo(40);
        assertThat(d.guessesPerHourPerUserAtDesk()).isEqualTo(20);
        // 48 where the lock across desks holds, 20 more at each of the 2 trusted desks
        assertThat(d.guessesPerHourPerUser()).isEqualTo(88);
        assertThat(d.codeGuessesPerHourPerUser()).isEqualTo(48);
        assertThat(d.lookBack()).isEqualTo(Duration.ofMinutes(30));
        LoginLimits strict = LoginLimits.of(5, 10, 8, 12, M15, M15, 0, Duration.ofDays(30));
        assertThat(strict.guessesPerHourPerUser()).isEqualTo(48);
    }

    @Test
    void trusted_desks_out_of_range_are_refused_naming_the_key() {
        assertThatThrownBy(() -> LoginLimits.of(5, 10, 8, 12, M15, M15, -1, Duration.ofDays(30)))
                .hasMessageContaining("lockout.trusted-desks");
        assertThatThrownBy(() -> LoginLimits.of(5, 10, 8, 12, M15, M15, 11, Duration.ofDays(30)))
                .hasMessageContaining("lockout.trusted-desks");
        assertThatThrownBy(() -> LoginLimits.of(5, 10, 8, 12, M15, M15, 2, Duration.ZERO))
                .hasMessageContaining("lockout.trusted-for");
    }

    @ParameterizedTest
    @CsvSource({"PT15M,15m", "PT1H,1h", "PT90S,90s", "PT2H30M,150m"})
    void the_window_is_written_as_the_settings_write_it(Duration window, String text) {
        assertThat(LoginLimits.of(5, 10, 8, 12, window, M15).windowText()).isEqualTo(text);
    }
}
