package hotdesk.ami;

import hotdesk.core.port.DialplanState;
import hotdesk.core.port.PbxException;
import hotdesk.core.port.PhoneResync;
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
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * hotdesk's one connection to Asterisk's manager interface (AMI): it sends check-sync NOTIFYs
 * ({@link #phoneResync()}), writes the dialplan's AstDB facts ({@link #dialplanState()}) and tells
 * the application when Asterisk is (again) fully booted, the moment to reconcile.
 *
 * <p><b>Why a small client of our own, not asterisk-java's ManagerConnection:</b> its login throws
 * while Asterisk is down and it reconnects by itself only after a first successful login (and stops
 * after a rejected one), so a loop of our own was needed around it anyway; on every login it asks
 * for the Asterisk version ({@code CoreSettings}, and when that is refused {@code Command: core show
 * version}, which needs the {@code command} class, i.e. any CLI command); keep-alive needs its
 * extra PingThread; and its reader, event-pump, reconnect and ping threads are not ours to name,
 * bound or stop. The few actions hotdesk needs (Challenge, Login, PJSIPNotify, DBPut, DBDel, Ping,
 * Logoff) fit in one reader thread here, with the exact behaviour recorded from Asterisk 22 and
 * tested against a peer that speaks it.
 *
 * <p><b>Least privilege.</b> It logs in with Challenge/MD5 (the secret never crosses the wire in
 * clear, only its MD5 digest with Asterisk's random challenge; AMI itself is unencrypted, so keep it
 * on loopback or a trusted network) and {@code Events: system}: FullyBooted and Shutdown are both of class {@code system},
 * and so are the actions it sends (PJSIPNotify, DBPut, DBDel; Ping needs none). The manager.conf
 * user needs no more than {@code read = system} and {@code write = system}.
 *
 * <p><b>The unpleasant facts it handles.</b>
 * <ul>
 *   <li>{@link #start()} returns at once; connecting and logging in happen on the link's own thread
 *       and are retried for ever with a bounded backoff ({@value #MIN_BACKOFF_MS} ms doubling to
 *       {@value #MAX_BACKOFF_MS} ms): Asterisk not running yet, refused connects, a closed
 *       connection, a rejected login (retried at the longest interval, so a fixed manager.conf is
 *       picked up without restarting hotdesk, and without hammering Asterisk's fail2ban-watched
 *       security log).</li>
 *   <li>An Asterisk restart shows as {@code Event: Shutdown}, then EOF, about two seconds of refused
 *       connects, then banner, login and {@code Event: FullyBooted} with {@code Uptime: 0}. The link
 *       counts itself down at the Shutdown event already, so callers fail fast.</li>
 *   <li>A dead link (Asterisk hung, a silent network drop) is found by a keep-alive: after
 *       {@value #PING_INTERVAL_MS} ms without any message it sends {@code Ping}; no answer within
 *       {@link AmiSettings#timeout()} closes the connection and the link reconnects.</li>
 *   <li>{@code onFullyBooted} runs on its own thread for every FullyBooted (first connect and each
 *       restart or reconnect), so a long reconcile never stalls the AMI reader; an exception from it
 *       is logged and the link stays up. A FullyBooted that arrives while a run is already queued
 *       (not yet started) is merged into it: that run sees the newest state anyway.</li>
 *   <li>While the link is down every action fails at once with a retryable {@link PbxException}
 *       instead of waiting for the timeout; the reconciler repeats it after the next FullyBooted.</li>
 *   <li>{@code Response: Success} to PJSIPNotify means "queued", never "delivered": Asterisk answers
 *       it even when the endpoint has no registered contact and nothing was sent. Only the phone's
 *       config fetch proves it acted.</li>
 *   <li>Messages may carry a bare LF and stray empty lines (see {@link AmiReader}); header values
 *       with CR, LF or other control characters are refused before anything is sent, so no value can
 *       smuggle in another action.</li>
 * </ul>
 *
 * <p>The secret is never logged nor put in an exception. Thread-safe; the port methods block for at
 * most {@link AmiSettings#timeout()} per action. Threads: one reader ({@code hotdesk-ami-N}) and one
 * for the callback ({@code hotdesk-ami-N-booted}), both daemons, both ended by {@link #close()}.
 */
public final class AmiLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AmiLink.class);

    /** AstDB family of every fact hotdesk writes. */
    static final String FAMILY = "hotdesk";
    static final long PING_INTERVAL_MS = 15_000;
    static final long MIN_BACKOFF_MS = 250;
    static final long MAX_BACKOFF_MS = 5_000;
    static final long RESTART_GRACE_MS = 30_000;
    /** Asterisk's AstDB limit: "/family/key" must stay under 255 bytes; values are read back into 256. */
    private static final int MAX_DB_BYTES = 255;
    private static final int MAX_SHOWN = 200;
    /** DBGet of a missing key, and DBDel of a missing key on some Asterisk versions. */
    private static final String NOT_FOUND = "Database entry not found";
    /** Asterisk 22's DBDel answer both for a missing key and for a delete that failed in SQLite. */
    private static final String NOT_DELETED = "Database entry could not be deleted";
    private static final String SHUTDOWN = "Asterisk announced Shutdown: ";
    private static final AtomicInteger LINKS = new AtomicInteger();

    private final AmiSettings settings;
    private final Runnable onFullyBooted;
    private final long pingIntervalNanos;
    private final long minBackoffMs;
    private final long maxBackoffMs;
    private final long timeoutMs;
    private final String where;
    private final String threadName;
    private final AtomicLong actionIds = new AtomicLong();
    private final ExecutorService callbacks;
    private final AtomicBoolean callbackQueued = new AtomicBoolean();
    private final PhoneResync phoneResync = this::checkSync;
    private final DialplanState dialplanState = this::putFacts;

    private final Object lifecycle = new Object();
    private Thread supervisor; // guarded by lifecycle
    private volatile boolean closed;
    /** The logged-in session actions go to, else null. */
    private volatile Session session;
    /** The session being set up or in use, so close() can cut it. */
    private volatile Session current;
    private volatile Thread callbackThread;
    /** Why the link is down, for fail-fast messages and for logging each new problem once. */
    private volatile String lastProblem = "not started";
    // what report() last logged above DEBUG and since when the link is down; the link's thread only
    private String reported;
    private long downSince = System.nanoTime();
    private boolean afterShutdown;

    /**
     * @param settings      where and how to connect
     * @param onFullyBooted run (on the link's callback thread) after every {@code FullyBooted}:
     *                      Asterisk (re)started or the link reconnected, so whatever was pushed into
     *                      Asterisk's memory may be gone and must be applied again
     */
    public AmiLink(AmiSettings settings, Runnable onFullyBooted) {
        this(settings, onFullyBooted, Duration.ofMillis(PING_INTERVAL_MS), Duration.ofMillis(MIN_BACKOFF_MS),
                Duration.ofMillis(MAX_BACKOFF_MS));
    }

    /** For tests: shorter keep-alive and backoff. */
    AmiLink(AmiSettings settings, Runnable onFullyBooted, Duration pingInterval, Duration minBackoff, Duration maxBackoff) {
        if (settings == null || onFullyBooted == null) {
            throw new IllegalArgumentException("AmiLink needs settings and an onFullyBooted callback");
        }
        if (pingInterval.isNegative() || pingInterval.isZero() || minBackoff.isNegative() || minBackoff.isZero()
                || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("AmiLink: ping interval and backoffs must be positive, max ≥ min");
        }
        this.settings = settings;
        this.onFullyBooted = onFullyBooted;
        this.pingIntervalNanos = pingInterval.toNanos();
        this.minBackoffMs = minBackoff.toMillis();
        this.maxBackoffMs = maxBackoff.toMillis();
        this.timeoutMs = Math.max(1, settings.timeout().toMillis());
        this.where = settings.host().contains(":") && !settings.host().startsWith("[")
                ? "[" + settings.host() + "]:" + settings.port() : settings.host() + ":" + settings.port();
        this.threadName = "hotdesk-ami-" + LINKS.incrementAndGet();
        this.callbacks = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, threadName + "-booted");
            t.setDaemon(true);
            callbackThread = t;
            return t;
        });
    }

    // ---- lifecycle

    /**
     * Starts connecting in the background and returns at once. Never throws or blocks because
     * Asterisk is down: the link keeps trying until {@link #close()}.
     *
     * @throws IllegalStateException when the link was closed (a second start is ignored)
     */
    public void start() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("AMI link to " + where + " is closed; create a new one");
            }
            if (supervisor != null) {
                return;
            }
            supervisor = new Thread(this::supervise, threadName);
            supervisor.setDaemon(true);
            supervisor.start();
        }
        LOG.info("AMI link to {} as '{}' starting", where, settings.user());
    }

    /** True while logged in on a connection that has not ended nor announced a shutdown. */
    public boolean connected() {
        Session s = session;
        return s != null && s.usable();
    }

    /**
     * Check-sync: {@code PJSIPNotify} with {@code Endpoint: <endpointId>} and {@code Variable:
     * Event=<the vendor's notify.event>}. Returns when Asterisk answered {@code Success}, which means
     * the NOTIFY was <em>queued</em>: Asterisk says so even when the endpoint has no registered
     * contact and nothing was sent. Only the phone's config fetch proves it acted.
     *
     * <p>Throws {@link PbxException}: non-retryable for a vendor without {@code notify.event.<vendor>}
     * (nothing is sent) and for {@code Permission denied}; retryable at once while the link is down,
     * and for {@code Unable to retrieve endpoint} (the endpoint may exist after the next ARI push),
     * a timeout or a lost connection. {@link IllegalArgumentException} for a blank endpoint id or one
     * with control characters or surrounding blanks.
     */
    public PhoneResync phoneResync() {
        return phoneResync;
    }

    /**
     * AstDB facts, family {@value #FAMILY}: for each entry in order, {@code DBPut} of a non-empty
     * value, {@code DBDel} of an empty one, where a key that is not there counts as deleted: it is
     * the state the delete wants. Asterisk 22 answers {@code Error: Database entry could not be
     * deleted} for a missing key, and the same when SQLite failed, so that answer is followed by a
     * {@code DBGet}: {@code Database entry not found} means done, a value means the delete failed.
     * {@code Error: Database entry not found} (older versions) counts as deleted too. Stops at the
     * first failure; repeating the whole map is safe.
     *
     * <p>Throws {@link PbxException}: retryable at once while the link is down, and for a timeout,
     * a lost connection or an Error answer; non-retryable for {@code Permission denied}.
     * {@link IllegalArgumentException}, before anything is sent, for a blank key, a null value, CR,
     * LF or other control characters, surrounding blanks (AMI would strip them) or more than
     * AstDB's 255 bytes.
     */
    public DialplanState dialplanState() {
        return dialplanState;
    }

    /**
     * Logs off (if logged in, waiting at most {@code min(timeout, 2 s)} for Goodbye), closes the
     * connection and stops the reader and callback threads (a running callback is interrupted and
     * waited for at most the timeout). Idempotent.
     */
    @Override
    public void close() {
        Thread sup;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            sup = supervisor;
        }
        if (connected()) {
            try {
                call("Logoff", Math.min(timeoutMs, 2_000), "Logoff");
            } catch (PbxException e) {
                LOG.debug("AMI Logoff before closing: {}", e.getMessage());
            }
        }
        Session c = current;
        if (c != null) {
            c.end("link closed");
        }
        if (sup != null) {
            sup.interrupt();
            try {
                sup.join(timeoutMs + 1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (sup.isAlive()) {
                LOG.warn("AMI reader thread {} did not stop within {} ms", sup.getName(), timeoutMs + 1_000);
            }
        }
        callbacks.shutdownNow();
        if (Thread.currentThread() != callbackThread) {
            try {
                if (!callbacks.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS)) {
                    LOG.warn("the FullyBooted handler did not stop within {} ms of closing the AMI link", timeoutMs);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LOG.info("AMI link to {} closed", where);
    }

    // ---- the ports

    /** See {@link #phoneResync()}. */
    private void checkSync(String endpointId, String vendor) {
        String event = settings.eventFor(vendor);
        if (event == null) {
            String name = shown(String.valueOf(vendor));
            throw new PbxException("no check-sync event for vendor '" + name + "': set notify.event."
                    + name.toLowerCase(Locale.ROOT) + " (configured vendors: " + settings.checkSyncEvents().keySet() + ")", false);
        }
        requireValue("endpoint id", endpointId, Integer.MAX_VALUE);
        String what = "PJSIPNotify " + endpointId;
        AmiMessage answer = call(what, timeoutMs, "PJSIPNotify", "Endpoint", endpointId, "Variable", "Event=" + event);
        if (!answer.isSuccess()) {
            throw refused(what, answer);
        }
        LOG.debug("AMI {} Event={} → {} (queued, not proof of delivery)", what, event, answer.getOrEmpty("Message"));
    }

    /** See {@link #dialplanState()}. */
    private void putFacts(Map<String, String> facts) {
        if (facts == null) {
            throw new IllegalArgumentException("AstDB facts must not be null");
        }
        facts.forEach((key, value) -> {
            requireValue("AstDB key", key, MAX_DB_BYTES - FAMILY.length() - 3);
            if (value == null) {
                throw new IllegalArgumentException("AstDB value of " + FAMILY + "/" + key
                        + " must not be null (use \"\" to delete)");
            }
            if (!value.isEmpty()) {
                requireValue("AstDB value of " + FAMILY + "/" + key, value, MAX_DB_BYTES);
            }
        });
        for (Map.Entry<String, String> e : facts.entrySet()) {
            String key = e.getKey();
            if (e.getValue().isEmpty()) {
                String what = "DBDel " + FAMILY + "/" + key;
                AmiMessage answer = call(what, timeoutMs, "DBDel", "Family", FAMILY, "Key", key);
                if (answer.isError() && NOT_DELETED.equals(answer.get("Message"))) {
                    requireAbsent(what, key, answer);
                } else if (!answer.isSuccess() && !(answer.isError() && NOT_FOUND.equals(answer.get("Message")))) {
                    throw refused(what, answer);
                }
            } else {
                String what = "DBPut " + FAMILY + "/" + key;
                AmiMessage answer = call(what, timeoutMs, "DBPut", "Family", FAMILY, "Key", key, "Val", e.getValue());
                if (!answer.isSuccess()) {
                    throw refused(what, answer);
                }
            }
        }
        LOG.debug("AMI wrote {} AstDB fact(s): {}", facts.size(), facts.keySet());
    }

    /**
     * Asterisk 22 answers "could not be deleted" when the key was not there, which is the state a
     * delete wants, but also when SQLite failed to delete it: a DBGet tells the two apart.
     */
    private void requireAbsent(String what, String key, AmiMessage refusal) {
        AmiMessage get = call("DBGet " + FAMILY + "/" + key, timeoutMs, "DBGet", "Family", FAMILY, "Key", key);
        if (get.isError() && NOT_FOUND.equals(get.get("Message"))) {
            return;
        }
        if (!get.isSuccess()) {
            throw refused("DBGet " + FAMILY + "/" + key, get);
        }
        throw new PbxException("AMI " + what + " → Error: " + shown(refusal.getOrEmpty("Message")) + ", and the key is still"
                + " there (" + where + ")", true);
    }

    private static void requireValue(String what, String v, int maxBytes) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (v.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(what + " must not hold CR, LF or other control characters, got '"
                    + shown(v) + "'");
        }
        if (!v.equals(v.strip())) {
            throw new IllegalArgumentException(what + " must not start or end with blanks (AMI strips them), got '"
                    + v + "'");
        }
        if (v.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw new IllegalArgumentException(what + " is longer than " + maxBytes + " bytes, AstDB's limit");
        }
    }

    private PbxException refused(String what, AmiMessage answer) {
        String message = shown(answer.getOrEmpty("Message"));
        boolean retryable = true;
        String hint = "";
        if (message.equals("Permission denied")) {
            retryable = false;
            hint = " — give the AMI user '" + settings.user() + "' write = system in manager.conf";
        } else if (message.startsWith("Invalid/unknown command")) {
            retryable = false;
            hint = " — is the Asterisk module that provides it loaded?";
        } else if (message.startsWith("Unable to retrieve endpoint")) {
            hint = " — the endpoint may not be pushed yet; it is retried after the next push";
        }
        return new PbxException("AMI " + what + " → " + shown(answer.getOrEmpty("Response")) + ": " + message + hint
                + " (" + where + ")", retryable);
    }

    // ---- sending

    private String nextId(String what) {
        return "hotdesk-" + what + "-" + actionIds.incrementAndGet();
    }

    /** Sends one action on the logged-in session and waits for its response. */
    private AmiMessage call(String what, long waitMs, String action, String... headers) {
        String id = nextId(action.toLowerCase(Locale.ROOT));
        byte[] bytes = AmiMessage.encode(action, id, headers); // IllegalArgumentException before any I/O
        Session s = session;
        if (s == null || !s.usable()) {
            throw notConnected(what);
        }
        CompletableFuture<AmiMessage> answer = new CompletableFuture<>();
        s.pending.put(id, answer);
        try {
            if (!s.usable()) {
                throw notConnected(what);
            }
            s.write(bytes);
            return answer.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            String why = reason(e);
            s.end(why);
            throw new PbxException("AMI " + what + " → connection lost while sending: " + why + " (" + where + ")", true, e);
        } catch (TimeoutException e) {
            throw new PbxException("AMI " + what + " → no answer after " + waitMs + " ms (" + where + ")", true);
        } catch (ExecutionException e) {
            throw new PbxException("AMI " + what + " → connection lost before the answer: " + e.getCause().getMessage()
                    + " (" + where + ")", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PbxException("AMI " + what + " → interrupted while waiting for the answer (" + where + ")", true, e);
        } finally {
            s.pending.remove(id);
        }
    }

    private PbxException notConnected(String what) {
        String why = lastProblem;
        return new PbxException("AMI " + what + " → not connected to " + where + (why == null ? "" : " (" + why + ")")
                + "; it is retried after the link is back", true);
    }

    // ---- the link's thread

    /** How one connection ended. */
    private record Outcome(boolean wasLoggedIn, boolean loginRefused, boolean shutdown, String problem) {
    }

    private void supervise() {
        int failures = 0;
        while (!closed) {
            Outcome o = connectOnce();
            if (closed) {
                break;
            }
            failures = o.wasLoggedIn() ? 1 : failures + 1;
            long waitMs = o.loginRefused() ? maxBackoffMs : backoff(failures);
            report(o, waitMs);
            try {
                Thread.sleep(waitMs);
            } catch (InterruptedException e) {
                break; // only close() interrupts this thread
            }
        }
    }

    private long backoff(int failures) {
        long ms = minBackoffMs << Math.min(failures - 1, 20);
        return Math.min(ms, maxBackoffMs);
    }

    /**
     * Logs each new problem once (ERROR for a refused login, WARN otherwise) and repeats at DEBUG.
     * Refused connects within {@value #RESTART_GRACE_MS} ms of an announced Shutdown are what a
     * restart looks like: one INFO line, a WARN only if Asterisk stays away longer. Runs on the
     * link's thread only.
     */
    private void report(Outcome o, long waitMs) {
        String problem = o.problem();
        lastProblem = problem;
        if (o.wasLoggedIn()) {
            downSince = System.nanoTime();
            afterShutdown = o.shutdown();
            reported = null;
            if (o.shutdown()) {
                LOG.info("AMI link to {} ended: {}; reconnecting", where, problem);
            } else {
                LOG.warn("AMI link to {} lost: {}; reconnecting", where, problem);
            }
            return;
        }
        boolean restarting = afterShutdown && !o.loginRefused()
                && System.nanoTime() - downSince < TimeUnit.MILLISECONDS.toNanos(RESTART_GRACE_MS);
        String kind = restarting ? "restarting" : problem;
        if (kind.equals(reported)) {
            LOG.debug("AMI link to {} still down: {}; next try in {} ms", where, problem, waitMs);
            return;
        }
        reported = kind;
        if (restarting) {
            LOG.info("Asterisk at {} is not back yet: {}; retrying", where, problem);
        } else if (o.loginRefused()) {
            LOG.error("AMI login to {} as '{}' refused: {} — check ami.user and ami.secret against manager.conf (and its"
                    + " permit/deny); retrying every {}", where, settings.user(), problem, human(waitMs));
        } else {
            LOG.warn("AMI cannot reach {}: {} — check ami.host, ami.port and that Asterisk runs; retrying (at most every"
                    + " {}) until it answers", where, problem, human(maxBackoffMs));
        }
    }

    private Outcome connectOnce() {
        Session s = new Session(new Socket());
        current = s;
        boolean loggedIn = false;
        try {
            if (closed) {
                return new Outcome(false, false, false, "link closed");
            }
            // a timeout is at most 5 minutes (AmiSettings), so it fits an int
            s.socket.connect(new InetSocketAddress(settings.host(), settings.port()), (int) timeoutMs);
            s.socket.setTcpNoDelay(true);
            s.socket.setKeepAlive(true);
            s.socket.setSoTimeout((int) timeoutMs);
            s.open();
            String banner = s.reader.readLine();
            if (banner == null) {
                return new Outcome(false, false, false, "connection closed before the banner");
            }
            if (!banner.startsWith("Asterisk Call Manager/")) {
                return new Outcome(false, false, false, "the peer is not an Asterisk manager interface (banner '"
                        + shown(banner) + "')");
            }
            String challengeId = nextId("challenge");
            AmiMessage challenge = s.exchange(AmiMessage.encode("Challenge", challengeId, "AuthType", "MD5"), challengeId);
            String nonce = challenge.get("Challenge");
            if (!challenge.isSuccess() || nonce == null || nonce.isEmpty()) {
                return new Outcome(false, false, false, "Asterisk refused the MD5 challenge: "
                        + shown(challenge.getOrEmpty("Message")));
            }
            String loginId = nextId("login");
            AmiMessage login = s.exchange(AmiMessage.encode("Login", loginId, "Username", settings.user(), "AuthType", "MD5",
                    "Key", md5Hex(nonce + settings.secret()), "Events", "system"), loginId);
            if (!login.isSuccess()) {
                return new Outcome(false, true, false, shown(login.getOrEmpty("Message")));
            }
            loggedIn = true;
            s.loggedIn = true;
            s.socket.setSoTimeout((int) Math.max(10, Math.min(pingIntervalNanos / 1_000_000, timeoutMs) / 4));
            session = s;
            lastProblem = null;
            reported = null;
            afterShutdown = false;
            LOG.info("AMI connected to {} as '{}' ({})", where, settings.user(), shown(banner));
            return readLoop(s);
        } catch (IOException e) {
            return new Outcome(loggedIn, false, false, reason(e));
        } finally {
            if (session == s) {
                session = null;
            }
            s.end(closed ? "link closed" : "connection ended");
            current = null;
        }
    }

    /** Reads until the connection ends; answers responses, handles events, keeps the link alive. */
    private Outcome readLoop(Session s) throws IOException {
        long lastHeard = System.nanoTime();
        String pingId = null;
        long pingSent = 0;
        while (true) {
            AmiMessage m;
            try {
                m = s.reader.readMessage();
            } catch (SocketTimeoutException idle) {
                long now = System.nanoTime();
                if (pingId != null) {
                    if (now - pingSent >= TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
                        return new Outcome(true, false, false, "no answer to a keep-alive Ping within " + timeoutMs + " ms");
                    }
                } else if (now - lastHeard >= pingIntervalNanos) {
                    pingId = nextId("ping");
                    pingSent = now;
                    s.write(AmiMessage.encode("Ping", pingId));
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
                } else if (!s.answer(id, m)) {
                    LOG.debug("AMI answer nobody waits for (any more): {}", m);
                }
            } else if (m.isEvent()) {
                String event = m.get("Event");
                if ("FullyBooted".equalsIgnoreCase(event)) {
                    fullyBooted(m);
                } else if ("Shutdown".equalsIgnoreCase(event)) {
                    String why = SHUTDOWN + shown(m.getOrEmpty("Shutdown")) + ", Restart: "
                            + shown(m.getOrEmpty("Restart"));
                    s.end("Asterisk is shutting down");
                    return new Outcome(true, false, true, why);
                }
            }
        }
    }

    private void fullyBooted(AmiMessage m) {
        LOG.info("Asterisk at {} is fully booted (uptime {} s, last reload {} s ago); reconciling", where,
                shown(m.getOrEmpty("Uptime")), shown(m.getOrEmpty("LastReload")));
        if (callbackQueued.compareAndSet(false, true)) {
            try {
                callbacks.execute(this::runCallback);
            } catch (RejectedExecutionException closing) {
                callbackQueued.set(false);
            }
        }
    }

    private void runCallback() {
        callbackQueued.set(false);
        try {
            onFullyBooted.run();
        } catch (RuntimeException e) {
            LOG.error("the FullyBooted handler failed; the AMI link stays up and runs it again on the next FullyBooted: {}",
                    e.toString(), e);
        }
    }

    // ---- helpers

    private static String human(long ms) {
        return ms < 1_000 || ms % 1_000 != 0 ? ms + " ms" : ms / 1_000 + " s";
    }

    private static String md5Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
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

    /** One line, bounded: what a peer sent may be long or hold control characters. */
    private static String shown(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", " ").strip();
        return clean.length() <= MAX_SHOWN ? clean : clean.substring(0, MAX_SHOWN) + "…";
    }

    /** One TCP connection: its reader, its writer, and the actions waiting for an answer. */
    private static final class Session {

        final Socket socket;
        final ConcurrentHashMap<String, CompletableFuture<AmiMessage>> pending = new ConcurrentHashMap<>();
        AmiReader reader;
        private OutputStream out;
        volatile boolean loggedIn;
        private volatile String ended;

        Session(Socket socket) {
            this.socket = socket;
        }

        void open() throws IOException {
            reader = new AmiReader(socket.getInputStream());
            out = socket.getOutputStream();
        }

        boolean usable() {
            return loggedIn && ended == null;
        }

        synchronized void write(byte[] bytes) throws IOException {
            if (ended != null) {
                throw new EOFException(ended);
            }
            out.write(bytes);
            out.flush();
        }

        /** Sends one action and reads until its response (only while logging in, on the link's thread). */
        AmiMessage exchange(byte[] action, String id) throws IOException {
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

        boolean answer(String id, AmiMessage m) {
            CompletableFuture<AmiMessage> f = id == null ? null : pending.remove(id);
            return f != null && f.complete(m);
        }

        /** Ends the session: no more actions, the socket closed, everyone waiting told why. */
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
        }
    }
}
