package hotdesk.app;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile and compose.yaml, checked without a container engine (there is none where the
 * tests run): what they copy exists, they run hotdesk unprivileged with its ledger in a volume, and
 * every HOTDESK_* variable they set is a real setting. (Not checked here: an image actually built.)
 */
class ContainerFilesTest {

    private static final Pattern HOTDESK_VAR = Pattern.compile("\\bHOTDESK_[A-Z0-9_]+\\b");

    @Test
    void the_image_runs_as_an_unprivileged_user_with_the_ledger_in_a_volume() throws IOException {
        String docker = Files.readString(Path.of("Dockerfile"));
        String runtime = docker.substring(docker.lastIndexOf("\nFROM "));
        assertThat(runtime).contains("VOLUME [\"/var/lib/hotdesk\"]").contains("install -d -m 700 -o hotdesk -g hotdesk /var/lib/hotdesk");
        List<String> users = lines(runtime, "USER ");
        assertThat(users).as("the last USER of the runtime stage").isNotEmpty();
        assertThat(users.get(users.size() - 1)).isEqualTo("USER hotdesk:hotdesk");
        assertThat(runtime).contains("HOTDESK_DB_PATH=/var/lib/hotdesk/ledger");
    }

    @Test
    void everything_the_dockerfile_copies_from_the_checkout_exists() throws IOException {
        for (String copy : lines(Files.readString(Path.of("Dockerfile")), "COPY ")) {
            if (copy.contains("--from=")) {
                continue;
            }
            String source = copy.split("\\s+")[1];
            assertThat(Path.of(source)).as(copy).exists();
        }
    }

    @Test
    void every_hotdesk_variable_in_the_container_files_is_a_setting() throws IOException {
        Set<String> settings = Config.KEYS.stream().map(k -> Config.envName(k.name())).collect(Collectors.toSet());
        List<String> unknown = new ArrayList<>();
        for (String file : List.of("Dockerfile", "compose.yaml")) {
            Matcher m = HOTDESK_VAR.matcher(Files.readString(Path.of(file)));
            while (m.find()) {
                String var = m.group();
                if (!settings.contains(var) && !var.equals("HOTDESK_JAVA_OPTS") && !var.equals("HOTDESK_CONFIG")) {
                    unknown.add(file + ": " + var);
                }
            }
        }
        assertThat(unknown).isEmpty();
    }

    @Test
    void compose_mounts_the_generated_asterisk_conf_and_keeps_both_databases_in_volumes() throws IOException {
        String compose = Files.readString(Path.of("compose.yaml"));
        assertThat(compose).contains("./asterisk-conf:/etc/asterisk/hotdesk:ro")
                .contains("hotdesk-data:/var/lib/hotdesk")
                .contains("asterisk-db:/var/lib/asterisk")
                .doesNotContain("change-me");
        assertThat(compose.lines().filter(l -> l.contains("\t"))).as("YAML has no tabs").isEmpty();
    }

    private static List<String> lines(String text, String prefix) {
        return text.lines().map(String::strip).filter(l -> l.startsWith(prefix)).toList();
    }
}
