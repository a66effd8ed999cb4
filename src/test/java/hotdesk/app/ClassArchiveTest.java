package hotdesk.app;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The class archive of admin commands: its training run, and how {@code scripts/hotdesk} makes, uses, renews and
 * does without it. The wrapper runs here against a stand-in {@code java} that records its arguments and writes
 * (or fails to write) the archive, so these checks need no jar; what the real JVM does with an archive that does
 * not match the jar is in BENCHMARKS.md ("CLI at scale").
 */
class ClassArchiveTest {

    @TempDir
    Path dir;
    private Path checkout;
    private Path jar;
    private Path archive;
    private Path calls;

    @BeforeEach
    void aCheckoutWithABuiltJarAndAStandInJava() throws IOException {
        checkout = dir.resolve("checkout");
        Files.createDirectories(checkout.resolve("scripts"));
        Files.createDirectories(checkout.resolve("target"));
        Files.copy(Path.of("scripts/hotdesk"), checkout.resolve("scripts/hotdesk"));
        jar = Files.writeString(checkout.resolve("target/hotdesk.jar"), "a jar");
        archive = checkout.resolve("target/hotdesk.jsa");
        calls = dir.resolve("java-calls.txt");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = Files.writeString(bin.resolve("java"), """
                #!/bin/sh
                echo "$*" >> "$FAKE_JAVA_CALLS"
                for a in "$@"; do
                  case "$a" in
                    -XX:ArchiveClassesAtExit=*)
                      if [ -n "$FAKE_JAVA_TRAINING_FAILS" ]; then echo "Error: training failed" >&2; exit 1; fi
                      printf 'archive' > "${a#-XX:ArchiveClassesAtExit=}" ;;
                  esac
                done
                exit 0
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void the_training_run_succeeds_on_a_new_ledger() {
        assertThat(ClassArchive.train(dir.resolve("training"))).isTrue();
    }

    @Test
    void the_first_command_makes_the_archive_and_maps_it_and_later_ones_only_map_it() throws Exception {
        Run first = hotdesk(Map.of(), "status");
        Run second = hotdesk(Map.of(), "--config", "x.properties", "device", "list");

        assertThat(first.code).isZero();
        assertThat(first.calls).hasSize(2);
        assertThat(first.calls.get(0)).contains("-XX:ArchiveClassesAtExit=" + archive + ".", "-cp " + jar + " hotdesk.app.ClassArchive");
        assertThat(first.calls.get(1)).contains("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-jar " + jar + " status");
        assertThat(archive).hasContent("archive");
        assertThat(second.calls).singleElement().asString()
                .contains("-XX:SharedArchiveFile=" + archive, "-jar " + jar + " --config x.properties device list");
        try (var files = Files.list(checkout.resolve("target"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("hotdesk.jar", "hotdesk.jsa");
        }
    }

    @Test
    void an_archive_older_than_the_jar_is_made_again_before_it_is_used() throws Exception {
        hotdesk(Map.of(), "status");
        Files.writeString(archive, "stale");
        olderThanTheJar(archive);

        Run r = hotdesk(Map.of(), "status");

        assertThat(r.calls).hasSize(2);
        assertThat(r.calls.get(0)).contains("hotdesk.app.ClassArchive");
        assertThat(r.calls.get(1)).contains("-XX:SharedArchiveFile=" + archive);
        assertThat(archive).hasContent("archive");
    }

    @Test
    void a_stale_archive_that_cannot_be_made_again_is_not_used() throws Exception {
        hotdesk(Map.of(), "status");
        olderThanTheJar(archive);

        Run r = hotdesk(Map.of("FAKE_JAVA_TRAINING_FAILS", "yes"), "status");

        assertThat(r.code).isZero();
        assertThat(r.calls.get(r.calls.size() - 1)).doesNotContain("SharedArchiveFile").endsWith("-jar " + jar + " status");
    }

    @Test
    void when_the_training_fails_the_command_runs_without_an_archive_and_says_so_on_stderr() throws Exception {
        Run r = hotdesk(Map.of("FAKE_JAVA_TRAINING_FAILS", "yes"), "status", "--json");

        assertThat(r.code).isZero();
        assertThat(r.calls).hasSize(2);
        assertThat(r.calls.get(1)).doesNotContain("SharedArchiveFile").endsWith("-jar " + jar + " status --json");
        assertThat(r.err).contains("no class archive", "Error: training failed");
        try (var files = Files.list(checkout.resolve("target"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("hotdesk.jar");
        }
    }

    @Test
    void user_list_starts_with_the_quick_compiler_and_commands_that_hash_pins_keep_the_optimizing_one() throws Exception {
        Run list = hotdesk(Map.of(), "user", "list");
        Run add = hotdesk(Map.of(), "--set", "security.pin-iterations=1000", "user", "add", "101", "--name", "A");
        Run importing = hotdesk(Map.of(), "user", "import", "users.csv");

        assertThat(list.calls.get(list.calls.size() - 1)).contains("-XX:TieredStopAtLevel=1", "-XX:SharedArchiveFile=" + archive);
        // PBKDF2 needs the optimizing compiler; the archive does not slow it (BENCHMARKS.md, "Bulk onboarding", 2026-12-03 later)
        assertThat(add.calls).singleElement().asString().doesNotContain("TieredStopAtLevel")
                .contains("-XX:SharedArchiveFile=" + archive).endsWith("user add 101 --name A");
        assertThat(importing.calls).singleElement().asString().doesNotContain("TieredStopAtLevel")
                .contains("-XX:SharedArchiveFile=" + archive).endsWith("user import users.csv");
    }

    @Test
    void serve_maps_the_archive_with_its_own_options() throws Exception {
        Run r = hotdesk(Map.of(), "--config", "serve.properties", "serve");

        assertThat(r.calls).hasSize(2);
        assertThat(r.calls.get(1)).contains("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xmx112m")
                .doesNotContain("TieredStopAtLevel").endsWith("-jar " + jar + " --config serve.properties serve");
        assertThat(archive).hasContent("archive");
    }

    @Test
    void hotdesk_class_archive_off_runs_every_command_without_it_and_makes_none() throws Exception {
        Run status = hotdesk(Map.of("HOTDESK_CLASS_ARCHIVE", "off"), "status");
        Run serve = hotdesk(Map.of("HOTDESK_CLASS_ARCHIVE", "off"), "serve");

        assertThat(status.calls).singleElement().asString().doesNotContain("SharedArchiveFile").endsWith("-jar " + jar + " status");
        assertThat(serve.calls).singleElement().asString().doesNotContain("SharedArchiveFile").contains("-Xmx112m")
                .endsWith("-jar " + jar + " serve");
        assertThat(archive).doesNotExist();
    }

    /** As after a new build of the jar: the archive is of the one before. */
    private void olderThanTheJar(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Files.getLastModifiedTime(jar).toInstant().minusSeconds(60)));
    }

    private record Run(int code, List<String> calls, String err) {
    }

    private Run hotdesk(Map<String, String> env, String... args) throws Exception {
        Files.deleteIfExists(calls);
        List<String> command = new ArrayList<>(List.of("bash", checkout.resolve("scripts/hotdesk").toString()));
        command.addAll(List.of(args));
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
        pb.environment().remove("HOTDESK_JAVA_OPTS");
        pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().put("FAKE_JAVA_CALLS", calls.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("scripts/hotdesk did not finish");
        }
        return new Run(p.exitValue(), Files.exists(calls) ? Files.readAllLines(calls) : List.of(), Files.readString(err));
    }
}
