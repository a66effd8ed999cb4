package hotdesk.app;

import hotdesk.app.FaultScenarios.Report;
import hotdesk.store.PostgresSchema;
import hotdesk.testing.PrivatePostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fault driver for issue 11 against the real Asterisk kit: the four faults of {@link FaultScenarios} with the
 * issue's durations (ARI and AMI each unreachable for 30 s), recovery times printed. Needs the kit, the test
 * PostgreSQL (a schema of its own, as the tests use) and the PostgreSQL server binaries for the private cluster
 * it restarts. Not a test: run it with {@code scripts/bench-faults [outage-seconds] [pairs] [faults]} (faults: a
 * comma list of postgres, ari, ami, kill, asterisk; default all).
 */
public final class FaultBench {

    private FaultBench() {
    }

    public static void main(String[] args) throws Exception {
        int outage = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        List<String> faults = List.of((args.length > 2 ? args[2] : "postgres,ari,ami,kill,asterisk").split(","));
        List<Report> reports = new ArrayList<>();
        System.out.printf("fault bench: %d fresh user/desk pairs per fault, outages of %d s, load average %s%n", pairs, outage,
                loadAverage());
        if (!faults.contains("postgres")) {
            System.out.println("PostgreSQL restart not asked for");
        } else if (PrivatePostgres.binaries().isPresent()) {
            reports.add(print(FaultScenarios.postgresRestart(Files.createTempDirectory("hotdesk-fault-pg"), pairs,
                    Duration.ofSeconds(3), Duration.ofSeconds(3))));
        } else {
            System.out.println("PostgreSQL restart skipped: " + PrivatePostgres.SKIP_MESSAGE);
        }
        for (String which : List.of("ari", "ami")) {
            if (!faults.contains(which)) {
                continue;
            }
            try (PostgresSchema schema = PostgresSchema.create()) {
                reports.add(print(FaultScenarios.outage(Files.createTempDirectory("hotdesk-fault-" + which), schema.url(""),
                        PostgresSchema.USER, which, pairs, Duration.ofSeconds(outage))));
            }
        }
        if (faults.contains("kill")) {
            try (PostgresSchema schema = PostgresSchema.create()) {
                reports.add(print(FaultScenarios.killNode(Files.createTempDirectory("hotdesk-fault-kill"), schema.url(""),
                        PostgresSchema.USER, pairs, Duration.ofSeconds(5), Duration.ofSeconds(3))));
            }
        }
        if (faults.contains("asterisk")) {
            try (PostgresSchema schema = PostgresSchema.create()) {
                reports.add(print(FaultScenarios.asteriskRestart(Files.createTempDirectory("hotdesk-fault-asterisk"), schema.url(""),
                        PostgresSchema.USER, pairs, Duration.ofSeconds(3))));
            }
        }
        System.out.printf("%d faults, invariants held after each; load average at the end %s%n", reports.size(), loadAverage());
    }

    private static Report print(Report r) {
        System.out.println(r);
        System.out.println("  load average: " + loadAverage());
        return r;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
