package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriPbx;
import hotdesk.ari.AriSettings;
import hotdesk.asteriskconf.AsteriskConfSettings;
import hotdesk.asteriskconf.AsteriskConfSettings.PjsipWizard;
import hotdesk.asteriskconf.AsteriskConfWriter;
import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Mac;
import hotdesk.core.policy.PjsipProfile;
import hotdesk.core.policy.Projections;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an Asterisk restart does to the desk objects hotdesk pushed, for each {@code asterisk.pjsip-wizard}:
 * with {@code memory} they vanish (the recorded lab fact the reconciler's full re-push answers); with
 * {@code astdb} they must still be there, unchanged, so a desk can call (emergency included) while
 * hotdesk is down. This is the check the astdb mode still needs on a real Asterisk 22: it runs where a
 * Docker engine is, and is reported as skipped elsewhere. Shares the host network like
 * {@link DockerAsteriskTest}.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerAsteriskRestartTest {

    private static final String IMAGE = "andrius/asterisk:22.10.1_debian-trixie";
    private static final String MAC = "00:15:65:fe:ed:02";

    @TempDir
    Path conf;

    @ParameterizedTest
    @EnumSource(PjsipWizard.class)
    void pushed_desk_objects_across_an_asterisk_restart(PjsipWizard wizard) {
        AsteriskConfSettings d = AsteriskConfSettings.defaults();
        AsteriskConfWriter.write(new AsteriskConfSettings(d.codes(), d.agiUrl(), d.idleContext(), d.idleInternalCalls(),
                d.internalPattern(), d.amiUser(), d.amiSecret(), d.ariUser(), d.ariPassword(), wizard), conf);
        GenericContainer<?> asterisk = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withNetworkMode("host")
                .waitingFor(Wait.forLogMessage(".*Asterisk Ready.*", 1).withStartupTimeout(Duration.ofMinutes(3)));
        DockerAsteriskTest.copyInto(asterisk, Path.of("src/test/resources/asterisk-docker"), "/etc/asterisk/");
        DockerAsteriskTest.copyInto(asterisk, conf, "/etc/asterisk/hotdesk/");
        try (asterisk) {
            asterisk.start();
            AriClient ari = new AriClient(new AriSettings(URI.create("http://127.0.0.1:8088/ari"), d.ariUser(), d.ariPassword(),
                    Duration.ofSeconds(5)));
            DeskLine line = new DeskLine(Mac.parse(MAC).endpointId(), Mac.parse(MAC), 1, "Restart-Desk-Secret-0123456789");
            Device device = new Device(Mac.parse(MAC), "yealink", "T54W", "Restart desk", "", "", true);
            new AriPbx(ari).push(new Projections(PjsipProfile.defaults()).desk(line, device, Optional.empty()));
            assertThat(ari.get("endpoint", line.endpointId())).isPresent();

            asterisk.getDockerClient().restartContainerCmd(asterisk.getContainerId()).exec();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> ari.get("endpoint", "201").isPresent());
            // res_pjsip is up again (its pjsip.conf endpoint answers), so an absent desk is really gone

            if (wizard == PjsipWizard.ASTDB) {
                assertThat(ari.get("endpoint", line.endpointId())).get()
                        .satisfies(ep -> assertThat(ep).containsEntry("context", "hotdesk-idle")
                                .containsEntry("auth", Projections.authId(line.endpointId())));
                assertThat(ari.get("aor", line.endpointId())).isPresent();
                assertThat(ari.get("auth", Projections.authId(line.endpointId()))).isPresent();
            } else {
                assertThat(ari.get("endpoint", line.endpointId())).isEmpty();
            }
        }
    }
}
