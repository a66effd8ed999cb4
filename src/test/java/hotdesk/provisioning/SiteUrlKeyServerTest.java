package hotdesk.provisioning;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.usecase.ManageDevices;
import hotdesk.core.usecase.ManageSites;
import hotdesk.core.usecase.ProvisionDesk;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.LogCapture;
import hotdesk.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A site's own provisioning URL key (issue 9): the desks of a site with a key are served under that key
 * only, every other key and no key get the one 404 of an unknown desk ({@code reason=url-key}); desks of
 * sites without a key keep the global rule; common files go to every key the server knows; a key set,
 * rotated or removed in the ledger (as {@code hotdesk site set} does) holds at the next fetch of the
 * running server; no key reaches a log line or the audit.
 */
class SiteUrlKeyServerTest {

    private static final String DESK_A = "0015651234ab";
    private static final String DESK_B = "0015651234bc";
    private static final String DESK_C = "0015651234cd";
    private static final String UNKNOWN = "001565000999";
    private static final String GLOBAL = "the-global-url-key_0123456789";
    private static final String KEY_A = "site-a-own-url-key_0123456789";
    private static final String KEY_B = "site-b-own-url-key_0123456789";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-03T08:00:05Z"));
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final ManageDevices devices = new ManageDevices(ledger, new SecureRandom(), Set.of("yealink", "polycom", "grandstream"), clock);
    private final ManageSites sites = new ManageSites(ledger, clock);
    private final ProvisionDesk provisionDesk = new ProvisionDesk(ledger, clock);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<ProvisioningServer> servers = new ArrayList<>();
    private LogCapture everything;
    private LogCapture hotdeskDebug;

    @BeforeEach
    void setUp() {
        everything = LogCapture.of(LogCapture.EVERYTHING);
        hotdeskDebug = LogCapture.atDebug("hotdesk");
        site("A", KEY_A);
        site("B", KEY_B);
        site("C", null);
        desk(DESK_A, "A");
        desk(DESK_B, "B");
        desk(DESK_C, "C");
    }

    @AfterEach
    void stop() {
        servers.forEach(ProvisioningServer::close);
        everything.close();
        hotdeskDebug.close();
    }

    // ---- fixtures

    private void site(String name, String key) {
        Map<String, String> fields = new TreeMap<>(Map.of(ManageSites.TIME_ZONE, "Europe/Berlin"));
        if (key != null) {
            fields.put(ManageSites.URL_KEY, key);
        }
        assertThat(sites.add(name, fields, "test")).isInstanceOf(ManageSites.Done.class);
    }

    private void desk(String mac, String site) {
        desk(mac, site, "yealink", "T54W");
    }

    private void desk(String mac, String site, String vendor, String model) {
        assertThat(devices.add(new ManageDevices.NewDevice(mac, vendor, model, "Desk", site, "", 1), "test"))
                .isInstanceOf(ManageDevices.Done.class);
    }

    private static ProvisioningSettings settings(int maxRefusals) {
        return settings(maxRefusals, true);
    }

    private static ProvisioningSettings settings(int maxRefusals, boolean requireUaMac) {
        return new ProvisioningSettings("127.0.0.1", 0, List.of("127.0.0.0/8", "::1/128"), requireUaMac, Optional.empty(),
                "pbx.example.org", 5060, Duration.ofSeconds(500), "ntp.example.org", "Europe/Berlin", "*32", maxRefusals,
                Duration.ofSeconds(10));
    }

    private ProvisioningServer start(Optional<String> globalKey, int maxRefusals) {
        return start(globalKey, settings(maxRefusals));
    }

    private ProvisioningServer start(Optional<String> globalKey, ProvisioningSettings settings) {
        ProvisioningServer server = new ProvisioningServer(settings,
                new ProvisioningSecurity(Optional.empty(), List.of(), globalKey, false), provisionDesk, clock);
        servers.add(server);
        server.start();
        return server;
    }

    private ProvisioningServer start(Optional<String> globalKey) {
        return start(globalKey, 1000);
    }

    private static String ua(String mac) {
        return "Yealink SIP-T54W 96.86.0.100 " + hotdesk.core.model.Mac.parse(mac).display().toLowerCase(Locale.ROOT);
    }

    /** {@code key} null: the URL without a key segment. */
    private HttpResponse<String> get(ProvisioningServer server, String key, String file, String mac) throws Exception {
        String path = "/provision/" + (key == null ? "" : key + "/") + file;
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).header("User-Agent", ua(mac)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> fetch(ProvisioningServer server, String key, String mac) throws Exception {
        return get(server, key, mac + ".cfg", mac);
    }

    /** Status, body and every header but Date: all a client can compare. */
    private static Map<String, Object> shape(HttpResponse<String> r) {
        Map<String, Object> m = new TreeMap<>(r.headers().map());
        m.remove("date");
        m.put(":status", r.statusCode());
        m.put(":body", r.body());
        return m;
    }

    private List<String> refusalReasons() {
        provisionDesk.journal().flush();
        return ledger.audit().stream().filter(a -> a.action().equals("provision.refused")).map(AuditEntry::detail).toList();
    }

    private void assertNoKeyLogged(String... keys) {
        List<String> lines = new ArrayList<>(everything.lines());
        lines.addAll(hotdeskDebug.lines());
        assertThat(hotdeskDebug.lines()).isNotEmpty();
        for (String key : keys) {
            assertThat(lines).noneMatch(l -> l.contains(key));
            assertThat(ledger.audit()).allSatisfy(a -> assertThat(a.toString()).doesNotContain(key)
                    .doesNotContain(hotdesk.core.model.UrlKeyHash.of(key).hex()));
        }
    }

    // ---- tests

    @Test
    void a_desk_of_a_site_with_its_own_key_is_served_under_that_key_only() throws Exception {
        ProvisioningServer server = start(Optional.of(GLOBAL));

        HttpResponse<String> own = fetch(server, KEY_A, DESK_A);
        HttpResponse<String> global = fetch(server, GLOBAL, DESK_A);
        HttpResponse<String> others = fetch(server, KEY_B, DESK_A);
        HttpResponse<String> none = fetch(server, null, DESK_A);
        HttpResponse<String> made = fetch(server, "made-up-url-key_0123456789", DESK_A);
        HttpResponse<String> unknownDesk = fetch(server, GLOBAL, UNKNOWN);

        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.body()).contains("hd-" + DESK_A);
        assertThat(unknownDesk.statusCode()).isEqualTo(404);
        assertThat(shape(global)).isEqualTo(shape(others)).isEqualTo(shape(none)).isEqualTo(shape(made))
                .isEqualTo(shape(unknownDesk));
        assertThat(refusalReasons()).containsExactly("url-key", "url-key", "url-key", "url-key", "unknown device");
        assertThat(everything.messages()).filteredOn(m -> m.contains("reason=url-key") && m.contains("mac=" + DESK_A)).hasSize(4);
        assertNoKeyLogged(KEY_A, KEY_B, GLOBAL);
    }

    @Test
    void desks_of_a_site_without_a_key_keep_the_global_rule_and_another_sites_key_does_not_open_them() throws Exception {
        ProvisioningServer server = start(Optional.of(GLOBAL));

        assertThat(fetch(server, GLOBAL, DESK_C).statusCode()).isEqualTo(200);
        assertThat(fetch(server, KEY_A, DESK_C).statusCode()).isEqualTo(404);
        assertThat(fetch(server, null, DESK_C).statusCode()).isEqualTo(404);
        // an unknown MAC follows the global rule too: a site's key gets the url-key refusal, the global one "unknown"
        assertThat(fetch(server, KEY_A, UNKNOWN).statusCode()).isEqualTo(404);
        assertThat(refusalReasons()).containsExactly("url-key", "url-key", "url-key");
        assertNoKeyLogged(KEY_A, GLOBAL);
    }

    @Test
    void without_a_global_key_desks_of_sites_without_one_are_served_without_a_key_and_keyed_sites_need_theirs() throws Exception {
        ProvisioningServer server = start(Optional.empty());

        assertThat(fetch(server, null, DESK_C).statusCode()).isEqualTo(200);
        assertThat(fetch(server, KEY_A, DESK_C).statusCode()).isEqualTo(404);
        assertThat(fetch(server, null, DESK_A).statusCode()).isEqualTo(404);
        assertThat(fetch(server, KEY_B, DESK_A).statusCode()).isEqualTo(404);
        assertThat(fetch(server, KEY_A, DESK_A).statusCode()).isEqualTo(200);
        assertThat(fetch(server, KEY_B, DESK_B).statusCode()).isEqualTo(200);
        assertThat(refusalReasons()).containsExactly("url-key", "url-key", "url-key");
    }

    @Test
    void common_files_go_to_every_key_the_server_knows_and_to_no_other() throws Exception {
        ProvisioningServer server = start(Optional.of(GLOBAL));

        for (String file : List.of("y000000000000.cfg", "000000000000.cfg")) {
            for (String key : List.of(GLOBAL, KEY_A, KEY_B)) {
                assertThat(get(server, key, file, DESK_A).statusCode()).as(file).isEqualTo(200);
            }
            assertThat(get(server, "made-up-url-key_0123456789", file, DESK_A).statusCode()).as(file).isEqualTo(404);
            assertThat(get(server, null, file, DESK_A).statusCode()).as(file).isEqualTo(404);
        }
        assertThat(refusalReasons()).containsExactly("url-key", "url-key", "url-key", "url-key");
    }

    @Test
    void without_a_global_key_common_files_are_served_without_a_key_too() throws Exception {
        ProvisioningServer server = start(Optional.empty());

        assertThat(get(server, null, "y000000000000.cfg", DESK_C).statusCode()).isEqualTo(200);
        assertThat(get(server, KEY_A, "y000000000000.cfg", DESK_A).statusCode()).isEqualTo(200);
        assertThat(get(server, "made-up-url-key_0123456789", "y000000000000.cfg", DESK_A).statusCode()).isEqualTo(404);
    }

    @Test
    void setting_rotating_and_removing_a_sites_key_holds_at_the_next_fetch_of_the_running_server() throws Exception {
        ProvisioningServer server = start(Optional.of(GLOBAL));
        assertThat(fetch(server, GLOBAL, DESK_C).statusCode()).isEqualTo(200);
        String first = "site-c-first-url-key_01234567";
        String second = "site-c-second-url-key_0123456";

        assertThat(sites.set("C", Map.of(ManageSites.URL_KEY, first), "cli")).isInstanceOf(ManageSites.Done.class);
        assertThat(fetch(server, GLOBAL, DESK_C).statusCode()).isEqualTo(404);
        assertThat(fetch(server, first, DESK_C).statusCode()).isEqualTo(200);

        assertThat(sites.set("C", Map.of(ManageSites.URL_KEY, second), "cli")).isInstanceOf(ManageSites.Done.class);
        assertThat(fetch(server, first, DESK_C).statusCode()).isEqualTo(404);
        assertThat(fetch(server, second, DESK_C).statusCode()).isEqualTo(200);

        assertThat(sites.set("C", Map.of(ManageSites.URL_KEY, ""), "cli")).isInstanceOf(ManageSites.Done.class);
        assertThat(fetch(server, second, DESK_C).statusCode()).isEqualTo(404);
        assertThat(fetch(server, GLOBAL, DESK_C).statusCode()).isEqualTo(200);

        assertThat(ledger.audit()).filteredOn(a -> a.action().equals("site.set")).extracting(AuditEntry::detail)
                .containsExactly("url-key: set", "url-key: replaced", "url-key: removed");
        assertNoKeyLogged(first, second, GLOBAL);
    }

    @Test
    void a_key_given_to_a_site_without_desks_opens_the_common_files_within_a_second() throws Exception {
        ProvisioningServer server = start(Optional.of(GLOBAL));
        String key = "site-d-own-url-key_0123456789";
        site("D", null);
        assertThat(get(server, key, "y000000000000.cfg", DESK_A).statusCode()).isEqualTo(404);

        // no desk follows the change, so no revision moves: the server reads the sites' keys again after a second
        assertThat(sites.set("D", Map.of(ManageSites.URL_KEY, key), "cli")).isInstanceOf(ManageSites.Done.class);
        clock.advance(ProvisionDesk.OTHERS_RECHECK);

        assertThat(get(server, key, "y000000000000.cfg", DESK_A).statusCode()).isEqualTo(200);
    }

    @Test
    void with_the_ledger_away_the_keys_last_read_still_decide_and_a_keyed_desk_is_never_served_under_the_global_key()
            throws Exception {
        java.util.concurrent.atomic.AtomicBoolean away = new java.util.concurrent.atomic.AtomicBoolean();
        hotdesk.core.port.Ledger flaky = awayWhile(away);
        ProvisionDesk onFlaky = new ProvisionDesk(flaky, clock);
        ProvisioningServer known = new ProvisioningServer(settings(1000),
                new ProvisioningSecurity(Optional.empty(), List.of(), Optional.of(GLOBAL), false), onFlaky, clock);
        servers.add(known);
        known.start();
        assertThat(get(known, KEY_A, "y000000000000.cfg", DESK_A).statusCode()).isEqualTo(200);

        away.set(true);
        clock.advance(ProvisionDesk.OTHERS_RECHECK);

        assertThat(get(known, KEY_A, "y000000000000.cfg", DESK_A).statusCode()).isEqualTo(200);
        assertThat(get(known, "made-up-url-key_0123456789", "y000000000000.cfg", DESK_A).statusCode()).isEqualTo(404);
        assertThat(fetch(known, GLOBAL, DESK_A).statusCode()).isEqualTo(500);

        // a server that never read the keys: files no desk owns follow the global rule, desk files need the ledger
        ProvisionDesk never = new ProvisionDesk(flaky, clock);
        ProvisioningServer fresh = new ProvisioningServer(settings(1000),
                new ProvisioningSecurity(Optional.empty(), List.of(), Optional.of(GLOBAL), false), never, clock);
        servers.add(fresh);
        fresh.start();
        assertThat(get(fresh, GLOBAL, "y000000000000.cfg", DESK_A).statusCode()).isEqualTo(200);
        assertThat(get(fresh, KEY_A, "y000000000000.cfg", DESK_A).statusCode()).isEqualTo(404);
        assertThat(fetch(fresh, GLOBAL, DESK_A).statusCode()).isEqualTo(500);
        away.set(false);
        assertThat(fetch(fresh, GLOBAL, DESK_A).statusCode()).isEqualTo(404);
        assertThat(fetch(fresh, KEY_A, DESK_A).statusCode()).isEqualTo(200);
    }

    @Test
    void the_sites_keys_are_read_once_per_request_for_the_key_segment_and_the_key_check_together() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean away = new java.util.concurrent.atomic.AtomicBoolean(true);
        hotdesk.core.port.Ledger flaky = awayWhile(away);
        // never read and unreadable, so every look-up of the sites' keys goes to the ledger and says so at DEBUG
        ProvisioningServer server = new ProvisioningServer(settings(1000),
                new ProvisioningSecurity(Optional.empty(), List.of(), Optional.empty(), false), new ProvisionDesk(flaky, clock),
                clock);
        servers.add(server);
        server.start();

        HttpResponse<String> keyed = get(server, KEY_A, "y000000000000.cfg", DESK_A); // key segment and key check
        HttpResponse<String> plain = get(server, null, "y000000000000.cfg", DESK_A);  // key check only

        assertThat(keyed.statusCode()).isEqualTo(404);
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(hotdeskDebug.messages()).filteredOn(m -> m.startsWith("the sites' URL keys cannot be read")).hasSize(2);
    }

    @Test
    void a_keyed_sites_desk_needs_its_key_under_every_name_its_phones_ask_for_and_names_of_no_desk_take_any_known_key()
            throws Exception {
        String polycom = "0004f2aa0001";
        String grandstream = "000b82aa0009";
        desk(polycom, "A", "polycom", "VVX411");
        desk(grandstream, "A", "grandstream", "GXP2170");
        ProvisioningServer server = start(Optional.of(GLOBAL), settings(1000, false)); // Polycom names no MAC in its User-Agent
        HttpResponse<String> unknownDesk = get(server, GLOBAL, "001565000999.cfg", UNKNOWN);
        List<HttpResponse<String>> refused = new ArrayList<>();

        // Polycom's per-phone name (also Yealink's and Fanvil's desk file name): the master file, under the site's key only
        HttpResponse<String> master = get(server, KEY_A, polycom + ".cfg", polycom);
        refused.add(get(server, GLOBAL, polycom + ".cfg", polycom));
        refused.add(get(server, KEY_B, polycom + ".cfg", polycom));
        HttpResponse<String> polycomDesk = get(server, KEY_A, polycom + "-hotdesk.cfg", polycom);
        refused.add(get(server, GLOBAL, polycom + "-hotdesk.cfg", polycom));
        HttpResponse<String> grandstreamDesk = get(server, KEY_A, "cfg" + grandstream + ".xml", grandstream);
        refused.add(get(server, GLOBAL, "cfg" + grandstream + ".xml", grandstream));
        // Grandstream's binary cfg<mac> is no desk's file: any key the server knows passes to the usual unserved 404
        HttpResponse<String> unservedGlobal = get(server, GLOBAL, "cfg" + grandstream, grandstream);
        HttpResponse<String> unservedSite = get(server, KEY_B, "cfg" + grandstream, grandstream);
        refused.add(get(server, "made-up-url-key_0123456789", "cfg" + grandstream, grandstream));

        assertThat(master.statusCode()).isEqualTo(200);
        assertThat(master.body()).contains("-hotdesk.cfg").doesNotContain("hd-" + polycom);
        assertThat(polycomDesk.statusCode()).isEqualTo(200);
        assertThat(polycomDesk.body()).contains("hd-" + polycom);
        assertThat(grandstreamDesk.statusCode()).isEqualTo(200);
        assertThat(grandstreamDesk.body()).contains("hd-" + grandstream);
        assertThat(unknownDesk.statusCode()).isEqualTo(404);
        for (HttpResponse<String> r : refused) {
            assertThat(shape(r)).as(r.uri().getPath().replaceAll("/provision/[^/]+/", "")).isEqualTo(shape(unknownDesk));
        }
        assertThat(shape(unservedGlobal)).isEqualTo(shape(unknownDesk));
        assertThat(shape(unservedSite)).isEqualTo(shape(unknownDesk));
        assertThat(refusalReasons()).containsExactly("unknown device", "url-key", "url-key", "url-key", "url-key", "url-key");
        assertThat(everything.messages()).filteredOn(m -> m.contains("reason=url-key"))
                .containsExactly(
                        "provisioning refused ip=127.0.0.1 mac=" + polycom + " reason=url-key",
                        "provisioning refused ip=127.0.0.1 mac=" + polycom + " reason=url-key",
                        "provisioning refused ip=127.0.0.1 mac=" + polycom + " reason=url-key",
                        "provisioning refused ip=127.0.0.1 mac=" + grandstream + " reason=url-key",
                        "provisioning refused ip=127.0.0.1 mac=cfg" + grandstream + " reason=url-key");
        assertNoKeyLogged(KEY_A, KEY_B, GLOBAL);
    }

    @Test
    void refusals_for_a_wrong_sites_key_count_towards_blocking_the_address() throws Exception {
        ProvisioningServer server = start(Optional.of(GLOBAL), 3);

        for (int i = 0; i < 3; i++) {
            assertThat(fetch(server, KEY_B, DESK_A).statusCode()).isEqualTo(404);
        }

        HttpResponse<String> blocked = fetch(server, KEY_A, DESK_A);
        assertThat(blocked.statusCode()).isEqualTo(429);
    }

    /** The test's ledger, unreachable while {@code away} holds. */
    private hotdesk.core.port.Ledger awayWhile(java.util.concurrent.atomic.AtomicBoolean away) {
        return new hotdesk.core.port.Ledger() {
            @Override
            public <T> T transact(Work<T> work) {
                if (away.get()) {
                    throw new hotdesk.core.port.LedgerException("ledger unreachable (test)", null);
                }
                return ledger.transact(work);
            }
        };
    }
}
