package hotdesk.app;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every key against hostile values, through every check {@code serve} makes before it opens anything
 * ({@link Server#validate}): a value is either accepted or refused with an IllegalArgumentException
 * that names that very key, never an index error, an overflow or a message about another key.
 */
class ConfigValuesTest {

    /** Empty lists, blanks, negatives, numbers and durations past int, long and Duration, junk. */
    static final List<String> HOSTILE = List.of("", " ", ",", " , ,", "-1", "0", "-0", "+5", "2147483648", "-2147483649",
            "99999999999999999999999", "99999999999999999d", "9223372036854775807ms", "106751991167301d", "5000000000h",
            "0s", "0ms", "1d", "x", "-5s", "1.5s", "ulaw,,alaw", "a b", "\u0000", "http://", "[", "*");

    @Test
    void a_bad_value_of_any_key_is_refused_naming_that_key() {
        List<String> wrong = new ArrayList<>();
        for (Config.Key k : Config.KEYS) {
            for (String value : HOSTILE) {
                Map<String, String> set = new LinkedHashMap<>(Map.of("ami.secret", "own-ami-secret", "ari.password", "own-ari-secret"));
                set.put(k.name(), value);
                Throwable t = catchThrowable(() -> Server.validate(Config.load(null, Map.of(), set)));
                if (t != null && !(t instanceof IllegalArgumentException && names(t.getMessage(), k.name()))) {
                    wrong.add(k.name() + "='" + value + "' -> " + t);
                }
            }
        }
        assertThat(wrong).as("values refused with another exception or without naming their key").isEmpty();
    }

    /** Whether {@code message} names {@code key} itself, not merely a longer key that begins with it. */
    static boolean names(String message, String key) {
        return message != null && Pattern.compile("(?<![\\w.-])" + Pattern.quote(key) + "(?![\\w-]|\\.\\w)").matcher(message).find();
    }

    @Test
    void an_empty_logout_code_list_is_refused_naming_the_key_not_an_index() {
        Config c = Config.load(null, Map.of(), Map.of("codes.logout", ""));

        assertThatThrownBy(() -> Server.validate(c)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("codes.logout").hasMessageContaining("at least one");
    }

    @Test
    void an_overflowing_duration_is_refused_naming_the_key() {
        Config c = Config.load(null, Map.of(), Map.of("reconcile.interval", "99999999999999999d",
                "lockout.window", "99999999999999999999999s"));

        assertThatThrownBy(() -> c.duration("reconcile.interval")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reconcile.interval").hasMessageContaining("99999999999999999d");
        assertThatThrownBy(() -> c.duration("lockout.window")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lockout.window").hasMessageContaining("at most 3650d");
    }

    @Test
    void an_overflowing_whole_number_is_out_of_range_not_a_bad_number() {
        Config c = Config.load(null, Map.of(), Map.of("ami.port", "99999999999999999999999", "agi.port", "-99999999999"));

        assertThatThrownBy(() -> c.integer("ami.port", 1, 65535)).hasMessageContaining("ami.port must be between 1 and 65535");
        assertThatThrownBy(() -> c.integer("agi.port", 0, 65535)).hasMessageContaining("agi.port must be between 0 and 65535");
    }

    @Test
    void the_defaults_pass_every_check() {
        assertThat(Server.validate(Config.defaults())).isNotNull();
    }
}
