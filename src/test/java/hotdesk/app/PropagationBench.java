package hotdesk.app;

import hotdesk.app.FaultRig.Attempt;
import hotdesk.app.FaultRig.Node;
import hotdesk.store.PostgresSchema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Issue 11's "a change made through either node or the CLI reaches both Asterisks within 1 s": two nodes on one
 * PostgreSQL ledger (a schema of the test database), each beside its own real Asterisk from the kit, both
 * reconciling only on the ledger's notifications ({@code reconcile.interval} 10 min, so no poll can carry a
 * change). Three kinds of change, one at a time with a pause between: a PIN login through node A's FastAGI, one
 * through node B's, and a desk's label set by the CLI (in this JVM, as its own ledger client). For each it takes
 * the time from the change's commit (the caller's answer; the CLI command's return) until each Asterisk shows it
 * over ARI (the desk endpoint's {@code accountcode} is the user; its idle {@code callerid} names the label), polling
 * both every 2 ms, and prints p50, p90 and the maximum per kind and Asterisk. Not a test: run it with
 * {@code scripts/bench-propagation [changes-per-kind]}.
 */
public final class PropagationBench {

    private PropagationBench() {
    }

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    public static void main(String[] args) throws Exception {
        int perKind = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        System.out.printf("propagation bench: %d changes per kind, two nodes on PostgreSQL, each beside a real Asterisk, "
                + "reconcile.interval 10m; load average %s%n", perKind, loadAverage());
        try (PostgresSchema schema = PostgresSchema.create();
             FaultRig rig = FaultRig.create(Files.createTempDirectory("hotdesk-propagation"), schema.url(""), PostgresSchema.USER,
                     3 * perKind, Map.of("reconcile.interval", "10m"))) {
            Node a = rig.node("node-a", false);
            Node b = rig.node("node-b", false);
            a.startHere();
            b.startHere();
            rig.awaitAsterisks(List.of(a, b), true, Duration.ofMinutes(5));
            rig.awaitSettled(List.of(a, b), Duration.ofMinutes(5));
            List<Node> both = List.of(a, b);
            List<long[]> throughA = new ArrayList<>();
            List<long[]> throughB = new ArrayList<>();
            List<long[]> byCli = new ArrayList<>();
            Map<String, String> cli = rig.settings("cli");
            for (int k = 0; k < perKind; k++) {
                for (Node via : both) {
                    Attempt at = rig.login(via);
                    if (!at.ok()) {
                        throw new IllegalStateException("login " + at + " through " + via.name + " failed");
                    }
                    String desk = FaultRig.desk(at.pair());
                    String ext = FaultRig.ext(at.pair());
                    (via == a ? throughA : throughB).add(seen(both, at.endNanos(),
                            n -> n.ari.get("endpoint", desk).map(e -> ext.equals(e.get("accountcode"))).orElse(false)));
                    Thread.sleep(200);
                }
                // a desk no login uses: its idle caller ID names the label
                int spare = 2 * perKind + k;
                String label = "Relabelled " + k;
                String desk = FaultRig.desk(spare);
                CliRun.ok(cli, "device", "set", FaultRig.mac(spare), "--label", label);
                long committed = System.nanoTime();
                byCli.add(seen(both, committed,
                        n -> n.ari.get("endpoint", desk).map(e -> String.valueOf(e.get("callerid")).contains(label)).orElse(false)));
                Thread.sleep(200);
            }
            rig.assertLedgerInvariants();
            print("login through node A", throughA);
            print("login through node B", throughB);
            print("CLI device set --label", byCli);
            System.out.printf("load average at the end %s%n", loadAverage());
        }
    }

    /** Nanoseconds from {@code from} until each node's Asterisk satisfies {@code shows}, in node order. */
    private static long[] seen(List<Node> nodes, long from, Predicate<Node> shows) throws InterruptedException {
        long[] at = new long[nodes.size()];
        int left = nodes.size();
        long deadline = from + PATIENCE.toNanos();
        while (left > 0) {
            for (int i = 0; i < nodes.size(); i++) {
                if (at[i] == 0 && shows.test(nodes.get(i))) {
                    at[i] = Math.max(1, System.nanoTime() - from);
                    left--;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a change did not reach every Asterisk within " + PATIENCE);
            }
            Thread.sleep(2);
        }
        return at;
    }

    private static void print(String kind, List<long[]> runs) {
        for (int node = 0; node < 2; node++) {
            List<Long> ms = new ArrayList<>();
            for (long[] r : runs) {
                ms.add(r[node]);
            }
            ms.sort(null);
            System.out.printf("%-24s -> Asterisk of node %s: %d changes, p50 %.1f ms, p90 %.1f ms, max %.1f ms%n", kind,
                    node == 0 ? "A" : "B", ms.size(), at(ms, 0.5), at(ms, 0.9), ms.get(ms.size() - 1) / 1e6);
        }
    }

    private static double at(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)) / 1e6;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
