package hotdesk.app;

import hotdesk.agi.AgiSettings;
import hotdesk.agi.Prompts;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The FastAGI keys (agi.*, prompts.*) as the server reads them from its configuration. */
class AgiConfigTest {

    private static Server.Parts parts(Map<String, String> set) {
        return Server.parts(Config.load(null, Map.of(), set));
    }

    @Test
    void every_prompt_is_a_documented_key_whose_default_is_the_prompts_default() {
        for (Prompts.Key k : Prompts.KEYS) {
            assertThat(Config.KEYS).as(k.name()).anySatisfy(c -> {
                assertThat(c.name()).isEqualTo(k.name());
                assertThat(c.defaultValue()).isEqualTo(k.defaultSound());
            });
        }
        assertThat(Config.KEYS.stream().filter(c -> c.name().startsWith("prompts.")).count()).isEqualTo(Prompts.KEYS.size());
        assertThat(parts(Map.of()).prompts()).isEqualTo(Prompts.defaults());
    }

    @Test
    void the_default_worker_pool_holds_a_login_rush_of_100_calls_per_second() {
        // a login call dialled as *70 holds its worker through ~9 s of prompts and digits (BENCHMARKS.md, login rush):
        // the old default of 100 refused everything above ~11 logins/s
        assertThat(parts(Map.of()).agi().maxPoolSize()).isGreaterThanOrEqualTo(100 * 9);
        assertThat(parts(Map.of("agi.max-pool-size", "100")).agi().maxPoolSize()).isEqualTo(100);
    }

    @Test
    void a_site_recording_replaces_one_prompt() {
        Prompts p = parts(Map.of("prompts.login-pending", "custom/hd-phone-updates-shortly")).prompts();

        assertThat(p.loginPending()).isEqualTo("custom/hd-phone-updates-shortly");
        assertThat(p.loginOk()).isEqualTo(Prompts.defaults().loginOk());
    }

    @Test
    void a_bad_prompt_value_stops_the_start_naming_the_key() {
        assertThatThrownBy(() -> parts(Map.of("prompts.bad-pin", "vm-incorrect\" 1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("prompts.bad-pin must ");
        assertThatThrownBy(() -> parts(Map.of("prompts.logged-out", "custom/bye.wav")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("prompts.logged-out must ");
        assertThatThrownBy(() -> Config.load(null, Map.of(), Map.of("agi.prompt.bad-pin", "vm-incorrect")))
                .as("the old name in error messages was never a key").hasMessageContaining("unknown configuration key");
    }

    @Test
    void the_peer_guards_come_from_their_keys() {
        AgiSettings agi = parts(Map.of("agi.allowed-peers", "192.0.2.10/32, 2001:db8::5", "agi.handshake-timeout", "2s",
                "agi.command-timeout", "5s")).agi();

        assertThat(agi.allowedPeers()).containsExactly("192.0.2.10/32", "2001:db8::5");
        assertThat(agi.handshakeTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(agi.commandTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(parts(Map.of()).agi().allowedPeers()).isEqualTo(List.of("127.0.0.0/8", "::1/128"));
    }

    @Test
    void bad_peer_guards_stop_the_start_naming_the_key() {
        assertThatThrownBy(() -> parts(Map.of("agi.allowed-peers", "asterisk.example.org")))
                .hasMessageStartingWith("agi.allowed-peers ").hasMessageContaining("asterisk.example.org");
        assertThatThrownBy(() -> parts(Map.of("agi.allowed-peers", " , ")))
                .hasMessageStartingWith("agi.allowed-peers ");
        assertThatThrownBy(() -> parts(Map.of("agi.handshake-timeout", "10ms")))
                .hasMessageStartingWith("agi.handshake-timeout ");
        assertThatThrownBy(() -> parts(Map.of("agi.command-timeout", "1h")))
                .hasMessageStartingWith("agi.command-timeout ");
    }
}
