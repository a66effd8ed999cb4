package hotdesk.selfservice;

import hotdesk.core.model.ApiToken;
import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Occupancy;
import hotdesk.core.usecase.ApiTokens;
import hotdesk.core.usecase.DeskKeys;
import hotdesk.core.usecase.LogIn;
import hotdesk.core.usecase.ManageUsers;
import hotdesk.core.usecase.SelfServiceCodes;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import hotdesk.testing.LogCapture;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The self-service listener on loopback, on a real H2 ledger file, with the core's use cases. */
class SelfServiceServerTest {

    static final String MAC = "00:15:65:00:00:01";
    static final String DESK = TestWorld.desk(MAC);
    static final String PIN = "3865";

    @TempDir
    Path dir;

    private Database database;
    private TestWorld world;
    private ApiTokens tokens;
    private DeskKeys deskKeys;
    private SelfServiceServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String alice;
    private ApiToken aliceToken;
    private String intranet;
    private String deskKey;
    private int starts;

    @BeforeEach
    void start() {
        startWith(10, 60);
    }

    private void startWith(int perToken, int perAddress) {
        database = Database.open(DatabaseSettings.h2(dir.resolve("ledger" + (++starts))));
        world = new TestWorld(database.ledger()).user("101", "Alice Example", PIN).user("102", "Bob Builder", "5197").device(MAC);
        tokens = new ApiTokens(world.ledger, new SecureRandom(), world.clock);
        deskKeys = new DeskKeys(world.ledger, new SecureRandom(), world.clock);
        ApiTokens.Created a = (ApiTokens.Created) tokens.createForUser("101", "test");
        alice = a.secret();
        aliceToken = a.token();
        intranet = ((ApiTokens.Created) tokens.createForIntegration("intranet", "test")).secret();
        deskKey = ((DeskKeys.Issued) deskKeys.issue(MAC, 1, false, "test")).key();
        server = new SelfServiceServer(new SelfServiceSettings("127.0.0.1", 0, Optional.empty(), "", perToken, perAddress),
                new SelfServiceServer.Uses(tokens, new SelfServiceCodes(world.issueOtp, world.ledger, world.clock), deskKeys,
                        world.logIn, world.logOut, world.clock));
        server.start();
    }

    private void restartWith(int perToken, int perAddress) {
        stop();
        startWith(perToken, perAddress);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (database != null) {
            database.close();
        }
        server = null;
        database = null;
    }

    // ---- helpers

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> post(String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    private HttpResponse<String> get(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private List<AuditEntry> audit() {
        return world.ledger.read(tx -> tx.auditTail(1000));
    }

    private Optional<Occupancy> seated() {
        return world.ledger.read(tx -> tx.occupancyOfLine(DESK));
    }

    /** A desk page's form: its CSRF cookie and field. */
    private record Form(String cookie, String csrf) {
    }

    private Form openPage() {
        HttpResponse<String> page = get("/desk/" + deskKey, null);
        assertThat(page.statusCode()).isEqualTo(200);
        String setCookie = page.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/desk/" + deskKey);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(m.find()).isTrue();
        return new Form(cookie, m.group(1));
    }

    private HttpResponse<String> submit(String path, Form form, Map<String, String> fields) {
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/x-www-form-urlencoded");
        if (form != null) {
            b.header("Cookie", form.cookie());
        }
        return send(b);
    }

    private HttpResponse<String> signIn(String ext, String pin) {
        Form form = openPage();
        return submit("/desk/" + deskKey, form, Map.of("csrf", form.csrf(), "extension", ext, "pin", pin));
    }

    /** A page without its per-response CSRF value, to compare two answers. */
    private static String withoutCsrf(String html) {
        return html.replaceAll("name=\"csrf\" value=\"[^\"]+\"", "name=\"csrf\" value=\"…\"");
    }

    // ---- API: codes

    @Test
    void a_user_token_gets_its_users_code_with_201_and_the_code_seats_the_user_once() {
        HttpResponse<String> r = post("/api/v1/otp", alice, "");

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(field(r.body(), "extension")).isEqualTo("101");
        String code = field(r.body(), "code");
        assertThat(code).matches("\\d{6}");
        assertThat(field(r.body(), "expiresAt")).isEqualTo(world.clock.instant().plus(Duration.ofMinutes(2)).toString());
        assertThat(world.logIn.execute(DESK, new LogIn.OneTimeCode(code), "test")).isInstanceOf(LogIn.LoggedIn.class);
        assertThat(world.logIn.execute(DESK, new LogIn.OneTimeCode(code), "test"))
                .isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));
        assertThat(audit()).anySatisfy(a -> {
            assertThat(a.action()).isEqualTo("otp.issue");
            assertThat(a.actor()).isEqualTo("api:" + aliceToken.id());
        });
        assertThat(audit()).noneMatch(a -> (a.detail() + a.subject() + a.actor()).contains(code) || a.detail().contains(alice));
    }

    @Test
    void a_user_token_may_name_itself_but_another_extension_is_403_other_user_whether_it_exists_or_not() {
        HttpResponse<String> self = post("/api/v1/otp", alice, "{\"extension\":\"101\"}");
        HttpResponse<String> bob = post("/api/v1/otp", alice, "{\"extension\":\"102\"}");
        HttpResponse<String> ghost = post("/api/v1/otp", alice, "{\"extension\":\"199\"}");

        assertThat(self.statusCode()).isEqualTo(201);
        assertThat(bob.statusCode()).isEqualTo(403);
        assertThat(field(bob.body(), "error")).isEqualTo("other_user");
        assertThat(ghost.body()).isEqualTo(bob.body());
        assertThat(ghost.statusCode()).isEqualTo(403);
    }

    @Test
    void an_integration_token_picks_the_user_by_extension_and_must_name_one() {
        HttpResponse<String> bob = post("/api/v1/otp", intranet, "{ \"extension\" : \"102\" }");
        HttpResponse<String> none = post("/api/v1/otp", intranet, "");
        HttpResponse<String> bad = post("/api/v1/otp", intranet, "{\"extension\":\"1x\"}");

        assertThat(bob.statusCode()).isEqualTo(201);
        assertThat(field(bob.body(), "extension")).isEqualTo("102");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(field(none.body(), "error")).isEqualTo("bad_request");
        assertThat(bad.statusCode()).isEqualTo(400);
    }

    @Test
    void unknown_extension_user_without_rights_and_disabled_user_get_the_same_403_not_allowed() {
        world.users.set("102", new ManageUsers.UserChanges(null, null, null, false, null, null), "test");
        world.user("103", "Carl", "7261");
        world.users.set("103", new ManageUsers.UserChanges(null, null, null, null, false, null), "test");

        HttpResponse<String> unknown = post("/api/v1/otp", intranet, "{\"extension\":\"199\"}");
        HttpResponse<String> noRights = post("/api/v1/otp", intranet, "{\"extension\":\"102\"}");
        HttpResponse<String> disabled = post("/api/v1/otp", intranet, "{\"extension\":\"103\"}");

        assertThat(unknown.statusCode()).isEqualTo(403);
        assertThat(field(unknown.body(), "error")).isEqualTo("not_allowed");
        assertThat(noRights.statusCode()).isEqualTo(403);
        assertThat(noRights.body()).isEqualTo(unknown.body());
        assertThat(disabled.statusCode()).isEqualTo(403);
        assertThat(disabled.body()).isEqualTo(unknown.body());
        assertThat(audit()).filteredOn(a -> a.action().equals("api.otp.refused")).extracting(AuditEntry::detail)
                .anyMatch(d -> d.contains("reason=unknown-user")).anyMatch(d -> d.contains("reason=not-allowed"));
    }

    @Test
    void a_disabled_users_own_token_gets_403_not_allowed() {
        world.users.set("101", new ManageUsers.UserChanges(null, null, null, null, false, null), "test");

        HttpResponse<String> r = post("/api/v1/otp", alice, "");

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(field(r.body(), "error")).isEqualTo("not_allowed");
    }

    @Test
    void a_body_that_is_not_the_documented_object_is_400_bad_request() {
        for (String body : List.of("{\"extension\":101}", "[]", "{\"extension\":\"101\",\"x\":1}", "extension=101", "{")) {
            HttpResponse<String> r = post("/api/v1/otp", alice, body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(field(r.body(), "error")).isEqualTo("bad_request");
        }
    }

    // ---- API: authentication

    @Test
    void missing_malformed_unknown_and_revoked_tokens_get_one_identical_401_and_are_audited_without_the_token() {
        tokens.revoke(aliceToken.id(), ApiToken.Scope.USER, Optional.of("101"), "test");

        HttpResponse<String> missing = post("/api/v1/otp", null, "");
        HttpResponse<String> malformed = post("/api/v1/otp", "not-a-token", "");
        HttpResponse<String> unknown = post("/api/v1/otp", "hdt_" + "Q".repeat(43), "");
        HttpResponse<String> revoked = post("/api/v1/otp", alice, "");
        HttpResponse<String> basic = send(HttpRequest.newBuilder(uri("/api/v1/me")).header("Authorization", "Basic YTpi").GET());

        for (HttpResponse<String> r : List.of(missing, malformed, unknown, revoked, basic)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).isEqualTo(missing.body());
            assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"hotdesk\"");
        }
        assertThat(field(missing.body(), "error")).isEqualTo("unauthorized");
        assertThat(field(missing.body(), "message")).isNotBlank();
        assertThat(audit()).filteredOn(a -> a.action().equals("api.refused") && a.detail().contains("reason=unauthorized"))
                .hasSize(5).allSatisfy(a -> assertThat(a.actor()).isEqualTo("http:127.0.0.1"));
        assertThat(audit()).noneMatch(a -> (a.detail() + a.subject()).contains(alice));
        List<hotdesk.core.model.OtpRecord> live = world.ledger.read(tx -> tx.liveOtps(world.clock.instant()));
        assertThat(live).isEmpty();
    }

    @Test
    void me_says_whom_the_token_acts_for() {
        HttpResponse<String> user = get("/api/v1/me", alice);
        HttpResponse<String> admin = get("/api/v1/me", intranet);
        HttpResponse<String> none = get("/api/v1/me", null);

        assertThat(user.statusCode()).isEqualTo(200);
        assertThat(user.body()).isEqualTo("{\"tokenId\":" + aliceToken.id() + ",\"scope\":\"user\",\"extension\":\"101\"}");
        assertThat(field(admin.body(), "scope")).isEqualTo("admin");
        assertThat(field(admin.body(), "name")).isEqualTo("intranet");
        assertThat(none.statusCode()).isEqualTo(401);
    }

    // ---- API: rate limits

    @Test
    void a_token_beyond_its_requests_per_minute_gets_429_with_retry_after_and_is_audited_once() {
        restartWith(2, 100);

        HttpResponse<String> one = post("/api/v1/otp", alice, "");
        HttpResponse<String> two = get("/api/v1/me", alice);
        HttpResponse<String> three = post("/api/v1/otp", alice, "");
        HttpResponse<String> four = post("/api/v1/otp", alice, "");
        HttpResponse<String> other = post("/api/v1/otp", intranet, "{\"extension\":\"102\"}");

        assertThat(one.statusCode()).isEqualTo(201);
        assertThat(two.statusCode()).isEqualTo(200);
        assertThat(three.statusCode()).isEqualTo(429);
        assertThat(field(three.body(), "error")).isEqualTo("rate_limited");
        long retry = Long.parseLong(three.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retry).isBetween(1L, 60L);
        assertThat(four.statusCode()).isEqualTo(429);
        assertThat(other.statusCode()).as("another token has its own count").isEqualTo(201);
        assertThat(audit()).filteredOn(a -> a.detail().contains("reason=rate-limited-token")).singleElement()
                .satisfies(a -> assertThat(a.actor()).isEqualTo("api:" + aliceToken.id()));
        assertThat(audit()).filteredOn(a -> a.action().equals("otp.issue") && a.actor().equals("api:" + aliceToken.id())).hasSize(1);

        world.clock.advance(Duration.ofSeconds(retry));
        assertThat(post("/api/v1/otp", alice, "").statusCode()).isEqualTo(201);
    }

    @Test
    void a_desk_page_beyond_the_address_limit_is_429_and_the_security_log_does_not_name_the_key() {
        restartWith(100, 1);
        try (LogCapture security = LogCapture.of("hotdesk.security")) {
            assertThat(get("/desk/" + deskKey, null).statusCode()).isEqualTo(200);

            HttpResponse<String> second = get("/desk/" + deskKey, null);

            assertThat(second.statusCode()).isEqualTo(429);
            assertThat(second.body()).contains("Too many attempts");
            assertThat(security.lines()).anySatisfy(l -> assertThat(l).contains("reason=ADDRESS path=/desk/KEY"));
            assertThat(security.everything()).doesNotContain(deskKey);
        }
    }

    @Test
    void an_address_beyond_its_requests_per_minute_gets_429_before_any_token_is_looked_at() {
        restartWith(100, 3);

        for (int i = 0; i < 3; i++) {
            assertThat(post("/api/v1/otp", "hdt_" + "Q".repeat(43), "").statusCode()).isEqualTo(401);
        }
        HttpResponse<String> valid = post("/api/v1/otp", alice, "");
        HttpResponse<String> page = get("/desk/" + deskKey, null);

        assertThat(valid.statusCode()).isEqualTo(429);
        assertThat(valid.headers().firstValue("Retry-After")).isPresent();
        assertThat(field(valid.body(), "error")).isEqualTo("rate_limited");
        assertThat(page.statusCode()).isEqualTo(429);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(audit()).filteredOn(a -> a.detail().contains("reason=unauthorized")).hasSize(3);
        assertThat(audit()).filteredOn(a -> a.detail().contains("reason=rate-limited-address")).hasSize(1);
        assertThat(tokens.list(ApiToken.Scope.USER, Optional.of("101")).get(0).lastUsed()).as("the token was never looked up").isEmpty();
    }

    // ---- OpenAPI and unknown paths

    @Test
    void the_openapi_file_of_the_repository_is_served() throws IOException {
        HttpResponse<String> r = get("/api/v1/openapi.yaml", null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(Files.readString(Path.of("docs/openapi.yaml")));
    }

    @Test
    void unknown_api_paths_are_json_404_and_unknown_pages_and_desk_keys_one_identical_404_page() {
        HttpResponse<String> api = get("/api/v1/nothing", alice);
        HttpResponse<String> page = get("/nothing-here", null);
        HttpResponse<String> wrongKey = get("/desk/" + "A".repeat(22), null);
        HttpResponse<String> malformedKey = get("/desk/short", null);
        Form form = openPage();
        HttpResponse<String> postWrongKey = submit("/desk/" + "A".repeat(22), form, Map.of("csrf", form.csrf(), "extension", "101",
                "pin", PIN));

        assertThat(api.statusCode()).isEqualTo(404);
        assertThat(field(api.body(), "error")).isEqualTo("not_found");
        assertThat(page.statusCode()).isEqualTo(404);
        for (HttpResponse<String> r : List.of(wrongKey, malformedKey, postWrongKey)) {
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).isEqualTo(page.body());
        }
        assertThat(seated()).isEmpty();
    }

    // ---- the desk page

    @Test
    void the_desk_page_is_a_no_script_form_with_a_strict_csrf_cookie() {
        HttpResponse<String> page = get("/desk/" + deskKey, null);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("name=\"extension\"").contains("name=\"pin\"").contains("type=\"password\"")
                .contains("name=\"viewport\"").doesNotContain("<script");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(c -> assertThat(c)
                .contains("default-src 'none'").doesNotContain("script-src"));
        assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
    }

    @Test
    void extension_and_pin_on_the_page_seat_the_user_through_login_and_the_logout_button_frees_the_desk() {
        HttpResponse<String> r = signIn("101", PIN);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("This desk is yours, Alice Example");
        assertThat(seated()).map(Occupancy::extension).contains(Extension.of("101"));
        assertThat(audit()).anySatisfy(a -> {
            assertThat(a.action()).isEqualTo("login");
            assertThat(a.actor()).isEqualTo("web:127.0.0.1");
        });
        assertThat(audit()).noneMatch(a -> (a.detail() + a.subject()).contains(PIN));

        Matcher seat = Pattern.compile("name=\"seat\" value=\"([^\"]+)\"").matcher(r.body());
        Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(r.body());
        assertThat(seat.find()).isTrue();
        assertThat(csrf.find()).isTrue();
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        Form form = new Form(setCookie.substring(0, setCookie.indexOf(';')), csrf.group(1));
        HttpResponse<String> forged = submit("/desk/" + deskKey + "/logout", form, Map.of("csrf", form.csrf(), "seat", "guess"));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(seated()).isPresent();
        HttpResponse<String> out = submit("/desk/" + deskKey + "/logout", form, Map.of("csrf", form.csrf(), "seat", seat.group(1)));
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.body()).contains("You are logged out of this desk.");
        assertThat(seated()).isEmpty();
    }

    @Test
    void wrong_pin_unknown_extension_and_a_user_without_rights_get_the_phones_one_answer() {
        world.users.set("102", new ManageUsers.UserChanges(null, null, null, false, null, null), "test");

        HttpResponse<String> wrongPin = signIn("101", "0000");
        HttpResponse<String> unknown = signIn("199", "0000");
        HttpResponse<String> noRights = signIn("102", "5197");
        HttpResponse<String> garbage = signIn("abc", "0000");

        for (HttpResponse<String> r : List.of(wrongPin, unknown, noRights, garbage)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(withoutCsrf(r.body())).isEqualTo(withoutCsrf(wrongPin.body()));
        }
        assertThat(wrongPin.body()).contains(Pages.BAD_CREDENTIALS);
        assertThat(seated()).isEmpty();
        assertThat(audit()).filteredOn(a -> a.action().equals("login.rejected")).hasSize(3);
    }

    @Test
    void a_disabled_user_gets_the_same_answer_as_a_wrong_pin() {
        world.users.set("101", new ManageUsers.UserChanges(null, null, null, null, false, null), "test");

        HttpResponse<String> r = signIn("101", PIN);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains(Pages.BAD_CREDENTIALS);
        assertThat(seated()).isEmpty();
    }

    @Test
    void wrong_pins_on_the_page_reach_the_dial_codes_lockout_and_then_even_the_right_pin_is_refused() {
        for (int i = 0; i < 5; i++) {
            assertThat(signIn("101", "0000").statusCode()).isEqualTo(401);
        }

        HttpResponse<String> locked = signIn("101", PIN);
        LogIn.Result byPhone = world.logIn.execute(DESK, new LogIn.Pin(Extension.of("101"), PIN), "agi:test");

        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.body()).contains(Pages.LOCKED);
        assertThat(byPhone).isEqualTo(new LogIn.Rejected(LogIn.Reason.LOCKED));
        assertThat(seated()).isEmpty();
    }

    @Test
    void a_post_without_the_csrf_cookie_or_field_is_403_and_neither_seats_nor_counts_a_failure() {
        Form form = openPage();
        HttpResponse<String> noCookie = submit("/desk/" + deskKey, null, Map.of("csrf", form.csrf(), "extension", "101", "pin", PIN));
        HttpResponse<String> noField = submit("/desk/" + deskKey, form, Map.of("extension", "101", "pin", PIN));
        HttpResponse<String> wrongField = submit("/desk/" + deskKey, form, Map.of("csrf", form.csrf() + "x", "extension", "101",
                "pin", PIN));

        for (HttpResponse<String> r : List.of(noCookie, noField, wrongField)) {
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("The form had expired");
        }
        assertThat(seated()).isEmpty();
        assertThat(audit()).filteredOn(a -> a.action().equals("web.refused")).hasSize(3)
                .allSatisfy(a -> assertThat(a.detail()).contains("reason=csrf"));
        assertThat(audit()).noneMatch(a -> a.action().startsWith("login"));
        int failures = world.ledger.read(tx -> tx.failuresSince(LogIn.deskKey(DESK), world.clock.instant().minusSeconds(60)));
        assertThat(failures).isZero();
    }

    @Test
    void a_revoked_or_rotated_sticker_key_is_404_like_any_unknown_path() {
        HttpResponse<String> unknownPage = get("/nothing-here", null);
        String rotated = ((DeskKeys.Issued) deskKeys.issue(MAC, 1, true, "test")).key();

        HttpResponse<String> old = get("/desk/" + deskKey, null);
        deskKeys.revoke(MAC, 1, "test");
        HttpResponse<String> revoked = get("/desk/" + rotated, null);

        assertThat(old.statusCode()).isEqualTo(404);
        assertThat(old.body()).isEqualTo(unknownPage.body());
        assertThat(revoked.statusCode()).isEqualTo(404);
        assertThat(revoked.body()).isEqualTo(unknownPage.body());
    }

    @Test
    void over_tls_the_api_answers_the_page_cookie_is_secure_and_plain_http_gets_no_answer() throws Exception {
        hotdesk.testing.TestKeystore store = hotdesk.testing.TestKeystore.create(dir.resolve("self.p12"), "self-store-pass");
        server.close();
        server = new SelfServiceServer(new SelfServiceSettings("127.0.0.1", 0, Optional.of(store.file()), store.password(), 10, 60),
                new SelfServiceServer.Uses(tokens, new SelfServiceCodes(world.issueOtp, world.ledger, world.clock), deskKeys,
                        world.logIn, world.logOut, world.clock));
        server.start();
        HttpClient https = HttpClient.newBuilder().sslContext(store.trusting()).connectTimeout(Duration.ofSeconds(5)).build();
        String base = "https://127.0.0.1:" + server.port();

        HttpResponse<String> me = https.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/me"))
                .header("Authorization", "Bearer " + alice).GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> page = https.send(HttpRequest.newBuilder(URI.create(base + "/desk/" + deskKey)).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).contains("; Secure"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> get("/api/v1/me", alice)).isInstanceOf(RuntimeException.class);
    }

    @Test
    void a_listener_on_a_non_loopback_address_without_tls_is_refused_naming_the_key() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SelfServiceSettings("0.0.0.0", 8443, Optional.empty(), "", 10, 60))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("self-service.tls-keystore");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SelfServiceSettings("127.0.0.1", 8443,
                Optional.of(dir.resolve("missing.p12")), "x", 10, 60)).hasMessageContaining("self-service.tls-keystore");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SelfServiceSettings("127.0.0.1", 8443, Optional.empty(), "", 0, 60))
                .hasMessageContaining("self-service.max-requests-per-token");
    }

    @Test
    void a_page_login_turned_away_by_a_full_gate_gets_503_with_retry_after_and_changes_nothing() {
        hotdesk.core.usecase.LoginGate gate = new hotdesk.core.usecase.LoginGate(1, Duration.ofMillis(20));
        server.close();
        server = new SelfServiceServer(new SelfServiceSettings("127.0.0.1", 0, Optional.empty(), "", 10, 60),
                new SelfServiceServer.Uses(tokens, new SelfServiceCodes(world.issueOtp, world.ledger, world.clock), deskKeys,
                        new LogIn(world.ledger, world.hasher, world.seating, world.reconcile, world.clock,
                                hotdesk.core.port.DeskEvents.none(), hotdesk.core.port.Telemetry.none(), gate),
                        world.logOut, world.clock));
        server.start();
        HttpResponse<String> busy;
        try (LogCapture logs = LogCapture.of(LogCapture.EVERYTHING); hotdesk.core.usecase.LoginGate.Entry full = gate.enter()) {
            busy = signIn("101", PIN);
            assertThat(logs.events()).noneSatisfy(e -> assertThat(e.getLevel().toString()).isEqualTo("ERROR"));
        }

        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(busy.headers().firstValue("Retry-After")).contains("5");
        assertThat(busy.body()).contains("try again in a few seconds");
        Optional<hotdesk.core.model.Occupancy> seated = world.ledger.read(tx -> tx.occupancyOfLine(hotdesk.core.model.Mac.parse(MAC).endpointId()));
        assertThat(seated).isEmpty();
        assertThat(signIn("101", PIN).statusCode()).isEqualTo(200); // the turn given back
    }

    @Test
    void failed_page_logins_go_to_the_security_log_without_the_pin() {
        try (LogCapture security = LogCapture.of("hotdesk.security")) {
            signIn("101", "0913");

            assertThat(security.lines()).anySatisfy(l -> assertThat(l).contains("login failed from 127.0.0.1 reason=BAD_CREDENTIALS via=web ext=101 desk=" + DESK));
            assertThat(security.everything()).doesNotContain("0913");
        }
    }
}
