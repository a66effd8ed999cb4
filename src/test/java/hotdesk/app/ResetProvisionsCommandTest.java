package hotdesk.app;

import hotdesk.core.model.Mac;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hotdesk device reset-provisions MAC | --site NAME | --file MACS.txt}, and the count in list and status. */
class ResetProvisionsCommandTest {

    @TempDir
    Path dir;
    private final Map<String, String> settings = new LinkedHashMap<>();

    @BeforeEach
    void setUp() {
        settings.put("db.url", DatabaseSettings.h2(dir.resolve("ledger")).url());
        settings.put("security.pin-iterations", "1000");
        settings.put("provisioning.max-provisions", "20");
        CliRun.ok(settings, "site", "add", "HQ");
        CliRun.ok(settings, "site", "add", "Annex");
        CliRun.ok(settings, "device", "add", "00:15:65:00:00:01", "--model", "T54W", "--site", "HQ");
        CliRun.ok(settings, "device", "add", "00:15:65:00:00:02", "--model", "T54W", "--site", "HQ");
        CliRun.ok(settings, "device", "add", "00:15:65:00:00:03", "--model", "T54W", "--site", "Annex");
        // as the fetch journal's flush writes them
        try (Database db = Database.open(DatabaseSettings.h2(dir.resolve("ledger")))) {
            db.ledger().transact(tx -> {
                tx.addProvisions(Mac.parse("001565000001"), 20);
                tx.addProvisions(Mac.parse("001565000002"), 7);
                tx.addProvisions(Mac.parse("001565000003"), 20);
                return null;
            });
        }
    }

    private CliRun run(String... command) {
        return CliRun.of(settings, Map.of(), command);
    }

    @Test
    void list_and_status_show_the_count_only_while_the_option_is_on() {
        String list = run("device", "list").out();
        String status = run("status").out();
        String json = run("device", "list", "--json").out();
        String statusJson = run("status", "--json").out();
        settings.put("provisioning.max-provisions", "0");
        String listOff = run("device", "list").out();
        String statusOff = run("status").out();
        String statusJsonOff = run("status", "--json").out();

        assertThat(list).containsPattern("OVERRIDES +PROVISIONS").contains("PROVISIONS").contains("20/20").contains("7/20");
        assertThat(status).contains("PROVISIONS").contains("20/20").contains("7/20");
        assertThat(json).contains("\"provisions\"").contains("\"maxProvisions\"");
        assertThat(listOff).doesNotContain("PROVISIONS").doesNotContain("/20");
        assertThat(statusOff).doesNotContain("PROVISIONS");
        assertThat(statusJson).startsWith("[{").contains("\"provisions\":20,\"maxProvisions\":20")
                .contains("\"provisions\":7,\"maxProvisions\":20");
        assertThat(statusJsonOff).startsWith("[{").doesNotContain("\"provisions\"").doesNotContain("\"maxProvisions\"");
    }

    @Test
    void one_desk_by_mac_is_reset_and_audited() {
        CliRun r = run("device", "reset-provisions", "00:15:65:00:00:01");
        CliRun unknown = run("device", "reset-provisions", "00:15:65:99:99:99");
        CliRun malformed = run("device", "reset-provisions", "nope");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("reset provision count of device 00:15:65:00:00:01\n");
        assertThat(run("device", "list").out()).contains(" 0/20").contains("7/20");
        assertThat(run("audit", "--action", "device.reset-provisions").out()).contains("001565000001").contains("count was 20");
        assertThat(unknown.code()).isEqualTo(3);
        assertThat(unknown.err()).contains("no device 00:15:65:99:99:99");
        assertThat(malformed.code()).isEqualTo(3);
    }

    @Test
    void by_site_and_by_file_reset_all_or_nothing() throws Exception {
        Path unknown = dir.resolve("unknown.txt");
        Files.writeString(unknown, "# annex\n00:15:65:00:00:03\n00:15:65:99:99:99\n");
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "00:15:65:00:00:03\nnope\n");
        Path good = dir.resolve("good.txt");
        Files.writeString(good, "001565000003\n");

        CliRun notThere = run("device", "reset-provisions", "--file", unknown.toString());
        CliRun malformed = run("device", "reset-provisions", "--file", bad.toString());
        String afterRefusals = run("device", "list").out();
        CliRun site = run("device", "reset-provisions", "--site", "HQ");
        CliRun noSite = run("device", "reset-provisions", "--site", "Nowhere");
        CliRun file = run("device", "reset-provisions", "--file", good.toString());

        assertThat(notThere.code()).isEqualTo(3);
        assertThat(notThere.err()).isEqualTo("hotdesk: " + unknown + " line 3: no device 00:15:65:99:99:99\n"
                + "hotdesk: no provision count was reset\n");
        assertThat(malformed.code()).isEqualTo(3);
        assertThat(malformed.err()).isEqualTo("hotdesk: " + bad + " line 2: 'nope' is not a MAC\n");
        assertThat(afterRefusals).doesNotContain(" 0/20");
        assertThat(site.code()).isZero();
        assertThat(site.out()).isEqualTo("reset provision count of device 00:15:65:00:00:01\n"
                + "reset provision count of device 00:15:65:00:00:02\n");
        assertThat(noSite.code()).isEqualTo(3);
        assertThat(noSite.err()).isEqualTo("hotdesk: no site Nowhere\n");
        assertThat(file.code()).isZero();
        assertThat(run("device", "list").out()).doesNotContain("20/20").doesNotContain("7/20");
    }

    @Test
    void exactly_one_of_mac_site_and_file_and_help() {
        CliRun none = run("device", "reset-provisions");
        CliRun two = run("device", "reset-provisions", "00:15:65:00:00:01", "--site", "HQ");
        CliRun help = run("device", "reset-provisions", "--help");

        assertThat(none.code()).isEqualTo(2);
        assertThat(two.code()).isEqualTo(2);
        assertThat(two.err()).isEqualTo("hotdesk: give exactly one of MAC, --site NAME, --file MACS.txt\n");
        assertThat(help.out().replaceAll("\\s+", " ")).contains("--site=NAME", "--file=MACS.txt", "provisioning.max-provisions",
                "one transaction", "nothing is reset");
    }
}
