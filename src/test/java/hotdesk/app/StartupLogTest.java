package hotdesk.app;

import hotdesk.testing.LogCapture;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@code serve} logs about its configuration when it starts: every URL with its password masked. */
class StartupLogTest {

    private static int closedLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void a_password_written_into_db_url_or_ari_url_is_masked_in_the_start_up_log() throws Exception {
        int port = closedLoopbackPort();
        Config config = Config.load(null, Map.of(), Map.of(
                "db.url", "jdbc:postgresql://127.0.0.1:" + port + "/hotdesk?user=hotdesk&password=Url-Secret-7&connectTimeout=1",
                "ari.url", "http://hotdesk:Ari-Url-Secret-8@127.0.0.1:" + port + "/ari",
                "agi.port", "0", "provisioning.port", "0"));

        List<String> lines;
        try (LogCapture logs = LogCapture.of(LogCapture.EVERYTHING); Server server = new Server(config)) {
            assertThatThrownBy(server::start).isInstanceOf(RuntimeException.class); // nothing listens there
            lines = logs.lines();
        }

        assertThat(lines).anySatisfy(l -> assertThat(l).contains("db.url = jdbc:postgresql://127.0.0.1:" + port
                + "/hotdesk?user=hotdesk&password=****&connectTimeout=1"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("ari.url = http://hotdesk:****@127.0.0.1:" + port + "/ari"));
        assertThat(lines).noneSatisfy(l -> assertThat(l).containsAnyOf("Url-Secret-7", "Ari-Url-Secret-8"));
    }

    @Test
    void the_configuration_lines_mask_h2_style_passwords_too() {
        Config config = Config.load(null, Map.of(), Map.of("db.url", "jdbc:h2:file:/var/lib/hotdesk/hotdesk;PASSWORD=H2-Secret-9;AUTO_SERVER=TRUE"));

        assertThat(config.describe()).anySatisfy(l -> assertThat(l).startsWith("db.url = jdbc:h2:file:/var/lib/hotdesk/hotdesk;PASSWORD=****;AUTO_SERVER=TRUE"))
                .noneSatisfy(l -> assertThat(l).contains("H2-Secret-9"));
    }
}
