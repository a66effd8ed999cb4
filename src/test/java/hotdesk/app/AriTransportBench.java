package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.testing.RealAsterisk;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one ARI PUT costs the client, by transport, against the real Asterisk kit (memory wizard): hotdesk's
 * {@link AriClient} as it is, or the JDK's {@code java.net.http.HttpClient} it used before (the same request: method,
 * path, headers, JSON body). One transport per JVM, so that neither's compilation counts against the other:
 * {@code scripts/bench-ari-transport} alternates them. Prints the wall time, the rate and this JVM's CPU per PUT over
 * the measured PUTs (after a warm-up of 3,000).
 *
 * <p>Usage: {@code AriTransportBench hotdesk|jdk [puts] [connections]}
 */
public final class AriTransportBench {

    private AriTransportBench() {
    }

    private interface Put {
        void put(String type, String id, Map<String, String> fields) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "hotdesk";
        int puts = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        Path dir = Files.createTempDirectory("hotdesk-ari-transport");
        Map<String, String> settings = new LinkedHashMap<>(RealAsteriskContractTest.settings());
        settings.put("asterisk.pjsip-wizard", "memory");
        settings.put("db.path", dir.resolve("ledger").toString()); // asterisk-conf opens a ledger: a throwaway one
        try (RealAsterisk asterisk = RealAsterisk.start(dir, conf -> CliRun.ok(settings, "asterisk-conf", "--out", conf.toString()))) {
            AriSettings ari = new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER, AsteriskContract.ARI_PASSWORD,
                    Duration.ofSeconds(10));
            run(client(mode, ari), 3_000, connections, "warm-");
            asterisk.restart(); // empty again; a new client, as the restart closed the kept connections
            Put put = client(mode, ari);
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu = os.getProcessCpuTime();
            long t = System.nanoTime();
            run(put, puts, connections, "aor-");
            double wall = (System.nanoTime() - t) / 1e9;
            double cpuSeconds = (os.getProcessCpuTime() - cpu) / 1e9;
            System.out.printf("%-7s %,d aor PUTs on %d connection(s): %.2f s = %,.0f PUTs/s; this JVM's CPU %.2f s = %.0f us per PUT%n",
                    mode, puts, connections, wall, puts / wall, cpuSeconds, cpuSeconds * 1e6 / puts);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Put client(String mode, AriSettings ari) {
        return switch (mode) {
            case "hotdesk" -> new AriClient(ari)::write;
            case "jdk" -> jdk(ari);
            default -> throw new IllegalArgumentException("mode: hotdesk or jdk, got " + mode);
        };
    }

    private static void run(Put put, int count, int connections, String prefix) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread th = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    try {
                        put.put("aor", prefix + i, Map.of("max_contacts", "1", "remove_existing", "yes"));
                    } catch (Exception e) {
                        if (failed.incrementAndGet() == 1) {
                            System.out.println("first failure: " + e);
                        }
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " of " + count + " PUTs failed");
        }
    }

    /**
     * The JDK's asynchronous client, as AriClient used it before: HTTP/1.1, no redirects, a timeout per request, a request
     * on a connection closed unanswered sent once more.
     */
    private static Put jdk(AriSettings ari) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(ari.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String auth = "Basic " + Base64.getEncoder().encodeToString((ari.user() + ":" + ari.password()).getBytes(StandardCharsets.UTF_8));
        return (type, id, fields) -> {
            StringBuilder body = new StringBuilder("{\"fields\":[");
            fields.forEach((k, v) -> body.append(body.length() > 11 ? "," : "").append("{\"attribute\":\"").append(k)
                    .append("\",\"value\":\"").append(v).append("\"}"));
            body.append("]}");
            HttpRequest request = HttpRequest.newBuilder(URI.create(ari.baseUrl() + "/asterisk/config/dynamic/res_pjsip/" + type + "/" + id))
                    .timeout(ari.timeout()).header("Authorization", auth).header("Accept", "application/json")
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            int status;
            try {
                status = http.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
            } catch (java.io.IOException closed) {
                // as AriClient did: a kept-alive connection Asterisk closed as the request went out, sent once more
                status = http.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
            }
            if (status != 200) {
                throw new IllegalStateException("ARI PUT " + type + "/" + id + " answered " + status);
            }
        };
    }
}
