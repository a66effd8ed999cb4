package hotdesk.app;

import hotdesk.core.policy.SecretHasher;
import hotdesk.core.usecase.ManageDevices;
import hotdesk.core.usecase.ManageUsers;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import hotdesk.testing.FakeAmi;
import hotdesk.testing.FakeAri;
import hotdesk.testing.ScriptedAsterisk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Load driver for the whole loop, run by {@code scripts/bench} (results in BENCHMARKS.md). It starts
 * a real {@link Server} on an H2 file with the default settings that matter (reconcile interval 1 s,
 * PBKDF2 iterations), in front of the fake Asterisk peers of the tests, and measures:
 * <ol>
 *   <li>CLI → Asterisk: from the start of an admin command ({@code device add}, {@code logout}) run on
 *       the same ledger to the moment the ARI peer holds the changed object;</li>
 *   <li>PIN logins through FastAGI, several callers at once: logins per second and per-call latency;</li>
 *   <li>an Asterisk restart with many desks: time until every desk and user object is back;</li>
 *   <li>heap in use after a full GC with every desk seated.</li>
 * </ol>
 * The fakes run in the same JVM and share the two cores, so the numbers are a floor for hotdesk's
 * own cost plus the fakes', not Asterisk's. Arguments: {@code desks callers cliRounds}.
 */
public final class LoopBench {

    private static final SecureRandom RANDOM = new SecureRandom();

    public static void main(String[] args) throws Exception {
        int desks = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int callers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int cliRounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Path dir = Files.createTempDirectory("hotdesk-bench");
        System.out.printf("hotdesk loop bench: %d desks and users, %d concurrent callers, %d CLI rounds; Java %s, %d cpus%n",
                desks, callers, cliRounds, Runtime.version(), Runtime.getRuntime().availableProcessors());

        try (FakeAri ari = new FakeAri("hotdesk", "ari-bench"); FakeAmi ami = new FakeAmi("hotdesk", "ami-bench").start()) {
            DatabaseSettings ledger = DatabaseSettings.h2(dir.resolve("ledger"));
            Map<String, String> settings = PeerSettings.of(dir.resolve("ledger"), ari, "ari-bench", ami, "ami-bench");
            settings.put("node.name", "bench");
            Config config = Config.load(null, Map.of(), settings);

            long setup = System.nanoTime();
            populate(ledger, config, desks);
            System.out.printf("setup: %d users (PBKDF2 %d iterations) and %d desks written in %.1f s%n", desks,
                    config.integer("security.pin-iterations", 1, Integer.MAX_VALUE), desks, seconds(System.nanoTime() - setup));

            try (Server server = new Server(config)) {
                long start = System.nanoTime();
                server.start();
                await(() -> everythingPushed(ari, desks), 600);
                System.out.printf("start: every object of %d desks and %d users pushed %.2f s after start()%n", desks, desks,
                        seconds(System.nanoTime() - start));
                await(() -> server.amiConnected() && server.reconcile().idle(), 60);

                cliToAsterisk(settings, server, ari, cliRounds);
                logins(server, callers, desks);
                restart(ari, ami, server, desks);
                heap(desks);
            }
        } finally {
            deleteTree(dir);
        }
    }

    // ---- measurements

    private static void cliToAsterisk(Map<String, String> settings, Server server, FakeAri ari, int rounds) throws Exception {
        List<Double> add = new ArrayList<>();
        List<Double> logout = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            String mac = String.format("0015650f%04x", i);
            long t0 = System.nanoTime();
            cli(settings, "device", "add", mac, "--model", "T54W", "--label", "Bench " + i);
            await(() -> ari.object("endpoint", "hd-" + mac).isPresent(), 30);
            add.add(millis(System.nanoTime() - t0));

            String desk = "hd-" + mac;
            String ext = extension(i);
            var login = ScriptedAsterisk.call("hotdesk-login").fromEndpoint(desk).args(ext).enters(pin(i)).run(server.agiPort());
            if (!"OK".equals(login.variable("HOTDESK_RESULT"))) {
                throw new IllegalStateException("login failed: " + login);
            }
            t0 = System.nanoTime();
            cli(settings, "logout", "--user", ext);
            await(() -> ari.object("endpoint", ext).map(e -> ext.equals(e.get("aors"))).orElse(false), 30);
            logout.add(millis(System.nanoTime() - t0));
        }
        System.out.println("CLI → Asterisk (command start until the ARI peer holds the change; reconcile.interval 1s):");
        System.out.println("  device add  " + summary(add, "ms"));
        System.out.println("  logout      " + summary(logout, "ms"));
    }

    private static void logins(Server server, int callers, int desks) throws Exception {
        int calls = Math.min(desks, 400);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        AtomicInteger pending = new AtomicInteger();
        try {
            List<Future<Double>> done = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                int n = i;
                done.add(pool.submit(() -> {
                    long c0 = System.nanoTime();
                    var t = ScriptedAsterisk.call("hotdesk-login").fromEndpoint(desk(n)).args(extension(n)).enters(pin(n))
                            .run(server.agiPort());
                    String result = t.variable("HOTDESK_RESULT");
                    if (!result.startsWith("OK")) {
                        throw new IllegalStateException("login " + n + " answered " + result);
                    }
                    if (result.equals("OK_PENDING")) {
                        pending.incrementAndGet();
                    }
                    return millis(System.nanoTime() - c0);
                }));
            }
            List<Double> latency = new ArrayList<>();
            for (Future<Double> f : done) {
                latency.add(f.get());
            }
            double total = seconds(System.nanoTime() - t0);
            System.out.printf("PIN logins via FastAGI: %d calls by %d callers in %.2f s = %.0f logins/s%n", calls, callers, total,
                    calls / total);
            System.out.println("  per call   " + summary(latency, "ms") + "; answered OK_PENDING (not applied within agi.apply-wait): "
                    + pending.get());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void restart(FakeAri ari, FakeAmi ami, Server server, int desks) {
        await(() -> server.reconcile().idle(), 60);
        long t0 = System.nanoTime();
        ari.restart();
        ami.restart();
        await(() -> everythingPushed(ari, desks), 600);
        System.out.printf("Asterisk restart: all %d desks and %d users back %.2f s after it (300 ms of refused AMI connects included)%n",
                desks, desks, seconds(System.nanoTime() - t0));
    }

    private static void heap(int desks) {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        System.out.printf("heap in use after GC, server + fakes + %d desks: %.1f MiB (max %.0f MiB)%n", desks,
                (rt.totalMemory() - rt.freeMemory()) / 1048576.0, rt.maxMemory() / 1048576.0);
    }

    // ---- set-up

    private static void populate(DatabaseSettings ledger, Config config, int desks) {
        try (Database db = Database.open(ledger)) {
            SecretHasher hasher = new SecretHasher(config.integer("security.pin-iterations", 1, Integer.MAX_VALUE), RANDOM);
            ManageUsers users = new ManageUsers(db.ledger(), hasher, RANDOM, "internal", Clock.systemUTC());
            ManageDevices devices = new ManageDevices(db.ledger(), RANDOM, Set.of("yealink"), Clock.systemUTC());
            for (int i = 0; i < desks; i++) {
                expectDone(users.add(new ManageUsers.NewUser(extension(i), "Bench User " + i, pin(i), null, null, null, true), "bench"));
                expectDone(devices.add(new ManageDevices.NewDevice(mac(i), "yealink", "T54W", "Desk " + i, null, null, 1), "bench"));
            }
        }
    }

    private static void expectDone(Object result) {
        if (!(result instanceof ManageUsers.Done) && !(result instanceof ManageDevices.Done)) {
            throw new IllegalStateException("set-up refused: " + result);
        }
    }

    private static boolean everythingPushed(FakeAri ari, int desks) {
        for (int i = desks - 1; i >= 0; i--) {
            if (ari.object("endpoint", desk(i)).isEmpty() || ari.object("endpoint", extension(i)).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static String cli(Map<String, String> settings, String... command) {
        return CliRun.ok(settings, command);
    }

    static String extension(int i) {
        return Integer.toString(20000 + i);
    }

    /** A PIN the PIN rules accept: not the extension, not a run or a repeat. */
    static String pin(int i) {
        return String.format("%06d", 135792 + 7 * i);
    }

    static String mac(int i) {
        return String.format("001565%06x", 0xa00000 + i);
    }

    static String desk(int i) {
        return "hd-" + mac(i);
    }

    // ---- small tools

    private static void await(BooleanSupplier condition, int maxSeconds) {
        long until = System.nanoTime() + maxSeconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("not reached within " + maxSeconds + " s");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static String summary(List<Double> values, String unit) {
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        return String.format(Locale.ROOT, "n=%d  p50 %.0f %s  p95 %.0f %s  max %.0f %s", v.size(), pct(v, 50), unit,
                pct(v, 95), unit, v.get(v.size() - 1), unit);
    }

    private static double pct(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static void deleteTree(Path dir) throws Exception {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
