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

/** {@code hotdesk device remove --site NAME | --file MACS.txt [--dry-run]}, as a shell runs it. */
class BulkRemoveCommandTest {

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
    void by_site_removes_only_that_sites_desks_logging_their_occupants_out_and_a_dry_run_removes_nothing() {
        CliRun dry = run("device", "remove", "--site", "HQ", "--dry-run");
        String afterDry = devices();
        CliRun real = run("device", "remove", "--site", "HQ");
        CliRun empty = run("device", "remove", "--site", "Empty");
        CliRun unknown = run("device", "remove", "--site", "Nowhere");

        assertThat(dry.code()).isZero();
        assertThat(dry.out()).isEqualTo("would remove device 00:15:65:00:00:01\nwould remove device 00:15:65:00:00:02\n");
        assertThat(afterDry).contains("00:15:65:00:00:01", "00:15:65:00:00:02");
        assertThat(real.code()).isZero();
        assertThat(real.out()).isEqualTo("removed device 00:15:65:00:00:01\nremoved device 00:15:65:00:00:02\n");
        assertThat(devices()).doesNotContain("00:15:65:00:00:01").doesNotContain("00:15:65:00:00:02").contains("00:15:65:00:00:03");
        assertThat(run("status").out()).doesNotContain("101 User 101");
        assertThat(run("audit", "--action", "device.remove").out()).contains("001565000001").contains("001565000002");
        assertThat(empty.code()).isEqualTo(5);
        assertThat(unknown.code()).isEqualTo(3);
        assertThat(unknown.err()).isEqualTo("hotdesk: no site Nowhere\n");
    }

    @Test
    void a_file_that_holds_no_mac_is_refused_and_changes_nothing() throws Exception {
        Path comments = dir.resolve("comments.txt");
        Files.writeString(comments, "# nothing to remove yet\n\n");

        CliRun r = run("device", "remove", "--file", comments.toString());

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).isEqualTo("hotdesk: " + comments + " holds no MAC\n");
        assertThat(devices()).contains("00:15:65:00:00:01", "00:15:65:00:00:02", "00:15:65:00:00:03");
    }

    @Test
    void by_file_removes_the_listed_desks_or_with_any_bad_line_none() throws Exception {
        Path good = dir.resolve("good.txt");
        Files.writeString(good, "# annex\n001565000003\n\n00:15:65:00:00:02\n");
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "00:15:65:00:00:01\nnope\n00:15:65:99:99:99\n");
        Path unknown = dir.resolve("unknown.txt");
        Files.writeString(unknown, "00:15:65:00:00:01\n00:15:65:99:99:99\n");

        CliRun malformed = run("device", "remove", "--file", bad.toString());
        CliRun notThere = run("device", "remove", "--file", unknown.toString());
        String afterRefusals = devices();
        CliRun real = run("device", "remove", "--file", good.toString());

        assertThat(malformed.code()).isEqualTo(3);
        assertThat(malformed.err()).isEqualTo("hotdesk: " + bad + " line 2: 'nope' is not a MAC\n");
        assertThat(notThere.code()).isEqualTo(3);
        assertThat(notThere.err()).isEqualTo("hotdesk: " + unknown + " line 2: no device 00:15:65:99:99:99\n"
                + "hotdesk: no device was removed\n");
        assertThat(afterRefusals).contains("00:15:65:00:00:01", "00:15:65:00:00:02", "00:15:65:00:00:03");
        assertThat(real.code()).isZero();
        assertThat(real.out()).isEqualTo("removed device 00:15:65:00:00:03\nremoved device 00:15:65:00:00:02\n");
        assertThat(devices()).contains("00:15:65:00:00:01").doesNotContain("00:15:65:00:00:02").doesNotContain("00:15:65:00:00:03");
    }

    @Test
    void exactly_one_of_mac_site_and_file_and_dry_run_only_in_bulk() {
        CliRun none = run("device", "remove");
        CliRun two = run("device", "remove", "00:15:65:00:00:01", "--site", "HQ");
        CliRun dry = run("device", "remove", "00:15:65:00:00:01", "--dry-run");
        CliRun help = run("device", "remove", "--help");

        assertThat(none.code()).isEqualTo(2);
        assertThat(two.code()).isEqualTo(2);
        assertThat(two.err()).isEqualTo("hotdesk: give exactly one of MAC, --site NAME, --file MACS.txt\n");
        assertThat(dry.code()).isEqualTo(3);
        assertThat(devices()).contains("00:15:65:00:00:01");
        assertThat(help.out().replaceAll("\\s+", " ")).contains("--site=NAME", "--file=MACS.txt", "--dry-run",
                "one transaction", "nothing is removed");
    }
}
