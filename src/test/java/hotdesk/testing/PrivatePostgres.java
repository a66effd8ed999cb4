package hotdesk.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A PostgreSQL cluster of a test's own ({@code initdb} into a temporary directory, {@code pg_ctl} on a free
 * loopback port, trust authentication, user {@code postgres}), so a test may stop and restart it without
 * touching the shared test database. Where the server binaries are not installed, {@link #assumeBinaries()}
 * skips the test with {@link #SKIP_MESSAGE}. The binaries are found through {@code HOTDESK_TEST_PG_BIN}
 * (the folder holding {@code initdb} and {@code pg_ctl}), else in the Debian layout
 * {@code /usr/lib/postgresql/<version>/bin} (the newest). PostgreSQL refuses to run as root: as root the
 * commands run as the {@code postgres} account ({@code runuser}). {@link #create()} makes and starts one; {@link #close()} stops it at once and
 * deletes its files.
 */
public final class PrivatePostgres implements AutoCloseable {

    public static final String SKIP_MESSAGE = "private-PostgreSQL tests skipped: no initdb/pg_ctl (install the PostgreSQL "
            + "server package or set HOTDESK_TEST_PG_BIN to the folder holding them; as root a 'postgres' account is needed too)";

    private final Path bin;
    private final Path dir;
    private final int port;

    private PrivatePostgres(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** The folder with initdb and pg_ctl, if this machine has one that can be used. */
    public static Optional<Path> binaries() {
        String env = System.getenv("HOTDESK_TEST_PG_BIN");
        Optional<Path> bin;
        if (env != null && !env.isBlank()) {
            bin = Optional.of(Path.of(env)).filter(PrivatePostgres::complete);
        } else {
            try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
                bin = versions.map(v -> v.resolve("bin")).filter(PrivatePostgres::complete)
                        .max(Comparator.comparing(p -> versionOf(p.getParent().getFileName().toString())));
            } catch (IOException e) {
                bin = Optional.empty();
            }
        }
        if (bin.isPresent() && root() && !hasPostgresAccount()) {
            return Optional.empty();
        }
        return bin;
    }

    /** Aborts the calling test (skipped, with {@link #SKIP_MESSAGE}) when there are no usable binaries. */
    public static void assumeBinaries() {
        assumeTrue(binaries().isPresent(), SKIP_MESSAGE);
    }

    /** Creates a cluster in a new temporary directory and starts it. */
    public static PrivatePostgres create() {
        Path bin = binaries().orElseThrow(() -> new IllegalStateException(SKIP_MESSAGE));
        try {
            Path dir = Files.createTempDirectory("hotdesk-pg");
            if (root()) {
                run(List.of("chown", "postgres", dir.toString()));
            }
            PrivatePostgres pg = new PrivatePostgres(bin, dir, RealAsterisk.freeTcpPort());
            pg.asOwner(List.of(bin.resolve("initdb").toString(), "-D", pg.data(), "-A", "trust", "-U", "postgres",
                    "--no-sync"));
            pg.start();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JDBC URL of its {@code postgres} database (user {@code postgres}, no password). */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public int port() {
        return port;
    }

    /** Starts the stopped cluster and waits until it accepts connections. */
    public void start() {
        ctl("start", "-w", "-t", "60", "-l", dir.resolve("server.log").toString(), "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off");
    }

    /** Stops it the way an admin does ({@code -m fast}: sessions are ended, open transactions rolled back). */
    public void stop() {
        ctl("stop", "-w", "-t", "60", "-m", "fast");
    }

    /** {@code pg_ctl restart -m fast}: every connection is cut, then it accepts connections again. */
    public void restart() {
        stop();
        start();
    }

    @Override
    public void close() {
        try {
            ctl("stop", "-w", "-t", "60", "-m", "immediate");
        } catch (RuntimeException e) {
            // already stopped
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    private void ctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", data()));
        cmd.addAll(List.of(args));
        asOwner(cmd);
    }

    private void asOwner(List<String> cmd) {
        List<String> full = new ArrayList<>();
        if (root()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(cmd);
        run(full);
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not end within 90 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", cmd), e);
        }
    }

    private static boolean complete(Path bin) {
        return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"));
    }

    private static int versionOf(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean hasPostgresAccount() {
        try {
            run(List.of("id", "postgres"));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
