package hotdesk.app;

import hotdesk.core.model.Target;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Issue 11's CLI target: {@code status}, {@code status --json}, {@code device list} and {@code user list} on N desks
 * and N users (all seated, all applied by the node) as processes started the way a user starts them
 * ({@code scripts/hotdesk}, or the command given in {@code HOTDESK_BENCH_RUN}), with {@code serve} down (the CLI
 * opens the file itself) and up (the CLI is a client of serve's H2 auto-server). Prints each run's wall time and
 * a digest of each command's output, and keeps the outputs in {@code <dir>/out-<mode>-<command>.txt} so that two
 * builds can be compared byte for byte. Not a test: {@code scripts/bench-cli [desks] [runs] [dir] [modes]}; a directory
 * that already holds a ledger is reused (set-up of 10,000 desks takes minutes on a loaded machine). A fourth argument
 * {@code down}, {@code up} or {@code down,up} (the default) picks the modes. {@code serve} runs beside no Asterisk: each
 * reconcile pass stops at its first push (Asterisk gives no answer), so {@code status} shows a few desks FAILED and the
 * rest not yet applied (until session 28 every desk and user was FAILED: outputs of earlier builds differ there).
 */
public final class CliBench {

    private static final List<List<String>> COMMANDS = List.of(List.of("--version"), List.of("status"),
            List.of("status", "--json"), List.of("device", "list"), List.of("user", "list"));

    /** GNU time, for each command's CPU time; empty where it is not installed (then only wall times). */
    private static final String TIME = Files.isExecutable(Path.of("/usr/bin/time")) ? "/usr/bin/time" : "";

    private CliBench() {
    }

    public static void main(String[] args) throws Exception {
        int desks = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = args.length > 2 ? Path.of(args[2]).toAbsolutePath() : Files.createTempDirectory("hotdesk-cli-bench");
        Files.createDirectories(dir);
        Path props = dir.resolve("hotdesk.properties");
        String node = "bench";
        if (!Files.exists(props)) {
            setUp(dir, props, desks, node);
        }
        List<String> run = runCommand();
        System.out.printf("cli bench: %d desks and users seated, ledger %s, command %s, load average %s%n", desks, dir,
                String.join(" ", run), load());
        String modes = args.length > 3 ? args[3] : "down,up";
        if (modes.contains("down")) {
            measure("serve down", dir, props, run, runs);
        }
        if (!modes.contains("up")) {
            System.out.printf("load average at the end: %s%n", load());
            return;
        }
        int metrics = freePort();
        List<String> serve = new ArrayList<>(run);
        // the port in the file both serve and the commands read: a command answered over serve's admin socket must have
        // serve's settings (a --set for serve alone would make every command run on its own)
        List<String> lines = new ArrayList<>(Files.readAllLines(props));
        lines.removeIf(l -> l.startsWith("metrics.port="));
        lines.add("metrics.port=" + metrics);
        Files.write(props, lines);
        serve.addAll(List.of("--config", props.toString(), "serve"));
        Process server = new ProcessBuilder(serve).redirectErrorStream(true).redirectOutput(dir.resolve("serve.log").toFile()).start();
        try {
            waitForHealth(metrics, server, dir);
            measure("serve up", dir, props, run, runs);
        } finally {
            server.destroy();
            server.waitFor();
        }
        System.out.printf("load average at the end: %s%n", load());
    }

    private static void setUp(Path dir, Path props, int desks, String node) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("db.path", dir.resolve("ledger").toString());
        settings.put("security.pin-iterations", "1000");
        settings.put("node.name", node);
        // serve runs beside no Asterisk: its pushes fail and are retried rarely, the ledger stays as set up here
        settings.put("ami.port", Integer.toString(freePort()));
        settings.put("ari.url", "http://127.0.0.1:" + freePort() + "/ari");
        settings.put("agi.port", Integer.toString(freePort()));
        settings.put("provisioning.port", "0");
        settings.put("reconcile.interval", "600s");
        long t = System.nanoTime();
        Path users = dir.resolve("users.csv");
        Path devices = dir.resolve("devices.csv");
        List<String> u = new ArrayList<>(List.of("extension,name,pin"));
        List<String> d = new ArrayList<>(List.of("mac,vendor,model,label"));
        for (int i = 0; i < desks; i++) {
            u.add(ScaleBench.extension(i) + ",Scale User " + i + "," + ScaleBench.pin(i));
            d.add(ScaleBench.mac(i) + ",yealink,T54W,Desk " + i);
        }
        Files.write(users, u);
        Files.write(devices, d);
        CliRun.ok(settings, "user", "import", users.toString());
        CliRun.ok(settings, "device", "import", devices.toString());
        DatabaseSettings db = DatabaseSettings.embedded(dir.resolve("ledger"));
        ScaleBench.seatEveryone(db, desks);
        // what a node that pushed everything has recorded: every desk and user applied at its revision
        try (Database open = Database.open(db)) {
            open.ledger().transact(tx -> {
                for (Map.Entry<Target, Long> r : tx.revisions().entrySet()) {
                    tx.markApplied(node, r.getKey(), r.getValue(), Clock.systemUTC().instant());
                }
                return null;
            });
        }
        Properties p = new Properties();
        p.putAll(settings);
        try (var w = Files.newBufferedWriter(props)) {
            p.store(w, "cli bench");
        }
        System.out.printf("set up %d users and %d desks, all seated and applied, in %.1f s%n", desks, desks, secondsSince(t));
    }

    /** {@code HOTDESK_BENCH_RUN} split on blanks, else {@code scripts/hotdesk}. */
    private static List<String> runCommand() {
        String run = System.getenv("HOTDESK_BENCH_RUN");
        if (run == null || run.isBlank()) {
            return List.of(Path.of("scripts/hotdesk").toAbsolutePath().toString());
        }
        return List.of(run.strip().split("\\s+"));
    }

    private static void measure(String mode, Path dir, Path props, List<String> run, int runs) throws Exception {
        for (List<String> c : COMMANDS) {
            List<Double> times = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            String digest = "";
            Path cpuFile = dir.resolve("cpu.txt");
            for (int i = 0; i < runs; i++) {
                // CPU time (user + system) of the command and its children, less bent by other load than wall time
                List<String> cmd = new ArrayList<>(TIME.isEmpty() ? List.of() : List.of(TIME, "-f", "%U %S", "-o", cpuFile.toString()));
                cmd.addAll(run);
                cmd.addAll(List.of("--config", props.toString()));
                cmd.addAll(c);
                Path out = dir.resolve("out-" + mode.replace(' ', '-') + "-" + String.join("-", c).replace("--", "") + ".txt");
                long t = System.nanoTime();
                Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                int code = p.waitFor();
                times.add(Math.round(secondsSince(t) * 100) / 100.0);
                if (code != 0) {
                    throw new IllegalStateException(String.join(" ", c) + " exited " + code);
                }
                if (!TIME.isEmpty()) {
                    String[] f = Files.readString(cpuFile).strip().split("\\s+");
                    cpu.add(Math.round((Double.parseDouble(f[0]) + Double.parseDouble(f[1])) * 100) / 100.0);
                }
                digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(out)))
                        .substring(0, 12);
            }
            System.out.printf("%-10s %-14s wall %s s, cpu %s s  (output sha256 %s)%n", mode, String.join(" ", c), times, cpu,
                    digest);
        }
    }

    private static void waitForHealth(int port, Process server, Path dir) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("serve exited " + server.exitValue() + ": see " + dir.resolve("serve.log"));
            }
            try {
                var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
                // any answer: the listener is up, so serve holds the ledger (beside no Asterisk /health says 503)
                if (r.statusCode() > 0) {
                    Thread.sleep(5000); // let its first reconcile pass settle
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("serve did not answer /health: see " + dir.resolve("serve.log"));
    }

    private static String load() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    private static int freePort() throws IOException {
        return hotdesk.testing.RealAsterisk.freeTcpPort();
    }

    private static double secondsSince(long t) {
        return (System.nanoTime() - t) / 1e9;
    }
}
