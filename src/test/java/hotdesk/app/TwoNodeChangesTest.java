package hotdesk.app;

import hotdesk.store.PostgresSchema;
import hotdesk.testing.FakeAmi;
import hotdesk.testing.FakeAri;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * Two nodes on one PostgreSQL ledger, each with its own (fake) Asterisk, both polling only every 10 minutes:
 * a change made through the CLI reaches both Asterisks because the commit's notification wakes both
 * reconcilers (LISTEN/NOTIFY), not because of a poll.
 */
class TwoNodeChangesTest {

    private static final String MAC = "00:15:65:12:34:ab";
    private static final String DESK = "hd-0015651234ab";
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Map<String, String> node(PostgresSchema schema, String name) {
        FakeAri ari = new FakeAri("hotdesk", "ari-test-password");
        FakeAmi ami = new FakeAmi("hotdesk", "ami-test-secret").start();
        open.add(ari);
        open.add(ami);
        Map<String, String> s = PeerSettings.of(dir.resolve(name), ari, "ari-test-password", ami, "ami-test-secret");
        s.put("db.url", schema.url(""));
        s.put("db.user", PostgresSchema.USER);
        s.put("security.pin-iterations", "1000");
        s.put("security.otp-iterations", "1000");
        s.put("reconcile.interval", "10m");
        s.put("node.name", name);
        return s;
    }

    private static String callerid(FakeAri ari) {
        return ari.object("endpoint", DESK).map(e -> e.get("callerid")).orElse("");
    }

    @Test
    void a_cli_change_reaches_both_nodes_asterisks_through_the_ledgers_notification_not_the_poll() throws Exception {
        PostgresSchema schema = PostgresSchema.create();
        open.add(schema);
        FakeAri[] aris = new FakeAri[2];
        Map<String, String> a = node(schema, "node-a");
        aris[0] = (FakeAri) open.get(open.size() - 2);
        Map<String, String> b = node(schema, "node-b");
        aris[1] = (FakeAri) open.get(open.size() - 2);
        CliRun.ok(a, "device", "add", MAC, "--model", "T54W", "--label", "Desk North");
        for (Map<String, String> s : List.of(a, b)) {
            Server server = new Server(Config.load(null, Map.of(), s));
            server.start();
            open.add(server::close);
        }
        for (FakeAri ari : aris) {
            await().atMost(PATIENCE).until(() -> callerid(ari).contains("Desk North"));
        }

        CliRun.ok(b, "device", "set", MAC, "--label", "Desk South");

        for (FakeAri ari : aris) {
            await().atMost(PATIENCE).until(() -> callerid(ari).contains("Desk South"));
        }
    }
}
