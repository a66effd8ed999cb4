package hotdesk.app;

import hotdesk.store.DatabaseSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admin commands run as processes of their own with the shipped logging configuration: stdout holds
 * the result, stderr the error, and neither holds a log line unless {@code --verbose} asks.
 */
class CommandOutputTest {

    /** A line of the shipped log pattern: {@code 2026-01-01T10:00:00.000Z INFO  [main] …}. */
    private static final Pattern LOG_LINE = Pattern.compile("(?m)^\\d{4}-\\d\\d-\\d\\dT\\S+ +(TRACE|DEBUG|INFO|WARN|ERROR) ");

    @TempDir
    Path dir;
    private final Map<String, String> settings = new LinkedHashMap<>();

    @BeforeEach
    void setUp() {
        settings.put("db.url", DatabaseSettings.h2(dir.resolve("ledger")).url());
        settings.put("security.pin-iterations", "1000");
    }

    private CliRun hotdesk(String... command) throws Exception {
        return CliRun.process(dir, settings, "", command);
    }

    @Test
    void a_command_prints_its_result_only_on_a_new_and_on_an_existing_ledger() throws Exception {
        // an ELIN and a location: nothing to warn about (a desk without them gets warnings on stderr)
        CliRun add = hotdesk("device", "add", "00:15:65:12:34:AB", "--model", "T54W", "--elin", "+15551230000", "--floor", "3");
        CliRun list = hotdesk("device", "list");
        CliRun status = hotdesk("status", "--json");

        assertThat(add.code()).isZero();
        assertThat(add.out()).isEqualTo("added device 00:15:65:12:34:AB as endpoint hd-0015651234ab\n");
        assertThat(list.out()).contains("00:15:65:12:34:AB").doesNotContainPattern(LOG_LINE);
        assertThat(status.out()).startsWith("[{").doesNotContainPattern(LOG_LINE);
        for (CliRun r : new CliRun[]{add, list, status}) {
            assertThat(r.err()).as("stderr").isEmpty();
        }
    }

    @Test
    void a_failing_command_prints_its_one_line_error_and_no_log_lines() throws Exception {
        CliRun refused = hotdesk("device", "add", "hello", "--model", "T54W");
        settings.put("db.url", "jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=1");
        CliRun noLedger = hotdesk("user", "list");

        assertThat(refused.code()).isEqualTo(3);
        assertThat(refused.err()).startsWith("hotdesk: ").contains("MAC").doesNotContainPattern(LOG_LINE);
        assertThat(refused.err().strip()).doesNotContain("\n");
        assertThat(noLedger.code()).isEqualTo(4);
        assertThat(noLedger.err()).startsWith("hotdesk: ledger").doesNotContainPattern(LOG_LINE);
        assertThat(noLedger.err().strip()).doesNotContain("\n");
        assertThat(refused.out() + noLedger.out()).isEmpty();
    }

    @Test
    void pin_and_sip_secret_come_from_standard_input_when_there_is_no_terminal() throws Exception {
        CliRun add = CliRun.process(dir, settings, "3865\nOwn-Phone-Secret-1234\n",
                "user", "add", "101", "--name", "Alice", "--pin", "--sip-secret");
        CliRun setPin = CliRun.process(dir, settings, "4823\n", "user", "set-pin", "101", "--pin");
        CliRun nothing = CliRun.process(dir, settings, "", "user", "set-pin", "101", "--pin");

        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).isEqualTo("added user 101 (Alice)\n");
        assertThat(setPin.code()).as(setPin.err()).isZero();
        assertThat(nothing.code()).isEqualTo(2);
        assertThat(nothing.err()).contains("--pin").contains("standard input");
        assertThat(add.out() + add.err() + setPin.out() + setPin.err()).doesNotContain("3865").doesNotContain("4823")
                .doesNotContain("Own-Phone-Secret-1234");
    }

    @Test
    void a_sites_url_key_comes_from_standard_input_and_is_neither_printed_nor_logged() throws Exception {
        String key = "branch-url-key_0123456789ab";
        CliRun add = CliRun.process(dir, settings, key + "\n", "--verbose", "site", "add", "Branch", "--url-key");
        CliRun same = CliRun.process(dir, settings, key + "\n", "--verbose", "site", "set", "Branch", "--url-key");
        CliRun nothing = CliRun.process(dir, settings, "", "site", "set", "Branch", "--url-key");

        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).isEqualTo("added site Branch\n");
        assertThat(add.err()).containsPattern(LOG_LINE);
        assertThat(same.out()).as("the key read is the key stored").contains("unchanged");
        assertThat(nothing.code()).isEqualTo(2);
        assertThat(nothing.err()).contains("--url-key").contains("standard input");
        assertThat(add.out() + add.err() + same.out() + same.err() + nothing.err()).doesNotContain(key);
    }

    @Test
    void verbose_adds_the_log_lines_on_stderr_and_keeps_stdout_clean() throws Exception {
        CliRun quiet = hotdesk("user", "list", "--json");
        CliRun verbose = hotdesk("--verbose", "user", "list", "--json");
        CliRun verboseAfter = hotdesk("user", "list", "--json", "--verbose");

        assertThat(quiet.err()).isEmpty();
        assertThat(verbose.out()).isEqualTo("[]\n");
        assertThat(verbose.err()).containsPattern(LOG_LINE).contains("opening ledger database");
        assertThat(verboseAfter.out()).isEqualTo("[]\n");
        assertThat(verboseAfter.err()).contains("opening ledger database");
    }
}
