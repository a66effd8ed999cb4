package hotdesk.app;

import hotdesk.testing.FakeAmi;
import hotdesk.testing.FakeAri;
import org.junit.jupiter.api.BeforeEach;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.awaitility.Awaitility.await;

/**
 * {@link AsteriskContract} against the fake peers every other test uses: they must answer what the
 * real Asterisk answers ({@link RealAsteriskContractTest}).
 */
class FakeAsteriskContractTest extends AsteriskContract {

    private final FakeAri ari = new FakeAri(ARI_USER, ARI_PASSWORD);
    private final FakeAmi ami = new FakeAmi(AMI_USER, AMI_SECRET);
    /** The fake's "phones": endpoints a test registered. */
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void startPeers() {
        ari.configObject("endpoint", CONFIG_ENDPOINT, Map.of("context", "internal", "aors", CONFIG_ENDPOINT));
        ari.configObject("aor", CONFIG_ENDPOINT, Map.of("max_contacts", "1"));
        // PJSIPNotify knows the endpoints sorcery has, as on Asterisk
        ami.knownEndpoints(id -> ari.object("endpoint", id).isPresent());
        ami.loginFailureDelay(Duration.ofMillis(50));
        // the kit has no such module either
        ami.unloadModules("app_no_such_module");
        ami.start();
    }

    @Override
    void afterEach() {
        ami.close();
        ari.close();
    }

    @Override
    URI ariUrl() {
        return ari.baseUrl();
    }

    @Override
    int amiPort() {
        return ami.port();
    }

    @Override
    void restartAsterisk() {
        ari.restart();
        ami.restart();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", ami.port())) {
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    @Override
    AutoCloseable registerPhone(String endpoint, String password) {
        registered.add(endpoint);
        return () -> registered.remove(endpoint);
    }

    @Override
    boolean phoneGotNotify(String endpoint, String event) {
        return registered.contains(endpoint)
                && ami.notifies().stream().anyMatch(n -> n.endpoint().equals(endpoint) && n.event().equals(event));
    }
}
