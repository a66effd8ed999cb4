package hotdesk.app;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The self-service.* keys: no listener by default, each bad value refused naming its key before anything listens. */
class SelfServiceConfigTest {

    private static Config config(Map<String, String> set) {
        return Config.load(null, Map.of(), set);
    }

    @Test
    void without_self_service_port_there_is_no_listener_and_no_public_url() {
        assertThat(Server.selfService(config(Map.of()))).isEmpty();
        assertThat(Server.publicUrl(config(Map.of()))).isEmpty();
    }

    @Test
    void a_port_gives_a_plain_http_listener_on_loopback_with_the_default_limits() {
        var s = Server.selfService(config(Map.of("self-service.port", "8091"))).orElseThrow();

        assertThat(s.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(8091);
        assertThat(s.tls()).isFalse();
        assertThat(s.perTokenPerMinute()).isEqualTo(10);
        assertThat(s.perAddressPerMinute()).isEqualTo(60);
    }

    @Test
    void the_public_url_loses_its_trailing_slash_and_must_be_https_unless_on_loopback() {
        assertThat(Server.publicUrl(config(Map.of("self-service.public-url", "https://desks.example.org/hd/"))))
                .contains("https://desks.example.org/hd");
        assertThat(Server.publicUrl(config(Map.of("self-service.public-url", "http://127.0.0.1:8091"))))
                .contains("http://127.0.0.1:8091");
        assertThatThrownBy(() -> Server.publicUrl(config(Map.of("self-service.public-url", "http://desks.example.org"))))
                .hasMessageContaining("self-service.public-url").hasMessageContaining("https://");
        assertThatThrownBy(() -> Server.publicUrl(config(Map.of("self-service.public-url", "desks.example.org"))))
                .hasMessageContaining("self-service.public-url");
        assertThatThrownBy(() -> Server.publicUrl(config(Map.of("self-service.public-url", "https://x.example.org/?a=b"))))
                .hasMessageContaining("self-service.public-url");
    }

    @Test
    void bad_values_are_refused_naming_their_key_even_without_a_port() {
        assertThatThrownBy(() -> Server.selfService(config(Map.of("self-service.port", "eighty")))).hasMessageContaining("self-service.port");
        assertThatThrownBy(() -> Server.selfService(config(Map.of("self-service.port", "70000")))).hasMessageContaining("self-service.port");
        assertThatThrownBy(() -> Server.selfService(config(Map.of("self-service.port", "8091", "self-service.bind", "0.0.0.0"))))
                .hasMessageContaining("self-service.tls-keystore");
        assertThatThrownBy(() -> Server.selfService(config(Map.of("self-service.max-requests-per-token", "0"))))
                .hasMessageContaining("self-service.max-requests-per-token");
        assertThatThrownBy(() -> Server.selfService(config(Map.of("self-service.max-requests-per-address", "many"))))
                .hasMessageContaining("self-service.max-requests-per-address");
        assertThatThrownBy(() -> Server.validate(config(Map.of("self-service.public-url", "ftp://x")))).hasMessageContaining("self-service.public-url");
    }

    @Test
    void the_tls_password_is_masked_in_the_start_up_log() {
        assertThat(config(Map.of("self-service.tls-password", "very-secret-store")).describe())
                .noneMatch(line -> line.contains("very-secret-store"));
    }
}
