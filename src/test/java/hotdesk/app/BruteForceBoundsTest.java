package hotdesk.app;

import hotdesk.core.policy.LoginLimits;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The worst-case guesses per hour that the README states are what the default settings give: the
 * README cannot drift from the policy.
 */
class BruteForceBoundsTest {

    static final Pattern ROW = Pattern.compile("^\\| (.+?) \\| (\\d+) \\|$", Pattern.MULTILINE);

    @Test
    void the_readme_states_the_bounds_the_default_settings_give() throws IOException {
        LoginLimits limits = new Services(Config::defaults).lockout();
        Map<String, Integer> readme = boundsTable(Files.readString(Path.of("README.md")));

        assertThat(readme).containsExactly(
                Map.entry("at one desk, any extension or code", limits.guessesPerHourPerDesk()),
                Map.entry("for one extension at one desk", limits.guessesPerHourPerUserAtDesk()),
                Map.entry("for one extension at all desks together, its trusted desks included", limits.guessesPerHourPerUser()),
                Map.entry("wrong codes against one user's live codes, all desks together", limits.codeGuessesPerHourPerUser()));
        assertThat(limits.guessesPerHourPerDesk()).isEqualTo(40);
        assertThat(limits.guessesPerHourPerUser()).isEqualTo(48 + 2 * 20);
        assertThat(limits.codeGuessesPerHourPerUser()).isEqualTo(48);
    }

    @Test
    void limits_that_let_one_desk_lock_a_user_everywhere_are_refused_at_start() {
        Config c = Config.load(null, Map.of(), Map.of("lockout.user-max-failures", "10"));

        assertThatThrownBy(() -> Server.validate(c)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lockout.user-max-failures").hasMessageContaining("lockout.desk-max-failures");
        Config alertLate = Config.load(null, Map.of(), Map.of("lockout.user-alert-failures", "12"));
        assertThatThrownBy(() -> Server.validate(alertLate)).hasMessageContaining("lockout.user-alert-failures");
        Config sometimes = Config.load(null, Map.of(), Map.of("login.multi-login", "sometimes"));
        assertThatThrownBy(() -> Server.validate(sometimes)).hasMessageContaining("login.multi-login")
                .hasMessageContaining("single, deny or allow");
        Config zero = Config.load(null, Map.of(), Map.of("lockout.window", "0s"));
        assertThatThrownBy(() -> Server.validate(zero)).hasMessageContaining("lockout.window");
    }

    /** The rows of the table under "Brute force stays bounded", label → number. */
    static Map<String, Integer> boundsTable(String readme) {
        int start = readme.indexOf("| worst case, in any hour | guesses |");
        assertThat(start).as("the README's table of brute-force bounds").isNotNegative();
        String table = readme.substring(start, readme.indexOf("\n\n", start));
        Map<String, Integer> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(table);
        while (m.find()) {
            rows.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return rows;
    }
}
