package hotdesk.app;

import hotdesk.store.DatabaseSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hotdesk admin add|remove|list} on a real H2 ledger file. */
class AdminCommandTest {

    @TempDir
    Path dir;

    private final Map<String, String> settings = new LinkedHashMap<>();

    @BeforeEach
    void ledger() {
        settings.put("db.url", DatabaseSettings.h2(dir.resolve("ledger")).url());
        settings.put("security.pin-iterations", "1000");
    }

    @Test
    void add_reads_the_password_from_standard_input_stores_only_a_hash_and_list_shows_name_and_role() throws Exception {
        CliRun added = CliRun.process(dir, settings, "a long board password\n", "admin", "add", "anna", "--role", "admin");
        Path file = dir.resolve("pw.txt");
        Files.writeString(file, "viewer password file\n");
        String viewer = CliRun.ok(settings, "admin", "add", "victor", "--role", "viewer", "--password-file", file.toString());

        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out()).contains("added board account anna (admin)");
        assertThat(viewer).contains("added board account victor (viewer)");
        String list = CliRun.ok(settings, "admin", "list");
        assertThat(list).contains("anna").contains("admin").contains("victor").contains("viewer")
                .doesNotContain("a long board password").doesNotContain("pbkdf2");
        assertThat(CliRun.ok(settings, "admin", "list", "--json")).contains("\"name\":\"anna\"").contains("\"role\":\"admin\"");
        String dump = new String(Files.readAllBytes(dir.resolve("ledger.mv.db")), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(dump).doesNotContain("a long board password").doesNotContain("viewer password file");
    }

    @Test
    void bad_names_roles_short_passwords_and_duplicates_are_refused_with_exit_3() throws Exception {
        Path file = dir.resolve("pw.txt");
        Files.writeString(file, "good enough password\n");
        Path shortFile = dir.resolve("short.txt");
        Files.writeString(shortFile, "short\n");
        CliRun.ok(settings, "admin", "add", "anna", "--role", "admin", "--password-file", file.toString());

        CliRun badName = CliRun.of(settings, Map.of(), "admin", "add", "Anna Smith", "--role", "admin", "--password-file", file.toString());
        CliRun badRole = CliRun.of(settings, Map.of(), "admin", "add", "bob", "--role", "root", "--password-file", file.toString());
        CliRun tooShort = CliRun.of(settings, Map.of(), "admin", "add", "bob", "--role", "viewer", "--password-file", shortFile.toString());
        CliRun twice = CliRun.of(settings, Map.of(), "admin", "add", "anna", "--role", "viewer", "--password-file", file.toString());
        CliRun noStdin = CliRun.of(settings, Map.of(), "admin", "add", "carl", "--role", "viewer");

        assertThat(badName.code()).isEqualTo(3);
        assertThat(badName.err()).contains("a-z 0-9");
        assertThat(badRole.code()).isEqualTo(3);
        assertThat(badRole.err()).contains("admin or viewer");
        assertThat(tooShort.code()).isEqualTo(3);
        assertThat(tooShort.err()).contains("12 to 200 characters");
        assertThat(twice.code()).isEqualTo(3);
        assertThat(twice.err()).contains("exists already");
        assertThat(noStdin.code()).isNotZero();
        assertThat(noStdin.err()).contains("--password");
        assertThat(CliRun.ok(settings, "admin", "list")).doesNotContain("bob").doesNotContain("carl");
    }

    @Test
    void remove_deletes_the_account_and_a_missing_one_is_refused() throws Exception {
        Path file = dir.resolve("pw.txt");
        Files.writeString(file, "good enough password\n");
        CliRun.ok(settings, "admin", "add", "anna", "--role", "admin", "--password-file", file.toString());

        String removed = CliRun.ok(settings, "admin", "remove", "anna");
        CliRun again = CliRun.of(settings, Map.of(), "admin", "remove", "anna");

        assertThat(removed).contains("removed board account anna");
        assertThat(again.code()).isEqualTo(3);
        assertThat(again.err()).contains("no board account anna");
        assertThat(CliRun.ok(settings, "admin", "list")).doesNotContain("anna");
    }
}
