package hotdesk.provisioning;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.DeskLine;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.usecase.DeviceLogins;
import hotdesk.core.usecase.ManageDevices;
import hotdesk.core.usecase.PreviewDeskFile;
import hotdesk.core.usecase.ProvisionDesk;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.LogCapture;
import hotdesk.testing.MutableClock;
import hotdesk.testing.TestKeystore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The provisioning listener with TLS, a URL key and per-device credentials (issue 9), over real HTTPS on
 * loopback with a self-signed certificate made for the test: the attack of the issue (a User-Agent naming
 * someone else's MAC) now gets nothing, and no secret reaches a log line.
 */
class ProvisioningSecurityServerTest {

    private static final String MAC = "0015651234ab";
    private static final String OTHER_MAC = "001565abcdef";
    private static final String UNKNOWN_MAC = "001565000999";
    private static final String URL_KEY = "k3y-0f-the-pr0visioning_url";
    private static final String TLS_PASSWORD = "tls-store-secret-4711";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-03T08:00:05Z"));
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final SecureRandom random = new SecureRandom();
    private final ManageDevices devices = new ManageDevices(ledger, random, Set.of("yealink"), clock);
    private final DeviceLogins logins = new DeviceLogins(ledger, random, clock);
    private final ProvisionDesk provisionDesk = new ProvisionDesk(ledger, clock);
    private final List<ProvisioningServer> servers = new ArrayList<>();
    /** Every logger at its configured level (the JDK's own TLS and HTTP client included). */
    private LogCapture everything;
    /** hotdesk's own loggers at DEBUG: the widest net for what hotdesk itself writes. */
    private LogCapture hotdeskDebug;
    private TestKeystore keystore;
    private HttpClient https;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        everything = LogCapture.of(LogCapture.EVERYTHING);
        hotdeskDebug = LogCapture.atDebug("hotdesk");
        keystore = TestKeystore.create(dir.resolve("provisioning.p12"), TLS_PASSWORD);
        https = HttpClient.newBuilder().sslContext(keystore.trusting()).connectTimeout(Duration.ofSeconds(5)).build();
        new SecretHasher(1000, random); // nothing of the PIN path is needed here
    }

    @AfterEach
    void stop() {
        servers.forEach(ProvisioningServer::close);
        everything.close();
        hotdeskDebug.close();
    }

    // ---- fixtures

    /** Every network allowed: what is refused here is refused for TLS, key or credentials, not the network. */
    private static ProvisioningSettings settings(String bind) {
        return new ProvisioningSettings(bind, 0, List.of("0.0.0.0/0", "::/0"), true, Optional.empty(), "pbx.example.org", 5060, Duration.ofSeconds(500),
                "ntp.example.org", "Europe/Berlin", "*32", 1000, Duration.ofSeconds(10));
    }

    private ProvisioningSecurity secured() {
        return new ProvisioningSecurity(Optional.of(ProvisioningSecurity.Tls.keystore(keystore.file(), TLS_PASSWORD)), List.of(),
                Optional.of(URL_KEY), true).checkedFor("127.0.0.1");
    }

    private ProvisioningServer start(ProvisioningSettings s, ProvisioningSecurity security) {
        ProvisioningServer server = new ProvisioningServer(s, security, provisionDesk, clock);
        servers.add(server);
        server.start();
        return server;
    }

    private DeskLine addDesk(String mac) {
        ManageDevices.Result r = devices.add(new ManageDevices.NewDevice(mac, "yealink", "T54W", "Desk", "", "", 1), "test");
        return ((ManageDevices.Done) r).lines().get(0);
    }

    private String credentials(String mac, boolean rotate) {
        return ((DeviceLogins.Issued) logins.issue(mac, rotate, "test")).password();
    }

    private static String ua(String mac) {
        return "Yealink SIP-T54W 96.86.0.100 " + hotdesk.core.model.Mac.parse(mac).display().toLowerCase(Locale.ROOT);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(HttpClient client, String scheme, ProvisioningServer server, String path, String userAgent,
                                     String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).header("User-Agent", userAgent).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> fetch(ProvisioningServer server, String mac, String authorization) throws Exception {
        return get(https, "https", server, "/provision/" + URL_KEY + "/" + mac + ".cfg", ua(mac), authorization);
    }

    /** Status, body and every header except Date: what a client could compare between two answers. */
    private static Map<String, Object> shape(HttpResponse<String> r) {
        Map<String, Object> m = new TreeMap<>(r.headers().map());
        m.remove("date");
        m.put(":status", r.statusCode());
        m.put(":body", r.body());
        return m;
    }

    private List<AuditEntry> refusals() {
        provisionDesk.journal().flush();
        return ledger.audit().stream().filter(a -> a.action().equals("provision.refused")).toList();
    }

    private void assertNoSecretLogged(String... secrets) {
        List<String> lines = new ArrayList<>(everything.lines());
        lines.addAll(hotdeskDebug.lines());
        assertThat(hotdeskDebug.lines()).isNotEmpty();
        for (String secret : secrets) {
            assertThat(lines).noneMatch(l -> l.contains(secret));
        }
    }

    // ---- HTTPS with a URL key and the device's own credentials

    @Test
    void a_phone_gets_its_file_over_https_with_its_credentials_and_the_file_makes_it_keep_them() throws Exception {
        addDesk(MAC);
        String password = credentials(MAC, false);
        ProvisioningServer server = start(settings("127.0.0.1"), secured());

        HttpResponse<String> r = fetch(server, MAC, basic("hd-" + MAC, password));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.sslSession()).isPresent();
        assertThat(r.sslSession().get().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        String sipSecret = ledger.read(tx -> tx.linesOf(hotdesk.core.model.Mac.parse(MAC)).get(0).secret());
        assertThat(r.body()).contains("account.1.password = " + sipSecret)
                .contains("static.auto_provision.server.username = hd-" + MAC)
                .contains("static.auto_provision.server.password = " + password);
        provisionDesk.journal().flush();
        assertThat(ledger.fetches()).hasSize(1);
        assertNoSecretLogged(password, sipSecret, URL_KEY, TLS_PASSWORD);
    }

    @Test
    void what_an_authenticated_fetch_records_for_provision_diff_is_the_rendered_file_masked_without_any_secret()
            throws Exception {
        // given: a phone fetched its file with its credentials
        addDesk(MAC);
        String password = credentials(MAC, false);
        ProvisioningServer server = start(settings("127.0.0.1"), secured());
        assertThat(fetch(server, MAC, basic("hd-" + MAC, password)).statusCode()).isEqualTo(200);

        // when the journal writes it
        provisionDesk.journal().flush();

        // then: the record is what provision render prints (SIP password masked, no provisioning credentials)
        hotdesk.core.model.Mac mac = hotdesk.core.model.Mac.parse(MAC);
        String sipSecret = ledger.read(tx -> tx.linesOf(mac).get(0).secret());
        List<hotdesk.core.model.ServedFile> served = ledger.read(tx -> tx.servedFiles(mac));
        PreviewDeskFile.File rendered = (PreviewDeskFile.File) new PreviewDeskFile(ledger, clock, new DeskFiles(settings("127.0.0.1")))
                .render(mac, Optional.empty(), 1, false);
        assertThat(served).hasSize(1);
        assertThat(served.get(0).fileName()).isEqualTo(MAC + ".cfg");
        assertThat(served.get(0).maskedText()).hasValue(rendered.text());
        assertThat(served.get(0).maskedText().get()).contains("account.1.password = " + PreviewDeskFile.MASK)
                .doesNotContain(sipSecret, password, URL_KEY);
        assertThat(served.get(0).secretsDigest()).isEqualTo(hotdesk.core.model.ServedFile.secretsDigest(mac, List.of(sipSecret)));
    }

    @Test
    void the_stored_credential_is_the_passwords_sha256_never_the_password() throws Exception {
        addDesk(MAC);
        String password = credentials(MAC, false);

        String stored = ledger.read(tx -> tx.deviceCredential(hotdesk.core.model.Mac.parse(MAC))).orElseThrow().secretHash();

        assertThat(stored).isNotEqualTo(password).doesNotContain(password).isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8))));
        assertThat(password).matches("[A-Za-z0-9_-]{32}");
    }

    @Test
    void the_curl_attack_of_the_issue_gets_no_file_a_user_agent_naming_the_mac_is_not_enough() throws Exception {
        DeskLine line = addDesk(MAC);
        credentials(MAC, false);
        String sipSecret = line.secret();
        ProvisioningServer server = start(settings("127.0.0.1"), secured());

        // curl -A "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ab" https://hotdesk:8089/provision/KEY/0015651234ab.cfg
        HttpResponse<String> bare = fetch(server, MAC, null);
        HttpResponse<String> guessed = fetch(server, MAC, basic("hd-" + MAC, "admin"));
        HttpResponse<String> wrongUser = fetch(server, MAC, basic("admin", "admin"));
        HttpResponse<String> malformed = fetch(server, MAC, "Basic !!!notbase64");

        for (HttpResponse<String> r : List.of(bare, guessed, wrongUser, malformed)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"hotdesk provisioning\", charset=\"UTF-8\"");
            assertThat(r.body()).doesNotContain(sipSecret).isEqualTo("unauthorized\n");
        }
        assertThat(shape(guessed)).isEqualTo(shape(bare));
        provisionDesk.journal().flush();
        assertThat(ledger.fetches()).isEmpty();
        assertThat(refusals()).extracting(AuditEntry::detail).containsExactly("credentials", "credentials");
        assertThat(everything.messages()).contains("provisioning refused ip=127.0.0.1 mac=" + MAC + " reason=credentials");
    }

    @Test
    void another_desks_password_or_an_unknown_mac_gets_the_same_answer_as_a_wrong_password() throws Exception {
        addDesk(MAC);
        addDesk(OTHER_MAC);
        credentials(MAC, false);
        String others = credentials(OTHER_MAC, false);
        ProvisioningServer server = start(settings("127.0.0.1"), secured());

        HttpResponse<String> borrowed = fetch(server, MAC, basic("hd-" + MAC, others));
        HttpResponse<String> unknown = fetch(server, UNKNOWN_MAC, basic("hd-" + UNKNOWN_MAC, others));
        HttpResponse<String> wrong = fetch(server, MAC, basic("hd-" + MAC, "x".repeat(32)));

        assertThat(borrowed.statusCode()).isEqualTo(401);
        assertThat(shape(unknown)).isEqualTo(shape(borrowed)).isEqualTo(shape(wrong));
        assertThat(fetch(server, OTHER_MAC, basic("hd-" + OTHER_MAC, others)).statusCode()).isEqualTo(200);
    }

    @Test
    void a_desk_without_credentials_gets_no_file_while_device_auth_is_on() throws Exception {
        addDesk(MAC);
        ProvisioningServer server = start(settings("127.0.0.1"), secured());

        assertThat(fetch(server, MAC, basic("hd-" + MAC, "")).statusCode()).isEqualTo(401);
        assertThat(fetch(server, MAC, basic("hd-" + MAC, "0".repeat(64))).statusCode()).isEqualTo(401);
    }

    @Test
    void rotated_credentials_take_effect_at_the_next_fetch_of_a_running_server_and_revoked_ones_fail() throws Exception {
        addDesk(MAC);
        String first = credentials(MAC, false);
        ProvisioningServer server = start(settings("127.0.0.1"), secured());
        assertThat(fetch(server, MAC, basic("hd-" + MAC, first)).statusCode()).isEqualTo(200);

        String second = credentials(MAC, true);

        assertThat(second).isNotEqualTo(first);
        assertThat(fetch(server, MAC, basic("hd-" + MAC, first)).statusCode()).isEqualTo(401);
        HttpResponse<String> now = fetch(server, MAC, basic("hd-" + MAC, second));
        assertThat(now.statusCode()).isEqualTo(200);
        assertThat(now.body()).contains("static.auto_provision.server.password = " + second).doesNotContain(first);

        assertThat(logins.revoke(MAC, "test")).isTrue();
        assertThat(fetch(server, MAC, basic("hd-" + MAC, second)).statusCode()).isEqualTo(401);
    }

    @Test
    void a_wrong_or_missing_url_key_gets_the_404_of_an_unknown_desk_and_is_never_logged() throws Exception {
        addDesk(MAC);
        String password = credentials(MAC, false);
        ProvisioningServer server = start(settings("127.0.0.1"), secured());
        String auth = basic("hd-" + MAC, password);
        String wrongKey = URL_KEY.substring(0, URL_KEY.length() - 1) + "X";

        HttpResponse<String> none = get(https, "https", server, "/provision/" + MAC + ".cfg", ua(MAC), auth);
        HttpResponse<String> wrong = get(https, "https", server, "/provision/" + wrongKey + "/" + MAC + ".cfg", ua(MAC), auth);
        HttpResponse<String> shorter = get(https, "https", server, "/provision/" + URL_KEY.substring(1) + "/" + MAC + ".cfg", ua(MAC), auth);
        HttpResponse<String> unknown = fetch(server, UNKNOWN_MAC, null); // a right key, an unknown MAC: challenged, not 404
        HttpResponse<String> noSuchPath = get(https, "https", server, "/nothing", ua(MAC), null);

        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(shape(wrong)).isEqualTo(shape(none)).isEqualTo(shape(shorter)).isEqualTo(shape(noSuchPath));
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(everything.messages()).filteredOn(m -> m.contains("reason=url-key")).hasSize(3);
        assertThat(refusals()).extracting(AuditEntry::detail).containsExactly("url-key", "url-key", "url-key");
        assertNoSecretLogged(wrongKey, URL_KEY.substring(1), password);
        assertThat(refusals()).allSatisfy(a -> assertThat(a.toString()).doesNotContain(wrongKey));
    }

    @Test
    void plain_http_gets_nothing_from_a_tls_listener() throws Exception {
        addDesk(MAC);
        ProvisioningServer server = start(settings("127.0.0.1"), secured());
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        assertThatThrownBy(() -> get(plain, "http", server, "/provision/" + URL_KEY + "/" + MAC + ".cfg", ua(MAC), null))
                .isInstanceOf(IOException.class);
    }

    @Test
    void a_pem_certificate_chain_and_pkcs8_key_serve_https_as_a_keystore_does() throws Exception {
        KeyStore ks = KeyStore.getInstance(keystore.file().toFile(), TLS_PASSWORD.toCharArray());
        String alias = Collections.list(ks.aliases()).get(0);
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n" + b64.encodeToString(ks.getCertificate(alias).getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + b64.encodeToString(ks.getKey(alias, TLS_PASSWORD.toCharArray())
                .getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        addDesk(MAC);
        String password = credentials(MAC, false);
        ProvisioningSecurity pem = new ProvisioningSecurity(Optional.of(ProvisioningSecurity.Tls.pem(cert, key)), List.of(),
                Optional.of(URL_KEY), true);
        ProvisioningServer server = start(settings("127.0.0.1"), pem);

        assertThat(fetch(server, MAC, basic("hd-" + MAC, password)).statusCode()).isEqualTo(200);
    }

    // ---- plain HTTP only where the admin allows it

    /** A non-loopback IPv4 address of this machine, or none (then the test is skipped). */
    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!n.isUp() || n.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(n.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }

    /** One GET over a raw connection from and to {@code address}; returns the status code. */
    private static int rawGet(InetAddress address, int port, String path, String userAgent) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(address, 0));
            s.connect(new InetSocketAddress(address, port), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: hotdesk\r\nConnection: close\r\nUser-Agent: " + userAgent + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String status = new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\r\n", 2)[0];
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    @Test
    void plain_http_serves_loopback_and_the_allowed_networks_only() throws Exception {
        Optional<InetAddress> lan = nonLoopbackAddress();
        assumeTrue(lan.isPresent(), "this machine has no non-loopback IPv4 address to fetch from");
        addDesk(MAC);
        String path = "/provision/" + MAC + ".cfg";
        ProvisioningServer refusing = start(settings("0.0.0.0"), ProvisioningSecurity.none());
        ProvisioningServer allowing = start(settings("0.0.0.0"), new ProvisioningSecurity(Optional.empty(),
                List.of(lan.get().getHostAddress() + "/32"), Optional.empty(), false));

        int fromLan = rawGet(lan.get(), refusing.port(), path, ua(MAC));
        int fromLoopback = rawGet(InetAddress.getLoopbackAddress(), refusing.port(), path, ua(MAC));
        int allowedLan = rawGet(lan.get(), allowing.port(), path, ua(MAC));

        assertThat(fromLan).isEqualTo(404);
        assertThat(fromLoopback).isEqualTo(200);
        assertThat(allowedLan).isEqualTo(200);
        assertThat(everything.messages()).contains("provisioning refused ip=" + lan.get().getHostAddress() + " mac=" + MAC
                + " reason=plain-http");
    }

    @Test
    void a_listener_that_would_send_desk_files_in_clear_beyond_loopback_is_refused_naming_the_keys() {
        ProvisioningSecurity plain = ProvisioningSecurity.none();

        assertThat(plain.checkedFor("127.0.0.1")).isSameAs(plain);
        assertThatThrownBy(() -> plain.checkedFor("0.0.0.0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provisioning.bind is 0.0.0.0")
                .hasMessageContaining("provisioning.tls-keystore")
                .hasMessageContaining("provisioning.plain-http-networks");
        assertThat(new ProvisioningSecurity(Optional.empty(), List.of("10.1.0.0/16"), Optional.empty(), false)
                .checkedFor("0.0.0.0").plainHttpNetworks()).containsExactly("10.1.0.0/16");
        assertThatThrownBy(() -> new ProvisioningSecurity(Optional.empty(), List.of("10.1.0.0/16"), Optional.empty(), true)
                .checkedFor("0.0.0.0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provisioning.device-auth=basic");
    }
}
