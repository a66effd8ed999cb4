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
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One short AMI session for {@code hotdesk doctor} and {@code hotdesk emergency test}: connect, log in
 * as hotdesk does (Challenge/MD5, {@code Events: system} unless told otherwise), send a few actions
 * one after another and read each answer, with the events of a list answer ({@code EventList: start}
 * … {@code EventList: Complete}); user events that arrive meanwhile are kept for {@link
 * #awaitUserEvent}. No reconnects, no keep-alive, no background thread: {@link AmiLink} is the
 * connection {@code serve} keeps.
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
    /** At most this many user events are kept unclaimed; older ones are dropped. */
    static final int MAX_KEPT_EVENTS = 1000;

    private int nextId;
    private boolean fullyBootedSeen;
    private final Deque<Map<String, String>> userEvents = new ArrayDeque<>();
    private String banner = "";

    private AmiProbe(AmiSettings settings, Socket socket) throws IOException {
        this.settings = settings;
        this.socket = socket;
        this.reader = new AmiReader(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects and logs in with {@code Events: system}; the caller closes the probe. */
    public static AmiProbe open(AmiSettings settings) throws ProbeException {
        return open(settings, "system");
    }

    /**
     * Connects and logs in asking for the events of these classes (comma-separated, e.g. {@code user});
     * the caller closes the probe.
     */
    public static AmiProbe open(AmiSettings settings, String events) throws ProbeException {
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
            probe.login(where, events);
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

    private void login(String where, String events) throws IOException, ProbeException {
        Answer challenge = send("Challenge", "AuthType", "MD5");
        String nonce = challenge.header("Challenge");
        if (!challenge.success() || nonce.isEmpty()) {
            throw new ProbeException(Problem.LOGIN_REFUSED, where + " refused the MD5 challenge: " + challenge.message());
        }
        Answer login = send("Login", "Username", settings.user(), "AuthType", "MD5", "Key", md5Hex(nonce + settings.secret()),
                "Events", events);
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
        return send(settings.timeout(), action, headers);
    }

    /**
     * As {@link #send(String, String...)}, waiting at most {@code wait} for the answer (e.g. a
     * synchronous Originate, answered only once the call is).
     */
    public Answer send(Duration wait, String action, String... headers) throws IOException {
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, wait.toMillis())));
        try {
            return exchange(action, headers);
        } finally {
            socket.setSoTimeout((int) settings.timeout().toMillis());
        }
    }

    private Answer exchange(String action, String... headers) throws IOException {
        String id = "hotdesk-probe-" + (++nextId);
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

    /**
     * The first user event (already received or arriving before {@code wait} is over) that {@code which}
     * accepts, taken out of those kept; empty when none came in time. Other messages read meanwhile are
     * kept (user events) or dropped.
     *
     * @throws IOException when the connection broke
     */
    public Optional<Map<String, String>> awaitUserEvent(Predicate<Map<String, String>> which, Duration wait) throws IOException {
        for (Iterator<Map<String, String>> it = userEvents.iterator(); it.hasNext(); ) {
            Map<String, String> e = it.next();
            if (which.test(e)) {
                it.remove();
                return Optional.of(e);
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return Optional.empty();
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                Map<String, String> m;
                try {
                    m = readMessage();
                } catch (SocketTimeoutException e) {
                    return Optional.empty(); // the reader keeps a message cut by the timeout for the next read
                }
                if (isUserEvent(m)) {
                    if (which.test(m)) {
                        return Optional.of(m);
                    }
                    keep(m);
                }
            }
        } finally {
            socket.setSoTimeout((int) settings.timeout().toMillis());
        }
    }

    /** The next message of this action (a response when {@code response}, else an event), keeping user events. */
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
            if (isUserEvent(m)) {
                keep(m);
            }
        }
    }

    private static boolean isUserEvent(Map<String, String> m) {
        return AmiEmergencyEvents.userEventName(m) != null;
    }

    private void keep(Map<String, String> userEvent) {
        if (userEvents.size() == MAX_KEPT_EVENTS) {
            userEvents.removeFirst();
        }
        userEvents.addLast(userEvent);
    }

    /**
     * One message as its headers (names case-insensitive, the first of repeated ones wins). A read timeout
     * may cut a message anywhere: the reader keeps what it has read for the next call.
     */
    private Map<String, String> readMessage() throws IOException {
        AmiMessage m = reader.readMessage();
        if (m == null) {
            throw new IOException("Asterisk closed the AMI connection");
        }
        return m.headers();
    }

    @Override
    public void close() {
        try {
            socket.setSoTimeout(Math.max(1, (int) Math.min(settings.timeout().toMillis(), 1000)));
            out.write(AmiMessage.encode("Logoff", "hotdesk-probe-logoff"));
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
