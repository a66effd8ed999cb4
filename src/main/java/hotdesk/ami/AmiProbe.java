package hotdesk.ami;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One short AMI session for {@code hotdesk doctor}: connect, log in as hotdesk does (Challenge/MD5,
 * {@code Events: system}), send a few actions one after another and read each answer, with the
 * events of a list answer ({@code EventList: start} … {@code EventList: Complete}). No reconnects, no
 * keep-alive, no background thread: {@link AmiLink} is the connection {@code serve} keeps.
 *
 * <p>Every wait is bounded by {@link AmiSettings#timeout()}. The secret is never sent in clear nor put
 * in an exception. Not thread-safe; close it once.
 */
public final class AmiProbe implements AutoCloseable {

    /** Why a session could not be had; each has its own fix. */
    public enum Problem { UNREACHABLE, TIMEOUT, NOT_AMI, LOGIN_REFUSED, PROTOCOL }

    /** The session failed: {@link #problem()} says how, the message says where and what Asterisk said. */
    public static final class ProbeException extends Exception {
        private final Problem problem;

        ProbeException(Problem problem, String message) {
            super(message);
            this.problem = problem;
        }

        public Problem problem() {
            return problem;
        }
    }

    /**
     * One answer.
     *
     * @param success {@code Response: Success}
     * @param message its {@code Message} header, empty when none
     * @param headers every header of the response (names case-insensitive, first of repeated ones)
     * @param events  the events of a list answer, in order, each as its headers (as {@code headers}); empty otherwise
     * @param systemEventSeen whether an {@code Event: FullyBooted} arrived before this answer since the
     *                        session began (Asterisk sends it at login only to users that may read
     *                        {@code system})
     */
    public record Answer(boolean success, String message, Map<String, String> headers, List<Map<String, String>> events,
                         boolean systemEventSeen) {
        /** The header's value (name case-insensitive), empty when absent. */
        public String header(String name) {
            return headers.getOrDefault(name, "");
        }
    }

    private final AmiSettings settings;
    private final Socket socket;
    private final AmiReader reader;
    private final OutputStream out;
    private int nextId;
    private boolean fullyBootedSeen;
    private String banner = "";

    private AmiProbe(AmiSettings settings, Socket socket) throws IOException {
        this.settings = settings;
        this.socket = socket;
        this.reader = new AmiReader(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects and logs in; the caller closes the probe. */
    public static AmiProbe open(AmiSettings settings) throws ProbeException {
        String where = settings.host() + ":" + settings.port();
        int timeoutMs = (int) settings.timeout().toMillis();
        Socket socket = new Socket();
        AmiProbe probe = null;
        try {
            socket.connect(new InetSocketAddress(settings.host(), settings.port()), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            probe = new AmiProbe(settings, socket);
            String banner = probe.reader.readLine();
            if (banner == null || !banner.startsWith("Asterisk Call Manager/")) {
                throw new ProbeException(Problem.NOT_AMI, where + " is not an Asterisk manager interface (banner '"
                        + (banner == null ? "" : banner.replaceAll("\\p{Cntrl}", "?")) + "')");
            }
            probe.banner = banner;
            probe.login(where);
            return probe;
        } catch (SocketTimeoutException e) {
            close(socket);
            throw new ProbeException(Problem.TIMEOUT, "no answer from " + where + " within " + timeoutMs + " ms");
        } catch (ConnectException e) {
            close(socket);
            throw new ProbeException(Problem.UNREACHABLE, "connection to " + where + " refused");
        } catch (IOException e) {
            close(socket);
            throw new ProbeException(Problem.UNREACHABLE, "cannot talk to " + where + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (ProbeException | RuntimeException e) {
            close(socket);
            throw e;
        }
    }

    private void login(String where) throws IOException, ProbeException {
        Answer challenge = send("Challenge", "AuthType", "MD5");
        String nonce = challenge.header("Challenge");
        if (!challenge.success() || nonce.isEmpty()) {
            throw new ProbeException(Problem.LOGIN_REFUSED, where + " refused the MD5 challenge: " + challenge.message());
        }
        Answer login = send("Login", "Username", settings.user(), "AuthType", "MD5", "Key", md5Hex(nonce + settings.secret()),
                "Events", "system");
        if (!login.success()) {
            throw new ProbeException(Problem.LOGIN_REFUSED, "login as '" + settings.user() + "' at " + where + " refused: "
                    + login.message());
        }
    }

    /** The banner, e.g. {@code Asterisk Call Manager/11.0.0}. */
    public String banner() {
        return banner;
    }

    /**
     * Sends one action and waits for its answer (and the events of a list answer).
     *
     * @param headers name/value pairs, flattened
     * @throws IOException on a broken connection or when no answer comes within the timeout
     */
    public Answer send(String action, String... headers) throws IOException {
        String id = "doctor-" + (++nextId);
        out.write(AmiMessage.encode(action, id, headers));
        out.flush();
        Map<String, String> response = next(id, true);
        boolean success = "Success".equalsIgnoreCase(response.get("Response"));
        List<Map<String, String>> events = new ArrayList<>();
        if (success && "start".equalsIgnoreCase(response.getOrDefault("EventList", ""))) {
            while (true) {
                Map<String, String> e = next(id, false);
                if ("Complete".equalsIgnoreCase(e.getOrDefault("EventList", ""))) {
                    break;
                }
                events.add(e);
            }
        }
        return new Answer(success, response.getOrDefault("Message", ""), response, List.copyOf(events), fullyBootedSeen);
    }

    /** The next message of this action (a response when {@code response}, else an event), skipping others. */
    private Map<String, String> next(String id, boolean response) throws IOException {
        while (true) {
            Map<String, String> m = readMessage();
            boolean isResponse = m.containsKey("Response");
            if (!isResponse && "FullyBooted".equalsIgnoreCase(m.get("Event"))) {
                fullyBootedSeen = true;
            }
            if (id.equals(m.get("ActionID")) && (response ? isResponse : !isResponse && m.containsKey("Event"))) {
                return m;
            }
        }
    }

    /** One message as its headers (names case-insensitive, the first of repeated ones wins), as AmiMessage reads it. */
    private Map<String, String> readMessage() throws IOException {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int lines = 0;
        while (true) {
            String line = reader.readLine();
            if (line == null) {
                throw new IOException("Asterisk closed the AMI connection");
            }
            if (line.isEmpty()) {
                if (lines > 0) {
                    return Collections.unmodifiableMap(h);
                }
                continue;
            }
            if (++lines > 10_000) {
                throw new IOException("AMI message with more than 10000 lines");
            }
            int colon = line.indexOf(':');
            h.putIfAbsent(colon < 0 ? "" : line.substring(0, colon).strip(),
                    colon < 0 ? line : line.substring(colon + 1).stripLeading());
        }
    }

    @Override
    public void close() {
        try {
            socket.setSoTimeout(Math.max(1, (int) Math.min(settings.timeout().toMillis(), 1000)));
            out.write(AmiMessage.encode("Logoff", "doctor-logoff"));
            out.flush();
        } catch (IOException e) {
            // closing anyway
        }
        close(socket);
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    private static String md5Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }
}
