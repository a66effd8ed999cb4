package hotdesk.ami;

import hotdesk.core.port.PbxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static hotdesk.ami.AmiText.shown;

/**
 * One TCP connection to Asterisk's manager interface, from connect to end: banner, Challenge/MD5
 * login with {@code Events: system,user}, then the read loop that hands each response to the action
 * waiting for it (by {@code ActionID}), passes {@code FullyBooted} and user events on, ends at {@code Shutdown} or
 * EOF, and keeps the connection alive: after the ping interval without any message it sends
 * {@code Ping}; no answer within the timeout ends the session.
 *
 * <p>{@link #run} runs on the link's thread and returns how the connection ended; {@link #call} may
 * be used from any thread while {@link #usable()}; {@link #end} from any thread. A session is used
 * once: the link makes a new one for every connection.
 */
final class AmiSession {

    /** How one connection ended. */
    record Outcome(boolean wasLoggedIn, boolean loginRefused, boolean shutdown, String problem) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(AmiSession.class);
    private static final String SHUTDOWN = "Asterisk announced Shutdown: ";

    private final AmiSettings settings;
    private final String where;
    private final long timeoutMs;
    private final long pingIntervalNanos;
    private final AtomicLong actionIds;
    private final Socket socket = new Socket();
    private final ConcurrentHashMap<String, CompletableFuture<AmiMessage>> pending = new ConcurrentHashMap<>();
    /** List answers being read ({@code EventList: start} … {@code Complete}), by ActionID. */
    private final ConcurrentHashMap<String, ListAnswer> lists = new ConcurrentHashMap<>();

    /** The events of one list answer, complete at its {@code EventList: Complete} event. */
    private static final class ListAnswer {
        final java.util.function.Function<AmiMessage, ?> keep;
        final List<Object> items = new java.util.ArrayList<>();
        final CompletableFuture<List<Object>> done = new CompletableFuture<>();

        ListAnswer(java.util.function.Function<AmiMessage, ?> keep) {
            this.keep = keep;
        }
    }
    private AmiReader reader;
    private OutputStream out;
    private volatile boolean loggedIn;
    private volatile String ended;

    /**
     * @param actionIds shared by the link's sessions, so an answer that arrives late on a new
     *                  connection can never be taken for another action's
     */
    AmiSession(AmiSettings settings, String where, long timeoutMs, long pingIntervalNanos, AtomicLong actionIds) {
        this.settings = settings;
        this.where = where;
        this.timeoutMs = timeoutMs;
        this.pingIntervalNanos = pingIntervalNanos;
        this.actionIds = actionIds;
    }

    /** Logged in on a connection that has not ended nor announced a shutdown. */
    boolean usable() {
        return loggedIn && ended == null;
    }

    /** Written by the reader thread only; read by the link when the session has ended. */
    private volatile long lastHeard = System.nanoTime();

    /**
     * Connects, logs in and reads until the connection ends.
     *
     * @param onLoggedIn    called with Asterisk's banner once the login succeeded, before any event is read
     * @param onFullyBooted called on this thread for every {@code FullyBooted}; must not block
     * @param onUserEvent   called on this thread for every {@code UserEvent}; must not block
     * @param onHangup      called on this thread for every {@code Hangup} and {@code ContactStatus} event; must not block
     */
    Outcome run(Consumer<String> onLoggedIn, Consumer<AmiMessage> onFullyBooted, Consumer<AmiMessage> onUserEvent,
                Consumer<AmiMessage> onHangup) {
        try {
            // a timeout is at most 5 minutes (AmiSettings), so it fits an int
            socket.connect(new InetSocketAddress(settings.host(), settings.port()), (int) timeoutMs);
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.setSoTimeout((int) timeoutMs);
            reader = new AmiReader(socket.getInputStream());
            out = socket.getOutputStream();
            String banner = reader.readLine();
            if (banner == null) {
                return new Outcome(false, false, false, "connection closed before the banner");
            }
            if (!banner.startsWith("Asterisk Call Manager/")) {
                return new Outcome(false, false, false, "the peer is not an Asterisk manager interface (banner '"
                        + shown(banner) + "')");
            }
            String challengeId = nextId("challenge");
            AmiMessage challenge = exchange(AmiMessage.encode("Challenge", challengeId, "AuthType", "MD5"), challengeId);
            String nonce = challenge.get("Challenge");
            if (!challenge.isSuccess() || nonce == null || nonce.isEmpty()) {
                return new Outcome(false, false, false, "Asterisk refused the MD5 challenge: "
                        + shown(challenge.getOrEmpty("Message")));
            }
            String loginId = nextId("login");
            AmiMessage login = exchange(AmiMessage.encode("Login", loginId, "Username", settings.user(), "AuthType", "MD5",
                    "Key", md5Hex(nonce + settings.secret()), "Events", "system,user,call"), loginId);
            if (!login.isSuccess()) {
                return new Outcome(false, true, false, shown(login.getOrEmpty("Message")));
            }
            socket.setSoTimeout((int) Math.max(10, Math.min(pingIntervalNanos / 1_000_000, timeoutMs) / 4));
            loggedIn = true;
            onLoggedIn.accept(banner);
            return readLoop(onFullyBooted, onUserEvent, onHangup);
        } catch (IOException e) {
            return new Outcome(loggedIn, false, false, reason(e));
        }
    }

    /**
     * Sends one action and waits at most {@code waitMs} for its response.
     *
     * @return the response, or null when the session is not (any more) usable and nothing was sent
     * @throws PbxException retryable, for a timeout or a connection lost while sending or waiting
     */
    AmiMessage call(String what, long waitMs, String action, String... headers) {
        Listed answer = send(what, waitMs, false, action, headers);
        return answer == null ? null : answer.response();
    }

    /**
     * Sends one action whose answer is a list ({@code EventList: start}, events, {@code EventList: Complete})
     * and waits at most {@code waitMs} for the response and as long again for the list's end.
     *
     * @return the response and the list's events (none when the response is not a success), or null when
     *         the session is not usable and nothing was sent
     * @throws PbxException retryable, for a timeout or a connection lost
     */
    Listed callList(String what, long waitMs, String action, String... headers) {
        Kept<AmiMessage> kept = send(what, waitMs, m -> m, action, headers);
        return kept == null ? null : new Listed(kept.response(), kept.items());
    }

    /**
     * As {@link #callList}, keeping of each event only what {@code keep} makes of it (null: nothing), as the events
     * arrive: a list of tens of thousands of events then need not be held as messages.
     */
    <T> Kept<T> callList(String what, long waitMs, java.util.function.Function<AmiMessage, T> keep, String action,
                         String... headers) {
        return send(what, waitMs, keep, action, headers);
    }

    /** A list answer's response and what was kept of its events. */
    record Kept<T>(AmiMessage response, List<T> items) {
    }

    private Listed send(String what, long waitMs, boolean isList, String action, String... headers) {
        Kept<AmiMessage> kept = send(what, waitMs, isList ? m -> m : null, action, headers);
        return kept == null ? null : new Listed(kept.response(), kept.items());
    }

    @SuppressWarnings("unchecked")
    private <T> Kept<T> send(String what, long waitMs, java.util.function.Function<AmiMessage, T> keep, String action,
                             String... headers) {
        boolean isList = keep != null;
        String id = nextId(action.toLowerCase(Locale.ROOT));
        byte[] bytes = AmiMessage.encode(action, id, headers); // IllegalArgumentException before any I/O
        CompletableFuture<AmiMessage> answer = new CompletableFuture<>();
        ListAnswer list = isList ? new ListAnswer(keep) : null;
        pending.put(id, answer);
        if (list != null) {
            lists.put(id, list);
        }
        try {
            if (!usable()) {
                return null;
            }
            write(bytes);
            AmiMessage response = answer.get(waitMs, TimeUnit.MILLISECONDS);
            if (list == null || !response.isSuccess()) {
                return new Kept<>(response, List.of());
            }
            return new Kept<>(response, (List<T>) list.done.get(waitMs, TimeUnit.MILLISECONDS));
        } catch (IOException e) {
            String why = reason(e);
            end(why);
            throw new PbxException("AMI " + what + " → connection lost while sending: " + why + " (" + where + ")", true, e);
        } catch (TimeoutException e) {
            throw new PbxException("AMI " + what + " → no " + (isList ? "(complete) " : "") + "answer after " + waitMs + " ms ("
                    + where + ")", true);
        } catch (ExecutionException e) {
            throw new PbxException("AMI " + what + " → connection lost before the answer: " + e.getCause().getMessage()
                    + " (" + where + ")", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PbxException("AMI " + what + " → interrupted while waiting for the answer (" + where + ")", true, e);
        } finally {
            pending.remove(id);
            lists.remove(id);
        }
    }

    /** A list answer: the response and the events between start and Complete. */
    record Listed(AmiMessage response, List<AmiMessage> items) {
    }

    /** Ends the session: no more actions, the socket closed, everyone waiting told why. Idempotent. */
    void end(String why) {
        if (ended == null) {
            ended = why;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        IOException cause = new EOFException(ended);
        pending.values().forEach(f -> f.completeExceptionally(cause));
        lists.values().forEach(l -> l.done.completeExceptionally(cause));
    }

    /** When this session last read a message from Asterisk ({@link System#nanoTime()}); its login, before the first. */
    long lastHeardNanos() {
        return lastHeard;
    }

    /** Reads until the connection ends; answers responses, passes events on, keeps the link alive. */
    private Outcome readLoop(Consumer<AmiMessage> onFullyBooted, Consumer<AmiMessage> onUserEvent,
                             Consumer<AmiMessage> onHangup) throws IOException {
        lastHeard = System.nanoTime();
        String pingId = null;
        long pingSent = 0;
        while (true) {
            AmiMessage m;
            try {
                m = reader.readMessage();
            } catch (SocketTimeoutException idle) {
                long now = System.nanoTime();
                if (pingId != null) {
                    if (now - pingSent >= TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
                        return new Outcome(true, false, false, "no answer to a keep-alive Ping within " + timeoutMs + " ms");
                    }
                } else if (now - lastHeard >= pingIntervalNanos) {
                    pingId = nextId("ping");
                    pingSent = now;
                    write(AmiMessage.encode("Ping", pingId));
                }
                continue;
            }
            if (m == null) {
                return new Outcome(true, false, false, "Asterisk closed the connection");
            }
            lastHeard = System.nanoTime();
            if (m.isResponse()) {
                String id = m.get("ActionID");
                if (id != null && id.equals(pingId)) {
                    pingId = null;
                } else {
                    CompletableFuture<AmiMessage> f = id == null ? null : pending.remove(id);
                    if (f == null || !f.complete(m)) {
                        LOG.debug("AMI answer nobody waits for (any more): {}", m);
                    }
                }
            } else if (m.isEvent()) {
                String event = m.get("Event");
                String listId = m.get("ActionID");
                ListAnswer list = listId == null ? null : lists.get(listId);
                if (list != null) {
                    if ("Complete".equalsIgnoreCase(m.getOrEmpty("EventList"))) {
                        list.done.complete(java.util.Collections.unmodifiableList(list.items));
                    } else {
                        Object kept = list.keep.apply(m);
                        if (kept != null) {
                            list.items.add(kept);
                        }
                    }
                } else if ("Hangup".equalsIgnoreCase(event) || "ContactStatus".equalsIgnoreCase(event)) {
                    onHangup.accept(m);
                } else if ("FullyBooted".equalsIgnoreCase(event)) {
                    onFullyBooted.accept(m);
                } else if ("UserEvent".equalsIgnoreCase(event)) {
                    onUserEvent.accept(m);
                } else if ("Shutdown".equalsIgnoreCase(event)) {
                    String why = SHUTDOWN + shown(m.getOrEmpty("Shutdown")) + ", Restart: " + shown(m.getOrEmpty("Restart"));
                    end("Asterisk is shutting down");
                    return new Outcome(true, false, true, why);
                }
            }
        }
    }

    private synchronized void write(byte[] bytes) throws IOException {
        if (ended != null) {
            throw new EOFException(ended);
        }
        out.write(bytes);
        out.flush();
    }

    /** Sends one action and reads until its response (only while logging in, on the link's thread). */
    private AmiMessage exchange(byte[] action, String id) throws IOException {
        write(action);
        while (true) {
            AmiMessage m = reader.readMessage();
            if (m == null) {
                throw new EOFException("Asterisk closed the connection during login");
            }
            if (m.isResponse() && id.equals(m.get("ActionID"))) {
                return m;
            }
        }
    }

    private String nextId(String what) {
        return "hotdesk-" + what + "-" + actionIds.incrementAndGet();
    }

    private String reason(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return "no answer within " + timeoutMs + " ms";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host '" + settings.host() + "'";
        }
        if (e instanceof EOFException) {
            return shown(String.valueOf(e.getMessage()));
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + shown(m));
    }

    private static String md5Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }
}
