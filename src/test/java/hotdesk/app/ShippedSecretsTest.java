package hotdesk.app;

import hotdesk.testing.LogCapture;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The public example AMI secret and ARI password: a warning on loopback, a refusal anywhere else. */
class ShippedSecretsTest {

    private static Config config(Map<String, String> set) {
        return Config.load(null, Map.of(), set);
    }

    @Test
    void on_loopback_the_shipped_secrets_only_warn_also_when_set_explicitly() {
        Config explicit = config(Map.of("ami.secret", "hotdesk-ami-change-me", "ari.password", "hotdesk-ari-change-me",
                "ami.host", "localhost", "ari.url", "http://[::1]:8088/ari"));

        try (LogCapture log = LogCapture.of("hotdesk.app")) {
            Server.validate(explicit);
            Server.validate(Config.defaults());

            assertThat(log.messages()).filteredOn(m -> m.contains("ami.secret has its shipped example value")).hasSize(2);
            assertThat(log.messages()).filteredOn(m -> m.contains("ari.password has its shipped example value")).hasSize(2);
            assertThat(String.join("\n", log.messages())).doesNotContain("change-me");
        }
    }

    @Test
    void own_secrets_neither_warn_nor_are_refused_wherever_asterisk_is() {
        Config own = config(Map.of("ami.secret", "own-ami-secret", "ari.password", "own-ari-password",
                "ami.test-secret", "own-ami-test-secret", "ami.host", "pbx.invalid", "ari.url", "http://pbx.invalid:8088/ari"));

        try (LogCapture log = LogCapture.of("hotdesk.app")) {
            Server.validate(own);

            assertThat(log.messages()).noneMatch(m -> m.contains("shipped"));
        }
    }

    @Test
    void a_non_loopback_asterisk_with_a_shipped_secret_is_refused_naming_the_key() {
        assertThatThrownBy(() -> Server.validate(config(Map.of("ami.host", "192.0.2.10", "ari.password", "own-ari-password"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ami.secret is the shipped example value");
        assertThatThrownBy(() -> Server.validate(config(Map.of("ami.secret", "own-ami-secret", "ari.url", "https://10.1.2.3/ari"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ari.password is the shipped example value");
    }

    @Test
    void the_shipped_test_call_secret_warns_on_loopback_and_is_refused_elsewhere_unless_test_calls_are_off() {
        try (LogCapture log = LogCapture.of("hotdesk.app")) {
            Server.validate(config(Map.of("ami.secret", "own-ami-secret", "ari.password", "own-ari-password")));

            assertThat(log.messages()).filteredOn(m -> m.contains("ami.test-secret has its shipped example value")).hasSize(1);
        }
        Map<String, String> off = Map.of("ami.secret", "own-ami-secret", "ari.password", "own-ari-password", "ami.host",
                "192.0.2.10", "ari.url", "https://10.1.2.3/ari");
        assertThatThrownBy(() -> Server.validate(config(off))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ami.test-secret is the shipped example value and ami.host (192.0.2.10)");
        Map<String, String> noTestCalls = new java.util.HashMap<>(off);
        noTestCalls.put("ami.test-user", "");
        Server.validate(config(noTestCalls));
    }

    @Test
    void loopback_means_every_address_of_the_name_is_loopback() {
        assertThat(Server.isLoopback("127.0.0.1")).isTrue();
        assertThat(Server.isLoopback("127.8.9.10")).isTrue();
        assertThat(Server.isLoopback("::1")).isTrue();
        assertThat(Server.isLoopback("[::1]")).isTrue();
        assertThat(Server.isLoopback("LOCALHOST")).isTrue();
        assertThat(Server.isLoopback("192.0.2.10")).isFalse();
        assertThat(Server.isLoopback("0.0.0.0")).isFalse();
        assertThat(Server.isLoopback("pbx.invalid")).as("a name that does not resolve").isFalse();
    }
}
