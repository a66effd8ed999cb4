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
        asterisk = RealAsterisk.start(dir, conf -> CliRun.ok(settings(), "asterisk-conf", "--out", conf.toString()),
                RealAsteriskContractTest::addConfigEndpoint);
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
        return s;
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
