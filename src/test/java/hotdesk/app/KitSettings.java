package hotdesk.app;

import hotdesk.store.DatabaseSettings;
import hotdesk.testing.RealAsterisk;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Settings of a hotdesk server (and the CLI beside it) in front of a real Asterisk from the test kit. */
final class KitSettings {

    private KitSettings() {
    }

    /**
     * The contract's secrets, a ledger file in {@code dir}, FastAGI on a free port (the generated dialplan
     * calls it), provisioning on a free port, cheap hashes and a quick reconciler. Mutable and ordered.
     */
    static Map<String, String> of(Path dir, String node) throws IOException {
        int agiPort = RealAsterisk.freeTcpPort();
        Map<String, String> s = new LinkedHashMap<>(RealAsteriskContractTest.settings());
        s.put("db.url", DatabaseSettings.h2(dir.resolve("ledger")).url());
        s.put("agi.port", Integer.toString(agiPort));
        s.put("asterisk.agi-url", "agi://127.0.0.1:" + agiPort);
        s.put("provisioning.port", "0");
        s.put("security.pin-iterations", "1000");
        s.put("security.otp-iterations", "1000");
        s.put("reconcile.interval", "200ms");
        s.put("node.name", node);
        return s;
    }

    /**
     * Starts the kit's Asterisk in {@code dir} with the files {@code hotdesk asterisk-conf} generates from
     * {@code settings} (and {@code adjust} for the test's own additions), then points the settings at it.
     */
    static RealAsterisk startAsterisk(Path dir, Map<String, String> settings, Consumer<Path> adjust) {
        RealAsterisk asterisk = RealAsterisk.start(dir, conf -> CliRun.ok(settings, "asterisk-conf", "--out",
                conf.toString()), adjust);
        settings.put("ari.url", asterisk.ariUrl().toString());
        settings.put("ami.port", Integer.toString(asterisk.amiPort()));
        settings.put("provisioning.sip-server", "127.0.0.1");
        settings.put("provisioning.sip-port", Integer.toString(asterisk.sipPort()));
        return asterisk;
    }
}
