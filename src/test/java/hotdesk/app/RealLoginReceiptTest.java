package hotdesk.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.testing.Baresip;
import hotdesk.testing.RealAsterisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The login receipt on a real Asterisk 22 with a real phone (baresip): {@code status} shows the desk's
 * registration (its contact, since when) from Asterisk's ContactStatus events, and whether the phone
 * fetched its file after the last check-sync. baresip answers NOTIFYs but never fetches a file, so it is
 * told again, a bounded number of times, then audited; a fetch after the NOTIFY is the receipt.
 */
class RealLoginReceiptTest {

    private static final String MAC = "00:15:65:b5:1f:07";
    private static final String DESK = "hd-001565b51f07";
    private static final String UA = "Yealink SIP-T54W 96.86.0.100 00:15:65:b5:1f:07";
    private static final String CHECK_SYNC = "Event: check-sync;reboot=false";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private RealAsterisk asterisk;
    private Server server;
    private Baresip phone;

    @AfterEach
    void stop() throws IOException {
        if (phone != null) {
            phone.close();
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/real-login-receipt-baresip.txt"), phone.output());
        }
        if (server != null) {
            server.close();
        }
        if (asterisk != null) {
            asterisk.close();
        }
    }

    @Test
    void status_shows_the_registration_and_whether_the_phone_fetched_after_its_notify_and_silent_phones_are_told_again()
            throws Exception {
        RealAsterisk.assumeKit();
        Baresip.assumeInstalled();
        Map<String, String> settings = KitSettings.of(dir, "receipt");
        settings.put("notify.retries", "2");
        settings.put("notify.retry-after", "2s");
        asterisk = KitSettings.startAsterisk(dir.resolve("asterisk"), settings, conf -> { });
        AriClient ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER,
                AsteriskContract.ARI_PASSWORD, Duration.ofSeconds(5)));
        CliRun.ok(settings, "device", "add", MAC, "--model", "T54W", "--label", "Desk R1");
        server = new Server(Config.load(null, Map.of(), settings));
        server.start();
        await().atMost(PATIENCE).ignoreExceptions().until(() -> ari.get("endpoint", DESK).isPresent());

        // before the phone registers, status says so
        JsonNode idle = desk(settings);
        assertThat(idle.get("registrations")).isEmpty();
        assertThat(idle.get("notice").isNull()).isTrue();

        // when the phone takes its account from its file and registers
        String file = fetch();
        phone = Baresip.start(dir.resolve("phone"), RealAsterisk.kit().orElseThrow(), asterisk.sipPort(),
                value(file, "account.1.user_name"), value(file, "account.1.password"));

        // then status shows its contact, from Asterisk's ContactStatus event
        await().atMost(PATIENCE).until(() -> desk(settings).get("registrations").size() == 1);
        JsonNode reg = desk(settings).get("registrations").get(0);
        assertThat(reg.get("uri").asText()).startsWith("sip:").contains("127.0.0.1");
        assertThat(reg.get("since").asText()).isNotEmpty();
        assertThat(CliRun.ok(settings, "status")).contains("127.0.0.1:").contains(" since ");

        // when the desk changes, its phone is told; baresip fetches nothing, so it is told again twice
        long before = phone.received("NOTIFY", CHECK_SYNC);
        CliRun.ok(settings, "device", "set", MAC, "--label", "Desk R1 window");
        await().atMost(PATIENCE).until(() -> phone.received("NOTIFY", CHECK_SYNC) == before + 3);
        await().atMost(PATIENCE).until(() -> CliRun.ok(settings, "audit", "--json").contains("desk.unanswered"));
        JsonNode silent = desk(settings);
        assertThat(silent.get("notice").get("notifies").asInt()).isEqualTo(3);
        assertThat(silent.get("notice").get("fetchedAfter").asBoolean()).isFalse();
        assertThat(CliRun.ok(settings, "status")).contains("NO FETCH since").contains("(3 NOTIFYs)");
        Thread.sleep(5_000); // longer than the next wait would be: no fourth NOTIFY
        assertThat(phone.received("NOTIFY", CHECK_SYNC)).isEqualTo(before + 3);

        // when the desk changes again and the phone fetches its file after the NOTIFY, that is the receipt
        long second = phone.received("NOTIFY", CHECK_SYNC);
        CliRun.ok(settings, "device", "set", MAC, "--label", "Desk R1 door");
        await().atMost(PATIENCE).until(() -> phone.received("NOTIFY", CHECK_SYNC) == second + 1);
        assertThat(fetch()).contains("Desk R1 door");
        await().atMost(PATIENCE).until(() -> desk(settings).get("notice").get("fetchedAfter").asBoolean());
        assertThat(desk(settings).get("notice").get("notifies").asInt()).isEqualTo(1);
        Thread.sleep(5_000);
        assertThat(phone.received("NOTIFY", CHECK_SYNC)).as("no NOTIFY after the receipt").isEqualTo(second + 1);

        // when the phone unregisters, its contact leaves status
        phone.close();
        phone = null;
        await().atMost(PATIENCE).until(() -> desk(settings).get("registrations").isEmpty());
    }

    private static JsonNode desk(Map<String, String> settings) throws IOException {
        JsonNode all = new ObjectMapper().readTree(CliRun.ok(settings, "status", "--json"));
        for (JsonNode n : all) {
            if (n.get("endpoint").asText().equals(DESK)) {
                return n;
            }
        }
        throw new AssertionError("no desk " + DESK + " in status: " + all);
    }

    private String fetch() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.provisioningPort() + "/provision/001565b51f07.cfg"))
                .header("User-Agent", UA).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static String value(String file, String key) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + " = (.*)$").matcher(file);
        assertThat(m.find()).as("%s in the provisioning file", key).isTrue();
        return m.group(1).trim();
    }
}
