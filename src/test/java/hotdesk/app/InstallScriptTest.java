package hotdesk.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code scripts/install --destdir}: stages every file where the README says, with the modes that
 * keep the ledger and the secrets private; the unit passes systemd's own checks. (Not run here: the
 * unit under a real systemd PID 1, which this machine does not have.)
 */
class InstallScriptTest {

    @TempDir
    Path dir;

    @Test
    void stages_every_file_with_private_modes_and_keeps_edited_settings() throws Exception {
        Path root = dir.resolve("root");
        Run r = install(root);
        assertThat(r.code).as(r.out + r.err).isZero();
        assertThat(r.out).contains("hotdesk installed under " + root);

        assertThat(mode(root.resolve("opt/hotdesk/hotdesk.jar"))).isEqualTo("rw-r--r--");
        assertThat(root.resolve("opt/hotdesk/templates/yealink")).isDirectory();
        assertThat(mode(root.resolve("opt/hotdesk/asterisk-conf/manager_hotdesk.conf"))).isEqualTo("rw-r-----");
        assertThat(mode(root.resolve("usr/local/bin/hotdesk"))).isEqualTo("rwxr-xr-x");
        assertThat(mode(root.resolve("etc/hotdesk"))).isEqualTo("rwxr-x---");
        assertThat(mode(root.resolve("etc/hotdesk/hotdesk.properties"))).isEqualTo("rw-r-----");
        assertThat(mode(root.resolve("var/lib/hotdesk"))).isEqualTo("rwx------");
        assertThat(mode(root.resolve("etc/systemd/system/hotdesk.service"))).isEqualTo("rw-r--r--");
        assertThat(root.resolve("usr/local/share/bash-completion/completions/hotdesk")).content().contains("complete -F");
        try (var pages = Files.list(root.resolve("usr/local/share/man/man1"))) {
            assertThat(pages.map(p -> p.getFileName().toString()).toList())
                    .contains("hotdesk.1", "hotdesk-serve.1", "hotdesk-user-add.1", "hotdesk-doctor.1");
        }
        assertThat(run(List.of("sh", "-n", root.resolve("usr/local/bin/hotdesk").toString())).code).isZero();
        // a class archive holds the jar's path: a staged install makes none, and says so
        assertThat(root.resolve("opt/hotdesk/hotdesk.jsa")).doesNotExist();
        assertThat(r.err).contains("install: staged without the class archive");
        try (var files = Files.list(root.resolve("opt/hotdesk"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder("hotdesk.jar", "templates", "asterisk-conf");
        }

        // the installed settings are accepted by hotdesk as they are (and put the ledger in /var/lib/hotdesk)
        Path props = root.resolve("etc/hotdesk/hotdesk.properties");
        assertThat(props).content().contains("db.path=/var/lib/hotdesk/ledger");
        CliRun conf = CliRun.of(Map.of(), Map.of(), "--config", props.toString(), "asterisk-conf", "--out", dir.resolve("conf").toString());
        assertThat(conf.code()).as(conf.err()).isZero();

        // a second install keeps what the admin changed
        Files.writeString(props, "provisioning.sip-server=pbx.example.org\n", java.nio.file.StandardOpenOption.APPEND);
        Run again = install(root);
        assertThat(again.code).as(again.err).isZero();
        assertThat(again.out).contains("Kept the existing /etc/hotdesk/hotdesk.properties");
        assertThat(props).content().contains("provisioning.sip-server=pbx.example.org");
    }

    @Test
    void the_unit_passes_systemd_verify_and_its_exposure_stays_low() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze is not installed: the unit was not checked");
        Run verify = run(List.of("systemd-analyze", "verify", "--man=no", "scripts/hotdesk.service"));
        assertThat(verify.code).as(verify.out + verify.err).isZero();
        assertThat(verify.err).isEmpty();
        // systemd's own score: 0 (locked down) .. 10 (exposed); 2.0 is well inside its "OK" band
        Run security = run(List.of("systemd-analyze", "security", "--offline=true", "--threshold=20", "scripts/hotdesk.service"));
        assertThat(security.code).as(security.out + security.err).isZero();
        assertThat(security.out).contains("Overall exposure level for hotdesk.service");
        String unit = Files.readString(Path.of("scripts/hotdesk.service"));
        assertThat(unit).contains("User=hotdesk", "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes",
                "StateDirectoryMode=0700", "UMask=0077");
    }

    @Test
    void the_installed_command_starts_the_jvm_with_the_options_of_scripts_hotdesk_per_command() throws Exception {
        Path root = dir.resolve("root");
        assertThat(install(root).code).isZero();
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = Files.writeString(bin.resolve("java"), "#!/bin/sh\necho \"$*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"), "HOTDESK_JAVA_OPTS", "");
        String wrapper = root.resolve("usr/local/bin/hotdesk").toString();

        Run status = run(List.of("sh", wrapper, "--config", "h.properties", "status"), env);
        Run list = run(List.of("sh", wrapper, "user", "list"), env);
        Run user = run(List.of("sh", wrapper, "--set", "security.pin-iterations=1000", "user", "set-pin", "101"), env);
        Run serve = run(List.of("sh", wrapper, "serve"), env);

        assertThat(status.out).contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
                .endsWith("-jar /opt/hotdesk/hotdesk.jar --config h.properties status\n");
        assertThat(list.out).contains("-XX:TieredStopAtLevel=1").endsWith("-jar /opt/hotdesk/hotdesk.jar user list\n");
        // PBKDF2 keeps the optimizing compiler
        assertThat(user.out).contains("-XX:+UseSerialGC").doesNotContain("TieredStopAtLevel").endsWith("user set-pin 101\n");
        assertThat(serve.out).contains("-Xmx112m", "-XX:TrimNativeHeapInterval=10000", "-XX:SoftRefLRUPolicyMSPerMB=100").doesNotContain("SharedArchiveFile")
                .endsWith("-jar /opt/hotdesk/hotdesk.jar serve\n");
    }

    @Test
    void refuses_a_relative_prefix_and_an_unknown_option() throws Exception {
        Run relative = run(List.of("bash", "scripts/install", "--destdir", dir.toString(), "--prefix", "usr"));
        assertThat(relative.code).isEqualTo(2);
        assertThat(relative.err).contains("--prefix must be an absolute path");
        Run unknown = run(List.of("bash", "scripts/install", "--frobnicate"));
        assertThat(unknown.code).isEqualTo(2);
        assertThat(unknown.err).contains("unknown option --frobnicate");
        Run noJar = run(List.of("bash", "scripts/install", "--destdir", dir.toString(), "--jar", dir.resolve("none.jar").toString()));
        assertThat(noJar.code).isEqualTo(2);
        assertThat(noJar.err).contains("no such jar");
    }

    private Run install(Path root) throws Exception {
        // the jar is built after the tests (package follows test): stage a stand-in and run hotdesk from the test class path
        Path jar = dir.resolve("hotdesk.jar");
        if (!Files.exists(jar)) {
            Files.write(jar, new byte[]{'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        }
        return run(List.of("bash", "scripts/install", "--destdir", root.toString(), "--jar", jar.toString()),
                Map.of("HOTDESK_INSTALL_RUN", String.join(" ", CliRun.javaCommand())));
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private record Run(int code, String out, String err) {
    }

    private Run run(List<String> command) throws Exception {
        return run(command, Map.of());
    }

    private Run run(List<String> command, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
