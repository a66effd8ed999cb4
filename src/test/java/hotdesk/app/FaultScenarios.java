package hotdesk.app;

import hotdesk.app.FaultRig.Logins;
import hotdesk.app.FaultRig.Node;
import hotdesk.testing.PrivatePostgres;
import hotdesk.testing.TcpProxy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Issue 11's four faults, each run against {@link FaultRig} with logins going on, the ledger invariants
 * asserted after (AssertionError), every Asterisk awaited until it matches the ledger, and the recovery times
 * returned. {@code RealFaultsTest} runs them with short faults, {@code FaultBench} with the issue's.
 */
final class FaultScenarios {

    /** How long Asterisk may take to match the ledger after a fault before that counts as a failure. */
    static final Duration PATIENCE = Duration.ofSeconds(60);
    /** How long the first full push of a node may take (hundreds of desks on a loaded machine: minutes). */
    static final Duration START_PATIENCE = Duration.ofMinutes(5);

    private FaultScenarios() {
    }

    /** What one fault did: recovery figures in order, and every answer the callers heard during the run. */
    record Report(String fault, Map<String, String> figures, Map<String, Integer> answers) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(fault).append('\n');
            figures.forEach((k, v) -> b.append("  ").append(k).append(": ").append(v).append('\n'));
            b.append("  answers heard by callers over the whole run: ").append(answers);
            return b.toString();
        }
    }

    /**
     * PostgreSQL ({@link PrivatePostgres}, never a shared one) restarted ({@code -m fast}) under logins through two
     * nodes that poll only every 10 minutes, so a login through one node reaches the other's Asterisk only by the
     * change notification, whose listener must have reconnected.
     */
    static Report postgresRestart(Path dir, int pairs, Duration before, Duration after) throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.create();
             FaultRig rig = FaultRig.create(dir, pg.url(), "postgres", pairs, Map.of("reconcile.interval", "10m"))) {
            Node a = rig.node("node-a", false);
            Node b = rig.node("node-b", false);
            a.startHere();
            b.startHere();
            rig.awaitAsterisks(List.of(a, b), true, START_PATIENCE);
            rig.awaitSettled(List.of(a, b), START_PATIENCE);
            Logins load = rig.logins(List.of(a, b), 2, Duration.ofMillis(50));
            Thread.sleep(before.toMillis());
            long t0 = System.nanoTime();
            pg.restart();
            long up = System.nanoTime();
            await(() -> rig.firstOkAfter(up).isPresent(), PATIENCE, "no login answered OK after PostgreSQL came back");
            Thread.sleep(after.toMillis());
            load.stop();
            long stopped = System.nanoTime();
            rig.assertLedgerInvariants();
            long matched = rig.awaitAsterisks(List.of(a, b), false, PATIENCE);
            Map<String, String> f = new LinkedHashMap<>();
            f.put("PostgreSQL down (pg_ctl stop -m fast + start)", seconds(up - t0));
            f.put("first login answered OK after PostgreSQL accepted connections again", seconds(rig.firstOkAfter(up).orElseThrow()));
            f.put("answers to logins begun during the restart", rig.answers(t0, up).toString());
            f.put("both Asterisks match the ledger after the load stopped", seconds(matched - stopped));
            f.put("logins in the run (fresh user and desk each)", Integer.toString(rig.touched()));
            return new Report("PostgreSQL restarted during logins (two nodes, reconcile.interval 10m)", f, rig.answers(0, Long.MAX_VALUE));
        }
    }

    /** ARI or AMI of a node's Asterisk unreachable for {@code outage} (a proxy refuses and drops connections) under logins. */
    static Report outage(Path dir, String dbUrl, String dbUser, String which, int pairs, Duration outage) throws Exception {
        try (FaultRig rig = FaultRig.create(dir, dbUrl, dbUser, pairs, Map.of())) {
            Node n = rig.node("node", true);
            n.startHere();
            rig.awaitAsterisks(List.of(n), true, START_PATIENCE);
            rig.awaitSettled(List.of(n), START_PATIENCE);
            Logins load = rig.logins(List.of(n), 1, Duration.ofMillis(100));
            Thread.sleep(1000);
            TcpProxy proxy = which.equals("ari") ? n.ariProxy : n.amiProxy;
            long cut = System.nanoTime();
            proxy.cut();
            Thread.sleep(outage.toMillis());
            long back = System.nanoTime();
            proxy.restore();
            await(() -> rig.attempts().stream().anyMatch(x -> x.startNanos() >= back && x.result().equals("OK")), PATIENCE,
                    "no login answered OK (applied) after " + which + " came back");
            Thread.sleep(500);
            load.stop();
            rig.assertLedgerInvariants();
            long matched = rig.awaitAsterisks(List.of(n), false, PATIENCE);
            Map<String, String> f = new LinkedHashMap<>();
            f.put(which.toUpperCase() + " unreachable for", seconds(back - cut));
            f.put("answers to logins begun during the outage", rig.answers(cut, back).toString());
            f.put("everything pushed during the outage is in Asterisk, after " + which.toUpperCase() + " came back",
                    seconds(matched - back) + " (checked once the load stopped: first applied OK + 0.5 s)");
            f.put("first login answered OK (applied at once) after it came back", seconds(rig.attempts().stream()
                    .filter(x -> x.startNanos() >= back && x.result().equals("OK")).mapToLong(FaultRig.Attempt::endNanos).min()
                    .orElseThrow() - back));
            f.put("logins in the run", Integer.toString(rig.touched()));
            return new Report(which.toUpperCase() + " unreachable for " + outage.toSeconds() + " s during logins", f,
                    rig.answers(0, Long.MAX_VALUE));
        }
    }

    /** kill -9 of a node (serve as its own JVM) while logins go through it; the other node carries on; then it restarts. */
    static Report killNode(Path dir, String dbUrl, String dbUser, int pairs, Duration before, Duration after) throws Exception {
        try (FaultRig rig = FaultRig.create(dir, dbUrl, dbUser, pairs, Map.of())) {
            Node a = rig.node("node-a", false);
            Node b = rig.node("node-b", false);
            a.startProcess();
            b.startHere();
            rig.awaitAsterisks(List.of(a, b), true, START_PATIENCE);
            rig.awaitSettled(List.of(a, b), START_PATIENCE);
            // three at a time with a pause, so that some are in flight at the kill without using up the pairs
            Logins onA = rig.logins(List.of(a), 3, Duration.ofMillis(20));
            Thread.sleep(before.toMillis());
            long kill = System.nanoTime();
            a.kill9();
            onA.stop();
            int inFlight = (int) rig.attempts().stream().filter(x -> !x.answered()).count();
            Logins onB = rig.logins(List.of(b), 1, Duration.ofMillis(50));
            await(() -> rig.firstOkAfter(kill).isPresent(), PATIENCE, "no login through the surviving node answered OK");
            Thread.sleep(after.toMillis());
            onB.stop();
            rig.assertLedgerInvariants();
            long seatedInFlight = rig.attempts().stream().filter(x -> !x.answered())
                    .filter(x -> rig.occupancies().stream().anyMatch(o -> o.endpointId().equals(FaultRig.desk(x.pair())))).count();
            long bMatched = rig.awaitAsterisks(List.of(b), false, PATIENCE);
            long restart = System.nanoTime();
            a.startProcess();
            long agiUp = System.nanoTime();
            long matched = rig.awaitAsterisks(List.of(a, b), false, PATIENCE);
            rig.assertLedgerInvariants();
            Map<String, String> f = new LinkedHashMap<>();
            f.put("logins in flight through the killed node (no answer)", inFlight + ", of which the ledger seats " + seatedInFlight);
            f.put("first login through the other node answered OK after the kill", seconds(rig.firstOkAfter(kill).orElseThrow()));
            f.put("the other node's Asterisk matches the ledger, after its load stopped", "by " + seconds(bMatched - kill) + " after the kill");
            f.put("killed node restarted: FastAGI accepting after", seconds(agiUp - restart));
            f.put("killed node restarted: its Asterisk matches the ledger after", seconds(matched - restart));
            f.put("logins in the run", Integer.toString(rig.touched()));
            return new Report("kill -9 of a node mid-login (two nodes, one ledger)", f, rig.answers(0, Long.MAX_VALUE));
        }
    }

    /** {@code run-asterisk restart} of a node's Asterisk while logins go on. */
    static Report asteriskRestart(Path dir, String dbUrl, String dbUser, int pairs, Duration after) throws Exception {
        try (FaultRig rig = FaultRig.create(dir, dbUrl, dbUser, pairs, Map.of())) {
            Node n = rig.node("node", false);
            n.startHere();
            rig.awaitAsterisks(List.of(n), true, START_PATIENCE);
            rig.awaitSettled(List.of(n), START_PATIENCE);
            Logins load = rig.logins(List.of(n), 1, Duration.ofMillis(100));
            Thread.sleep(1000);
            long t0 = System.nanoTime();
            n.asterisk.restart();
            long up = System.nanoTime();
            Thread.sleep(after.toMillis());
            load.stop();
            long stopped = System.nanoTime();
            rig.assertLedgerInvariants();
            long matched = rig.awaitAsterisks(List.of(n), true, PATIENCE);
            Map<String, String> f = new LinkedHashMap<>();
            f.put("run-asterisk restart (stop, start, FullyBooted)", seconds(up - t0));
            f.put("answers to logins begun during the restart", rig.answers(t0, up).toString());
            f.put("first login answered OK (applied at once) after Asterisk was up", rig.attempts().stream()
                    .filter(x -> x.startNanos() >= up && x.result().equals("OK")).mapToLong(FaultRig.Attempt::endNanos).min()
                    .stream().mapToObj(e -> seconds(e - up)).findFirst().orElse("none during the " + after.toSeconds() + " s after"));
            f.put("every desk and user matches the ledger, after the load stopped", seconds(matched - stopped)
                    + " (" + seconds(matched - up) + " after Asterisk was up)");
            f.put("logins in the run", Integer.toString(rig.touched()));
            return new Report("Asterisk restarted during logins (asterisk.pjsip-wizard astdb)", f, rig.answers(0, Long.MAX_VALUE));
        }
    }

    private static void await(BooleanSupplier condition, Duration patience, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure + " within " + patience);
            }
            Thread.sleep(50);
        }
    }

    private static String seconds(long nanos) {
        return String.format("%.2f s", nanos / 1e9);
    }
}
