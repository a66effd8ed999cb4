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
 * The training run of the class archive the wrappers give the admin commands ({@code scripts/hotdesk},
 * {@code scripts/install}, the Dockerfile; not {@code serve} nor the {@code user} commands that hash PINs, where
 * PBKDF2 ran about four times slower with it mapped): started as
 * {@code java -XX:ArchiveClassesAtExit=hotdesk.jsa -cp hotdesk.jar hotdesk.app.ClassArchive}, it runs the commands
 * whose start matters most ({@code status}, {@code status --json}, {@code device list}, {@code user list}) on a
 * throw-away ledger of one desk and one seated user, so the JVM writes every class they load into the archive
 * when it exits. {@code serve} is not trained: it runs without the archive. A command started with {@code -XX:SharedArchiveFile} then maps those classes instead of loading,
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
                List.of("device", "list", "--json"), List.of("user", "list"), List.of("user", "list", "--json")));
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
