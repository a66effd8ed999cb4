package hotdesk.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real Asterisk 22 from the project's test kit ({@code run-asterisk}, see the README's "Tests"),
 * started on loopback in a directory of the test's own, on free ports, with the files
 * {@code hotdesk asterisk-conf} generates in {@code conf/hotdesk/} exactly as an admin installs them.
 *
 * <p>The kit is found through {@code HOTDESK_ASTERISK_KIT} (the {@code run-asterisk} script or its
 * folder) or at {@code ../shared/asterisk/real/run-asterisk} beside the project. Where there is none,
 * {@link #assumeKit()} aborts the test with one message (reported as skipped); where there is one, a
 * failure to start is an error, never a skip.
 *
 * <p>Each instance gets its own SIP (UDP), HTTP/ARI and AMI ports, so test classes never collide.
 * {@link #close()} stops it, also after a failed test (use it in {@code @AfterAll} or try-with-resources).
 */
public final class RealAsterisk implements AutoCloseable {

    public static final String SKIP_MESSAGE = "real-Asterisk tests skipped: no test kit (set HOTDESK_ASTERISK_KIT to "
            + "the run-asterisk script, or place the kit at ../shared/asterisk/real beside the project)";

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final Path script;
    private final Path dir;
    /** The config directory it was started with, for {@link #start()}. */
    private final Path conf;
    private final int sipPort;
    private final int httpPort;
    private final int amiPort;

    private RealAsterisk(Path script, Path dir, Path conf, int sipPort, int httpPort, int amiPort) {
        this.script = script;
        this.dir = dir;
        this.conf = conf;
        this.sipPort = sipPort;
        this.httpPort = httpPort;
        this.amiPort = amiPort;
    }

    /** The kit's {@code run-asterisk} script, if this machine has the kit. */
    public static Optional<Path> kit() {
        String env = System.getenv("HOTDESK_ASTERISK_KIT");
        Path candidate;
        if (env != null && !env.isBlank()) {
            candidate = Path.of(env);
            if (Files.isDirectory(candidate)) {
                candidate = candidate.resolve("run-asterisk");
            }
        } else {
            candidate = Path.of("").toAbsolutePath().resolve("../shared/asterisk/real/run-asterisk").normalize();
        }
        return Files.isExecutable(candidate) ? Optional.of(candidate) : Optional.empty();
    }

    /** Aborts the calling test (skipped, with {@link #SKIP_MESSAGE}) when there is no kit. */
    public static void assumeKit() {
        assumeTrue(kit().isPresent(), SKIP_MESSAGE);
    }

    /**
     * Starts an Asterisk in {@code dir}: the kit's base config with free ports, {@code hotdeskFiles}
     * called with {@code conf/hotdesk} to write hotdesk's generated files there, then {@code adjust}
     * with the whole config directory for what a test adds (an endpoint in pjsip.conf, a trunk).
     */
    public static RealAsterisk start(Path dir, Consumer<Path> hotdeskFiles, Consumer<Path> adjust) {
        Path script = kit().orElseThrow(() -> new IllegalStateException(SKIP_MESSAGE));
        Path conf = dir.resolve("conf");
        try {
            copyTree(script.getParent().resolve("default-etc"), conf);
            int sip = freeUdpPort();
            int http = freeTcpPort();
            int ami = freeTcpPort();
            replace(conf.resolve("pjsip.conf"), "(?m)^bind\\s*=\\s*127\\.0\\.0\\.1:5060$", "bind = 127.0.0.1:" + sip);
            replace(conf.resolve("http.conf"), "(?m)^bindport\\s*=\\s*8088$", "bindport = " + http);
            replace(conf.resolve("manager.conf"), "(?m)^port\\s*=\\s*5038$", "port = " + ami);
            Path hotdesk = conf.resolve("hotdesk");
            Files.createDirectories(hotdesk);
            // the step of asterisk-conf/README.md: desk endpoints name the ACLs of acl_hotdesk.conf
            Files.writeString(conf.resolve("acl.conf"), "\n#tryinclude hotdesk/acl_hotdesk.conf\n",
                    java.nio.file.StandardOpenOption.APPEND);
            hotdeskFiles.accept(hotdesk);
            adjust.accept(conf);
            RealAsterisk a = new RealAsterisk(script, dir.resolve("ast"), conf, sip, http, ami);
            a.run("start", a.dir.toString(), conf.toString());
            return a;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts one with hotdesk's files and nothing else added. */
    public static RealAsterisk start(Path dir, Consumer<Path> hotdeskFiles) {
        return start(dir, hotdeskFiles, conf -> { });
    }

    public URI ariUrl() {
        return URI.create("http://127.0.0.1:" + httpPort + "/ari");
    }

    public int amiPort() {
        return amiPort;
    }

    public int sipPort() {
        return sipPort;
    }

    /** The instance's directory (etc, log, db, spool inside). */
    public Path dir() {
        return dir;
    }

    /** Runs one Asterisk CLI command and returns what it printed. */
    public String rx(String command) {
        return run("rx", dir.toString(), command);
    }

    /** Stops and starts again with the same config; AstDB survives, memory objects do not. */
    public void restart() {
        run("restart", dir.toString());
    }

    public void stop() {
        run("stop", dir.toString());
    }

    /** Starts a {@link #stop() stopped} instance again with the same config and AstDB, like {@link #restart()}. */
    public void start() {
        run("start", dir.toString(), conf.toString());
    }

    public boolean running() {
        try {
            return exec(List.of(script.toString(), "status", dir.toString())).exit == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Asterisk's console log so far (verbose 3: every dialplan step), terminal colours removed. */
    public String log() {
        return read(dir.resolve("log/console.log")).replaceAll("\u001B\\[[0-9;]*m", "");
    }

    /** The CDRs written so far, one CSV line each ({@code cdr_csv} Master.csv). */
    public List<String> cdrs() {
        String text = read(dir.resolve("log/cdr-csv/Master.csv"));
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    /** Runs SIPp from the kit with these arguments (every target must be 127.0.0.1); returns exit code and output. */
    public Result sipp(Path workDir, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(script.toString());
        cmd.add("sipp");
        cmd.addAll(args);
        try {
            return exec(cmd, workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** What a process printed (stdout and stderr together) and how it exited. */
    public record Result(int exit, String output) {
    }

    private String run(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(script.toString());
        cmd.addAll(List.of(args));
        try {
            Result r = exec(cmd);
            if (r.exit != 0) {
                throw new IllegalStateException("run-asterisk " + String.join(" ", args) + " exited " + r.exit + ":\n" + r.output);
            }
            return r.output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Result exec(List<String> cmd) throws IOException {
        return exec(cmd, null);
    }

    private static Result exec(List<String> cmd, Path workDir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Process p = pb.start();
        p.getOutputStream().close();
        // read before waiting, so a chatty process cannot block on a full pipe
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not end within " + COMMAND_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while running " + String.join(" ", cmd), e);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void replace(Path file, String regex, String replacement) throws IOException {
        String text = Files.readString(file);
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("the kit's " + file.getFileName() + " has no line matching " + regex
                    + ": the kit changed, adapt RealAsterisk");
        }
        Files.writeString(file, m.replaceAll(Matcher.quoteReplacement(replacement)));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    /**
     * A TCP port free right now on loopback, drawn from below the kernel's ephemeral range. A port the kernel hands
     * out for {@code bind(0)} comes from the same range it uses for the local end of outgoing connections, so a
     * keep-alive connection made between choosing the port and listening on it could take it (a CI run failed with
     * "Address already in use" that way). Below the range only another test's choice can collide.
     */
    public static int freeTcpPort() throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = candidatePort();
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException taken) {
                last = taken;
            }
        }
        throw new IOException("no free TCP port below the ephemeral range after 200 tries", last);
    }

    /** A UDP port free right now on loopback, drawn from below the kernel's ephemeral range like {@link #freeTcpPort}. */
    public static int freeUdpPort() throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = candidatePort();
            try (DatagramSocket s = new DatagramSocket(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                return port;
            } catch (IOException taken) {
                last = taken;
            }
        }
        throw new IOException("no free UDP port below the ephemeral range after 200 tries", last);
    }

    private static final int EPHEMERAL_LOW = ephemeralLow();

    private static int candidatePort() {
        return 10_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(EPHEMERAL_LOW - 10_000);
    }

    /** The lowest port of the kernel's ephemeral range (Linux's default 32768 where it cannot be read). */
    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > 12_000 ? low : 32_768;
        } catch (IOException | RuntimeException unreadable) {
            return 32_768;
        }
    }
}
