package hotdesk.board;

import hotdesk.core.model.Target;
import hotdesk.core.policy.OccupancyStats;
import hotdesk.core.port.OccupancyCharts;
import hotdesk.core.usecase.BoardSignIn;
import hotdesk.core.usecase.DeskStatus;
import hotdesk.core.usecase.LocalDeskEvents;
import hotdesk.core.usecase.LogOut;
import hotdesk.core.usecase.OccupancyReport;
import hotdesk.web.HttpListeners;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The admin HTTP listener: the live desk board, its usage page and sign-in.
 *
 * <ul>
 *   <li>{@code GET /board[?site=S]}: one tile per desk line, rendered on the server; {@code board.js}
 *       filters the tiles and keeps them live through {@code GET /board/events} (server-sent events: one
 *       {@code tile} event with the tile's new HTML per changed desk, within about 100 ms of the
 *       {@link LocalDeskEvents} event). After a lost connection (a restart of hotdesk) the browser
 *       reconnects and fetches {@code /board/tiles} once, so nothing that changed meanwhile is missed.</li>
 *   <li>{@code POST /board/desks/{endpoint}/logout}: an admin logs a desk out (audited as
 *       {@code board:<name>}); a viewer gets 403.</li>
 *   <li>{@code GET /board/usage?from&to&site}: the occupancy charts as inline SVG and the table.</li>
 *   <li>{@code GET|POST /signin}, {@code POST /signout}.</li>
 * </ul>
 *
 * <p>Security: every page but sign-in needs a session: pages redirect to {@code /signin}, the events,
 * tiles and POSTs answer 401. The session cookie is {@code HttpOnly}, {@code SameSite=Strict} and,
 * with TLS, {@code Secure}; every POST carries the session's CSRF token (the sign-in form a
 * double-submit token of its own). Responses are {@code no-store} with a Content-Security-Policy that
 * allows only this server's script. No page, tile or event carries a PIN, one-time code or SIP secret.
 *
 * <p>Thread-safe. Events are rendered and sent on one thread of the board's own; a client that cannot
 * take them is dropped when its connection fails.
 */
public final class BoardServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BoardServer.class);
    static final String SESSION_COOKIE = "hd_session";
    static final String SIGNIN_COOKIE = "hd_signin";
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    /** How long changes are gathered before their tiles are sent: bursts (a pass of the reconciler) go out as one. */
    static final Duration GATHER = Duration.ofMillis(50);
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    /**
     * How long {@link #close()} waits for an update or keep-alive under way, which may be inside the ledger:
     * the embedded ledger's threads must not be interrupted (H2 closes the file an interrupted thread is in),
     * so the board's thread is interrupted only past this.
     */
    static final Duration STOP_WAIT = Duration.ofSeconds(3);

    /** What the board needs of the core. */
    public record Uses(BoardSignIn signIn, DeskStatus status, LogOut logOut, OccupancyReport report, OccupancyCharts charts,
                       ZoneId zone, LocalDeskEvents events, String node, Clock clock) {
    }

    private record Client(SseClient sse, String token, BoardSignIn.Signed session, Optional<String> site) {
    }

    private final BoardSettings settings;
    private final Uses uses;
    private final String script;
    private final String css;
    private final SecureRandom random = new SecureRandom();
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final Set<Target> pending = new HashSet<>();
    private boolean flushScheduled;
    private volatile ScheduledExecutorService pusher;
    private Runnable unsubscribe;
    private Javalin app;

    public BoardServer(BoardSettings settings, Uses uses) {
        this.settings = settings;
        this.uses = uses;
        this.script = resource("board.js");
        this.css = resource("board.css");
    }

    private static String resource(String name) {
        try (InputStream in = BoardServer.class.getResourceAsStream("/hotdesk/board/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the board's " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Binds, starts listening and hears desk events; blocks until the listener is up. */
    public synchronized void start() {
        if (app != null) {
            throw new IllegalStateException("board already started");
        }
        log.info("admin HTTP listener starting on {}:{} ({})", settings.bindAddress(), settings.port(),
                settings.tls() ? "TLS" : "plain HTTP, loopback only");
        ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "hotdesk-board");
            t.setDaemon(true);
            return t;
        });
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // the browsers reconnect and read the tiles anew
        thread.setRemoveOnCancelPolicy(true);
        pusher = thread;
        pusher.scheduleWithFixedDelay(this::keepAlive, KEEP_ALIVE.toMillis(), KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
        unsubscribe = uses.events().subscribe(this::heard);
        Javalin created = Javalin.create(cfg -> {
            cfg.jetty.addConnector((server, http) -> HttpListeners.connector(server, http, settings.bindAddress(), settings.port(),
                    settings.tlsKeystore(), settings.tlsPassword()));
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.routes.before(ctx -> {
                ctx.header("Cache-Control", "no-store");
                ctx.header("Content-Security-Policy", CSP);
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("X-Frame-Options", "DENY");
                ctx.header("Referrer-Policy", "no-referrer");
            });
            cfg.routes.get("/", ctx -> ctx.redirect("/board"));
            cfg.routes.get("/signin", this::signInForm);
            cfg.routes.post("/signin", this::signIn);
            cfg.routes.post("/signout", this::signOut);
            cfg.routes.get("/board", this::board);
            cfg.routes.get("/board/tiles", this::tiles);
            cfg.routes.get("/board/usage", this::usage);
            cfg.routes.get("/board/board.js", ctx -> ctx.contentType("text/javascript; charset=utf-8").result(script));
            cfg.routes.get("/board/board.css", ctx -> ctx.contentType("text/css; charset=utf-8").result(css));
            cfg.routes.post("/board/desks/{desk}/logout", this::logOut);
            cfg.routes.before("/board/events", ctx -> {
                if (signed(ctx).isEmpty()) {
                    throw new io.javalin.http.UnauthorizedResponse("sign in first");
                }
            });
            cfg.routes.sse("/board/events", this::subscribe);
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                log.error("board request {} {} failed", ctx.method(), ctx.path().replaceAll("\\p{Cntrl}", "?"), e);
                ctx.status(500).contentType("text/plain; charset=utf-8").result("server error\n");
            });
        });
        try {
            created.start();
        } catch (RuntimeException e) {
            created.stop();
            stopPusher();
            throw new IllegalStateException("admin HTTP listener cannot listen on " + settings.bindAddress() + ":"
                    + settings.port() + ": " + e.getMessage(), e);
        }
        app = created;
        log.info("admin HTTP listener started on {}://{}:{}/board", settings.tls() ? "https" : "http", settings.bindAddress(),
                created.port());
    }

    /** The port listened on (the free one picked when configured 0). */
    public synchronized int port() {
        if (app == null) {
            throw new IllegalStateException("board not started");
        }
        return app.port();
    }

    /** Live-view connections open now. */
    public int liveClients() {
        return clients.size();
    }

    @Override
    public synchronized void close() {
        if (app == null) {
            return;
        }
        log.info("admin HTTP listener stopping");
        stopPusher();
        clients.forEach(c -> c.sse().close());
        clients.clear();
        app.stop();
        app = null;
        log.info("admin HTTP listener stopped");
    }

    private void stopPusher() {
        if (unsubscribe != null) {
            unsubscribe.run();
            unsubscribe = null;
        }
        if (pusher != null) {
            ScheduledExecutorService stopping = pusher;
            pusher = null;
            stopping.shutdown();
            try {
                if (stopping.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
                log.warn("board: a live update still running {} after stopping began, interrupted", STOP_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("board: stopping was interrupted, the live update under way interrupted too");
            }
            stopping.shutdownNow();
        }
    }

    // ---- sessions

    private static String remote(Context ctx) {
        return ctx.req().getRemoteAddr();
    }

    private Optional<String> token(Context ctx) {
        return Optional.ofNullable(ctx.cookie(SESSION_COOKIE));
    }

    private Optional<BoardSignIn.Signed> signed(Context ctx) {
        return token(ctx).flatMap(t -> uses.signIn().session(t));
    }

    /** The session for a page: none redirects to the sign-in form. */
    private Optional<BoardSignIn.Signed> page(Context ctx) {
        Optional<BoardSignIn.Signed> s = signed(ctx);
        if (s.isEmpty()) {
            ctx.redirect("/signin", io.javalin.http.HttpStatus.SEE_OTHER);
        }
        return s;
    }

    private void cookie(Context ctx, String name, String value, long maxAgeSeconds) {
        ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + (settings.tls() ? "; Secure" : ""));
    }

    private String randomToken() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private void signInForm(Context ctx) {
        String csrf = randomToken();
        cookie(ctx, SIGNIN_COOKIE, csrf, 3600);
        ctx.contentType("text/html; charset=utf-8").result(BoardPages.signIn(csrf, ""));
    }

    private void signInAgain(Context ctx, int status, String problem) {
        String csrf = randomToken();
        cookie(ctx, SIGNIN_COOKIE, csrf, 3600);
        ctx.status(status).contentType("text/html; charset=utf-8").result(BoardPages.signIn(csrf, problem));
    }

    private void signIn(Context ctx) {
        String expected = ctx.cookie(SIGNIN_COOKIE);
        String given = ctx.formParam("csrf");
        if (expected == null || given == null || !java.security.MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8))) {
            signInAgain(ctx, 403, "The form had expired: please sign in again.");
            return;
        }
        BoardSignIn.Result r = uses.signIn().signIn(ctx.formParam("name"), ctx.formParam("password"), remote(ctx));
        if (r instanceof BoardSignIn.SignedIn in) {
            cookie(ctx, SIGNIN_COOKIE, "", 0);
            long seconds = Math.max(1, Duration.between(uses.clock().instant(), in.session().expires()).toSeconds());
            cookie(ctx, SESSION_COOKIE, in.token(), seconds);
            ctx.redirect("/board", io.javalin.http.HttpStatus.SEE_OTHER);
        } else if (r instanceof BoardSignIn.Locked) {
            signInAgain(ctx, 429, "Too many failed sign-ins for this name: try again later.");
        } else {
            signInAgain(ctx, 401, "Wrong name or password.");
        }
    }

    private void signOut(Context ctx) {
        Optional<BoardSignIn.Signed> s = signed(ctx);
        if (s.isEmpty()) {
            ctx.status(401).result("sign in first\n");
            return;
        }
        if (!BoardSignIn.csrfMatches(s.get(), ctx.formParam("csrf"))) {
            ctx.status(403).result("missing or wrong CSRF token\n");
            return;
        }
        uses.signIn().signOut(token(ctx).orElseThrow(), remote(ctx));
        cookie(ctx, SESSION_COOKIE, "", 0);
        ctx.redirect("/signin", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    // ---- board

    private static Optional<String> site(Context ctx) {
        String s = ctx.queryParam("site");
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
    }

    private List<DeskStatus.Watched> lines(Optional<String> site) {
        List<DeskStatus.Watched> all = uses.status().watch(uses.node(), ep -> true);
        return site.map(s -> all.stream().filter(w -> w.line().device().site().equals(s)).toList()).orElse(all);
    }

    private void board(Context ctx) {
        Optional<BoardSignIn.Signed> s = page(ctx);
        if (s.isEmpty()) {
            return;
        }
        Optional<String> site = site(ctx);
        List<DeskStatus.Watched> all = uses.status().watch(uses.node(), ep -> true);
        List<String> sites = new ArrayList<>(new TreeSet<>(all.stream().map(w -> w.line().device().site())
                .filter(x -> !x.isEmpty()).toList()));
        List<DeskStatus.Watched> shown = site.map(x -> all.stream().filter(w -> w.line().device().site().equals(x)).toList())
                .orElse(all);
        ctx.contentType("text/html; charset=utf-8").result(BoardPages.board(shown, sites, site, uses.zone(), s.get()));
    }

    private void tiles(Context ctx) {
        Optional<BoardSignIn.Signed> s = signed(ctx);
        if (s.isEmpty()) {
            ctx.status(401).result("sign in first\n");
            return;
        }
        ctx.contentType("text/html; charset=utf-8").result(BoardPages.tiles(lines(site(ctx)), uses.zone(), s.get().admin()));
    }

    private void logOut(Context ctx) {
        Optional<BoardSignIn.Signed> s = signed(ctx);
        ctx.contentType("application/json");
        if (s.isEmpty()) {
            ctx.status(401).result("{\"result\":\"sign in first\"}");
            return;
        }
        if (!BoardSignIn.csrfMatches(s.get(), ctx.header("X-CSRF-Token"))) {
            ctx.status(403).result("{\"result\":\"missing or wrong CSRF token\"}");
            return;
        }
        if (!s.get().admin()) {
            log.warn("board: viewer {} tried to log desk {} out: refused", s.get().name(), ctx.pathParam("desk").replaceAll("\\p{Cntrl}", "?"));
            ctx.status(403).result("{\"result\":\"viewers cannot log desks out\"}");
            return;
        }
        LogOut.Result r = uses.logOut().forceLine(ctx.pathParam("desk"), "board:" + s.get().name());
        if (r instanceof LogOut.LoggedOut out) {
            ctx.result("{\"result\":\"logged out\",\"ended\":" + out.ended().size() + "}");
        } else if (r instanceof LogOut.NotLoggedIn) {
            ctx.status(409).result("{\"result\":\"nobody is logged in at this desk\"}");
        } else {
            ctx.status(404).result("{\"result\":\"no such desk\"}");
        }
    }

    // ---- usage

    private void usage(Context ctx) {
        Optional<BoardSignIn.Signed> s = page(ctx);
        if (s.isEmpty()) {
            return;
        }
        ZoneId zone = uses.zone();
        LocalDate today = LocalDate.now(uses.clock().withZone(zone));
        String fromText = Optional.ofNullable(ctx.queryParam("from")).filter(x -> !x.isBlank()).orElse(today.minusDays(6).toString());
        String toText = Optional.ofNullable(ctx.queryParam("to")).filter(x -> !x.isBlank()).orElse(today.toString());
        Optional<String> site = site(ctx);
        try {
            LocalDate from = LocalDate.parse(fromText);
            LocalDate to = LocalDate.parse(toText);
            if (to.isBefore(from) || from.plusDays(366).isBefore(to)) {
                throw new IllegalArgumentException("the range must run forwards and span at most a year");
            }
            Instant start = from.atStartOfDay(zone).toInstant();
            Instant end = to.plusDays(1).atStartOfDay(zone).toInstant(); // "to" is the last day shown
            OccupancyStats.Report r = uses.report().report(start, end, zone, site);
            List<String> svgs = new ArrayList<>();
            for (OccupancyCharts.Chart chart : List.of(OccupancyCharts.Chart.UTILISATION, OccupancyCharts.Chart.DESK_HOUR,
                    OccupancyCharts.Chart.SITE_WEEKDAY)) {
                svgs.add(inline(new String(uses.charts().render(r, chart, OccupancyCharts.Format.SVG), StandardCharsets.UTF_8)));
            }
            ctx.contentType("text/html; charset=utf-8").result(BoardPages.usage(r, svgs, fromText, toText, site, "", s.get()));
        } catch (DateTimeParseException e) {
            ctx.status(400).contentType("text/html; charset=utf-8")
                    .result(BoardPages.usage(null, List.of(), fromText, toText, site, "from and to are dates: YYYY-MM-DD", s.get()));
        } catch (IllegalArgumentException e) {
            ctx.status(400).contentType("text/html; charset=utf-8")
                    .result(BoardPages.usage(null, List.of(), fromText, toText, site, e.getMessage(), s.get()));
        }
    }

    /** An SVG file as an element for inline use: without its XML declaration. */
    static String inline(String svg) {
        String t = svg.strip();
        if (t.startsWith("<?xml")) {
            t = t.substring(t.indexOf("?>") + 2).strip();
        }
        return t;
    }

    // ---- live updates

    private void subscribe(SseClient sse) {
        Context ctx = sse.ctx();
        Optional<String> token = token(ctx);
        Optional<BoardSignIn.Signed> s = token.flatMap(t -> uses.signIn().session(t));
        if (s.isEmpty()) { // signed out between the check and now
            sse.close();
            return;
        }
        Client c = new Client(sse, token.get(), s.get(), site(ctx));
        sse.keepAlive();
        sse.onClose(() -> clients.remove(c));
        clients.add(c);
        sse.sendEvent("hello", "{\"live\":true}");
    }

    /** On the publisher's thread: gather, and send shortly on the board's own thread. */
    private void heard(Set<Target> targets) {
        ScheduledExecutorService thread = pusher; // read once: close() clears it while events may still come
        synchronized (pending) {
            pending.addAll(targets);
            if (flushScheduled || thread == null) {
                return;
            }
            flushScheduled = true;
        }
        try {
            thread.schedule(this::flush, GATHER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    private void flush() {
        Set<Target> targets;
        synchronized (pending) {
            targets = Set.copyOf(pending);
            pending.clear();
            flushScheduled = false;
        }
        if (clients.isEmpty() || targets.isEmpty()) {
            return;
        }
        try {
            Set<String> ids = uses.status().linesOf(targets);
            List<DeskStatus.Watched> changed = uses.status().watch(uses.node(), ids::contains);
            Set<String> found = new HashSet<>();
            for (DeskStatus.Watched w : changed) {
                found.add(w.line().line().endpointId());
                String site = w.line().device().site();
                String forAdmin = null;
                String forViewer = null;
                for (Client c : clients) {
                    if (c.site().isPresent() && !c.site().get().equals(site)) {
                        continue;
                    }
                    String html;
                    if (c.session().admin()) {
                        html = forAdmin == null ? forAdmin = BoardPages.tile(w, uses.zone(), true) : forAdmin;
                    } else {
                        html = forViewer == null ? forViewer = BoardPages.tile(w, uses.zone(), false) : forViewer;
                    }
                    send(c, "tile", "{\"id\":" + BoardPages.json(BoardPages.tileId(w.line().line().endpointId())) + ",\"html\":"
                            + BoardPages.json(html) + "}");
                }
            }
            for (String id : ids) {
                if (!found.contains(id)) {
                    clients.forEach(c -> send(c, "gone", "{\"id\":" + BoardPages.json(BoardPages.tileId(id)) + "}"));
                }
            }
        } catch (RuntimeException e) {
            // the ledger may be briefly unreachable: the next event or the browser's reconnect catches up
            log.warn("board: live update of {} failed: {}", targets, e.toString());
        }
    }

    private void send(Client c, String event, String data) {
        if (c.sse().terminated()) {
            clients.remove(c);
            return;
        }
        try {
            c.sse().sendEvent(event, data);
        } catch (RuntimeException e) {
            clients.remove(c);
            c.sse().close();
        }
    }

    /** Keeps idle connections open through proxies and drops those whose session ended (signed out, expired, removed). */
    private void keepAlive() {
        for (Client c : clients) {
            try {
                if (uses.signIn().session(c.token()).isEmpty()) {
                    clients.remove(c);
                    c.sse().close();
                    continue;
                }
                c.sse().sendComment("keep-alive");
            } catch (RuntimeException e) {
                clients.remove(c);
            }
        }
    }
}
