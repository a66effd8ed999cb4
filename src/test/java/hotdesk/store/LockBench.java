package hotdesk.store;

import hotdesk.core.model.Extension;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.model.SecretHash;
import hotdesk.core.model.User;
import hotdesk.core.policy.LoginLimits;
import hotdesk.core.policy.SeatingPolicy;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.usecase.ApplyNow;
import hotdesk.core.usecase.LogIn;
import hotdesk.core.usecase.ManageDevices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures the global write lock at a login rush (issue 11: "measure its contention at the login-rush rate on H2 and
 * PostgreSQL"): PIN logins driven in-process through {@link LogIn} at fixed rates (open loop: a login starts on
 * schedule whether or not the earlier ones finished), with real PBKDF2 at the default {@code security.pin-iterations}
 * (20,000) and {@link ApplyNow#later()} (no Asterisk), on a fresh ledger per rate with the application's pool size
 * (H2 4, PostgreSQL 8). Random users log in at random desks, so most logins move a user and many replace one. Per
 * committed write transaction it records the wait for a pool connection, the wait for the lock and the time the lock
 * was held ({@link JdbcLedger.LockTimes}); per login the time {@link LogIn#execute} took.
 *
 * <p>Run by {@code scripts/bench-lock [h2|pg] [seconds] [rates…]}; results go to BENCHMARKS.md by hand. Not a test:
 * nothing is asserted.
 */
public final class LockBench {

    static final int DESKS = Integer.getInteger("lock.desks", 300);
    static final int WORKERS = Integer.getInteger("lock.workers", 100);
    /** Seconds of logins at {@link #WARM_UP_RATE} before each measured rate, not recorded: the JIT's turn. */
    static final int WARM_UP_SECONDS = Integer.getInteger("lock.warm-up", 10);
    static final int WARM_UP_RATE = 20;
    static final String PIN = "4711";

    private LockBench() {
    }

    public static void main(String[] args) throws Exception {
        String db = args.length > 0 ? args[0] : "h2";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int[] rates = args.length > 2 ? Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {30, 60, 100};
        System.out.printf("lock bench: %s, %d desks and users, %d workers, %d s per rate after %d s warm-up at %d/s, load %s%n",
                db, DESKS, WORKERS, seconds, WARM_UP_SECONDS, WARM_UP_RATE, load());
        System.out.println("| db | rate/s | logins | ok | other results | conn wait p50/p99 ms | lock wait p50/p99 ms "
                + "| lock hold p50/p99 ms | lock busy | login p50/p99 ms | load |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (int rate : rates) {
            System.out.println(run(db, rate, seconds));
        }
    }

    static String run(String db, int rate, int seconds) throws Exception {
        Path dir = Files.createTempDirectory("lock-bench");
        PostgresSchema schema = db.equals("pg") ? PostgresSchema.create() : null;
        DatabaseSettings settings = schema != null ? schema.settings(8) : DatabaseSettings.h2(dir.resolve("ledger"));
        Times times = new Times();
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        try (Database database = Database.open(settings)) {
            JdbcLedger ledger = new JdbcLedger(database.dataSource(), settings.maskedUrl(), settings.isPostgreSql(),
                    JdbcLedger.DEADLINE, times);
            Clock clock = Clock.systemUTC();
            SecretHasher hasher = new SecretHasher(20_000, new SecureRandom());
            seed(ledger, hasher, clock);
            LogIn logIn = new LogIn(ledger, hasher, new SeatingPolicy(LoginLimits.defaults(), MultiLogin.SINGLE),
                    ApplyNow.later(), clock);
            drive(logIn, workers, WARM_UP_RATE, WARM_UP_SECONDS, new Random(1), new Logins());
            times.clear();
            Logins logins = new Logins();
            String before = load();
            long start = System.nanoTime();
            drive(logIn, workers, rate, seconds, new Random(2), logins);
            double wall = (System.nanoTime() - start) / 1e9;
            String after = load();
            logins.firstError.forEach((kind, message) -> System.err.println("rate " + rate + ", first " + kind + ": " + message));
            return String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %s | %s | %s | %.0f %% | %s | %s → %s |", db, rate,
                    logins.latency.size(), logins.ok.get(), logins.others(), pair(times.connect), pair(times.wait),
                    pair(times.hold), 100.0 * sum(times.hold) / (wall * 1e9), pair(logins.latency), before, after);
        } finally {
            workers.shutdownNow();
            if (schema != null) {
                schema.close();
            }
        }
    }

    /** Desks with one line each, and users sharing one real PBKDF2 hash of the PIN (hashing each would only take long). */
    static void seed(JdbcLedger ledger, SecretHasher hasher, Clock clock) {
        ManageDevices devices = new ManageDevices(ledger, new SecureRandom(), Set.of("yealink"), clock);
        for (int i = 0; i < DESKS; i++) {
            var r = devices.add(new ManageDevices.NewDevice(mac(i), "yealink", "T54W", null, "HQ", "", 1), "bench");
            if (!(r instanceof ManageDevices.Done)) {
                throw new IllegalStateException("could not add device: " + r);
            }
        }
        SecretHash pin = hasher.hash(PIN);
        List<User> users = new ArrayList<>();
        for (int i = 0; i < DESKS; i++) {
            users.add(new User(extension(i), "User " + i, pin, true, "internal", "", "bench-secret-" + i + "-0123456789", false));
        }
        ledger.transact(tx -> {
            tx.insertUsers(users);
            return null;
        });
    }

    /** Starts {@code rate} logins a second for {@code seconds} on schedule, then waits for all of them to end. */
    static void drive(LogIn logIn, ExecutorService workers, int rate, int seconds, Random random, Logins logins)
            throws InterruptedException {
        int n = rate * seconds;
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            long due = start + i * period;
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            int user = random.nextInt(DESKS);
            int desk = random.nextInt(DESKS);
            workers.execute(() -> {
                long t0 = System.nanoTime();
                try {
                    LogIn.Result r = logIn.execute(hotdesk.core.model.Mac.parse(mac(desk)).endpointId(),
                            new LogIn.Pin(extension(user), PIN), "bench");
                    logins.count(r instanceof LogIn.LoggedIn ? "ok" : ((LogIn.Rejected) r).reason().name());
                } catch (RuntimeException e) {
                    logins.count(e.getClass().getSimpleName());
                    logins.firstError.putIfAbsent(e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
                } finally {
                    logins.latency.add(System.nanoTime() - t0);
                    done.countDown();
                }
            });
        }
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("logins still running after 10 minutes");
        }
    }

    static String mac(int i) {
        return String.format("00156a%06x", i);
    }

    static Extension extension(int i) {
        return Extension.of(Integer.toString(2000 + i));
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    static String pair(Samples s) {
        return String.format(Locale.ROOT, "%.1f / %.1f", s.percentile(50) / 1e6, s.percentile(99) / 1e6);
    }

    static long sum(Samples s) {
        return s.all().stream().mapToLong(Long::longValue).sum();
    }

    /** Each committed write's three times, while recording. */
    static final class Times implements JdbcLedger.LockTimes {
        final Samples connect = new Samples();
        final Samples wait = new Samples();
        final Samples hold = new Samples();

        @Override
        public void committed(long connectNanos, long waitNanos, long holdNanos) {
            connect.add(connectNanos);
            wait.add(waitNanos);
            hold.add(holdNanos);
        }

        void clear() {
            connect.clear();
            wait.clear();
            hold.clear();
        }
    }

    static final class Logins {
        final Samples latency = new Samples();
        final AtomicInteger ok = new AtomicInteger();
        final Map<String, AtomicInteger> other = new ConcurrentHashMap<>();
        final Map<String, String> firstError = new ConcurrentHashMap<>();

        void count(String result) {
            if (result.equals("ok")) {
                ok.incrementAndGet();
            } else {
                other.computeIfAbsent(result, k -> new AtomicInteger()).incrementAndGet();
            }
        }

        String others() {
            Map<String, Integer> sorted = new TreeMap<>();
            other.forEach((k, v) -> sorted.put(k, v.get()));
            return sorted.isEmpty() ? "none" : sorted.toString();
        }
    }

    static final class Samples {
        private final List<Long> values = new ArrayList<>();

        synchronized void add(long v) {
            values.add(v);
        }

        synchronized void clear() {
            values.clear();
        }

        synchronized int size() {
            return values.size();
        }

        synchronized List<Long> all() {
            return List.copyOf(values);
        }

        synchronized double percentile(int p) {
            if (values.isEmpty()) {
                return Double.NaN;
            }
            List<Long> sorted = new ArrayList<>(values);
            sorted.sort(null);
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
        }
    }
}
