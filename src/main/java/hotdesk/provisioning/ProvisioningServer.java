package hotdesk.provisioning;

import hotdesk.core.model.NetworkRange;

import hotdesk.core.model.Mac;
import hotdesk.core.usecase.ProvisionDesk;
import hotdesk.core.usecase.ProvisionDesk.DeskView;
import io.javalin.Javalin;
import io.javalin.http.Context;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
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
 * (when required), or for an unknown or disabled device gets one and the same 404, so nobody can
 * learn which MACs exist; a malformed file name gets 400; an address with more refusals in one clock
 * minute than allowed gets 429 until the minute ends. Served files are limited too: more than
 * {@code provisioning.max-fetches-per-desk} of one desk, or {@code provisioning.max-fetches-per-address}
 * to one address, in one clock minute get 429 with Retry-After until it ends, logged with
 * {@code reason=fetch-rate-desk} or {@code reason=fetch-rate-address} and audited once per key and
 * minute; they are not refusals and never block the address. Every such refusal is audited and logged on the
 * {@code hotdesk.security} logger as {@code provisioning refused ip=… mac=… reason=…}. A connection
 * that takes longer than the request timeout to send its request headers is closed, counted as a
 * refusal and logged the same way with {@code reason=request-timeout}, but not audited (slow clients
 * must not be able to flood the ledger); request heads are limited to {@value #MAX_REQUEST_HEAD_BYTES}
 * bytes and open connections to {@value #MAX_CONNECTIONS}. A template
 * error answers a generic 500 and logs the template and line; the rendered file is never logged (it
 * holds the SIP password) and never sent in part.
 *
 * <p>Rendered files are cached per desk ({@link RenderedFiles}) behind every one of these checks, and
 * used again only while the template and everything the profile computed from the ledger are equal;
 * compiled templates are cached by {@link TemplateRenderer}. So a storm of fetches reads the ledger
 * (a snapshot, no write lock) but does no template work, and writes nothing on the request path: the
 * fetch and its audit line go to the {@link hotdesk.core.usecase.FetchJournal}.
 *
 * <p>{@link #start()} binds the configured address and port and returns once listening;
 * {@link #close()} stops Jetty. Requests run on Jetty's threads and may block on the ledger.
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

    private static final Pattern COMMON_FILE = Pattern.compile("y[0-9]{12}\\.cfg");
    private static final Pattern MAC_IN_TEXT = Pattern.compile(
            "(?<![0-9A-Fa-f:-])[0-9A-Fa-f]{2}([:-]?)[0-9A-Fa-f]{2}(\\1[0-9A-Fa-f]{2}){4}(?![0-9A-Fa-f:-])");
    private static final Pattern CONTROLS = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029\\u0085]");
    private static final Pattern UNSAFE = Pattern.compile("[^0-9A-Za-z._:/-]");

    private final ProvisioningSettings settings;
    private final ProvisionDesk provisionDesk;
    private final Clock clock;
    private final List<NetworkRange> allowed;
    private final Map<String, VendorProfile> profiles;
    private final TemplateRenderer renderer;
    private final RenderedFiles rendered = new RenderedFiles();
    private final RefusalLimiter limiter;
    /** Files served per desk and per address in the clock minute (the same counting as refusals). */
    private final RefusalLimiter deskFetches;
    private final RefusalLimiter addressFetches;
    private final int maxConnections;
    private Javalin app;

    public ProvisioningServer(ProvisioningSettings s, ProvisionDesk provisionDesk) {
        this(s, provisionDesk, Clock.systemUTC());
    }

    ProvisioningServer(ProvisioningSettings s, ProvisionDesk provisionDesk, Clock clock) {
        this(s, provisionDesk, clock, MAX_TRACKED_ADDRESSES, MAX_CONNECTIONS);
    }

    /** With other bounds than the production ones, so tests can reach them. */
    ProvisioningServer(ProvisioningSettings s, ProvisionDesk provisionDesk, Clock clock, int maxTrackedAddresses,
                       int maxConnections) {
        this.settings = s;
        this.maxConnections = maxConnections;
        this.provisionDesk = provisionDesk;
        this.clock = clock;
        this.allowed = s.allowedNetworks().stream().map(NetworkRange::parse).toList();
        this.profiles = VendorProfiles.byVendor();
        this.renderer = new TemplateRenderer(s.templateDir(), clock);
        this.limiter = new RefusalLimiter(clock, s.maxRefusalsPerMinute(), maxTrackedAddresses);
        // only known, enabled desks are counted, so this bound is never reached below 100,000 desks
        this.deskFetches = new RefusalLimiter(clock, s.maxFetchesPerDesk(), MAX_TRACKED_DESKS);
        this.addressFetches = new RefusalLimiter(clock, s.maxFetchesPerAddress(), maxTrackedAddresses);
    }

    /**
     * Binds and starts listening; blocks until the listener is up.
     *
     * @throws IllegalStateException when already started, or the address and port cannot be bound
     */
    public synchronized void start() {
        if (app != null) {
            throw new IllegalStateException("provisioning server already started");
        }
        log.info("provisioning server starting on {}:{} (allowed networks {}, template dir {})",
                settings.bindAddress(), settings.port(), allowed,
                settings.templateDir().map(Object::toString).orElse("none"));
        Javalin created = Javalin.create(cfg -> {
            cfg.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(MAX_REQUEST_HEAD_BYTES));
            cfg.jetty.modifyServer(server -> server.addBean(new NetworkConnectionLimit(maxConnections, server)));
            cfg.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(settings.bindAddress());
                connector.setPort(settings.port());
                // a silent connection goes after the request timeout; a trickling one is RequestDeadline's
                connector.setIdleTimeout(settings.requestTimeout().toMillis());
                connector.addEventListener(new RequestDeadline(connector.getScheduler(), settings.requestTimeout(),
                        this::tooSlow));
                return connector;
            });
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.routes.get("/provision/{file}", this::provision);
            // every 404, matched route or not, must look the same
            cfg.routes.error(404, ctx -> respond(ctx, 404, NOT_FOUND));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                log.error("provisioning request {} failed", printable(ctx.path()), e);
                respond(ctx, 500, SERVER_ERROR);
            });
        });
        try {
            created.start();
        } catch (RuntimeException e) {
            created.stop();
            throw new IllegalStateException("provisioning server cannot listen on " + settings.bindAddress() + ":"
                    + settings.port() + ": " + e.getMessage(), e);
        }
        app = created;
        log.info("provisioning server started on {}:{}", settings.bindAddress(), created.port());
    }

    /** The renderer in use (for tests: how often it compiled and merged). */
    TemplateRenderer renderer() {
        return renderer;
    }

    /** The port listened on (the ephemeral one when configured 0). */
    public synchronized int port() {
        if (app == null) {
            throw new IllegalStateException("provisioning server not started");
        }
        return app.port();
    }

    /** Stops Jetty; idempotent. */
    @Override
    public synchronized void close() {
        if (app == null) {
            return;
        }
        log.info("provisioning server stopping");
        app.stop();
        app = null;
        log.info("provisioning server stopped");
    }

    private void provision(Context ctx) {
        String ip = remoteAddress(ctx);
        String file = ctx.pathParam("file");
        RefusalLimiter.Verdict verdict = limiter.check(ip);
        if (verdict.blocked()) {
            securityLog(ip, subject(file), "rate-limited");
            if (verdict.firstBlock()) {
                // audited once per address and minute: a scanner must not be able to flood the ledger
                audit(subject(file), ip, "rate limited");
            }
            ctx.header("Retry-After", Long.toString(verdict.secondsLeft()));
            respond(ctx, 429, TOO_MANY);
            return;
        }
        if (allowed.stream().noneMatch(n -> n.contains(ip))) {
            refuse(ctx, ip, subject(file), "network", 404, NOT_FOUND);
            return;
        }
        if (COMMON_FILE.matcher(file).matches()) {
            respond(ctx, 200, COMMON_FILE_BODY);
            return;
        }
        for (VendorProfile p : profiles.values()) {
            Optional<String> common = p.commonFile(file);
            if (common.isPresent()) {
                serveCommon(ctx, ip, p, common.get());
                return;
            }
        }
        for (VendorProfile p : profiles.values()) {
            if (p.askedButUnserved(file)) {
                // a booting phone's own question (Grandstream's binary cfg<mac>): no refusal, no audit
                log.debug("{} asked for {}, which hotdesk does not serve ({} phones ask for it)", ip, printable(file), p.vendor());
                respond(ctx, 404, NOT_FOUND);
                return;
            }
        }
        // which vendors' phones ask for a file of this name, and for which MAC
        Map<String, Mac> deskClaims = new java.util.LinkedHashMap<>();
        Map<String, Mac> masterClaims = new java.util.LinkedHashMap<>();
        for (VendorProfile p : profiles.values()) {
            p.deskFile(file).ifPresent(m -> deskClaims.put(p.vendor(), m));
            p.masterFile(file).ifPresent(m -> masterClaims.put(p.vendor(), m));
        }
        if (deskClaims.isEmpty() && masterClaims.isEmpty()) {
            refuse(ctx, ip, file, "malformed", 400, BAD_REQUEST);
            return;
        }
        Mac mac = (deskClaims.isEmpty() ? masterClaims : deskClaims).values().iterator().next();
        String userAgent = withoutControls(ctx.userAgent() == null ? "" : ctx.userAgent(), 200);
        if (settings.requireMacInUserAgent() && !carriesMac(userAgent, mac)) {
            // Polycom names no MAC in its User-Agent: with the check required its desk file cannot be served
            refuse(ctx, ip, mac.value(), "user-agent", 404, NOT_FOUND);
            return;
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
            ctx.header("Retry-After", Long.toString(byAddress.secondsLeft()));
            respond(ctx, 429, TOO_MANY);
            return;
        }
        Optional<DeskView> view = provisionDesk.fetch(mac, ip, userAgent);
        if (view.isEmpty()) {
            // ProvisionDesk has audited it (unknown or disabled); the answer must not say which
            countRefusal(ip);
            securityLog(ip, mac.value(), "unknown-or-disabled");
            respond(ctx, 404, NOT_FOUND);
            return;
        }
        DeskView desk = view.get();
        deskFetches.refused(mac.value());
        addressFetches.refused(ip);
        String vendor = desk.device().vendor();
        VendorProfile profile = profiles.get(vendor);
        if (profile == null || !deskClaims.containsKey(vendor) && !masterClaims.containsKey(vendor)) {
            log.warn("device {} is vendor '{}': its phones do not ask for {}", mac, vendor, printable(file));
            respond(ctx, 404, NOT_FOUND);
            return;
        }
        if (!deskClaims.containsKey(vendor)) {
            // a per-phone name answered with the vendor's common master file (Polycom's <mac>.cfg)
            serveCommon(ctx, ip, profile, profile.commonFile(masterName(profile)).orElseThrow());
            return;
        }
        byte[] body;
        try {
            Map<String, Object> model = profile.model(desk, settings, clock.instant());
            TemplateRenderer.TemplateVersion version = renderer.resolve(profile.vendor(), desk.device().model(), mac,
                    profile.fileKind());
            body = rendered.get(mac, version, model);
            if (body == null) {
                TemplateRenderer.Rendered r = renderer.renderVersioned(profile.vendor(), desk.device().model(), mac,
                        profile.fileKind(), model);
                body = r.text().getBytes(StandardCharsets.UTF_8);
                rendered.put(mac, r.version(), model, body);
                log.info("provisioned {} to {} ({} bytes, rendered from {})", mac, ip, body.length, r.version().name());
            } else {
                log.debug("provisioned {} to {} ({} bytes, unchanged since last rendered)", mac, ip, body.length);
            }
        } catch (TemplateException e) {
            log.error("provisioning {} for {} failed: {}", mac, ip, e.getMessage());
            respond(ctx, 500, SERVER_ERROR);
            return;
        }
        ctx.status(200);
        ctx.header("Cache-Control", "no-store");
        ctx.contentType(profile.contentType());
        ctx.result(body);
    }

    /** The file name of a vendor's common master file (the one its {@code commonFile} knows). */
    private static String masterName(VendorProfile p) {
        return p instanceof PolycomProfile ? PolycomProfile.COMMON_MASTER : "";
    }

    /** A common file: no desk's data, so nothing to check beyond the network; rendered from its template. */
    private void serveCommon(Context ctx, String ip, VendorProfile p, String template) {
        String body;
        try {
            body = renderer.renderNamed(p.vendor(), template, p.fileKind(), p.commonModel(settings));
        } catch (TemplateException e) {
            log.error("common file {} of {} for {} failed: {}", template, p.vendor(), ip, e.getMessage());
            respond(ctx, 500, SERVER_ERROR);
            return;
        }
        ctx.status(200);
        ctx.header("Cache-Control", "no-store");
        ctx.contentType(p.contentType());
        ctx.result(body.getBytes(StandardCharsets.UTF_8));
    }

    /** What a refusal is about: the normalised MAC when the file name carries one, else the name. */
    private String subject(String file) {
        for (VendorProfile p : profiles.values()) {
            Optional<Mac> m = p.deskFile(file).or(() -> p.masterFile(file));
            if (m.isPresent()) {
                return m.get().value();
            }
        }
        return file;
    }

    private void refuse(Context ctx, String ip, String what, String reason, int status, String body) {
        countRefusal(ip);
        securityLog(ip, what, reason);
        audit(what, ip, reason);
        respond(ctx, status, body);
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

    private static void respond(Context ctx, int status, String body) {
        ctx.status(status);
        ctx.header("Cache-Control", "no-store");
        ctx.contentType(CONTENT_TYPE);
        ctx.result(body);
    }

    /** The TCP peer; never a forwarding header, which any client can forge. */
    static String remoteAddress(Context ctx) {
        String a = ctx.req().getRemoteAddr();
        if (a == null) {
            return "";
        }
        return a.startsWith("[") && a.endsWith("]") ? a.substring(1, a.length() - 1) : a;
    }

    /** Whether the User-Agent names this MAC (Yealink: {@code Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ab}). */
    static boolean carriesMac(String userAgent, Mac mac) {
        Matcher m = MAC_IN_TEXT.matcher(userAgent);
        while (m.find()) {
            if (Mac.isValid(m.group()) && Mac.parse(m.group()).equals(mac)) {
                return true;
            }
        }
        return false;
    }

    /** A free-text header value kept for the ledger: cut, control characters replaced. */
    static String withoutControls(String s, int max) {
        String cut = s.length() > max ? s.substring(0, max) : s;
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
