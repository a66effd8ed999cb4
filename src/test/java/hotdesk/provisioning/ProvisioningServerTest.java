package hotdesk.provisioning;

import hotdesk.testing.MutableClock;
import hotdesk.testing.LogCapture;
import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.User;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerException;
import hotdesk.core.usecase.ManageDevices;
import hotdesk.core.usecase.ManageUsers;
import hotdesk.core.usecase.ProvisionDesk;
import hotdesk.testing.InMemoryLedger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ProvisioningServerTest {

    private static final String MAC = "0015651234ab";
    private static final String YEALINK_UA = "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ab";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-03T08:00:05Z"));
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final SecureRandom random = new SecureRandom();
    private final SecretHasher hasher = new SecretHasher(1000, random);
    private final ManageDevices devices = new ManageDevices(ledger, random, Set.of("yealink", "snom"), clock);
    private final ManageUsers users = new ManageUsers(ledger, hasher, random, "internal", clock);
    private final ProvisionDesk provisionDesk = new ProvisionDesk(ledger, clock);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<ProvisioningServer> servers = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();
    private final ExecutorService slowClients = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "slow-client");
        t.setDaemon(true);
        return t;
    });
    private LogCapture securityLog;
    private LogCapture serverLog;

    @TempDir
    Path userDir;

    @BeforeEach
    void captureLogs() {
        securityLog = LogCapture.of("hotdesk.security");
        serverLog = LogCapture.of(ProvisioningServer.class.getName());
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        slowClients.shutdownNow();
        servers.forEach(ProvisioningServer::close);
        securityLog.close();
        serverLog.close();
    }

    // ---- fixtures

    private static ProvisioningSettings settings(List<String> networks, boolean macInUa, Optional<Path> dir,
                                                 int maxRefusals) {
        return settings(networks, macInUa, dir, maxRefusals, Duration.ofSeconds(10));
    }

    private static ProvisioningSettings settings(List<String> networks, boolean macInUa, Optional<Path> dir,
                                                 int maxRefusals, Duration requestTimeout) {
        return new ProvisioningSettings("127.0.0.1", 0, networks, macInUa, dir, "pbx.example.org", 5060,
                Duration.ofSeconds(500), "ntp.example.org", "Europe/Berlin", "*32", maxRefusals, requestTimeout);
    }

    /** Open to loopback, with the shortest request timeout allowed. */
    private static ProvisioningSettings impatient() {
        return settings(List.of("127.0.0.0/8", "::1/128"), false, Optional.empty(), 100, Duration.ofSeconds(1));
    }

    private static ProvisioningSettings open() {
        return settings(List.of("127.0.0.0/8", "::1/128"), false, Optional.empty(), 100);
    }

    private ProvisioningServer start(ProvisioningSettings s) {
        ProvisioningServer server = new ProvisioningServer(s, provisionDesk, clock);
        servers.add(server);
        server.start();
        return server;
    }

    private DeskLine addDesk(String mac, String model, String label) {
        ManageDevices.Result r = devices.add(new ManageDevices.NewDevice(mac, "yealink", model, label, "HQ", "", 1), "test");
        assertThat(r).isInstanceOf(ManageDevices.Done.class);
        return ((ManageDevices.Done) r).lines().get(0);
    }

    private void addUser(String ext, String name) {
        assertThat(users.add(new ManageUsers.NewUser(ext, name, "4823", null, null, null, true), "test"))
                .isInstanceOf(ManageUsers.Done.class);
    }

    /** Seats the user as a login does: the occupancy and a bump of both targets. */
    private void seat(String ext, String endpointId) {
        ledger.transact(tx -> {
            tx.occupy(new Occupancy(endpointId, Extension.of(ext), clock.instant(), clock.instant()));
            tx.bump(hotdesk.core.model.Target.desk(endpointId), hotdesk.core.model.Target.user(Extension.of(ext)));
            return null;
        });
    }

    private HttpResponse<String> get(ProvisioningServer server, String path) throws IOException, InterruptedException {
        return get(server, path, YEALINK_UA);
    }

    private HttpResponse<String> get(ProvisioningServer server, String path, String userAgent)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).GET();
        if (userAgent != null) {
            b.header("User-Agent", userAgent);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** key = value lines of a cfg file, with the value as written. */
    private static Map<String, String> keys(String cfg) {
        Map<String, String> out = new TreeMap<>();
        for (String line : cfg.split("\n", -1)) {
            int eq = line.indexOf(" = ");
            if (!line.startsWith("#") && eq > 0) {
                assertThat(out.put(line.substring(0, eq), line.substring(eq + 3))).as("duplicate key in " + line).isNull();
            }
        }
        return out;
    }

    /** The Content-Type without the optional blanks (Jetty writes {@code text/plain;charset=utf-8}). */
    private static String contentType(HttpResponse<String> r) {
        return r.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase(java.util.Locale.ROOT);
    }

    /** Status, body and every header except Date: what a client could compare between two answers. */
    private static Map<String, Object> shape(HttpResponse<String> r) {
        Map<String, Object> m = new TreeMap<>(r.headers().map());
        m.remove("date");
        m.put(":status", r.statusCode());
        m.put(":body", r.body());
        return m;
    }

    /** The fetch records in the ledger once the journal has written what it holds. */
    private List<InMemoryLedger.Fetch> fetches() {
        provisionDesk.journal().flush();
        return ledger.fetches();
    }

    private List<AuditEntry> audits(String action) {
        provisionDesk.journal().flush();
        return ledger.audit().stream().filter(a -> a.action().equals(action)).toList();
    }

    /** A raw connection from {@code from} (any loopback address) to the server. */
    private Socket connect(ProvisioningServer server, String from) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Sends one whole request on a kept-alive connection and reads its response; returns the status line. */
    private static String exchange(Socket s, String path) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: hotdesk\r\nUser-Agent: " + YEALINK_UA + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        String status = line(in);
        int length = 0;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).strip());
            }
        }
        assertThat(in.readNBytes(length)).hasSize(length);
        return status;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            assertThat(c).as("connection closed inside a response").isNotEqualTo(-1);
            b.append((char) c);
        }
        return b.toString().strip();
    }

    /**
     * Starts a request and then sends one more header byte every 200 ms, far faster than any idle
     * timeout, until the connection fails.
     */
    private void trickle(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET /provision/" + MAC + ".cfg HTTP/1.1\r\nHost: hotdesk\r\nX-Slow: ").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        slowClients.submit(() -> {
            try {
                while (true) {
                    out.write('a');
                    out.flush();
                    Thread.sleep(200);
                }
            } catch (IOException | InterruptedException e) {
                return null;
            }
        });
    }

    /** Whether the server has closed this connection (end of stream or reset), without waiting long. */
    private static boolean closedByServer(Socket s) {
        try {
            s.setSoTimeout(100);
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    // ---- behaviour

    @Test
    void an_idle_desk_gets_its_label_and_its_own_desk_account() throws Exception {
        // given
        DeskLine line = addDesk("00:15:65:12:34:AB", "T54W", "Desk 4.12");
        ProvisioningServer server = start(open());

        // when
        HttpResponse<String> r = get(server, "/provision/" + MAC + ".cfg");

        // then
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(contentType(r)).isEqualTo("text/plain;charset=utf-8");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.body()).startsWith("#!version:1.0.0.1\n");
        Map<String, String> k = keys(r.body());
        assertThat(k).containsEntry("account.1.enable", "1")
                .containsEntry("account.1.label", "Desk 4.12")
                .containsEntry("account.1.display_name", "Desk 4.12")
                .containsEntry("account.1.auth_name", "hd-" + MAC)
                .containsEntry("account.1.user_name", "hd-" + MAC)
                .containsEntry("account.1.password", line.secret())
                .containsEntry("account.1.sip_server.1.address", "pbx.example.org")
                .containsEntry("account.1.sip_server.1.port", "5060")
                .containsEntry("account.1.sip_server.1.expires", "500")
                .containsEntry("local_time.ntp_server1", "ntp.example.org")
                .containsEntry("local_time.time_zone", "+1")
                .containsEntry("local_time.summer_time", "2")
                .containsEntry("hotdesking.dsskey_sip_server_enable", "0")
                .containsEntry("linekey.2.type", "0")
                .containsEntry("linekey.2.value", "")
                .containsEntry("linekey.2.label", "");
        assertThat(r.body()).doesNotContain("$").doesNotContain("##");
    }

    @Test
    void an_occupied_desk_shows_the_occupants_name_and_extension_and_a_logout_key() throws Exception {
        // given
        DeskLine line = addDesk(MAC, "T54W", "Desk 4.12");
        addUser("101", "Alice Example");
        seat("101", line.endpointId());
        ProvisioningServer server = start(open());

        // when
        HttpResponse<String> r = get(server, "/provision/" + MAC + ".cfg");

        // then
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(keys(r.body())).containsEntry("account.1.label", "Alice Example 101")
                .containsEntry("account.1.display_name", "Alice Example")
                .containsEntry("account.1.auth_name", "hd-" + MAC)
                .containsEntry("account.1.password", line.secret())
                .containsEntry("linekey.2.type", "13")
                .containsEntry("linekey.2.line", "1")
                .containsEntry("linekey.2.value", "*32")
                .containsEntry("linekey.2.label", "Logout");
    }

    @Test
    void the_fetch_is_recorded_on_the_device_and_audited() throws Exception {
        // given
        addDesk(MAC, "T54W", "Desk 4.12");
        ProvisioningServer server = start(open());

        // when
        get(server, "/provision/" + MAC + ".cfg");

        // then
        assertThat(fetches()).containsExactly(
                new InMemoryLedger.Fetch(new Mac(MAC), clock.instant(), "127.0.0.1", YEALINK_UA));
        assertThat(audits("provision.fetch")).singleElement()
                .satisfies(a -> assertThat(a.actor()).isEqualTo("http:127.0.0.1"))
                .satisfies(a -> assertThat(a.subject()).isEqualTo(MAC));
    }

    @Test
    void the_mac_may_be_spelled_in_upper_or_mixed_case_hex() throws Exception {
        // given
        addDesk(MAC, "T54W", "Desk 4.12");
        ProvisioningServer server = start(open());

        // when / then
        assertThat(get(server, "/provision/0015651234AB.cfg").statusCode()).isEqualTo(200);
        assertThat(get(server, "/provision/0015651234aB.cfg").statusCode()).isEqualTo(200);
        assertThat(fetches()).extracting(InMemoryLedger.Fetch::mac).containsOnly(new Mac(MAC));
    }

    @Test
    void a_malformed_file_name_is_a_bad_request_audited_and_logged_for_fail2ban() throws Exception {
        // given
        ProvisioningServer server = start(open());

        // when
        List<HttpResponse<String>> answers = List.of(
                get(server, "/provision/00:15:65:12:34:ab.cfg"),
                get(server, "/provision/0015651234a.cfg"),
                get(server, "/provision/0015651234abc.cfg"),
                get(server, "/provision/0015651234ag.cfg"),
                // <mac>.xml is a Snom or Cisco MPP file now; no vendor asks for <mac>.json
                get(server, "/provision/" + MAC + ".json"));

        // then
        assertThat(answers).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).isEqualTo("bad request\n");
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        });
        assertThat(audits("provision.refused")).hasSize(5).allSatisfy(a -> assertThat(a.detail()).isEqualTo("malformed"));
        assertThat(securityLog.messages()).hasSize(5)
                .contains("provisioning refused ip=127.0.0.1 mac=0015651234a.cfg reason=malformed");
    }

    @Test
    void a_control_character_in_the_path_cannot_break_the_security_log_line() throws Exception {
        // given
        ProvisioningServer server = start(open());

        // when
        HttpResponse<String> r = get(server, "/provision/x%0Aprovisioning%20refused%20ip=10.9.9.9.cfg");

        // then
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(securityLog.messages()).singleElement().asString()
                .doesNotContain("\n").doesNotContain(" ip=10.9.9.9").startsWith("provisioning refused ip=127.0.0.1 ");
    }

    @Test
    void unknown_and_wrong_network_get_the_identical_404_and_a_disabled_desk_its_idle_file() throws Exception {
        // given
        addDesk(MAC, "T54W", "Desk 4.12");
        Mac disabled = new Mac("001565aaaaaa");
        ledger.transact(tx -> {
            tx.insertDevice(new Device(disabled, "yealink", "T54W", "Old desk", "", "", false),
                    List.of(new DeskLine(disabled.endpointId(), disabled, 1, "secretsecretsecret")));
            return null;
        });
        ProvisioningServer server = start(open());
        ProvisioningServer elsewhere = start(settings(List.of("10.0.0.0/8", "fd00::/8"), false, Optional.empty(), 100));

        // when
        HttpResponse<String> unknown = get(server, "/provision/001565bbbbbb.cfg");
        HttpResponse<String> off = get(server, "/provision/001565aaaaaa.cfg");
        HttpResponse<String> outside = get(elsewhere, "/provision/" + MAC + ".cfg");
        HttpResponse<String> noRoute = get(server, "/etc/passwd");

        // then
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("not found\n");
        assertThat(unknown.headers().firstValue("Cache-Control")).hasValue("no-store");
        // a disabled desk keeps its SIP account for emergency calls: a phone reset meanwhile must get it
        assertThat(off.statusCode()).isEqualTo(200);
        assertThat(off.body()).contains("secretsecretsecret").contains("Old desk");
        assertThat(shape(outside)).isEqualTo(shape(unknown));
        assertThat(shape(noRoute)).isEqualTo(shape(unknown));
        assertThat(audits("provision.refused")).extracting(AuditEntry::subject, AuditEntry::detail)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("001565bbbbbb", "unknown device"),
                        org.assertj.core.groups.Tuple.tuple(MAC, "network"));
        assertThat(securityLog.messages()).containsExactlyInAnyOrder(
                "provisioning refused ip=127.0.0.1 mac=001565bbbbbb reason=unknown",
                "provisioning refused ip=127.0.0.1 mac=" + MAC + " reason=network");
    }

    @Test
    void when_required_the_user_agent_must_carry_the_requested_mac() throws Exception {
        // given
        addDesk(MAC, "T54W", "Desk 4.12");
        ProvisioningServer server = start(settings(List.of("127.0.0.1/32"), true, Optional.empty(), 100));
        HttpResponse<String> unknown = get(server, "/provision/001565bbbbbb.cfg", "Yealink SIP-T54W 96.86.0.100 00:15:65:bb:bb:bb");

        // when
        HttpResponse<String> matching = get(server, "/provision/" + MAC + ".cfg", YEALINK_UA);
        HttpResponse<String> upper = get(server, "/provision/" + MAC + ".cfg", "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:AB");
        HttpResponse<String> otherMac = get(server, "/provision/" + MAC + ".cfg", "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ac");
        HttpResponse<String> longerMac = get(server, "/provision/" + MAC + ".cfg", "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ab:cd");
        HttpResponse<String> noMac = get(server, "/provision/" + MAC + ".cfg", "curl/8.5.0");

        // then
        assertThat(matching.statusCode()).isEqualTo(200);
        assertThat(upper.statusCode()).isEqualTo(200);
        assertThat(shape(otherMac)).isEqualTo(shape(unknown));
        assertThat(shape(longerMac)).isEqualTo(shape(unknown));
        assertThat(shape(noMac)).isEqualTo(shape(unknown));
        assertThat(hotdesk.testing.AuditLines.accounted(audits("provision.fetch"), "provision.fetch")).isEqualTo(2);
        // the desk's latest fetch: records are coalesced per desk
        assertThat(fetches()).extracting(InMemoryLedger.Fetch::mac).containsExactly(new Mac(MAC));
        assertThat(audits("provision.refused")).filteredOn(a -> a.detail().equals("user-agent")).hasSize(3);
        assertThat(securityLog.messages()).contains("provisioning refused ip=127.0.0.1 mac=" + MAC + " reason=user-agent");
    }

    @Test
    void more_refusals_than_allowed_per_minute_block_the_address_with_429_until_the_minute_ends() throws Exception {
        // given
        addDesk(MAC, "T54W", "Desk 4.12");
        ProvisioningServer server = start(settings(List.of("127.0.0.1/32"), false, Optional.empty(), 3));
        get(server, "/provision/001565000001.cfg");
        get(server, "/provision/001565000002.cfg");
        get(server, "/provision/garbage.cfg");

        // when
        HttpResponse<String> blocked = get(server, "/provision/001565000003.cfg");
        HttpResponse<String> evenAKnownDesk = get(server, "/provision/" + MAC + ".cfg");

        // then
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(blocked.body()).isEqualTo("too many requests\n");
        assertThat(blocked.headers().firstValue("Retry-After")).hasValue("55");
        assertThat(blocked.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(evenAKnownDesk.statusCode()).isEqualTo(429);
        assertThat(fetches()).isEmpty();
        assertThat(audits("provision.refused")).filteredOn(a -> a.detail().equals("rate limited")).singleElement()
                .satisfies(a -> assertThat(a.subject()).isEqualTo("001565000003"));
        assertThat(securityLog.messages()).filteredOn(l -> l.endsWith("reason=rate-limited")).hasSize(2);

        // and when the next minute starts
        clock.advance(Duration.ofSeconds(55));
        assertThat(get(server, "/provision/" + MAC + ".cfg").statusCode()).isEqualTo(200);
    }

    @Test
    void successful_fetches_do_not_count_towards_the_refusal_limit() throws Exception {
        // given
        addDesk(MAC, "T54W", "Desk 4.12");
        ProvisioningServer server = start(settings(List.of("127.0.0.1/32"), false, Optional.empty(), 1));

        // when
        for (int i = 0; i < 3; i++) {
            get(server, "/provision/" + MAC + ".cfg");
        }

        // then
        assertThat(get(server, "/provision/" + MAC + ".cfg").statusCode()).isEqualTo(200);
    }

    @Test
    void a_storm_of_identical_fetches_renders_once_and_a_login_renders_again() throws Exception {
        // given
        DeskLine line = addDesk(MAC, "T54W", "Desk 4.12");
        addUser("101", "Alice Example");
        ProvisioningServer server = start(open());
        String first = get(server, "/provision/" + MAC + ".cfg").body();
        // the file, and its copy with the secrets masked that the journal records for provision diff
        assertThat(server.renderer().merges()).isEqualTo(2);

        // when
        List<String> storm = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // below provisioning.max-fetches-per-desk
            storm.add(get(server, "/provision/" + MAC + ".cfg").body());
        }

        // then
        assertThat(storm).allSatisfy(b -> assertThat(b).isEqualTo(first));
        assertThat(server.renderer().merges()).as("no merge for the storm").isEqualTo(2);
        assertThat(server.renderer().compiles()).isEqualTo(1);

        // and when the desk is taken
        seat("101", line.endpointId());
        String taken = get(server, "/provision/" + MAC + ".cfg").body();

        // then
        assertThat(taken).contains("account.1.label = Alice Example 101");
        assertThat(server.renderer().merges()).isEqualTo(4);
        assertThat(server.renderer().compiles()).as("the template is still the compiled one").isEqualTo(1);
    }

    @Test
    void a_login_at_another_desk_renders_nothing_for_this_one_and_the_ledger_keeps_the_text_it_was_served() throws Exception {
        // given: two desks, this one fetched
        addDesk(MAC, "T54W", "Desk 4.12");
        DeskLine other = addDesk("0015651234cd", "T54W", "Desk 4.13");
        addUser("101", "Alice Example");
        ProvisioningServer server = start(open());
        String first = get(server, "/provision/" + MAC + ".cfg").body();
        long merges = server.renderer().merges();

        // when: someone logs in at the other desk (the ledger's revision moves) and this desk fetches again, twice
        seat("101", other.endpointId());
        String again = get(server, "/provision/" + MAC + ".cfg").body();
        String third = get(server, "/provision/" + MAC + ".cfg").body();

        // then: the same bytes, no template merged for them
        assertThat(again).isEqualTo(first);
        assertThat(third).isEqualTo(first);
        assertThat(server.renderer().merges()).isEqualTo(merges);

        // and: the ledger keeps the masked file of what was served, with the last fetch's time
        provisionDesk.journal().flush();
        List<hotdesk.core.model.ServedFile> served = ledger.read(tx -> tx.servedFiles(hotdesk.core.model.Mac.parse(MAC)));
        assertThat(served).singleElement().satisfies(f -> {
            assertThat(f.maskedText()).hasValueSatisfying(t -> assertThat(t).contains("account.1.label"));
            assertThat(f.maskedDigest()).isEqualTo(hotdesk.core.model.ServedFile.sha256(f.maskedText().get()));
        });
    }

    @Test
    void the_same_file_fetched_again_has_its_served_time_written_at_most_once_a_minute_and_every_fetch_recorded() throws Exception {
        // given: a desk fetched its file, and the journal wrote it
        addDesk(MAC, "T54W", "Desk 4.12");
        ProvisioningServer server = start(open());
        get(server, "/provision/" + MAC + ".cfg");
        provisionDesk.journal().flush();
        hotdesk.core.model.Mac mac = hotdesk.core.model.Mac.parse(MAC);
        Instant first = ledger.<List<hotdesk.core.model.ServedFile>>read(tx -> tx.servedFiles(mac)).get(0).servedAt();

        // when: it fetches the same file again within the minute
        clock.advance(Duration.ofSeconds(20));
        get(server, "/provision/" + MAC + ".cfg");
        provisionDesk.journal().flush();

        // then: the fetch is recorded, the served file is not written again
        assertThat(ledger.<java.util.Optional<Instant>>read(tx -> tx.lastFetch(mac))).hasValue(clock.instant());
        assertThat(ledger.<List<hotdesk.core.model.ServedFile>>read(tx -> tx.servedFiles(mac)))
                .singleElement().satisfies(f -> assertThat(f.servedAt()).isEqualTo(first));

        // and when: again past the minute: its time is written, its text kept
        clock.advance(ProvisioningServer.SERVED_AGAIN_EVERY);
        get(server, "/provision/" + MAC + ".cfg");
        provisionDesk.journal().flush();
        assertThat(ledger.<List<hotdesk.core.model.ServedFile>>read(tx -> tx.servedFiles(mac))).singleElement().satisfies(f -> {
            assertThat(f.servedAt()).isEqualTo(clock.instant());
            assertThat(f.maskedText()).hasValueSatisfying(t -> assertThat(t).contains("account.1"));
        });
    }

    @Test
    void a_desk_that_stopped_fetching_is_forgotten_after_the_idle_time_and_rendered_again_when_it_fetches() throws Exception {
        // given: two desks fetched; the second keeps fetching
        addDesk(MAC, "T54W", "Desk 4.12");
        String busy = "0015651234cd";
        addDesk(busy, "T54W", "Desk 4.13");
        ProvisioningServer server = start(open());
        String first = get(server, "/provision/" + MAC + ".cfg").body();
        assertThat(get(server, "/provision/" + busy + ".cfg", "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:cd").statusCode())
                .isEqualTo(200);
        long merges = server.renderer().merges();

        // when: the first fetches nothing for longer than the idle time, the second fetched just before it ends
        clock.advance(ProvisioningServer.IDLE.minusSeconds(5));
        assertThat(get(server, "/provision/" + busy + ".cfg", "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:cd").statusCode())
                .isEqualTo(200);
        assertThat(server.forgetIdle()).as("nothing is idle yet").isZero();
        clock.advance(Duration.ofSeconds(10));

        // then: only the first is forgotten
        assertThat(server.forgetIdle()).isEqualTo(1);
        assertThat(server.renderer().merges()).isEqualTo(merges);

        // and: its next fetch renders it again, to the same bytes; the second is still served as kept
        assertThat(get(server, "/provision/" + MAC + ".cfg").body()).isEqualTo(first);
        assertThat(server.renderer().merges()).isEqualTo(merges + 2); // the file and its masked copy (same text: kept)
        assertThat(get(server, "/provision/" + busy + ".cfg", "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:cd").statusCode())
                .isEqualTo(200);
        assertThat(server.renderer().merges()).isEqualTo(merges + 2);
    }

    @Test
    void a_cached_file_is_never_served_to_a_request_that_the_checks_refuse_nor_to_another_desk() throws Exception {
        // given: both desks fetched once, so both files are cached
        DeskLine a = addDesk(MAC, "T54W", "Desk 4.12");
        DeskLine b = addDesk("001565bbbbbb", "T54W", "Desk 4.13");
        String uaB = "Yealink SIP-T54W 96.86.0.100 00:15:65:bb:bb:bb";
        ProvisioningServer server = start(settings(List.of("127.0.0.1/32"), true, Optional.empty(), 100));
        assertThat(get(server, "/provision/" + MAC + ".cfg", YEALINK_UA).body()).contains(a.secret());
        assertThat(get(server, "/provision/001565bbbbbb.cfg", uaB).body()).contains(b.secret());
        HttpResponse<String> unknown = get(server, "/provision/001565cccccc.cfg", "Yealink SIP-T54W 96.86.0.100 00:15:65:cc:cc:cc");

        // when: A's file asked for with B's User-Agent, without one, and from an address outside the networks
        HttpResponse<String> otherUa = get(server, "/provision/" + MAC + ".cfg", uaB);
        HttpResponse<String> noUa = get(server, "/provision/" + MAC + ".cfg", null);
        Socket outside = connect(server, "127.0.0.2");
        String outsideStatus = exchange(outside, "/provision/" + MAC + ".cfg");
        HttpResponse<String> bAgain = get(server, "/provision/001565bbbbbb.cfg", uaB);

        // then
        assertThat(shape(otherUa)).isEqualTo(shape(unknown));
        assertThat(shape(noUa)).isEqualTo(shape(unknown));
        assertThat(outsideStatus).isEqualTo("HTTP/1.1 404 Not Found");
        assertThat(bAgain.body()).contains(b.secret()).doesNotContain(a.secret());

        // and when A is removed, its cached file is gone with it
        ledger.transact(tx -> {
            tx.deleteDevice(new Mac(MAC));
            tx.bump(hotdesk.core.model.Target.desk(a.endpointId())); // as every change of the ledger does
            return null;
        });
        HttpResponse<String> removed = get(server, "/provision/" + MAC + ".cfg", YEALINK_UA);
        assertThat(shape(removed)).isEqualTo(shape(unknown));
    }

    @Test
    void an_edited_user_template_is_used_once_the_next_check_comes_without_a_restart() throws Exception {
        // given
        addDesk(MAC, "T54W", "Desk 4.12");
        Path template = userDir.resolve("yealink/mac.cfg.vm");
        Files.createDirectories(template.getParent());
        Files.writeString(template, "#!version:1.0.0.1\nv = 1\n");
        ProvisioningServer server = start(settings(List.of("127.0.0.1/32"), false, Optional.of(userDir), 100));
        assertThat(get(server, "/provision/" + MAC + ".cfg").body()).isEqualTo("#!version:1.0.0.1\nv = 1\n");

        // when: edited (another size), within the second, then after it
        Files.writeString(template, "#!version:1.0.0.1\nv = 22\n");
        String within = get(server, "/provision/" + MAC + ".cfg").body();
        clock.advance(TemplateRenderer.RECHECK);
        String after = get(server, "/provision/" + MAC + ".cfg").body();

        // then
        assertThat(within).isEqualTo("#!version:1.0.0.1\nv = 1\n");
        assertThat(after).isEqualTo("#!version:1.0.0.1\nv = 22\n");
        assertThat(server.renderer().compiles()).isEqualTo(2);

        // and when a per-MAC override appears, then is removed again
        Files.writeString(userDir.resolve("yealink/" + MAC + ".cfg.vm"), "#!version:1.0.0.1\nmine = ${device.mac}\n");
        clock.advance(TemplateRenderer.RECHECK);
        assertThat(get(server, "/provision/" + MAC + ".cfg").body()).isEqualTo("#!version:1.0.0.1\nmine = " + MAC + "\n");
        Files.delete(userDir.resolve("yealink/" + MAC + ".cfg.vm"));
        clock.advance(TemplateRenderer.RECHECK);
        assertThat(get(server, "/provision/" + MAC + ".cfg").body()).isEqualTo("#!version:1.0.0.1\nv = 22\n");
    }

    /** Open to loopback with the given limits of served files per minute. */
    private static ProvisioningSettings fetchLimits(int perDesk, int perAddress) {
        return new ProvisioningSettings("127.0.0.1", 0, List.of("127.0.0.0/8", "::1/128"), false, Optional.empty(),
                "pbx.example.org", 5060, Duration.ofSeconds(500), "ntp.example.org", "Europe/Berlin", "*32", 100,
                Duration.ofSeconds(10), perDesk, perAddress);
    }

    @Test
    void more_fetches_of_one_desk_than_allowed_per_minute_get_429_with_retry_after_until_the_minute_ends() throws Exception {
        // given
        addDesk(MAC, "T54W", "Desk 4.12");
        addDesk("001565000002", "T46U", "Desk 4.13");
        ProvisioningServer server = start(fetchLimits(3, 1000));
        for (int i = 0; i < 3; i++) {
            assertThat(get(server, "/provision/" + MAC + ".cfg").statusCode()).isEqualTo(200);
        }

        // when
        HttpResponse<String> fourth = get(server, "/provision/" + MAC + ".cfg");
        HttpResponse<String> fifth = get(server, "/provision/" + MAC + ".cfg");
        HttpResponse<String> otherDesk = get(server, "/provision/001565000002.cfg");

        // then
        assertThat(fourth.statusCode()).isEqualTo(429);
        assertThat(fourth.body()).isEqualTo("too many requests\n");
        assertThat(fourth.headers().firstValue("Retry-After")).hasValue("55"); // the clock is at 08:00:05
        assertThat(fifth.statusCode()).isEqualTo(429);
        assertThat(otherDesk.statusCode()).isEqualTo(200);
        assertThat(securityLog.messages()).containsExactly(
                "provisioning refused ip=127.0.0.1 mac=" + MAC + " reason=fetch-rate-desk",
                "provisioning refused ip=127.0.0.1 mac=" + MAC + " reason=fetch-rate-desk");
        assertThat(audits("provision.refused")).singleElement()
                .satisfies(a -> assertThat(a.detail()).isEqualTo("too many fetches of this desk"));
        assertThat(hotdesk.testing.AuditLines.accounted(audits("provision.fetch"), "provision.fetch")).isEqualTo(4);

        // and when the minute ends
        clock.advance(Duration.ofSeconds(55));
        assertThat(get(server, "/provision/" + MAC + ".cfg").statusCode()).isEqualTo(200);
    }

    @Test
    void more_fetches_from_one_address_than_allowed_per_minute_get_429_but_other_addresses_are_served() throws Exception {
        // given
        addDesk(MAC, "T54W", "Desk 4.12");
        addDesk("001565000002", "T46U", "Desk 4.13");
        addDesk("001565000003", "T46U", "Desk 4.14");
        ProvisioningServer server = start(fetchLimits(1000, 2));
        assertThat(get(server, "/provision/" + MAC + ".cfg").statusCode()).isEqualTo(200);
        assertThat(get(server, "/provision/001565000002.cfg").statusCode()).isEqualTo(200);

        // when
        HttpResponse<String> third = get(server, "/provision/001565000003.cfg");
        String fromElsewhere = exchange(connect(server, "127.0.0.2"), "/provision/001565000003.cfg");

        // then
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).hasValue("55");
        assertThat(fromElsewhere).isEqualTo("HTTP/1.1 200 OK");
        assertThat(securityLog.messages()).containsExactly(
                "provisioning refused ip=127.0.0.1 mac=001565000003 reason=fetch-rate-address");
        assertThat(audits("provision.refused")).singleElement()
                .satisfies(a -> assertThat(a.detail()).isEqualTo("too many fetches from this address"));
    }

    @Test
    void fetch_limits_below_one_are_refused_naming_the_key() {
        assertThatThrownBy(() -> fetchLimits(0, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provisioning.max-fetches-per-desk");
        assertThatThrownBy(() -> fetchLimits(10, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provisioning.max-fetches-per-address");
    }

    @Test
    void a_template_in_the_user_directory_wins_over_the_bundled_one() throws Exception {
        // given
        addDesk(MAC, "T54W", "Desk 4.12");
        Files.createDirectories(userDir.resolve("yealink"));
        Files.writeString(userDir.resolve("yealink/mac.cfg.vm"), "#!version:1.0.0.1\ncustom.label = ${device.label}\n");
        ProvisioningServer server = start(settings(List.of("127.0.0.1/32"), false, Optional.of(userDir), 100));

        // when
        HttpResponse<String> r = get(server, "/provision/" + MAC + ".cfg");

        // then
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("#!version:1.0.0.1\ncustom.label = Desk 4.12\n");
    }

    @Test
    void a_per_model_template_is_chosen_for_that_model_and_a_per_mac_template_before_it() throws Exception {
        // given
        addDesk(MAC, "T54W", "Desk 4.12");
        addDesk("001565000002", "T46U", "Desk 4.13");
        addDesk("001565000003", "T54W", "Desk 4.14");
        Files.createDirectories(userDir.resolve("yealink"));
        Files.writeString(userDir.resolve("yealink/t54w.cfg.vm"), "#!version:1.0.0.1\nmodel.file = t54w ${device.model}\n");
        Files.writeString(userDir.resolve("yealink/001565000003.cfg.vm"), "#!version:1.0.0.1\nmac.file = ${device.mac}\n");
        ProvisioningServer server = start(settings(List.of("127.0.0.1/32"), false, Optional.of(userDir), 100));

        // when
        String t54w = get(server, "/provision/" + MAC + ".cfg").body();
        String t46u = get(server, "/provision/001565000002.cfg").body();
        String perMac = get(server, "/provision/001565000003.cfg").body();

        // then
        assertThat(t54w).isEqualTo("#!version:1.0.0.1\nmodel.file = t54w T54W\n");
        assertThat(keys(t46u)).containsEntry("account.1.label", "Desk 4.13");
        assertThat(perMac).isEqualTo("#!version:1.0.0.1\nmac.file = 001565000003\n");
    }

    @Test
    void a_broken_user_template_answers_a_generic_500_with_nothing_of_the_file_and_logs_template_and_line()
            throws Exception {
        // given
        DeskLine line = addDesk(MAC, "T54W", "Desk 4.12");
        Files.createDirectories(userDir.resolve("yealink"));
        Files.writeString(userDir.resolve("yealink/mac.cfg.vm"),
                "#!version:1.0.0.1\naccount.1.password = ${accounts[0].password}\nbroken = 1 #end\nlast = 1\n");
        ProvisioningServer server = start(settings(List.of("127.0.0.1/32"), false, Optional.of(userDir), 100));

        // when
        HttpResponse<String> r = get(server, "/provision/" + MAC + ".cfg");

        // then
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("server error\n");
        assertThat(contentType(r)).isEqualTo("text/plain;charset=utf-8");
        assertThat(serverLog.messages()).anySatisfy(l -> assertThat(l).contains("yealink/mac.cfg.vm").contains("line 3"));
        assertThat(serverLog.messages()).noneSatisfy(l -> assertThat(l).contains(line.secret()));
    }

    @Test
    void an_undefined_reference_in_a_user_template_fails_the_whole_file_in_strict_mode() throws Exception {
        // given
        DeskLine line = addDesk(MAC, "T54W", "Desk 4.12");
        Files.createDirectories(userDir.resolve("yealink"));
        Files.writeString(userDir.resolve("yealink/t54w.cfg.vm"),
                "#!version:1.0.0.1\naccount.1.password = ${accounts[0].password}\n\nx = ${device.nosuchfield}\n");
        ProvisioningServer server = start(settings(List.of("127.0.0.1/32"), false, Optional.of(userDir), 100));

        // when
        HttpResponse<String> r = get(server, "/provision/" + MAC + ".cfg");

        // then
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("server error\n").doesNotContain(line.secret());
        assertThat(serverLog.messages()).anySatisfy(l -> assertThat(l).contains("yealink/t54w.cfg.vm").contains("line 4"));
    }

    @Test
    void a_label_or_name_with_cr_lf_cannot_add_a_line_to_the_file() throws Exception {
        // given: values that validation would refuse, put straight into the ledger
        Mac mac = new Mac(MAC);
        DeskLine line = new DeskLine(mac.endpointId(), mac, 1, "secretsecretsecret");
        ledger.transact(tx -> {
            tx.insertDevice(new Device(mac, "yealink", "T54W", "Desk\r\naccount.1.password = stolen\u2028x", "", "", true),
                    List.of(line));
            tx.insertUser(new User(Extension.of("102"), "Eve\nlinekey.9.type = 13\rlinekey.9.value = 0900",
                    hasher.hash("4823"), true, "internal", "", "usersecret1234", false));
            return null;
        });
        ProvisioningServer server = start(open());
        String idle = get(server, "/provision/" + MAC + ".cfg").body();
        seat("102", line.endpointId());

        // when
        String occupied = get(server, "/provision/" + MAC + ".cfg").body();

        // then
        // 19 lines of settings, the account's transport, features.key_as_send and the logout code's dial-now rule,
        // then 4 lines for each of the T54W's line keys 3 to 27 (the places of a user's own keys, cleared)
        assertThat(idle.lines()).hasSize(22 + 4 * 25);
        assertThat(occupied.lines()).hasSize(22 + 4 * 25);
        assertThat(keys(idle)).containsEntry("account.1.password", "secretsecretsecret")
                .containsEntry("account.1.label", "Deskaccount.1.password = stolenx")
                .containsEntry("linekey.9.type", "0").containsEntry("linekey.9.value", "");
        assertThat(keys(occupied)).containsEntry("account.1.password", "secretsecretsecret")
                .containsEntry("account.1.label", "Evelinekey.9.type = 13linekey.9.value = 0900 102")
                .containsEntry("linekey.9.type", "0").containsEntry("linekey.9.value", "");
        assertThat(occupied.lines().filter(l -> l.startsWith("linekey.9."))).as("only the cleared key's own 4 lines")
                .containsExactly("linekey.9.type = 0", "linekey.9.line = 1", "linekey.9.value = ", "linekey.9.label = ");
    }

    @Test
    void a_device_of_a_vendor_without_a_cfg_profile_gets_the_same_404() throws Exception {
        // given
        devices.add(new ManageDevices.NewDevice("000413000001", "snom", "D785", "Snom desk", "", "", 1), "test");
        ProvisioningServer server = start(open());
        HttpResponse<String> unknown = get(server, "/provision/001565bbbbbb.cfg");

        // when
        HttpResponse<String> r = get(server, "/provision/000413000001.cfg");

        // then
        assertThat(shape(r)).isEqualTo(shape(unknown));
        assertThat(serverLog.messages()).anySatisfy(l -> assertThat(l).contains("vendor 'snom'"));
    }

    @Test
    void yealinks_common_file_is_answered_with_just_the_version_header() throws Exception {
        // given
        ProvisioningServer server = start(open());

        // when
        HttpResponse<String> r = get(server, "/provision/y000000000000.cfg");

        // then
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("#!version:1.0.0.1\n");
        assertThat(keys(r.body())).isEmpty();
        assertThat(audits("provision.refused")).isEmpty();
    }

    @Test
    void the_common_file_is_refused_outside_the_allowed_networks() throws Exception {
        // given
        ProvisioningServer server = start(settings(List.of("10.0.0.0/8"), false, Optional.empty(), 100));

        // when
        HttpResponse<String> r = get(server, "/provision/y000000000000.cfg");
        HttpResponse<String> polycom = get(server, "/provision/000000000000.cfg");

        // then
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(polycom.statusCode()).isEqualTo(404);
        // a common file is audited under its name: Polycom's 000000000000.cfg is no desk's file, though its name
        // looks like a Yealink desk file of MAC 000000000000
        assertThat(audits("provision.refused")).extracting(AuditEntry::subject, AuditEntry::detail)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("y000000000000.cfg", "network"),
                        org.assertj.core.groups.Tuple.tuple("000000000000.cfg", "network"));
    }

    @Test
    void the_server_binds_the_configured_address_and_close_stops_it() throws Exception {
        // given
        addDesk(MAC, "T54W", "Desk 4.12");
        ProvisioningServer server = start(open());
        int port = server.port();
        assertThat(port).isPositive();
        assertThat(get(server, "/provision/" + MAC + ".cfg").statusCode()).isEqualTo(200);

        // when
        server.close();

        // then
        HttpRequest again = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/provision/" + MAC + ".cfg"))
                .timeout(Duration.ofSeconds(10)).build();
        assertThatThrownBy(() -> http.send(again, HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void the_rendered_file_is_never_logged() throws Exception {
        // given
        DeskLine line = addDesk(MAC, "T54W", "Desk 4.12");
        ProvisioningServer server = start(open());

        // when
        get(server, "/provision/" + MAC + ".cfg");

        // then
        assertThat(serverLog.messages()).isNotEmpty().noneSatisfy(l -> assertThat(l).contains(line.secret()));
    }

    @Test
    void a_ledger_failure_answers_a_generic_500_and_refusals_still_stand_when_they_cannot_be_audited()
            throws Exception {
        // given
        Ledger down = new Ledger() {
            @Override
            public <T> T transact(Work<T> work) {
                throw new LedgerException("ledger unreachable (test)", null);
            }
        };
        ProvisionDesk onDown = new ProvisionDesk(down, clock);
        ProvisioningServer server = new ProvisioningServer(open(), onDown, clock);
        servers.add(server);
        server.start();

        // when
        HttpResponse<String> fetch = get(server, "/provision/" + MAC + ".cfg");
        HttpResponse<String> malformed = get(server, "/provision/nonsense.cfg");

        // then: the refusal's audit line waits in the journal, whose flush fails and keeps it
        assertThatThrownBy(() -> onDown.journal().flush()).isInstanceOf(LedgerException.class);
        assertThat(onDown.journal().pending().lines()).isEqualTo(1);
        assertThat(fetch.statusCode()).isEqualTo(500);
        assertThat(fetch.body()).isEqualTo("server error\n");
        assertThat(fetch.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(serverLog.messages()).anySatisfy(l -> assertThat(l).contains("/provision/" + MAC + ".cfg failed"));
        assertThat(securityLog.messages()).contains("provisioning refused ip=127.0.0.1 mac=nonsense.cfg reason=malformed");
    }

    @Test
    void a_forwarding_header_cannot_move_a_client_into_the_allowed_networks() throws Exception {
        // given
        addDesk(MAC, "T54W", "Desk 4.12");
        ProvisioningServer server = start(settings(List.of("10.0.0.0/8"), false, Optional.empty(), 100));
        HttpRequest forged = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/provision/" + MAC + ".cfg"))
                .header("X-Forwarded-For", "10.1.2.3").header("Forwarded", "for=10.1.2.3")
                .timeout(Duration.ofSeconds(10)).build();

        // when
        HttpResponse<String> r = http.send(forged, HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(fetches()).isEmpty();
        assertThat(securityLog.messages()).containsExactly("provisioning refused ip=127.0.0.1 mac=" + MAC + " reason=network");
    }

    @Test
    void a_port_in_use_fails_start_naming_address_and_port() {
        // given
        ProvisioningServer first = start(open());
        ProvisioningSettings o = open();
        ProvisioningSettings samePort = new ProvisioningSettings(o.bindAddress(), first.port(), o.allowedNetworks(),
                false, Optional.empty(), o.sipServer(), o.sipPort(), o.registrationExpiry(), o.ntpServer(), o.timezone(),
                o.logoutCode(), o.maxRefusalsPerMinute(), o.requestTimeout());
        ProvisioningServer second = new ProvisioningServer(samePort, provisionDesk, clock);
        servers.add(second);

        // when / then
        assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("127.0.0.1:" + first.port());
    }

    // ---- slow and oversized clients (issue #7, defect 14)

    @Test
    void a_client_trickling_its_headers_is_disconnected_within_the_request_timeout() throws Exception {
        // given a request timeout of 1 s, and a client sending a header byte every 200 ms, so it is never idle
        addDesk(MAC, "T54W", "Desk 4.12");
        ProvisioningServer server = start(impatient());
        Socket slow = connect(server, "127.0.0.1");

        // when
        trickle(slow);

        // then
        await().atMost(Duration.ofSeconds(20)).until(() -> closedByServer(slow));
        assertThat(securityLog.messages()).contains("provisioning refused ip=127.0.0.1 mac=- reason=request-timeout");
        assertThat(fetches()).isEmpty();
    }

    @Test
    void a_kept_alive_connection_that_starts_trickling_after_an_answered_request_is_disconnected_too()
            throws Exception {
        // given
        addDesk(MAC, "T54W", "Desk 4.12");
        ProvisioningServer server = start(impatient());
        Socket phone = connect(server, "127.0.0.1");
        assertThat(exchange(phone, "/provision/" + MAC + ".cfg")).isEqualTo("HTTP/1.1 200 OK");

        // when
        trickle(phone);

        // then
        await().atMost(Duration.ofSeconds(20)).until(() -> closedByServer(phone));
    }

    @Test
    void a_phone_is_served_while_slow_clients_hold_connections() throws Exception {
        // given slow clients within a request timeout longer than this test
        addDesk(MAC, "T54W", "Desk 4.12");
        ProvisioningServer server = start(settings(List.of("127.0.0.0/8"), false, Optional.empty(), 100, Duration.ofMinutes(5)));
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Socket s = connect(server, "127.0.0.1");
            trickle(s);
            slow.add(s);
        }

        // when
        HttpResponse<String> r = get(server, "/provision/" + MAC + ".cfg");

        // then
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(slow).noneMatch(ProvisioningServerTest::closedByServer);
    }

    @Test
    void at_the_connection_limit_a_phone_waits_until_the_request_timeout_frees_a_slot() throws Exception {
        // given a limit of 3 connections, all held by clients that were served once and then trickle
        addDesk(MAC, "T54W", "Desk 4.12");
        ProvisioningSettings threeSeconds = settings(List.of("127.0.0.0/8"), false, Optional.empty(), 100,
                Duration.ofSeconds(3));
        ProvisioningServer server = new ProvisioningServer(threeSeconds, provisionDesk, clock, 100, 3);
        servers.add(server);
        server.start();
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket s = connect(server, "127.0.0.1");
            assertThat(exchange(s, "/provision/y000000000000.cfg")).isEqualTo("HTTP/1.1 200 OK");
            trickle(s);
            slow.add(s);
        }
        HttpRequest fetch = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/provision/" + MAC + ".cfg"))
                .timeout(Duration.ofSeconds(30)).build();

        // when
        HttpResponse<String> r = http.send(fetch, HttpResponse.BodyHandlers.ofString());

        // then the phone got its file, and only once a slow client had been cut off
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(slow).anyMatch(ProvisioningServerTest::closedByServer);
    }

    @Test
    void a_request_head_larger_than_8_kib_is_refused_with_431() throws Exception {
        // given
        addDesk(MAC, "T54W", "Desk 4.12");
        ProvisioningServer server = start(open());
        HttpRequest huge = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/provision/" + MAC + ".cfg"))
                .header("X-Padding", "a".repeat(9000)).timeout(Duration.ofSeconds(10)).build();

        // when
        HttpResponse<String> r = http.send(huge, HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(r.statusCode()).isEqualTo(431);
        assertThat(fetches()).isEmpty();
        assertThat(get(server, "/provision/" + MAC + ".cfg").statusCode()).isEqualTo(200);
    }

    @Test
    void when_the_refusal_table_is_full_a_new_address_is_still_refused_and_the_overflow_is_logged_once()
            throws Exception {
        // given a table for one address, taken by 127.0.0.1
        ProvisioningServer server = new ProvisioningServer(open(), provisionDesk, clock, 1, 512);
        servers.add(server);
        server.start();
        assertThat(get(server, "/provision/garbage.cfg").statusCode()).isEqualTo(400);

        // when two more addresses are refused
        String second = exchange(connect(server, "127.0.0.2"), "/provision/garbage.cfg");
        String third = exchange(connect(server, "127.0.0.3"), "/provision/garbage.cfg");

        // then
        assertThat(second).isEqualTo("HTTP/1.1 400 Bad Request");
        assertThat(third).isEqualTo("HTTP/1.1 400 Bad Request");
        assertThat(securityLog.messages()).contains("provisioning refused ip=127.0.0.2 mac=garbage.cfg reason=malformed")
                .filteredOn(l -> l.contains("further addresses are refused without rate limiting"))
                .containsExactly("provisioning refusals came from more than 1 addresses this minute; further addresses "
                        + "are refused without rate limiting until the minute ends (first untracked ip=127.0.0.2)");
    }

    // ---- which thread answers

    @Test
    void a_desk_file_served_again_is_answered_from_memory_and_the_same_bytes_every_time() throws Exception {
        // given
        addDesk(MAC, "T54W", "Desk 1");
        ProvisioningServer server = start(open());
        String first = get(server, "/provision/" + MAC + ".cfg").body();
        long before = server.answeredInline();

        // when: fetched again, many times (the body unpacked into pooled buffers each time)
        List<String> again = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // within the per-desk fetch limit (30 a minute)
            HttpResponse<String> r = get(server, "/provision/" + MAC + ".cfg");
            assertThat(r.statusCode()).isEqualTo(200);
            again.add(r.body());
        }

        // then
        assertThat(server.answeredInline() - before).isEqualTo(20);
        assertThat(again).allSatisfy(b -> assertThat(b).isEqualTo(first));
        assertThat(fetches()).as("one desk's fetches, one record").hasSize(1);

        // and: a change of the desk (a new revision) sends the next fetch to a thread that may read the ledger
        seat("101", addUserAnd("101"));
        long inline = server.answeredInline();
        assertThat(get(server, "/provision/" + MAC + ".cfg").body()).isNotEqualTo(first);
        assertThat(server.answeredInline()).isEqualTo(inline);
    }

    @Test
    void a_fetch_over_a_limit_is_refused_on_a_thread_of_the_pool_not_the_connections_own() throws Exception {
        // given: a kept desk fetched up to its limit, each fetch after the first answered from memory
        addDesk(MAC, "T54W", "Desk 1");
        ProvisioningServer server = start(fetchLimits(3, 1000));
        for (int i = 0; i < 3; i++) {
            assertThat(get(server, "/provision/" + MAC + ".cfg").statusCode()).isEqualTo(200);
        }
        assertThat(server.answeredInline()).isEqualTo(2);

        // when: fetched over the limit (refused with a security log line)
        HttpResponse<String> fourth = get(server, "/provision/" + MAC + ".cfg");
        HttpResponse<String> fifth = get(server, "/provision/" + MAC + ".cfg");

        // then
        assertThat(fourth.statusCode()).isEqualTo(429);
        assertThat(fifth.statusCode()).isEqualTo(429);
        assertThat(server.answeredInline()).as("refusals are not answered on the connection's thread").isEqualTo(2);
        assertThat(securityLog.messages()).hasSize(2);

        // and: the next minute, once looked at again (55 s on, a recheck is due), from memory again
        clock.advance(Duration.ofSeconds(55));
        assertThat(get(server, "/provision/" + MAC + ".cfg").statusCode()).isEqualTo(200);
        assertThat(get(server, "/provision/" + MAC + ".cfg").statusCode()).isEqualTo(200);
        assertThat(server.answeredInline()).isEqualTo(3);
    }

    @Test
    void a_blocked_address_is_refused_on_a_thread_of_the_pool_even_for_files_kept_in_memory() throws Exception {
        // given: the common file and a kept desk, answered from memory
        addDesk(MAC, "T54W", "Desk 4.12");
        ProvisioningServer server = start(settings(List.of("127.0.0.1/32"), false, Optional.empty(), 3));
        get(server, "/provision/" + MAC + ".cfg");
        assertThat(get(server, "/provision/" + MAC + ".cfg").statusCode()).isEqualTo(200);
        assertThat(get(server, "/provision/y000000000000.cfg").statusCode()).isEqualTo(200);
        long inline = server.answeredInline();
        assertThat(inline).isEqualTo(2);

        // when: the address earns a block with three refusals
        for (int i = 1; i <= 3; i++) {
            get(server, "/provision/00156500000" + i + ".cfg");
        }
        HttpResponse<String> desk = get(server, "/provision/" + MAC + ".cfg");
        HttpResponse<String> common = get(server, "/provision/y000000000000.cfg");

        // then
        assertThat(desk.statusCode()).isEqualTo(429);
        assertThat(common.statusCode()).isEqualTo(429);
        assertThat(server.answeredInline()).as("refusals are not answered on the connection's thread").isEqualTo(inline);
        assertThat(securityLog.messages()).filteredOn(l -> l.endsWith("reason=rate-limited")).hasSize(2);
    }

    @Test
    void what_a_file_name_asks_for_is_worked_out_once_per_name_and_a_scanners_names_are_not_kept() throws Exception {
        // given
        addDesk(MAC, "T54W", "Desk 1");
        ProvisioningServer server = start(open());

        // when
        for (int i = 0; i < 3; i++) {
            assertThat(get(server, "/provision/" + MAC + ".cfg").statusCode()).isEqualTo(200);
        }
        assertThat(get(server, "/provision/garbage.cfg").statusCode()).isEqualTo(400);
        assertThat(get(server, "/provision/y000000000000.cfg").statusCode()).isEqualTo(200);

        // then: the desk's name and the common file are kept, the unknown name is not
        assertThat(server.routesKept()).isEqualTo(2);
        assertThat(server.requested(MAC + ".cfg")).isSameAs(server.requested(MAC + ".cfg"))
                .isEqualTo(RequestedFile.of(MAC + ".cfg", VendorProfiles.byVendor().values()));

        // and: names past the bound empty the table instead of growing it
        for (int i = 0; i <= ProvisioningServer.MAX_ROUTES; i++) {
            server.requested(String.format("%012x.cfg", 0x001565000000L + i));
        }
        assertThat(server.routesKept()).isBetween(1, ProvisioningServer.MAX_ROUTES);

        // and: forgetting idle desks forgets the names too
        server.forgetIdle();
        assertThat(server.routesKept()).isZero();
        assertThat(get(server, "/provision/" + MAC + ".cfg").statusCode()).isEqualTo(200);
        assertThat(server.routesKept()).isEqualTo(1);
    }

    @Test
    void a_file_the_collector_dropped_is_rendered_again_on_a_worker_and_kept_again() throws Exception {
        // given: a desk's file kept and answered from memory
        addDesk(MAC, "T54W", "Desk 1");
        ProvisioningServer server = start(open());
        String first = get(server, "/provision/" + MAC + ".cfg").body();
        get(server, "/provision/" + MAC + ".cfg");
        long inline = server.answeredInline();
        assertThat(inline).isEqualTo(1);
        assertThat(server.keptFiles()).isEqualTo(1);

        // when: the heap ran short and the collector dropped the files kept
        server.dropKeptAsTheCollectorMay();
        assertThat(server.keptFiles()).isZero();
        HttpResponse<String> again = get(server, "/provision/" + MAC + ".cfg");

        // then: rendered again off the connection's thread, the same bytes, and kept again
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first);
        assertThat(server.answeredInline()).isEqualTo(inline);
        assertThat(server.keptFiles()).isEqualTo(1);
        assertThat(get(server, "/provision/" + MAC + ".cfg").body()).isEqualTo(first);
        assertThat(server.answeredInline()).isEqualTo(inline + 1);
    }

    @Test
    void a_request_the_pool_refuses_is_answered_as_refused_and_one_it_takes_runs_there() {
        List<String> done = new ArrayList<>();
        java.util.concurrent.Executor refusing = r -> {
            throw new java.util.concurrent.RejectedExecutionException("stopping (test)");
        };

        ProvisioningServer.handOff(refusing, () -> done.add("routed"), () -> done.add("503"));
        ProvisioningServer.handOff(Runnable::run, () -> done.add("routed"), () -> done.add("503"));

        assertThat(done).containsExactly("503", "routed");
    }

    private String addUserAnd(String ext) {
        addUser(ext, "Alice Example");
        return Mac.parse(MAC).endpointId();
    }

    /**
     * A fetch that must read the ledger runs on a thread of the pool, never on the connection's selector, so a
     * slow ledger holds up that fetch only: other desks' kept files are still served meanwhile. Fails when every
     * fetch is answered on the selector (the ledger read then blocks it, inside Jetty's HttpConnection).
     */
    @Test
    void a_fetch_waiting_for_the_ledger_holds_up_no_other_fetch_and_never_waits_on_the_selector() throws Exception {
        // given: two desks whose files are kept, behind a ledger that can be made to wait
        addDesk(MAC, "T54W", "Desk 1");
        addDesk("0015651234ac", "T54W", "Desk 2");
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean gate = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<StackTraceElement[]> waiter = new java.util.concurrent.atomic.AtomicReference<>();
        hotdesk.core.port.Ledger slow = new hotdesk.core.port.Ledger() {
            @Override
            public <T> T transact(Work<T> work) {
                if (gate.get() && Thread.currentThread().getName().startsWith("hotdesk-provisioning")) {
                    waiter.compareAndSet(null, Thread.currentThread().getStackTrace());
                    inside.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return ledger.transact(work);
            }

            @Override
            public java.util.OptionalLong latestKnownRevision() {
                return ledger.latestKnownRevision();
            }
        };
        ProvisioningServer server = new ProvisioningServer(open(), new ProvisionDesk(slow, clock), clock);
        servers.add(server);
        server.start();
        String desk1 = get(server, "/provision/" + MAC + ".cfg").body();
        String desk2 = get(server, "/provision/0015651234ac.cfg", "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ac").body();

        // when: an unknown desk's fetch (which must read the ledger) waits inside it
        gate.set(true);
        try {
            whileOneWaits(server, inside, waiter, desk1, desk2, release);
        } finally {
            release.countDown(); // a failure must not leave a thread waiting, or stopping the server would wait too
        }
    }

    private void whileOneWaits(ProvisioningServer server, java.util.concurrent.CountDownLatch inside,
                               java.util.concurrent.atomic.AtomicReference<StackTraceElement[]> waiter, String desk1,
                               String desk2, java.util.concurrent.CountDownLatch release) throws Exception {
        java.util.concurrent.Future<HttpResponse<String>> unknown = slowClients.submit(() -> get(server,
                "/provision/0015651234ad.cfg", "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ad"));
        assertThat(inside.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(waiter.get()).extracting(StackTraceElement::getClassName)
                .as("the ledger read ran on a thread of the pool, not in the connection's own handling")
                .noneMatch(c -> c.startsWith("org.eclipse.jetty.server.internal.HttpConnection"));

        // then: the kept desks are still served, while it waits
        for (int i = 0; i < 5; i++) {
            assertThat(get(server, "/provision/" + MAC + ".cfg").body()).isEqualTo(desk1);
            assertThat(get(server, "/provision/0015651234ac.cfg", "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ac").body())
                    .isEqualTo(desk2);
        }
        assertThat(unknown).isNotDone();
        release.countDown();
        assertThat(unknown.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(404);
    }
}
