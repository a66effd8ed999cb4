package hotdesk.app;

import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.policy.LoginLimits;
import hotdesk.core.policy.SeatingPolicy;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.usecase.LogIn;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run of the class archive the wrappers give every command, {@code serve} included
 * ({@code scripts/hotdesk}, {@code scripts/install}, the systemd unit, the Dockerfile): started as
 * {@code java -XX:ArchiveClassesAtExit=hotdesk.jsa -cp hotdesk.jar hotdesk.app.ClassArchive}, it runs the commands
 * whose start matters most ({@code status}, {@code status --json}, {@code device list}, {@code user list}) on a
 * throw-away ledger of one desk and one seated user, then starts and stops {@code serve} on that ledger (every
 * listener on a free loopback port, Asterisk unreachable: the classes of its start, not of a working link), so
 * the JVM writes every class they load into the archive when it exits. A command started with {@code -XX:SharedArchiveFile} then maps those classes instead of loading,
 * verifying and linking them from the jar (BENCHMARKS.md, "CLI at scale"). The archive holds no data of any
 * ledger. Exits 0 when every command succeeded, 1 otherwise (then the wrapper keeps no archive).
 */
public final class ClassArchive {

    private ClassArchive() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("hotdesk-class-archive");
        boolean ok;
        try {
            ok = train(dir);
        } finally {
            delete(dir); // before exiting: System.exit runs no finally block
        }
        System.exit(ok ? 0 : 1);
    }

    /** Runs the commands on a new ledger in {@code dir}; false when one of them failed (printed on stderr). */
    static boolean train(Path dir) {
        List<String> settings = List.of("--set", "db.path=" + dir.resolve("ledger"), "--set", "security.pin-iterations=1000",
                "--set", "node.name=archive");
        boolean ok = run(settings, List.of(List.of("--version"),
                List.of("user", "add", "101", "--name", "Class Archive", "--pin", PIN),
                List.of("device", "add", MAC, "--model", "T54W", "--label", "Desk 1")));
        if (ok) {
            // a seated user, so status walks an occupied line too
            try (Database db = Database.open(DatabaseSettings.embedded(dir.resolve("ledger")))) {
                LogIn.Result r = new LogIn(db.ledger(), new SecretHasher(1000, new SecureRandom()),
                        new SeatingPolicy(LoginLimits.defaults(), MultiLogin.SINGLE), targets -> false, Clock.systemUTC())
                        .execute(Mac.parse(MAC).endpointId(), new LogIn.Pin(Extension.of("101"), PIN), "class archive");
                if (!(r instanceof LogIn.LoggedIn)) {
                    System.err.println("hotdesk class archive: the login was refused: " + r);
                    ok = false;
                }
            }
        }
        return ok && run(settings, List.of(List.of("status"), List.of("status", "--json"), List.of("device", "list"),
                List.of("device", "list", "--json"), List.of("user", "list"), List.of("user", "list", "--json")))
                && serve(dir);
    }

    /**
     * Starts {@code serve} on the training ledger and stops it: a cold start loads some 5,000 classes (Jetty,
     * Flyway's check, asterisk-java, Velocity, the metrics registry), and mapping them from the archive takes
     * about a third off the CPU a start costs (BENCHMARKS.md, "Ready after start"). Asterisk is not there: the
     * AMI link and ARI fail and retry in the background, which loads their classes too.
     */
    static boolean serve(Path dir) {
        Map<String, String> settings = new java.util.HashMap<>();
        settings.put("db.path", dir.resolve("ledger").toString());
        settings.put("security.pin-iterations", "1000");
        settings.put("node.name", "archive");
        settings.put("agi.port", "0");
        settings.put("provisioning.port", "0");
        settings.put("metrics.port", Integer.toString(freePort()));
        settings.put("ami.port", Integer.toString(freePort()));
        settings.put("ari.url", "http://127.0.0.1:" + freePort() + "/ari");
        try (Server server = new Server(Config.load(null, Map.of(), settings))) {
            server.start();
            return true;
        } catch (RuntimeException e) {
            System.err.println("hotdesk class archive: serve did not start: " + e);
            return false;
        }
    }

    /** A loopback port nobody listened on a moment ago: closed again at once, so a connection to it is refused. */
    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static final String PIN = "583920";
    private static final String MAC = "00:15:65:00:00:01";

    private static boolean run(List<String> settings, List<List<String>> commands) {
        boolean ok = true;
        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(settings);
            args.addAll(command);
            StringWriter err = new StringWriter();
            int code = Main.run(args.toArray(String[]::new), Map.of(), new PrintWriter(new StringWriter()),
                    new PrintWriter(err, true));
            if (code != 0) {
                System.err.println("hotdesk class archive: " + String.join(" ", command) + " exited " + code + ": " + err);
                ok = false;
            }
        }
        return ok;
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
