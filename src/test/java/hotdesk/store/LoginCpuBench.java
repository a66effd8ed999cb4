package hotdesk.store;

import hotdesk.core.model.Mac;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.policy.LoginLimits;
import hotdesk.core.policy.SeatingPolicy;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.usecase.ApplyNow;
import hotdesk.core.usecase.LogIn;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Locale;
import java.util.Random;

/**
 * The CPU a PIN login costs the process on the ledger's side, one login after the other (closed loop, one thread), so
 * that a shared machine's load moves the figure as little as it can: process CPU time (every thread, the database's
 * own included) per login, after a warm-up. The PIN hash is cheap here on purpose ({@code -Dcpu.pin-iterations},
 * default 1,000, the least allowed), since PBKDF2's cost is known and fixed; what is left is the ledger's statements and the use case.
 * {@code -Dcpu.url-options=;QUERY_CACHE_SIZE=64} adds H2 options to the embedded ledger's URL to compare settings.
 *
 * <p>Run by {@code scripts/bench-login-cpu [h2|pg] [logins] [rounds]}; results go to BENCHMARKS.md by hand. Not a test.
 */
public final class LoginCpuBench {

    private LoginCpuBench() {
    }

    public static void main(String[] args) throws Exception {
        String db = args.length > 0 ? args[0] : "h2";
        int logins = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int iterations = Integer.getInteger("cpu.pin-iterations", 1_000);
        String options = System.getProperty("cpu.url-options", "");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Path dir = Files.createTempDirectory("login-cpu-bench");
        PostgresSchema schema = db.equals("pg") ? PostgresSchema.create() : null;
        DatabaseSettings settings = schema != null ? schema.settings(8)
                : withOptions(DatabaseSettings.h2(dir.resolve("ledger")), options);
        System.out.printf("login cpu bench: %s%s, %d desks and users, PIN iterations %d, %d logins per round, load %s%n",
                db, options.isEmpty() ? "" : " " + options, LockBench.DESKS, iterations, logins, LockBench.load());
        try (Database database = Database.open(settings)) {
            JdbcLedger ledger = new JdbcLedger(database.dataSource(), settings.maskedUrl(), settings.isPostgreSql(),
                    JdbcLedger.DEADLINE, (c, w, h) -> { });
            Clock clock = Clock.systemUTC();
            SecretHasher hasher = new SecretHasher(iterations, new SecureRandom());
            LockBench.seed(ledger, hasher, clock);
            LogIn logIn = new LogIn(ledger, hasher, new SeatingPolicy(LoginLimits.defaults(), MultiLogin.SINGLE),
                    ApplyNow.later(), clock);
            Random random = new Random(3);
            run(logIn, logins, random); // warm-up: the JIT's turn, not counted
            for (int round = 1; round <= rounds; round++) {
                long cpu0 = os.getProcessCpuTime();
                long wall0 = System.nanoTime();
                int ok = run(logIn, logins, random);
                double cpu = (os.getProcessCpuTime() - cpu0) / 1e6 / logins;
                double wall = (System.nanoTime() - wall0) / 1e6 / logins;
                System.out.printf(Locale.ROOT, "round %d: %d logins (%d ok), %.3f ms CPU and %.3f ms wall per login, load %s%n",
                        round, logins, ok, cpu, wall, LockBench.load());
            }
        } finally {
            if (schema != null) {
                schema.close();
            }
        }
    }

    private static int run(LogIn logIn, int logins, Random random) {
        int ok = 0;
        for (int i = 0; i < logins; i++) {
            int user = random.nextInt(LockBench.DESKS);
            int desk = random.nextInt(LockBench.DESKS);
            LogIn.Result r = logIn.execute(Mac.parse(LockBench.mac(desk)).endpointId(),
                    new LogIn.Pin(LockBench.extension(user), LockBench.PIN), "bench");
            if (r instanceof LogIn.LoggedIn) {
                ok++;
            }
        }
        return ok;
    }

    private static DatabaseSettings withOptions(DatabaseSettings s, String options) {
        return options.isEmpty() ? s : new DatabaseSettings(s.url() + options, "", "", s.poolSize());
    }
}
