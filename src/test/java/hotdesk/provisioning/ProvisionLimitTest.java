package hotdesk.provisioning;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Mac;
import hotdesk.core.usecase.FetchJournal;
import hotdesk.core.usecase.ManageDevices;
import hotdesk.core.usecase.ProvisionDesk;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.LogCapture;
import hotdesk.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/** {@code provisioning.max-provisions} over real HTTP on loopback: served N times, then the unknown desk's 404 until reset. */
class ProvisionLimitTest {

    private static final String MAC = "0015651234ab";
    private static final String OTHER = "0015651234ac";
    private static final String UA = "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ab";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-03T08:00:05Z"));
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final ManageDevices devices = new ManageDevices(ledger, new SecureRandom(), Set.of("yealink"), clock);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<ProvisioningServer> servers = new ArrayList<>();
    private LogCapture securityLog;

    @BeforeEach
    void setUp() {
        securityLog = LogCapture.of("hotdesk.security");
        for (String mac : List.of(MAC, OTHER)) {
            assertThat(devices.add(new ManageDevices.NewDevice(mac, "yealink", "T54W", "Desk", "HQ", "", 1), "test"))
                    .isInstanceOf(ManageDevices.Done.class);
        }
    }

    @AfterEach
    void tearDown() {
        servers.forEach(ProvisioningServer::close);
        securityLog.close();
    }

    /** Loopback allowed; refusals from one address limited to {@code maxRefusals} a minute. */
    private static ProvisioningSettings settings(int maxRefusals) {
        return new ProvisioningSettings("127.0.0.1", 0, List.of("127.0.0.0/8"), false, Optional.empty(), "pbx.example.org",
                5060, Duration.ofSeconds(500), "ntp.example.org", "Europe/Berlin", "*32", maxRefusals, Duration.ofSeconds(10));
    }

    private ProvisionDesk desk(long maxProvisions) {
        return new ProvisionDesk(ledger, clock, new FetchJournal(ledger, maxProvisions > 0), maxProvisions);
    }

    private ProvisioningServer start(ProvisionDesk desk, int maxRefusals) {
        ProvisioningServer s = new ProvisioningServer(settings(maxRefusals), desk, clock);
        servers.add(s);
        s.start();
        return s;
    }

    private HttpResponse<String> get(ProvisioningServer s, String mac) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/provision/" + mac + ".cfg"))
                .timeout(Duration.ofSeconds(10)).header("User-Agent", UA).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Status, body and every header except Date. */
    private static Map<String, Object> shape(HttpResponse<String> r) {
        Map<String, Object> m = new TreeMap<>(r.headers().map());
        m.remove("date");
        m.put(":status", r.statusCode());
        m.put(":body", r.body());
        return m;
    }

    private List<AuditEntry> audits(ProvisionDesk desk, String action) {
        desk.journal().flush();
        return ledger.audit().stream().filter(a -> a.action().equals(action)).toList();
    }

    @Test
    void n_fetches_are_served_the_next_gets_the_unknown_desks_404_until_a_reset() throws Exception {
        ProvisionDesk desk = desk(3);
        ProvisioningServer server = start(desk, 100);

        for (int i = 0; i < 3; i++) {
            assertThat(get(server, MAC).statusCode()).as("fetch " + (i + 1)).isEqualTo(200);
        }
        HttpResponse<String> limited = get(server, MAC);
        HttpResponse<String> again = get(server, MAC);
        HttpResponse<String> unknown = get(server, "001565bbbbbb");

        assertThat(limited.statusCode()).isEqualTo(404);
        assertThat(shape(limited)).isEqualTo(shape(unknown));
        assertThat(shape(again)).isEqualTo(shape(unknown));
        assertThat(get(server, OTHER).statusCode()).as("another desk has its own count").isEqualTo(200);
        // audited once, logged every time
        assertThat(audits(desk, "provision.refused")).extracting(AuditEntry::subject, AuditEntry::detail)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(MAC, "provision-limit: 3 files served since the last reset"),
                        org.assertj.core.groups.Tuple.tuple("001565bbbbbb", "unknown device"));
        assertThat(securityLog.messages()).containsExactly(
                "provisioning refused ip=127.0.0.1 mac=" + MAC + " reason=provision-limit",
                "provisioning refused ip=127.0.0.1 mac=" + MAC + " reason=provision-limit",
                "provisioning refused ip=127.0.0.1 mac=001565bbbbbb reason=unknown");
        assertThat(ledger.<Long>read(tx -> tx.provisionCount(Mac.parse(MAC)).served())).isEqualTo(3);

        ManageDevices.Bulk reset = devices.resetProvisions(ManageDevices.Selection.of(List.of(Mac.parse(MAC))), "cli");

        assertThat(reset.devices()).extracting(d -> d.mac().value()).containsExactly(MAC);
        assertThat(audits(desk, "device.reset-provisions")).extracting(AuditEntry::actor, AuditEntry::subject)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("cli", MAC));
        for (int i = 0; i < 3; i++) {
            assertThat(get(server, MAC).statusCode()).as("fetch " + (i + 1) + " after the reset").isEqualTo(200);
        }
        assertThat(get(server, MAC).statusCode()).isEqualTo(404);
        // reaching the limit again is audited again
        assertThat(audits(desk, "provision.refused")).filteredOn(a -> a.subject().equals(MAC)).hasSize(2);
    }

    @Test
    void the_limit_is_not_a_refusal_so_the_address_is_not_blocked() throws Exception {
        ProvisionDesk desk = desk(1);
        ProvisioningServer server = start(desk, 2);
        assertThat(get(server, MAC).statusCode()).isEqualTo(200);

        for (int i = 0; i < 5; i++) {
            assertThat(get(server, MAC).statusCode()).isEqualTo(404);
        }

        // two real refusals are still allowed this minute: none was used up by the limit
        assertThat(get(server, "001565bbbbbb").statusCode()).isEqualTo(404);
        assertThat(get(server, "001565bbbbbc").statusCode()).isEqualTo(404);
        assertThat(get(server, "001565bbbbbd").statusCode()).isEqualTo(429);
    }

    @Test
    void with_the_option_off_fetches_are_unlimited_and_not_counted() throws Exception {
        ProvisionDesk desk = desk(0);
        ProvisioningServer server = start(desk, 100);

        for (int i = 0; i < 25; i++) {
            assertThat(get(server, MAC).statusCode()).isEqualTo(200);
        }

        desk.journal().flush();
        assertThat(ledger.<Map<Mac, hotdesk.core.model.ProvisionCount>>read(tx -> tx.provisionCounts())).isEmpty();
    }

    @Test
    void the_count_survives_a_restart_on_the_same_ledger() throws Exception {
        ProvisionDesk first = desk(3);
        ProvisioningServer before = start(first, 100);
        assertThat(get(before, MAC).statusCode()).isEqualTo(200);
        assertThat(get(before, MAC).statusCode()).isEqualTo(200);
        before.close();
        first.journal().flush(); // as serve does when it stops

        ProvisioningServer after = start(desk(3), 100);

        assertThat(get(after, MAC).statusCode()).isEqualTo(200);
        assertThat(get(after, MAC).statusCode()).isEqualTo(404);
    }

    @Test
    void the_count_survives_a_restart_of_hotdesk_on_an_h2_ledger(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        hotdesk.store.DatabaseSettings h2 = hotdesk.store.DatabaseSettings.h2(dir.resolve("ledger"));
        try (hotdesk.store.Database db = hotdesk.store.Database.open(h2)) {
            ManageDevices onDisk = new ManageDevices(db.ledger(), new SecureRandom(), Set.of("yealink"), clock);
            assertThat(onDisk.add(new ManageDevices.NewDevice(MAC, "yealink", "T54W", "Desk", "", "", 1), "test"))
                    .isInstanceOf(ManageDevices.Done.class);
            ProvisionDesk desk = new ProvisionDesk(db.ledger(), clock, new FetchJournal(db.ledger(), true), 2);
            ProvisioningServer server = start(desk, 100);
            assertThat(get(server, MAC).statusCode()).isEqualTo(200);
            server.close();
            desk.journal().flush();
        }

        try (hotdesk.store.Database db = hotdesk.store.Database.open(h2)) {
            ProvisionDesk desk = new ProvisionDesk(db.ledger(), clock, new FetchJournal(db.ledger(), true), 2);
            ProvisioningServer server = start(desk, 100);
            assertThat(get(server, MAC).statusCode()).isEqualTo(200);
            assertThat(get(server, MAC).statusCode()).isEqualTo(404);
            server.close();
            desk.journal().flush();
            assertThat(db.ledger().<Long>read(tx -> tx.provisionCount(Mac.parse(MAC)).served())).isEqualTo(2);
        }
    }

    @Test
    void a_reset_by_another_process_is_seen_once_the_server_asks_the_ledger_again(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        hotdesk.store.DatabaseSettings h2 = hotdesk.store.DatabaseSettings.h2(dir.resolve("ledger"));
        try (hotdesk.store.Database serving = hotdesk.store.Database.open(h2);
             hotdesk.store.Database cli = hotdesk.store.Database.open(h2)) {
            ManageDevices admin = new ManageDevices(cli.ledger(), new SecureRandom(), Set.of("yealink"), clock);
            assertThat(admin.add(new ManageDevices.NewDevice(MAC, "yealink", "T54W", "Desk", "", "", 1), "test"))
                    .isInstanceOf(ManageDevices.Done.class);
            ProvisionDesk desk = new ProvisionDesk(serving.ledger(), clock, new FetchJournal(serving.ledger(), true), 1);
            ProvisioningServer server = start(desk, 100);
            assertThat(get(server, MAC).statusCode()).isEqualTo(200);
            assertThat(get(server, MAC).statusCode()).isEqualTo(404);

            assertThat(admin.resetProvisions(ManageDevices.Selection.of(List.of(Mac.parse(MAC))), "cli").devices()).hasSize(1);
            clock.advance(ProvisionDesk.OTHERS_RECHECK);

            assertThat(get(server, MAC).statusCode()).isEqualTo(200);
            assertThat(get(server, MAC).statusCode()).isEqualTo(404);
            server.close();
            desk.journal().flush();
        }
    }

    @Test
    void a_limit_needs_a_journal_that_counts() {
        assertThatThrownBy(() -> new ProvisionDesk(ledger, clock, new FetchJournal(ledger), 20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("counts provisions");
        assertThatThrownBy(() -> new ProvisionDesk(ledger, clock, new FetchJournal(ledger, true), -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 0");
    }
}
