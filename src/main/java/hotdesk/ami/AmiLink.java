package hotdesk.ami;

import hotdesk.core.model.EmergencyCall;
import hotdesk.core.port.DialplanState;
import hotdesk.core.port.PbxException;
import hotdesk.core.port.PhoneResync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static hotdesk.ami.AmiText.human;
import static hotdesk.ami.AmiText.shown;

/**
 * hotdesk's one connection to Asterisk's manager interface (AMI), kept up for as long as hotdesk
 * runs: it sends check-sync NOTIFYs ({@link #phoneResync()}, see {@link AmiPhoneResync}), writes the
 * dialplan's AstDB facts ({@link #dialplanState()}, see {@link AmiDialplanState}), checks that the
 * Asterisk modules hotdesk needs are loaded ({@link AmiModuleCheck}) and tells the application when
 * Asterisk is (again) fully booted, the moment to reconcile, and passes on every emergency call the
 * emergency route announces (user event {@code HotdeskEmergency}, see {@link AmiEmergencyEvents}). One
 * connection is an {@link AmiSession}; this class supervises them.
 *
 * <p><b>Why a small client of our own, not asterisk-java's ManagerConnection:</b> its login throws
 * while Asterisk is down and it reconnects by itself only after a first successful login (and stops
 * after a rejected one), so a loop of our own was needed around it anyway; on every login it asks
 * for the Asterisk version ({@code CoreSettings}, and when that is refused {@code Command: core show
 * version}, which needs the {@code command} class, i.e. any CLI command); keep-alive needs its
 * extra PingThread; and its reader, event-pump, reconnect and ping threads are not ours to name,
 * bound or stop. The few actions hotdesk needs (Challenge, Login, PJSIPNotify, DBPut, DBDel, DBGet,
 * ModuleCheck, Ping, Logoff) fit in one reader thread here, with the exact behaviour recorded from
 * Asterisk 22 and tested against a peer that speaks it.
 *
 * <p><b>Least privilege.</b> It logs in with Challenge/MD5 (the secret never crosses the wire in
 * clear, only its MD5 digest with Asterisk's random challenge; AMI itself is unencrypted, so keep it
 * on loopback or a trusted network) and {@code Events: system,user,call}: FullyBooted and Shutdown are of
 * class {@code system}, the emergency route's UserEvent of class {@code user} (Asterisk sends it only
 * to users with {@code read = user}); the actions it sends (PJSIPNotify, DBPut, DBDel, DBGet,
 * ModuleCheck; Ping needs none) are of class {@code system}. The manager.conf user needs no more than
 * {@code read = system,user,call} and {@code write = system,reporting}; {@code Hangup} is a call event (the idle
 * auto-logout timer), {@code CoreShowChannels} a system/reporting action.
 *
 * <p><b>Emergency calls.</b> Each {@code HotdeskEmergency} user event is handed, on the reader thread,
 * to the {@code onEmergencyCall} consumer, which must return at once (queue it); one that throws is
 * logged and the link reads on. AMI keeps no events for a client: what Asterisk sends while the link
 * is down is lost, and nothing is replayed or invented at a reconnect.
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
 *   <li>A dead link (Asterisk hung, a silent network drop) is found by the session's keep-alive
 *       ({@value #PING_INTERVAL_MS} ms without any message → {@code Ping}); the link reconnects.</li>
 *   <li>Every FullyBooted (first connect and each restart or reconnect) runs, on the link's own
 *       callback thread so the AMI reader never stalls, first the module check, then {@code
 *       onFullyBooted} with what the link saw ({@link Boot}); an exception from it is logged and the link
 *       stays up. A FullyBooted that arrives while a run is already queued (not yet started) is merged into
 *       it: that run sees the newest state anyway, and a restart among the merged ones is a restart.</li>
 *   <li>Whether Asterisk restarted or the link merely reconnected (a network blip, {@code manager reload}):
 *       FullyBooted's {@code Uptime} (whole seconds) puts Asterisk's start at "now − Uptime" on this process's
 *       monotonic clock. The same Asterisk gives the same start within {@value #SAME_START_MS} ms; one started
 *       again cannot have started before the link last heard from the previous one. So a start within the
 *       tolerance of the previous estimate that also lies more than the tolerance before the last message of
 *       the previous connection is {@link Boot#SAME}; anything else, a missing {@code Uptime} included, is
 *       {@link Boot#RESTARTED}, and the caller pushes everything again.</li>
 *   <li>While the link is down every action fails at once with a retryable {@link PbxException}
 *       instead of waiting for the timeout; the reconciler repeats it after the next FullyBooted.</li>
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

    static final long PING_INTERVAL_MS = 15_000;
    static final long MIN_BACKOFF_MS = 250;
    static final long MAX_BACKOFF_MS = 5_000;
    static final long RESTART_GRACE_MS = 30_000;
    /** Two estimates of one Asterisk's start ("now − Uptime", Uptime in whole seconds) differ by less than this. */
    static final long SAME_START_MS = 2_000;
    private static final AtomicInteger LINKS = new AtomicInteger();

    private final AmiSettings settings;
    private final Consumer<Boot> onFullyBooted;
    private final Consumer<EmergencyCall> onEmergencyCall;
    private final long pingIntervalNanos;
    private final long minBackoffMs;
    private final long maxBackoffMs;
    private final long timeoutMs;
    private final String where;
    private final String threadName;
    private final AtomicLong actionIds = new AtomicLong();
    private final ExecutorService callbacks;
    private final AtomicBoolean callbackQueued = new AtomicBoolean();
    private final AmiActions actions = new Actions();
    private final AmiCallState callState;
    private volatile java.util.function.BiConsumer<String, java.time.Instant> onCallEnded = (e, at) -> { };
    private volatile ContactListener onContact = (aor, uri, removed) -> { };
    private final PhoneResync phoneResync;
    private final DialplanState dialplanState;
    private final AmiModuleCheck moduleCheck;

    private final Object lifecycle = new Object();
    private Thread supervisor; // guarded by lifecycle
    private volatile boolean closed;
    /** The logged-in session actions go to, else null. */
    private volatile AmiSession session;
    /** The session being set up or in use, so close() can cut it. */
    private volatile AmiSession current;
    private volatile Thread callbackThread;
    /** Why the link is down, for fail-fast messages and for logging each new problem once. */
    private volatile String lastProblem = "not started";
    // what report() last logged above DEBUG and since when the link is down; the link's thread only
    private String reported;
    private long downSince = System.nanoTime();
    private boolean afterShutdown;
    // what the link knows of the Asterisk it talks to, guarded by boots: its start on this process's nanoTime
    // clock (when known), when the link last heard from it, and what the callback runs not yet started cover
    private final Object boots = new Object();
    private boolean startKnown;
    private long started;
    private long heardUntil;
    private Boot pending;
    private boolean bootedBefore;
    private int logins;

    /** What a FullyBooted tells of the Asterisk behind it, compared with the one the link talked to before. */
    public enum Boot {
        /** The link's first Asterisk since it started: nothing was pushed through it before. */
        FIRST,
        /** The link reconnected to the Asterisk it talked to before, which kept running: what was pushed is there. */
        SAME,
        /** Asterisk started again since the link last talked to it, or the link cannot tell (no Uptime). */
        RESTARTED
    }

    /**
     * A link that checks no modules.
     *
     * @see #AmiLink(AmiSettings, Map, Runnable)
     */
    public AmiLink(AmiSettings settings, Runnable onFullyBooted) {
        this(settings, Map.of(), onFullyBooted);
    }

    /**
     * @param settings        where and how to connect
     * @param requiredModules Asterisk modules (name without {@code .so}) → what needs each; checked with
     *                        {@code ModuleCheck} after every FullyBooted, an ERROR naming each one missing
     * @param onFullyBooted   run (on the link's callback thread, after the module check) after every
     *                        {@code FullyBooted}: Asterisk (re)started or the link reconnected
     * @throws IllegalArgumentException for a missing argument or a module name that is not one
     */
    public AmiLink(AmiSettings settings, Map<String, String> requiredModules, Runnable onFullyBooted) {
        this(settings, requiredModules, onFullyBooted, call -> { });
    }

    /**
     * As {@link #AmiLink(AmiSettings, Map, Runnable, Consumer)}, and {@code onBooted} learns whether Asterisk
     * restarted since the link last talked to it ({@link Boot}): after a restart whatever was pushed into
     * Asterisk's memory is gone and must be applied again; after a mere reconnect it is still there.
     */
    public AmiLink(AmiSettings settings, Map<String, String> requiredModules, Consumer<Boot> onBooted,
                   Consumer<EmergencyCall> onEmergencyCall) {
        this(settings, requiredModules, onBooted, onEmergencyCall, Duration.ofMillis(PING_INTERVAL_MS),
                Duration.ofMillis(MIN_BACKOFF_MS), Duration.ofMillis(MAX_BACKOFF_MS));
    }

    /**
     * As {@link #AmiLink(AmiSettings, Map, Runnable)}, and every emergency call the emergency route
     * announces goes to {@code onEmergencyCall}, on the AMI reader thread: it must return at once.
     */
    public AmiLink(AmiSettings settings, Map<String, String> requiredModules, Runnable onFullyBooted,
                   Consumer<EmergencyCall> onEmergencyCall) {
        this(settings, requiredModules, each(onFullyBooted), onEmergencyCall, Duration.ofMillis(PING_INTERVAL_MS),
                Duration.ofMillis(MIN_BACKOFF_MS), Duration.ofMillis(MAX_BACKOFF_MS));
    }

    /** For tests: shorter keep-alive and backoff. */
    AmiLink(AmiSettings settings, Map<String, String> requiredModules, Runnable onFullyBooted, Duration pingInterval,
            Duration minBackoff, Duration maxBackoff) {
        this(settings, requiredModules, each(onFullyBooted), call -> { }, pingInterval, minBackoff, maxBackoff);
    }

    /** For tests: shorter keep-alive and backoff. */
    AmiLink(AmiSettings settings, Map<String, String> requiredModules, Runnable onFullyBooted,
            Consumer<EmergencyCall> onEmergencyCall, Duration pingInterval, Duration minBackoff, Duration maxBackoff) {
        this(settings, requiredModules, each(onFullyBooted), onEmergencyCall, pingInterval, minBackoff, maxBackoff);
    }

    private static Consumer<Boot> each(Runnable r) {
        return r == null ? null : boot -> r.run();
    }

    /** For tests: shorter keep-alive and backoff. */
    AmiLink(AmiSettings settings, Map<String, String> requiredModules, Consumer<Boot> onFullyBooted,
            Consumer<EmergencyCall> onEmergencyCall, Duration pingInterval, Duration minBackoff, Duration maxBackoff) {
        if (settings == null || requiredModules == null || onFullyBooted == null || onEmergencyCall == null) {
            throw new IllegalArgumentException("AmiLink needs settings, the required modules, an onFullyBooted callback"
                    + " and an emergency call consumer");
        }
        if (pingInterval.isNegative() || pingInterval.isZero() || minBackoff.isNegative() || minBackoff.isZero()
                || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("AmiLink: ping interval and backoffs must be positive, max ≥ min");
        }
        this.settings = settings;
        this.onFullyBooted = onFullyBooted;
        this.onEmergencyCall = onEmergencyCall;
        this.pingIntervalNanos = pingInterval.toNanos();
        this.minBackoffMs = minBackoff.toMillis();
        this.maxBackoffMs = maxBackoff.toMillis();
        this.timeoutMs = Math.max(1, settings.timeout().toMillis());
        this.where = settings.host().contains(":") && !settings.host().startsWith("[")
                ? "[" + settings.host() + "]:" + settings.port() : settings.host() + ":" + settings.port();
        this.phoneResync = new AmiPhoneResync(settings, actions);
        this.dialplanState = new AmiDialplanState(actions, where);
        this.moduleCheck = new AmiModuleCheck(actions, requiredModules, where);
        this.callState = new AmiCallState(actions);
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
        AmiSession s = session;
        return s != null && s.usable();
    }

    /** Check-sync by PJSIPNotify; see {@link AmiPhoneResync} for what it promises and throws. */
    public PhoneResync phoneResync() {
        return phoneResync;
    }

    /** The named ACLs of acl.conf by GetConfig (and Reload acl when they changed); see {@link AmiNamedAcls}. */
    public hotdesk.core.port.NamedAcls namedAcls(java.time.Clock clock) {
        return new AmiNamedAcls(actions, clock);
    }

    /** AstDB facts by DBPut/DBDel; see {@link AmiDialplanState} for what it promises and throws. */
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
        AmiSession s = session;
        if (s != null && s.usable()) {
            try {
                s.call("Logoff", Math.min(timeoutMs, 2_000), "Logoff");
            } catch (PbxException e) {
                LOG.debug("AMI Logoff before closing: {}", e.getMessage());
            }
        }
        AmiSession c = current;
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
                // the pool counts as terminated a moment before its worker thread has ended: wait for the
                // thread itself, so that no thread of this link outlives close()
                Thread cb = callbackThread;
                if (cb != null) {
                    cb.join(timeoutMs);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LOG.info("AMI link to {} closed", where);
    }

    // ---- actions, for the port adapters

    private final class Actions implements AmiActions {

        @Override
        public AmiMessage call(String what, String action, String... headers) {
            AmiSession s = session;
            AmiMessage answer = s == null ? null : s.call(what, timeoutMs, action, headers);
            if (answer == null) {
                AmiMessage.encode(action, "-", headers); // a bad header is a bad argument, also while down
                String why = lastProblem;
                throw new PbxException("AMI " + what + " → not connected to " + where + (why == null ? "" : " (" + why + ")")
                        + "; it is retried after the link is back", true);
            }
            return answer;
        }

        @Override
        public AmiSession.Listed callList(String what, String action, String... headers) {
            AmiSession s = session;
            AmiSession.Listed answer = s == null ? null : s.callList(what, timeoutMs, action, headers);
            if (answer == null) {
                AmiMessage.encode(action, "-", headers);
                String why = lastProblem;
                throw new PbxException("AMI " + what + " → not connected to " + where + (why == null ? "" : " (" + why + ")"), true);
            }
            return answer;
        }

        @Override
        public <T> AmiSession.Kept<T> callList(String what, java.util.function.Function<AmiMessage, T> keep, String action,
                                               String... headers) {
            AmiSession s = session;
            AmiSession.Kept<T> answer = s == null ? null : s.callList(what, timeoutMs, keep, action, headers);
            if (answer == null) {
                AmiMessage.encode(action, "-", headers);
                String why = lastProblem;
                throw new PbxException("AMI " + what + " → not connected to " + where + (why == null ? "" : " (" + why + ")"), true);
            }
            return answer;
        }

        @Override
        public PbxException refused(String what, AmiMessage answer) {
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
                    + " (" + where + ")", retryable, true);
        }
    }

    // ---- the link's thread

    private void supervise() {
        int failures = 0;
        while (!closed) {
            AmiSession.Outcome o = connectOnce();
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

    private AmiSession.Outcome connectOnce() {
        AmiSession s = new AmiSession(settings, where, timeoutMs, pingIntervalNanos, actionIds);
        current = s;
        try {
            if (closed) {
                return new AmiSession.Outcome(false, false, false, "link closed");
            }
            return s.run(banner -> {
                synchronized (boots) {
                    logins++;
                }
                session = s;
                lastProblem = null;
                reported = null;
                afterShutdown = false;
                LOG.info("AMI connected to {} as '{}' ({})", where, settings.user(), shown(banner));
            }, this::fullyBooted, this::userEvent, this::hangup);
        } finally {
            if (session == s) {
                session = null;
                synchronized (boots) {
                    heardUntil = s.lastHeardNanos();
                }
            }
            s.end(closed ? "link closed" : "connection ended");
            current = null;
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
    private void report(AmiSession.Outcome o, long waitMs) {
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

    /**
     * How long the Asterisk the link last saw boot has been running, from its FullyBooted's {@code Uptime} (whole
     * seconds, so up to a second short); empty when unknown (no FullyBooted yet, or it gave no {@code Uptime}).
     */
    public java.util.Optional<java.time.Duration> asteriskUptime() {
        synchronized (boots) {
            return startKnown ? java.util.Optional.of(java.time.Duration.ofNanos(System.nanoTime() - started))
                    : java.util.Optional.empty();
        }
    }

    // ---- FullyBooted, on the callback thread

    private void fullyBooted(AmiMessage m) {
        Boot boot = classify(m.getOrEmpty("Uptime"), System.nanoTime());
        LOG.info("Asterisk at {} is fully booted (uptime {} s, last reload {} s ago): {}", where,
                shown(m.getOrEmpty("Uptime")), shown(m.getOrEmpty("LastReload")), switch (boot) {
                    case FIRST -> "first connection; reconciling";
                    case SAME -> "the same Asterisk as before (it did not restart)";
                    case RESTARTED -> "Asterisk started again (or its uptime is unknown); reconciling everything";
                });
        if (callbackQueued.compareAndSet(false, true)) {
            try {
                callbacks.execute(this::runCallback);
            } catch (RejectedExecutionException closing) {
                callbackQueued.set(false);
            }
        }
    }

    /**
     * What a FullyBooted received at {@code now} with this {@code Uptime} says (see the class comment), remembered
     * for the next one and merged into what the next callback run is told (a restart among them wins).
     */
    private Boot classify(String uptime, long now) {
        long seconds;
        try {
            seconds = Long.parseLong(uptime.strip());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        long tolerance = TimeUnit.MILLISECONDS.toNanos(SAME_START_MS);
        synchronized (boots) {
            Boot boot;
            if (!bootedBefore) {
                // an earlier connection that ended before its FullyBooted may have talked to another Asterisk
                boot = logins <= 1 ? Boot.FIRST : Boot.RESTARTED;
            } else if (seconds < 0 || !startKnown) {
                boot = Boot.RESTARTED;
            } else {
                long start = now - TimeUnit.SECONDS.toNanos(seconds);
                boolean same = Math.abs(start - started) <= tolerance && start + tolerance < heardUntil;
                boot = same ? Boot.SAME : Boot.RESTARTED;
            }
            bootedBefore = true;
            if (seconds < 0) {
                startKnown = false;
            } else if (boot != Boot.SAME) {
                // the same Asterisk keeps its first estimate, so rounding cannot drift it across reconnects
                startKnown = true;
                started = now - TimeUnit.SECONDS.toNanos(seconds);
            }
            pending = pending == null || boot == Boot.RESTARTED || pending == Boot.SAME && boot == Boot.FIRST ? boot : pending;
            return boot;
        }
    }

    // ---- call ends, on the reader thread

    /**
     * Where each call that ends on an endpoint is reported, with the instant it ended (as this process's
     * clock reads it when the {@code Hangup} event arrives), on the AMI reader thread: it must return at
     * once (queue it). Set it before {@link #start()}; events before then are not reported.
     */
    public void onCallEnded(java.util.function.BiConsumer<String, java.time.Instant> handler) {
        this.onCallEnded = handler == null ? (e, at) -> { } : handler;
    }

    /** Which endpoints have a call up, from Asterisk's channel list ({@code CoreShowChannels}). */
    public hotdesk.core.port.CallState callState() {
        return callState;
    }

    // ---- registered contacts

    /**
     * Where every contact change ({@code ContactStatus}) is reported, on the AMI reader thread: it must return at
     * once (queue it). Set it before {@link #start()}.
     */
    public void onContactChanged(ContactListener handler) {
        this.onContact = handler == null ? (aor, uri, removed) -> { } : handler;
    }

    /** Told of one contact added ({@code removed} false) or removed on an AOR. */
    @FunctionalInterface
    public interface ContactListener {
        void changed(String aor, String uri, boolean removed);
    }

    /**
     * Every contact Asterisk holds now ({@code PJSIPShowContacts}), each with {@code since} = {@code now};
     * throws {@link hotdesk.core.port.PbxException} when Asterisk cannot be asked. Blocking.
     */
    public List<hotdesk.core.model.PhoneContact> contacts(java.time.Instant now) {
        return AmiContacts.list(actions, now);
    }

    private void hangup(AmiMessage m) {
        if ("ContactStatus".equalsIgnoreCase(m.getOrEmpty("Event"))) {
            AmiContacts.change(m).ifPresent(c -> {
                try {
                    onContact.changed(c.aor(), c.uri(), c.removed());
                } catch (RuntimeException e) {
                    LOG.warn("the contact handler failed for {}: {}", c.aor(), e.toString());
                }
            });
            return;
        }
        AmiCallState.endpointOf(m.getOrEmpty("Channel")).ifPresent(endpoint -> {
            try {
                onCallEnded.accept(endpoint, java.time.Instant.now());
            } catch (RuntimeException e) {
                LOG.warn("the call-ended handler failed for {}: {}", endpoint, e.toString());
            }
        });
    }

    // ---- user events, on the reader thread

    private void userEvent(AmiMessage m) {
        AmiEmergencyEvents.call(m.headers()).ifPresent(call -> {
            try {
                onEmergencyCall.accept(call);
            } catch (RuntimeException e) {
                LOG.error("the emergency call handler failed for desk {} (dialled {}, ELIN {}): {}", call.desk(), call.number(),
                        call.elin(), e.toString(), e);
            }
        });
    }

    private void runCallback() {
        callbackQueued.set(false);
        Boot boot;
        synchronized (boots) {
            boot = pending;
            pending = null;
        }
        if (boot == null) {
            return; // merged into the run before this one
        }
        try {
            moduleCheck.run();
            onFullyBooted.accept(boot);
        } catch (RuntimeException e) {
            LOG.error("the FullyBooted handler failed; the AMI link stays up and runs it again on the next FullyBooted: {}",
                    e.toString(), e);
        }
    }
}
