package hotdesk.core.policy;

import hotdesk.core.policy.DialCodePlan.Action;
import hotdesk.core.policy.DialCodePlan.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DialCodePlanTest {

    @Test
    void the_default_plan_routes_every_dial_form_of_the_feature_codes() {
        // when
        List<Route> routes = DialCodePlan.defaults().routes();

        // then
        assertThat(routes).containsExactly(
                new Route("*70", Action.LOGIN, "*70", "codes.login", 3, 0),
                new Route("_*70X.", Action.LOGIN, "*70", "codes.login", 3, -1),
                new Route("*77*", Action.LOGIN, "*77*", "codes.login-star", 4, 0),
                new Route("_*77*X.", Action.LOGIN, "*77*", "codes.login-star", 4, -1),
                new Route("_00*XXXXXX", Action.OTP_LOGIN, "00*", "codes.otp", 3, 6),
                new Route("_00*XXXXXX#", Action.OTP_LOGIN, "00*", "codes.otp", 3, 6),
                new Route("_00#XXXXXX", Action.OTP_LOGIN, "00#", "codes.otp", 3, 6),
                new Route("_00#XXXXXX#", Action.OTP_LOGIN, "00#", "codes.otp", 3, 6),
                new Route("*71", Action.LOGOUT, "*71", "codes.logout", 0, 0),
                new Route("*77*5*", Action.LOGOUT, "*77*5*", "codes.logout", 0, 0),
                new Route("00#", Action.LOGOUT, "00#", "codes.logout", 0, 0),
                new Route("00", Action.LOGOUT, "00", "codes.logout", 0, 0));
        assertThat(DialCodePlan.defaults().emergency()).containsExactly("911", "112", "999");
        assertThat(DialCodePlan.defaults().prefixCodes()).containsExactly("*70", "*77*", "00*", "00#");
    }

    @Test
    void configuration_values_are_comma_separated_lists() {
        // when
        DialCodePlan plan = DialCodePlan.of(" *70 ", "*77*", "00*, 00#", "*71,*77*5*,00#,00", "911, 112,999");

        // then
        assertThat(plan).isEqualTo(DialCodePlan.defaults());
        assertThat(plan.toString()).isEqualTo(
                "codes.login=*70 codes.login-star=*77* codes.otp=00*,00# codes.logout=*71,*77*5*,00#,00 emergency.numbers=911,112,999");
    }

    @Test
    void a_logout_code_may_equal_a_one_time_code_prefix_because_the_code_always_follows() {
        // when
        DialCodePlan plan = new DialCodePlan(List.of("*70"), List.of("*77*"), List.of("00#"), List.of("00#"), List.of("112"));

        // then: 00# logs out, 00#123456 logs in
        assertThat(plan.routes()).extracting(Route::exten).contains("00#", "_00#XXXXXX", "_00#XXXXXX#");
    }

    @Test
    void an_exact_code_inside_a_login_pattern_is_fine_when_it_cannot_be_an_extension() {
        // *77*5* lies inside *77*X. but extension 5 cannot exist (two digits at least)
        DialCodePlan plan = new DialCodePlan(List.of("*70"), List.of("*77*"), List.of("00*"), List.of("*77*5*", "*70*"),
                List.of("112"));

        assertThat(plan.logout()).containsExactly("*77*5*", "*70*");
    }

    @Test
    void the_lists_cannot_be_changed_afterwards() {
        List<String> login = new ArrayList<>(List.of("*70"));
        DialCodePlan plan = new DialCodePlan(login, List.of("*77*"), List.of("00*"), List.of("*71"), List.of("112"));

        login.add("*79");

        assertThat(plan.login()).containsExactly("*70");
        assertThatThrownBy(() -> plan.logout().add("*72")).isInstanceOf(UnsupportedOperationException.class);
    }

    static Stream<Arguments> bad_plans() {
        return Stream.of(
                bad(plan("", "*77*", "00*", "*71", "112"), "codes.login entries must be 1 to 8 of 0-9 * #, got ''"),
                bad(new String[][]{{}, {"*77*"}, {"00*"}, {"*71"}, {"112"}}, "codes.login must list at least one entry"),
                bad(plan("*7a", "*77*", "00*", "*71", "112"), "codes.login entries must be 1 to 8"),
                bad(plan("*70", "*77*123456", "00*", "*71", "112"), "codes.login-star entries must be 1 to 8"),
                bad(plan("*70", "*77*", "0 0", "*71", "112"), "codes.otp entries must be 1 to 8"),
                bad(plan("*70", "*77*", "00*", "*71\n", "112"), "codes.logout entries must be 1 to 8 of 0-9 * #, got '*71?'"),
                bad(plan("*70", "*77*", "00*", "*71,*71", "112"), "codes.logout lists *71 twice"),
                bad(plan("*70", "*77*", "*70", "*71", "112"), "codes.otp: *70 is also in codes.login"),
                bad(plan("*7", "*70*", "00*", "*71", "112"), "codes.login-star: *70* begins with *7 of codes.login"),
                bad(plan("*70", "*77*", "*7", "*71", "112"), "codes.login: *70 begins with *7 of codes.otp"),
                bad(plan("*70", "*77*", "00*", "*70", "112"), "codes.logout: *70 is also in codes.login"),
                bad(plan("*70", "*77*", "00*", "*77*", "112"), "codes.logout: *77* is also in codes.login-star"),
                bad(plan("*70", "*77*", "00*", "*7012", "112"),
                        "codes.logout: *7012 would take the place of logging in extension 12 with *70 of codes.login"),
                bad(plan("*70", "*77*", "00*", "*77*55*", "112"),
                        "codes.logout: *77*55* would take the place of logging in extension 55 with *77* of codes.login-star"),
                bad(plan("*70", "*77*", "0*", "0*123456", "112"), "codes.logout: 0*123456 is a one-time-code login with 0* of codes.otp"),
                bad(plan("*70", "*77*", "#", "#123456#", "112"), "codes.logout: #123456# is a one-time-code login with # of codes.otp"),
                bad(plan("*70", "*77*", "00*", "*71", ""), "emergency.numbers entries must be 2 to 6 digits, got ''"),
                bad(plan("*70", "*77*", "00*", "*71", "1"), "emergency.numbers entries must be 2 to 6 digits, got '1'"),
                bad(plan("*70", "*77*", "00*", "*71", "1234567"), "emergency.numbers entries must be 2 to 6 digits"),
                bad(plan("*70", "*77*", "00*", "*71", "11*"), "emergency.numbers entries must be 2 to 6 digits"),
                bad(plan("*70", "*77*", "00*", "*71", "112,112"), "emergency.numbers lists 112 twice"),
                bad(plan("*70", "*77*", "55*", "*71,00", "00"), "emergency.numbers: 00 is also the feature code 00 of codes.logout"),
                bad(plan("*70", "*77*", "55*", "*71,00", "000"), "emergency.numbers: 000 begins with the feature code 00 of codes.logout"),
                // the default codes and Australia's 000: phones dialling on a match would call after "00"
                bad(plan("*70", "*77*", "00*,00#", "*71,*77*5*,00#,00", "000"),
                        "emergency.numbers: 000 begins with the feature code 00 of codes.logout"),
                bad(plan("11", "*77*", "00*", "*71", "112"), "emergency.numbers: 112 begins with the feature code 11 of codes.login"),
                bad(plan("*70", "*77*", "00*", "1120", "112"), "emergency.numbers: 112 begins the feature code 1120 of codes.logout"),
                bad(plan("*70", "*77*", "9110*", "*71", "911"), "emergency.numbers: 911 begins the feature code 9110* of codes.otp"));
    }

    @ParameterizedTest
    @MethodSource
    void bad_plans(String[][] lists, String message) {
        assertThatThrownBy(() -> new DialCodePlan(list(lists[0]), list(lists[1]), list(lists[2]), list(lists[3]), list(lists[4])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void missing_lists_and_values_name_their_key() {
        assertThatThrownBy(() -> new DialCodePlan(null, List.of("*77*"), List.of("00*"), List.of("*71"), List.of("112")))
                .hasMessage("codes.login must list at least one entry");
        assertThatThrownBy(() -> new DialCodePlan(List.of("*70"), List.of("*77*"), List.of("00*"), List.of("*71"), null))
                .hasMessage("emergency.numbers must list at least one entry");
        assertThatThrownBy(() -> DialCodePlan.of("*70", "*77*", null, "*71", "112"))
                .hasMessage("codes.otp must be given");
        assertThatThrownBy(() -> new DialCodePlan(List.of("*70"), List.of("*77*"), List.of("00*"), Arrays.asList("*71", null),
                List.of("112"))).hasMessage("codes.logout entries must be 1 to 8 of 0-9 * #, got 'null'");
        assertThatThrownBy(() -> DialCodePlan.of("*70", "*77*", "00*", "*71", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17"))
                .hasMessage("emergency.numbers may list at most 16 entries, got 17");
    }

    @Test
    void codes_go_into_patterns_verbatim_because_star_and_hash_are_not_special_there() {
        assertThat(DialCodePlan.pattern("*77*", "X.")).isEqualTo("_*77*X.");
        assertThat(DialCodePlan.pattern("00#", "XXXXXX#")).isEqualTo("_00#XXXXXX#");
        // anything that would be special in a pattern is refused rather than written
        for (String bad : new String[]{"1X", "N", "[1]", "1.", "1!", "1-2", "1 2", null}) {
            assertThatThrownBy(() -> DialCodePlan.pattern(bad, "X."))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("only 0-9 * # can be written literally into an Asterisk pattern");
        }
    }

    private static String[][] plan(String login, String loginStar, String otp, String logout, String emergency) {
        return new String[][]{login.split(",", -1), loginStar.split(",", -1), otp.split(",", -1),
                logout.split(",", -1), emergency.split(",", -1)};
    }

    private static Arguments bad(String[][] plan, String message) {
        return Arguments.of(plan, message);
    }

    private static List<String> list(String[] values) {
        return Arrays.asList(values);
    }
}
