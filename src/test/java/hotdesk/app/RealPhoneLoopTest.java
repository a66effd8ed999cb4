package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.testing.Baresip;
import hotdesk.testing.RealAsterisk;
import hotdesk.testing.SippCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole loop with a real phone: a desk phone (baresip) takes its SIP account from the provisioning
 * file hotdesk serves, registers at a real Asterisk 22, logs in by dialling a one-time code, receives
 * check-sync, rings when the user's extension is called, and logs out with {@code *71}.
 */
class RealPhoneLoopTest {

    private static final String MAC = "00:15:65:b5:1f:01";
    private static final String DESK = "hd-001565b51f01";
    private static final String CALLER_SECRET = "Caller-Secret-0123456789";
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
            // the phone's SIP trace and Asterisk's log, for people to look at after a run
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/real-phone-loop-baresip.txt"), phone.output());
            Files.writeString(Path.of("target/real-phone-loop-asterisk.txt"), asterisk.log());
        }
        if (server != null) {
            server.close();
        }
        if (asterisk != null) {
            asterisk.close();
        }
    }

    @Test
    void a_real_phone_provisions_registers_logs_in_by_code_rings_for_the_user_and_logs_out() throws Exception {
        RealAsterisk.assumeKit();
        Baresip.assumeInstalled();
        // given hotdesk and a real Asterisk with the generated files, a caller endpoint in pjsip.conf
        Map<String, String> settings = KitSettings.of(dir, "phone-loop");
        asterisk = KitSettings.startAsterisk(dir.resolve("asterisk"), settings, RealPhoneLoopTest::addCaller);
        AriClient ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER,
                AsteriskContract.ARI_PASSWORD, Duration.ofSeconds(5)));
        CliRun.ok(settings, "user", "add", "101", "--name", "Alice Example", "--pin", "3865");
        CliRun.ok(settings, "device", "add", MAC, "--model", "T54W", "--label", "Desk B1");
        server = new Server(Config.load(null, Map.of(), settings));
        server.start();
        await().atMost(PATIENCE).ignoreExceptions().until(() -> ari.get("endpoint", DESK).isPresent());

        // when the phone fetches its file and registers with what it says
        String file = fetch("/provision/001565b51f01.cfg", "Yealink SIP-T54W 96.86.0.100 00:15:65:b5:1f:01");
        String user = value(file, "account.1.user_name");
        String password = value(file, "account.1.password");
        assertThat(user).isEqualTo(DESK);
        assertThat(value(file, "account.1.sip_server.1.port")).isEqualTo(Integer.toString(asterisk.sipPort()));
        phone = Baresip.start(dir.resolve("phone"), RealAsterisk.kit().orElseThrow(), asterisk.sipPort(), user, password);
        // (its REGISTER_OK may come before the control connection: ask Asterisk)
        await().atMost(PATIENCE).until(() -> asterisk.rx("pjsip show contacts").contains(DESK + "/sip:"));

        // and dials a one-time code
        String code = otp(settings);
        long notifiesBefore = phone.received("NOTIFY", "Event: check-sync;reboot=false");
        phone.command("dial", "sip:00*" + code + "@127.0.0.1:" + asterisk.sipPort());
        await().atMost(PATIENCE).until(() -> phone.count("CALL_CLOSED") >= 1);

        // then the desk is Alice's in Asterisk, the phone was told to re-fetch, and its file says so
        await().atMost(PATIENCE).ignoreExceptions()
                .until(() -> ari.get("endpoint", DESK).orElseThrow().get("context"), "hotdesk-seated"::equals);
        assertThat(ari.get("endpoint", DESK).orElseThrow().get("callerid")).isEqualTo("\"Alice Example\" <101>");
        await().atMost(PATIENCE).until(() -> phone.received("NOTIFY", "Event: check-sync;reboot=false") > notifiesBefore);
        assertThat(fetch("/provision/001565b51f01.cfg", "Yealink SIP-T54W 96.86.0.100 00:15:65:b5:1f:01"))
                .contains("account.1.label = Alice Example");

        // when someone calls 101, the desk rings once, and the phone answers
        long ringsBefore = phone.count("CALL_INCOMING");
        long answeredBefore = phone.count("CALL_ESTABLISHED");
        SippCall ring = SippCall.from("caller", CALLER_SECRET, "101").pause(Duration.ofSeconds(2)).hangUp();
        Thread caller = new Thread(() -> ring.run(asterisk, dir.resolve("sipp")));
        caller.start();
        await().atMost(PATIENCE).until(() -> phone.count("CALL_INCOMING") > ringsBefore);
        phone.command("accept", "");
        caller.join(Duration.ofSeconds(60).toMillis());
        await().atMost(PATIENCE).until(() -> phone.count("CALL_CLOSED") >= 2);
        assertThat(phone.count("CALL_INCOMING")).isEqualTo(ringsBefore + 1);
        assertThat(phone.count("CALL_ESTABLISHED")).isEqualTo(answeredBefore + 1);

        // when the phone dials *71, the desk is free again and the phone told so
        long notifiesAtLogout = phone.received("NOTIFY", "Event: check-sync;reboot=false");
        phone.command("dial", "sip:*71@127.0.0.1:" + asterisk.sipPort());
        await().atMost(PATIENCE).ignoreExceptions()
                .until(() -> ari.get("endpoint", DESK).orElseThrow().get("context"), "hotdesk-idle"::equals);
        await().atMost(PATIENCE).until(() -> phone.received("NOTIFY", "Event: check-sync;reboot=false") > notifiesAtLogout);
        await().atMost(PATIENCE).until(() -> phone.count("CALL_CLOSED") >= 3);
        // one change, one check-sync: the login and the logout each told the phone once
        assertThat(phone.received("NOTIFY", "Event: check-sync;reboot=false")).isEqualTo(notifiesBefore + 2);
        assertThat(asterisk.log()).contains("\"hotdesk-result,OK,1\"").contains("\"hotdesk-result,LOGGED_OUT,1\"");
    }

    private static void addCaller(Path conf) {
        try {
            Files.writeString(conf.resolve("pjsip.conf"), """

                    ; a caller of the test, in the kit's [internal] context that rings _1XX through hotdesk-dial
                    [caller]
                    type = endpoint
                    transport = transport-udp
                    context = internal
                    disallow = all
                    allow = ulaw
                    auth = caller-auth
                    aors = caller
                    [caller-auth]
                    type = auth
                    auth_type = userpass
                    username = caller
                    password = %s
                    [caller]
                    type = aor
                    max_contacts = 1
                    """.formatted(CALLER_SECRET), StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String fetch(String path, String userAgent) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.provisioningPort() + path))
                .header("User-Agent", userAgent).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static String value(String file, String key) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + " = (.*)$").matcher(file);
        assertThat(m.find()).as("%s in the provisioning file", key).isTrue();
        return m.group(1).trim();
    }

    private static String otp(Map<String, String> settings) {
        Matcher m = Pattern.compile("\\b(\\d{6})\\b").matcher(CliRun.ok(settings, "otp", "issue", "101"));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
