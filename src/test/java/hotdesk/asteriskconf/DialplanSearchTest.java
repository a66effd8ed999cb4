package hotdesk.asteriskconf;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class DialplanSearchTest {

    private static DialplanSearch dialplan(Map<String, DialplanSearch.Context> contexts) {
        return new DialplanSearch(name -> Optional.ofNullable(contexts.get(name)));
    }

    private static DialplanSearch.Context ctx(List<String> extensions, String... includes) {
        return new DialplanSearch.Context(extensions, List.of(includes));
    }

    @Test
    void a_contexts_own_pattern_wins_over_an_included_exact_extension() {
        DialplanSearch d = dialplan(Map.of(
                "internal", ctx(List.of("_1XX", "_X."), "hotdesk-codes"),
                "hotdesk-codes", ctx(List.of("00", "_00*XXXXXX", "*71"))));

        assertThat(d.find("internal", "00*123456")).contains(new DialplanSearch.Hit("internal", "_X."));
        assertThat(d.find("internal", "00")).contains(new DialplanSearch.Hit("internal", "_X."));
        assertThat(d.find("internal", "*71")).contains(new DialplanSearch.Hit("hotdesk-codes", "*71"));
    }

    @Test
    void includes_are_searched_in_order_depth_first_and_each_context_once() {
        DialplanSearch d = dialplan(Map.of(
                "users", ctx(List.of(), "outbound", "hotdesk-codes"),
                "outbound", ctx(List.of("_9X."), "more"),
                "more", ctx(List.of("_*X."), "users"),
                "hotdesk-codes", ctx(List.of("_*70X.", "_9XX"))));

        assertThat(d.find("users", "*70101")).contains(new DialplanSearch.Hit("more", "_*X."));
        assertThat(d.find("users", "911")).contains(new DialplanSearch.Hit("outbound", "_9X."));
        assertThat(d.find("users", "5")).isEmpty();
        assertThat(d.find("nonesuch", "5")).isEmpty();
    }

    @Test
    void an_include_with_a_time_condition_still_names_its_context() {
        DialplanSearch d = dialplan(Map.of(
                "users", ctx(List.of(), "daytime,08:00-18:00,mon-fri,*,*"),
                "daytime", ctx(List.of("_0."))));

        assertThat(d.find("users", "00*123456")).contains(new DialplanSearch.Hit("daytime", "_0."));
    }

    @Test
    void patterns_match_as_asterisk_matches_them() {
        assertThat(DialplanSearch.matches("_X.", "00*123456")).isTrue();
        assertThat(DialplanSearch.matches("_X.", "*70101")).isFalse();
        assertThat(DialplanSearch.matches("_X.", "0")).isFalse(); // '.' needs one more character
        assertThat(DialplanSearch.matches("_0!", "0")).isTrue(); // '!' takes none too
        assertThat(DialplanSearch.matches("_*X.", "*70101")).isTrue();
        assertThat(DialplanSearch.matches("_[*#]7[0-1]", "*71")).isTrue();
        assertThat(DialplanSearch.matches("_[*#]7[0-1]", "*72")).isFalse();
        assertThat(DialplanSearch.matches("_NXX", "101")).isFalse();
        assertThat(DialplanSearch.matches("_ZXX", "101")).isTrue();
        assertThat(DialplanSearch.matches("_1-0X", "101")).isTrue(); // dashes are ignored
        assertThat(DialplanSearch.matches("_00*XXXXXX", "00*123456")).isTrue();
        assertThat(DialplanSearch.matches("_00*XXXXXX", "00*123456#")).isFalse();
        assertThat(DialplanSearch.matches("*71", "*71")).isTrue();
        assertThat(DialplanSearch.matches("*71", "*710")).isFalse();
        assertThat(DialplanSearch.matches("s", "00")).isFalse();
        assertThat(DialplanSearch.matches("_X./5551234", "00*123456")).isTrue(); // caller-ID part left out
    }
}
