package hotdesk.app;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    /** What the wrappers read themselves, not settings. */
    private static final Set<String> WRAPPER_VARIABLES = Set.of("HOTDESK_JAVA_OPTS", "HOTDESK_CONFIG", "HOTDESK_CLASS_ARCHIVE");

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
    void the_entrypoint_maps_the_archive_for_every_command_unless_turned_off() throws Exception {
        Path dir = Files.createTempDirectory("hotdesk-entrypoint");
        try {
            // the entrypoint's script, run by sh with a stand-in java that prints its arguments and the image's
            // archive moved into the temporary directory
            String docker = Files.readString(Path.of("Dockerfile"));
            String line = lines(docker, "ENTRYPOINT ").get(0);
            List<String> entry = new com.fasterxml.jackson.databind.ObjectMapper().readValue(line.substring("ENTRYPOINT ".length()),
                    new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { });
            assertThat(entry.subList(0, 2)).containsExactly("sh", "-c");
            Path archive = Files.writeString(dir.resolve("hotdesk.jsa"), "archive");
            String script = entry.get(2).replace("/opt/hotdesk/hotdesk.jsa", archive.toString());
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Path fakeJava = Files.writeString(bin.resolve("java"), "#!/bin/sh\necho \"$*\"\n");
            Files.setPosixFilePermissions(fakeJava, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));

            String serve = entrypoint(bin, script, entry.get(3), Map.of(), "--set", "agi.port=4574", "serve");
            String importing = entrypoint(bin, script, entry.get(3), Map.of(), "user", "import", "users.csv");
            String off = entrypoint(bin, script, entry.get(3), Map.of("HOTDESK_CLASS_ARCHIVE", "off"), "serve");

            // an option before the command used to hide serve from the entrypoint's guess
            assertThat(serve).contains("-Xmx99m", "-XX:SharedArchiveFile=" + archive)
                    .endsWith("-jar /opt/hotdesk/hotdesk.jar --set agi.port=4574 serve\n");
            assertThat(importing).contains("-XX:SharedArchiveFile=" + archive).endsWith("user import users.csv\n");
            assertThat(off).contains("-Xmx99m").doesNotContain("SharedArchiveFile").endsWith("-jar /opt/hotdesk/hotdesk.jar serve\n");
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String entrypoint(Path bin, String script, String name, Map<String, String> env, String... args)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", "-c", script, name));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("HOTDESK_JAVA_OPTS", "-Xmx99m");
        pb.environment().remove("HOTDESK_CLASS_ARCHIVE");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
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
                if (!settings.contains(var) && !WRAPPER_VARIABLES.contains(var)) {
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
