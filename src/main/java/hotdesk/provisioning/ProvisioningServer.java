package hotdesk.provisioning;

import hotdesk.core.model.NetworkRange;

import hotdesk.core.model.Mac;
import hotdesk.core.model.UrlKeyHash;
import hotdesk.core.port.Telemetry;
import hotdesk.core.usecase.ProvisionDesk;
import hotdesk.core.usecase.ProvisionDesk.DeskView;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP provisioning server: {@code GET /provision/<file>} answers a desk phone's configuration,
 * rendered on request from the ledger through {@link ProvisionDesk}. Each {@link VendorProfile} says which
 * names its phones ask for ({@code <mac>.cfg}, {@code cfg<mac>.xml}, {@code <mac>.xml}, Polycom's
 * {@code <mac>-hotdesk.cfg}…); a name several vendors use is served only to a device of one of them, and
 * common files (Polycom's {@code 000000000000.cfg}) carry no desk's data.
 *
 * <p>Security: a request from outside the allowed networks, with a User-Agent that lacks the MAC
 * (when required), or for an unknown device gets one and the same 404, so nobody can
 * learn which MACs exist; a malformed file name gets 400; an address with more refusals in one clock
 * minute than allowed gets 429 until the minute ends. Served files are limited too: more than
 * {@code provisioning.max-fetches-per-desk} of one desk, or {@code provisioning.max-fetches-per-address}
 * to one address, in one clock minute get 429 with Retry-After until it ends, logged with
 * {@code reason=fetch-rate-desk} or {@code reason=fetch-rate-address} and audited once per key and
 * minute; they are not refusals and never block the address. With {@code provisioning.max-provisions}
 * above 0 a desk whose file was served that many times gets the 404 of an unknown desk until an admin
 * resets its count, logged with {@code reason=provision-limit} and audited once; not a refusal either.
 * Every such refusal is audited and logged on the
 * {@code hotdesk.security} logger as {@code provisioning refused ip=… mac=… reason=…}. A connection
 * that takes longer than the request timeout to send its request headers is closed, counted as a
 * refusal and logged the same way with {@code reason=request-timeout}, but not audited (slow clients
 * must not be able to flood the ledger); request heads are limited to {@value #MAX_REQUEST_HEAD_BYTES}
 * bytes and open connections to {@value #MAX_CONNECTIONS}. A template
 * error answers a generic 500 and logs the template and line; the rendered file is never logged (it
 * holds the SIP password) and never sent in part.
 *
 * <p>{@link ProvisioningSecurity} adds (issue 9): HTTPS with TLS 1.2+ when a key is configured; without
 * it only loopback peers and {@code provisioning.plain-http-networks} are served (others: the one 404,
 * {@code reason=plain-http}); a URL key, {@code /provision/<key>/<file>}, compared in constant time and
 * never logged (a missing or wrong key: the one 404, {@code reason=url-key}; a site may have a key of its
 * own, which alone opens its desks' files, see {@link #urlKeyAllows}); and with device auth a
 * desk file needs the device's own HTTP Basic credentials: a request without them is challenged (401,
 * before the ledger, not a refusal), a wrong password, another desk's or any for an unknown MAC gets the
 * same 401 and counts as a refusal ({@code reason=credentials}). The password is checked by
 * {@link ProvisionDesk#answerAuthenticated} against the hash kept with the desk's view, and a file served
 * to an authenticated phone carries its credentials back ({@code $provisioningLogin}).
 *
 * <p>The file last served to each desk is kept ({@link #served}) behind every one of these checks, and
 * sent again only while the desk's view from the ledger, the template and the clock-dependent part of
 * the profile are the same; compiled templates are cached by {@link TemplateRenderer}. So a storm of
 * fetches reads the ledger (a snapshot, no write lock) but does no template work, and writes nothing on
 * the request path: the fetch and its audit line go to the {@link hotdesk.core.usecase.FetchJournal}.
 *
 * <p>{@link #start()} binds the configured address and port and returns once listening;
 * {@link #close()} stops Jetty. A fetch answered from memory (a desk's kept file at the revision known to be the
 * latest, Yealink's common file) is answered on its connection's own thread; every other request runs on a thread
 * of the pool and may block on the ledger, so a slow ledger never holds up the connections' I/O.
 * Thread-safe.
 */
public final class ProvisioningServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProvisioningServer.class);
    private static final Logger security = LoggerFactory.getLogger("hotdesk.security");

    static final String CONTENT_TYPE = "text/plain; charset=utf-8";
    static final String NOT_FOUND = "not found\n";
    static final String BAD_REQUEST = "bad request\n";
    static final String TOO_MANY = "too many requests\n";
    static final String SERVER_ERROR = "server error\n";
    /** Yealink's common file ({@code y000000000000.cfg} and per-model {@code y0000000000NN.cfg}). */
    static final String COMMON_FILE_BODY = "#!version:1.0.0.1\n# hotdesk: every setting is in the <mac>.cfg file\n";

    private static final byte[] NOT_FOUND_BYTES = NOT_FOUND.getBytes(StandardCharsets.UTF_8);
    private static final byte[] BAD_REQUEST_BYTES = BAD_REQUEST.getBytes(StandardCharsets.UTF_8);
    private static final byte[] TOO_MANY_BYTES = TOO_MANY.getBytes(StandardCharsets.UTF_8);
    private static final byte[] SERVER_ERROR_BYTES = SERVER_ERROR.getBytes(StandardCharsets.UTF_8);
    private static final byte[] COMMON_FILE_BYTES = COMMON_FILE_BODY.getBytes(StandardCharsets.UTF_8);
    private static final HttpField NO_STORE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-store");
    private static final HttpField TEXT_PLAIN = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);

    /**
     * Addresses the refusal limiter tracks per minute: far more than a scan from a handful of hosts
     * needs, small in memory (about 2 MB); see {@link RefusalLimiter} for what happens beyond it.
     */
    static final int MAX_TRACKED_ADDRESSES = 10_000;
    /** Desks whose served files are counted per minute at most (see {@link RefusalLimiter} beyond it). */
    static final int MAX_TRACKED_DESKS = 100_000;
    /**
     * Open connections at most; beyond it Jetty stops accepting until one closes. A phone's fetch takes
     * one short connection, and {@link RequestDeadline} frees slots held by slow clients.
     */
    static final int MAX_CONNECTIONS = 512;
    /** Request line and headers at most (Jetty's default, pinned); larger requests get 431. */
    static final int MAX_REQUEST_HEAD_BYTES = 8 * 1024;

    private static final Pattern MAC_IN_TEXT = Pattern.compile(
            "(?<![0-9A-Fa-f:-])[0-9A-Fa-f]{2}([:-]?)[0-9A-Fa-f]{2}(\\1[0-9A-Fa-f]{2}){4}(?![0-9A-Fa-f:-])");
    private static final Pattern CONTROLS = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029\\u0085]");
    private static final Pattern UNSAFE = Pattern.compile("[^0-9A-Za-z._:/-]");

    private final ProvisioningSettings settings;
    private final ProvisionDesk provisionDesk;
    private final Clock clock;
    private final List<NetworkRange> allowed;
    private final Map<String, VendorProfile> profiles;
    /** Each vendor's Content-Type header, made once. */
    private final Map<String, HttpField> contentTypes;
    private final TemplateRenderer renderer;
    private final java.util.concurrent.ConcurrentHashMap<String, RequestedFile> routes = new java.util.concurrent.ConcurrentHashMap<>();
    private final RefusalLimiter limiter;
    /** Files served per desk and per address in the clock minute (the same counting as refusals). */
    private final RefusalLimiter deskFetches;
    private final RefusalLimiter addressFetches;
    private final int maxConnections;
    /**
     * The last answer served per desk, keyed by MAC and used only after every check of a request has
     * passed, while {@link ProvisionDesk} hands out the very same view (the ledger's revision has not
     * moved): for {@link TemplateRenderer#RECHECK} after it was checked a fetch sends these bytes as
     * they are; after that they are sent again once the template is still the same version (looked up
     * again only when a user template directory is configured: bundled templates cannot change while
     * hotdesk runs) and the profile's {@link VendorProfile#clockDependent clock-dependent part} is
     * equal. Otherwise the file is rendered again. {@link ProvisionDesk} hands out the same view instance
     * while nothing of the desk changed, a change elsewhere in the ledger notwithstanding. So a template
     * edit is seen within a second, as the renderer promises, and a storm of fetches of many desks
     * computes no model. At most {@link ProvisionDesk#MAX_VIEWS} desks are kept.
     *
     * <p>Kept softly: what is kept is only a cache (the next fetch reads and renders again), so when the heap runs
     * short the collector may drop it ({@link hotdesk.core.usecase.SoftKept}; serve's JVM drops what went unused for
     * 0.1 s per free megabyte). A full reconcile pass after an Asterisk restart, with 10,000 desks' files kept from a
     * storm a minute before, spent a quarter of serve's CPU in collections (BENCHMARKS.md, session 32).
     */
    private final hotdesk.core.usecase.SoftKept<Mac, Served> served = new hotdesk.core.usecase.SoftKept<>();
    private final Telemetry telemetry;
    private final java.util.concurrent.atomic.LongAdder answeredInline = new java.util.concurrent.atomic.LongAdder();
    private final ProvisioningSecurity guard;
    /** The hash of {@code provisioning.url-key}, made once. */
    private final Optional<UrlKeyHash> globalKey;
    private final List<NetworkRange> plainHttp;
    private Server jetty;
    private ServerConnector connector;

    /**
     * The bytes last served for a desk, the view they were made from, and until when they may be sent as they
     * are; {@code record} is what was journaled for them, with its digests only (null when it could not be made).
     */
    private record Served(DeskView view, TemplateRenderer.TemplateVersion version, Object clockPart, byte[] packed,
                          int length, long checkedAt, hotdesk.core.model.ServedFile record) {
        Served(DeskView view, TemplateRenderer.TemplateVersion version, Object clockPart, byte[] body, long checkedAt,
               hotdesk.core.model.ServedFile record) {
            this(view, version, clockPart, PackedBody.pack(body), body.length, checkedAt, record);
        }

        Served checked(long at) {
            return new Served(view, version, clockPart, packed, length, at, record);
        }

        Served withRecord(hotdesk.core.model.ServedFile r) {
            return new Served(view, version, clockPart, packed, length, checkedAt, r);
        }

        byte[] body() {
            return PackedBody.unpack(packed, length);
        }
    }

    /**
     * The last clock-dependent part computed, and for which profile and second: the same within one
     * second, as the zone transitions it depends on fall on whole seconds.
     */
    private record ClockMemo(VendorProfile profile, long second, String zone, Object part) {
    }

    private volatile ClockMemo clockMemo;

    public ProvisioningServer(ProvisioningSettings s, ProvisionDesk provisionDesk) {
        this(s, provisionDesk, Clock.systemUTC());
    }

    /** @param telemetry told of every answer's result ({@code served} or the refusal's reason) */
    public ProvisioningServer(ProvisioningSettings s, ProvisionDesk provisionDesk, Telemetry telemetry) {
        this(s, ProvisioningSecurity.none(), provisionDesk, telemetry);
    }

    /**
     * @param security TLS, plain-HTTP networks, URL key and device credentials; checked against the bind
     *                 address by the caller ({@link ProvisioningSecurity#checkedFor})
     */
    public ProvisioningServer(ProvisioningSettings s, ProvisioningSecurity security, ProvisionDesk provisionDesk,
                              Telemetry telemetry) {
        this(s, security, provisionDesk, Clock.systemUTC(), MAX_TRACKED_ADDRESSES, MAX_CONNECTIONS, telemetry);
    }

    ProvisioningServer(ProvisioningSettings s, ProvisionDesk provisionDesk, Clock clock) {
        this(s, provisionDesk, clock, MAX_TRACKED_ADDRESSES, MAX_CONNECTIONS);
    }

    ProvisioningServer(ProvisioningSettings s, ProvisioningSecurity security, ProvisionDesk provisionDesk, Clock clock) {
        this(s, security, provisionDesk, clock, MAX_TRACKED_ADDRESSES, MAX_CONNECTIONS, Telemetry.none());
    }

    /** With other bounds than the production ones, so tests can reach them. */
    ProvisioningServer(ProvisioningSettings s, ProvisionDesk provisionDesk, Clock clock, int maxTrackedAddresses,
                       int maxConnections) {
        this(s, ProvisioningSecurity.none(), provisionDesk, clock, maxTrackedAddresses, maxConnections, Telemetry.none());
    }

    private ProvisioningServer(ProvisioningSettings s, ProvisioningSecurity security, ProvisionDesk provisionDesk, Clock clock,
                               int maxTrackedAddresses, int maxConnections, Telemetry telemetry) {
        this.telemetry = telemetry;
        this.guard = Objects.requireNonNull(security, "security");
        this.globalKey = guard.urlKeyHash();
        this.plainHttp = guard.plainHttpRanges();
        this.settings = s;
        this.maxConnections = maxConnections;
        this.provisionDesk = provisionDesk;
        this.clock = clock;
        this.allowed = s.allowedNetworks().stream().map(NetworkRange::parse).toList();
        this.profiles = VendorProfiles.byVendor();
        Map<String, HttpField> types = new java.util.HashMap<>();
        profiles.forEach((vendor, p) -> types.put(vendor, new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, p.contentType())));
        this.contentTypes = Map.copyOf(types);
        this.renderer = new TemplateRenderer(s.templateDir(), clock);
        this.limiter = new RefusalLimiter(clock, s.maxRefusalsPerMinute(), maxTrackedAddresses);
        // only known, enabled desks are counted, so this bound is never reached below 100,000 desks
        this.deskFetches = new RefusalLimiter(clock, s.maxFetchesPerDesk(), MAX_TRACKED_DESKS);
        this.addressFetches = new RefusalLimiter(clock, s.maxFetchesPerAddress(), maxTrackedAddresses);
    }

    /**
     * Binds and starts listening; blocks until the listener is up.
     *
     * <p>A plain Jetty server with one handler for every path (no servlet layer, no router: this
     * listener serves one kind of file): {@code GET /provision/<file>} is {@link #provision}, any other
     * request the same 404 as an unknown desk. Errors Jetty answers itself (a request head too large,
     * a malformed request line) get the same plain, uncached bodies.
     *
     * @throws IllegalStateException when already started, or the address and port cannot be bound
     */
    public synchronized void start() {
        if (jetty != null) {
            throw new IllegalStateException("provisioning server already started");
        }
        log.info("provisioning server starting on {}:{} (allowed networks {}, template dir {}, {})",
                settings.bindAddress(), settings.port(), allowed,
                settings.templateDir().map(Object::toString).orElse("none"), guard);
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("hotdesk-provisioning");
        Server created = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(MAX_REQUEST_HEAD_BYTES);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // as this listener always accepted (Javalin's choice): a path with encoded control characters or
        // separators reaches the handler, which refuses it as malformed and logs it for fail2ban
        http.setUriCompliance(UriCompliance.LEGACY);
        ServerConnector c = guard.tls().isPresent() ? tlsConnector(created, http, guard.tls().get())
                : new ServerConnector(created, new HttpConnectionFactory(http));
        c.setHost(settings.bindAddress());
        c.setPort(settings.port());
        // a silent connection goes after the request timeout; a trickling one is RequestDeadline's
        c.setIdleTimeout(settings.requestTimeout().toMillis());
        c.addEventListener(new RequestDeadline(c.getScheduler(), settings.requestTimeout(), this::tooSlow));
        created.addConnector(c);
        created.addBean(new NetworkConnectionLimit(maxConnections, created));
        // non-blocking: a fetch answered from memory is answered on the connection's own thread, the rest is handed
        // to the pool's threads, which may wait for the ledger (handing every fetch to a pool thread was a large part of
        // the HTTP layer's cost on two cores: the common file 11-25k/s before, 27-36k/s after, BENCHMARKS.md, session 31)
        created.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (answersFromMemory(request)) {
                    answeredInline.increment();
                    route(request, response, callback);
                    return true;
                }
                handOff(threads, () -> route(request, response, callback),
                        () -> respond(response, callback, 503, SERVER_ERROR_BYTES));
                return true;
            }
        });
        created.setErrorHandler((request, response, callback) -> {
            int status = response.getStatus();
            respond(response, callback, status, errorBody(status));
            return true;
        });
        try {
            created.start();
        } catch (Exception e) {
            try {
                created.stop();
            } catch (Exception stop) {
                e.addSuppressed(stop);
            }
            throw new IllegalStateException("provisioning server cannot listen on " + settings.bindAddress() + ":"
                    + settings.port() + ": " + e.getMessage(), e);
        }
        jetty = created;
        connector = c;
        log.info("provisioning server started on {}://{}:{}/provision/", guard.tls().isPresent() ? "https" : "http",
                settings.bindAddress(), c.getLocalPort());
    }

    /** An HTTPS connector with the configured key: TLS 1.2 and 1.3 only, no SNI host check (phones use addresses). */
    private static ServerConnector tlsConnector(Server server, HttpConfiguration http, ProvisioningSecurity.Tls tls) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(tls.keyStore());
        ssl.setKeyStorePassword(tls.password());
        ssl.setKeyManagerPassword(tls.password());
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        ssl.setSniRequired(false);
        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer(false));
        return new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
    }

    /**
     * Hands a request to the pool; when the pool refuses it (stopping, or its queue full) the phone is answered
     * {@code refused} (503: it asks again) instead of the request being dropped unanswered.
     */
    static void handOff(java.util.concurrent.Executor pool, Runnable work, Runnable refused) {
        try {
            pool.execute(work);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            refused.run();
        }
    }

    /** Fetches answered on their connection's own thread, from memory (for tests). */
    long answeredInline() {
        return answeredInline.sum();
    }

    /** The renderer in use (for tests: how often it compiled and merged). */
    TemplateRenderer renderer() {
        return renderer;
    }

    /** The port listened on (the ephemeral one when configured 0). */
    public synchronized int port() {
        if (jetty == null) {
            throw new IllegalStateException("provisioning server not started");
        }
        return connector.getLocalPort();
    }

    /** Stops Jetty; idempotent. */
    @Override
    public synchronized void close() {
        if (jetty == null) {
            return;
        }
        log.info("provisioning server stopping");
        try {
            jetty.stop();
        } catch (Exception e) {
            log.warn("provisioning server did not stop cleanly: {}", e.toString());
        }
        jetty = null;
        connector = null;
        log.info("provisioning server stopped");
    }

    private static final String PREFIX = "/provision/";

    /**
     * Whether this request is a fetch that needs neither the ledger nor a template nor a credential check, so it
     * may be answered on the connection's thread: Yealink's common file, or a desk file whose last answer is kept
     * (checked within {@link TemplateRenderer#RECHECK} when templates may change on disk) and whose view, revision
     * and the sites' URL keys are kept ({@link ProvisionDesk#answersFromMemory}), and neither the address nor the desk
     * is over a limit. Anything else (refusals included, which log) goes to a thread that may block. Only a hint:
     * {@link #route} decides everything again.
     */
    private boolean answersFromMemory(Request request) {
        if (guard.deviceAuth() || !HttpMethod.GET.is(request.getMethod())) {
            return false;
        }
        String path = Request.getPathInContext(request);
        if (path == null || !path.startsWith(PREFIX)) {
            return false;
        }
        int slash = path.lastIndexOf('/');
        if (slash + 1 == path.length() || (slash >= PREFIX.length() && path.indexOf('/', PREFIX.length()) != slash)) {
            return false; // no name, or more than a key and a name
        }
        RequestedFile requested = requested(path.substring(slash + 1));
        if (!(requested instanceof RequestedFile.YealinkCommon) && !(requested instanceof RequestedFile.Desk)) {
            return false;
        }
        // an address or a desk over its limits is refused with a security log line: not on the connection's thread
        String ip = remoteAddress(request);
        if (limiter.blocks(ip)) {
            return false;
        }
        Optional<Mac> mac = requested.desk();
        if (mac.isEmpty()) {
            return provisionDesk.siteKeysFromMemory();
        }
        Served last = served.get(mac.get());
        if (last == null) {
            return false;
        }
        long since = clock.millis() - last.checkedAt();
        // past the recheck, stillGood looks at the template files when there is a user directory
        boolean checked = since >= 0 && (since < TemplateRenderer.RECHECK.toMillis() || settings.templateDir().isEmpty());
        return checked && !deskFetches.blocks(mac.get().value()) && !addressFetches.blocks(ip)
                && provisionDesk.answersFromMemory(mac.get());
    }

    /**
     * Every request: {@code GET /provision/<one path segment>} (with a URL key {@code GET
     * /provision/<key>/<one path segment>}) is a fetch, anything else the one 404. A request without the
     * key's segment is a fetch with a wrong key, refused like one.
     */
    private void route(Request request, Response response, Callback callback) {
        String path = Objects.requireNonNullElse(Request.getPathInContext(request), "");
        try {
            String rest = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : "";
            String key = "";
            SiteKeysOnce siteKeys = new SiteKeysOnce();
            if (rest.indexOf('/') > 0 && (globalKey.isPresent() || siteKeys.get().map(k -> !k.isEmpty()).orElse(true))) {
                key = rest.substring(0, rest.indexOf('/'));
                rest = rest.substring(rest.indexOf('/') + 1);
                path = PREFIX + "<key>/" + rest; // the key stays out of every log line
            }
            if (HttpMethod.GET.is(request.getMethod()) && !rest.isEmpty() && rest.indexOf('/') < 0) {
                provision(request, response, callback, rest, key, siteKeys);
            } else {
                telemetry.fetched("no-route");
                respond(response, callback, 404, NOT_FOUND_BYTES);
            }
        } catch (RuntimeException e) {
            telemetry.fetched("error");
            log.error("provisioning request {} failed", printable(path), e);
            if (!response.isCommitted()) {
                respond(response, callback, 500, SERVER_ERROR_BYTES);
            } else {
                callback.failed(e);
            }
        }
    }

    private void provision(Request request, Response response, Callback callback, String file, String urlKey,
                           SiteKeysOnce siteKeys) {
        String ip = remoteAddress(request);
        // one routing decides which key opens the file, how it is answered and what a refusal is about
        RequestedFile requested = requested(file);
        String subject = requested.desk().map(Mac::value).orElse(file);
        RefusalLimiter.Verdict verdict = limiter.check(ip);
        if (verdict.blocked()) {
            securityLog(ip, subject, "rate-limited");
            if (verdict.firstBlock()) {
                // audited once per address and minute: a scanner must not be able to flood the ledger
                audit(subject, ip, "rate limited");
            }
            telemetry.fetched("rate-limited");
            tooMany(response, callback, verdict.secondsLeft());
            return;
        }
        if (!allowed(request, ip)) {
            refuse(response, callback, ip, subject, "network", 404, NOT_FOUND_BYTES);
            return;
        }
        if (guard.tls().isEmpty() && !plainHttpAllowed(request, ip)) {
            // the admin allowed plain HTTP to loopback and provisioning.plain-http-networks only
            refuse(response, callback, ip, subject, "plain-http", 404, NOT_FOUND_BYTES);
            return;
        }
        if (!urlKeyAllows(requested, urlKey, siteKeys.get())) {
            refuse(response, callback, ip, subject, "url-key", 404, NOT_FOUND_BYTES);
            return;
        }
        if (requested instanceof RequestedFile.YealinkCommon) {
            telemetry.fetched("common");
            respond(response, callback, 200, COMMON_FILE_BYTES);
            return;
        }
        if (requested instanceof RequestedFile.Common common) {
            serveCommon(response, callback, ip, common.profile(), common.template());
            return;
        }
        if (requested instanceof RequestedFile.Unserved unserved) {
            // a booting phone's own question (Grandstream's binary cfg<mac>): no refusal, no audit
            log.debug("{} asked for {}, which hotdesk does not serve ({} phones ask for it)", ip, printable(file),
                    unserved.profile().vendor());
            telemetry.fetched("unserved");
            respond(response, callback, 404, NOT_FOUND_BYTES);
            return;
        }
        if (!(requested instanceof RequestedFile.Desk claims)) {
            refuse(response, callback, ip, file, "malformed", 400, BAD_REQUEST_BYTES);
            return;
        }
        Mac mac = claims.mac();
        String sent = request.getHeaders().get(HttpHeader.USER_AGENT);
        String userAgent = withoutControls(sent == null ? "" : sent, 200);
        if (settings.requireMacInUserAgent() && !carriesMac(userAgent, mac)) {
            // Polycom names no MAC in its User-Agent: with the check required its desk file cannot be served
            refuse(response, callback, ip, mac.value(), "user-agent", 404, NOT_FOUND_BYTES);
            return;
        }
        Optional<String> password = Optional.empty();
        if (guard.deviceAuth() && !claims.deskVendors().isEmpty()) {
            Optional<String[]> basic = basicCredentials(request);
            if (basic.isEmpty()) {
                // a phone sends its credentials once challenged: the first request of every fetch ends here, before
                // the ledger, the same for every MAC; not a refusal
                log.debug("{} asked for {} without credentials: challenged", ip, printable(file));
                telemetry.fetched("challenge");
                challenge(response, callback);
                return;
            }
            // another user name can never match: checked against the device's hash all the same
            password = Optional.of(basic.get()[0].equals(hotdesk.core.model.DeviceCredential.userFor(mac)) ? basic.get()[1] : "");
        }
        RefusalLimiter.Verdict byDesk = deskFetches.check(mac.value());
        RefusalLimiter.Verdict byAddress = byDesk.blocked() ? byDesk : addressFetches.check(ip);
        if (byDesk.blocked() || byAddress.blocked()) {
            // a phone in a fetch loop, or one address fetching many desks: not a refusal (it does not count
            // towards blocking the address), answered without reading the ledger
            String reason = byDesk.blocked() ? "fetch-rate-desk" : "fetch-rate-address";
            securityLog(ip, mac.value(), reason);
            if (byAddress.firstBlock()) {
                audit(mac.value(), ip, byDesk.blocked() ? "too many fetches of this desk" : "too many fetches from this address");
            }
            telemetry.fetched(reason);
            tooMany(response, callback, byAddress.secondsLeft());
            return;
        }
        ProvisionDesk.Answer answer = password.isPresent()
                ? provisionDesk.answerAuthenticated(mac, ip, userAgent, password.get())
                : provisionDesk.answer(mac, ip, userAgent);
        Optional<DeskView> view = answer.view();
        if (answer.unauthorized()) {
            // wrong credentials, or any for an unknown MAC: one answer; ProvisionDesk audited it
            served.remove(mac);
            countRefusal(ip);
            securityLog(ip, mac.value(), "credentials");
            telemetry.fetched("credentials");
            challenge(response, callback);
            return;
        }
        if (answer.limited()) {
            // the desk used up its provisions until an admin resets them: the answer of an unknown desk, but
            // not a refusal (a phone rebooting must not get its address blocked); ProvisionDesk audited it once
            served.remove(mac);
            securityLog(ip, mac.value(), "provision-limit");
            telemetry.fetched("provision-limit");
            respond(response, callback, 404, NOT_FOUND_BYTES);
            return;
        }
        if (view.isEmpty()) {
            // ProvisionDesk has audited it (unknown device); the answer is that of every refusal
            served.remove(mac);
            countRefusal(ip);
            securityLog(ip, mac.value(), "unknown");
            telemetry.fetched("unknown");
            respond(response, callback, 404, NOT_FOUND_BYTES);
            return;
        }
        DeskView desk = view.get();
        if (!siteAllows(desk, request, ip)) {
            // the desk's site names its networks: a file of that desk goes there only (the registration is
            // gated the same way by the site's ACL in Asterisk)
            served.remove(mac);
            refuse(response, callback, ip, mac.value(), "site-network", 404, NOT_FOUND_BYTES);
            return;
        }
        deskFetches.refused(mac.value());
        addressFetches.refused(ip);
        String vendor = desk.device().vendor();
        VendorProfile profile = profiles.get(vendor);
        if (profile == null || !claims.servedTo(vendor)) {
            log.warn("device {} is vendor '{}': its phones do not ask for {}", mac, vendor, printable(file));
            telemetry.fetched("no-profile");
            respond(response, callback, 404, NOT_FOUND_BYTES);
            return;
        }
        if (!claims.deskVendors().contains(vendor)) {
            // a per-phone name answered with the vendor's common master file (Polycom's <mac>.cfg)
            serveCommon(response, callback, ip, profile, profile.commonFile(masterName(profile)).orElseThrow());
            return;
        }
        HttpField type = contentTypes.get(vendor);
        long now = clock.millis();
        Served last = served.get(mac);
        if (last != null && last.view() == desk && sameName(last, file) && stillGood(last, desk, mac, now)) {
            journalServedAgain(mac, last.record(), file, now);
            telemetry.fetched("served");
            respondKept(request, response, callback, last, type);
            return;
        }
        byte[] body;
        Object clockPart;
        TemplateRenderer.TemplateVersion version;
        boolean unchanged; // the same bytes as last served to this desk
        try {
            Instant at = clock.instant();
            ProvisioningSettings deskSettings = settings.forDesk(desk);
            Map<String, Object> model = withLogin(profile.model(desk, deskSettings, at), mac, password);
            clockPart = clockPart(profile, deskSettings, at);
            TemplateRenderer.Rendered r = renderer.renderVersioned(profile.vendor(), desk.device().model(), mac,
                    profile.fileKind(), model);
            body = r.text().getBytes(StandardCharsets.UTF_8);
            version = r.version();
            unchanged = last != null && last.length() == body.length && java.util.Arrays.equals(last.body(), body);
            if (unchanged) {
                log.debug("provisioned {} to {} ({} bytes, unchanged since last rendered)", mac, ip, body.length);
            } else {
                log.info("provisioned {} to {} ({} bytes, rendered from {})", mac, ip, body.length, r.version().name());
            }
        } catch (TemplateException e) {
            served.remove(mac);
            log.error("provisioning {} for {} failed: {}", mac, ip, e.getMessage());
            telemetry.fetched("error");
            respond(response, callback, 500, SERVER_ERROR_BYTES);
            return;
        }
        hotdesk.core.model.ServedFile record;
        try {
            record = unchanged && sameName(last, file) && last.record() != null ? last.record().at(clock.instant())
                    : maskedRecord(profile, desk, mac, file, clock.instant());
        } catch (TemplateException e) {
            // the real file rendered; the masked one of the same template cannot fail differently but for its values
            log.error("recording what {} was served failed: {}", mac, e.getMessage());
            record = null;
        }
        if (served.size() >= hotdesk.core.usecase.ProvisionDesk.MAX_VIEWS && !served.containsKey(mac)) {
            served.clear();
        }
        // kept with its digests only: the journal and the ledger keep the text of the same file served again
        served.put(mac, new Served(desk, version, clockPart, body, now,
                record == null ? null : record.withText(java.util.Optional.empty())));
        journalServed(record, file, now);
        telemetry.fetched("served");
        respond(response, callback, 200, body, type);
    }

    /**
     * What the desk was served, as {@code provision render} shows it: the same view with its SIP secrets
     * masked, rendered without the phone's provisioning credentials (which {@code render} cannot know), and
     * the secrets it carried as a digest only. One more template merge per changed file, none per fetch.
     */
    private hotdesk.core.model.ServedFile maskedRecord(VendorProfile profile, DeskView desk, Mac mac, String file,
                                                         Instant at) {
        DeskView masked = hotdesk.core.usecase.PreviewDeskFile.masked(desk);
        String text = renderer.renderVersioned(profile.vendor(), desk.device().model(), mac, profile.fileKind(),
                profile.model(masked, settings.forDesk(masked), at)).text();
        return hotdesk.core.model.ServedFile.of(mac, file, at, text, hotdesk.core.usecase.PreviewDeskFile.secretsOf(desk));
    }

    /**
     * How often the same file served again to a desk is written to the ledger: only its time would change, which
     * {@code provision diff} shows; the fetch itself is recorded every time ({@link ProvisionDesk}). In a storm of
     * 10,000 desks, rewriting every desk's served file (its masked text in the same row) each second was most of
     * the ledger's work.
     */
    static final Duration SERVED_AGAIN_EVERY = Duration.ofMinutes(1);

    /** {@link #journalServed} for the file last served to this desk, sent again: at most every {@link #SERVED_AGAIN_EVERY}. */
    private void journalServedAgain(Mac mac, hotdesk.core.model.ServedFile record, String file, long nowMillis) {
        if (record == null || nowMillis - record.servedAt().toEpochMilli() < SERVED_AGAIN_EVERY.toMillis()) {
            return;
        }
        journalServed(record, file, nowMillis);
        hotdesk.core.model.ServedFile again = record.at(Instant.ofEpochMilli(nowMillis));
        served.update(mac, s -> s.record() == record ? s.withRecord(again) : s);
    }

    /** Tells the fetch journal what this fetch served (under the name asked for); nothing when it is unknown. */
    private void journalServed(hotdesk.core.model.ServedFile record, String file, long nowMillis) {
        if (record == null || file.length() > 100) {
            return;
        }
        provisionDesk.journal().served(new hotdesk.core.model.ServedFile(record.mac(), file, Instant.ofEpochMilli(nowMillis),
                record.maskedText(), record.maskedDigest(), record.secretsDigest()));
    }

    /**
     * The model with {@code $provisioningLogin} (user, password) when the phone authenticated: the desk's
     * file then sets the phone's own provisioning credentials to the ones it proved, so it keeps using them.
     */
    private static Map<String, Object> withLogin(Map<String, Object> model, Mac mac, Optional<String> password) {
        if (password.isEmpty()) {
            return model;
        }
        Map<String, Object> m = new java.util.LinkedHashMap<>(model);
        m.put("provisioningLogin", new ProvisioningLogin(hotdesk.core.model.DeviceCredential.userFor(mac), password.get()));
        return m;
    }

    /** The credentials a desk file gives back to the phone that authenticated with them. */
    public record ProvisioningLogin(String user, String password) {
        @Override
        public String toString() {
            return "ProvisioningLogin[" + user + ", ***]";
        }
    }

    /** The user name and password of a Basic Authorization header; empty when there is none or it is malformed. */
    static Optional<String[]> basicCredentials(Request request) {
        String h = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (h == null || h.length() > 512 || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(java.util.Base64.getDecoder().decode(h.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? Optional.empty() : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
    }

    private static final HttpField CHALLENGE = new PreEncodedHttpField(HttpHeader.WWW_AUTHENTICATE,
            "Basic realm=\"" + ProvisioningSecurity.REALM + "\", charset=\"UTF-8\"");
    private static final byte[] UNAUTHORIZED_BYTES = "unauthorized\n".getBytes(StandardCharsets.UTF_8);

    private static void challenge(Response response, Callback callback) {
        response.getHeaders().put(CHALLENGE);
        respond(response, callback, 401, UNAUTHORIZED_BYTES);
    }

    /**
     * Whether the URL key presented (empty: none) may fetch this file. Without site keys, the global rule:
     * {@code provisioning.url-key} when set, else no key. With them, a file of a desk (or a per-phone name
     * answered with a vendor's master file) is served under its site's own key when the site has one, and
     * only under it; else under the global rule, unknown MACs included. A file that no desk owns (the common
     * files, and names that are refused anyway) holds no desk's data: any key this server knows fetches it
     * (the global one, every site's), and no key when {@code provisioning.url-key} is unset, so the phones of
     * every site can boot. The desk's site comes from the views {@link ProvisionDesk} keeps per revision; a
     * wrong site's key and an unknown key cost the same: one SHA-256 and constant-time compares.
     */
    private boolean urlKeyAllows(RequestedFile file, String presented, Optional<List<UrlKeyHash>> known) {
        byte[] digest = UrlKeyHash.digest(presented);
        boolean global = globalKey.map(h -> h.matches(digest)).orElse(presented.isEmpty());
        if (known.isPresent() && known.get().isEmpty()) {
            return global;
        }
        List<UrlKeyHash> siteKeys = known.orElse(List.of());
        Optional<Mac> mac = file.desk();
        if (mac.isPresent()) {
            // with the sites' keys unknown (the ledger away) the desk's own view decides all the same: its
            // lookup fails as the fetch would, and a ledger back meanwhile gives the desk's real key
            Optional<UrlKeyHash> own = provisionDesk.view(mac.get()).flatMap(DeskView::site).flatMap(hotdesk.core.model.Site::urlKey);
            return own.isPresent() ? own.get().matches(digest) : global;
        }
        boolean any = global;
        for (UrlKeyHash k : siteKeys) {
            any |= k.matches(digest); // no early exit: every known key is compared
        }
        return any;
    }

    /**
     * The sites' URL keys as one request sees them: read at most once, when first needed (to tell a key
     * segment from a file name, and to check the key), so both decisions rest on the same read and a
     * request costs one look-up. One request's, on its thread.
     */
    private final class SiteKeysOnce {
        private Optional<List<UrlKeyHash>> keys;

        Optional<List<UrlKeyHash>> get() {
            if (keys == null) {
                keys = siteUrlKeys();
            }
            return keys;
        }
    }

    /**
     * The hashes of the sites' own URL keys; empty when the ledger could not be read and never was (then a
     * file no desk owns follows the global rule only, and a desk's file waits for its desk's view).
     */
    private Optional<List<UrlKeyHash>> siteUrlKeys() {
        try {
            return Optional.of(provisionDesk.siteUrlKeys());
        } catch (hotdesk.core.port.LedgerException e) {
            log.debug("the sites' URL keys cannot be read: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** Whether plain HTTP may serve this peer: loopback, or in {@code provisioning.plain-http-networks}. */
    private boolean plainHttpAllowed(Request request, String ip) {
        SocketAddress peer = request.getConnectionMetaData().getRemoteSocketAddress();
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            InetAddress a = inet.getAddress();
            return a.isLoopbackAddress() || plainHttp.stream().anyMatch(n -> n.contains(a));
        }
        return plainHttp.stream().anyMatch(n -> n.contains(ip));
    }

    /** The file name of a vendor's common master file (the one its {@code commonFile} knows). */
    private static String masterName(VendorProfile p) {
        return p instanceof PolycomProfile ? PolycomProfile.COMMON_MASTER : "";
    }

    /** A common file: no desk's data, so nothing to check beyond the network; rendered from its template. */
    private void serveCommon(Response response, Callback callback, String ip, VendorProfile p, String template) {
        String body;
        try {
            body = renderer.renderNamed(p.vendor(), template, p.fileKind(), p.commonModel(settings));
        } catch (TemplateException e) {
            log.error("common file {} of {} for {} failed: {}", template, p.vendor(), ip, e.getMessage());
            telemetry.fetched("error");
            respond(response, callback, 500, SERVER_ERROR_BYTES);
            return;
        }
        telemetry.fetched("common");
        respond(response, callback, 200, body.getBytes(StandardCharsets.UTF_8), contentTypes.get(p.vendor()));
    }

    /** How long the file served to a desk, and the desk's view, are kept after the desk's last fetch. */
    public static final Duration IDLE = Duration.ofMinutes(1);

    /**
     * Forgets what was served to every desk that fetched nothing for {@link #IDLE}, and the views they were made
     * from ({@link ProvisionDesk#forgetIdle}): kept for a storm of fetches, not for every desk that ever fetched, so
     * serve's heap holds the desks fetching now (a full reconcile pass ran into collections with 10,000 desks' files
     * kept, BENCHMARKS.md). The next fetch of such a desk reads and renders again. {@code serve} calls this
     * periodically. Returns about how many desks' files were forgotten (fetches meanwhile add theirs).
     */
    public int forgetIdle() {
        Instant before = clock.instant().minus(IDLE);
        long cutoff = before.toEpochMilli();
        int kept = served.size();
        // checkedAt is refreshed at least every RECHECK while the desk fetches
        served.removeIf(s -> s.checkedAt() < cutoff);
        provisionDesk.forgetIdle(before);
        routes.clear(); // the names asked since are worked out again once each: the table follows the fetches of now
        return Math.max(0, kept - served.size());
    }

    /** Whether what was last served to this desk was recorded under this file name (phones ask for one). */
    private static boolean sameName(Served last, String file) {
        return last.record() == null || last.record().fileName().equals(file);
    }

    /**
     * Whether the bytes last served for this desk, made from this very view, may be sent again now
     * (see {@link #served}); refreshes their check time when they may.
     */
    private boolean stillGood(Served last, DeskView desk, Mac mac, long now) {
        long since = now - last.checkedAt();
        if (since >= 0 && since < TemplateRenderer.RECHECK.toMillis()) {
            return true;
        }
        VendorProfile profile = profiles.get(desk.device().vendor());
        if (profile == null) {
            return false;
        }
        Instant at = Instant.ofEpochMilli(now);
        if (!clockPart(profile, settings.forDesk(desk), at).equals(last.clockPart())) {
            return false;
        }
        if (settings.templateDir().isPresent()) {
            try {
                if (!renderer.resolve(profile.vendor(), desk.device().model(), mac, profile.fileKind()).equals(last.version())) {
                    return false;
                }
            } catch (TemplateException e) {
                return false; // the full path reports it
            }
        }
        served.update(mac, s -> s == last ? last.checked(now) : s);
        return true;
    }

    /** Drops every file kept as the collector may (for tests): the entries stay, their contents go. */
    void dropKeptAsTheCollectorMay() {
        served.dropAllAsTheCollectorMay();
    }

    /** Desks whose served file is kept now (for tests). */
    int keptFiles() {
        return served.held();
    }

    /** A profile's clock-dependent part, computed once per second of the clock (see {@link ClockMemo}). */
    private Object clockPart(VendorProfile profile, ProvisioningSettings deskSettings, Instant at) {
        long second = at.getEpochSecond();
        ClockMemo m = clockMemo;
        String zone = deskSettings.timezone() + " " + deskSettings.ntpServer();
        if (m != null && m.profile() == profile && m.second() == second && m.zone().equals(zone)) {
            return m.part();
        }
        Object part = profile.clockDependent(deskSettings, at);
        clockMemo = new ClockMemo(profile, second, zone, part);
        return part;
    }

    /** Whether the desk's site names no networks, or the TCP peer lies in one of them. */
    private static boolean siteAllows(DeskView desk, Request request, String ip) {
        List<String> networks = desk.site().map(s -> s.phones().networks()).orElse(List.of());
        if (networks.isEmpty()) {
            return true;
        }
        SocketAddress peer = request.getConnectionMetaData().getRemoteSocketAddress();
        InetAddress a = peer instanceof InetSocketAddress inet ? inet.getAddress() : null;
        for (String n : networks) {
            NetworkRange r = NetworkRange.parse(n);
            if (a != null ? r.contains(a) : r.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the TCP peer lies in an allowed network. */
    private boolean allowed(Request request, String ip) {
        SocketAddress peer = request.getConnectionMetaData().getRemoteSocketAddress();
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            InetAddress a = inet.getAddress();
            for (NetworkRange n : allowed) {
                if (n.contains(a)) {
                    return true;
                }
            }
            return false;
        }
        return allowed.stream().anyMatch(n -> n.contains(ip));
    }

    private void refuse(Response response, Callback callback, String ip, String what, String reason, int status,
                        byte[] body) {
        countRefusal(ip);
        securityLog(ip, what, reason);
        audit(what, ip, reason);
        telemetry.fetched(reason);
        respond(response, callback, status, body);
    }

    private void tooSlow(String ip) {
        securityLog(ip, "-", "request-timeout");
        countRefusal(ip);
    }

    private void countRefusal(String ip) {
        if (limiter.refused(ip) == RefusalLimiter.Tracking.FIRST_UNTRACKED) {
            security.warn("provisioning refusals came from more than {} addresses this minute; further addresses "
                    + "are refused without rate limiting until the minute ends (first untracked ip={})",
                    limiter.capacity(), ip);
        }
    }

    private void audit(String what, String ip, String reason) {
        // into the fetch journal: a refusal never waits for (or fails with) the ledger
        provisionDesk.refused(printable(what, 40), ip, reason);
    }

    private static void securityLog(String ip, String what, String reason) {
        security.warn("provisioning refused ip={} mac={} reason={}", ip, printable(what, 40), reason);
    }

    private static void tooMany(Response response, Callback callback, long secondsLeft) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, secondsLeft);
        respond(response, callback, 429, TOO_MANY_BYTES);
    }

    /** Every answer of this listener but a phone's file: plain text, never cached, the whole body at once. */
    private static void respond(Response response, Callback callback, int status, byte[] body) {
        respond(response, callback, status, body, TEXT_PLAIN);
    }

    /** An answer of the given Content-Type (a vendor's), never cached, the whole body at once. */
    private static void respond(Response response, Callback callback, int status, byte[] body, HttpField contentType) {
        head(response, status, body.length, contentType);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** Status and headers of every answer: never cached, its type (plain text unless given), its length. */
    private static void head(Response response, int status, int length, HttpField contentType) {
        response.setStatus(status);
        response.getHeaders().put(NO_STORE);
        response.getHeaders().put(contentType == null ? TEXT_PLAIN : contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
    }

    /**
     * 200 with the bytes last served to a desk, unpacked into a buffer of the server's pool that goes back when the
     * write has ended (either way): a storm's fetch served again allocates no body.
     */
    private static void respondKept(Request request, Response response, Callback callback, Served last, HttpField type) {
        org.eclipse.jetty.io.RetainableByteBuffer pooled = request.getComponents().getByteBufferPool().acquire(last.length(), false);
        ByteBuffer b = pooled.getByteBuffer();
        if (!b.hasArray()) { // a pool that gave a direct buffer: the kept file as a new array, as before
            pooled.release();
            respond(response, callback, 200, PackedBody.unpack(last.packed(), last.length()), type);
            return;
        }
        try {
            b.clear();
            PackedBody.unpackInto(last.packed(), last.length(), b.array(), b.arrayOffset());
            b.limit(last.length());
        } catch (RuntimeException e) {
            pooled.release();
            throw e;
        }
        head(response, 200, last.length(), type);
        response.write(true, b, Callback.from(callback, pooled::release));
    }

    /** The body of an answer Jetty itself decided (431, a malformed request, an unknown path). */
    private static byte[] errorBody(int status) {
        return switch (status) {
            case 400 -> BAD_REQUEST_BYTES;
            case 404 -> NOT_FOUND_BYTES;
            case 429 -> TOO_MANY_BYTES;
            case 431 -> "request header fields too large\n".getBytes(StandardCharsets.US_ASCII);
            default -> status >= 500 ? SERVER_ERROR_BYTES : ("error " + status + "\n").getBytes(StandardCharsets.US_ASCII);
        };
    }

    /**
     * What a file name asks for ({@link RequestedFile#of}, a pure function of the name and the profiles), kept per
     * name: every fetch asks it, twice when answered from memory, and working it out allocated more than the rest of
     * an answer from memory (a MAC per vendor whose desk file it is, the vendors' sets). Names no vendor asks for are
     * not kept (a scanner's), and the table is emptied when it reaches {@value #MAX_ROUTES} names and whenever idle
     * desks are forgotten ({@link #forgetIdle}), so it holds the names of the fetches of the last minute at most.
     */
    RequestedFile requested(String name) {
        RequestedFile known = routes.get(name);
        if (known != null) {
            return known;
        }
        RequestedFile worked = RequestedFile.of(name, profiles.values());
        if (!(worked instanceof RequestedFile.Unknown)) {
            if (routes.size() >= MAX_ROUTES) {
                routes.clear();
            }
            routes.put(name, worked);
        }
        return worked;
    }

    /** Names of requested files kept at most (see {@link #requested}): a few per desk of a large site. */
    static final int MAX_ROUTES = 50_000;

    /** Names kept (for tests). */
    int routesKept() {
        return routes.size();
    }

    /** The TCP peer; never a forwarding header, which any client can forge. */
    static String remoteAddress(Request request) {
        String a = Request.getRemoteAddr(request);
        if (a == null) {
            return "";
        }
        return a.startsWith("[") && a.endsWith("]") ? a.substring(1, a.length() - 1) : a;
    }

    /** Whether the User-Agent names this MAC (Yealink: {@code Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ab}). */
    static boolean carriesMac(String userAgent, Mac mac) {
        String hex = mac.value();
        if (namesWhole(userAgent, hex, ':') || namesWhole(userAgent, hex, (char) 0) || namesWhole(userAgent, hex, '-')) {
            return true; // what the regex would find, found without it: every fetch asks
        }
        return carriesMacByPattern(userAgent, mac);
    }

    /** {@link #carriesMac} by {@link #MAC_IN_TEXT} alone: any case, any of the accepted spellings, mixed ones too. */
    static boolean carriesMacByPattern(String userAgent, Mac mac) {
        Matcher m = MAC_IN_TEXT.matcher(userAgent);
        while (m.find()) {
            if (Mac.isValid(m.group()) && Mac.parse(m.group()).equals(mac)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code text} holds these 12 lower-case hex digits, in any case, as one whole token of
     * {@link #MAC_IN_TEXT}: with {@code separator} between each pair (none when it is 0) and no hex digit,
     * colon or dash on either side.
     */
    private static boolean namesWhole(String text, String hex, char separator) {
        int length = separator == 0 ? 12 : 17;
        next:
        for (int i = 0; i + length <= text.length(); i++) {
            int j = i;
            for (int k = 0; k < 12; k++) {
                if (separator != 0 && k > 0 && k % 2 == 0 && text.charAt(j++) != separator) {
                    continue next;
                }
                char c = text.charAt(j++);
                if ((c >= 'A' && c <= 'F' ? (char) (c + ('a' - 'A')) : c) != hex.charAt(k)) {
                    continue next;
                }
            }
            if ((i == 0 || !macChar(text.charAt(i - 1))) && (j == text.length() || !macChar(text.charAt(j)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean macChar(char c) {
        return Mac.isHexDigit(c) || c == ':' || c == '-';
    }

    /** A free-text header value kept for the ledger: cut, control characters replaced. */
    static String withoutControls(String s, int max) {
        String cut = s.length() > max ? s.substring(0, max) : s;
        boolean printable = true;
        for (int i = 0; i < cut.length() && printable; i++) {
            char c = cut.charAt(i);
            printable = c >= 0x20 && c < 0x7f;
        }
        if (printable) {
            return cut; // printable ASCII, as every phone sends: nothing to replace
        }
        return CONTROLS.matcher(cut).replaceAll("?");
    }

    private static String printable(String s) {
        return printable(s, 80);
    }

    /** A request-supplied string made safe for one log or audit line. */
    static String printable(String s, int max) {
        String cut = s.length() > max ? s.substring(0, max) : s;
        return UNSAFE.matcher(cut).replaceAll("?");
    }
}
