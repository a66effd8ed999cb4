package hotdesk.agi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class AgiSettingsTest {

    private static final Duration FIVE_S = Duration.ofSeconds(5);

    @Test
    void sensible_settings_are_accepted() {
        AgiSettings s = new AgiSettings("127.0.0.1", 4573, 10, 500, 3, FIVE_S);

        assertThat(s.port()).isEqualTo(4573);
        assertThat(new AgiSettings("::1", 0, 1, 1, 1, Duration.ofSeconds(1)).port()).isZero();
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> badSettings() {
        return Stream.of(
                arguments("agi.bind", (Supplier<AgiSettings>) () -> new AgiSettings(" ", 4573, 10, 500, 3, FIVE_S)),
                arguments("agi.bind", (Supplier<AgiSettings>) () -> new AgiSettings(null, 4573, 10, 500, 3, FIVE_S)),
                arguments("agi.bind", (Supplier<AgiSettings>) () -> new AgiSettings("host name", 4573, 10, 500, 3, FIVE_S)),
                arguments("agi.port", (Supplier<AgiSettings>) () -> new AgiSettings("127.0.0.1", -1, 10, 500, 3, FIVE_S)),
                arguments("agi.port", (Supplier<AgiSettings>) () -> new AgiSettings("127.0.0.1", 65536, 10, 500, 3, FIVE_S)),
                arguments("agi.pool-size", (Supplier<AgiSettings>) () -> new AgiSettings("127.0.0.1", 4573, 0, 500, 3, FIVE_S)),
                arguments("agi.max-pool-size", (Supplier<AgiSettings>) () -> new AgiSettings("127.0.0.1", 4573, 10, 9, 3, FIVE_S)),
                arguments("agi.pin-attempts", (Supplier<AgiSettings>) () -> new AgiSettings("127.0.0.1", 4573, 10, 500, 0, FIVE_S)),
                arguments("agi.pin-attempts", (Supplier<AgiSettings>) () -> new AgiSettings("127.0.0.1", 4573, 10, 500, 11, FIVE_S)),
                arguments("agi.digit-timeout", (Supplier<AgiSettings>) () -> new AgiSettings("127.0.0.1", 4573, 10, 500, 3, Duration.ofMillis(500))),
                arguments("agi.digit-timeout", (Supplier<AgiSettings>) () -> new AgiSettings("127.0.0.1", 4573, 10, 500, 3, Duration.ofMinutes(2))),
                arguments("agi.digit-timeout", (Supplier<AgiSettings>) () -> new AgiSettings("127.0.0.1", 4573, 10, 500, 3, null)),
                arguments("agi.allowed-peers", (Supplier<AgiSettings>) () -> guarded(List.of(), FIVE_S, FIVE_S)),
                arguments("agi.allowed-peers", (Supplier<AgiSettings>) () -> guarded(List.of("asterisk.example.org"), FIVE_S, FIVE_S)),
                arguments("agi.allowed-peers", (Supplier<AgiSettings>) () -> guarded(List.of("10.0.0.0/33"), FIVE_S, FIVE_S)),
                arguments("agi.allowed-peers", (Supplier<AgiSettings>) () -> guarded(List.of("::1/129"), FIVE_S, FIVE_S)),
                arguments("agi.allowed-peers", (Supplier<AgiSettings>) () -> guarded(List.of("10.0.0.0/x"), FIVE_S, FIVE_S)),
                arguments("agi.handshake-timeout", (Supplier<AgiSettings>) () -> guarded(LOOPBACK, Duration.ofMillis(50), FIVE_S)),
                arguments("agi.handshake-timeout", (Supplier<AgiSettings>) () -> guarded(LOOPBACK, Duration.ofMinutes(2), FIVE_S)),
                arguments("agi.handshake-timeout", (Supplier<AgiSettings>) () -> guarded(LOOPBACK, null, FIVE_S)),
                arguments("agi.command-timeout", (Supplier<AgiSettings>) () -> guarded(LOOPBACK, FIVE_S, Duration.ofMillis(50))),
                arguments("agi.command-timeout", (Supplier<AgiSettings>) () -> guarded(LOOPBACK, FIVE_S, Duration.ofMinutes(6))),
                arguments("agi.command-timeout", (Supplier<AgiSettings>) () -> guarded(LOOPBACK, FIVE_S, null)));
    }

    private static final List<String> LOOPBACK = AgiSettings.LOOPBACK;

    private static AgiSettings guarded(List<String> peers, Duration handshake, Duration command) {
        return new AgiSettings("127.0.0.1", 4573, 10, 500, 3, FIVE_S, peers, handshake, command);
    }

    @Test
    void a_bad_peer_entry_is_named_in_the_error() {
        assertThatThrownBy(() -> guarded(List.of("127.0.0.1/32", "asterisk.example.org"), FIVE_S, FIVE_S))
                .hasMessageContaining("'asterisk.example.org'");
    }

    @Test
    void replies_to_prompts_and_digit_input_may_take_longer_than_all_digit_timeouts_together() {
        AgiSettings s = guarded(LOOPBACK, FIVE_S, Duration.ofSeconds(10));

        assertThat(s.waitingCommandTimeout()).isGreaterThan(s.digitTimeout().multipliedBy(11)).isGreaterThan(s.commandTimeout());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void a_bad_setting_is_refused_naming_its_key(String key, Supplier<AgiSettings> build) {
        assertThatThrownBy(build::get).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(key + " ");
    }
}
