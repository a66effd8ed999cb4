package hotdesk.app;

import hotdesk.testing.FakeAmi;
import hotdesk.testing.FakeAri;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code hotdesk serve} as its own process, the way an init system runs it: it starts on an H2 file,
 * pushes the desks to Asterisk, and on SIGTERM closes everything it opened and exits.
 */
class ServeProcessTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Pattern STARTED = Pattern.compile("hotdesk started: .* FastAGI on 127\\.0\\.0\\.1:(\\d+), provisioning on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    private final FakeAri ari = new FakeAri("hotdesk", "ari-test-password");
    private final FakeAmi ami = new FakeAmi("hotdesk", "ami-test-secret").start();
    private Process serve;

    @AfterEach
    void tearDown() {
        if (serve != null && serve.isAlive()) {
            serve.destroyForcibly();
        }
        ami.close();
        ari.close();
    }

    @Test
    void serve_pushes_the_desks_and_stops_cleanly_on_sigterm() throws Exception {
        Map<String, String> settings = PeerSettings.of(dir.resolve("ledger"), ari, "ari-test-password", ami, "ami-test-secret");
        settings.put("security.pin-iterations", "1000");
        CliRun.ok(settings, "device", "add", "00:15:65:12:34:AB", "--model", "T54W", "--label", "Desk 4.12");
        Path log = dir.resolve("serve.log");

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                Main.class.getName()));
        settings.forEach((k, v) -> command.addAll(List.of("--set", k + "=" + v)));
        command.add("serve");
        serve = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();

        await().atMost(PATIENCE).until(() -> ari.object("endpoint", "hd-0015651234ab").isPresent());
        await().atMost(PATIENCE).until(() -> STARTED.matcher(read(log)).find());
        Matcher ports = STARTED.matcher(read(log));
        assertThat(ports.find()).isTrue();
        int agiPort = Integer.parseInt(ports.group(1));
        int provisioningPort = Integer.parseInt(ports.group(2));
        assertThat(accepts(agiPort)).isTrue();
        assertThat(accepts(provisioningPort)).isTrue();
        await().atMost(PATIENCE).until(() -> ami.openConnections() == 1);

        serve.destroy(); // SIGTERM

        assertThat(serve.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("exited; log:%n%s", read(log)).isTrue();
        assertThat(serve.exitValue()).as("the JVM's answer to SIGTERM after its shutdown hooks").isEqualTo(143);
        String printed = read(log);
        assertThat(printed).contains("hotdesk stopping", "hotdesk stopped").doesNotContain("Exception");
        assertThat(accepts(agiPort)).as("FastAGI closed").isFalse();
        assertThat(accepts(provisioningPort)).as("provisioning closed").isFalse();
        await().atMost(PATIENCE).until(() -> ami.openConnections() == 0);
        // the ledger was closed, not left half-written: the CLI opens it alone and sees the desk
        assertThat(CliRun.ok(settings, "device", "list")).contains("00:15:65:12:34:AB");
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
