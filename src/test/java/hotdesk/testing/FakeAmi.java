package hotdesk.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * A fake Asterisk manager interface (AMI) for adapter tests, built from what a real Asterisk
 * 22.10.1 sent (the recorded ami-01 … ami-05 transcripts and the restart run) and from Asterisk's
 * manager rules. It listens on 127.0.0.1 (ephemeral port, kept across {@link #restart()} and
 * {@link #down()}/{@link #up()}) and speaks byte for byte like Asterisk:
 * <ul>
 *   <li>on connect exactly {@code Asterisk Call Manager/11.0.0} CRLF;</li>
 *   <li>{@code Login} with {@code Secret} or with {@code AuthType: MD5} + {@code Key} after a
 *       {@code Challenge}; {@code Success / Authentication accepted}, then — only when the
 *       session's {@code Events} include {@code system} (no header means all) — {@code Event:
 *       FullyBooted} with Uptime and LastReload since the fake's last (re)start, and with
 *       {@code security} also {@code Event: SuccessfulAuth}. Bad credentials: after a delay (Asterisk
 *       sleeps 1 s; {@link #loginFailureDelay}) {@code Error / Authentication failed}, then the
 *       connection is closed. A second Login answers {@code Already authenticated}. Before login
 *       every other action gets {@code Permission denied};</li>
 *   <li>{@code PJSIPNotify} answers {@code Success / NOTIFY sent} — also for an endpoint with no
 *       registered contact; the fake knows endpoints through {@link #knownEndpoints} (default: all)
 *       and answers {@code Error / Unable to retrieve endpoint x} for others. {@code Option: x}
 *       looks x up in the notify types of the reference pjsip_notify.conf ({@code check-sync},
 *       {@code check-sync-reboot}); an unknown one gets {@code Unable to find notify type 'x'} with
 *       Asterisk's stray LF before the CRLF. {@code Variable} headers are split at commas like
 *       Asterisk does (quotes and backslashes are not interpreted here);</li>
 *   <li>{@code DBPut}, {@code DBGet}, {@code DBDel}, {@code DBDelTree} on an AstDB that survives
 *       {@link #restart()} (Asterisk keeps it in a file), answering what Asterisk 22.10.1 answered
 *       (2026-12-01): {@code DBPut} → {@code Success / Updated database successfully} (a missing
 *       {@code Val} stores ""); {@code DBGet} of a missing key → {@code Error / Database entry not
 *       found}; {@code DBDel} of a present key → {@code Success / Key deleted successfully}, of a
 *       missing one → {@code Error / Database entry could not be deleted} (Asterisk's AstDB reports
 *       "no row changed" as a failure); {@code DBDelTree} of a family or {@code Key} subtree with
 *       entries → {@code Success / Key tree deleted successfully}, without any → {@code Error /
 *       Database entry not found};</li>
 *   <li>{@code ModuleCheck} → {@code Success} with an empty {@code Version} header for a loaded
 *       module, {@code Error / Module not loaded} for one that is not ({@link #unloadModules}) and for
 *       a missing {@code Module} header; the name matches without case and with or without
 *       {@code .so}, as in Asterisk 22.10.1;</li>
 *   <li>{@code Ping} → {@code Pong} with a Timestamp; {@code Logoff} → {@code Goodbye / Thanks for
 *       all the fish.} and the connection is closed; a message without Action → {@code Missing action
 *       in request}; any other action → {@code Invalid/unknown command: X. Use Action: ListCommands
 *       to show available commands.};</li>
 *   <li>{@code ActionID} is echoed right after {@code Response} when the request had one.</li>
 * </ul>
 * <p>Users and classes as in manager.conf: the user of the constructor may do and read everything
 * unless {@link #user} gives it classes; {@link #user} adds others. An action is allowed when the user's
 * {@code write} classes share one with the classes Asterisk 22 registers it with (PJSIPNotify, DBPut,
 * DBDel, DBDelTree, ModuleCheck: system; DBGet: system or reporting; Getvar: call or reporting;
 * ShowDialPlan: config or reporting; Originate: originate; UserEvent: user; Hangup: system or call;
 * Ping, Events: none), else {@code Permission denied}, as Asterisk answers. An event goes to a session
 * only when the user may read its class and the session's {@code Events} asked for it: a user without
 * {@code read = user} never sees a UserEvent (checked on Asterisk 22.10.1).
 *
 * <p>Calls: {@code Originate} answers as Asterisk's synchronous Originate does: {@code Channel not
 * specified}, {@code Invalid channel}, {@code Originate Access Forbidden: app or data blacklisted} for
 * an application such as System, Exec or AGI when the user may not write system, else whatever the
 * test's {@link #onOriginate dialplan} says ({@code Originate successfully queued} or {@code Originate
 * failed}; by default every call fails, as for a context Asterisk does not have). The dialplan may
 * send UserEvents ({@link #userEvent}) formatted as Asterisk 22.10.1 sends those of {@code
 * UserEvent()}: the channel's snapshot headers first, then {@code UserEvent: name}, then the body.
 * {@code Getvar} reads globals ({@link #global}); {@code ShowDialPlan} knows the contexts of
 * {@link #contexts} (each with one extension) and answers {@code Did not find context x} for others.
 *
 * <p>Faults: {@link #restart()} (Shutdown event to every client, connections closed, connects refused
 * for a moment, then accepted again on the same port, FullyBooted with Uptime 0), {@link #down()}/
 * {@link #up()} (a crash: no Shutdown event), {@link #mute()} (open connections stop answering, like
 * a hung Asterisk or a silently dropped network path) and {@link #failNext}. Lines must end with
 * CRLF as Asterisk requires. Thread-safe.
 */
public final class FakeAmi implements AutoCloseable {

    public static final String BANNER = "Asterisk Call Manager/11.0.0\r\n";

    /** One accepted PJSIPNotify: the endpoint (or URI) and the Event it carried ("" when none). */
    public record Notify(String endpoint, String event) {
    }

    /**
     * One Originate as the fake received it.
     *
     * @param variables every {@code Variable} header split at {@code =} (Asterisk splits a header at commas too)
     */
    public record Originate(String user, String channel, String application, String data, String context, String exten,
                            String channelId, String otherChannelId, Map<String, String> variables, String timeout,
                            String async) {
    }

    /** The class names Asterisk 22's manager knows (main/manager.c perms[]). */
    private static final Set<String> CLASSES = Set.of("system", "call", "log", "verbose", "command", "agent", "user", "config",
            "dtmf", "reporting", "cdr", "dialplan", "originate", "agi", "cc", "aoc", "test", "security", "message");
    /** Write classes Asterisk 22 registers each action with; an action not here needs none. */
    private static final Map<String, Set<String>> ACTION_CLASSES = Map.ofEntries(
            Map.entry("pjsipnotify", Set.of("system")), Map.entry("dbput", Set.of("system")),
            Map.entry("dbdel", Set.of("system")), Map.entry("dbdeltree", Set.of("system")),
            Map.entry("dbget", Set.of("system", "reporting")), Map.entry("dbgettree", Set.of("system", "reporting")),
            Map.entry("modulecheck", Set.of("system")),
            Map.entry("getvar", Set.of("call", "reporting")), Map.entry("showdialplan", Set.of("config", "reporting")),
            Map.entry("originate", Set.of("originate")), Map.entry("userevent", Set.of("user")),
            Map.entry("hangup", Set.of("system", "call")), Map.entry("coreshowchannels", Set.of("system", "reporting")),
            Map.entry("pjsipshowcontacts", Set.of("system")),
            Map.entry("getconfig", Set.of("system", "config")), Map.entry("reload", Set.of("system", "config")));
    /** Applications an Originate may start only with write class system (main/manager.c originate_app_permissions). */
    private static final List<String> SYSTEM_ONLY_APPS = List.of("agi", "dbdeltree", "exec", "externalivr", "mixmonitor",
            "originate", "reload", "system");

    private static final Duration DEFAULT_RESTART_GAP = Duration.ofMillis(300);

    private final String user;
    private final String secret;
    private final Object lock = new Object();

    // what survives a restart, guarded by lock
    private final Map<String, String> astdb = new TreeMap<>();
    private final List<Notify> notifies = new ArrayList<>();
    private final List<String> actions = new ArrayList<>();
    private final Map<String, Deque<String>> failures = new HashMap<>();
    private final Map<String, String> notifyOptions = new LinkedHashMap<>();
    /** acl.conf as GetConfig reads it: section → lines ({@code permit=127.0.0.0/8}); by default the generated
     *  default ACL of the shipped settings (loopback only), as an Asterisk set up by the README has it. */
    private final Map<String, List<String>> aclConf = new LinkedHashMap<>(Map.of("hotdesk-default",
            List.of("deny=0.0.0.0/0", "deny=::/0", "permit=127.0.0.0/8", "permit=::1/128")));
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private int connections;
    private int logins;

    private volatile Predicate<String> knownEndpoints = id -> true;
    /** manager.conf users by lower-case name (Asterisk looks them up without case). */
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, String> globals = new ConcurrentHashMap<>();
    private final Set<String> contexts = ConcurrentHashMap.newKeySet();
    private final List<Originate> originates = new ArrayList<>();
    private volatile java.util.function.Function<Originate, Boolean> dialplan = o -> false;
    private final Set<String> unloaded = ConcurrentHashMap.newKeySet();
    private volatile Duration loginFailureDelay = Duration.ofSeconds(1);

    // lifecycle, guarded by lock
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private ServerSocket server;
    /** The thread accepting on {@link #server}: the JDK closes a listener for good only when it leaves accept(). */
    private Thread acceptor;
    private int port = -1;
    private volatile long bootNanos = System.nanoTime();
    /** While set, logins get no FullyBooted: Asterisk is still booting ({@link #finishBooting()} sends it). */
    private volatile boolean booting;
    private volatile boolean noUptime;
    private boolean closed;

    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-ami");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-ami-timer");
        t.setDaemon(true);
        return t;
    });

    public FakeAmi(String user, String secret) {
        this.user = user;
        this.secret = secret;
        users.put(user.toLowerCase(Locale.ROOT), new User(secret, classes("all"), classes("all")));
        notifyOptions.put("check-sync", "check-sync");
        notifyOptions.put("check-sync-reboot", "check-sync;reboot=true");
    }

    /** Listens on 127.0.0.1 on a free port. */
    public FakeAmi start() {
        synchronized (lock) {
            if (server != null || closed) {
                throw new IllegalStateException("FakeAmi already started or closed");
            }
            server = bind(0);
            port = server.getLocalPort();
            bootNanos = System.nanoTime();
            startAccepting(server);
        }
        return this;
    }

    public int port() {
        return port;
    }

    // ---- observation

    /** Every accepted PJSIPNotify, in order. */
    public List<Notify> notifies() {
        synchronized (lock) {
            return List.copyOf(notifies);
        }
    }

    /** A copy of the AstDB, keys as Asterisk shows them: {@code /family/key}. */
    public Map<String, String> astdb() {
        synchronized (lock) {
            return new TreeMap<>(astdb);
        }
    }

    /** Names of all actions received (as sent, "" when a message had none), in order. */
    public List<String> actions() {
        synchronized (lock) {
            return List.copyOf(actions);
        }
    }

    /** TCP connections accepted so far. */
    public int connections() {
        synchronized (lock) {
            return connections;
        }
    }

    /** Successful logins so far. */
    public int logins() {
        synchronized (lock) {
            return logins;
        }
    }

    /** Connections open right now. */
    public int openConnections() {
        return sessions.size();
    }

    /** Everything clients sent, all connections, as text (to check what crossed the wire). */
    public String received() {
        synchronized (lock) {
            return received.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits (at most 10 s) until at least {@code count} logins succeeded. */
    public void awaitLogins(int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> logins() >= count);
    }

    // ---- behaviour

    /** Which endpoint ids exist (PJSIPNotify of another answers "Unable to retrieve endpoint"). */
    public void knownEndpoints(Predicate<String> known) {
        this.knownEndpoints = known;
    }

    /** These modules (names without .so) are not loaded: ModuleCheck answers "Module not loaded" for them. */
    public void unloadModules(String... modules) {
        for (String m : modules) {
            unloaded.add(m.toLowerCase(Locale.ROOT));
        }
    }

    /** These modules are loaded again. */
    public void loadModules(String... modules) {
        for (String m : modules) {
            unloaded.remove(m.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * A user as a manager.conf section gives it: {@code read} and {@code write} are comma-separated
     * classes ({@code all} for every one). The constructor's user may be given classes this way too.
     */
    public FakeAmi user(String name, String userSecret, String read, String write) {
        users.put(name.toLowerCase(Locale.ROOT), new User(userSecret, classes(read), classes(write)));
        return this;
    }

    /** A dialplan global, for {@code Getvar} without a channel. */
    public void global(String name, String value) {
        globals.put(name, value);
    }

    /** Contexts the dialplan has ({@code ShowDialPlan}). */
    public void contexts(String... names) {
        contexts.addAll(List.of(names));
    }

    /**
     * What the dialplan does with an Originate that got past the permission checks; runs on the
     * session's thread before the answer (so a UserEvent it sends arrives before the answer, where
     * Asterisk sends it after: clients must take both orders). True answers {@code Originate
     * successfully queued}, false {@code Originate failed}.
     */
    public void onOriginate(java.util.function.Function<Originate, Boolean> dialplan) {
        this.dialplan = dialplan;
    }

    /** Every Originate that got past the permission checks, in order. */
    public List<Originate> originates() {
        synchronized (lock) {
            return List.copyOf(originates);
        }
    }

    /**
     * Sends {@code UserEvent(name,key: value,...)} as run on a channel: to every session whose user may
     * read {@code user} and asked for it. {@code channel} holds the snapshot headers in order (see
     * {@link #channelSnapshot}); {@code body} the event's own headers in order.
     */
    public void userEvent(Map<String, String> channel, String name, Map<String, String> body) {
        StringBuilder b = new StringBuilder("Event: UserEvent\r\nPrivilege: user,all\r\n");
        channel.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        b.append("UserEvent: ").append(name).append("\r\n");
        body.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        String text = b.append("\r\n").toString();
        for (Session s : sessions) {
            if (s.authenticated && s.mayRead("user")) {
                s.sendQuietly(text);
            }
        }
    }

    private final Set<String> channels = new java.util.concurrent.ConcurrentSkipListSet<>();

    /**
     * A call's channel comes up ({@code PJSIP/hd-0015651234ab-00000001}): {@code CoreShowChannels} lists it from
     * now on. No event is sent (hotdesk asks the list; Newchannel is not among what it reads).
     */
    public void channelUp(String channel) {
        channels.add(channel);
    }

    /**
     * The channel hangs up: gone from the list, and {@code Event: Hangup} (class call, as recorded from the
     * kit: Channel, Uniqueid, Cause, Cause-txt) goes to every session that may read call events.
     */
    public void channelDown(String channel) {
        channels.remove(channel);
        String text = "Event: Hangup\r\nPrivilege: call,all\r\nChannel: " + channel + "\r\nChannelState: 6\r\n"
                + "ChannelStateDesc: Up\r\nUniqueid: 1796165173.1\r\nLinkedid: 1796165173.1\r\nCause: 16\r\n"
                + "Cause-txt: Normal Clearing\r\n\r\n";
        for (Session s : sessions) {
            if (s.authenticated && s.mayRead("call")) {
                s.sendQuietly(text);
            }
        }
    }

    /** A registered contact as the fake holds it. */
    private record Contact(String aor, String uri, String userAgent, String viaAddr, int viaPort) {
    }

    private final List<Contact> contacts = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * A phone registers: {@code PJSIPShowContacts} lists it from now on, and {@code Event: ContactStatus} with
     * {@code ContactStatus: NonQualified} goes to every session that may read system events (as recorded on
     * the kit for a new contact; a refresh of a known contact sends nothing).
     */
    public void register(String aor, String uri, String userAgent, String viaAddr, int viaPort) {
        boolean known = contacts.stream().anyMatch(c -> c.aor().equals(aor) && c.uri().equals(uri));
        if (known) {
            return;
        }
        contacts.add(new Contact(aor, uri, userAgent, viaAddr, viaPort));
        contactStatus(aor, uri, "NonQualified");
    }

    /** The contact expires or unregisters: gone from the list, {@code ContactStatus: Removed} sent. */
    public void unregister(String aor, String uri) {
        if (contacts.removeIf(c -> c.aor().equals(aor) && c.uri().equals(uri))) {
            contactStatus(aor, uri, "Removed");
        }
    }

    private void contactStatus(String aor, String uri, String status) {
        String text = "Event: ContactStatus\r\nPrivilege: system,all\r\nURI: " + uri + "\r\nContactStatus: " + status
                + "\r\nAOR: " + aor + "\r\nEndpointName: " + aor + "\r\nRoundtripUsec: 0\r\n\r\n";
        for (Session s : sessions) {
            if (s.authenticated && s.mayRead("system")) {
                s.sendQuietly(text);
            }
        }
    }

    /** PJSIPShowContacts as Asterisk 22.10.1 answers it (recorded): an Error without contacts, else a list. */
    private String showContacts(Headers h) {
        List<Contact> listed = List.copyOf(contacts);
        if (listed.isEmpty()) {
            return error(h, "No Contacts found");
        }
        StringBuilder b = new StringBuilder("Response: Success\r\n" + id(h) + "EventList: start\r\n"
                + "Message: A listing of Contacts follows, presented as ContactList events\r\n\r\n");
        int n = 0;
        for (Contact c : listed) {
            b.append("Event: ContactList\r\n").append(id(h)).append("ObjectType: contact\r\nObjectName: ").append(c.aor())
                    .append(";@").append(Integer.toHexString(c.uri().hashCode())).append("\r\nViaAddr: ").append(c.viaAddr())
                    .append("\r\nCallId: ").append(++n).append("@fake\r\nEndpoint: ").append(c.aor())
                    .append("\r\nViaPort: ").append(c.viaPort()).append("\r\nUri: ").append(c.uri())
                    .append("\r\nUserAgent: ").append(c.userAgent()).append("\r\nExpirationTime: 1796185443\r\n")
                    .append("Status: NonQualified\r\nRoundtripUsec: N/A\r\n\r\n");
        }
        b.append("Event: ContactListComplete\r\n").append(id(h)).append("EventList: Complete\r\nListItems: ")
                .append(listed.size()).append("\r\n\r\n");
        return b.toString();
    }

    /** CoreShowChannels as Asterisk 22.10.1 answers it (recorded): Success, one event per channel, Complete with ListItems. */
    private String coreShowChannels(Headers h) {
        StringBuilder b = new StringBuilder("Response: Success\r\n" + id(h) + "EventList: start\r\nMessage: Channels will follow\r\n\r\n");
        List<String> listed = List.copyOf(channels);
        for (String c : listed) {
            b.append("Event: CoreShowChannel\r\n").append(id(h)).append("Channel: ").append(c).append("\r\n")
                    .append("ChannelState: 6\r\nChannelStateDesc: Up\r\nContext: held\r\nExten: 600\r\nPriority: 2\r\n")
                    .append("Application: Wait\r\nApplicationData: 60\r\nDuration: 00:00:01\r\nBridgeId: \r\n\r\n");
        }
        b.append("Event: CoreShowChannelsComplete\r\n").append(id(h)).append("EventList: Complete\r\nListItems: ")
                .append(listed.size()).append("\r\n\r\n");
        return b.toString();
    }

    /** The snapshot headers Asterisk 22.10.1 puts before a UserEvent's own (recorded from the kit). */
    public static Map<String, String> channelSnapshot(String channel, String context, String exten, String uniqueid,
                                                      String linkedid, String callerNum, String callerName) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Channel", channel);
        m.put("ChannelState", "4");
        m.put("ChannelStateDesc", "Ring");
        m.put("CallerIDNum", callerNum);
        m.put("CallerIDName", callerName);
        m.put("ConnectedLineNum", "<unknown>");
        m.put("ConnectedLineName", "<unknown>");
        m.put("Language", "en");
        m.put("AccountCode", "");
        m.put("Context", context);
        m.put("Exten", exten);
        m.put("Priority", "1");
        m.put("Uniqueid", uniqueid);
        m.put("Linkedid", linkedid);
        return m;
    }

    /** How long a refused login waits before its Error (Asterisk: 1 s). */
    public void loginFailureDelay(Duration delay) {
        this.loginFailureDelay = delay;
    }

    /** Seeds the AstDB. */
    public void putDb(String family, String key, String value) {
        synchronized (lock) {
            astdb.put("/" + family + "/" + key, value);
        }
    }

    /**
     * The next action named {@code action} (case-insensitive) that gets past the login check is
     * answered {@code Response: Error} with this message, and nothing else happens.
     */
    public void failNext(String action, String message) {
        synchronized (lock) {
            failures.computeIfAbsent(action.toLowerCase(Locale.ROOT), k -> new ArrayDeque<>()).add(message);
        }
    }

    // ---- faults

    /**
     * Asterisk restarts: every logged-in client with system events gets {@code Event: Shutdown},
     * all connections are closed, connects are refused for 300 ms, then the fake listens again on
     * the same port with Uptime 0. Returns at once; the AstDB and the records survive.
     */
    public void restart() {
        restart(DEFAULT_RESTART_GAP);
    }

    /** {@link #restart()} with the given time of refused connects. */
    public void restart(Duration refusedFor) {
        Thread stopped;
        synchronized (lock) {
            for (Session s : sessions) {
                if (s.authenticated && s.mayRead("system")) {
                    s.sendQuietly("Event: Shutdown\r\nPrivilege: system,all\r\nShutdown: Cleanly\r\nRestart: False\r\n\r\n");
                }
            }
            stopped = stopListening();
        }
        awaitClosed(stopped);
        timer.schedule(this::up, refusedFor.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** From now on Asterisk reports an Uptime as if it had started {@code ago} (as the current one did). */
    public void bootedAgo(Duration ago) {
        bootNanos = System.nanoTime() - ago.toNanos();
    }

    /** From now on FullyBooted carries no Uptime (LastReload neither), as an older or odd Asterisk might. */
    public void withoutUptime() {
        noUptime = true;
    }

    /**
     * Asterisk is still booting: logins succeed but get no FullyBooted until {@link #finishBooting()}, which sends it to
     * every logged-in session, as Asterisk does when its boot completes.
     */
    public void startBooting() {
        booting = true;
    }

    /** See {@link #startBooting()}. */
    public void finishBooting() {
        booting = false;
        for (Session s : sessions) {
            if (s.authenticated && s.mayRead("system")) {
                s.sendQuietly(fullyBooted());
            }
        }
    }

    /**
     * The connections are cut without a word (a network blip, or {@code manager reload}), while Asterisk keeps running:
     * new connects are accepted at once and its Uptime goes on.
     */
    public void dropConnections() {
        for (Session s : sessions) {
            s.close();
        }
    }

    /** Asterisk is gone (crashed, killed): connections are cut without a word and connects are refused. */
    public void down() {
        Thread stopped;
        synchronized (lock) {
            stopped = stopListening();
        }
        awaitClosed(stopped);
    }

    /** Asterisk is back on the same port, freshly booted (Uptime 0). No-op while listening. */
    public void up() {
        synchronized (lock) {
            if (server != null || closed) {
                return;
            }
            server = bind(port);
            bootNanos = System.nanoTime();
            startAccepting(server);
        }
    }

    /** The open connections stop answering (they still read); new connections behave normally. */
    public void mute() {
        for (Session s : sessions) {
            s.muted = true;
        }
    }

    @Override
    public void close() {
        Thread stopped;
        synchronized (lock) {
            closed = true;
            stopped = stopListening();
        }
        awaitClosed(stopped);
        timer.shutdownNow();
        pool.shutdownNow();
    }

    // ---- network

    /**
     * Closes the listener and every connection; returns the accept thread to {@link #awaitClosed join}
     * outside the lock. Until that thread has left accept() the kernel may still take a connect, which
     * would then be cut without a banner instead of refused.
     */
    private Thread stopListening() {
        Thread stopped = acceptor;
        acceptor = null;
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                // closing anyway
            }
            server = null;
        }
        for (Session s : sessions) {
            s.close();
        }
        sessions.clear();
        return stopped;
    }

    private static void awaitClosed(Thread acceptThread) {
        if (acceptThread == null) {
            return;
        }
        try {
            acceptThread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (acceptThread.isAlive()) {
            throw new IllegalStateException("FakeAmi: the accept thread did not stop; the port may still take connects");
        }
    }

    private ServerSocket bind(int wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                try {
                    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 50);
                } catch (IOException e) {
                    s.close();
                    throw e;
                }
                return s;
            } catch (BindException e) {
                // the old listener's port can linger briefly: the fake must come back on the same one
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("FakeAmi cannot listen on port " + wanted + " again", e);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while binding", ie);
                }
            } catch (IOException e) {
                throw new IllegalStateException("FakeAmi cannot listen: " + e, e);
            }
        }
    }

    private void startAccepting(ServerSocket ss) {
        Thread t = new Thread(() -> acceptLoop(ss), "fake-ami-accept-" + ss.getLocalPort());
        acceptor = t;
        t.setDaemon(true);
        t.start();
    }

    private void acceptLoop(ServerSocket ss) {
        while (true) {
            Socket c;
            try {
                c = ss.accept();
            } catch (IOException e) {
                return; // listener closed
            }
            Session s = new Session(c);
            synchronized (lock) {
                if (server != ss) {
                    s.close();
                    return;
                }
                connections++;
                sessions.add(s);
            }
            pool.execute(() -> serve(s));
        }
    }

    private void serve(Session s) {
        try {
            s.send(BANNER);
            InputStream in = new BufferedInputStream(s.socket.getInputStream());
            while (true) {
                List<String> lines = readMessage(in);
                if (lines == null) {
                    return;
                }
                if (!handle(s, new Headers(lines))) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away or the fake cut the connection
        } finally {
            s.close();
            sessions.remove(s);
        }
    }

    /** Lines (CRLF removed) up to an empty line; null at end of stream. */
    private List<String> readMessage(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            synchronized (lock) {
                received.write(c);
            }
            if (c == '\n' && prev == '\r') {
                byte[] b = line.toByteArray();
                String l = new String(b, 0, b.length - 1, StandardCharsets.UTF_8);
                if (l.isEmpty()) {
                    return lines;
                }
                lines.add(l);
                line.reset();
                prev = -1;
                continue;
            }
            line.write(c);
            prev = c;
        }
    }

    // ---- AMI

    /** Answers one message; false closes the connection. */
    private boolean handle(Session s, Headers h) throws IOException {
        String action = h.get("Action");
        String failure;
        synchronized (lock) {
            actions.add(action);
            Deque<String> q = failures.get(action.toLowerCase(Locale.ROOT));
            failure = q == null ? null : q.peek();
        }
        if (s.muted) {
            return true;
        }
        if (action.isEmpty()) {
            s.send(error(h, "Missing action in request"));
            return true;
        }
        String name = action.toLowerCase(Locale.ROOT);
        if (!s.authenticated && !(name.equals("login") || name.equals("logoff") || name.equals("challenge"))) {
            s.send(error(h, "Permission denied"));
            return true;
        }
        Set<String> needs = ACTION_CLASSES.get(name);
        if (needs != null && s.writePerm.stream().noneMatch(c -> c.equals("all") || needs.contains(c))) {
            s.send(error(h, "Permission denied"));
            return true;
        }
        if (failure != null) {
            synchronized (lock) {
                failures.get(name).poll();
            }
            s.send(error(h, failure));
            return true;
        }
        switch (name) {
            case "login":
                return login(s, h);
            case "challenge":
                if (!h.get("AuthType").equalsIgnoreCase("MD5")) {
                    s.send(error(h, "Must specify AuthType"));
                } else {
                    if (s.challenge == null) {
                        s.challenge = Long.toString(ThreadLocalRandom.current().nextLong(1, Integer.MAX_VALUE));
                    }
                    s.send("Response: Success\r\n" + id(h) + "Challenge: " + s.challenge + "\r\n\r\n");
                }
                return true;
            case "logoff":
                s.send(response(h, "Goodbye", "Thanks for all the fish."));
                return false;
            case "ping":
                long micros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
                s.send("Response: Success\r\n" + id(h) + "Ping: Pong\r\nTimestamp: " + micros / 1_000_000 + "."
                        + String.format("%06d", micros % 1_000_000) + "\r\n\r\n");
                return true;
            case "pjsipnotify":
                s.send(notify(h));
                return true;
            case "dbput":
                s.send(dbPut(h));
                return true;
            case "getconfig":
                s.send(getConfig(h));
                return true;
            case "reload":
                s.send(response(h, "Success", "Module Reloaded"));
                return true;
            case "dbget":
                s.send(dbGet(h));
                return true;
            case "dbgettree":
                s.send(dbGetTree(h));
                return true;
            case "dbdel":
                s.send(dbDel(h));
                return true;
            case "modulecheck":
                s.send(moduleCheck(h));
                return true;
            case "dbdeltree":
                s.send(dbDelTree(h));
                return true;
            case "originate":
                s.send(originate(s, h));
                return true;
            case "userevent":
                Map<String, String> body = new LinkedHashMap<>();
                h.pairs.stream().filter(p -> !p[0].equalsIgnoreCase("Action") && !p[0].equalsIgnoreCase("ActionID")
                        && !p[0].equalsIgnoreCase("UserEvent")).forEach(p -> body.put(p[0], p[1]));
                userEvent(Map.of(), h.get("UserEvent"), body);
                s.send("Response: Success\r\n" + id(h) + "\r\n");
                return true;
            case "getvar":
                s.send(getvar(h));
                return true;
            case "showdialplan":
                s.send(showDialPlan(h));
                return true;
            case "hangup":
                s.send(error(h, "No such channel"));
                return true;
            case "coreshowchannels":
                s.send(coreShowChannels(h));
                return true;
            case "pjsipshowcontacts":
                s.send(showContacts(h));
                return true;
            default:
                s.send(error(h, "Invalid/unknown command: " + action + ". Use Action: ListCommands to show available commands."));
                return true;
        }
    }

    private boolean login(Session s, Headers h) throws IOException {
        if (s.authenticated) {
            s.send(response(h, "Success", "Already authenticated"));
            return true;
        }
        User u = users.get(h.get("Username").toLowerCase(Locale.ROOT));
        boolean userOk = u != null;
        boolean secretOk = false;
        if (u != null && h.get("AuthType").equalsIgnoreCase("MD5")) {
            secretOk = s.challenge != null && !h.get("Key").isEmpty() && h.get("Key").equals(md5Hex(s.challenge + u.secret()));
        } else if (u != null) {
            secretOk = h.get("Secret").equals(u.secret());
        }
        if (!userOk || !secretOk) {
            try {
                Thread.sleep(loginFailureDelay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            s.send(error(h, "Authentication failed"));
            return false;
        }
        s.readPerm = u.read();
        s.writePerm = u.write();
        s.userName = h.get("Username");
        s.authenticated = true;
        s.events = eventClasses(h.has("Events") ? h.get("Events") : null);
        synchronized (lock) {
            logins++;
        }
        StringBuilder b = new StringBuilder(response(h, "Success", "Authentication accepted"));
        if (s.mayRead("system") && !booting) {
            b.append(fullyBooted());
        }
        if (s.mayRead("security")) {
            String now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)
                    .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ"));
            b.append("Event: SuccessfulAuth\r\nPrivilege: security,all\r\nEventTV: ").append(now)
                    .append("\r\nSeverity: Informational\r\nService: AMI\r\nEventVersion: 1\r\nAccountID: ").append(user)
                    .append("\r\nSessionID: 0x").append(Integer.toHexString(System.identityHashCode(s)))
                    .append("\r\nLocalAddress: IPV4/TCP/127.0.0.1/").append(s.socket.getLocalPort())
                    .append("\r\nRemoteAddress: IPV4/TCP/127.0.0.1/").append(s.socket.getPort())
                    .append("\r\nUsingPassword: 0\r\nSessionTV: ").append(now).append("\r\n\r\n");
        }
        s.send(b.toString());
        return true;
    }

    private String fullyBooted() {
        long up = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - bootNanos);
        return noUptime ? "Event: FullyBooted\r\nPrivilege: system,all\r\nStatus: Fully Booted\r\n\r\n"
                : "Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: " + up + "\r\nLastReload: " + up
                + "\r\nStatus: Fully Booted\r\n\r\n";
    }

    private String notify(Headers h) {
        String endpoint = h.get("Endpoint");
        String uri = h.get("URI");
        if (!endpoint.isEmpty() && !uri.isEmpty()) {
            return error(h, "PJSIPNotify action can not handle a request specifying both 'URI' and 'Endpoint'."
                    + " You must use only one of the two.\n");
        }
        if (endpoint.isEmpty() && uri.isEmpty()) {
            return error(h, "PJSIPNotify requires either an endpoint name or a SIP URI.");
        }
        String event;
        String option = h.get("Option");
        if (!option.isEmpty()) {
            synchronized (lock) {
                event = notifyOptions.get(option);
            }
            if (event == null) {
                return error(h, "Unable to find notify type '" + option + "'\n");
            }
        } else {
            event = "";
            for (String variables : h.all("Variable")) {
                for (String item : variables.split(",")) {
                    int eq = item.indexOf('=');
                    if (eq > 0 && item.substring(0, eq).equals("Event") && event.isEmpty()) {
                        event = item.substring(eq + 1);
                    }
                }
            }
        }
        String target = uri;
        if (!endpoint.isEmpty()) {
            target = endpoint;
            String lower = endpoint.toLowerCase(Locale.ROOT);
            if (lower.startsWith("sip/")) {
                target = endpoint.substring(4);
            } else if (lower.startsWith("pjsip/")) {
                target = endpoint.substring(6);
            }
            if (!knownEndpoints.test(target)) {
                return error(h, "Unable to retrieve endpoint " + target);
            }
        }
        synchronized (lock) {
            notifies.add(new Notify(target, event));
        }
        return response(h, "Success", "NOTIFY sent");
    }

    private String dbPut(Headers h) {
        if (h.get("Family").isEmpty()) {
            return error(h, "No family specified");
        }
        if (h.get("Key").isEmpty()) {
            return error(h, "No key specified");
        }
        synchronized (lock) {
            astdb.put("/" + h.get("Family") + "/" + h.get("Key"), h.get("Val"));
        }
        return response(h, "Success", "Updated database successfully");
    }

    /** Replaces acl.conf as GetConfig reads it (section → lines like {@code permit=10.0.0.0/8}). */
    public void aclConf(Map<String, List<String>> sections) {
        synchronized (lock) {
            aclConf.clear();
            aclConf.putAll(sections);
        }
    }

    /** GetConfig of acl.conf (any other file: not found), numbered as Asterisk 22 numbers it. */
    private String getConfig(Headers h) {
        if (!"acl.conf".equals(h.get("Filename"))) {
            return error(h, "Config file not found");
        }
        StringBuilder b = new StringBuilder("Response: Success\r\n").append(id(h));
        synchronized (lock) {
            int c = 0;
            for (Map.Entry<String, List<String>> e : aclConf.entrySet()) {
                b.append(String.format("Category-%06d: %s\r\n", c, e.getKey()));
                for (int l = 0; l < e.getValue().size(); l++) {
                    b.append(String.format("Line-%06d-%06d: %s\r\n", c, l, e.getValue().get(l)));
                }
                c++;
            }
        }
        return b.append("\r\n").toString();
    }

    private String dbGet(Headers h) {
        String family = h.get("Family");
        String key = h.get("Key");
        if (family.isEmpty()) {
            return error(h, "No family specified.");
        }
        if (key.isEmpty()) {
            return error(h, "No key specified.");
        }
        String value;
        synchronized (lock) {
            value = astdb.get("/" + family + "/" + key);
        }
        if (value == null) {
            return error(h, "Database entry not found");
        }
        String id = id(h);
        return "Response: Success\r\n" + id + "EventList: start\r\nMessage: Result will follow\r\n\r\n"
                + "Event: DBGetResponse\r\nFamily: " + family + "\r\nKey: " + key + "\r\nVal: " + value + "\r\n" + id + "\r\n"
                + "Event: DBGetComplete\r\n" + id + "EventList: Complete\r\nListItems: 1\r\n\r\n";
    }

    /** Every entry under {@code /Family[/Key]}, keys in full as Asterisk 22 gives them; none is still a success. */
    private String dbGetTree(Headers h) {
        String prefix = h.get("Family").isEmpty() ? "/"
                : "/" + h.get("Family") + "/" + (h.get("Key").isEmpty() ? "" : h.get("Key") + "/");
        String id = id(h);
        StringBuilder out = new StringBuilder("Response: Success\r\n" + id + "EventList: start\r\nMessage: Result will follow\r\n\r\n");
        int n = 0;
        synchronized (lock) {
            for (Map.Entry<String, String> e : astdb.entrySet()) {
                if (e.getKey().startsWith(prefix)) {
                    out.append("Event: DBGetTreeResponse\r\nKey: ").append(e.getKey()).append("\r\nVal: ").append(e.getValue())
                            .append("\r\n").append(id).append("\r\n");
                    n++;
                }
            }
        }
        return out.append("Event: DBGetTreeComplete\r\n").append(id).append("EventList: Complete\r\nListItems: ").append(n)
                .append("\r\n\r\n").toString();
    }

    private String dbDel(Headers h) {
        if (h.get("Family").isEmpty()) {
            return error(h, "No family specified.");
        }
        if (h.get("Key").isEmpty()) {
            return error(h, "No key specified.");
        }
        boolean existed;
        synchronized (lock) {
            existed = astdb.remove("/" + h.get("Family") + "/" + h.get("Key")) != null;
        }
        if (!existed) {
            return error(h, "Database entry could not be deleted");
        }
        return response(h, "Success", "Key deleted successfully");
    }

    /** Deletes {@code /family} or {@code /family/key} and everything below it, as Asterisk's ast_db_deltree. */
    private String dbDelTree(Headers h) {
        String family = h.get("Family");
        if (family.isEmpty()) {
            return error(h, "No family specified.");
        }
        String prefix = "/" + family + (h.get("Key").isEmpty() ? "" : "/" + h.get("Key"));
        boolean any;
        synchronized (lock) {
            any = astdb.keySet().removeIf(k -> k.equals(prefix) || k.startsWith(prefix + "/"));
        }
        if (!any) {
            return error(h, "Database entry not found");
        }
        return response(h, "Success", "Key tree deleted successfully");
    }

    private String moduleCheck(Headers h) {
        String module = h.get("Module").toLowerCase(Locale.ROOT);
        String name = module.endsWith(".so") ? module.substring(0, module.length() - 3) : module;
        if (name.isEmpty() || !name.matches("[a-z0-9_]+") || unloaded.contains(name)) {
            return error(h, "Module not loaded");
        }
        return "Response: Success\r\n" + id(h) + "Version: \r\n\r\n";
    }

    private String originate(Session s, Headers h) {
        String channel = h.get("Channel");
        if (channel.isEmpty()) {
            return error(h, "Channel not specified");
        }
        if (channel.indexOf('/') < 0) {
            return error(h, "Invalid channel");
        }
        String app = h.get("Application").toLowerCase(Locale.ROOT);
        boolean system = s.writePerm.contains("all") || s.writePerm.contains("system");
        if (!app.isEmpty() && !system && SYSTEM_ONLY_APPS.stream().anyMatch(app::contains)) {
            return error(h, "Originate Access Forbidden: app or data blacklisted");
        }
        Map<String, String> variables = new LinkedHashMap<>();
        for (String v : h.all("Variable")) {
            for (String item : v.split(",")) {
                int eq = item.indexOf('=');
                if (eq > 0) {
                    variables.put(item.substring(0, eq), item.substring(eq + 1));
                }
            }
        }
        Originate o = new Originate(s.userName, channel, h.get("Application"), h.get("Data"), h.get("Context"), h.get("Exten"),
                h.get("ChannelId"), h.get("OtherChannelId"), Map.copyOf(variables), h.get("Timeout"), h.get("Async"));
        synchronized (lock) {
            originates.add(o);
        }
        Boolean answered = dialplan.apply(o);
        return answered != null && answered ? response(h, "Success", "Originate successfully queued")
                : error(h, "Originate failed");
    }

    private String getvar(Headers h) {
        String name = h.get("Variable");
        if (name.isEmpty()) {
            return error(h, "No variable specified");
        }
        if (!h.get("Channel").isEmpty()) {
            return error(h, "No such channel");
        }
        return "Response: Success\r\n" + id(h) + "Variable: " + name + "\r\nValue: " + globals.getOrDefault(name, "")
                + "\r\n\r\n";
    }

    private String showDialPlan(Headers h) {
        String context = h.get("Context");
        if (!contexts.contains(context)) {
            return error(h, "Did not find context " + context);
        }
        String id = id(h);
        return "Response: Success\r\n" + id + "EventList: start\r\nMessage: DialPlan list will follow\r\n\r\n"
                + "Event: ListDialplan\r\n" + id + "Context: " + context + "\r\nExtension: _X.\r\nPriority: 1\r\n"
                + "Application: NoOp\r\nAppData: \r\nRegistrar: pbx_config\r\n\r\n"
                + "Event: ShowDialPlanComplete\r\n" + id + "EventList: Complete\r\nListItems: 1\r\nListExtensions: 1\r\n"
                + "ListPriorities: 1\r\nListContexts: 1\r\n\r\n";
    }

    /** Classes of a manager.conf read/write value; {@code all} stands for every one. */
    private static Set<String> classes(String value) {
        Set<String> out = new java.util.HashSet<>();
        for (String c : value.split(",")) {
            String k = c.strip().toLowerCase(Locale.ROOT);
            if (k.isEmpty()) {
                continue;
            }
            if (!k.equals("all") && !CLASSES.contains(k)) {
                throw new IllegalArgumentException("FakeAmi: no AMI class '" + k + "'");
            }
            out.add(k);
        }
        return Set.copyOf(out);
    }

    private record User(String secret, Set<String> read, Set<String> write) {
    }

    private static String id(Headers h) {
        String id = h.get("ActionID");
        return id.isEmpty() ? "" : "ActionID: " + id + "\r\n";
    }

    private static String response(Headers h, String response, String message) {
        return "Response: " + response + "\r\n" + id(h) + "Message: " + message + "\r\n\r\n";
    }

    private static String error(Headers h, String message) {
        return response(h, "Error", message);
    }

    /** Event classes of an {@code Events} header: null (no header) or on/yes/true/all mean every class. */
    private static Set<String> eventClasses(String events) {
        if (events == null) {
            return Set.of("all");
        }
        String e = events.strip().toLowerCase(Locale.ROOT);
        if (e.equals("on") || e.equals("yes") || e.equals("true")) {
            return Set.of("all");
        }
        if (e.equals("off") || e.equals("no") || e.equals("false")) {
            return Set.of();
        }
        Set<String> out = new java.util.HashSet<>();
        for (String c : e.split(",")) {
            out.add(c.strip());
        }
        return out;
    }

    private static String md5Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Headers of one request; names case-insensitive, first wins; values with leading blanks skipped. */
    private static final class Headers {

        private final List<String[]> pairs = new ArrayList<>();

        Headers(List<String> lines) {
            for (String l : lines) {
                int colon = l.indexOf(':');
                if (colon > 0) {
                    pairs.add(new String[] {l.substring(0, colon), l.substring(colon + 1).stripLeading()});
                }
            }
        }

        boolean has(String name) {
            return pairs.stream().anyMatch(p -> p[0].equalsIgnoreCase(name));
        }

        /** The first value, "" when absent (as Asterisk's astman_get_header). */
        String get(String name) {
            return pairs.stream().filter(p -> p[0].equalsIgnoreCase(name)).map(p -> p[1]).findFirst().orElse("");
        }

        List<String> all(String name) {
            return pairs.stream().filter(p -> p[0].equalsIgnoreCase(name)).map(p -> p[1]).toList();
        }
    }

    /** One client connection. */
    private static final class Session {

        final Socket socket;
        volatile boolean authenticated;
        volatile boolean muted;
        volatile Set<String> events = Set.of();
        volatile Set<String> readPerm = Set.of();
        volatile Set<String> writePerm = Set.of();
        volatile String userName = "";
        volatile String challenge;

        Session(Socket socket) {
            this.socket = socket;
        }

        boolean wants(String eventClass) {
            Set<String> e = events;
            return e.contains("all") || e.contains(eventClass);
        }

        /** Asterisk sends an event of this class only when the user may read it and the session asked for it. */
        boolean mayRead(String eventClass) {
            Set<String> r = readPerm;
            return (r.contains("all") || r.contains(eventClass)) && wants(eventClass);
        }

        synchronized void send(String text) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        void sendQuietly(String text) {
            try {
                send(text);
            } catch (IOException e) {
                // the client is gone already
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
