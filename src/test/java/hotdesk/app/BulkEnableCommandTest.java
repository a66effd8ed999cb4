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

/** {@code hotdesk device set --in-site NAME | --file MACS.txt --enabled on|off [--dry-run]}, as a shell runs it. */
class BulkEnableCommandTest {

    @TempDir
    Path dir;
    private final Map<String, String> settings = new LinkedHashMap<>();

    @BeforeEach
    void setUp() {
        settings.put("db.url", DatabaseSettings.h2(dir.resolve("ledger")).url());
        settings.put("security.pin-iterations", "1000");
        CliRun.ok(settings, "site", "add", "HQ");
        CliRun.ok(settings, "site", "add", "Annex");
        CliRun.ok(settings, "site", "add", "Empty");
        CliRun.ok(settings, "device", "add", "00:15:65:00:00:01", "--model", "T54W", "--site", "HQ");
        CliRun.ok(settings, "device", "add", "00:15:65:00:00:02", "--model", "T54W", "--site", "HQ");
        CliRun.ok(settings, "device", "add", "00:15:65:00:00:03", "--model", "T54W", "--site", "Annex");
        CliRun.ok(settings, "user", "add", "101", "--name", "User 101", "--pin=4711");
        try (Database db = Database.open(DatabaseSettings.h2(dir.resolve("ledger")))) {
            db.ledger().transact(tx -> {
                Instant now = Instant.now();
                tx.occupy(new Occupancy("hd-001565000001", new Extension("101"), now, now));
                return null;
            });
        }
    }

    private CliRun run(String... command) {
        return CliRun.of(settings, Map.of(), command);
    }

    private String devices() {
        return run("device", "list").out();
    }

    @Test
    void by_site_disables_only_that_sites_desks_logging_their_occupants_out_and_a_dry_run_changes_nothing() {
        CliRun dry = run("device", "set", "--in-site", "HQ", "--enabled", "off", "--dry-run");
        String afterDry = run("status").out();
        CliRun off = run("device", "set", "--in-site", "HQ", "--enabled", "off");
        CliRun again = run("device", "set", "--in-site", "HQ", "--enabled", "off");
        CliRun on = run("device", "set", "--in-site", "HQ", "--enabled", "on");
        CliRun unknown = run("device", "set", "--in-site", "Nowhere", "--enabled", "off");

        assertThat(dry.code()).isZero();
        assertThat(dry.out()).isEqualTo("would disable device 00:15:65:00:00:01\nwould disable device 00:15:65:00:00:02\n");
        assertThat(afterDry).contains("101");
        assertThat(off.code()).isZero();
        assertThat(off.out()).isEqualTo("disabled device 00:15:65:00:00:01\ndisabled device 00:15:65:00:00:02\n");
        assertThat(run("audit", "--action", "device.set").out()).contains("enabled=off").contains("001565000002")
                .doesNotContain("001565000003");
        assertThat(run("audit", "--action", "logout").out()).contains("reason=disabled");
        assertThat(again.code()).isEqualTo(5);
        assertThat(on.out()).isEqualTo("enabled device 00:15:65:00:00:01\nenabled device 00:15:65:00:00:02\n");
        assertThat(unknown.code()).isEqualTo(3);
        assertThat(unknown.err()).isEqualTo("hotdesk: no site Nowhere\n");
    }

    @Test
    void by_file_changes_the_listed_desks_or_with_any_bad_line_none() throws Exception {
        Path good = dir.resolve("good.txt");
        Files.writeString(good, "# annex\n001565000003\n");
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "00:15:65:00:00:01\n\nnope\n");
        Path unknown = dir.resolve("unknown.txt");
        Files.writeString(unknown, "00:15:65:00:00:99\n00:15:65:00:00:01\n");

        CliRun malformed = run("device", "set", "--file", bad.toString(), "--enabled", "off");
        CliRun notThere = run("device", "set", "--file", unknown.toString(), "--enabled", "off");
        String audit = run("audit", "--action", "device.set").out();
        CliRun real = run("device", "set", "--file", good.toString(), "--enabled", "off");

        assertThat(malformed.code()).isEqualTo(3);
        assertThat(malformed.err()).isEqualTo("hotdesk: " + bad + " line 3: 'nope' is not a MAC\n");
        assertThat(notThere.code()).isEqualTo(3);
        assertThat(notThere.err()).isEqualTo("hotdesk: " + unknown + " line 1: no device 00:15:65:00:00:99\n"
                + "hotdesk: no device was changed\n");
        assertThat(audit).doesNotContain("enabled=off");
        assertThat(real.out()).isEqualTo("disabled device 00:15:65:00:00:03\n");
    }

    @Test
    void bulk_takes_only_enabled_and_exactly_one_selection() {
        CliRun label = run("device", "set", "--in-site", "HQ", "--label", "x");
        CliRun two = run("device", "set", "00:15:65:00:00:01", "--in-site", "HQ", "--enabled", "off");
        CliRun dry = run("device", "set", "00:15:65:00:00:01", "--enabled", "off", "--dry-run");
        CliRun help = run("device", "set", "--help");

        assertThat(label.code()).isEqualTo(2);
        assertThat(label.err()).contains("with --in-site or --file, give --enabled on|off and no other change");
        assertThat(two.code()).isEqualTo(2);
        assertThat(two.err()).contains("give exactly one of MAC, --in-site NAME, --file MACS.txt");
        assertThat(dry.code()).isEqualTo(3);
        assertThat(run("status").out()).contains("101");
        assertThat(help.out().replaceAll("\\s+", " ")).contains("--in-site=NAME", "--file=MACS.txt", "--dry-run",
                "one transaction", "nothing changes");
    }
}
