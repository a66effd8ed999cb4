package hotdesk.selfservice;

import hotdesk.core.model.ApiToken;
import hotdesk.core.model.Extension;
import hotdesk.core.usecase.ApiTokens;
import hotdesk.core.usecase.DeskKeys;
import hotdesk.core.usecase.LogIn;
import hotdesk.core.usecase.LogOut;
import hotdesk.core.usecase.SelfServiceCodes;
import hotdesk.web.HttpListeners;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The self-service HTTP listener.
 *
 * <ul>
 *   <li>{@code POST /api/v1/otp}, {@code GET /api/v1/me}: JSON, {@code Authorization: Bearer <token>}
 *       ({@link ApiTokens}); a code is issued by {@link SelfServiceCodes}, the same use case as
 *       {@code hotdesk otp issue}. Errors are {@code {"error":"<code>","message":"…"}}; 401 is one answer
 *       for a missing, malformed, unknown or revoked token. {@code GET /api/v1/openapi.yaml} describes it.</li>
 *   <li>{@code GET|POST /desk/{key}}: the page of a desk's QR sticker; the user signs in with extension and
 *       PIN through {@link LogIn}, the use case of the dial codes (same lockouts, same audit, same one
 *       answer for a wrong PIN, an unknown extension and a user without hot-desk rights).
 *       {@code POST /desk/{key}/logout}: the success page's logout button.</li>
 * </ul>
 *
 * <p>Limits: every request counts against its client address ({@code self-service.max-requests-per-address}
 * a minute), checked first, before any token is hashed; API requests with a valid token count against the
 * token too ({@code self-service.max-requests-per-token}), checked before a code is hashed. Beyond either:
 * 429 with Retry-After. Refusals are audited (actor {@code http:<address>} before a token is known,
 * {@code api:<id>} after; a rate limit once per key and minute); never a token, code or PIN.
 *
 * <p>Pages are {@code no-store} under a Content-Security-Policy without scripts; the sign-in form carries a
 * double-submit CSRF token ({@code SameSite=Strict} cookie and form field). An unknown desk key gets the
 * same 404 page as any unknown path. Thread-safe.
 */
public final class SelfServiceServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SelfServiceServer.class);
    private static final Logger security = LoggerFactory.getLogger("hotdesk.security");

    static final String CSRF_COOKIE = "hd_desk_csrf";
    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
            + "base-uri 'none'";
    /** How long the success page's logout button works. */
    static final Duration SEAT_TOKEN_TTL = Duration.ofHours(12);
    private static final Pattern BEARER = Pattern.compile("Bearer ([^\\s]{1,200})");
    private static final Pattern OTP_BODY = Pattern.compile("\\s*\\{\\s*(?:\"extension\"\\s*:\\s*\"([^\"\\\\]{0,40})\"\\s*)?}\\s*");
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._:@+/-]");

    /** What the listener needs of the core. */
    public record Uses(ApiTokens tokens, SelfServiceCodes codes, DeskKeys deskKeys, LogIn logIn, LogOut logOut, Clock clock) {
    }

    /** One route as registered: {@code GET /api/v1/me}. */
    public record Route(String method, String path) {
    }

    private record Seat(String endpointId, Extension extension, Instant until) {
    }

    private final SelfServiceSettings settings;
    private final Uses uses;
    private final RateLimits perAddress;
    private final RateLimits perToken;
    private final String openapi;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Seat> seats = new ConcurrentHashMap<>();
    private final List<Route> routes = new ArrayList<>();
    private Javalin app;

    public SelfServiceServer(SelfServiceSettings settings, Uses uses) {
        this.settings = settings;
        this.uses = uses;
        this.perAddress = new RateLimits(settings.perAddressPerMinute(), uses.clock());
        this.perToken = new RateLimits(settings.perTokenPerMinute(), uses.clock());
        this.openapi = openapi();
    }

    /** The OpenAPI file served at {@code /api/v1/openapi.yaml}: the repository's {@code docs/openapi.yaml}. */
    public static String openapi() {
        try (InputStream in = SelfServiceServer.class.getResourceAsStream("/hotdesk/selfservice/openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("the self-service API's openapi.yaml is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Binds and starts listening; blocks until the listener is up. */
    public synchronized void start() {
        if (app != null) {
            throw new IllegalStateException("self-service listener already started");
        }
        log.info("self-service HTTP listener starting on {}:{} ({})", settings.bindAddress(), settings.port(),
                settings.tls() ? "TLS" : "plain HTTP, loopback only");
        routes.clear();
        Javalin created = Javalin.create(cfg -> {
            cfg.jetty.addConnector((server, http) -> HttpListeners.connector(server, http, settings.bindAddress(), settings.port(),
                    settings.tlsKeystore(), settings.tlsPassword()));
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = 8192L;
            cfg.routes.before(this::before);
            route(cfg, "GET", "/api/v1/openapi.yaml", ctx -> ctx.contentType("application/yaml; charset=utf-8").result(openapi));
            route(cfg, "GET", "/api/v1/me", this::me);
            route(cfg, "POST", "/api/v1/otp", this::otp);
            route(cfg, "GET", "/desk/{key}", this::deskPage);
            route(cfg, "POST", "/desk/{key}", this::deskSignIn);
            route(cfg, "POST", "/desk/{key}/logout", this::deskLogOut);
            cfg.routes.error(404, this::notFound);
            cfg.routes.error(405, this::notFound);
            cfg.routes.exception(hotdesk.core.usecase.LoginGate.Busy.class, (e, ctx) -> {
                // an overload, not a fault: nothing was done, and the caller may try again in a moment
                log.warn("self-service request {} {} turned away: {}", ctx.method(), shownPath(ctx), e.getMessage());
                ctx.header("Retry-After", "5");
                if (api(ctx)) {
                    error(ctx, 503, "busy", "too many logins at once; try again in a few seconds");
                } else {
                    page(ctx, 503, Pages.message("Busy", "Many people are logging in right now. Please try again in a few seconds."));
                }
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                log.error("self-service request {} {} failed", ctx.method(), shownPath(ctx), e);
                if (api(ctx)) {
                    error(ctx, 500, "server_error", "the request could not be served; see the server log");
                } else {
                    page(ctx, 500, Pages.message("Something went wrong", "Please try again later."));
                }
            });
        });
        try {
            created.start();
        } catch (RuntimeException e) {
            created.stop();
            throw new IllegalStateException("self-service HTTP listener cannot listen on " + settings.bindAddress() + ":"
                    + settings.port() + ": " + e.getMessage(), e);
        }
        app = created;
        log.info("self-service HTTP listener started on {}://{}:{}/api/v1", settings.tls() ? "https" : "http",
                settings.bindAddress(), created.port());
    }

    private void route(JavalinConfig cfg, String method, String path, Handler handler) {
        routes.add(new Route(method, path));
        if (method.equals("GET")) {
            cfg.routes.get(path, handler);
        } else {
            cfg.routes.post(path, handler);
        }
    }

    /** Every route registered, in order (the OpenAPI file must name exactly these). */
    public synchronized List<Route> routes() {
        return List.copyOf(routes);
    }

    /** The port listened on (the free one picked when configured 0). */
    public synchronized int port() {
        if (app == null) {
            throw new IllegalStateException("self-service listener not started");
        }
        return app.port();
    }

    @Override
    public synchronized void close() {
        if (app == null) {
            return;
        }
        log.info("self-service HTTP listener stopping");
        app.stop();
        app = null;
        seats.clear();
        log.info("self-service HTTP listener stopped");
    }

    // ---- every request

    private static String remote(Context ctx) {
        return ctx.req().getRemoteAddr();
    }

    private static boolean api(Context ctx) {
        return ctx.path().startsWith("/api/");
    }

    private void before(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        if (!api(ctx)) {
            ctx.header("Content-Security-Policy", CSP);
            ctx.header("X-Frame-Options", "DENY");
        }
        String address = remote(ctx);
        Optional<Duration> wait = perAddress.take(address);
        if (wait.isPresent()) {
            if (perAddress.firstRefusal(address)) {
                uses.codes().refusedRequest(api(ctx) ? "api.refused" : "web.refused", "http:" + address, "", "rate-limited-address", address);
                security.warn("self-service rate limit from {} reason=ADDRESS path={}", clean(address), shownPath(ctx));
            }
            tooMany(ctx, wait.get(), "too many requests from this address");
            ctx.skipRemainingHandlers();
        }
    }

    private void tooMany(Context ctx, Duration wait, String message) {
        ctx.header("Retry-After", Long.toString(wait.toSeconds()));
        if (api(ctx)) {
            error(ctx, 429, "rate_limited", message + "; retry after " + wait.toSeconds() + " s");
        } else {
            page(ctx, 429, Pages.message("Too many attempts", "Please try again later."));
        }
    }

    private void notFound(Context ctx) {
        if (api(ctx)) {
            error(ctx, 404, "not_found", "no such resource");
        } else {
            page(ctx, 404, Pages.notFound());
        }
    }

    // ---- API

    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '<' -> b.append("\\u003c");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static void error(Context ctx, int status, String code, String message) {
        ctx.status(status).contentType("application/json").result("{\"error\":" + json(code) + ",\"message\":" + json(message) + "}");
    }

    /** The token of the request, or an answer given (401, 429) and empty. */
    private Optional<ApiToken> caller(Context ctx) {
        String address = remote(ctx);
        String header = ctx.header("Authorization");
        Matcher m = header == null ? null : BEARER.matcher(header.strip());
        Optional<ApiToken> token = m != null && m.matches() && ApiTokens.wellFormed(m.group(1))
                ? uses.tokens().authenticate(m.group(1)) : Optional.empty();
        if (token.isEmpty()) {
            uses.codes().refusedRequest("api.refused", "http:" + address, "", "unauthorized", address);
            security.warn("self-service token refused from {} path={}", clean(address), shownPath(ctx));
            ctx.header("WWW-Authenticate", "Bearer realm=\"hotdesk\"");
            error(ctx, 401, "unauthorized", "a valid API token is needed: Authorization: Bearer <token>");
            return Optional.empty();
        }
        String key = "token:" + token.get().id();
        Optional<Duration> wait = perToken.take(key);
        if (wait.isPresent()) {
            if (perToken.firstRefusal(key)) {
                uses.codes().refusedRequest("api.refused", token.get().actor(), "", "rate-limited-token", address);
            }
            tooMany(ctx, wait.get(), "too many requests with this token");
            return Optional.empty();
        }
        return token;
    }

    private void me(Context ctx) {
        Optional<ApiToken> t = caller(ctx);
        if (t.isEmpty()) {
            return;
        }
        ApiToken token = t.get();
        String who = token.scope() == ApiToken.Scope.USER ? "\"extension\":" + json(token.subject()) : "\"name\":" + json(token.subject());
        ctx.contentType("application/json").result("{\"tokenId\":" + token.id() + ",\"scope\":" + json(token.scope().label()) + ","
                + who + "}");
    }

    private void otp(Context ctx) {
        Optional<ApiToken> t = caller(ctx);
        if (t.isEmpty()) {
            return;
        }
        String body = ctx.body();
        Optional<String> asked;
        if (body.isBlank()) {
            asked = Optional.empty();
        } else {
            Matcher m = OTP_BODY.matcher(body);
            if (!m.matches()) {
                uses.codes().refusedRequest("api.refused", t.get().actor(), "", "bad-body", remote(ctx));
                error(ctx, 400, "bad_request", "the body is empty or {\"extension\":\"<digits>\"}");
                return;
            }
            asked = Optional.ofNullable(m.group(1));
        }
        SelfServiceCodes.Result r = uses.codes().issue(t.get(), asked, remote(ctx));
        if (r instanceof SelfServiceCodes.Issued issued) {
            ctx.status(201).contentType("application/json").result("{\"extension\":" + json(issued.extension().value())
                    + ",\"code\":" + json(issued.code()) + ",\"expiresAt\":" + json(issued.expiresAt().toString()) + "}");
            return;
        }
        switch (((SelfServiceCodes.Refused) r).refusal()) {
            case BAD_REQUEST -> error(ctx, 400, "bad_request", "an integration token must name the user: {\"extension\":\"<digits>\"}");
            case OTHER_USER -> error(ctx, 403, "other_user", "a user token obtains codes for its own user only");
            case NOT_ALLOWED -> error(ctx, 403, "not_allowed",
                    "no code can be issued for this extension (no such user, hot-desking off or account disabled)");
        }
    }

    // ---- the desk page

    private void page(Context ctx, int status, String html) {
        ctx.status(status).contentType("text/html; charset=utf-8").result(html);
    }

    private String randomToken() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private String freshCsrf(Context ctx, String key) {
        String csrf = randomToken();
        ctx.res().addHeader("Set-Cookie", CSRF_COOKIE + "=" + csrf + "; Path=/desk/" + key + "; Max-Age=3600; HttpOnly; "
                + "SameSite=Strict" + (settings.tls() ? "; Secure" : ""));
        return csrf;
    }

    private boolean csrfMatches(Context ctx) {
        String expected = ctx.cookie(CSRF_COOKIE);
        String given = ctx.formParam("csrf");
        return expected != null && given != null && !expected.isEmpty()
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private Optional<DeskKeys.Desk> desk(Context ctx) {
        Optional<DeskKeys.Desk> desk = uses.deskKeys().desk(ctx.pathParam("key"));
        if (desk.isEmpty()) {
            notFound(ctx);
        }
        return desk;
    }

    private void deskPage(Context ctx) {
        Optional<DeskKeys.Desk> desk = desk(ctx);
        if (desk.isEmpty()) {
            return;
        }
        String key = ctx.pathParam("key");
        page(ctx, 200, Pages.signIn(desk.get().label(), key, freshCsrf(ctx, key), ""));
    }

    private void deskSignIn(Context ctx) {
        Optional<DeskKeys.Desk> desk = desk(ctx);
        if (desk.isEmpty()) {
            return;
        }
        String key = ctx.pathParam("key");
        String label = desk.get().label();
        String endpoint = desk.get().line().endpointId();
        String address = remote(ctx);
        if (!csrfMatches(ctx)) {
            uses.codes().refusedRequest("web.refused", "web:" + address, endpoint, "csrf", address);
            page(ctx, 403, Pages.signIn(label, key, freshCsrf(ctx, key), "The form had expired: please try again."));
            return;
        }
        String ext = Optional.ofNullable(ctx.formParam("extension")).orElse("").strip();
        String pin = Optional.ofNullable(ctx.formParam("pin")).orElse("");
        if (!Extension.isValid(ext) || pin.isEmpty() || pin.length() > 20) {
            // nothing a PIN login could accept: the same answer as a wrong PIN, without counting a failure
            page(ctx, 401, Pages.signIn(label, key, freshCsrf(ctx, key), Pages.BAD_CREDENTIALS));
            return;
        }
        Extension extension = Extension.of(ext);
        LogIn.Result r = uses.logIn().execute(endpoint, new LogIn.Pin(extension, pin), "web:" + address);
        if (r instanceof LogIn.LoggedIn in) {
            String seat = randomToken();
            Instant now = uses.clock().instant();
            seats.values().removeIf(s -> s.until().isBefore(now));
            seats.put(seat, new Seat(endpoint, extension, now.plus(SEAT_TOKEN_TTL)));
            page(ctx, 200, Pages.signedIn(label, in.user().name(), key, freshCsrf(ctx, key), seat));
            return;
        }
        LogIn.Rejected rejected = (LogIn.Rejected) r;
        security.warn("login failed from {} reason={} via=web ext={} desk={}", clean(address), rejected.reason(), clean(ext), endpoint);
        rejected.alerts().forEach(a -> security.warn("login alert ext={} via={} failures={} locked={} from {} desk={}",
                a.extension().value(), a.via().name().toLowerCase(java.util.Locale.ROOT), a.failures(), a.locked() ? "yes" : "no",
                clean(address), endpoint));
        switch (rejected.reason()) {
            case BAD_CREDENTIALS -> page(ctx, 401, Pages.signIn(label, key, freshCsrf(ctx, key), Pages.BAD_CREDENTIALS));
            case LOCKED -> page(ctx, 429, Pages.signIn(label, key, freshCsrf(ctx, key), Pages.LOCKED));
            case ALREADY_SEATED -> page(ctx, 409, Pages.signIn(label, key, freshCsrf(ctx, key), Pages.ALREADY_SEATED));
            case NOT_A_DESK, DESK_DISABLED -> page(ctx, 409, Pages.message(label, Pages.NOT_AVAILABLE));
        }
    }

    private void deskLogOut(Context ctx) {
        Optional<DeskKeys.Desk> desk = desk(ctx);
        if (desk.isEmpty()) {
            return;
        }
        String label = desk.get().label();
        String key = ctx.pathParam("key");
        String address = remote(ctx);
        Seat seat = seats.get(Optional.ofNullable(ctx.formParam("seat")).orElse(""));
        if (!csrfMatches(ctx) || seat == null || !seat.endpointId().equals(desk.get().line().endpointId())
                || seat.until().isBefore(uses.clock().instant())) {
            uses.codes().refusedRequest("web.refused", "web:" + address, desk.get().line().endpointId(), "stale-logout", address);
            page(ctx, 403, Pages.signIn(label, key, freshCsrf(ctx, key), "That logout button has expired: the desk was not changed."));
            return;
        }
        seats.remove(ctx.formParam("seat"));
        LogOut.Result r = uses.logOut().userAtDesk(seat.endpointId(), seat.extension(), "web:" + address);
        page(ctx, 200, Pages.message(label, r instanceof LogOut.LoggedOut ? "You are logged out of this desk."
                : "You were no longer logged in at this desk."));
    }

    /** The request's path for a log line, a desk key replaced: a sticker's key is not written to logs. */
    static String shownPath(Context ctx) {
        return clean(ctx.path().replaceFirst("^/desk/[^/]*", "/desk/KEY"));
    }

    private static String clean(String value) {
        String v = UNSAFE.matcher(value == null ? "" : value).replaceAll("?");
        return v.length() > 64 ? v.substring(0, 64) + "…" : v;
    }
}
