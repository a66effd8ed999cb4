package hotdesk.app;

import hotdesk.testing.LogCapture;
import hotdesk.testing.RealAsterisk;
import hotdesk.testing.TcpProxy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Against the real Asterisk kit, with AMI behind a proxy: a dropped AMI connection to an Asterisk that keeps running
 * (a network blip) pushes nothing again, while a real restart of Asterisk pushes every desk and user again. The
 * server tells them apart by the start FullyBooted's Uptime gives (AmiLink.Boot).
 */
class RealAmiReconnectTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @BeforeAll
    static void kit() {
        RealAsterisk.assumeKit();
    }

    @Test
    void a_dropped_ami_connection_pushes_nothing_again_and_a_restart_pushes_everything() throws Exception {
        Map<String, String> settings = KitSettings.of(dir, "reconnect");
        try (RealAsterisk asterisk = KitSettings.startAsterisk(dir.resolve("asterisk"), settings, conf -> { });
             TcpProxy ami = TcpProxy.to(asterisk.amiPort());
             LogCapture log = LogCapture.atDebug("hotdesk")) {
            long asteriskUp = System.nanoTime();
            settings.put("ami.port", Integer.toString(ami.port()));
            for (int i = 0; i < 3; i++) {
                CliRun.ok(settings, "user", "add", "30" + i, "--name", "User " + i, "--pin", "48" + i + "27");
                CliRun.ok(settings, "device", "add", String.format("00:15:65:ab:cd:%02x", i), "--model", "T54W");
            }
            Server server = new Server(Config.load(null, Map.of(), settings));
            try {
                server.start();
                await().atMost(PATIENCE).until(() -> server.amiConnected() && server.reconcile().idle());
                // the link must have heard from this Asterisk a few seconds into its uptime (AmiLink.SAME_START_MS): a
                // change pushed later (its AstDB facts go over AMI) makes sure of it
                Thread.sleep(Math.max(0, 4_000 - (System.nanoTime() - asteriskUp) / 1_000_000));
                CliRun.ok(settings, "device", "add", "00:15:65:ab:cd:ff", "--model", "T54W");
                await().atMost(PATIENCE).until(() -> logged(log, "applied") >= 2 && server.reconcile().idle());
                int passes = logged(log, "applied");

                // when the AMI connection drops while Asterisk runs on
                ami.cut();
                await().atMost(PATIENCE).until(() -> !server.amiConnected());
                ami.restore();
                await().atMost(PATIENCE).until(() -> server.amiConnected() && server.reconcile().idle());

                // then the link knew it for the same Asterisk and no pass pushed anything
                assertThat(log.lines()).anyMatch(l -> l.contains("the same Asterisk as before (it did not restart)"));
                assertThat(logged(log, "applied")).isEqualTo(passes);

                // when Asterisk really restarts (with the default astdb wizard the objects come back, but hotdesk
                // cannot know that: it pushes everything)
                asterisk.restart();
                await().atMost(PATIENCE).until(() -> log.lines().stream().anyMatch(l -> l.contains("reconcile pass: 7 applied")));
                assertThat(log.lines()).anyMatch(l -> l.contains("Asterisk started again (or its uptime is unknown)"));
            } finally {
                server.close();
            }
        }
    }

    /** Reconcile passes that applied something, as the server logs them. */
    private static int logged(LogCapture log, String what) {
        return (int) log.lines().stream().filter(l -> l.contains("reconcile pass: ") && l.contains(" " + what + ",")).count();
    }
}
