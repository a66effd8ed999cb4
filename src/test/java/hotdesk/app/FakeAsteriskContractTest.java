package hotdesk.app;

import hotdesk.testing.FakeAmi;
import hotdesk.testing.FakeAri;
import org.junit.jupiter.api.BeforeEach;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        // the users of the generated manager_hotdesk.conf, and one that may read system events only
        ami.user(AMI_USER, AMI_SECRET, "system,user,call", "system,reporting");
        ami.user(AMI_TEST_USER, AMI_TEST_SECRET, "user", "originate,reporting");
        ami.user(SYSTEM_ONLY_USER, SYSTEM_ONLY_SECRET, "system", "system,reporting");
        ami.global(GLOBAL, GLOBAL_VALUE);
        ami.contexts(EVENT_CONTEXT);
        ami.onOriginate(this::eventContext);
        ami.start();
    }

    private final AtomicInteger channels = new AtomicInteger();

    /** What the real peer's {@link #EVENT_CONTEXT} does, in the fake's terms. */
    private boolean eventContext(FakeAmi.Originate o) {
        Matcher m = Pattern.compile("Local/([^@]+)@(.+)").matcher(o.channel());
        if (!m.matches() || !m.group(2).equals(EVENT_CONTEXT)) {
            return false; // Asterisk: "Originate failed"
        }
        String exten = m.group(1);
        String id = o.channelId().isEmpty() ? "1796150733." + channels.incrementAndGet() : o.channelId();
        String channel = "Local/" + exten + "@" + EVENT_CONTEXT + "-" + String.format("%08x", channels.getAndIncrement()) + ";2";
        Map<String, String> snapshot = FakeAmi.channelSnapshot(channel, EVENT_CONTEXT, exten, id + ";2", id, "<unknown>",
                "<unknown>");
        if (exten.equals("s")) {
            ami.userEvent(snapshot, "ContractEvent", Map.of("Token", o.variables().getOrDefault("CONTRACT_TOKEN", "")));
            return true;
        }
        if (exten.equals("emergency")) {
            Map<String, String> body = new LinkedHashMap<>(CONTRACT_EMERGENCY);
            body.put("Channel", channel);
            body.put("Test", o.variables().getOrDefault("CONTRACT_TEST", ""));
            ami.userEvent(snapshot, "HotdeskEmergency", body);
            return true;
        }
        return false;
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
        String uri = "sip:" + endpoint + "@127.0.0.1:5099";
        ami.register(endpoint, uri, "fake-phone", "127.0.0.1", 5099);
        return () -> {
            registered.remove(endpoint);
            ami.unregister(endpoint, uri);
        };
    }

    @Override
    boolean phoneGotNotify(String endpoint, String event) {
        return registered.contains(endpoint)
                && ami.notifies().stream().anyMatch(n -> n.endpoint().equals(endpoint) && n.event().equals(event));
    }
}
