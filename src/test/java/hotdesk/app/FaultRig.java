package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.port.LedgerTx;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import hotdesk.testing.RealAsterisk;
import hotdesk.testing.ScriptedAsterisk;
import hotdesk.testing.TcpProxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 11's faults against the real Asterisk kit, shared by the tests ({@code RealFaultsTest}, short faults)
 * and the driver ({@code FaultBench}, the durations): hotdesk nodes on one PostgreSQL ledger, each
 * beside its own real Asterisk (optionally behind {@link TcpProxy proxies} on ARI and AMI), PIN logins through
 * FastAGI, and the invariants checked after a fault.
 *
 * <p>Every login uses a fresh pair (user {@code 30000+i} at desk {@code i}) that no other login touches, so what
 * each answer promises is exact: OK or OK_PENDING: the user sits at that desk; any other answer: neither is
 * seated; no answer (the node died mid-call): either, but never anything else. Beside that: one occupant per
 * desk line, one desk per user ({@code single}), and each Asterisk's PJSIP objects match the ledger (the desk
 * endpoint's {@code accountcode} is its occupant or empty, the user endpoint's {@code aors} is the desk's and
 * their own, or their own).
 */
final class FaultRig implements AutoCloseable {

    static final Duration AGI_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern RESULT = Pattern.compile("HOTDESK_RESULT\"?\\s+\"?([A-Z_]+)");

    /** One login and what the caller heard: a HOTDESK_RESULT, or NO_ANSWER. */
    record Attempt(int pair, String node, String result, long startNanos, long endNanos) {
        boolean ok() {
            return result.startsWith("OK");
        }

        boolean answered() {
            return !result.equals(NO_ANSWER);
        }
    }

    static final String NO_ANSWER = "NO_ANSWER";

    private final Path dir;
    private final String dbUrl;
    private final int pairs;
    private final Map<String, String> extra;
    private final List<Node> nodes = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
    private final Database ledger;

    private final String dbUser;

    private FaultRig(Path dir, String dbUrl, String dbUser, int pairs, Map<String, String> extra) {
        this.dir = dir;
        this.dbUrl = dbUrl;
        this.dbUser = dbUser;
        this.pairs = pairs;
        this.extra = extra;
        this.ledger = Database.open(new DatabaseSettings(dbUrl, dbUser, "", 2));
    }

    /** A ledger at {@code dbUrl} (no password) with {@code pairs} users and desks imported by CSV. */
    static FaultRig create(Path dir, String dbUrl, String dbUser, int pairs, Map<String, String> extra) throws IOException {
        FaultRig rig = new FaultRig(dir, dbUrl, dbUser, pairs, extra);
        Map<String, String> cli = rig.settings("cli");
        List<String> u = new ArrayList<>(List.of("extension,name,pin"));
        List<String> d = new ArrayList<>(List.of("mac,vendor,model,label"));
        for (int i = 0; i < pairs; i++) {
            u.add(ext(i) + ",Fault User " + i + "," + ScaleBench.pin(i + 10_000));
            d.add(mac(i) + ",yealink,T54W,Desk " + i);
        }
        Path users = dir.resolve("users.csv");
        Path devices = dir.resolve("devices.csv");
        Files.write(users, u);
        Files.write(devices, d);
        CliRun.ok(cli, "user", "import", users.toString());
        CliRun.ok(cli, "device", "import", devices.toString());
        return rig;
    }

    static String ext(int i) {
        return Integer.toString(30000 + i);
    }

    static String mac(int i) {
        return String.format("0015658%05x", i);
    }

    static String desk(int i) {
        return Mac.parse(mac(i)).endpointId();
    }

    private static String pin(int i) {
        return ScaleBench.pin(i + 10_000);
    }

    Map<String, String> settings(String name) throws IOException {
        Map<String, String> s = KitSettings.of(dir.resolve(name), name);
        s.put("db.url", dbUrl);
        s.put("db.user", dbUser);
        s.putAll(extra);
        return s;
    }

    /** A node's settings and its own real Asterisk; ARI and AMI through proxies when {@code proxied}. */
    Node node(String name, boolean proxied) throws IOException {
        Map<String, String> s = settings(name);
        s.put("metrics.port", Integer.toString(RealAsterisk.freeTcpPort()));
        RealAsterisk asterisk = KitSettings.startAsterisk(dir.resolve(name).resolve("asterisk"), s, conf -> { });
        Node n = new Node(name, s, asterisk);
        nodes.add(n);
        if (proxied) {
            n.ariProxy = TcpProxy.to(asterisk.ariUrl().getPort());
            n.amiProxy = TcpProxy.to(asterisk.amiPort());
            s.put("ari.url", "http://127.0.0.1:" + n.ariProxy.port() + "/ari");
            s.put("ami.port", Integer.toString(n.amiProxy.port()));
        }
        return n;
    }

    /** One login of the next fresh pair through {@code node}'s FastAGI; what the caller heard, recorded. */
    Attempt login(Node node) {
        int i = next.getAndIncrement();
        if (i >= pairs) {
            throw new IllegalStateException("all " + pairs + " pairs used: make the rig bigger");
        }
        long t0 = System.nanoTime();
        String result;
        try {
            String r = ScriptedAsterisk.call("hotdesk-login").fromEndpoint(desk(i)).uniqueId("1795345259." + i).args(ext(i))
                    .enters(pin(i)).run(node.agiPort(), AGI_TIMEOUT).variable("HOTDESK_RESULT");
            result = r == null || r.isEmpty() ? NO_ANSWER : r;
        } catch (AssertionError e) {
            // the connection broke (the node died): what it said before, if it said it
            Matcher m = RESULT.matcher(String.valueOf(e.getMessage()));
            result = m.find() ? m.group(1) : NO_ANSWER;
        }
        Attempt a = new Attempt(i, node.name, result, t0, System.nanoTime());
        attempts.add(a);
        return a;
    }

    /** Logins in {@code threads} loops through the nodes in turn, each loop pausing {@code pause}, until stopped. */
    Logins logins(List<Node> through, int threads, Duration pause) {
        return new Logins(through, threads, pause);
    }

    List<Attempt> attempts() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    /** Pairs some login used so far. */
    int touched() {
        return Math.min(next.get(), pairs);
    }

    /** The first OK (applied or pending) answer to a login that started after {@code nanos}: nanoseconds after it. */
    Optional<Long> firstOkAfter(long nanos) {
        return attempts().stream().filter(a -> a.startNanos() >= nanos && a.ok())
                .map(a -> a.endNanos() - nanos).min(Long::compare);
    }

    /** Answers counted by result, of logins that started in [from, to). */
    Map<String, Integer> answers(long from, long to) {
        Map<String, Integer> out = new TreeMap<>();
        for (Attempt a : attempts()) {
            if (a.startNanos() >= from && a.startNanos() < to) {
                out.merge(a.result(), 1, Integer::sum);
            }
        }
        return out;
    }

    /** The ledger's open occupancies. */
    List<Occupancy> occupancies() {
        return ledger.ledger().read(LedgerTx::occupancies);
    }

    /** What broke the ledger invariants (empty: none). */
    List<String> ledgerViolations() {
        List<Occupancy> seats = occupancies();
        List<String> out = new ArrayList<>();
        Map<String, String> byDesk = new HashMap<>();
        Map<String, String> byUser = new HashMap<>();
        for (Occupancy o : seats) {
            if (byDesk.put(o.endpointId(), o.extension().value()) != null) {
                out.add("two occupants on desk line " + o.endpointId());
            }
            if (byUser.put(o.extension().value(), o.endpointId()) != null) {
                out.add("user " + o.extension().value() + " seated at two desks under single");
            }
        }
        Map<Integer, Attempt> byPair = new HashMap<>();
        for (Attempt a : attempts()) {
            if (byPair.put(a.pair(), a) != null) {
                out.add("pair " + a.pair() + " used twice");
            }
        }
        for (int i = 0; i < pairs; i++) {
            Attempt a = byPair.get(i);
            String seatedAt = byUser.get(ext(i));
            String occupant = byDesk.get(desk(i));
            if (seatedAt != null && !seatedAt.equals(desk(i)) || occupant != null && !occupant.equals(ext(i))) {
                out.add("pair " + i + " crossed: user at " + seatedAt + ", desk held by " + occupant);
            } else if (a == null && seatedAt != null) {
                out.add("user " + ext(i) + " seated without a login");
            } else if (a != null && a.ok() && seatedAt == null) {
                out.add("login lost: " + ext(i) + " at " + desk(i) + " answered " + a.result() + " through " + a.node()
                        + " but the ledger does not seat it");
            } else if (a != null && a.answered() && !a.ok() && seatedAt != null) {
                out.add("failed login seated: " + ext(i) + " at " + desk(i) + " answered " + a.result() + " through " + a.node()
                        + " but the ledger seats it");
            }
        }
        return out;
    }

    /** Where {@code node}'s Asterisk differs from the ledger for pairs [0, upTo) (empty: it matches). */
    List<String> asteriskMismatches(Node node, int upTo) {
        Map<String, String> byDesk = new HashMap<>();
        for (Occupancy o : occupancies()) {
            byDesk.put(o.endpointId(), o.extension().value());
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < upTo; i++) {
            String occupant = byDesk.get(desk(i));
            String wantAccount = occupant == null ? "" : occupant;
            String wantAors = occupant == null ? ext(i) : desk(i) + "," + ext(i);
            try {
                Optional<Map<String, String>> d = node.ari.get("endpoint", desk(i));
                Optional<Map<String, String>> u = node.ari.get("endpoint", ext(i));
                if (d.isEmpty() || !wantAccount.equals(d.get().getOrDefault("accountcode", ""))) {
                    out.add(node.name + ": desk " + desk(i) + " accountcode " + d.map(m -> m.get("accountcode")).orElse("(no endpoint)")
                            + ", ledger " + wantAccount);
                }
                if (u.isEmpty() || !wantAors.equals(u.get().get("aors"))) {
                    out.add(node.name + ": user " + ext(i) + " aors " + u.map(m -> m.get("aors")).orElse("(no endpoint)")
                            + ", ledger " + wantAors);
                }
            } catch (RuntimeException e) {
                out.add(node.name + ": ARI " + e.getMessage());
                return out;
            }
        }
        return out;
    }

    /**
     * Waits until every node's Asterisk matches the ledger for the pairs touched so far (all pairs when
     * {@code all}); returns {@link System#nanoTime()} when they did. AssertionError with the mismatches after
     * {@code patience}.
     */
    long awaitAsterisks(List<Node> which, boolean all, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        int upTo = all ? pairs : touched();
        List<String> last = List.of();
        while (System.nanoTime() < deadline) {
            last = new ArrayList<>();
            for (Node n : which) {
                last.addAll(asteriskMismatches(n, upTo));
                if (!last.isEmpty()) {
                    break;
                }
            }
            if (last.isEmpty()) {
                return System.nanoTime();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Asterisk does not match the ledger after " + patience + ": "
                + last.subList(0, Math.min(10, last.size())) + (last.size() > 10 ? " and " + (last.size() - 10) + " more" : ""));
    }

    /**
     * Waits until every node in this JVM is connected and idle: at start a node pushes everything, and again when
     * AMI reports Asterisk booted during that push; a fault measured during that would measure the start too.
     */
    void awaitSettled(List<Node> which, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!which.stream().allMatch(Node::settled)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the nodes did not settle within " + patience);
            }
            Thread.sleep(100);
        }
    }

    /** AssertionError naming every broken ledger invariant. */
    void assertLedgerInvariants() {
        List<String> v = ledgerViolations();
        if (!v.isEmpty()) {
            throw new AssertionError("ledger invariants broken: " + v);
        }
    }

    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
        ledger.close();
    }

    /** A running login load; {@link #stop()} waits for the logins in flight. */
    final class Logins {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();
        private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());

        private Logins(List<Node> through, int count, Duration pause) {
            for (int t = 0; t < count; t++) {
                int offset = t;
                Thread th = new Thread(() -> {
                    int k = offset;
                    while (running.get()) {
                        Node n = through.get(k++ % through.size());
                        try {
                            if (n.up()) {
                                login(n);
                            }
                            Thread.sleep(pause.toMillis());
                        } catch (InterruptedException e) {
                            return;
                        } catch (RuntimeException e) {
                            failures.add(e);
                            return;
                        }
                    }
                }, "fault-logins-" + t);
                th.setDaemon(true);
                threads.add(th);
                th.start();
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(AGI_TIMEOUT.toMillis() + 5_000);
            }
            if (!failures.isEmpty()) {
                throw new AssertionError("the login load failed", failures.get(0));
            }
        }
    }

    /** A hotdesk node: in this JVM ({@link #startHere()}) or as its own ({@link #startProcess()}), beside its Asterisk. */
    final class Node implements AutoCloseable {
        final String name;
        final Map<String, String> settings;
        final RealAsterisk asterisk;
        final AriClient ari;
        TcpProxy ariProxy;
        TcpProxy amiProxy;
        private Server server;
        private Process process;

        private Node(String name, Map<String, String> settings, RealAsterisk asterisk) {
            this.name = name;
            this.settings = settings;
            this.asterisk = asterisk;
            this.ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER, AsteriskContract.ARI_PASSWORD,
                    Duration.ofSeconds(5)));
        }

        int agiPort() {
            return Integer.parseInt(settings.get("agi.port"));
        }

        void startHere() {
            server = new Server(Config.load(null, Map.of(), settings));
            server.start();
        }

        /** {@code serve} as a JVM of its own; returns once its FastAGI port accepts connections. */
        void startProcess() throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                    Main.class.getName()));
            settings.forEach((k, v) -> command.addAll(List.of("--set", k + "=" + v)));
            command.add("serve");
            Path log = dir.resolve(name + "-serve.log");
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!accepts(agiPort())) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("serve of " + name + " did not come up; see " + log);
                }
                Thread.sleep(50);
            }
        }

        /** SIGKILL to the node's JVM: no shutdown hook, no goodbye to the ledger or Asterisk. */
        void kill9() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        /** In this JVM: AMI connected and the reconciler has nothing left to do (a node of its own: true). */
        boolean settled() {
            return server == null || server.amiConnected() && server.reconcile().idle();
        }

        boolean up() {
            return server != null || process != null && process.isAlive();
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
                server = null;
            }
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            if (ariProxy != null) {
                ariProxy.close();
            }
            if (amiProxy != null) {
                amiProxy.close();
            }
            asterisk.close();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
