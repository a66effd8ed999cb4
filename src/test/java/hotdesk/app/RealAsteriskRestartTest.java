package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriPbx;
import hotdesk.ari.AriSettings;
import hotdesk.asteriskconf.AsteriskConfSettings.PjsipWizard;
import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Mac;
import hotdesk.core.policy.PjsipProfile;
import hotdesk.core.policy.Projections;
import hotdesk.testing.RealAsterisk;
import hotdesk.testing.SipRegistrar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a restart of the real Asterisk does to the desk objects hotdesk pushed, for each
 * {@code asterisk.pjsip-wizard}, with hotdesk not running: with {@code memory} they are gone (the
 * reconciler's full re-push after FullyBooted answers that); with {@code astdb} they are back unchanged
 * and the desk phone can register with its account, so it can call (emergency included) while hotdesk
 * is down.
 */
class RealAsteriskRestartTest {

    private static final String MAC = "00:15:65:fe:ed:02";

    @TempDir
    Path dir;

    @BeforeAll
    static void kit() {
        RealAsterisk.assumeKit();
    }

    @ParameterizedTest
    @EnumSource(PjsipWizard.class)
    void pushed_desk_objects_across_an_asterisk_restart(PjsipWizard wizard) {
        Map<String, String> settings = RealAsteriskContractTest.settings();
        settings.put("asterisk.pjsip-wizard", wizard.toString());
        try (RealAsterisk asterisk = RealAsterisk.start(dir, conf -> CliRun.ok(settings, "asterisk-conf", "--out",
                conf.toString()), RealAsteriskContractTest::addConfigEndpoint)) {
            AriClient ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER,
                    AsteriskContract.ARI_PASSWORD, Duration.ofSeconds(5)));
            DeskLine line = new DeskLine(Mac.parse(MAC).endpointId(), Mac.parse(MAC), 1, "Restart-Desk-Secret-0123456789");
            Device device = new Device(Mac.parse(MAC), "yealink", "T54W", "Restart desk", "", "", true);
            new AriPbx(ari).push(new Projections(PjsipProfile.defaults()).desk(line, device, Optional.empty()));
            assertThat(ari.get("endpoint", line.endpointId())).isPresent();

            asterisk.restart();
            // res_pjsip is up (the kit waits for FullyBooted; pjsip.conf's endpoint answers), so an absent desk is gone
            assertThat(ari.get("endpoint", AsteriskContract.CONFIG_ENDPOINT)).isPresent();

            try (SipRegistrar phone = new SipRegistrar(asterisk.sipPort())) {
                int registered = phone.register(line.endpointId(), line.secret(), Duration.ofSeconds(60));
                if (wizard == PjsipWizard.ASTDB) {
                    assertThat(ari.get("endpoint", line.endpointId())).get()
                            .satisfies(ep -> assertThat(ep).containsEntry("context", "hotdesk-idle")
                                    .containsEntry("auth", Projections.authId(line.endpointId())));
                    assertThat(ari.get("aor", line.endpointId())).isPresent();
                    assertThat(ari.get("auth", Projections.authId(line.endpointId()))).isPresent();
                    assertThat(registered).isEqualTo(200);
                } else {
                    assertThat(ari.get("endpoint", line.endpointId())).isEmpty();
                    assertThat(registered).isNotEqualTo(200);
                }
            }
        }
    }
}
