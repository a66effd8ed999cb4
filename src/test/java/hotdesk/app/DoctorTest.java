package hotdesk.app;

import com.sun.net.httpserver.HttpServer;
import hotdesk.ami.AmiSettings;
import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.cli.ExitCodes;
import hotdesk.core.policy.DialCodePlan;
import hotdesk.core.policy.RequiredModules;
import hotdesk.testing.FakeAri;
import hotdesk.testing.RealAsterisk;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import hotdesk.store.LedgerTables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hotdesk doctor} where no Asterisk answers as it should: a port that accepts and says
 * nothing, a service that is not AMI, an HTTP server without ARI, a ledger that is not there. Each
 * fails its check with the fix for that case, never hangs and never exits but with 6.
 */
class DoctorTest {

    @TempDir
    Path dir;
    private final List<AutoCloseable> peers = new ArrayList<>();

    @AfterEach
    void closePeers() throws Exception {
        for (AutoCloseable p : peers) {
            p.close();
        }
    }

    /** Accepts connections and writes {@code greeting} (nothing when empty), then stays silent. */
    private int silentPeer(String greeting) throws IOException {
        ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        List<Socket> held = new ArrayList<>();
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    held.add(s);
                    OutputStream out = s.getOutputStream();
                    out.write(greeting.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    return;
                }
            }
        }, "doctor-test-peer");
        t.setDaemon(true);
        t.start();
        peers.add(() -> {
            server.close();
            for (Socket s : held) {
                s.close();
            }
        });
        return server.getLocalPort();
    }

    private int notAri() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", ex -> {
            byte[] body = "{\"message\":\"Not found\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(404, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        peers.add(() -> http.stop(0));
        return http.getAddress().getPort();
    }

    private Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("db.url", DatabaseSettings.h2(dir.resolve("ledger")).url());
        s.put("ami.timeout", "500ms");
        s.put("ari.timeout", "500ms");
        return s;
    }

    /** {@link #settings()} with AMI and ARI on ports where nothing listens. */
    private Map<String, String> noAsterisk() throws IOException {
        Map<String, String> s = settings();
        s.put("ami.port", Integer.toString(RealAsterisk.freeTcpPort()));
        s.put("ari.url", "http://127.0.0.1:" + RealAsterisk.freeTcpPort() + "/ari");
        return s;
    }

    private static String withFix(CliRun run, String check) {
        List<String> lines = run.out().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("(ok  |FAIL|skip)  " + java.util.regex.Pattern.quote(check) + " .*")) {
                return lines.get(i) + "\n" + (i + 1 < lines.size() ? lines.get(i + 1) : "");
            }
        }
        throw new AssertionError("no line for " + check + " in:\n" + run.out());
    }

    @Test
    void an_ami_port_that_never_answers_and_an_ari_that_never_answers_fail_as_timeouts() throws IOException {
        Map<String, String> s = settings();
        s.put("ami.port", Integer.toString(silentPeer("")));
        s.put("ari.url", "http://127.0.0.1:" + silentPeer("") + "/ari");

        CliRun run = CliRun.of(s, Map.of(), "doctor");

        assertThat(run.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(withFix(run, "ami")).contains("FAIL", "no answer from 127.0.0.1:", "within 500 ms",
                "fix: nothing answers in time");
        assertThat(withFix(run, "ari")).contains("FAIL", "timed out", "fix: no answer in time from");
        assertThat(run.out()).contains("skip  contexts", "skip  modules", "skip  sorcery", "skip  pjsip.conf", "skip  dial codes");
    }

    @Test
    void a_port_of_another_service_fails_the_ami_check_and_an_http_server_without_ari_the_ari_check() throws IOException {
        Map<String, String> s = settings();
        s.put("ami.port", Integer.toString(silentPeer("SSH-2.0-OpenSSH_9.2\r\n")));
        s.put("ari.url", "http://127.0.0.1:" + notAri() + "/ari");
        s.put("ari.timeout", "5s"); // this one answers: let a slow machine take its time

        CliRun run = CliRun.of(s, Map.of(), "doctor");

        assertThat(run.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(withFix(run, "ami")).contains("FAIL", "is not an Asterisk manager interface (banner 'SSH-2.0-OpenSSH_9.2')",
                "fix: ami.port points at another service");
        assertThat(withFix(run, "ari")).contains("FAIL", "→ 404", "fix: nothing serves ARI at");
    }

    @Test
    void the_probe_objects_are_deleted_when_creating_one_fails_and_a_leftover_is_named() throws Exception {
        FakeAri ari = new FakeAri("hotdesk", "fake-ari-password-0123");
        peers.add(ari);
        String id = Doctor.PROBE_PREFIX + "fixed";
        // an endpoint of that name in "pjsip.conf": ARI may neither create it over nor delete it
        ari.configObject("endpoint", id, Map.of("context", "internal"));
        Map<String, String> s = settings();
        s.put("ari.url", ari.baseUrl().toString());
        s.put("ari.password", "fake-ari-password-0123");
        s.put("ami.port", Integer.toString(RealAsterisk.freeTcpPort()));
        Config c = Config.load(null, Map.of(), s);
        AriSettings ariSettings = new AriSettings(ari.baseUrl(), "hotdesk", "fake-ari-password-0123", Duration.ofSeconds(5));
        AmiSettings amiSettings = new AmiSettings("127.0.0.1", c.integer("ami.port", 1, 65535), "hotdesk", "x-secret",
                Duration.ofSeconds(1), Map.of());

        List<Doctor.Check> checks;
        try (Services services = new Services(() -> c)) {
            checks = new Doctor.Run(services, amiSettings, new AriClient(ariSettings), ariSettings,
                    List.copyOf(RequiredModules.forHotdesk("memory").keySet()), DialCodePlan.defaults(), "hotdesk-idle", "internal")
                    .probeId(id).checks();
        }

        Doctor.Check sorcery = checks.stream().filter(x -> x.name().equals("sorcery")).findFirst().orElseThrow();
        assertThat(sorcery.status()).isEqualTo(Doctor.Status.FAIL);
        assertThat(sorcery.detail()).contains("ARI cannot create the probe endpoint", "→ 403",
                "probe endpoint '" + id + "' could not be deleted").doesNotContain("aor '", "auth '");
        assertThat(ari.object("auth", id)).isEmpty();
        assertThat(ari.object("aor", id)).isEmpty();
        assertThat(ari.requests()).filteredOn(r -> r.method().equals("DELETE")).hasSize(3);
    }

    @Test
    void the_acl_check_fails_naming_each_acl_asterisk_lacks_and_passes_once_acl_conf_has_them() throws Exception {
        FakeAri ari = new FakeAri("hotdesk", "fake-ari-password-0123");
        peers.add(ari);
        hotdesk.testing.FakeAmi ami = new hotdesk.testing.FakeAmi("hotdesk", "fake-ami-secret-0123").start();
        peers.add(ami);
        Map<String, String> s = settings();
        s.put("ari.url", ari.baseUrl().toString());
        s.put("ari.password", "fake-ari-password-0123");
        s.put("ami.port", Integer.toString(ami.port()));
        s.put("ami.secret", "fake-ami-secret-0123");
        Config c = Config.load(null, Map.of(), s);
        AriSettings ariSettings = new AriSettings(ari.baseUrl(), "hotdesk", "fake-ari-password-0123", Duration.ofSeconds(5));
        AmiSettings amiSettings = new AmiSettings("127.0.0.1", ami.port(), "hotdesk", "fake-ami-secret-0123",
                Duration.ofSeconds(2), Map.of());

        java.util.function.Supplier<Doctor.Check> acl = () -> {
            try (Services services = new Services(() -> c)) {
                return new Doctor.Run(services, amiSettings, new AriClient(ariSettings), ariSettings,
                        List.copyOf(RequiredModules.forHotdesk("memory").keySet()), DialCodePlan.defaults(), "hotdesk-idle",
                        "internal").checks().stream().filter(x -> x.name().equals("acl")).findFirst().orElseThrow();
            }
        };
        CliRun.ok(s, "site", "add", "Branch", "--networks", "10.1.0.0/16");

        Doctor.Check missing = acl.get();
        assertThat(missing.status()).isEqualTo(Doctor.Status.FAIL);
        assertThat(missing.detail()).contains("hotdesk-site-Branch (missing)").doesNotContain("hotdesk-default");
        assertThat(missing.fix()).contains("hotdesk asterisk-conf", "#include hotdesk/acl_hotdesk.conf", "module reload acl");

        ami.aclConf(Map.of("hotdesk-default", List.of("deny=0.0.0.0/0", "deny=::/0", "permit=127.0.0.0/8", "permit=::1/128"),
                "hotdesk-site-Branch", List.of("deny=0.0.0.0/0", "deny=::/0", "permit=10.2.0.0/16")));
        assertThat(acl.get().detail()).contains("hotdesk-site-Branch (other networks)");

        ami.aclConf(Map.of("hotdesk-default", List.of("deny=0.0.0.0/0", "deny=::/0", "permit=127.0.0.0/8", "permit=::1/128"),
                "hotdesk-site-Branch", List.of("deny=0.0.0.0/0", "deny=::/0", "permit=10.1.0.0/16")));
        Doctor.Check ok = acl.get();
        assertThat(ok.status()).isEqualTo(Doctor.Status.OK);
        assertThat(ok.detail()).contains("2 ACL(s)", "hotdesk-default", "hotdesk-site-Branch");
    }

    @Test
    void an_unreachable_ledger_fails_the_checks_that_read_it() throws IOException {
        Map<String, String> s = noAsterisk();
        s.put("db.url", "jdbc:postgresql://127.0.0.1:" + RealAsterisk.freeTcpPort() + "/none");
        s.put("db.user", "nobody");

        CliRun run = CliRun.of(s, Map.of(), "doctor");

        assertThat(run.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(withFix(run, "pjsip.conf")).contains("FAIL", "cannot read the ledger", "fix: check db.url");
        assertThat(withFix(run, "dial codes")).contains("FAIL", "cannot read the ledger", "fix: check db.url");
        assertThat(withFix(run, "pins")).contains("FAIL", "cannot read the ledger", "fix: check db.url");
        assertThat(withFix(run, "ami")).contains("FAIL", "refused", "fix: start Asterisk");
    }

    @Test
    void a_pin_hash_changed_outside_hotdesk_fails_the_pins_check_with_the_user_and_the_fix() throws Exception {
        Map<String, String> s = noAsterisk();
        s.put("security.pin-iterations", "1000");
        Map.of("101", "3865", "102", "8812").forEach((ext, pin) -> assertThat(
                CliRun.of(s, Map.of(), "user", "add", ext, "--name", "User " + ext, "--pin", pin).code()).isEqualTo(ExitCodes.OK));
        assertThat(withFix(CliRun.of(s, Map.of(), "doctor"), "pins")).startsWith("ok").contains("2 hot-desking user(s)");

        try (Database db = Database.open(DatabaseSettings.h2(dir.resolve("ledger")))) {
            assertThat(LedgerTables.update(db.dataSource(), "UPDATE users SET pin_hash = '4102' WHERE extension = '102'"))
                    .isEqualTo(1);
        }
        CliRun run = CliRun.of(s, Map.of(), "doctor");

        assertThat(run.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(withFix(run, "pins")).startsWith("FAIL").contains("PIN hash unreadable", ": 102")
                .doesNotContain("101").contains("fix: give each a new PIN: hotdesk user set-pin EXT");
    }

    @Test
    void without_a_test_call_user_the_ami_test_check_says_test_calls_are_off() throws IOException {
        Map<String, String> s = noAsterisk();
        s.put("ami.test-user", "");
        CliRun off = CliRun.of(s, Map.of(), "doctor");
        s.remove("ami.test-user");
        CliRun on = CliRun.of(s, Map.of(), "doctor");

        assertThat(withFix(off, "ami test")).startsWith("ok").contains("no test-call user (ami.test-user is empty)");
        assertThat(withFix(on, "ami test")).startsWith("skip").contains("needs AMI");
    }

    @Test
    void help_documents_exit_code_6() {
        CliRun run = CliRun.of(Map.of(), Map.of(), "doctor", "--help");

        assertThat(run.code()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("--json", "Exit codes:", "a check or test failed (doctor", "probe object");
    }

    @Test
    void json_output_escapes_what_it_quotes() {
        assertThat(Doctor.quote("a \"b\" \\ c\nd\u0001")).isEqualTo("\"a \\\"b\\\" \\\\ c\\nd\\u0001\"");
    }
}
