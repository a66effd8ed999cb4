package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriPbx;
import hotdesk.ari.AriSettings;
import hotdesk.core.port.PbxException;
import hotdesk.core.port.PjsipObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link AsteriskContract} against Asterisk 22.10.1 in Docker, configured with the repository's
 * {@code asterisk-conf/} included the way its README says. Disabled (reported as skipped) where no
 * Docker engine runs. The container shares the host network because the shipped config binds AMI and
 * HTTP to 127.0.0.1, so ports 5038, 8088 and 5060 must be free.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerAsteriskTest extends AsteriskContract {

    private static final String IMAGE = "andrius/asterisk:22.10.1_debian-trixie";
    private static GenericContainer<?> asterisk;

    @BeforeAll
    static void startAsterisk() {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withNetworkMode("host")
                .waitingFor(Wait.forLogMessage(".*Asterisk Ready.*", 1).withStartupTimeout(Duration.ofMinutes(3)));
        copyInto(c, Path.of("src/test/resources/asterisk-docker"), "/etc/asterisk/");
        copyInto(c, Path.of("asterisk-conf"), "/etc/asterisk/hotdesk/");
        c.start();
        asterisk = c;
    }

    /** Copies the {@code .conf} files of {@code dir} into the container at {@code target} when it is created. */
    static void copyInto(GenericContainer<?> c, Path dir, String target) {
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.toString().endsWith(".conf"))
                    .forEach(f -> c.withCopyFileToContainer(MountableFile.forHostPath(f), target + f.getFileName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopAsterisk() {
        if (asterisk != null) {
            asterisk.stop();
        }
    }

    @Override
    Target target() {
        return new Target(URI.create("http://127.0.0.1:8088/ari"), "hotdesk", "hotdesk-ari-change-me", "127.0.0.1", 5038,
                "hotdesk", "hotdesk-ami-change-me");
    }

    @Test
    void an_endpoint_from_pjsip_conf_is_refused_with_403_and_not_retried() {
        AriPbx pbx = new AriPbx(new AriClient(new AriSettings(target().ariUrl(), "hotdesk", "hotdesk-ari-change-me",
                Duration.ofSeconds(5))));

        assertThatThrownBy(() -> pbx.push(List.of(new PjsipObject(PjsipObject.Type.ENDPOINT, "201", Map.of("context", "x")))))
                .isInstanceOfSatisfying(PbxException.class, e -> assertThat(e.retryable()).isFalse());
    }
}
