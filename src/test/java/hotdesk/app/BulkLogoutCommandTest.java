package hotdesk.app;

import hotdesk.core.model.Extension;
import hotdesk.core.model.Occupancy;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hotdesk logout --site NAME | --file MACS.txt [--dry-run]}, as a shell runs it. */
class BulkLogoutCommandTest {

    @TempDir
    Path dir;
    private final Map<String, String> settings = new LinkedHashMap<>();

    @BeforeEach
    void setUp() {
        settings.put("db.url", DatabaseSettings.h2(dir.resolve("ledger")).url());
        settings.put("security.pin-iterations", "1000");
        CliRun.ok(settings, "site", "add", "HQ");
        CliRun.ok(settings, "site", "add", "Annex");
        CliRun.ok(settings, "device", "add", "00:15:65:00:00:01", "--model", "T54W", "--site", "HQ");
        CliRun.ok(settings, "device", "add", "00:15:65:00:00:02", "--model", "T54W", "--site", "HQ");
        CliRun.ok(settings, "device", "add", "00:15:65:00:00:03", "--model", "T54W", "--site", "Annex");
        for (String ext : new String[] {"101", "102", "103"}) {
            CliRun.ok(settings, "user", "add", ext, "--name", "User " + ext, "--pin=4711");
        }
        try (Database db = Database.open(DatabaseSettings.h2(dir.resolve("ledger")))) {
            db.ledger().transact(tx -> {
                Instant now = Instant.now();
                tx.occupy(new Occupancy("hd-001565000001", new Extension("101"), now, now));
                tx.occupy(new Occupancy("hd-001565000002", new Extension("102"), now, now));
                tx.occupy(new Occupancy("hd-001565000003", new Extension("103"), now, now));
                return null;
            });
        }
    }

    private CliRun run(String... command) {
        return CliRun.of(settings, Map.of(), command);
    }

    private String status() {
        return run("status").out();
    }

    @Test
    void by_site_logs_out_only_that_sites_desks_and_a_dry_run_changes_nothing() {
        CliRun dry = run("logout", "--site", "HQ", "--dry-run");
        String afterDry = status();
        CliRun real = run("logout", "--site", "HQ");
        CliRun again = run("logout", "--site", "HQ");
        CliRun unknown = run("logout", "--site", "Nowhere");

        assertThat(dry.code()).isZero();
        assertThat(dry.out()).isEqualTo("would log out 101 at hd-001565000001\nwould log out 102 at hd-001565000002\n");
        // the occupant column (extension and name): a bare "101" can also be digits of a timestamp in the output
        assertThat(afterDry).contains("101 User 101", "102 User 102", "103 User 103");
        assertThat(real.code()).isZero();
        assertThat(real.out()).isEqualTo("logged out 101 at hd-001565000001\nlogged out 102 at hd-001565000002\n");
        assertThat(status()).doesNotContain("101 User 101").doesNotContain("102 User 102").contains("103 User 103");
        assertThat(run("audit", "--action", "logout").out()).contains("reason=forced").contains("101").contains("102");
        assertThat(again.code()).isEqualTo(5);
        assertThat(unknown.code()).isEqualTo(3);
        assertThat(unknown.err()).isEqualTo("hotdesk: no site Nowhere\n");
    }

    @Test
    void by_file_logs_out_the_desks_listed_skipping_blanks_and_comments() throws Exception {
        Path file = dir.resolve("macs.txt");
        Files.writeString(file, "# floor 4\n00:15:65:00:00:01\n\n0015650000 03\n".replace("0015650000 03", "001565000003"));

        CliRun dry = run("logout", "--file", file.toString(), "--dry-run");
        CliRun real = run("logout", "--file", file.toString());

        assertThat(dry.out()).isEqualTo("would log out 101 at hd-001565000001\nwould log out 103 at hd-001565000003\n");
        assertThat(real.code()).isZero();
        assertThat(real.out()).isEqualTo("logged out 101 at hd-001565000001\nlogged out 103 at hd-001565000003\n");
        assertThat(status()).doesNotContain("101 User 101").doesNotContain("103 User 103").contains("102 User 102");
    }

    @Test
    void a_file_with_any_bad_or_unknown_line_reports_each_by_number_and_logs_out_nobody() throws Exception {
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "00:15:65:00:00:01\nnot a mac\n00:15:65:00:00:02\n12345\n");
        Path unknown = dir.resolve("unknown.txt");
        Files.writeString(unknown, "00:15:65:00:00:01\n# x\n00:15:65:99:99:99\n");
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "# nothing\n\n");

        CliRun malformed = run("logout", "--file", bad.toString());
        CliRun notThere = run("logout", "--file", unknown.toString());
        CliRun none = run("logout", "--file", empty.toString());
        CliRun missing = run("logout", "--file", dir.resolve("absent.txt").toString());
        CliRun dryAlone = run("logout", "--device", "00:15:65:00:00:01", "--dry-run");

        assertThat(malformed.code()).isEqualTo(3);
        assertThat(malformed.err()).isEqualTo("hotdesk: " + bad + " line 2: 'not a mac' is not a MAC\n"
                + "hotdesk: " + bad + " line 4: '12345' is not a MAC\n");
        assertThat(notThere.code()).isEqualTo(3);
        assertThat(notThere.err()).isEqualTo("hotdesk: " + unknown + " line 3: no device 00:15:65:99:99:99\n"
                + "hotdesk: nobody was logged out\n");
        assertThat(none.code()).isEqualTo(3);
        assertThat(none.err()).isEqualTo("hotdesk: " + empty + " holds no MAC\n");
        assertThat(missing.code()).isEqualTo(3);
        assertThat(missing.err()).startsWith("hotdesk: cannot read ");
        assertThat(dryAlone.code()).isEqualTo(3);
        assertThat(dryAlone.err()).isEqualTo("hotdesk: --dry-run needs --site or --file\n");
        assertThat(status()).contains("101 User 101", "102 User 102", "103 User 103");
        assertThat(malformed.out() + notThere.out()).isEmpty();
    }

    @Test
    void help_names_the_bulk_options_and_the_all_or_nothing_rule() {
        CliRun help = run("logout", "--help");

        assertThat(help.out().replaceAll("\\s+", " ")).contains("--site=NAME", "--file=MACS.txt", "--dry-run", "one transaction",
                "reported with its number and nobody is logged out");
    }
}
