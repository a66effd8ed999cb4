package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.core.policy.TrustedNetworks;
import hotdesk.testing.Baresip;
import hotdesk.testing.RealAsterisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Trusted networks gate registration on a real Asterisk 22: a desk endpoint names the ACL of
 * acl_hotdesk.conf, so a real phone (baresip) registering from 127.0.0.2 is refused while 127.0.0.1 is
 * accepted (the default ACL, loopback 127.0.0.0/8 and ::1 minus what the test narrows); a site's own
 * networks reach Asterisk only once acl_hotdesk.conf has them, and then the desk's endpoint names the
 * site's ACL.
 */
class RealTrustedNetworksTest {

    private static final String MAC = "00:15:65:b5:2f:01";
    private static final String DESK = "hd-001565b52f01";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private RealAsterisk asterisk;
    private Server server;
    private final List<Baresip> phones = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Baresip p : phones) {
            p.close();
        }
        if (asterisk != null) {
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/real-trusted-networks-asterisk.txt"), asterisk.log());
        }
        if (server != null) {
            server.close();
        }
        if (asterisk != null) {
            asterisk.close();
        }
    }

    @Test
    void a_phone_registers_only_from_the_networks_of_its_desks_acl_and_a_site_acl_is_named_once_asterisk_has_it()
            throws Exception {
        RealAsterisk.assumeKit();
        Baresip.assumeInstalled();
        // given hotdesk whose trusted networks are 127.0.0.1 only, and a real Asterisk with the generated files
        Map<String, String> settings = KitSettings.of(dir, "trusted-networks");
        settings.put("provisioning.allowed-networks", "127.0.0.1/32,::1/128");
        asterisk = KitSettings.startAsterisk(dir.resolve("asterisk"), settings, conf -> { });
        AriClient ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER,
                AsteriskContract.ARI_PASSWORD, Duration.ofSeconds(5)));
        CliRun.ok(settings, "site", "add", "Annex");
        CliRun.ok(settings, "device", "add", MAC, "--model", "T54W", "--label", "Desk T1", "--site", "Annex");
        server = new Server(Config.load(null, Map.of(), settings));
        server.start();
        await().atMost(PATIENCE).ignoreExceptions()
                .until(() -> ari.get("endpoint", DESK).orElseThrow().get("acl"), TrustedNetworks.DEFAULT_ACL::equals);
        String password = secret(settings);

        // when the desk's phone registers from 127.0.0.2, Asterisk refuses it by the ACL
        Baresip outside = phone("outside", password, "127.0.0.2");
        await().atMost(PATIENCE).until(() -> refusals(DESK, "127.0.0.2") >= 1);
        assertThat(asterisk.rx("pjsip show contacts")).doesNotContain(DESK + "/sip:");
        outside.close();

        // and from 127.0.0.1 it registers
        phone("inside", password, "127.0.0.1");
        await().atMost(PATIENCE).until(() -> registered(DESK, "127.0.0.1") >= 1);
        assertThat(asterisk.rx("pjsip show contacts")).contains(DESK + "/sip:");
        assertThat(registered(DESK, "127.0.0.2")).isZero();

        // when the site names 127.0.0.2 only, and Asterisk has no such ACL yet, the desk keeps the default ACL
        // (never an unknown one: that would refuse its emergency calls too) and its status says what to do
        CliRun.ok(settings, "site", "set", "Annex", "--networks", "127.0.0.2/32");
        String siteAcl = TrustedNetworks.siteAcl("Annex");
        await().atMost(PATIENCE).until(() -> CliRun.of(settings, Map.of(), "status").out().contains("acl_hotdesk.conf"));
        assertThat(ari.get("endpoint", DESK).orElseThrow().get("acl")).isEqualTo(TrustedNetworks.DEFAULT_ACL);

        // when the admin generates the files again into Asterisk's directory, hotdesk reloads the ACLs and
        // names the site's: now 127.0.0.2 registers and 127.0.0.1 is refused
        CliRun.ok(settings, "asterisk-conf", "--out", asterisk.dir().resolve("etc/hotdesk").toString());
        await().atMost(PATIENCE).ignoreExceptions()
                .until(() -> ari.get("endpoint", DESK).orElseThrow().get("acl"), siteAcl::equals);
        assertThat(asterisk.rx("acl show " + siteAcl)).contains("127.0.0.2/255.255.255.255");
        for (Baresip p : phones) {
            p.close();
        }
        phones.clear();
        long before = refusals(DESK, "127.0.0.1");
        phone("inside-again", password, "127.0.0.1");
        await().atMost(PATIENCE).until(() -> refusals(DESK, "127.0.0.1") > before);
        phone("outside-again", password, "127.0.0.2");
        await().atMost(PATIENCE).until(() -> registered(DESK, "127.0.0.2") >= 1);
        assertThat(registered(DESK, "127.0.0.1")).as("no second registration from 127.0.0.1").isEqualTo(1);
    }

    private Baresip phone(String name, String password, String source) throws IOException {
        Baresip p = Baresip.start(dir.resolve(name), RealAsterisk.kit().orElseThrow(), asterisk.sipPort(), DESK, password,
                source);
        phones.add(p);
        return p;
    }

    /** How often Asterisk's log says a request of {@code endpoint} from {@code address} failed its ACL. */
    private long refusals(String endpoint, String address) {
        return asterisk.log().lines().filter(l -> l.contains(endpoint) && l.contains("'" + address + ":")
                && l.contains("ACL")).count();
    }

    /** How often Asterisk's log says it added a contact at {@code address} to the AOR {@code endpoint}. */
    private long registered(String endpoint, String address) {
        return asterisk.log().lines().filter(l -> l.contains("Added contact '") && l.contains("@" + address + ":")
                && l.contains("to AOR '" + endpoint + "'")).count();
    }

    private static String secret(Map<String, String> settings) {
        String file = CliRun.ok(settings, "provision", "render", MAC, "--show-secrets");
        Matcher m = Pattern.compile("(?m)^account\\.1\\.password = (\\S+)$").matcher(file);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
