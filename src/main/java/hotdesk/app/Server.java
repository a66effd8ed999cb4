package hotdesk.app;

import hotdesk.core.model.AutoLogoutOverride;
import hotdesk.core.policy.AutoLogoutRules;
import hotdesk.core.usecase.AutoLogout;
import java.time.LocalTime;
import java.time.ZoneId;
import hotdesk.agi.AgiSettings;
import hotdesk.agi.HotdeskAgiServer;
import hotdesk.agi.Prompts;
import hotdesk.ami.AmiLink;
import hotdesk.ami.AmiSettings;
import hotdesk.ari.AriClient;
import hotdesk.ari.AriPbx;
import hotdesk.ari.AriSettings;
import hotdesk.asteriskconf.AsteriskConfSettings;
import hotdesk.asteriskconf.AsteriskConfWriter;
import hotdesk.core.policy.SeatingPolicy;
import hotdesk.core.policy.PjsipProfile;
import hotdesk.core.policy.Projections;
import hotdesk.core.policy.RequiredModules;
import hotdesk.core.policy.ValueRules;
import hotdesk.core.port.Ledger;
import hotdesk.core.model.EmergencyCall;
import hotdesk.core.port.EmergencyAlerts;
import hotdesk.board.BoardServer;
import hotdesk.board.BoardSettings;
import hotdesk.core.usecase.SelfServiceCodes;
import hotdesk.selfservice.SelfServiceServer;
import hotdesk.selfservice.SelfServiceSettings;
import hotdesk.core.policy.LockoutPolicy;
import hotdesk.core.policy.LoginLimits;
import hotdesk.core.usecase.AnnounceEmergency;
import hotdesk.core.usecase.BoardSignIn;
import hotdesk.core.usecase.LocalDeskEvents;
import hotdesk.core.usecase.OccupancyReport;
import hotdesk.core.usecase.ApplyNow;
import hotdesk.core.usecase.FetchJournal;
import hotdesk.core.usecase.LogIn;
import hotdesk.core.usecase.LoginGate;
import hotdesk.core.usecase.LogOut;
import hotdesk.core.usecase.ProvisionDesk;
import hotdesk.core.usecase.PruneLedger;
import hotdesk.core.usecase.Reconcile;
import hotdesk.core.usecase.TrackContacts;
import hotdesk.store.LedgerChanges;
import hotdesk.core.port.Telemetry;
import hotdesk.metrics.MetricsServer;
import hotdesk.metrics.MetricsSettings;
import hotdesk.metrics.PrometheusTelemetry;
import hotdesk.provisioning.ProvisioningServer;
import hotdesk.provisioning.DialCodes;
import hotdesk.provisioning.ProvisioningSettings;
import hotdesk.webhook.EmergencyWebhook;
import hotdesk.webhook.WebhookSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The running server: FastAGI, AMI, ARI, provisioning HTTP, the reconciler loop and the emergency watch
 * (every {@code HotdeskEmergency} event of the emergency route: logged, audited, posted to the webhook),
 * on one ledger.
 * {@link #start()} validates the whole configuration before it opens anything; {@link #close()} stops
 * everything in reverse order. Used by {@code hotdesk serve} and by the end-to-end tests.
 */
public final class Server implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    private final Services services;
    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private Reconcile reconcile;
    private HotdeskAgiServer agi;
    private ProvisioningServer provisioning;
    private BoardServer board;
    private SelfServiceServer selfService;
    /** Logins, logouts and pushes, for the desk board's live view. */
    private final LocalDeskEvents events = new LocalDeskEvents();
    private AmiLink ami;
    private volatile ScheduledExecutorService scheduler;
    private ExecutorService watch;
    private AnnounceEmergency announce;
    private AutoLogout autoLogout;
    private ExecutorService callEnds;
    private EmergencyAlerts alerts = EmergencyAlerts.none();
    private MetricsServer metrics;
    /** When the reconciler last found nothing left to apply (or the start): its lag is the time since. */
    private volatile java.time.Instant lastCaughtUp;
    /** The last ARI probe and when it was made: /health and the gauge ask at most every {@link #ARI_PROBE_EVERY}. */
    private volatile MetricsServer.Check ariState;
    private volatile long ariCheckedAt;
    private final Object ariLock = new Object();

    /** How often fetch records and provisioning audit lines are written to the ledger. */
    static final Duration JOURNAL_FLUSH = Duration.ofSeconds(1);
    /**
     * How long each pool whose tasks may be in the ledger gets to finish them at stop before it is interrupted: seven
     * such pools and the journal writer's 10 s stay within the systemd unit's TimeoutStopSec (40 s) even if all wait.
     */
    static final Duration STOP_WAIT = Duration.ofSeconds(3);
    /** When the first retention run comes after the start: not in the start's way, not skipped by frequent restarts. */
    static final Duration PRUNE_FIRST = Duration.ofSeconds(30);

    /** Longest reconciler lag /health calls up: a push failing for longer means Asterisk does not match the ledger. */
    static final Duration HEALTHY_LAG = Duration.ofSeconds(60);
    /** How long one ARI probe's answer is used for /health and the ARI gauge. */
    static final Duration ARI_PROBE_EVERY = Duration.ofSeconds(5);

    /** Emergency calls waiting to be announced at most; a burst beyond is logged on the AMI thread, unannounced. */
    static final int WATCH_QUEUE = 1000;

    /** Logins and logouts waiting for a push thread at most; beyond, the reconciler's next pass applies them. */
    static final int PUSH_QUEUE = 10_000;

    public Server(Config config) {
        this.services = new Services(() -> config);
    }

    /** Settings of every part, validated at once so a bad key fails the start before anything listens. */
    record Parts(AriSettings ari, AmiSettings ami, AgiSettings agi, Prompts prompts, ProvisioningSettings provisioning,
                 Duration interval, Duration maxBackoff, Duration applyWait, Optional<WebhookSettings> webhook,
                 AutoLogoutRules autoLogout, Duration autoLogoutEvery, ZoneId zone, Optional<BoardSettings> board,
                 Optional<SelfServiceSettings> selfService, Optional<MetricsSettings> metrics) {
        Parts {
            within("auto-logout.check-interval", autoLogoutEvery, Duration.ofSeconds(1), Duration.ofMinutes(10));
            if (!applyWait.isZero() && (applyWait.compareTo(Duration.ofMillis(100)) < 0 || applyWait.compareTo(Duration.ofSeconds(30)) > 0)) {
                throw new IllegalArgumentException("agi.apply-wait must be 0 (answer once committed) or 100 ms..30 s, got "
                        + applyWait.toMillis() + " ms");
            }
            within("reconcile.interval", interval, Duration.ofMillis(10), Duration.ofMinutes(10));
            within("reconcile.max-backoff", maxBackoff, Duration.ofMillis(100), Duration.ofHours(1));
        }

        private static void within(String key, Duration d, Duration min, Duration max) {
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(key + " must be " + min.toMillis() + " ms.." + max.toSeconds() + " s, got "
                        + d.toMillis() + " ms");
            }
        }
    }

    static Parts parts(Config c) {
        AriSettings ari = new AriSettings(ariUrl(c), c.string("ari.user"), c.string("ari.password"), c.duration("ari.timeout"));
        AmiSettings ami = new AmiSettings(c.string("ami.host"), c.integer("ami.port", 1, 65535), c.string("ami.user"),
                c.string("ami.secret"), c.duration("ami.timeout"), c.family("notify.event."));
        AgiSettings agi = new AgiSettings(c.string("agi.bind"), c.integer("agi.port", 0, 65535), c.integer("agi.pool-size", 1, 1000),
                c.integer("agi.max-pool-size", 1, 10000), c.integer("agi.pin-attempts", 1, 10), c.duration("agi.digit-timeout"),
                c.list("agi.allowed-peers"), c.duration("agi.handshake-timeout"), c.duration("agi.command-timeout"));
        Prompts prompts = Prompts.from(c::string);
        ProvisioningSettings prov = provisioningSettings(c);
        trustedNetworks(prov); // first: without the phones' networks nothing else about the listener matters
        provisioningSecurity(c, prov); // checked with the rest (keystore, key file, URL key); read again where the server is made
        c.integer("provisioning.max-provisions", 0, 1_000_000_000); // checked with the rest; read where the journal is made
        return new Parts(ari, ami, agi, prompts, prov, c.duration("reconcile.interval"), c.duration("reconcile.max-backoff"),
                c.duration("agi.apply-wait"), webhook(c), autoLogoutRules(c), c.duration("auto-logout.check-interval"),
                zone(c), board(c), selfService(c), metrics(c));
    }

    /** The provisioning server's settings; also what {@code hotdesk provision render} renders with. */
    static ProvisioningSettings provisioningSettings(Config c) {
        String templates = c.string("provisioning.templates");
        return new ProvisioningSettings(c.string("provisioning.bind"), c.integer("provisioning.port", 0, 65535),
                c.list("provisioning.allowed-networks"), c.bool("provisioning.require-ua-mac"),
                templates.isBlank() ? Optional.empty() : Optional.of(path("provisioning.templates", templates)),
                c.string("provisioning.sip-server"), c.integer("provisioning.sip-port", 1, 65535),
                c.duration("provisioning.registration-expiry"), c.string("provisioning.ntp-server"),
                c.string("provisioning.timezone"), c.list("codes.logout").get(0),
                c.integer("provisioning.max-refusals-per-minute", 1, 100000), c.duration("provisioning.request-timeout"),
                c.integer("provisioning.max-fetches-per-desk", 1, 100_000_000),
                c.integer("provisioning.max-fetches-per-address", 1, 100_000_000), c.string("provisioning.sip-transport"),
                c.bool("provisioning.yealink-hotdesk-key"), new DialCodes(c.list("codes.login"), c.list("codes.login-star"),
                        c.list("codes.otp"), c.list("codes.logout")));
    }

    /**
     * TLS, plain-HTTP networks, URL key and device credentials of the provisioning listener, checked against
     * its bind address: a listener that would send desk files in clear beyond loopback without the admin's
     * {@code provisioning.plain-http-networks} is refused with a message naming the keys.
     */
    static hotdesk.provisioning.ProvisioningSecurity provisioningSecurity(Config c, ProvisioningSettings prov) {
        String keystore = c.string("provisioning.tls-keystore").strip();
        String cert = c.string("provisioning.tls-cert").strip();
        String key = c.string("provisioning.tls-key").strip();
        String passwordFile = c.string("provisioning.tls-password-file").strip();
        if (!keystore.isEmpty() && (!cert.isEmpty() || !key.isEmpty())) {
            throw new IllegalArgumentException("provisioning.tls-keystore and provisioning.tls-cert/provisioning.tls-key are "
                    + "two ways to give the same key: set one");
        }
        if (cert.isEmpty() != key.isEmpty()) {
            throw new IllegalArgumentException("provisioning.tls-cert and provisioning.tls-key go together: set both or neither");
        }
        if (!passwordFile.isEmpty() && !c.string("provisioning.tls-password").isEmpty()) {
            throw new IllegalArgumentException("provisioning.tls-password and provisioning.tls-password-file both set: keep one");
        }
        Optional<hotdesk.provisioning.ProvisioningSecurity.Tls> tls = Optional.empty();
        if (!keystore.isEmpty()) {
            String password = passwordFile.isEmpty() ? c.string("provisioning.tls-password")
                    : firstLine("provisioning.tls-password-file", path("provisioning.tls-password-file", passwordFile));
            tls = Optional.of(hotdesk.provisioning.ProvisioningSecurity.Tls.keystore(path("provisioning.tls-keystore", keystore),
                    password));
        } else if (!cert.isEmpty()) {
            tls = Optional.of(hotdesk.provisioning.ProvisioningSecurity.Tls.pem(path("provisioning.tls-cert", cert),
                    path("provisioning.tls-key", key)));
        }
        String plain = c.string("provisioning.plain-http-networks").strip();
        String urlKey = c.string("provisioning.url-key").strip();
        String auth = c.string("provisioning.device-auth").strip();
        if (!auth.equals("off") && !auth.equals("basic")) {
            throw new IllegalArgumentException("provisioning.device-auth must be off or basic, got '"
                    + auth.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        return new hotdesk.provisioning.ProvisioningSecurity(tls, plain.isEmpty() ? List.of() : c.list("provisioning.plain-http-networks"),
                urlKey.isEmpty() ? Optional.empty() : Optional.of(urlKey), auth.equals("basic")).checkedFor(prov.bindAddress());
    }

    /** The first line of a secret file; its content never appears in a message. */
    private static String firstLine(String key, Path file) {
        try (java.io.BufferedReader r = java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            String line = r.readLine();
            if (line == null || line.isEmpty()) {
                throw new IllegalArgumentException(key + " " + file + " is empty: its first line is the password");
            }
            return line;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(key + " " + file + " cannot be read: " + e.getClass().getSimpleName(), e);
        }
    }

    /** The metrics listener's settings, none when {@code metrics.port} is 0. */
    static Optional<MetricsSettings> metrics(Config c) {
        int port = c.integer("metrics.port", 0, 65535);
        MetricsSettings s = new MetricsSettings(c.string("metrics.bind").strip(), port);
        return port == 0 ? Optional.empty() : Optional.of(s);
    }

    /** The auto-logout rules of {@code auto-logout.*}; a bad value names its key. */
    static AutoLogoutRules autoLogoutRules(Config c) {
        String daily = c.string("auto-logout.daily").strip();
        Optional<LocalTime> at;
        try {
            // the same rule as a site's or desk's own daily time, except that empty (not "off") is off here
            at = daily.isEmpty() ? Optional.empty() : AutoLogoutOverride.dailyTime(daily);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("auto-logout." + e.getMessage());
        }
        return new AutoLogoutRules(c.duration("auto-logout.idle"), c.duration("auto-logout.max"), at);
    }

    static ZoneId zone(Config c) {
        try {
            return ZoneId.of(c.string("provisioning.timezone"));
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("provisioning.timezone must be an IANA time zone id, got '"
                    + c.string("provisioning.timezone") + "'");
        }
    }

    /**
     * The admin HTTP listener's settings, none when {@code admin.port} is empty. Its other keys are
     * checked either way.
     */
    static Optional<BoardSettings> board(Config c) {
        String bind = c.string("admin.bind").strip();
        String keystore = c.string("admin.tls-keystore").strip();
        c.duration("admin.session-ttl");
        c.integer("admin.max-failures", 1, 1000);
        String port = c.string("admin.port").strip();
        if (port.isEmpty()) {
            return Optional.empty();
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("admin.port must be a port number 0..65535 or empty (no listener), got '"
                    + port.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        return Optional.of(new BoardSettings(bind, p, keystore.isEmpty() ? Optional.empty()
                : Optional.of(path("admin.tls-keystore", keystore)), c.string("admin.tls-password")));
    }

    /**
     * The self-service listener's settings, none when {@code self-service.port} is empty. Its other keys
     * (the public URL included) are checked either way.
     */
    static Optional<SelfServiceSettings> selfService(Config c) {
        String bind = c.string("self-service.bind").strip();
        String keystore = c.string("self-service.tls-keystore").strip();
        int perToken = c.integer("self-service.max-requests-per-token", 1, 100_000);
        int perAddress = c.integer("self-service.max-requests-per-address", 1, 1_000_000);
        publicUrl(c);
        String port = c.string("self-service.port").strip();
        if (port.isEmpty()) {
            return Optional.empty();
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("self-service.port must be a port number 0..65535 or empty (no listener), got '"
                    + port.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        return Optional.of(new SelfServiceSettings(bind, p, keystore.isEmpty() ? Optional.empty()
                : Optional.of(path("self-service.tls-keystore", keystore)), c.string("self-service.tls-password"), perToken, perAddress));
    }

    /**
     * {@code self-service.public-url} without a trailing slash, empty when unset: an absolute https URL, or
     * http to a loopback host (a sticker that sends PINs in clear across a network is refused).
     */
    static Optional<String> publicUrl(Config c) {
        String url = c.string("self-service.public-url").strip();
        if (url.isEmpty()) {
            return Optional.empty();
        }
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            u = null;
        }
        if (u == null || u.getHost() == null || u.getQuery() != null || u.getFragment() != null
                || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
            throw new IllegalArgumentException("self-service.public-url must be an absolute http(s) URL without query, got '"
                    + url.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        if ("http".equals(u.getScheme()) && !isLoopback(u.getHost())) {
            throw new IllegalArgumentException("self-service.public-url is http:// to " + u.getHost() + ", not loopback: PINs "
                    + "typed on the desk page would cross the network in clear; use https://");
        }
        return Optional.of(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    }

    /**
     * The webhook of {@code emergency.webhook-url}, none when it is empty. Its other keys are checked
     * either way, so a typo fails the start before the URL is ever set.
     */
    static Optional<WebhookSettings> webhook(Config c) {
        Duration timeout = c.duration("emergency.webhook-timeout");
        Duration retryFor = c.duration("emergency.webhook-retry-for");
        Duration maxBackoff = c.duration("emergency.webhook-max-backoff");
        int queue = c.integer("emergency.webhook-queue-size", 1, 100_000);
        String url = c.string("emergency.webhook-url").strip();
        if (url.isEmpty()) {
            return Optional.empty();
        }
        String secret = c.string("emergency.webhook-secret");
        WebhookSettings w = new WebhookSettings(WebhookSettings.parseUrl(url), secret, timeout, retryFor,
                WebhookSettings.FIRST_BACKOFF, maxBackoff, queue);
        for (String other : new String[] {"ami.secret", "ami.test-secret", "ari.password"}) {
            if (secret.equals(c.string(other))) {
                throw new IllegalArgumentException("emergency.webhook-secret must not be the " + other + ": the webhook's"
                        + " receiver would learn it");
            }
        }
        return Optional.of(w);
    }

    private static Path path(String key, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(key + " is not a usable path, got '" + value.replaceAll("\\p{Cntrl}", "?") + "'");
        }
    }

    private static URI ariUrl(Config c) {
        String url = c.string("ari.url").strip();
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("ari.url is not a valid URL, got '" + url.replaceAll("\\p{Cntrl}", "?") + "'");
        }
    }

    /**
     * Every check of the configuration that {@code serve} makes before it opens anything: a bad value of
     * any key is an IllegalArgumentException naming that key, and nothing listens or connects.
     */
    static Parts validate(Config c) {
        Services s = new Services(() -> c);
        Parts parts = parts(c);
        s.pjsipProfile();
        s.seatingPolicy();
        Services.iterations(c, "security.pin-iterations");
        Services.iterations(c, "security.otp-iterations");
        Services.databaseSettings(c);
        AsteriskConf.settings(c); // feature codes and emergency numbers
        ValueRules.context("users.default-context", c.string("users.default-context"));
        s.defaultElin();
        Duration otp = c.duration("otp.validity");
        if (otp.isZero()) {
            throw new IllegalArgumentException("otp.validity must be more than 0, got " + otp);
        }
        c.integer("reconcile.push-connections", 1, Reconcile.MAX_PARALLELISM);
        PruneLedger.retention("ledger.audit-retention", c.duration("ledger.audit-retention"));
        PruneLedger.retention("ledger.fetch-retention", c.duration("ledger.fetch-retention"));
        within("ledger.prune-interval", c.duration("ledger.prune-interval"), Duration.ofSeconds(1), Duration.ofDays(7));
        shippedSecrets(c, parts);
        trustedNetworks(parts.provisioning());
        return parts;
    }

    /** The retention of {@code ledger.*-retention} on {@code ledger}. */
    static PruneLedger pruneLedger(Config c, java.time.Clock clock, Ledger ledger) {
        return new PruneLedger(ledger, clock, c.duration("ledger.audit-retention"), c.duration("ledger.fetch-retention"),
                new Services(() -> c).lockout().lookBack());
    }

    private static void within(String key, Duration d, Duration min, Duration max) {
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(key + " must be " + min.toSeconds() + " s.." + max.toSeconds() + " s, got "
                    + d.toSeconds() + " s");
        }
    }

    /** Runs {@code work} on {@code queue}; a full queue or a failure is logged, never thrown at the caller. */
    private static void queue(ExecutorService queue, String what, Runnable work) {
        try {
            queue.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    LOG.warn("recording the {} failed: {}", what, e.toString());
                }
            });
        } catch (RejectedExecutionException full) {
            LOG.warn("recording the {} dropped: the queue is full (the next Asterisk connect lists every contact again)", what);
        }
    }

    public synchronized void start() {
        Config c = services.config();
        LOG.info("hotdesk starting… configuration:");
        c.describe().forEach(line -> LOG.info("  {}", line));
        Parts parts = validate(c);
        PjsipProfile profile = services.pjsipProfile();
        SeatingPolicy seating = services.seatingPolicy();
        // the dialplan the codes give says which modules Asterisk needs
        AsteriskConfSettings confSettings = AsteriskConf.settings(c);
        Map<String, String> modules = RequiredModules.of(AsteriskConfWriter.render(confSettings).get(AsteriskConfWriter.EXTENSIONS),
                c.string("asterisk.pjsip-wizard"));
        String node = services.node();
        PrometheusTelemetry prometheus = parts.metrics().isPresent() ? new PrometheusTelemetry() : null;
        Telemetry telemetry = prometheus != null ? prometheus : Telemetry.none();
        lastCaughtUp = services.clock().instant();
        try {
            Ledger ledger = services.ledger();
            open.push(services);
            java.util.Optional<java.nio.file.Path> socketPath = AdminSocket.where(c);
            if (socketPath.isPresent()) {
                try {
                    open.push(AdminSocket.open(socketPath.get(), AdminSocket.fingerprint(c),
                            Main.inServe(services)));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("admin.socket: cannot listen on " + socketPath.get() + ": " + e.getMessage()
                            + " (set admin.socket to another path, or off)", e);
                }
            }

            AriClient ariClient = new AriClient(parts.ari());
            if (parts.webhook().isPresent()) {
                EmergencyWebhook webhook = new EmergencyWebhook(parts.webhook().get(), services.clock());
                open.push(webhook);
                alerts = webhook;
            }
            announce = new AnnounceEmergency(ledger, alerts, services.clock(), node);
            // one thread: the ledger look-up and audit of each call happen off the AMI reader, in order
            watch = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(WATCH_QUEUE),
                    daemonThreads("hotdesk-emergency"));
            open.push(() -> {
                watch.shutdown();
                if (!watch.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.error("emergency calls still being announced after 10 s of stopping: {} left unannounced",
                            watch.shutdownNow().size());
                }
            });
            // the link calls back only after ami.start(), below, when reconcile is set
            // registered contacts reach the ledger off the AMI reader, in order; Asterisk's full list after each
            // connect corrects whatever a full queue dropped
            ExecutorService contactQueue = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(WATCH_QUEUE), daemonThreads("hotdesk-contacts"));
            open.push(() -> Stopping.gently(contactQueue, STOP_WAIT, "contact queue"));
            TrackContacts contacts = new TrackContacts(ledger, node, services.clock());
            AmiLink[] link = new AmiLink[1];
            ami = new AmiLink(parts.ami(), modules, boot -> {
                switch (boot) {
                    // the reconciler's first pass pushes everything already (it runs from the start): a second full
                    // push for the first connection would do it all again
                    case FIRST -> reconcile.reconnected();
                    // what was pushed is still in Asterisk: only what failed while it was unreachable is due
                    case SAME -> reconcile.reconnected();
                    case RESTARTED -> {
                        LOG.info("Asterisk started again: checking every desk and user, writing what it lacks");
                        reconcile.asteriskRestarted(link[0].asteriskUptime()
                                .map(up -> services.clock().instant().minus(up)).orElse(null));
                    }
                }
                wakeReconciler(); // the push starts now, not at the next poll
                queue(contactQueue, "contact list", () -> contacts.replaceAll(link[0].contacts(services.clock().instant())));
            }, this::emergencyCall);
            link[0] = ami;
            ami.onContactChanged((aor, uri, removed) -> queue(contactQueue, "contact of " + aor,
                    () -> contacts.changed(aor, uri, removed)));
            open.push(ami);
            reconcile = new Reconcile(ledger, new AriPbx(ariClient), ami.dialplanState(), ami.phoneResync(),
                    new Projections(profile, services.defaultElin()), services.clock(), node, parts.maxBackoff(), events,
                    telemetry, services.config().bool("asterisk.registration-acl") ? ami.namedAcls(services.clock()) : null,
                    parts.provisioning().allowedNetworks())
                    .notifyRetries(c.integer("notify.retries", 0, 10), c.duration("notify.retry-after"))
                    .keepsObjects(AsteriskConfSettings.PjsipWizard.of(c.string("asterisk.pjsip-wizard"))
                            == AsteriskConfSettings.PjsipWizard.ASTDB);
            // a pass's extra pushers (the reconciler's own thread is one); passes never overlap, so this many suffice
            int pushConnections = c.integer("reconcile.push-connections", 1, Reconcile.MAX_PARALLELISM);
            ExecutorService pushers = new ThreadPoolExecutor(0, Math.max(1, pushConnections - 1), 60, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), daemonThreads("hotdesk-push"));
            open.push(() -> Stopping.gently(pushers, STOP_WAIT, "ARI pushers"));
            reconcile.pushing(pushers, pushConnections);

            // logins and logouts reach Asterisk through a few threads and a bounded queue: a rush queues its
            // pushes here (each skips what an earlier one pushed already) instead of running hundreds at once
            // against one AMI session and the ledger pool; beyond the queue the reconciler applies them
            ThreadPoolExecutor applying = new ThreadPoolExecutor(pushConnections, pushConnections, 60, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(PUSH_QUEUE), daemonThreads("hotdesk-apply"));
            applying.allowCoreThreadTimeOut(true);
            open.push(() -> Stopping.gently(applying, STOP_WAIT, "login pushes"));
            ApplyNow applyNow = parts.applyWait().isZero() ? reconcile.inBackground(applying, reconcile::keepingUp)
                    : reconcile.atMost(parts.applyWait(), applying);
            int concurrency = c.integer("agi.login-concurrency", 0, 1000);
            LoginGate gate = new LoginGate(concurrency > 0 ? concurrency : LoginGate.sizeFor(Runtime.getRuntime().availableProcessors()),
                    c.duration("agi.login-queue-wait"));
            LogIn logIn = new LogIn(ledger, services.pinHasher(), seating, applyNow, services.clock(), events, telemetry, gate);
            if (prometheus != null) {
                prometheus.gauge("hotdesk.login.waiting", "Logins queued for their turn (agi.login-concurrency at work)", "logins",
                        gate::waiting);
            }
            LogOut logOut = new LogOut(ledger, applyNow, services.clock(), events);
            autoLogout = new AutoLogout(ledger, ami.callState(), logOut, parts.autoLogout(), parts.zone(), services.clock());
            {
                // a hang-up starts the desk's idle timer (sites and desks may have one of their own): recorded off the
                // AMI reader, in order; when the queue is full the timer just counts from an earlier call (never a
                // cut call: the channel list decides)
                callEnds = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(WATCH_QUEUE),
                        daemonThreads("hotdesk-call-ends"));
                open.push(() -> Stopping.gently(callEnds, STOP_WAIT, "call ends"));
                ami.onCallEnded(this::callEnded);
            }
            agi = new HotdeskAgiServer(parts.agi(), parts.prompts(), logIn, logOut);
            agi.start();
            open.push(agi);

            // fetch records and audit lines reach the ledger from here, off the request path; pushed before
            // the provisioning server so it closes after it and flushes the last fetches
            int maxProvisions = c.integer("provisioning.max-provisions", 0, 1_000_000_000);
            FetchJournal journal = new FetchJournal(ledger, maxProvisions > 0);
            open.push(new JournalWriter(journal, JOURNAL_FLUSH, services.clock()));
            provisioning = new ProvisioningServer(parts.provisioning(), provisioningSecurity(c, parts.provisioning()),
                    new ProvisionDesk(ledger, services.clock(), journal, maxProvisions),
                    telemetry);
            provisioning.start();
            open.push(provisioning);

            if (parts.board().isPresent()) {
                LoginLimits limits = services.lockout();
                BoardSignIn signIn = new BoardSignIn(ledger, services.pinHasher(),
                        new LockoutPolicy(c.integer("admin.max-failures", 1, 1000), limits.userAtDesk().window(), limits.userAtDesk().lockFor()),
                        c.duration("admin.session-ttl"), services.random(), services.clock());
                board = new BoardServer(parts.board().get(), new BoardServer.Uses(signIn, services.status(), logOut,
                        new OccupancyReport(ledger, services.clock()), services.charts(), services.zone(), events, node,
                        services.clock()));
                board.start();
                open.push(board);
            }

            if (parts.selfService().isPresent()) {
                selfService = new SelfServiceServer(parts.selfService().get(), new SelfServiceServer.Uses(services.apiTokens(),
                        new SelfServiceCodes(services.otp(), ledger, services.clock()), services.deskKeys(), logIn, logOut,
                        services.clock()));
                selfService.start();
                open.push(selfService);
            }

            ami.start();

            PruneLedger prune = pruneLedger(c, services.clock(), ledger);
            ScheduledExecutorService pruning = Stopping.scheduled(daemonThreads("hotdesk-prune"));
            Duration pruneEvery = c.duration("ledger.prune-interval");
            pruning.scheduleWithFixedDelay(() -> pruneQuietly(prune), firstPrune(pruneEvery).toMillis(),
                    pruneEvery.toMillis(), TimeUnit.MILLISECONDS);
            // what the provisioning server keeps per desk, for the desks fetching now only
            ProvisioningServer served = provisioning;
            long forgetEvery = FORGET_IDLE_EVERY.toMillis();
            pruning.scheduleWithFixedDelay(() -> forgetIdleQuietly(served), forgetEvery, forgetEvery, TimeUnit.MILLISECONDS);
            // the embedded ledger's settings, again: lost when serve took the file over from a CLI command's process
            long keepEvery = KEEP_LEDGER_SETTINGS_EVERY.toMillis();
            pruning.scheduleWithFixedDelay(() -> {
                try {
                    services.keepLedgerSettings();
                } catch (RuntimeException e) {
                    LOG.warn("ledger: setting its H2 settings again failed, next try in {}: {}",
                            shown(KEEP_LEDGER_SETTINGS_EVERY), e.toString());
                }
            }, keepEvery, keepEvery, TimeUnit.MILLISECONDS);
            open.push(() -> Stopping.gently(pruning, STOP_WAIT, "ledger housekeeping"));

            scheduler = Stopping.scheduled(daemonThreads("hotdesk-reconciler"));
            long every = parts.interval().toMillis();
            scheduler.scheduleWithFixedDelay(this::reconcileQuietly, 0, every, TimeUnit.MILLISECONDS);
            if (services.databaseSettings().isPostgreSql()) {
                // a change committed by another node or the CLI wakes the reconciler at once; the poll stays as fallback
                // (one wake-up queued at most: a burst of commits is one pass)
                ScheduledExecutorService wake = scheduler;
                java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();
                LedgerChanges changes = LedgerChanges.start(services.databaseSettings(), () -> {
                    if (queued.compareAndSet(false, true)) {
                        try {
                            wake.execute(() -> {
                                queued.set(false);
                                reconcileQuietly();
                            });
                        } catch (RejectedExecutionException stopping) {
                            queued.set(false);
                        }
                    }
                });
                open.push(changes);
            }
            // sites and desks may have rules of their own even when the global ones are off: always look
            long autoEvery = parts.autoLogoutEvery().toMillis();
            scheduler.scheduleWithFixedDelay(this::autoLogoutQuietly, autoEvery, autoEvery, TimeUnit.MILLISECONDS);
            LOG.info("auto-logout: idle {}, max {}, daily {} (sites and desks may differ: hotdesk auto-logout show), checked "
                    + "every {} s", shown(parts.autoLogout().idle()), shown(parts.autoLogout().max()),
                    parts.autoLogout().daily().map(Object::toString).orElse("off"), parts.autoLogoutEvery().toSeconds());
            open.push(() -> Stopping.gently(scheduler, STOP_WAIT, "reconciler"));
            if (prometheus != null) {
                prometheus.gauge("hotdesk.reconcile.lag", "Time since the reconciler last had nothing left to apply "
                        + "(0 while Asterisk matches the ledger)", "seconds", () -> reconcileLag().toMillis() / 1000.0);
                prometheus.state("hotdesk.ami.connected", "1 while the AMI connection is up", ami::connected);
                prometheus.state("hotdesk.ari.reachable", "1 while ARI answered the last probe (asked at most every 5 s)",
                        () -> ariCheck(ariClient).up());
                metrics = new MetricsServer(parts.metrics().get(), prometheus, () -> health(ledger, ariClient));
                metrics.start();
                open.push(metrics);
            }
            LOG.info("hotdesk started: node {}, FastAGI on {}:{}, provisioning on {}:{}", node, parts.agi().bindAddress(),
                    agi.port(), parts.provisioning().bindAddress(), provisioning.port());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, n.getAndIncrement() == 0 ? name : name + "-" + n.get());
            t.setDaemon(true);
            return t;
        };
    }

    /** On the AMI reader: queue the announcement and return at once. */
    private void emergencyCall(EmergencyCall call) {
        try {
            watch.execute(() -> announce.announce(call));
        } catch (RejectedExecutionException e) {
            // a flood, or hotdesk stopping: the call is still logged (here, without the ledger) and posted
            LOG.error("{} from desk {}: dialled {}, ELIN {}, where '{}', channel {} (not audited: {} emergency calls are"
                    + " waiting to be announced, or hotdesk is stopping)", call.test() ? "emergency TEST call" : "EMERGENCY CALL",
                    call.desk(), call.number(), call.elin(), call.where(), call.channel(), WATCH_QUEUE);
            alerts.send(new hotdesk.core.model.EmergencyAlert(call, Optional.empty(), false, services.clock().instant(),
                    services.node()));
        }
    }

    /** When the first retention run comes: {@link #PRUNE_FIRST} after the start, or one interval when that is shorter. */
    static Duration firstPrune(Duration every) {
        return every.compareTo(PRUNE_FIRST) < 0 ? every : PRUNE_FIRST;
    }

    /** How often serve sets the embedded ledger's H2 settings again ({@link hotdesk.store.Database#keepSettings}). */
    static final Duration KEEP_LEDGER_SETTINGS_EVERY = Duration.ofMinutes(5);

    /** How often the provisioning server forgets the desks that stopped fetching ({@link ProvisioningServer#IDLE}). */
    static final Duration FORGET_IDLE_EVERY = Duration.ofSeconds(15);

    static void forgetIdleQuietly(ProvisioningServer provisioning) {
        try {
            int n = provisioning.forgetIdle();
            if (n > 0) {
                LOG.debug("provisioning: forgot the files of {} desks that fetched nothing for {}", n,
                        shown(ProvisioningServer.IDLE));
            }
        } catch (RuntimeException e) {
            LOG.warn("provisioning: forgetting idle desks failed, next try in {}: {}", shown(FORGET_IDLE_EVERY), e.toString());
        }
    }

    /** Off every request path, on its own thread: batches of short transactions. */
    static void pruneQuietly(PruneLedger prune) {
        try {
            PruneLedger.Pruned p = prune.run();
            if (p.auditLines() > 0 || p.fetchRecords() > 0 || p.loginFailures() > 0) {
                LOG.info("retention: deleted {} audit lines before {}, {} fetch records before {} and {} login failures "
                        + "before {}", p.auditLines(), p.auditCut(), p.fetchRecords(), p.fetchCut(), p.loginFailures(),
                        p.failureCut());
            }
        } catch (RuntimeException e) {
            // the next run tries again; nothing is lost by waiting
            LOG.warn("retention run failed, next one in ledger.prune-interval: {}", e.toString());
        }
    }

    private static String shown(Duration d) {
        return d.isZero() ? "off" : d.toMinutes() + " min";
    }

    /** On the AMI reader: queue the hang-up and return at once. */
    private void callEnded(String endpointId, java.time.Instant at) {
        try {
            callEnds.execute(() -> {
                try {
                    autoLogout.callEnded(endpointId, at);
                } catch (RuntimeException e) {
                    LOG.warn("cannot record the end of a call on {}: {}", endpointId, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("call end on {} not recorded: queue full or stopping", endpointId);
        }
    }

    private void autoLogoutQuietly() {
        try {
            AutoLogout.Pass pass = autoLogout.runOnce();
            if (pass.ended() > 0 || pass.unknown() > 0) {
                LOG.info("auto-logout: {} desks logged out, {} kept for a call, {} kept because Asterisk cannot say whether a "
                        + "call is up", pass.ended(), pass.afterCall(), pass.unknown());
            }
        } catch (RuntimeException e) {
            LOG.warn("auto-logout pass failed: {}", e.toString());
        }
    }

    /** Runs a reconcile pass now on the reconciler's thread (after the scheduler exists; passes never overlap). */
    private void wakeReconciler() {
        ScheduledExecutorService s = scheduler;
        if (s != null) {
            try {
                s.execute(this::reconcileQuietly);
            } catch (RejectedExecutionException stopping) {
                // shutting down
            }
        }
    }

    private void reconcileQuietly() {
        try {
            if (reconcile.idle()) {
                lastCaughtUp = services.clock().instant();
            } else {
                Reconcile.Pass pass = reconcile.runOnce();
                if (pass.clean()) {
                    lastCaughtUp = services.clock().instant();
                }
                if (pass.applied() > 0 || pass.failed() > 0) {
                    LOG.info("reconcile pass: {} applied, {} failed, {} waiting to retry{}", pass.applied(), pass.failed(), pass.skipped(),
                            pass.untried() == 0 ? "" : ", " + pass.untried() + " not tried (Asterisk unreachable; tried next pass)");
                }
            }
        } catch (RuntimeException e) {
            // the ledger may be briefly unreachable; the next pass tries again
            LOG.warn("reconcile pass failed: {}", e.toString());
        }
    }

    /**
     * The AMI secrets and ARI password hotdesk ships with are public: tolerated (with a warning) only
     * while Asterisk is on this host's loopback, refused for any other Asterisk, whether the value came
     * from the defaults or was set explicitly.
     */
    static void shippedSecrets(Config c, Parts parts) {
        shippedSecret(c, "ami.secret", "ami.host", parts.ami().host());
        shippedSecret(c, "ari.password", "ari.url", parts.ari().baseUrl().getHost());
        // serve does not log in as the test-call user, but the generated files give that user to Asterisk
        if (!c.string("ami.test-user").isEmpty()) {
            shippedSecret(c, "ami.test-secret", "ami.host", parts.ami().host());
        }
    }

    static void shippedSecret(Config c, String key, String hostKey, String host) {
        if (!c.string(key).equals(Config.defaultValue(key))) {
            return;
        }
        if (!isLoopback(host)) {
            throw new IllegalArgumentException(key + " is the shipped example value and " + hostKey + " (" + host
                    + ") is not on loopback: set a secret of your own here and in the Asterisk files "
                    + "(hotdesk asterisk-conf writes it there)");
        }
        LOG.warn("{} has its shipped example value: change it here and in the Asterisk files before Asterisk leaves "
                + "loopback (hotdesk will not start then)", key);
    }

    /**
     * Refuses a provisioning listener off loopback while {@code provisioning.allowed-networks} permits loopback
     * only: phones could reach the server and not one would get its file (and, through the ACL hotdesk-default,
     * no desk without a site network could register). The admin names the phones' networks first.
     */
    static void trustedNetworks(hotdesk.provisioning.ProvisioningSettings p) {
        if (isLoopback(p.bindAddress())) {
            return;
        }
        if (p.allowedNetworks().stream().allMatch(Server::loopbackOnly)) {
            throw new IllegalArgumentException("provisioning.bind is " + p.bindAddress() + ", off loopback, but "
                    + "provisioning.allowed-networks (" + String.join(",", p.allowedNetworks()) + ") allows loopback only: "
                    + "set provisioning.allowed-networks to the networks of your phones (e.g. 10.1.0.0/16,fd00:1::/64), "
                    + "and give sites their own with hotdesk site set SITE --networks");
        }
    }

    /** Whether a CIDR holds loopback addresses only: inside 127.0.0.0/8, or ::1. */
    static boolean loopbackOnly(String cidr) {
        String t = cidr.strip();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        Optional<InetAddress> a = hotdesk.core.model.NetworkRange.literal(address);
        if (a.isEmpty() || !a.get().isLoopbackAddress()) {
            return false;
        }
        int bits = a.get().getAddress().length * 8;
        int prefix = slash < 0 ? bits : Integer.parseInt(t.substring(slash + 1));
        return bits == 32 ? prefix >= 8 : prefix == 128;
    }

    /** Whether every address {@code host} names is a loopback address; an unknown name is not. */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            InetAddress[] all = InetAddress.getAllByName(h);
            return all.length > 0 && Arrays.stream(all).allMatch(InetAddress::isLoopbackAddress);
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }

    /** How long the reconciler has had work left: zero right after a pass that applied everything. */
    Duration reconcileLag() {
        Duration lag = Duration.between(lastCaughtUp, services.clock().instant());
        return lag.isNegative() ? Duration.ZERO : lag;
    }

    /** The parts {@code /health} reports: the ledger answers, AMI is connected, ARI answers, the reconciler keeps up. */
    private List<MetricsServer.Check> health(Ledger ledger, AriClient ari) {
        MetricsServer.Check ledgerCheck;
        try {
            long revision = ledger.read(tx -> tx.latestRevision());
            ledgerCheck = new MetricsServer.Check("ledger", true, "revision " + revision);
        } catch (RuntimeException e) {
            ledgerCheck = new MetricsServer.Check("ledger", false, e.getMessage());
        }
        Duration lag = reconcileLag();
        return List.of(ledgerCheck,
                new MetricsServer.Check("ami", amiConnected(), amiConnected() ? "connected" : "not connected"),
                ariCheck(ari),
                new MetricsServer.Check("reconciler", lag.compareTo(HEALTHY_LAG) <= 0, "lag " + lag.toMillis() / 1000.0 + " s"));
    }

    /** ARI's state: its {@code /asterisk/info} answered, asked again when the last answer is older than {@link #ARI_PROBE_EVERY}. */
    private MetricsServer.Check ariCheck(AriClient ari) {
        long now = System.nanoTime();
        MetricsServer.Check last = ariState;
        if (last != null && now - ariCheckedAt < ARI_PROBE_EVERY.toNanos()) {
            return last;
        }
        synchronized (ariLock) {
            if (ariState != null && System.nanoTime() - ariCheckedAt < ARI_PROBE_EVERY.toNanos()) {
                return ariState;
            }
            MetricsServer.Check fresh;
            try {
                fresh = new MetricsServer.Check("ari", true, "Asterisk " + ari.asteriskVersion());
            } catch (RuntimeException e) {
                fresh = new MetricsServer.Check("ari", false, String.valueOf(e.getMessage()));
            }
            ariState = fresh;
            ariCheckedAt = System.nanoTime();
            return fresh;
        }
    }

    /** The metrics listener's port; IllegalStateException when metrics.port is 0. */
    public int metricsPort() {
        if (metrics == null) {
            throw new IllegalStateException("no metrics listener: metrics.port is 0");
        }
        return metrics.port();
    }

    public int agiPort() {
        return agi.port();
    }

    /** The admin HTTP listener's port; IllegalStateException when admin.port is empty. */
    public int boardPort() {
        if (board == null) {
            throw new IllegalStateException("no admin HTTP listener: admin.port is empty");
        }
        return board.port();
    }

    /** The self-service listener's port; IllegalStateException when self-service.port is empty. */
    public int selfServicePort() {
        if (selfService == null) {
            throw new IllegalStateException("no self-service listener: self-service.port is empty");
        }
        return selfService.port();
    }

    public int provisioningPort() {
        return provisioning.port();
    }

    public boolean amiConnected() {
        return ami != null && ami.connected();
    }

    /** For tests: the auto-logout timers in use. */
    public AutoLogout autoLogout() {
        return autoLogout;
    }

    /** For tests and status: the reconciler in use. */
    public Reconcile reconcile() {
        return reconcile;
    }

    @Override
    public synchronized void close() {
        if (open.isEmpty()) {
            return;
        }
        LOG.info("hotdesk stopping…");
        while (!open.isEmpty()) {
            AutoCloseable c = open.pop();
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("while stopping {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
        LOG.info("hotdesk stopped");
    }
}
