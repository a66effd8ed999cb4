package hotdesk.app;

import hotdesk.core.model.Mac;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import hotdesk.testing.TestKeystore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code hotdesk device credentials}, {@code device add --credentials}, {@code provision url-key}, and the
 * provisioning listener's security settings as {@code serve} reads them.
 */
class DeviceCredentialsCommandTest {

    private static final Pattern PASSWORD = Pattern.compile("provisioning password ([A-Za-z0-9_-]{32}) ");

    @TempDir
    Path dir;
    private final Map<String, String> settings = new LinkedHashMap<>();

    @BeforeEach
    void setUp() {
        settings.put("db.url", DatabaseSettings.h2(dir.resolve("ledger")).url());
        settings.put("security.pin-iterations", "1000");
    }

    private CliRun run(String... command) {
        return CliRun.of(settings, Map.of(), command);
    }

    private static String password(String out) {
        Matcher m = PASSWORD.matcher(out);
        assertThat(m.find()).as("a password in " + out).isTrue();
        return m.group(1);
    }

    private String storedHash(String mac) {
        try (Database db = Database.open(DatabaseSettings.h2(dir.resolve("ledger")))) {
            return db.ledger().read(tx -> tx.deviceCredential(Mac.parse(mac))).orElseThrow().secretHash();
        }
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void credentials_are_printed_once_kept_as_a_hash_and_replaced_only_with_rotate() throws Exception {
        CliRun.ok(settings, "device", "add", "00:15:65:12:34:AB", "--model", "T54W");

        CliRun first = run("device", "credentials", "00:15:65:12:34:AB");
        CliRun again = run("device", "credentials", "00:15:65:12:34:AB");
        String hashBefore = storedHash("0015651234ab");
        CliRun rotated = run("device", "credentials", "00:15:65:12:34:AB", "--rotate");

        assertThat(first.code()).isZero();
        assertThat(first.out()).startsWith("provisioning user     hd-0015651234ab\n")
                .contains("(shown once: only its hash is kept)");
        assertThat(hashBefore).isEqualTo(sha256(password(first.out())));
        assertThat(again.code()).isEqualTo(3);
        assertThat(again.err()).contains("has provisioning credentials already").contains("--rotate");
        assertThat(again.out()).isEmpty();
        assertThat(rotated.code()).isZero();
        assertThat(password(rotated.out())).isNotEqualTo(password(first.out()));
        assertThat(storedHash("0015651234ab")).isEqualTo(sha256(password(rotated.out())));
        String audit = run("audit", "--action", "device.credentials").out();
        assertThat(audit).contains("0015651234ab").contains("new").contains("rotated")
                .doesNotContain(password(first.out())).doesNotContain(password(rotated.out()));
    }

    @Test
    void bad_unknown_and_revoked_devices_are_refused_and_nothing_is_stored() {
        CliRun.ok(settings, "device", "add", "00:15:65:12:34:AB", "--model", "T54W");

        CliRun unknown = run("device", "credentials", "00:15:65:99:99:99");
        CliRun malformed = run("device", "credentials", "nope");
        CliRun revokeNone = run("device", "credentials", "00:15:65:12:34:AB", "--revoke");
        CliRun both = run("device", "credentials", "00:15:65:12:34:AB", "--revoke", "--rotate");
        CliRun.ok(settings, "device", "credentials", "00:15:65:12:34:AB");
        CliRun revoked = run("device", "credentials", "00:15:65:12:34:AB", "--revoke");

        assertThat(unknown.code()).isEqualTo(3);
        assertThat(unknown.err()).contains("no device 00:15:65:99:99:99");
        assertThat(malformed.code()).isEqualTo(3);
        assertThat(malformed.err()).contains("invalid MAC");
        assertThat(revokeNone.code()).isEqualTo(3);
        assertThat(both.code()).isEqualTo(3);
        assertThat(revoked.code()).isZero();
        assertThat(revoked.out()).isEqualTo("revoked the provisioning credentials of 00:15:65:12:34:AB\n");
        try (Database db = Database.open(DatabaseSettings.h2(dir.resolve("ledger")))) {
            boolean has = db.ledger().read(tx -> tx.deviceCredential(Mac.parse("0015651234ab")).isPresent());
            assertThat(has).isFalse();
        }
    }

    @Test
    void device_add_with_credentials_prints_them_after_the_usual_line() throws Exception {
        CliRun add = run("device", "add", "00:15:65:12:34:AB", "--model", "T54W", "--credentials");
        CliRun json = run("device", "add", "00:15:65:12:34:AC", "--model", "T54W", "--credentials", "--json");

        assertThat(add.code()).isZero();
        assertThat(add.out()).startsWith("added device 00:15:65:12:34:AB as endpoint hd-0015651234ab\n"
                + "provisioning user     hd-0015651234ab\n");
        assertThat(storedHash("0015651234ab")).isEqualTo(sha256(password(add.out())));
        assertThat(json.code()).isEqualTo(3);
        assertThat(run("device", "list").out()).doesNotContain("00:15:65:12:34:AC");
    }

    @Test
    void url_key_prints_a_new_128_bit_key_each_time() {
        String a = CliRun.ok(settings, "provision", "url-key");
        String b = CliRun.ok(settings, "provision", "url-key");

        assertThat(a).matches("provisioning\\.url-key=[A-Za-z0-9_-]{22}\n");
        assertThat(a).isNotEqualTo(b);
    }

    // ---- the settings serve reads

    private hotdesk.provisioning.ProvisioningSecurity security(Map<String, String> given) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.putAll(given);
        Config c = Config.load(null, Map.of(), all);
        return Server.provisioningSecurity(c, Server.provisioningSettings(c));
    }

    @Test
    void serve_refuses_plain_http_beyond_loopback_unless_the_admin_names_the_networks() throws Exception {
        assertThat(security(Map.of()).tls()).isEmpty();
        assertThatThrownBy(() -> security(Map.of("provisioning.bind", "0.0.0.0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provisioning.plain-http-networks").hasMessageContaining("provisioning.tls-keystore");
        assertThat(security(Map.of("provisioning.bind", "0.0.0.0", "provisioning.plain-http-networks", "10.0.0.0/8"))
                .plainHttpNetworks()).containsExactly("10.0.0.0/8");
        assertThatThrownBy(() -> security(Map.of("provisioning.plain-http-networks", "10.0.0.0/33")))
                .hasMessageContaining("provisioning.plain-http-networks");
        assertThatThrownBy(() -> security(Map.of("provisioning.device-auth", "digest")))
                .hasMessageContaining("provisioning.device-auth must be off or basic");
    }

    @Test
    void a_keystore_or_pem_pair_is_loaded_at_start_and_a_wrong_password_names_the_key_not_the_password() throws Exception {
        TestKeystore ks = TestKeystore.create(dir.resolve("p.p12"), "right-store-password");
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, "right-store-password\n");

        assertThat(security(Map.of("provisioning.bind", "0.0.0.0", "provisioning.tls-keystore", ks.file().toString(),
                "provisioning.tls-password-file", passwordFile.toString(), "provisioning.device-auth", "basic")).tls()).isPresent();
        assertThatThrownBy(() -> security(Map.of("provisioning.tls-keystore", ks.file().toString(),
                "provisioning.tls-password", "wrong-store-password")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provisioning.tls-keystore").hasMessageNotContaining("wrong-store-password");
        assertThatThrownBy(() -> security(Map.of("provisioning.tls-keystore", dir.resolve("missing.p12").toString())))
                .hasMessageContaining("provisioning.tls-keystore is not a readable file");
        assertThatThrownBy(() -> security(Map.of("provisioning.tls-cert", ks.file().toString())))
                .hasMessageContaining("provisioning.tls-cert and provisioning.tls-key go together");
        assertThatThrownBy(() -> security(Map.of("provisioning.tls-cert", ks.file().toString(), "provisioning.tls-key",
                passwordFile.toString())))
                .hasMessageContaining("provisioning.tls-cert");
        Path pkcs1 = dir.resolve("rsa.pem");
        Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> hotdesk.provisioning.ProvisioningSecurity.Tls.pem(writeCert(ks), pkcs1))
                .hasMessageContaining("provisioning.tls-key").hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void a_short_url_key_is_refused_without_echoing_it_and_the_settings_log_masks_it() {
        assertThatThrownBy(() -> security(Map.of("provisioning.url-key", "short-secret")))
                .hasMessageContaining("provisioning.url-key must be 22 to 128").hasMessageNotContaining("short-secret");
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put("provisioning.url-key", "A".repeat(22) + "secretpart");
        all.put("provisioning.tls-password", "store-secret");
        Config c = Config.load(null, Map.of(), all);
        assertThat(String.join("\n", c.describe())).doesNotContain("secretpart").doesNotContain("store-secret")
                .contains("provisioning.url-key = ****");
    }

    private Path writeCert(TestKeystore ks) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance(ks.file().toFile(), ks.password().toCharArray());
        String alias = store.aliases().nextElement();
        Path cert = dir.resolve("cert.pem");
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder().encodeToString(
                store.getCertificate(alias).getEncoded()) + "\n-----END CERTIFICATE-----\n");
        return cert;
    }
}
