package hotdesk.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {

    @TempDir
    Path dir;

    @Test
    void layers_apply_in_order_defaults_file_environment_command_line() throws IOException {
        Path file = dir.resolve("hotdesk.properties");
        Files.writeString(file, "ami.port=6000\nami.user=fromfile\nari.timeout=7s\n");

        Config c = Config.load(file, Map.of("HOTDESK_AMI_USER", "fromenv", "HOTDESK_ARI_TIMEOUT", "9s"),
                Map.of("ari.timeout", "11s"));

        assertThat(c.integer("ami.port", 1, 65535)).isEqualTo(6000);
        assertThat(c.string("ami.user")).isEqualTo("fromenv");
        assertThat(c.duration("ari.timeout")).isEqualTo(Duration.ofSeconds(11));
        assertThat(c.string("ami.host")).isEqualTo("127.0.0.1");
        assertThat(c.origin("ami.user")).isEqualTo("env HOTDESK_AMI_USER");
    }

    @Test
    void the_config_file_can_come_from_hotdesk_config() throws IOException {
        Path file = dir.resolve("x.properties");
        Files.writeString(file, "agi.port=4999\n");

        assertThat(Config.load(null, Map.of("HOTDESK_CONFIG", file.toString()), Map.of()).string("agi.port")).isEqualTo("4999");
    }

    @Test
    void an_unknown_key_is_an_error_naming_the_key_and_its_source() throws IOException {
        Path file = dir.resolve("typo.properties");
        Files.writeString(file, "ami.secert=x\n");

        assertThatThrownBy(() -> Config.load(file, Map.of(), Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ami.secert").hasMessageContaining(file.toString());
    }

    @Test
    void bad_values_name_the_key_and_the_value() {
        Config c = Config.load(null, Map.of(), Map.of("ami.port", "70000", "ari.timeout", "soon", "provisioning.require-ua-mac", "maybe"));

        assertThatThrownBy(() -> c.integer("ami.port", 1, 65535)).hasMessageContaining("ami.port").hasMessageContaining("70000");
        assertThatThrownBy(() -> c.duration("ari.timeout")).hasMessageContaining("ari.timeout").hasMessageContaining("soon");
        assertThatThrownBy(() -> c.bool("provisioning.require-ua-mac")).hasMessageContaining("maybe");
    }

    @Test
    void a_missing_config_file_is_a_clear_error() {
        assertThatThrownBy(() -> Config.load(dir.resolve("nope.properties"), Map.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.properties");
    }

    @Test
    void secrets_are_masked_when_the_configuration_is_described() {
        Config c = Config.load(null, Map.of("HOTDESK_AMI_SECRET", "s3cr3t-ami", "HOTDESK_DB_PASSWORD", "s3cr3t-db"),
                Map.of("ari.password", "s3cr3t-ari"));

        assertThat(String.join("\n", c.describe())).doesNotContain("s3cr3t").contains("ami.secret = ****");
    }

    @Test
    void open_families_are_read_from_environment_variables_too() {
        Config c = Config.load(null, Map.of("HOTDESK_PJSIP_ENDPOINT_DTMF_MODE", "rfc4733", "HOTDESK_NOTIFY_EVENT_SNOM",
                "check-sync;reboot=false", "HOTDESK_TEST_PG_URL", "ignored"), Map.of());

        assertThat(c.family("pjsip.endpoint.")).containsEntry("dtmf_mode", "rfc4733");
        assertThat(c.family("notify.event.")).containsEntry("snom", "check-sync;reboot=false").containsKey("yealink");
    }

    @Test
    void every_key_is_documented_in_the_readme_with_its_environment_variable() throws IOException {
        String readme = Files.readString(Path.of("README.md"));

        for (Config.Key k : Config.KEYS) {
            assertThat(readme).as("README row of %s", k.name()).contains(readmeRow(k));
        }
    }

    /** The row of the README's settings table, so a changed default or meaning cannot drift. */
    static String readmeRow(Config.Key k) {
        String value = k.defaultValue().isEmpty() ? "(empty)" : "`" + k.defaultValue() + "`";
        return "| `" + k.name() + "` | " + value + " | `" + Config.envName(k.name()) + "` | " + k.doc() + " |";
    }
}
