package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriPbx;
import hotdesk.ari.AriSettings;
import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.SecretHash;
import hotdesk.core.model.User;
import hotdesk.core.policy.PjsipProfile;
import hotdesk.core.policy.Projections;
import hotdesk.core.policy.TrustedNetworks;
import hotdesk.core.port.PjsipObject;
import hotdesk.testing.RealAsterisk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How Asterisk's cost per pushed target grows with the objects it holds, on the real Asterisk kit, without
 * hotdesk's server: N seated desks and their N users pushed over ARI with {@link AriPbx} in the reconciler's
 * order (desks by id, then users) and objects (auth, aor, endpoint with the default ACL), on C connections,
 * with the rate of every window of targets and the depth of Asterisk's busiest task processor queues. Then
 * Asterisk is restarted and the same objects are pushed again. Not a test (run it with
 * {@code scripts/bench-push-growth}); results in BENCHMARKS.md.
 *
 * <p>Arguments: {@code desks} (default 2000), {@code connections} (default 4), then variants, each changing one
 * thing: {@code wizard=memory|astdb}, {@code noacl} (endpoints without {@code acl}), {@code nocache} (the
 * generated sorcery lines without the memory cache), {@code sorcery=FILE} (this file as sorcery_hotdesk.conf),
 * {@code norestart}, {@code window=N}.
 */
public final class PushGrowthBench {

    private static final Pattern TASKPROCESSOR = Pattern.compile("(?m)^(\\S+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$");

    private PushGrowthBench() {
    }

    public static void main(String[] args) throws Exception {
        int desks = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Map<String, String> settings = RealAsteriskContractTest.settings();
        boolean acl = true;
        boolean cache = true;
        boolean restart = true;
        boolean aorsFirst = false;
        int window = 500;
        Path sorcery = null;
        for (int i = 2; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("wizard=")) {
                settings.put("asterisk.pjsip-wizard", a.substring("wizard=".length()));
            } else if (a.equals("noacl")) {
                acl = false;
            } else if (a.equals("nocache")) {
                cache = false;
            } else if (a.equals("aorsfirst")) {
                aorsFirst = true;
            } else if (a.equals("norestart")) {
                restart = false;
            } else if (a.startsWith("window=")) {
                window = Integer.parseInt(a.substring("window=".length()));
            } else if (a.startsWith("sorcery=")) {
                sorcery = Path.of(a.substring("sorcery=".length()));
            } else {
                throw new IllegalArgumentException("unknown variant " + a);
            }
        }
        RealAsterisk.kit().orElseThrow(() -> new IllegalStateException(RealAsterisk.SKIP_MESSAGE));
        System.out.printf("push growth: %d desks + %d users, %d connection(s), variants %s; Java %s, %d cpus%n", desks, desks,
                connections, List.of(args).subList(Math.min(2, args.length), args.length), Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        List<List<PjsipObject>> targets = targets(desks, acl);
        Path dir = Files.createTempDirectory("hotdesk-push-growth");
        boolean withCache = cache;
        Path sorceryFile = sorcery;
        try (RealAsterisk asterisk = RealAsterisk.start(dir, conf -> {
            CliRun.ok(settings, "asterisk-conf", "--out", conf.toString());
            try {
                Path file = conf.resolve("sorcery_hotdesk.conf");
                if (sorceryFile != null) {
                    Files.copy(sorceryFile, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } else if (!withCache) {
                    Files.writeString(file, Files.readString(file).replaceAll("(?m)^\\w+/cache = .*\\n", ""));
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })) {
            System.out.println(asterisk.rx("sorcery memory cache show hotdesk-endpoint").lines().limit(3).toList());
            AriClient ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER,
                    AsteriskContract.ARI_PASSWORD, Duration.ofSeconds(120)));
            AriPbx pbx = new AriPbx(ari);
            push("first push", asterisk, pbx, targets, connections, window, aorsFirst);
            if (restart) {
                long t = System.nanoTime();
                asterisk.restart();
                System.out.printf("restart: %.1f s%n", (System.nanoTime() - t) / 1e9);
                push("re-push after restart", asterisk, pbx, targets, connections, window, aorsFirst);
            }
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Pushes every target on {@code connections} threads; prints each window's rate and queue depths, then the drain. */
    private static void push(String what, RealAsterisk asterisk, AriPbx pbx, List<List<PjsipObject>> targets, int connections,
                             int window, boolean aorsFirst) throws InterruptedException {
        long start = System.nanoTime();
        if (aorsFirst) {
            List<List<PjsipObject>> aors = new ArrayList<>();
            List<List<PjsipObject>> rest = new ArrayList<>();
            for (List<PjsipObject> t : targets) {
                aors.add(t.stream().filter(o -> o.type() == PjsipObject.Type.AOR).toList());
                rest.add(t.stream().filter(o -> o.type() != PjsipObject.Type.AOR).toList());
            }
            run(what + " (AORs)", asterisk, pbx, aors, connections, window, start);
            run(what + " (auths, endpoints)", asterisk, pbx, rest, connections, window, start);
        } else {
            run(what, asterisk, pbx, targets, connections, window, start);
        }
        double pushed = (System.nanoTime() - start) / 1e9;
        // ARI answers before sorcery's observers ran: the work left in the queues is part of the cost
        while (!queues(asterisk).isEmpty()) {
            Thread.sleep(100);
        }
        double drained = (System.nanoTime() - start) / 1e9;
        System.out.printf("%s: %d targets answered in %.1f s = %.1f targets/s; queues empty after %.1f s = %.1f targets/s%n",
                what, targets.size(), pushed, targets.size() / pushed, drained, targets.size() / drained);
    }

    private static void run(String what, RealAsterisk asterisk, AriPbx pbx, List<List<PjsipObject>> targets, int connections,
                            int window, long start) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        long last = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            Thread th = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < targets.size(); i = next.getAndIncrement()) {
                    pbx.push(targets.get(i));
                    done.incrementAndGet();
                }
            });
            th.start();
            threads.add(th);
        }
        int reported = 0;
        while (reported < targets.size()) {
            Thread.sleep(20);
            int d = done.get();
            if (d - reported >= window || d == targets.size()) {
                long now = System.nanoTime();
                System.out.printf("%s: targets %5d-%5d %6.1f targets/s  (%.1f s)  queues %s%n", what, reported, d,
                        (d - reported) / ((now - last) / 1e9), (now - start) / 1e9, queues(asterisk));
                reported = d;
                last = now;
            }
        }
        for (Thread th : threads) {
            th.join();
        }
    }

    /** Task processors with work queued now (name=depth), from {@code core show taskprocessors}. */
    private static String queues(RealAsterisk asterisk) {
        StringBuilder s = new StringBuilder();
        Matcher m = TASKPROCESSOR.matcher(asterisk.rx("core show taskprocessors"));
        while (m.find()) {
            if (Long.parseLong(m.group(3)) > 0) {
                s.append(m.group(1)).append('=').append(m.group(3)).append(' ');
            }
        }
        return s.toString().trim();
    }

    /** Each target's objects in push order: N desks (by id) seated by N users, then the users. */
    static List<List<PjsipObject>> targets(int desks, boolean acl) {
        Projections projections = new Projections(PjsipProfile.defaults());
        List<List<PjsipObject>> deskTargets = new ArrayList<>();
        List<List<PjsipObject>> userTargets = new ArrayList<>();
        for (int i = 0; i < desks; i++) {
            Mac mac = Mac.parse(ScaleBench.mac(i));
            DeskLine line = new DeskLine(mac.endpointId(), mac, 1, "Bench-Desk-Secret-" + String.format("%06d", i));
            Device device = new Device(mac, "yealink", "T54W", "Desk " + i, "", "", true);
            User user = new User(Extension.of(ScaleBench.extension(i)), "Scale User " + i,
                    new SecretHash("pbkdf2-sha256$1000$AAAA$AAAA"), true, "internal", "", "Bench-User-Secret-" + i, false);
            deskTargets.add(projections.desk(line, device, Optional.of(user),
                    projections.located(device, hotdesk.core.model.CivicLocation.EMPTY, Optional.empty()),
                    acl ? TrustedNetworks.DEFAULT_ACL : ""));
            userTargets.add(projections.user(user, List.of(line.endpointId())));
        }
        deskTargets.addAll(userTargets);
        return deskTargets;
    }
}
