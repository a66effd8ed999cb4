package hotdesk.app;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The trusted networks are loopback only until the admin names some, and serve off loopback needs them named. */
class TrustedNetworksSettingsTest {

    private static Config config(Map<String, String> set) {
        return Config.load(null, Map.of(), set);
    }

    @Test
    void the_default_trusts_loopback_only_not_every_private_range() {
        assertThat(Server.provisioningSettings(Config.defaults()).allowedNetworks()).containsExactly("127.0.0.0/8", "::1/128");
    }

    @Test
    void serve_off_loopback_with_loopback_networks_only_is_refused_naming_the_key_to_set() {
        for (String networks : new String[]{"127.0.0.0/8,::1/128", "127.0.0.1", "127.0.0.0/16,::1"}) {
            assertThatThrownBy(() -> Server.validate(config(Map.of("provisioning.bind", "192.0.2.5",
                    "provisioning.allowed-networks", networks))))
                    .as(networks).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("provisioning.bind is 192.0.2.5, off loopback, but provisioning.allowed-networks")
                    .hasMessageContaining("set provisioning.allowed-networks to the networks of your phones");
        }
        assertThatThrownBy(() -> Server.validate(config(Map.of("provisioning.bind", "0.0.0.0"))))
                .hasMessageContaining("set provisioning.allowed-networks");
    }

    @Test
    void serve_off_loopback_starts_once_networks_are_named_and_on_loopback_the_default_is_fine() {
        // (plain HTTP beyond loopback also needs provisioning.plain-http-networks or TLS: ProvisioningSecurityServerTest)
        Server.validate(config(Map.of("provisioning.bind", "192.0.2.5", "provisioning.allowed-networks",
                "127.0.0.0/8,10.1.0.0/16", "provisioning.plain-http-networks", "10.1.0.0/16")));
        Server.validate(config(Map.of("provisioning.bind", "::", "provisioning.allowed-networks", "fd00:1::/64",
                "provisioning.plain-http-networks", "fd00:1::/64")));
        Server.validate(config(Map.of("provisioning.bind", "127.0.0.1")));
        assertThat(Server.loopbackOnly("127.0.0.0/7")).as("reaches 126.x").isFalse();
        assertThat(Server.loopbackOnly("::/0")).isFalse();
        assertThat(Server.loopbackOnly("::1")).isTrue();
    }
}
