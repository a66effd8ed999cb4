package hotdesk.app;

import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Device;
import hotdesk.core.model.Mac;
import hotdesk.core.port.Ledger;
import hotdesk.core.usecase.FetchJournal;
import hotdesk.core.usecase.ProvisionDesk;
import hotdesk.provisioning.ProvisioningServer;
import hotdesk.provisioning.ProvisioningSettings;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The provisioning side of {@code hotdesk serve} for the fetch-storm benchmark, run by
 * {@code scripts/bench-fetch} (results in BENCHMARKS.md): a real H2 file ledger with {@code desks}
 * Yealink desks (one line each), the {@link ProvisioningServer} with the default settings except the
 * per-desk and per-address fetch limits (raised so the load generator is never answered 429), and
 * the {@link FetchJournal} with its background writer, as serve wires them. AGI, AMI, ARI and the
 * reconciler are not started: they take no part in a fetch.
 *
 * <p>Before it reports ready it fetches every desk's file once through HTTP and writes the bytes
 * under {@code <dir>/www/provision/}, so nginx can serve exactly the same files, and writes
 * {@code <dir>/desks.lua} (paths and matching User-Agents for wrk). Prints {@code READY <port>} and
 * runs until its standard input closes. Arguments: {@code dir desks port}.
 */
public final class FetchBench {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int desks = Integer.parseInt(args[1]);
        int port = Integer.parseInt(args[2]);
        Files.createDirectories(dir.resolve("www/provision"));
        Database database = Database.open(DatabaseSettings.h2(dir.resolve("ledger").resolve("hotdesk"))); // a directory of its own (H2Embedded)
        Ledger ledger = database.ledger();
        List<Mac> macs = addDesks(ledger, desks);

        FetchJournal journal = new FetchJournal(ledger);
        JournalWriter writer = new JournalWriter(journal, Server.JOURNAL_FLUSH, java.time.Clock.systemUTC());
        ProvisioningSettings s = new ProvisioningSettings("127.0.0.1", port, List.of("127.0.0.0/8"), true, Optional.empty(),
                "pbx.example.org", 5060, Duration.ofSeconds(500), "pool.ntp.org", "UTC", "*71", 20, Duration.ofSeconds(10),
                100_000_000, 100_000_000);
        ProvisioningServer server = new ProvisioningServer(s, new ProvisionDesk(ledger, Clock.systemUTC(), journal));
        server.start();

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        StringBuilder lua = new StringBuilder("desks = {\n");
        for (Mac mac : macs) {
            String path = "/provision/" + mac.value() + ".cfg";
            String ua = "Yealink SIP-T54W 96.86.0.100 " + mac.display();
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                    .header("User-Agent", ua).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + r.statusCode());
            }
            Files.write(dir.resolve("www" + path), r.body());
            lua.append("  {\"").append(path).append("\", \"").append(ua).append("\"},\n");
        }
        lua.append("}\n");
        Files.writeString(dir.resolve("desks.lua"), lua.toString(), StandardCharsets.UTF_8);
        System.out.println("READY " + server.port());
        System.out.flush();

        // until the script closes our standard input
        while (System.in.read() >= 0) {
            // ignore input
        }
        server.close();
        writer.close();
        database.close();
    }

    /** {@code count} enabled Yealink desks with one line each, 1,000 per transaction. */
    private static List<Mac> addDesks(Ledger ledger, int count) throws IOException {
        SecureRandom random = new SecureRandom();
        List<Mac> macs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            macs.add(Mac.parse(String.format("001565%06x", i + 1)));
        }
        for (int from = 0; from < count; from += 1000) {
            List<Mac> batch = macs.subList(from, Math.min(count, from + 1000));
            ledger.transact(tx -> {
                for (Mac m : batch) {
                    if (tx.device(m).isEmpty()) {
                        byte[] secret = new byte[12];
                        random.nextBytes(secret);
                        tx.insertDevice(new Device(m, "yealink", "T54W", "Desk " + m.value().substring(6), "HQ", "", true),
                                List.of(new DeskLine(DeskLine.endpointIdFor(m, 1), m, 1, HexFormat.of().formatHex(secret))));
                    }
                }
                return null;
            });
        }
        return macs;
    }
}
