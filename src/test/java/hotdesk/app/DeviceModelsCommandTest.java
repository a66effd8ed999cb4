package hotdesk.app;

import hotdesk.store.DatabaseSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hotdesk device models} and the model check of {@code device add}, as a shell runs them. */
class DeviceModelsCommandTest {

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

    @Test
    void models_lists_a_vendors_models_with_accounts_keys_and_desk_lines() {
        CliRun r = run("device", "models", "--vendor", "grandstream");

        assertThat(r.code()).isZero();
        assertThat(r.out()).containsPattern("(?m)^VENDOR +MODEL +KIND +ACCOUNTS +LINE KEYS +DESK LINES")
                .containsPattern("(?m)^grandstream +HT814 +gateway +4 +0 +4 *$")
                .containsPattern("(?m)^grandstream +GXP2170 +phone +12 +48 +1 *$")
                .doesNotContain("T54W");
    }

    @Test
    void models_without_a_vendor_lists_every_vendor_and_an_unknown_vendor_is_refused() {
        CliRun all = run("device", "models", "--json");
        CliRun unknown = run("device", "models", "--vendor", "acme");

        assertThat(all.code()).isZero();
        assertThat(all.out()).contains("\"vendor\":\"yealink\"", "\"vendor\":\"polycom\"", "\"vendor\":\"cisco\"",
                "\"model\":\"HT818\"", "\"deskLines\":8");
        assertThat(unknown.code()).isEqualTo(3);
        assertThat(unknown.err()).isEqualTo("hotdesk: unknown vendor 'acme': known are [cisco, fanvil, grandstream, polycom, snom, yealink]\n");
    }

    @Test
    void add_refuses_a_model_that_is_not_in_the_list_and_prints_the_vendors_list() {
        CliRun refused = run("device", "add", "00:15:65:12:34:AB", "--model", "T99");
        CliRun list = run("device", "list");

        assertThat(refused.code()).isEqualTo(3);
        assertThat(refused.err()).startsWith("hotdesk: model 'T99' is not in the list of supported yealink models and is not "
                + "eligible for provisioning; supported: T31P, T33G,").contains("T54W").endsWith("--vendor yealink)\n");
        assertThat(list.out()).doesNotContain("00:15:65:12:34:AB");
    }

    @Test
    void add_of_a_gateway_names_each_ports_desk_line() {
        CliRun r = run("device", "add", "C0:74:AD:00:08:14", "--vendor", "grandstream", "--model", "HT814", "--elin", "+15551230000");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("added device C0:74:AD:00:08:14 as endpoints hd-c074ad000814, hd-c074ad000814-2, "
                + "hd-c074ad000814-3, hd-c074ad000814-4\n");
    }
}
