package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.policy.LoginLimits;
import hotdesk.core.policy.SeatingPolicy;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.port.PjsipObject;
import hotdesk.core.usecase.LogIn;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import hotdesk.testing.RealAsterisk;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scale driver for issue 11 against the real Asterisk kit: N desks and N users imported by CSV, every user
 * seated, then {@code serve} started as its own JVM with the options {@code scripts/hotdesk} sets by default.
 * It measures how long until /health is up, how long until every desk and user is in Asterisk, the
 * server's resident memory (VmRSS) once it is settled, {@code status} and {@code device list} as CLI
 * processes, and the re-push after an Asterisk restart against raw ARI PUTs on 1, 4 and serve's
 * {@code reconcile.push-connections} connections in the same run, with PIN logins through the FastAGI port during it
 * (their p99 from {@code hotdesk_login_duration_seconds}).
 *
 * <p>The re-push is timed from the moment {@code run-asterisk restart} begins until every object hotdesk manages
 * (auth, AOR and endpoint of every desk line and every user) reads back over ARI with every field the ledger says
 * ({@link ReadBack}); the same read-back on the steady Asterisk before the restart is timed too, since the figure
 * includes it. With the default {@code astdb} wizard Asterisk reloads the objects itself during the restart; with
 * {@code memory} hotdesk pushes them all again. serve's log gives when hotdesk saw the restart and when its full pass
 * after it ended. With {@code memory} the same objects are then PUT raw into Asterisk restarted once more with serve stopped,
 * the ceiling measured on hotdesk's own objects rather than on one-field AORs; with {@code memory} the read-back waits for
 * hotdesk's pass to end ({@code HOTDESK_BENCH_READBACK=during} polls meanwhile, as with {@code astdb}, where Asterisk itself
 * restores the objects). Not a test: run it with {@code scripts/bench-scale [desks]} ({@code HOTDESK_BENCH_PUSH_CONNECTIONS}
 * sets the connections, {@code HOTDESK_BENCH_WIZARD} the wizard, {@code HOTDESK_BENCH_CHECK_CONNECTIONS} the
 * read-back's connections, default 4, {@code HOTDESK_BENCH_SKIP_CLI} skips the CLI timings).
 */
public final class ScaleBench {

    private static final Pattern PUSHES = Pattern.compile("(?m)^hotdesk_pushes_total\\{kind=\"(desk|user)\",result=\"ok\",?\\} ([0-9.E]+)");
    /** What {@code scripts/hotdesk} sets by default; {@code HOTDESK_JAVA_OPTS} overrides it as it does there. */
    private static final String JAVA_OPTS = System.getenv().getOrDefault("HOTDESK_JAVA_OPTS", javaOpts("default_java_opts"));
    /** What {@code scripts/hotdesk} sets for the other commands (status, list). */
    private static final String CLI_JAVA_OPTS = System.getenv().getOrDefault("HOTDESK_JAVA_OPTS", javaOpts("cli_java_opts"));

    private ScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        int desks = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Path jar = Path.of(System.getProperty("hotdesk.jar", "target/hotdesk.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("build target/hotdesk.jar first (mvn -DskipTests package)");
        }
        Path dir = Files.createTempDirectory("hotdesk-scale");
        Map<String, String> settings = KitSettings.of(dir, "scale");
        int metricsPort = RealAsterisk.freeTcpPort();
        settings.put("metrics.port", Integer.toString(metricsPort));
        settings.put("reconcile.interval", "1s");
        int provisioningPort = RealAsterisk.freeTcpPort();
        settings.put("provisioning.port", Integer.toString(provisioningPort));
        // the driver's one address stands for every phone of the site
        settings.put("provisioning.max-fetches-per-address", "1000000");
        // HOTDESK_BENCH_PUSH_CONNECTIONS sets reconcile.push-connections; unset, serve's default
        String pushConnections = System.getenv("HOTDESK_BENCH_PUSH_CONNECTIONS");
        if (pushConnections != null) {
            settings.put("reconcile.push-connections", pushConnections);
        }
        int connections = Integer.parseInt(pushConnections != null ? pushConnections : Config.defaultValue("reconcile.push-connections"));
        // HOTDESK_BENCH_WIZARD sets asterisk.pjsip-wizard (astdb or memory) for Asterisk's generated files and serve alike
        String wizard = System.getenv().getOrDefault("HOTDESK_BENCH_WIZARD", Config.defaultValue("asterisk.pjsip-wizard"));
        settings.put("asterisk.pjsip-wizard", wizard);
        // HOTDESK_BENCH_CHECK_CONNECTIONS: the read-back's concurrent GETs
        int checkConnections = Integer.parseInt(System.getenv().getOrDefault("HOTDESK_BENCH_CHECK_CONNECTIONS", "4"));
        RealAsterisk asterisk = KitSettings.startAsterisk(dir.resolve("asterisk"), settings, conf -> { });
        Process server = null;
        Database ledgerForCheck = null;
        try {
            System.out.printf("scale bench: %d desks, %d users, real Asterisk kit, asterisk.pjsip-wizard=%s, serve with %s%s%n", desks,
                    desks, wizard, JAVA_OPTS, archiveOpts(jar).isEmpty() ? " (no class archive)" : " and the class archive");
            long t = System.nanoTime();
            Path users = dir.resolve("users.csv");
            Path devices = dir.resolve("devices.csv");
            List<String> u = new ArrayList<>(List.of("extension,name,pin"));
            List<String> d = new ArrayList<>(List.of("mac,vendor,model,label"));
            for (int i = 0; i < desks; i++) {
                u.add(extension(i) + ",Scale User " + i + "," + pin(i));
            }
            for (int i = 0; i < desks + SPARE; i++) {
                d.add(mac(i) + ",yealink,T54W,Desk " + i);
            }
            Files.write(users, u);
            Files.write(devices, d);
            CliRun.ok(settings, "user", "import", users.toString());
            CliRun.ok(settings, "device", "import", devices.toString());
            System.out.printf("imported %d users and %d devices in %.1f s (pin-iterations %s)%n", desks, desks,
                    secondsSince(t), settings.get("security.pin-iterations"));
            t = System.nanoTime();
            seatEveryone(DatabaseSettings.h2(dir.resolve("ledger")), desks);
            System.out.printf("seated %d users in %.1f s (in process, no Asterisk: the server pushes them)%n", desks, secondsSince(t));

            Path props = dir.resolve("hotdesk.properties");
            Properties p = new Properties();
            p.putAll(settings);
            try (var w = Files.newBufferedWriter(props)) {
                p.store(w, "scale bench");
            }
            long start = System.nanoTime();
            List<String> cmd = new ArrayList<>(List.of("java"));
            cmd.addAll(List.of(JAVA_OPTS.split(" ")));
            cmd.addAll(archiveOpts(jar));
            cmd.addAll(List.of("-jar", jar.toString(), "--config", props.toString(), "serve"));
            ProcessBuilder serve = new ProcessBuilder(cmd);
            // as scripts/hotdesk does: two malloc arenas, not one per thread
            serve.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
            server = serve.redirectErrorStream(true).redirectOutput(dir.resolve("serve.log").toFile()).start();
            HttpClient http = HttpClient.newHttpClient();
            double ready = -1;
            double allPushed = -1;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (System.nanoTime() < deadline) {
                if (ready < 0 && get(http, metricsPort, "/health").statusCode() == 200) {
                    ready = secondsSince(start);
                }
                double[] pushed = pushes(http, metricsPort);
                if (pushed[0] >= desks + SPARE && pushed[1] >= desks) {
                    allPushed = secondsSince(start);
                    break;
                }
                Thread.sleep(100);
                if (!server.isAlive()) {
                    throw new IllegalStateException("serve exited " + server.exitValue() + ": see " + dir.resolve("serve.log"));
                }
            }
            System.out.printf("serve: /health up %.2f s after start; every desk and user pushed %.1f s after start%n", ready, allPushed);
            Thread.sleep(10_000);
            System.out.printf("serve: resident memory settled (10 s after the push): %s%n", rss(server.pid()));
            fetchEveryDesk(provisioningPort, desks);
            Thread.sleep(10_000);
            System.out.printf("serve: resident memory 10 s after every desk fetched its file: %s%n", rss(server.pid()));

            for (String[] c : System.getenv("HOTDESK_BENCH_SKIP_CLI") != null ? List.<String[]>of() : List.of(new String[]{"status"}, new String[]{"status", "--json"}, new String[]{"device", "list"},
                    new String[]{"user", "list"})) {
                List<Double> runs = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    runs.add(cliProcess(jar, props, c));
                }
                System.out.printf("CLI %-14s as a process (JVM start included), 3 runs: %s s%n", String.join(" ", c), runs);
            }

            // every object hotdesk manages read back over ARI and compared with the ledger on a steady Asterisk: checks the
            // first push and gives the read-back's own time, which the re-push figure below includes
            hotdesk.core.policy.Projections projections;
            boolean registrationAcl;
            try (Services services = new Services(() -> Config.load(props, Map.of(), Map.of()))) {
                // serve's own profile and default ELIN, from the same properties file
                projections = new hotdesk.core.policy.Projections(services.pjsipProfile(), services.defaultElin());
                registrationAcl = services.config().bool("asterisk.registration-acl");
            }
            ledgerForCheck = Database.open(DatabaseSettings.h2(dir.resolve("ledger")));
            ReadBack readBack = new ReadBack(new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER,
                    AsteriskContract.ARI_PASSWORD, Duration.ofSeconds(10))), ledgerForCheck.ledger(), projections, registrationAcl);
            t = System.nanoTime();
            List<ReadBack.Item> steadyItems = readBack.all();
            System.out.printf("read the ledger's %,d objects for the read-back in %.1f s%n", steadyItems.size(), secondsSince(t));
            long s0 = System.nanoTime();
            ReadBack.Result steady = readBack.check(steadyItems, checkConnections, s0, s0 + Duration.ofMinutes(5).toNanos(), 0);
            System.out.printf("read-back on a steady Asterisk, %d connection(s): %,d objects %s in %.1f s = %.0f GETs/s (%,d objects "
                            + "needed more than one GET)%s%n", checkConnections, steadyItems.size(),
                    steady.complete() ? "all correct" : "NOT all correct", steady.seconds(), steady.gets() / steady.seconds(),
                    steady.retried(), steady.complete() ? "" : ": " + steady.wrong() + " wrong, e.g. " + steady.stillWrong());

            // raw ARI PUTs in this run, on 1, 4 and serve's number of connections: the ceilings the re-push is measured against
            AriClient ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER, AsteriskContract.ARI_PASSWORD,
                    Duration.ofSeconds(10)));
            java.util.TreeMap<Integer, Double> rawRates = new java.util.TreeMap<>();
            for (int n : new java.util.TreeSet<>(List.of(1, 4, connections))) {
                rawRates.put(n, rawPuts(ari, Math.min(3000, desks), n));
                System.out.printf("raw ARI PUT (aor objects, %d connection(s)): %.0f objects/s%n", n, rawRates.get(n));
            }
            double rawRate = rawRates.get(connections);

            // the re-push, timed from the moment the restart begins until every object hotdesk manages reads back as the
            // ledger says (with the astdb wizard Asterisk reloads them itself; with memory hotdesk pushes them all again).
            // HOTDESK_BENCH_REPUSHES=N measures N of them in turn on the same serve: the first comes from a JVM that started
            // a minute before, the later ones from one that has done a full pass or more (what a serve that has run for
            // days meets when Asterisk restarts); with memory each is followed by its raw ceiling and serve's own unmeasured
            // pass after that
            int repushes = Integer.parseInt(System.getenv().getOrDefault("HOTDESK_BENCH_REPUSHES", "1"));
            Logins logins = new Logins(Integer.parseInt(settings.get("agi.port")), desks);
            for (int round = 1; round <= repushes; round++) {
                if (repushes > 1) {
                    System.out.printf("%n== re-push %d of %d ==%n", round, repushes);
                }
                List<ReadBack.Item> items = readBack.all();
                double[] before = pushes(http, metricsPort);
                Map<Double, Double> loginsBefore = loginBuckets(http, metricsPort);
                ServeLog log = new ServeLog(dir.resolve("serve.log"));
                logins.resume();
                Thread driver = new Thread(logins, "bench-logins");
                double serveCpu0 = cpuSeconds(server.pid());
                Map<String, Double> threads0 = threadCpu(server.pid());
                long r0 = System.nanoTime();
                java.time.Instant wall0 = java.time.Instant.now();
                driver.start();
                asterisk.restart();
                double restarted = secondsSince(r0);
                // HOTDESK_BENCH_READBACK=during polls every object while hotdesk pushes (its GETs then compete with the pushes for
                // Asterisk); after (the default with the memory wizard) waits for hotdesk's pass to end, then reads every object
                boolean during = System.getenv().getOrDefault("HOTDESK_BENCH_READBACK", wizard.equals("memory") ? "after" : "during")
                        .equals("during");
                System.out.printf("Asterisk restart (stop, start, fully booted): %.1f s; reading every object back on %d connection(s) %s%n",
                        restarted, checkConnections, during ? "meanwhile" : "once hotdesk's pass has ended");
                deadline = r0 + Duration.ofMinutes(15).toNanos();
                ReadBack.Result back = during ? readBack.check(items, checkConnections, r0, deadline, 10) : null;
                double checked = secondsSince(r0);
                // hotdesk's own full pass after the restart: logins go on until it has ended too
                ServeLog.Pass pass = log.fullPass(2 * desks + SPARE, wall0, deadline);
                double serveCpu = cpuSeconds(server.pid()) - serveCpu0;
                Map<String, Double> threads1 = threadCpu(server.pid());
                double asteriskCpu = cpuSeconds(asteriskPid(dir));
                logins.stop();
                driver.join();
                if (!during) {
                    back = readBack.check(items, checkConnections, r0, deadline, 10);
                    checked = secondsSince(r0);
                }
                double[] after = pushes(http, metricsPort);
                System.out.printf("re-push after an Asterisk restart, wizard %s, %d push connection(s):%n", wizard, connections);
                System.out.printf("  restart itself %.1f s; hotdesk saw Asterisk back (AMI FullyBooted) at %s; its full pass ended at %s%s%n",
                        restarted, pass.sawRestart() < 0 ? "(not in serve.log)" : String.format("%.1f s", pass.sawRestart()),
                        pass.ended() < 0 ? "(not within the deadline)" : String.format("%.1f s", pass.ended()),
                        pass.ended() < 0 ? "" : String.format(" (%d targets applied, %d failed)", pass.applied(), pass.failed()));
                System.out.printf("  pushes counted during it (/metrics): %.0f desk, %.0f user%n", after[0] - before[0], after[1] - before[1]);
                System.out.printf("  CPU from the restart's start to the pass's end (/proc, user + system): serve %.1f s, Asterisk %.1f s "
                        + "(since its start)%n", serveCpu, asteriskCpu);
                System.out.printf("  serve's CPU by thread (/proc/PID/task, same span): %s%n", threadCpuText(threads0, threads1));
                if (!during && pass.ended() >= 0) {
                    System.out.printf("  by hotdesk's pass: %,d objects back %.1f s after the restart began = %.0f objects/s = %.2fx the raw "
                                    + "AOR rate on %d connection(s)%n", items.size(), pass.ended(), items.size() / pass.ended(),
                            items.size() / pass.ended() / rawRate, connections);
                }
                if (back.complete()) {
                    System.out.printf("  every one of %,d objects read back correct %.1f s after the restart began%s (%,d GETs, %,d objects needed "
                                    + "more than one; check ended at %.1f s)%n", items.size(), during ? back.seconds() : checked,
                            during ? String.format(" = %.0f objects/s = %.2fx the raw rate on %d connection(s)", items.size() / back.seconds(),
                                    items.size() / back.seconds() / rawRate, connections) : ", read after the pass ended",
                            back.gets(), back.retried(), checked);
                    if (during) {
                        double less = back.seconds() - steady.seconds();
                        System.out.printf("  less the read-back alone on a steady Asterisk (%.1f s): %.1f s = %.0f objects/s = %.2fx%n",
                                steady.seconds(), less, items.size() / less, items.size() / less / rawRate);
                    }
                } else {
                    System.out.printf("  NOT all objects read back correct within 15 minutes: %,d still wrong, e.g. %s%n", back.wrong(),
                            back.stillWrong());
                }
                back.firstProblems().forEach(f -> System.out.printf("  not yet right at its first GET, at %s%n", f));
                System.out.printf("logins during the restart and re-push: %s%n", logins.summary());
                System.out.printf("hotdesk_login_duration_seconds during the restart and re-push: %s%n",
                        percentiles(loginsBefore, loginBuckets(http, metricsPort)));
                System.out.printf("serve: resident memory after the re-push: %s%n", rss(server.pid()));
                // the compilers' arenas of the pass are native memory the periodic trim gives back: what stays once it has
                Thread.sleep(20_000);
                System.out.printf("serve: resident memory 20 s after the re-push: %s%n", rss(server.pid()));
                if (wizard.equals("memory") && pass.ended() >= 0) {
                    sameObjectsCeiling(asterisk, dir, ari, server, items, connections, pass, round < repushes);
                }
            }
        } finally {
            if (ledgerForCheck != null) {
                ledgerForCheck.close();
            }
            if (server != null) {
                server.destroy();
                server.waitFor();
            }
            asterisk.close();
        }
    }

    /** Desks beyond the seated ones: where the logins during the re-push move users to. */
    static final int SPARE = 50;
    private static final Pattern LOGIN_BUCKET = Pattern.compile("(?m)^hotdesk_login_duration_seconds_bucket\\{([^}]*)\\} ([0-9.E+]+)");
    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

    /** {@code n} threads PUT {@code count} AOR objects between them on one client (one connection each), then delete them. */
    private static double rawPuts(AriClient ari, int count, int n) throws InterruptedException {
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        long t = System.nanoTime();
        for (int k = 0; k < n; k++) {
            Thread th = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    ari.put("aor", "scale-raw-" + i, Map.of("max_contacts", "1"));
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
        double rate = count / secondsSince(t);
        for (int i = 0; i < count; i++) {
            ari.delete("aor", "scale-raw-" + i);
        }
        return rate;
    }

    /**
     * The ceiling for the re-push with the {@code memory} wizard, measured on the objects themselves: serve is stopped
     * (SIGSTOP, so only this client writes), Asterisk is restarted (empty again), and every object hotdesk pushed
     * ({@link ReadBack#all()}, with the fields hotdesk sends) is PUT raw on as many connections in the same phases as
     * a full pass: every AOR, then each target's auth and endpoint in turn. Timed from Asterisk fully booted to the last
     * answer, against hotdesk's own pass from seeing Asterisk back to the pass's end (serve.log). serve is continued
     * afterwards (it then re-pushes once more, unmeasured).
     */
    private static void sameObjectsCeiling(RealAsterisk asterisk, Path dir, AriClient ari, Process server, List<ReadBack.Item> items,
                                           int connections, ServeLog.Pass pass, boolean awaitServe)
            throws IOException, InterruptedException {
        ServeLog log = new ServeLog(dir.resolve("serve.log"));
        java.time.Instant stopped = java.time.Instant.now();
        signal(server, "STOP");
        try {
            long b0 = System.nanoTime();
            asterisk.restart();
            double boot = secondsSince(b0);
            List<PjsipObject> aors = new ArrayList<>();
            Map<hotdesk.core.model.Target, List<PjsipObject>> rest = new java.util.LinkedHashMap<>();
            for (ReadBack.Item i : items) {
                if (i.wanted().type() == PjsipObject.Type.AOR) {
                    aors.add(i.wanted());
                } else {
                    rest.computeIfAbsent(i.target(), k -> new ArrayList<>()).add(i.wanted());
                }
            }
            List<List<PjsipObject>> groups = new ArrayList<>(rest.values());
            java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.ConcurrentLinkedQueue<String> errors = new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.function.Consumer<PjsipObject> put = o -> {
                try {
                    ari.write(o.type().wire(), o.id(), o.fields());
                } catch (RuntimeException e) {
                    if (failed.incrementAndGet() <= 3) {
                        errors.add(o.type().wire() + " " + o.id() + ": " + e.getMessage());
                    }
                }
            };
            double ownCpu0 = cpuSeconds(ProcessHandle.current().pid());
            long t = System.nanoTime();
            onThreads(connections, aors.size(), i -> put.accept(aors.get(i)));
            double aorSeconds = secondsSince(t);
            onThreads(connections, groups.size(), i -> groups.get(i).forEach(put));
            double raw = secondsSince(t);
            double ownCpu = cpuSeconds(ProcessHandle.current().pid()) - ownCpu0;
            double asteriskCpu = cpuSeconds(asteriskPid(dir));
            double own = pass.ended() - pass.sawRestart();
            System.out.printf("ceiling on the same objects: Asterisk restarted with serve stopped (%.1f s), then the %,d objects hotdesk "
                            + "pushed PUT raw on %d connection(s), AORs first (%.1f s), then each target's auth and endpoint: %.1f s = %.0f "
                            + "objects/s (%d PUTs failed%s)%n", boot, items.size(), connections, aorSeconds, raw, items.size() / raw,
                    failed.get(), errors.isEmpty() ? "" : ", e.g. " + errors);
            System.out.printf("  CPU (/proc, user + system): this driver's JVM %.1f s during the PUTs, Asterisk %.1f s since its start%n",
                    ownCpu, asteriskCpu);
            System.out.printf("  hotdesk's own pass after the restart (from seeing Asterisk back to its end, serve.log): %.1f s = %.0f "
                            + "objects/s = %.2fx the raw PUTs of the same objects%n", own, items.size() / own, raw / own);
        } finally {
            signal(server, "CONT");
        }
        if (awaitServe) {
            // serve's own pass after the restart it slept through, before the next measured restart begins
            ServeLog.Pass after = log.fullPass(items.size() / 3, stopped, System.nanoTime() + Duration.ofMinutes(15).toNanos());
            System.out.printf("  serve's own pass after that restart (unmeasured) ended %s%n",
                    after.ended() < 0 ? "NOT within 15 minutes" : String.format("%.1f s after it was stopped", after.ended()));
        }
    }

    /** User + system CPU seconds of a process so far, from /proc (clock ticks of 1/100 s); -1 where unreadable. */
    static double cpuSeconds(long pid) {
        try {
            return statCpuSeconds(Files.readString(Path.of("/proc/" + pid + "/stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** User + system CPU seconds in a /proc stat line (of a process or a thread), in clock ticks of 1/100 s. */
    private static double statCpuSeconds(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields 14 and 15 of stat(5), counted from the state (field 3) here
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    /**
     * User + system CPU seconds of each of a process's thread groups (its threads' names less a trailing number:
     * "C2 CompilerThre", "VM Thread", "HttpClient-1-Worker", "hotdesk-push"); empty where unreadable. Threads that
     * ended between two readings are missing from the later one.
     */
    static Map<String, Double> threadCpu(long pid) {
        Map<String, Double> out = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("-?[0-9]+$", "");
                    out.merge(name, statCpuSeconds(stat), Double::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return out;
    }

    /** The groups that used at least 0.5 s between two readings of {@link #threadCpu}, largest first. */
    static String threadCpuText(Map<String, Double> before, Map<String, Double> after) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> e.getValue() >= 0.5)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> String.format("%s %.1f s", e.getKey(), e.getValue()))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The kit's Asterisk process for the bench's directory. */
    private static long asteriskPid(Path dir) {
        try {
            return Long.parseLong(Files.readString(dir.resolve("asterisk").resolve("ast/run/asterisk.pid")).strip());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** {@code n} threads run {@code task} for 0..count-1 between them. */
    private static void onThreads(int n, int count, java.util.function.IntConsumer task) throws InterruptedException {
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            Thread th = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    task.accept(i);
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
    }

    private static void signal(Process p, String signal) throws IOException, InterruptedException {
        int code = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
        if (code != 0) {
            throw new IllegalStateException("kill -" + signal + " " + p.pid() + " exited " + code);
        }
    }

    /** Cumulative OK and OK_PENDING login counts per histogram bucket (upper bound in seconds) from /metrics. */
    private static Map<Double, Double> loginBuckets(HttpClient http, int port) {
        Map<Double, Double> out = new java.util.TreeMap<>();
        HttpResponse<String> r = get(http, port, "/metrics");
        Matcher m = LOGIN_BUCKET.matcher(r.body());
        while (m.find()) {
            String labels = m.group(1);
            Matcher le = LE.matcher(labels);
            if (!le.find() || !(labels.contains("result=\"ok\"") || labels.contains("result=\"ok_pending\""))) {
                continue;
            }
            double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
            out.merge(bound, Double.parseDouble(m.group(2)), Double::sum);
        }
        return out;
    }

    /** p50/p99/max bucket bounds of the logins between two readings of the histogram. */
    private static String percentiles(Map<Double, Double> before, Map<Double, Double> after) {
        java.util.TreeMap<Double, Double> delta = new java.util.TreeMap<>();
        after.forEach((le, c) -> delta.put(le, c - before.getOrDefault(le, 0.0)));
        double total = delta.isEmpty() ? 0 : delta.lastEntry().getValue();
        if (total <= 0) {
            return "no logins";
        }
        StringBuilder b = new StringBuilder(String.format("%.0f logins", total));
        for (double q : new double[] {0.5, 0.99, 1.0}) {
            for (Map.Entry<Double, Double> e : delta.entrySet()) {
                if (e.getValue() >= q * total) {
                    b.append(String.format(", p%s <= %.1f ms", q == 1.0 ? "max" : Integer.toString((int) (q * 100)), e.getKey() * 1000));
                    break;
                }
            }
        }
        return b.toString();
    }

    /**
     * PIN logins through hotdesk's FastAGI port, as Asterisk would send them, about five a second: each moves a user
     * to a free desk, whose previous one becomes free. Times each call from connect to the server closing it.
     */
    private static final class Logins implements Runnable {
        final java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        final Map<String, Integer> results = new java.util.concurrent.ConcurrentHashMap<>();
        final List<Double> millis = java.util.Collections.synchronizedList(new ArrayList<>());
        private final int port;
        private final int users;
        private final java.util.ArrayDeque<Integer> free = new java.util.ArrayDeque<>();
        private final int[] deskOf;
        private volatile boolean stop;

        Logins(int port, int users) {
            this.port = port;
            this.users = users;
            this.deskOf = new int[users];
            for (int i = 0; i < users; i++) {
                deskOf[i] = i;
            }
            for (int i = users; i < users + SPARE; i++) {
                free.add(i);
            }
        }

        void stop() {
            stop = true;
        }

        /** Ready to run again (a later re-push), with the counts of the run before forgotten and the seats kept. */
        void resume() {
            stop = false;
            ok.set(0);
            results.clear();
            millis.clear();
        }

        @Override
        public void run() {
            java.util.Random random = new java.util.Random(11);
            while (!stop) {
                int u = random.nextInt(users);
                int desk = free.poll();
                long t = System.nanoTime();
                String result = hotdesk.testing.ScriptedAsterisk.call("hotdesk-login")
                        .fromEndpoint(Mac.parse(mac(desk)).endpointId()).dialled("*70" + extension(u)).args(extension(u))
                        .enters(pin(u)).run(port, Duration.ofSeconds(30)).variable("HOTDESK_RESULT");
                millis.add((System.nanoTime() - t) / 1e6);
                results.merge(String.valueOf(result), 1, Integer::sum);
                if ("OK".equals(result) || "OK_PENDING".equals(result)) {
                    ok.incrementAndGet();
                    free.add(deskOf[u]);
                    deskOf[u] = desk;
                } else {
                    free.add(desk);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        String summary() {
            List<Double> sorted = new ArrayList<>(millis);
            java.util.Collections.sort(sorted);
            if (sorted.isEmpty()) {
                return "none";
            }
            return String.format("%s; AGI call from connect to close (client side): p50 %.0f ms, p99 %.0f ms, max %.0f ms",
                    results, sorted.get(sorted.size() / 2), sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1)),
                    sorted.get(sorted.size() - 1));
        }
    }

    static void seatEveryone(DatabaseSettings db, int desks) {
        try (Database open = Database.open(db)) {
            SecretHasher hasher = new SecretHasher(1000, new SecureRandom());
            LogIn logIn = new LogIn(open.ledger(), hasher, new SeatingPolicy(LoginLimits.defaults(), MultiLogin.SINGLE),
                    targets -> false, Clock.systemUTC());
            for (int i = 0; i < desks; i++) {
                LogIn.Result r = logIn.execute(Mac.parse(mac(i)).endpointId(), new LogIn.Pin(Extension.of(extension(i)), pin(i)), "bench");
                if (!(r instanceof LogIn.LoggedIn)) {
                    throw new IllegalStateException("login " + i + " refused: " + r);
                }
            }
        }
    }

    private static double cliProcess(Path jar, Path props, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("java"));
        cmd.addAll(List.of(CLI_JAVA_OPTS.split(" ")));
        cmd.addAll(archiveOpts(jar));
        cmd.addAll(List.of("-jar", jar.toString(), "--config", props.toString()));
        cmd.addAll(List.of(command));
        long t = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int code = p.waitFor();
        double s = Math.round(secondsSince(t) * 100) / 100.0;
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + code);
        }
        return s;
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Unavailable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Unavailable();
        }
    }

    /** Desk and user pushes that succeeded so far, from /metrics; zeros before the listener is up. */
    private static double[] pushes(HttpClient http, int port) {
        HttpResponse<String> r = get(http, port, "/metrics");
        double[] out = new double[2];
        if (r.statusCode() != 200) {
            return out;
        }
        Matcher m = PUSHES.matcher(r.body());
        while (m.find()) {
            out[m.group(1).equals("desk") ? 0 : 1] = Double.parseDouble(m.group(2));
        }
        return out;
    }

    private static String rss(long pid) throws IOException {
        nativeMemory(pid);
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                return String.format("%.0f MiB", kb / 1024.0);
            }
        }
        return "unknown";
    }

    /**
     * Where the server runs with -XX:NativeMemoryTracking, prints its summary (heap, metaspace, code cache,
     * threads, GC, other) next to the resident figure, so the part outside the heap is visible.
     */
    private static void nativeMemory(long pid) {
        String opts = System.getenv().getOrDefault("HOTDESK_JAVA_OPTS", "");
        if (!opts.contains("NativeMemoryTracking")) {
            return;
        }
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), "VM.native_memory", "summary", "scale=MB")
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            for (String line : text.split("\n")) {
                if (line.startsWith("Total") || line.matches("^-\\s+\\S.*\\(reserved=.*")) {
                    System.out.println("  nmt " + line.strip());
                }
            }
        } catch (IOException | InterruptedException e) {
            System.out.println("  nmt unavailable: " + e.getMessage());
        }
    }

    /** A {@code name=} line of scripts/hotdesk (default_java_opts, cli_java_opts), so the bench runs what users run. */
    private static String javaOpts(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("scripts/hotdesk"))) {
                if (line.startsWith(name + "=")) {
                    return line.substring(line.indexOf('=') + 1).replace("\"", "").strip();
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no " + name + " line in scripts/hotdesk");
    }

    /**
     * The class archive options {@code scripts/hotdesk} adds (and the Dockerfile): its archive beside the jar when that is
     * newer than the jar and {@code HOTDESK_CLASS_ARCHIVE} is not {@code off} (scripts/bench-scale writes it first).
     * Without them serve loaded every class of its own into metaspace, which the default launch maps from the archive.
     */
    static List<String> archiveOpts(Path jar) {
        Path archive = jar.resolveSibling("hotdesk.jsa");
        try {
            if ("off".equals(System.getenv("HOTDESK_CLASS_ARCHIVE")) || !Files.exists(archive)
                    || Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) <= 0) {
                return List.of();
            }
        } catch (IOException e) {
            return List.of();
        }
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }

    private static double secondsSince(long t) {
        return (System.nanoTime() - t) / 1e9;
    }

    static String extension(int i) {
        return Integer.toString(20000 + i);
    }

    /** A 6-digit PIN per user that the PIN rules accept (fixed per index, so the seating step knows it). */
    static String pin(int i) {
        for (long k = 0; ; k++) {
            String pin = String.format("%06d", (i * 7_919L + 104_729L * (k + 1)) % 1_000_000);
            if (hotdesk.core.policy.PinRules.problem(pin, Extension.of(extension(i))).isEmpty()) {
                return pin;
            }
        }
    }

    /**
     * Every seated desk fetches its file once, as its phone does when it boots or after a check-sync, on four
     * connections: what serve then keeps per desk is part of its resident memory with every desk in use.
     */
    private static void fetchEveryDesk(int port, int desks) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ConcurrentHashMap<Integer, java.util.concurrent.atomic.AtomicInteger> other =
                new java.util.concurrent.ConcurrentHashMap<>();
        long t = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            Thread worker = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < desks; i = next.getAndIncrement()) {
                    Mac mac = Mac.parse(mac(i));
                    int status;
                    try {
                        status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/provision/" + mac.value() + ".cfg"))
                                .header("User-Agent", "Yealink SIP-T54W 96.86.0.100 " + mac.display()).GET().build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (IOException e) {
                        status = -1;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    if (status == 200) {
                        ok.incrementAndGet();
                    } else {
                        other.computeIfAbsent(status, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                    }
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread w : workers) {
            w.join();
        }
        System.out.printf("every desk fetched its file once: %,d answered 200 in %.1f s%s%n", ok.get(), secondsSince(t),
                other.isEmpty() ? "" : ", others by status " + other);
    }

    static String mac(int i) {
        return String.format("0015657%05x", i);
    }

    /**
     * serve's log, read from where it ended when this was made: when hotdesk saw Asterisk restarted and when its full
     * pass after that ended (its "reconcile pass: N applied, M failed" line with N + M at least the number of targets).
     */
    static final class ServeLog {
        private static final Pattern LINE = Pattern.compile("^(\\S+) .*?(Asterisk started again|reconcile pass: (\\d+) applied, (\\d+) failed)");
        private final Path file;
        private final long from;

        ServeLog(Path file) throws IOException {
            this.file = file;
            this.from = Files.size(file);
        }

        /** Seconds after {@code t0} (times from the log's own timestamps); -1 where not seen. */
        record Pass(double sawRestart, double ended, int applied, int failed) {
        }

        /** Waits until the full pass has ended or {@code deadline} ({@link System#nanoTime()}) passes. */
        Pass fullPass(int targets, java.time.Instant t0, long deadline) throws IOException, InterruptedException {
            while (true) {
                Pass p = read(targets, t0);
                if (p.ended() >= 0 || System.nanoTime() > deadline) {
                    return p;
                }
                Thread.sleep(500);
            }
        }

        Pass read(int targets, java.time.Instant t0) throws IOException {
            return parse(readFrom(), targets, t0);
        }

        private String readFrom() throws IOException {
            try (var in = Files.newInputStream(file)) {
                in.skipNBytes(from);
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }

        static Pass parse(String text, int targets, java.time.Instant t0) {
            double saw = -1;
            int applied = 0;
            int failed = 0;
            for (String line : text.split("\n")) {
                Matcher m = LINE.matcher(line);
                if (!m.find()) {
                    continue;
                }
                double at;
                try {
                    at = Duration.between(t0, java.time.OffsetDateTime.parse(m.group(1)).toInstant()).toMillis() / 1000.0;
                } catch (java.time.format.DateTimeParseException e) {
                    continue;
                }
                if (m.group(3) == null) {
                    saw = saw < 0 ? at : saw;
                } else if (saw >= 0) {
                    // a pass stops at a push Asterisk gave no answer to and the next one goes on ("N not tried"): the
                    // full pass is the run of passes up to the first that left nothing untried
                    applied += Integer.parseInt(m.group(3));
                    failed += Integer.parseInt(m.group(4));
                    if (!line.contains(" not tried") && applied + failed >= targets / 2) {
                        return new Pass(saw, at, applied, failed);
                    }
                }
            }
            return new Pass(saw, -1, 0, 0);
        }
    }

    /** A response for a listener that is not up yet. */
    private static final class Unavailable implements HttpResponse<String> {
        public int statusCode() {
            return 0;
        }

        public HttpRequest request() {
            return null;
        }

        public java.util.Optional<HttpResponse<String>> previousResponse() {
            return java.util.Optional.empty();
        }

        public java.net.http.HttpHeaders headers() {
            return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
        }

        public String body() {
            return "";
        }

        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return java.util.Optional.empty();
        }

        public URI uri() {
            return null;
        }

        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
