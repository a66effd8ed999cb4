package hotdesk.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real SIP phone for the whole-loop test: Debian's baresip, registered with one account on loopback,
 * driven through its {@code ctrl_tcp} module (JSON netstrings: commands such as {@code dial}, events
 * such as {@code REGISTER_OK}, {@code CALL_INCOMING}, {@code CALL_CLOSED}) and run with its SIP trace,
 * which shows every request it receives (a {@code check-sync} NOTIFY among them). No terminal: the
 * stdio module is left out. Its wildcard binds are turned to loopback by the kit's LD_PRELOAD shim when
 * a C compiler is there to build it.
 */
public final class Baresip implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/baresip");

    private final Process process;
    private final Path output;
    private final Socket control;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final ObjectMapper json = new ObjectMapper();

    /** Aborts the test (skipped) where baresip is not installed ({@code run-asterisk deps} installs it). */
    public static void assumeInstalled() {
        assumeTrue(Files.isExecutable(BINARY), "whole-loop phone test skipped: baresip is not installed "
                + "(the Asterisk kit's 'run-asterisk deps' installs it)");
    }

    /** Starts baresip in {@code dir} registering {@code user}/{@code password} at 127.0.0.1:{@code sipPort}. */
    public static Baresip start(Path dir, Path kitScript, int sipPort, String user, String password) throws IOException {
        return start(dir, kitScript, sipPort, user, password, "127.0.0.1");
    }

    /**
     * As {@link #start(Path, Path, int, String, String)}, its SIP socket bound to {@code source} (another
     * loopback address such as {@code 127.0.0.2}), so Asterisk sees its requests come from there.
     */
    public static Baresip start(Path dir, Path kitScript, int sipPort, String user, String password, String source)
            throws IOException {
        Files.createDirectories(dir);
        int listen = RealAsterisk.freeUdpPort();
        int ctrl = RealAsterisk.freeTcpPort();
        int rtp = 12_000 + (listen % 3_000) * 2;
        Files.writeString(dir.resolve("config"), """
                sip_listen %s:%d
                module_path /usr/lib/baresip/modules
                module g711.so
                module aubridge.so
                module_app account.so
                module_app menu.so
                module_app ctrl_tcp.so
                ctrl_tcp_listen 127.0.0.1:%d
                audio_player aubridge,phone
                audio_source aubridge,phone
                audio_alert aubridge,phone
                rtp_ports %d-%d
                """.formatted(source, listen, ctrl, rtp, rtp + 20));
        Files.writeString(dir.resolve("accounts"), "<sip:" + user + "@127.0.0.1:" + sipPort + ">;auth_pass=" + password
                + ";regint=120;answermode=manual;audio_codecs=PCMU\n");
        ProcessBuilder pb = new ProcessBuilder(BINARY.toString(), "-4", "-s", "-f", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("baresip.out").toFile());
        Path shim = shim(dir, kitScript);
        if (shim != null) {
            pb.environment().put("LD_PRELOAD", shim.toString());
        }
        Process p = pb.start();
        Socket socket = await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> new Socket(InetAddress.getLoopbackAddress(), ctrl), s -> s != null);
        return new Baresip(p, dir.resolve("baresip.out"), socket);
    }

    private Baresip(Process process, Path output, Socket control) {
        this.process = process;
        this.output = output;
        this.control = control;
        Thread reader = new Thread(this::readEvents, "baresip-events");
        reader.setDaemon(true);
        reader.start();
    }

    /** Sends one command, e.g. {@code dial sip:*71@127.0.0.1:5060}. */
    public void command(String command, String params) {
        ObjectMapper m = json;
        String body;
        try {
            body = m.writeValueAsString(java.util.Map.of("command", command, "params", params, "token", "t"));
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = control.getOutputStream();
            out.write((b.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.write(',');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code type} of every event so far, in order. */
    public List<String> eventTypes() {
        return events.stream().filter(e -> e.path("event").asBoolean()).map(e -> e.path("type").asText()).toList();
    }

    /** How many events of {@code type} came so far. */
    public long count(String type) {
        return eventTypes().stream().filter(type::equals).count();
    }

    /** Everything baresip printed, its SIP trace included. */
    public String output() {
        try {
            return Files.readString(output, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many requests of {@code method} it received carrying the header line {@code header}. */
    public long received(String method, String header) {
        // the trace prints each message after a line "#" and a line "UDP <from> -> <to>"
        String[] lines = output().replaceAll("\u001B\\[[0-9;]*m", "").replace("\r", "").split("\n");
        long n = 0;
        for (int i = 0; i + 2 < lines.length; i++) {
            if (lines[i].equals("#") && lines[i + 1].startsWith("UDP ") && lines[i + 2].startsWith(method + " ")) {
                for (int j = i + 3; j < lines.length && !lines[j].isEmpty() && !lines[j].equals("#"); j++) {
                    if (lines[j].equals(header)) {
                        n++;
                        break;
                    }
                }
            }
        }
        return n;
    }

    @Override
    public void close() {
        try {
            control.close();
        } catch (IOException e) {
            // the process is stopped next anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void readEvents() {
        try {
            InputStream in = control.getInputStream();
            while (true) {
                int length = 0;
                int c;
                while ((c = in.read()) != ':') {
                    if (c < 0) {
                        return;
                    }
                    if (c < '0' || c > '9') {
                        continue;
                    }
                    length = length * 10 + (c - '0');
                }
                byte[] body = in.readNBytes(length);
                in.read(); // the trailing comma
                events.add(json.readTree(body));
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static Path shim(Path dir, Path kitScript) {
        Path source = kitScript.getParent().resolve("bind_loopback.c");
        Path lib = dir.resolve("bind_loopback.so");
        if (!Files.exists(source)) {
            return null;
        }
        try {
            Process gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-o", lib.toString(), source.toString(), "-ldl")
                    .redirectErrorStream(true).start();
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            gcc.getInputStream().transferTo(sink);
            return gcc.waitFor(60, TimeUnit.SECONDS) && gcc.exitValue() == 0 ? lib : null;
        } catch (IOException e) {
            return null; // no compiler: baresip still works, some of its sockets bind the wildcard address
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
