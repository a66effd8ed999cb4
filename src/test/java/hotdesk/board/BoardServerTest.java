package hotdesk.board;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Device;
import hotdesk.core.model.Mac;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The admin HTTP listener over real loopback HTTP on a real H2 ledger: sign-in, roles, the board, live events, usage. */
class BoardServerTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private BoardWorld world;
    private BoardServer board;
    private final List<BoardClient.Events> streams = new ArrayList<>();

    @BeforeEach
    void start() {
        world = new BoardWorld(dir);
        board = world.start(BoardWorld.plain());
    }

    @AfterEach
    void stop() {
        streams.forEach(BoardClient.Events::close);
        if (board != null) {
            board.close();
        }
        world.close();
    }

    private BoardClient client() {
        return new BoardClient("http://127.0.0.1:" + board.port());
    }

    private BoardClient signedIn(String name, String password) {
        BoardClient c = client();
        HttpResponse<String> r = c.signIn(name, password);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        return c;
    }

    @Test
    void signed_out_requests_are_refused_pages_go_to_sign_in_and_the_rest_answer_401() {
        BoardClient c = client();

        assertThat(c.get("/board").statusCode()).isEqualTo(303);
        assertThat(c.get("/board").headers().firstValue("location")).contains("/signin");
        assertThat(c.get("/board?site=HQ").statusCode()).isEqualTo(303);
        assertThat(c.get("/board/usage").statusCode()).isEqualTo(303);
        assertThat(c.get("/board/tiles").statusCode()).isEqualTo(401);
        BoardClient.Events events = c.events("/board/events");
        streams.add(events);
        assertThat(events.status()).isEqualTo(401);
        assertThat(c.post("/board/desks/" + BoardWorld.DESK + "/logout", Map.of(), Map.of("X-CSRF-Token", "x")).statusCode())
                .isEqualTo(401);
        assertThat(c.post("/signout", Map.of("csrf", "x"), Map.of()).statusCode()).isEqualTo(401);
        // a made-up session cookie is no session
        c.cookies.put(BoardServer.SESSION_COOKIE, "made-up-token");
        assertThat(c.get("/board").statusCode()).isEqualTo(303);
        assertThat(c.get("/board/tiles").statusCode()).isEqualTo(401);
    }

    @Test
    void signing_in_sets_an_http_only_same_site_strict_session_cookie_not_secure_on_plain_http() {
        BoardClient c = signedIn("anna", BoardWorld.ADMIN_PASSWORD);

        String session = c.setCookies.stream().filter(h -> h.startsWith(BoardServer.SESSION_COOKIE + "=")).findFirst().orElseThrow();
        assertThat(session).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/").doesNotContain("Secure");
        HttpResponse<String> page = c.get("/board");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-security-policy")).contains(BoardServer.CSP);
        assertThat(page.headers().firstValue("cache-control")).contains("no-store");
        assertThat(page.body()).contains("anna (admin)").contains("Desk B1");
        assertThat(world.audit()).anySatisfy(a -> {
            assertThat(a.action()).isEqualTo("admin.signin");
            assertThat(a.subject()).isEqualTo("anna");
        });
    }

    @Test
    void a_wrong_password_an_unknown_name_and_a_form_without_its_token_are_refused() {
        BoardClient c = client();

        HttpResponse<String> wrong = c.signIn("anna", "not the password");
        HttpResponse<String> unknown = c.signIn("nobody", "not the password");
        HttpResponse<String> noToken = c.post("/signin", Map.of("name", "anna", "password", BoardWorld.ADMIN_PASSWORD), Map.of());

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("Wrong name or password.");
        assertThat(unknown.body()).contains("Wrong name or password.");
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(c.cookies).doesNotContainKey(BoardServer.SESSION_COOKIE);
        assertThat(world.audit()).filteredOn(a -> a.action().equals("admin.signin.rejected")).extracting(AuditEntry::subject)
                .containsExactly("anna", "nobody");
    }

    @Test
    void five_failed_sign_ins_lock_the_name_even_for_the_right_password() {
        BoardClient c = client();
        for (int i = 0; i < 5; i++) {
            assertThat(c.signIn("anna", "wrong " + i).statusCode()).isEqualTo(401);
        }

        HttpResponse<String> right = c.signIn("anna", BoardWorld.ADMIN_PASSWORD);

        assertThat(right.statusCode()).isEqualTo(429);
        assertThat(right.body()).contains("Too many failed sign-ins");
        assertThat(c.cookies).doesNotContainKey(BoardServer.SESSION_COOKIE);
        // another name is not locked by them
        assertThat(client().signIn("victor", BoardWorld.VIEWER_PASSWORD).statusCode()).isEqualTo(303);
    }

    @Test
    void an_account_whose_password_hash_was_changed_outside_hotdesk_is_refused_unlocked_and_the_audit_says_how_to_mend_it() {
        assertThat(hotdesk.store.LedgerTables.update(world.database.dataSource(),
                "UPDATE admin_accounts SET password_hash = 'secret' WHERE name = 'anna'")).isEqualTo(1);
        BoardClient c = client();

        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = c.signIn("anna", BoardWorld.ADMIN_PASSWORD);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("Wrong name or password.");
        }

        // never locked (no password can match, so none is guessed), and the audit names the mend
        assertThat(world.audit()).filteredOn(a -> a.action().equals("admin.signin.rejected")).hasSize(6)
                .allSatisfy(a -> assertThat(a.detail()).contains("stored password hash unreadable",
                        "hotdesk admin remove anna, then hotdesk admin add anna"));
        assertThat(world.audit()).noneMatch(a -> a.action().equals("admin.signin.locked"));
        assertThat(client().signIn("victor", BoardWorld.VIEWER_PASSWORD).statusCode()).isEqualTo(303);
    }

    @Test
    void an_admin_logs_a_desk_out_from_its_tile_audited_under_their_name() {
        world.logInAlice();
        BoardClient c = signedIn("anna", BoardWorld.ADMIN_PASSWORD);
        String page = c.get("/board").body();
        assertThat(page).contains("class=\"logout\"").contains("Alice Example (101) since");
        String csrf = BoardClient.meta(page, "csrf-token");

        HttpResponse<String> noToken = c.post("/board/desks/" + BoardWorld.DESK + "/logout", Map.of(), Map.of());
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(world.seated()).isTrue();

        HttpResponse<String> out = c.post("/board/desks/" + BoardWorld.DESK + "/logout", Map.of(), Map.of("X-CSRF-Token", csrf));

        assertThat(out.statusCode()).as(out.body()).isEqualTo(200);
        assertThat(world.seated()).isFalse();
        assertThat(world.audit()).anySatisfy(a -> {
            assertThat(a.action()).isEqualTo("logout");
            assertThat(a.actor()).isEqualTo("board:anna");
            assertThat(a.detail()).contains("reason=forced");
        });
        assertThat(c.post("/board/desks/" + BoardWorld.DESK + "/logout", Map.of(), Map.of("X-CSRF-Token", csrf)).statusCode())
                .isEqualTo(409);
        assertThat(c.post("/board/desks/hd-nosuchdesk/logout", Map.of(), Map.of("X-CSRF-Token", csrf)).statusCode())
                .isEqualTo(404);
    }

    @Test
    void a_viewer_sees_the_board_without_logout_buttons_and_is_refused_403() {
        world.logInAlice();
        BoardClient c = signedIn("victor", BoardWorld.VIEWER_PASSWORD);
        String page = c.get("/board").body();
        assertThat(page).contains("Alice Example (101) since").doesNotContain("class=\"logout\"");
        String csrf = BoardClient.meta(page, "csrf-token");

        HttpResponse<String> out = c.post("/board/desks/" + BoardWorld.DESK + "/logout", Map.of(), Map.of("X-CSRF-Token", csrf));

        assertThat(out.statusCode()).isEqualTo(403);
        assertThat(world.seated()).isTrue();
    }

    @Test
    void a_login_reaches_an_open_live_view_as_a_tile_event_and_a_logout_too() throws Exception {
        BoardClient c = signedIn("victor", BoardWorld.VIEWER_PASSWORD);
        BoardClient.Events events = c.events("/board/events");
        streams.add(events);
        assertThat(events.status()).isEqualTo(200);
        StringBuilder seen = new StringBuilder();
        await().atMost(PATIENCE).until(() -> events.drained(seen).contains("event: hello"));
        await().atMost(PATIENCE).until(() -> board.liveClients() == 1);

        world.logInAlice();

        await().atMost(PATIENCE).until(() -> events.drained(seen).contains("Alice Example (101) since"));
        assertThat(seen.toString()).contains("event: tile").contains("\"id\":\"tile-" + BoardWorld.DESK + "\"");

        world.logOut.forceUser(hotdesk.core.model.Extension.of("101"), "test");

        await().atMost(PATIENCE).until(() -> Pattern.compile("event: tile\\ndata: .*class=\\\\\"state\\\\\">free\\\\u003c")
                .matcher(events.drained(seen)).find());
    }

    /**
     * A live update reads the ledger on the board's thread; stopping the board must let it finish rather than
     * interrupt it (an interrupted thread inside the embedded H2 ledger closes its file). Fails with a stop
     * that interrupts the board's thread at once.
     */
    @Test
    void stopping_waits_for_a_live_update_inside_the_ledger_instead_of_interrupting_it() throws Exception {
        board.close();
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean gate = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();
        hotdesk.core.port.Ledger blocking = new hotdesk.core.port.Ledger() {
            @Override
            public <T> T transact(Work<T> work) {
                if (gate.get() && Thread.currentThread().getName().equals("hotdesk-board")) {
                    inside.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        interrupted.set(true);
                        Thread.currentThread().interrupt();
                    }
                    T result = world.ledger.transact(work);
                    finished.incrementAndGet();
                    return result;
                }
                return world.ledger.transact(work);
            }
        };
        board = new BoardServer(BoardWorld.plain(), world.uses(blocking));
        board.start();
        BoardClient c = signedIn("victor", BoardWorld.VIEWER_PASSWORD);
        BoardClient.Events events = c.events("/board/events");
        streams.add(events);
        StringBuilder seen = new StringBuilder();
        await().atMost(PATIENCE).until(() -> events.drained(seen).contains("event: hello"));
        await().atMost(PATIENCE).until(() -> board.liveClients() == 1);
        gate.set(true);

        world.logInAlice(); // its event makes the board's thread read the desk's status: it waits at the gate
        assertThat(inside.await(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        BoardServer stopping = board;
        board = null;
        Thread closer = new Thread(stopping::close, "board-closer");
        closer.start();
        // until close() waits for the board's thread (or, as before, has interrupted it and returned)
        await().atMost(PATIENCE).until(() -> interrupted.get() || !closer.isAlive()
                || java.util.Arrays.stream(closer.getStackTrace()).anyMatch(f -> f.getMethodName().equals("awaitTermination")));

        assertThat(interrupted).as("the board's thread was interrupted inside the ledger").isFalse();
        assertThat(closer.isAlive()).as("close() returned before the live update ended").isTrue();
        release.countDown();
        closer.join(PATIENCE.toMillis());
        assertThat(closer.isAlive()).isFalse();
        assertThat(interrupted).isFalse();
        assertThat(finished).as("the update's ledger reads went on to the end").hasPositiveValue();
    }

    @Test
    void a_site_filtered_live_view_hears_only_its_sites_desks() {
        world.addDesk("00:15:65:b5:1f:02", "Annex 1", "Annex");
        BoardClient c = signedIn("anna", BoardWorld.ADMIN_PASSWORD);
        assertThat(c.get("/board?site=Annex").body()).contains("Annex 1").doesNotContain("Desk B1");
        BoardClient.Events events = c.events("/board/events?site=Annex");
        streams.add(events);
        StringBuilder seen = new StringBuilder();
        await().atMost(PATIENCE).until(() -> events.drained(seen).contains("event: hello"));

        world.logInAlice(); // at HQ
        assertThat(world.logIn.execute("hd-001565b51f02", new hotdesk.core.usecase.LogIn.Pin(
                hotdesk.core.model.Extension.of("102"), "5197"), "agi:test")).isInstanceOf(hotdesk.core.usecase.LogIn.LoggedIn.class);

        await().atMost(PATIENCE).until(() -> events.drained(seen).contains("Bob Builder (102)"));
        assertThat(seen.toString()).doesNotContain("Alice Example");
    }

    @Test
    void nothing_the_board_sends_reveals_a_pin_a_code_a_sip_secret_or_a_hash() {
        world.logInAlice();
        String code = ((hotdesk.core.usecase.IssueOtp.Issued) new hotdesk.core.usecase.IssueOtp(world.ledger, world.hasher,
                world.random, Duration.ofMinutes(2), world.clock).issue(hotdesk.core.model.Extension.of("102"), "test")).code();
        BoardClient c = signedIn("anna", BoardWorld.ADMIN_PASSWORD);
        BoardClient.Events events = c.events("/board/events");
        streams.add(events);
        StringBuilder seen = new StringBuilder();
        await().atMost(PATIENCE).until(() -> events.drained(seen).contains("event: hello"));
        world.logOut.forceUser(hotdesk.core.model.Extension.of("101"), "test");
        world.logInAlice();
        await().atMost(PATIENCE).until(() -> events.drained(seen).contains("event: tile"));

        String everything = c.get("/board").body() + c.get("/board/tiles").body() + c.get("/board/usage").body()
                + c.get("/board/board.js").body() + seen;

        List<String> secrets = new ArrayList<>(world.secrets());
        secrets.add(code);
        for (String secret : secrets) {
            assertThat(everything).as("the board's output").doesNotContain(secret);
        }
    }

    @Test
    void the_usage_page_shows_the_charts_as_inline_svg_and_the_table_and_refuses_bad_dates() {
        world.logInAlice();
        BoardClient c = signedIn("victor", BoardWorld.VIEWER_PASSWORD);

        HttpResponse<String> usage = c.get("/board/usage");
        HttpResponse<String> bad = c.get("/board/usage?from=yesterday");
        HttpResponse<String> unknownSite = c.get("/board/usage?site=Nowhere");

        assertThat(usage.statusCode()).isEqualTo(200);
        assertThat(usage.body().split("<svg", -1)).hasSize(4);
        assertThat(usage.body()).doesNotContain("<?xml").contains("<table id=\"usage\">").contains("<td>Desk B1</td><td>HQ</td>");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("YYYY-MM-DD");
        assertThat(unknownSite.statusCode()).isEqualTo(400);
        assertThat(unknownSite.body()).contains("Nowhere");
    }

    @Test
    void a_session_survives_a_restart_of_the_listener_and_signing_out_ends_it() {
        BoardClient c = signedIn("anna", BoardWorld.ADMIN_PASSWORD);
        String csrf = BoardClient.meta(c.get("/board").body(), "csrf-token");
        board.close();
        board = world.start(BoardWorld.plain());
        BoardClient again = client();
        again.cookies.putAll(c.cookies);

        assertThat(again.get("/board").statusCode()).isEqualTo(200);
        assertThat(again.post("/signout", Map.of("csrf", "wrong"), Map.of()).statusCode()).isEqualTo(403);
        assertThat(again.post("/signout", Map.of("csrf", csrf), Map.of()).statusCode()).isEqualTo(303);
        BoardClient stale = client();
        stale.cookies.putAll(c.cookies);
        assertThat(stale.get("/board").statusCode()).isEqualTo(303);
    }

    @Test
    void removing_an_account_ends_its_sessions() {
        BoardClient c = signedIn("victor", BoardWorld.VIEWER_PASSWORD);

        new hotdesk.core.usecase.ManageAdmins(world.ledger, world.hasher, world.clock).remove("victor", "test");

        assertThat(c.get("/board").statusCode()).isEqualTo(303);
    }

    @Test
    void two_thousand_desks_fit_on_one_page_with_a_tile_each() {
        world.ledger.transact(tx -> {
            for (int i = 0; i < 2000; i++) {
                Mac mac = Mac.parse(String.format("0015660%05x", i));
                tx.insertDevice(new Device(mac, "yealink", "T54W", "Desk " + i, "Site " + (i % 7), "911", true),
                        List.of(new DeskLine(mac.endpointId(), mac, 1, "secret-" + i + "-abcdefghijklmnop")));
            }
            return null;
        });
        BoardClient c = signedIn("victor", BoardWorld.VIEWER_PASSWORD);

        String page = c.get("/board").body();

        assertThat(page.split("<article class=\"tile ", -1)).hasSize(2002);
        assertThat(page).contains("Desk 1999").doesNotContain("secret-1999-abcdefghijklmnop");
    }

    @Test
    void a_board_on_a_non_loopback_address_without_tls_is_refused() {
        assertThatThrownBy(() -> new BoardSettings("0.0.0.0", 8443, Optional.empty(), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("admin.tls-keystore");
        assertThatThrownBy(() -> new BoardSettings("127.0.0.1", 8443, Optional.of(dir.resolve("missing.p12")), "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("admin.tls-keystore");
    }

    @Test
    void over_tls_the_session_cookie_is_secure_and_plain_http_gets_no_answer() throws Exception {
        hotdesk.testing.TestKeystore store = hotdesk.testing.TestKeystore.create(dir.resolve("board.p12"), "board-store-pass");
        Path keystore = store.file();
        javax.net.ssl.SSLContext tls = store.trusting();
        board.close();
        board = world.start(new BoardSettings("127.0.0.1", 0, Optional.of(keystore), "board-store-pass"));
        BoardClient c = new BoardClient("https://127.0.0.1:" + board.port(),
                java.net.http.HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build());

        assertThat(c.signIn("anna", BoardWorld.ADMIN_PASSWORD).statusCode()).isEqualTo(303);

        String session = c.setCookies.stream().filter(h -> h.startsWith(BoardServer.SESSION_COOKIE + "=")).findFirst().orElseThrow();
        assertThat(session).contains("; Secure").contains("HttpOnly").contains("SameSite=Strict");
        assertThat(c.get("/board").statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> client().get("/board")).isInstanceOf(RuntimeException.class);
    }

    @Test
    void a_port_in_use_fails_the_start_naming_the_address() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            BoardServer second = new BoardServer(new BoardSettings("127.0.0.1", taken.getLocalPort(), Optional.empty(), ""),
                    world.uses());

            assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
        }
    }
}
