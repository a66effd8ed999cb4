package hotdesk.app;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin.* keys: no listener by default, each bad value refused naming its key before anything listens. */
class BoardConfigTest {

    private static Config config(Map<String, String> set) {
        return Config.load(null, Map.of(), set);
    }

    @Test
    void without_admin_port_there_is_no_listener() {
        assertThat(Server.board(config(Map.of()))).isEmpty();
    }

    @Test
    void a_port_gives_a_plain_http_listener_on_loopback() {
        var s = Server.board(config(Map.of("admin.port", "8090"))).orElseThrow();

        assertThat(s.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(8090);
        assertThat(s.tls()).isFalse();
    }

    @Test
    void bad_values_are_refused_naming_their_key() {
        assertThatThrownBy(() -> Server.board(config(Map.of("admin.port", "eighty")))).hasMessageContaining("admin.port");
        assertThatThrownBy(() -> Server.board(config(Map.of("admin.port", "70000")))).hasMessageContaining("admin.port");
        assertThatThrownBy(() -> Server.board(config(Map.of("admin.port", "8090", "admin.bind", "0.0.0.0"))))
                .hasMessageContaining("admin.tls-keystore");
        assertThatThrownBy(() -> Server.board(config(Map.of("admin.session-ttl", "forever")))).hasMessageContaining("admin.session-ttl");
        assertThatThrownBy(() -> Server.board(config(Map.of("admin.max-failures", "0")))).hasMessageContaining("admin.max-failures");
    }

    @Test
    void the_tls_password_is_masked_in_the_start_up_log() {
        assertThat(config(Map.of("admin.tls-password", "very-secret-store")).describe())
                .noneMatch(line -> line.contains("very-secret-store"));
    }
}
