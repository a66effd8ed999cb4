package hotdesk.app;

import hotdesk.testing.RealAsterisk;
import hotdesk.testing.SipRegistrar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link AsteriskContract} against a real Asterisk 22.10.1 from the test kit, configured with the
 * files {@code hotdesk asterisk-conf} generates, plus endpoint 201 in pjsip.conf. Skipped with one
 * message where the kit is absent.
 */
class RealAsteriskContractTest extends AsteriskContract {

    private static RealAsterisk asterisk;
    private static final Map<String, SipRegistrar> phones = new ConcurrentHashMap<>();

    @BeforeAll
    static void startAsterisk(@TempDir Path dir) {
        RealAsterisk.assumeKit();
        asterisk = RealAsterisk.start(dir, conf -> CliRun.ok(settings(), "asterisk-conf", "--out", conf.toString()), conf -> {
            addConfigEndpoint(conf);
            addContractUserAndEvents(conf);
        });
    }

    @AfterAll
    static void stopAsterisk() {
        if (asterisk != null) {
            asterisk.close();
        }
    }

    /** The settings the contract's Asterisk files are generated from (secrets of the contract). */
    static Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("ari.password", ARI_PASSWORD);
        s.put("ami.secret", AMI_SECRET);
        s.put("ami.test-secret", AMI_TEST_SECRET);
        return s;
    }

    /** A user that may write system and originate: what hotdesk's generated files never give one user. */
    static final String SYSTEM_ORIGINATE_USER = "contract-system-originate";
    static final String SYSTEM_ORIGINATE_SECRET = "contract-system-originate-0123";

    /** The contract's users with read = system only and with write = system,originate, and its context of user events. */
    static void addContractUserAndEvents(Path conf) {
        try {
            Files.writeString(conf.resolve("manager.conf"), "\n[" + SYSTEM_ONLY_USER + "]\nsecret = " + SYSTEM_ONLY_SECRET
                    + "\ndeny = 0.0.0.0/0.0.0.0\npermit = 127.0.0.1/255.255.255.255\nread = system\nwrite = system,reporting\n"
                    + "\n[" + SYSTEM_ORIGINATE_USER + "]\nsecret = " + SYSTEM_ORIGINATE_SECRET
                    + "\ndeny = 0.0.0.0/0.0.0.0\npermit = 127.0.0.1/255.255.255.255\nread = system\nwrite = system,originate\n",
                    StandardOpenOption.APPEND);
            Files.writeString(conf.resolve("extensions.conf"), eventContext(), StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void addConfigEndpoint(Path conf) {
        try {
            Files.writeString(conf.resolve("pjsip.conf"), """

                    ; an endpoint of pjsip.conf: ARI may read it, never change it
                    [201]
                    type = endpoint
                    transport = transport-udp
                    context = internal
                    disallow = all
                    allow = ulaw
                    aors = 201
                    [201]
                    type = aor
                    max_contacts = 1
                    """, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    void afterEach() {
    }

    /**
     * Real only (the fake has no registrations): on Asterisk 22 an update of an AOR turns the contacts
     * registered at that moment into permanent ones, which never expire. hotdesk must therefore not
     * re-push a desk's AOR on every login.
     */
    @org.junit.jupiter.api.Test
    void pushing_a_registered_desk_again_leaves_one_dynamic_contact() throws Exception {
        hotdesk.core.model.Mac mac = hotdesk.core.model.Mac.parse("00:15:65:fe:ed:03");
        hotdesk.core.model.DeskLine line = new hotdesk.core.model.DeskLine(mac.endpointId(), mac, 1, "Contract-Desk-Secret-3333");
        hotdesk.core.model.Device device = new hotdesk.core.model.Device(mac, "yealink", "T54W", "Contract desk 3", "", "", true);
        hotdesk.core.policy.Projections projections = new hotdesk.core.policy.Projections(hotdesk.core.policy.PjsipProfile.defaults());
        hotdesk.ari.AriPbx pbx = new hotdesk.ari.AriPbx(ari());
        pbx.push(projections.desk(line, device, Optional.empty()));
        try (AutoCloseable phone = registerPhone(line.endpointId(), line.secret())) {
            pbx.push(projections.desk(line, device, Optional.empty()));
            pbx.push(projections.desk(line, device, Optional.empty()));

            assertThat(asterisk.rx("pjsip show aor " + line.endpointId()).lines()
                    .filter(l -> l.trim().startsWith("Contact:") && l.contains(line.endpointId() + "/sip:")).count())
                    .isEqualTo(1);
        } finally {
            pbx.remove(hotdesk.core.policy.Projections.typesForRemoval(),
                    hotdesk.core.policy.Projections.idsForRemoval(line.endpointId()));
        }
    }

    /**
     * Real only, the reason hotdesk's test calls have an AMI user of their own: Asterisk lets a user that
     * may write both system and originate originate into System(), i.e. run a program as Asterisk (the
     * contract shows that one without system may not).
     */
    @org.junit.jupiter.api.Test
    void a_user_that_may_write_system_and_originate_makes_asterisk_run_a_program() throws Exception {
        Path proof = Files.createTempDirectory("contract-originate").resolve("ran-by-originate");
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Channel", "Local/s@" + EVENT_CONTEXT);
        h.put("Application", "System");
        h.put("Data", "touch " + proof);
        h.put("Timeout", "10000");
        try (hotdesk.testing.AmiWire ami = loggedIn(SYSTEM_ORIGINATE_USER, SYSTEM_ORIGINATE_SECRET, "system")) {
            assertThat(ami.action("Originate", h).get("Response")).isEqualTo("Success");
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(proof));
    }

    @Override
    URI ariUrl() {
        return asterisk.ariUrl();
    }

    @Override
    int amiPort() {
        return asterisk.amiPort();
    }

    @Override
    void restartAsterisk() {
        asterisk.restart();
    }

    @Override
    AutoCloseable registerPhone(String endpoint, String password) {
        SipRegistrar phone = new SipRegistrar(asterisk.sipPort());
        int status = phone.register(endpoint, password, Duration.ofSeconds(120));
        if (status != 200) {
            phone.close();
            throw new IllegalStateException("REGISTER of " + endpoint + " answered " + status);
        }
        phones.put(endpoint, phone);
        return () -> {
            phones.remove(endpoint);
            phone.register(endpoint, password, Duration.ZERO);
            phone.close();
        };
    }

    @Override
    boolean phoneGotNotify(String endpoint, String event) {
        SipRegistrar phone = phones.get(endpoint);
        return phone != null && phone.notifyEvents().contains(event);
    }
}
