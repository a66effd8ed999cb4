package hotdesk.provisioning;

import hotdesk.core.policy.SecretHasher;
import hotdesk.core.usecase.ManageDevices;
import hotdesk.core.usecase.ProvisionDesk;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.LogCapture;
import hotdesk.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

/**
 * The file names each vendor's phones ask for, and the User-Agent each sends, over real HTTP: a desk is
 * served its vendor's file only under that vendor's names, with its MAC in the vendor's User-Agent form when
 * required; under another vendor's name it gets the same 404 as an unknown MAC.
 */
class VendorRoutingTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-03T08:00:05Z"));
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final SecureRandom random = new SecureRandom();
    private final ManageDevices devices = new ManageDevices(ledger, random, VendorProfiles.vendors(), clock);
    private final ProvisionDesk provisionDesk = new ProvisionDesk(ledger, clock);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<ProvisioningServer> servers = new ArrayList<>();
    private LogCapture securityLog;

    @BeforeEach
    void capture() {
        securityLog = LogCapture.of("hotdesk.security");
        new SecretHasher(1000, random); // the same real parts as the other provisioning tests
    }

    @AfterEach
    void stop() {
        servers.forEach(ProvisioningServer::close);
        securityLog.close();
    }

    private ProvisioningServer start(boolean requireUaMac) {
        ProvisioningSettings s = new ProvisioningSettings("127.0.0.1", 0, List.of("127.0.0.0/8"), requireUaMac, Optional.empty(),
                "pbx.example.org", 5060, Duration.ofSeconds(500), "ntp.example.org", "Europe/Berlin", "*32", 1000,
                Duration.ofSeconds(10));
        ProvisioningServer server = new ProvisioningServer(s, provisionDesk, clock);
        servers.add(server);
        server.start();
        return server;
    }

    private void add(String vendor, String model, String mac) {
        assertThat(devices.add(new ManageDevices.NewDevice(mac, vendor, model, "Desk", "", "", 1), "test"))
                .isInstanceOf(ManageDevices.Done.class);
    }

    private HttpResponse<String> get(ProvisioningServer server, String file, String userAgent)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/provision/" + file))
                .timeout(Duration.ofSeconds(10)).header("User-Agent", userAgent).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Object> shape(HttpResponse<String> r) {
        Map<String, Object> m = new TreeMap<>(r.headers().map());
        m.remove("date");
        m.put(":status", r.statusCode());
        m.put(":body", r.body());
        return m;
    }

    @ParameterizedTest(name = "{0} {1}: {3}")
    @CsvSource(delimiter = '|', value = {
            "yealink     | T54W    | 001565aa0001 | 001565aa0001.cfg            | Yealink SIP-T54W 96.86.0.100 00:15:65:aa:00:01",
            "yealink     | T46U    | 001565aa0002 | 001565AA0002.cfg            | Yealink SIP-T46U 108.86.0.20 00:15:65:AA:00:02",
            "grandstream | GXP2170 | 000b82aa0003 | cfg000b82aa0003.xml         | Grandstream Model HW GXP2170 SW 1.0.11.3 DevId 000b82aa0003",
            "grandstream | HT814   | c074adaa0004 | cfgc074adaa0004.xml         | Grandstream Model HW HT814 V1.1A SW 1.0.17.5 DevId c074adaa0004",
            "snom        | D785    | 000413aa0005 | 000413AA0005.xml            | Mozilla/4.0 (compatible; snomD785-SIP 10.1.54.13 1.1.5-IS; 000413AA0005)",
            "snom        | D785    | 000413aa0006 | snomD785-000413AA0006.htm   | Mozilla/4.0 (compatible; snomD785-SIP 10.1.54.13 1.1.5-IS; 000413AA0006)",
            "fanvil      | X4U     | 0c383eaa0007 | 0c383eaa0007.cfg            | Fanvil X4U 2.4.1.6 0c383eaa0007",
            "cisco       | 8841    | 00562baa0008 | 00562baa0008.xml            | Cisco-CP-8841-3PCC/11.0 (00562baa0008)",
    })
    void each_vendors_phone_gets_its_file_under_its_name_when_its_user_agent_names_its_mac(
            String vendor, String model, String mac, String file, String userAgent) throws Exception {
        // given
        add(vendor, model, mac);
        ProvisioningServer server = start(true);
        String otherMacUa = userAgent.replace(mac.substring(8), "ffff").replace(mac.substring(8).toUpperCase(), "FFFF")
                .replace(mac.substring(8, 10) + ":" + mac.substring(10), "ff:ff")
                .replace(mac.substring(8, 10).toUpperCase() + ":" + mac.substring(10).toUpperCase(), "FF:FF");

        // when
        HttpResponse<String> served = get(server, file, userAgent);
        HttpResponse<String> wrongUa = get(server, file, otherMacUa);

        // then
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).contains("hd-" + mac);
        if (VendorProfiles.byVendor().get(vendor).fileKind().equals("xml")) {
            VendorFilesTest.parse(served.body());
        }
        assertThat(otherMacUa).isNotEqualTo(userAgent);
        assertThat(wrongUa.statusCode()).isEqualTo(404);
        assertThat(securityLog.messages()).contains("provisioning refused ip=127.0.0.1 mac=" + mac + " reason=user-agent");
    }

    @ParameterizedTest(name = "a {0} desk asked for as {1}")
    @CsvSource(delimiter = '|', value = {
            "fanvil | cfg0c383ebb0001.xml  | X4U",
            "cisco  | 0c383ebb0001.cfg     | 8841",
            "yealink| 0c383ebb0001.xml     | T54W",
            "snom   | cfg0c383ebb0001.xml  | D785",
            "polycom| 0c383ebb0001.xml     | VVX411",
    })
    void another_vendors_file_name_gets_the_same_404_as_an_unknown_mac(String vendor, String file, String model) throws Exception {
        // given
        add(vendor, model, "0c383ebb0001");
        ProvisioningServer server = start(false);
        HttpResponse<String> unknown = get(server, file.replace("0c383ebb0001", "0c383ebb0002"), "phone");

        // when
        HttpResponse<String> r = get(server, file, "phone");

        // then
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(shape(r)).isEqualTo(shape(unknown));
    }

    @Test
    void polycom_gets_the_master_file_under_both_its_names_and_its_desk_file_under_the_name_the_master_gives() throws Exception {
        // given
        add("polycom", "VVX411", "0004f2aa0001");
        ProvisioningServer server = start(false);
        String ua = "FileTransport PolycomVVX-VVX_411-UA/5.9.0.9373 Type/Application";

        // when
        HttpResponse<String> common = get(server, "000000000000.cfg", ua);
        HttpResponse<String> perPhone = get(server, "0004f2aa0001.cfg", ua);
        HttpResponse<String> desk = get(server, "0004f2aa0001-hotdesk.cfg", ua);

        // then
        assertThat(common.statusCode()).isEqualTo(200);
        assertThat(VendorFilesTest.parse(common.body()).getDocumentElement().getAttribute("CONFIG_FILES"))
                .isEqualTo("[PHONE_MAC_ADDRESS]-hotdesk.cfg");
        assertThat(perPhone.statusCode()).isEqualTo(200);
        assertThat(perPhone.body()).isEqualTo(common.body()).doesNotContain("hd-0004f2aa0001");
        assertThat(desk.statusCode()).isEqualTo(200);
        assertThat(VendorFilesTest.attributes(VendorFilesTest.parse(desk.body()))).containsEntry("reg.1.address", "hd-0004f2aa0001");
        assertThat(desk.headers().firstValue("Content-Type").orElse("")).startsWith("application/xml");
    }

    @Test
    void polycom_names_no_mac_in_its_user_agent_so_a_required_check_refuses_its_desk_file_but_not_the_master()
            throws Exception {
        // given
        add("polycom", "VVX411", "0004f2aa0002");
        ProvisioningServer server = start(true);
        String ua = "FileTransport PolycomVVX-VVX_411-UA/5.9.0.9373 Type/Application";

        // when
        HttpResponse<String> desk = get(server, "0004f2aa0002-hotdesk.cfg", ua);
        HttpResponse<String> common = get(server, "000000000000.cfg", ua);

        // then
        assertThat(desk.statusCode()).isEqualTo(404);
        assertThat(desk.body()).doesNotContain("hd-");
        assertThat(common.statusCode()).isEqualTo(200);
        assertThat(securityLog.messages()).contains("provisioning refused ip=127.0.0.1 mac=0004f2aa0002 reason=user-agent");
    }

    @Test
    void grandstreams_own_questions_for_files_hotdesk_does_not_serve_get_a_404_that_is_no_refusal() throws Exception {
        // given: one refusal a minute would block the address at the second
        ProvisioningSettings strict = new ProvisioningSettings("127.0.0.1", 0, List.of("127.0.0.0/8"), true, Optional.empty(),
                "pbx.example.org", 5060, Duration.ofSeconds(500), "ntp.example.org", "Europe/Berlin", "*32", 1,
                Duration.ofSeconds(10));
        add("grandstream", "GXP2170", "000b82aa0009");
        ProvisioningServer server = new ProvisioningServer(strict, provisionDesk, clock);
        servers.add(server);
        server.start();
        String ua = "Grandstream Model HW GXP2170 SW 1.0.11.3 DevId 000b82aa0009";

        // when: the phone's boot sequence
        HttpResponse<String> binary = get(server, "cfg000b82aa0009", ua);
        HttpResponse<String> perModel = get(server, "cfggxp2170.xml", ua);
        HttpResponse<String> generic = get(server, "cfg.xml", ua);
        HttpResponse<String> xml = get(server, "cfg000b82aa0009.xml", ua);

        // then
        assertThat(List.of(binary, perModel, generic)).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("not found\n");
        });
        assertThat(xml.statusCode()).isEqualTo(200);
        assertThat(securityLog.messages()).isEmpty();
        provisionDesk.journal().flush();
        assertThat(ledger.audit()).noneMatch(a -> a.action().equals("provision.refused"));
    }

    @Test
    void each_profile_names_the_notify_event_its_phones_resync_on() {
        assertThat(VendorProfiles.checkSyncEvents()).isEqualTo(Map.of("yealink", "check-sync;reboot=false",
                "polycom", "check-sync", "grandstream", "check-sync", "snom", "check-sync;reboot=false",
                "fanvil", "check-sync", "cisco", "resync"));
        assertThat(VendorProfiles.vendors()).isEqualTo(Set.of("yealink", "polycom", "grandstream", "snom", "fanvil", "cisco"));
    }
}
