package hotdesk.app;

import hotdesk.store.DatabaseSettings;
import hotdesk.testing.FakeAmi;
import hotdesk.testing.FakeAri;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Settings of a server (and the CLI beside it) on an H2 file in front of the fake Asterisk peers. */
final class PeerSettings {

    private PeerSettings() {
    }

    /**
     * The ledger file, ARI and AMI of the peers, and FastAGI and provisioning on free ports. The map is
     * mutable and ordered, for a test to add its own settings.
     */
    static Map<String, String> of(Path ledgerFile, FakeAri ari, String ariPassword, FakeAmi ami, String amiSecret) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("db.url", DatabaseSettings.h2(ledgerFile).url());
        settings.put("ari.url", ari.baseUrl().toString());
        settings.put("ari.password", ariPassword);
        settings.put("ami.port", Integer.toString(ami.port()));
        settings.put("ami.secret", amiSecret);
        settings.put("agi.port", "0");
        settings.put("provisioning.port", "0");
        return settings;
    }
}
