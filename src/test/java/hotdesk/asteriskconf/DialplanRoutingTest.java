package hotdesk.asteriskconf;

import hotdesk.asteriskconf.Dialplan.Extension;
import hotdesk.core.policy.DialCodePlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which extension each dialled string reaches in the generated dialplan, decided by the tests' own
 * model of Asterisk's matching order ({@link Dialplan}), not by the code under test.
 */
class DialplanRoutingTest {

    static final String AGI = "AGI(agi://127.0.0.1:4573/${ARG1},${ARG2})";

    static Dialplan dialplan(AsteriskConfSettings s) {
        return Dialplan.parse(AsteriskConfWriter.render(s).get(AsteriskConfWriter.EXTENSIONS));
    }

    /** What a dialled string leads to: the script and the argument it receives, "emergency", or "refused". */
    static String outcome(Dialplan d, String context, String dialled) {
        Optional<Extension> hit = d.route(context, dialled);
        if (hit.isEmpty()) {
            return "no match";
        }
        Extension e = hit.get();
        String first = e.firstApp();
        if (first.startsWith("Goto(hotdesk-emergency,${EXTEN},1)")) {
            return "emergency";
        }
        if (first.equals("Playback(feature-not-avail-line)") && e.steps().get(1).app().equals("Hangup")
                && e.steps().size() == 2) {
            return "refused";
        }
        if (first.startsWith("Gosub(hotdesk-run,s,1(") && e.steps().get(1).app().equals("Hangup")) {
            String args = first.substring("Gosub(hotdesk-run,s,1(".length(), first.length() - 2);
            int comma = args.indexOf(',');
            String script = comma < 0 ? args : args.substring(0, comma);
            String argument = comma < 0 ? "" : evaluateExten(args.substring(comma + 1), dialled);
            return script + " " + argument;
        }
        if (first.equals("Gosub(hotdesk-dial,s,1(${EXTEN}))")) {
            return "internal " + dialled;
        }
        if (first.equals("Set(HOTDESK_CONTEXT=${DB(hotdesk/desk/${CHANNEL(endpoint)}/context)})")) {
            return "own " + dialled;
        }
        return "unexpected " + e.name() + ": " + first;
    }

    /** ${EXTEN:n} and ${EXTEN:n:m} as Asterisk evaluates them for the dialled string. */
    static String evaluateExten(String expr, String dialled) {
        assertThat(expr).matches("\\$\\{EXTEN:[0-9]+(:[0-9]+)?}");
        String[] parts = expr.substring(2, expr.length() - 1).split(":");
        int from = Integer.parseInt(parts[1]);
        int to = parts.length == 3 ? Math.min(dialled.length(), from + Integer.parseInt(parts[2])) : dialled.length();
        return dialled.substring(from, to);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "*70101     | hotdesk-login 101",
            "*70101#    | hotdesk-login 101#",
            "*70        | 'hotdesk-login '",
            "*77*101*   | hotdesk-login 101*",
            "*77*       | 'hotdesk-login '",
            "*77*5*     | 'hotdesk-logout '",
            "00*123456  | hotdesk-otp 123456",
            "00*123456# | hotdesk-otp 123456",
            "00#123456  | hotdesk-otp 123456",
            "00#123456# | hotdesk-otp 123456",
            "00#        | 'hotdesk-logout '",
            "00         | 'hotdesk-logout '",
            "*71        | 'hotdesk-logout '",
            "911        | emergency",
            "112        | emergency",
            "999        | emergency",
            "5551234    | refused",
            "101        | refused",
            "1          | refused",
            "*7         | refused",
            "*701       | refused",
            "00*12345   | refused",
            "00*1234567 | refused",
            "00#12345#  | refused",
            "0          | refused",
            "#          | refused",
            "+4930123   | refused",
            "9111       | refused"})
    void every_dial_form_of_an_idle_desk_reaches_the_right_script_with_the_right_argument(String dialled, String expected) {
        assertThat(outcome(dialplan(AsteriskConfSettings.defaults()), "hotdesk-idle", dialled)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "*70101     | hotdesk-login 101",
            "*70101#    | hotdesk-login 101#",
            "*70        | 'hotdesk-login '",
            "*77*101*   | hotdesk-login 101*",
            "*77*5*     | 'hotdesk-logout '",
            "00*123456  | hotdesk-otp 123456",
            "00#123456# | hotdesk-otp 123456",
            "00#        | 'hotdesk-logout '",
            "00         | 'hotdesk-logout '",
            "*71        | 'hotdesk-logout '",
            "911        | emergency",
            "112        | emergency",
            "999        | emergency",
            "5551234    | own 5551234",
            "101        | own 101",
            "1          | own 1",
            "*7         | own *7",
            "*701       | own *701",
            "00*12345   | own 00*12345",
            "0          | own 0",
            "#          | own #",
            "+4930123   | own +4930123",
            "*99#       | own *99#",
            "9111       | own 9111",
            "9911       | own 9911"})
    void every_dial_form_of_a_seated_desk_reaches_emergency_a_code_or_the_occupants_context_unchanged(String dialled,
                                                                                                      String expected) {
        assertThat(outcome(dialplan(AsteriskConfSettings.defaults()), "hotdesk-seated", dialled)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "*70101     | hotdesk-login 101",
            "*77*101*   | hotdesk-login 101*",
            "*77*5*     | 'hotdesk-logout '",
            "00#123456# | hotdesk-otp 123456",
            "00#        | 'hotdesk-logout '",
            "00         | 'hotdesk-logout '",
            "*71        | 'hotdesk-logout '",
            "911        | no match",
            "5551234    | no match"})
    void a_desk_in_use_gets_login_and_logout_codes_from_hotdesk_codes_and_nothing_else(String dialled, String expected) {
        assertThat(outcome(dialplan(AsteriskConfSettings.defaults()), "hotdesk-codes", dialled)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void the_internal_numbers_hint_joins_the_persons_custom_state_and_seated_desks_see_it() {
        Dialplan d = dialplan(AsteriskConfSettings.defaults());

        assertThat(d.hint("hotdesk-hints", "_1XX")).contains("PJSIP/${EXTEN}&Custom:hd-user-${EXTEN}");
        assertThat(d.includes("hotdesk-seated")).contains("hotdesk-hints");
    }

    @Test
    void the_run_subroutine_calls_the_fastagi_url_with_script_and_argument() {
        Dialplan d = dialplan(AsteriskConfSettings.defaults());

        assertThat(d.extensions("hotdesk-run")).singleElement()
                .satisfies(e -> assertThat(e.steps()).extracting(s -> s.app() + "(" + s.args() + ")").contains(AGI));
    }

    @Test
    void the_script_names_are_the_ones_the_fastagi_server_registers() throws Exception {
        Map<DialCodePlan.Action, String> registered = Map.of(
                DialCodePlan.Action.LOGIN, constant("hotdesk.agi.LoginAgiScript", "NAME"),
                DialCodePlan.Action.OTP_LOGIN, constant("hotdesk.agi.OtpLoginAgiScript", "NAME"),
                DialCodePlan.Action.LOGOUT, constant("hotdesk.agi.LogoutAgiScript", "NAME"));

        for (DialCodePlan.Action a : DialCodePlan.Action.values()) {
            assertThat(AsteriskConfWriter.script(a)).isEqualTo(registered.get(a));
        }
    }

    @Test
    void every_hotdesk_result_the_scripts_can_set_has_its_own_extension_in_the_result_table() throws Exception {
        Class<?> results = Class.forName("hotdesk.agi.AgiResult");
        List<String> names = new ArrayList<>();
        for (Object o : results.getEnumConstants()) {
            names.add(((Enum<?>) o).name());
        }
        Dialplan d = dialplan(AsteriskConfSettings.defaults());

        assertThat(d.extensions("hotdesk-result")).extracting(Extension::name)
                .containsExactlyInAnyOrderElementsOf(concat(names, AsteriskConfWriter.UNAVAILABLE));
        assertThat(constant("hotdesk.agi.Call", "RESULT_VARIABLE")).isEqualTo("HOTDESK_RESULT");
    }

    @Test
    void every_feature_code_of_the_plan_has_its_extensions_in_both_code_contexts() {
        Dialplan d = dialplan(AsteriskConfSettings.defaults());

        for (String context : List.of("hotdesk-idle", "hotdesk-codes")) {
            List<String> names = d.extensions(context).stream().map(Extension::name).toList();
            for (DialCodePlan.Route r : DialCodePlan.defaults().routes()) {
                assertThat(names).as(context).contains(r.exten());
            }
        }
    }

    @Test
    void idle_internal_calls_when_enabled_ring_the_user_and_never_take_an_emergency_number() {
        AsteriskConfSettings d = AsteriskConfSettings.defaults();
        AsteriskConfSettings on = new AsteriskConfSettings(d.codes(), d.agiUrl(), d.idleContext(), true, "_1XX",
                d.amiUser(), d.amiSecret(), d.ariUser(), d.ariPassword());

        Dialplan dp = dialplan(on);

        assertThat(outcome(dp, "hotdesk-idle", "101")).isEqualTo("internal 101");
        assertThat(outcome(dp, "hotdesk-idle", "199")).isEqualTo("internal 199");
        assertThat(outcome(dp, "hotdesk-idle", "112")).isEqualTo("emergency"); // exact 112 beats _1XX
        assertThat(outcome(dp, "hotdesk-idle", "1000")).isEqualTo("refused");
        assertThat(outcome(dp, "hotdesk-idle", "201")).isEqualTo("refused");
        assertThat(outcome(dp, "hotdesk-idle", "*70101")).isEqualTo("hotdesk-login 101");
        // and when disabled the pattern is not there at all
        assertThat(dialplan(d).extensions("hotdesk-idle")).extracting(Extension::name).doesNotContain("_1XX");
    }

    @Test
    void custom_codes_render_their_own_dial_forms_and_the_defaults_are_gone() {
        AsteriskConfSettings d = AsteriskConfSettings.defaults();
        AsteriskConfSettings s = new AsteriskConfSettings(DialCodePlan.of("#1", "*8*", "**9", "#0,*9", "110,112"),
                "agi://10.0.0.5:4600", "desk-free", false, "_1XX", d.amiUser(), d.amiSecret(), d.ariUser(), d.ariPassword());

        Dialplan dp = dialplan(s);

        assertThat(dp.hasContext("desk-free")).isTrue();
        assertThat(dp.hasContext("hotdesk-idle")).isFalse();
        assertThat(outcome(dp, "desk-free", "#1101")).isEqualTo("hotdesk-login 101");
        assertThat(outcome(dp, "desk-free", "*8*55*")).isEqualTo("hotdesk-login 55*");
        assertThat(outcome(dp, "desk-free", "**9123456#")).isEqualTo("hotdesk-otp 123456");
        assertThat(outcome(dp, "desk-free", "#0")).isEqualTo("hotdesk-logout ");
        assertThat(outcome(dp, "desk-free", "*9")).isEqualTo("hotdesk-logout ");
        assertThat(outcome(dp, "desk-free", "110")).isEqualTo("emergency");
        assertThat(outcome(dp, "desk-free", "911")).isEqualTo("refused");
        assertThat(outcome(dp, "desk-free", "*70101")).isEqualTo("refused");
        assertThat(outcome(dp, "desk-free", "*71")).isEqualTo("refused");
        assertThat(outcome(dp, "desk-free", "00#123456")).isEqualTo("refused");
        assertThat(dp.extensions("hotdesk-run").get(0).steps()).extracting(st -> st.app() + "(" + st.args() + ")")
                .contains("AGI(agi://10.0.0.5:4600/${ARG1},${ARG2})");
        assertThat(dp.extensions("hotdesk-emergency")).extracting(Extension::name).containsExactly("110", "112");
    }

    @Test
    void in_a_user_context_the_included_codes_work_unless_a_pattern_of_the_context_itself_comes_first() {
        String rendered = AsteriskConfWriter.render(AsteriskConfSettings.defaults()).get(AsteriskConfWriter.EXTENSIONS);
        String users = """
                [internal]
                include => hotdesk-codes
                exten => _1XX,1,Gosub(hotdesk-dial,s,1(${EXTEN}))
                [outside]
                exten => _0.,1,Dial(PJSIP/${EXTEN:1}@trunk)
                include => hotdesk-codes
                """;

        Dialplan d = Dialplan.parse(rendered, users);

        assertThat(outcome(d, "internal", "*71")).isEqualTo("hotdesk-logout ");
        assertThat(outcome(d, "internal", "00")).isEqualTo("hotdesk-logout ");
        assertThat(outcome(d, "internal", "101")).isEqualTo("internal 101");
        // the README's warning: the context's own _0. is searched before the included codes
        assertThat(d.route("outside", "00").orElseThrow().name()).isEqualTo("_0.");
        assertThat(outcome(d, "outside", "*71")).isEqualTo("hotdesk-logout ");
    }

    /**
     * Random plans (fixed seed): whatever DialCodePlan accepts, every dial form of every code reaches that
     * code's own extension, with the right argument, in both contexts, and near misses are refused.
     */
    @Test
    void for_every_plan_the_validation_accepts_no_generated_pattern_swallows_another_codes_dial_form() {
        Random random = new Random(20240611L);
        int accepted = 0;
        int attempts = 0;
        while (accepted < 300 && attempts < 200_000) {
            attempts++;
            DialCodePlan plan;
            try {
                List<String> login = codes(random, 1, 2, 4);
                List<String> loginStar = codes(random, 1, 2, 4);
                List<String> otp = codes(random, 1, 1, 2);
                List<String> logout = codes(random, 1 + random.nextInt(3), 1, 6);
                if (random.nextBoolean()) {
                    // a logout code that lies inside another code's dial forms: the hard case
                    logout.add(near(random, login.get(0), loginStar.get(0), otp.get(0)));
                }
                plan = new DialCodePlan(login, loginStar, otp, logout, emergency(random));
            } catch (IllegalArgumentException refused) {
                continue;
            }
            accepted++;
            AsteriskConfSettings d = AsteriskConfSettings.defaults();
            AsteriskConfSettings s = new AsteriskConfSettings(plan, d.agiUrl(), d.idleContext(), false, "_+X.", d.amiUser(),
                    d.amiSecret(), d.ariUser(), d.ariPassword());
            Dialplan dp = dialplan(s);
            for (String context : List.of("hotdesk-idle", "hotdesk-codes")) {
                checkPlan(plan, dp, context, random);
            }
        }
        assertThat(accepted).as("accepted plans out of %d attempts", attempts).isEqualTo(300);
    }

    private static void checkPlan(DialCodePlan plan, Dialplan dp, String context, Random random) {
        String what = plan + " in " + context;
        for (String code : concat(plan.login(), plan.loginStar())) {
            String ext = digits(random, 2 + random.nextInt(4));
            String terminator = plan.loginStar().contains(code) ? "*" : "";
            assertThat(outcome(dp, context, code + ext + terminator)).as(what).isEqualTo("hotdesk-login " + ext + terminator);
            assertThat(outcome(dp, context, code)).as(what).isEqualTo("hotdesk-login ");
            String nearMiss = code + digits(random, 1);
            assertThat(outcome(dp, context, nearMiss)).as(what + ": " + nearMiss)
                    .isIn(context.equals("hotdesk-idle") ? "refused" : "no match", "hotdesk-logout ");
        }
        for (String code : plan.otp()) {
            String otp = digits(random, DialCodePlan.OTP_DIGITS);
            assertThat(outcome(dp, context, code + otp)).as(what).isEqualTo("hotdesk-otp " + otp);
            assertThat(outcome(dp, context, code + otp + "#")).as(what).isEqualTo("hotdesk-otp " + otp);
            String nearMiss = code + digits(random, DialCodePlan.OTP_DIGITS - 1);
            assertThat(outcome(dp, context, nearMiss)).as(what + ": " + nearMiss)
                    .isIn(context.equals("hotdesk-idle") ? "refused" : "no match", "hotdesk-logout ");
        }
        for (String code : plan.logout()) {
            assertThat(outcome(dp, context, code)).as(what).isEqualTo("hotdesk-logout ");
            // an accepted logout code inside a login or OTP form may only take a form no one can use
            for (String login : concat(plan.login(), plan.loginStar())) {
                String rest = code.startsWith(login) ? code.substring(login.length()) : "";
                String ext = rest.endsWith("*") || rest.endsWith("#") ? rest.substring(0, rest.length() - 1) : rest;
                if (ext.matches("[0-9]{2,10}")) {
                    assertThat(outcome(dp, context, login + ext)).as(what + ": " + login + ext).isEqualTo("hotdesk-login " + ext);
                    assertThat(outcome(dp, context, login + ext + "*")).as(what).isEqualTo("hotdesk-login " + ext + "*");
                }
            }
            for (String otp : plan.otp()) {
                String rest = code.startsWith(otp) ? code.substring(otp.length()) : "";
                if (rest.matches("[0-9]{6}#?")) {
                    assertThat(outcome(dp, context, code)).as(what + ": " + code).isEqualTo("hotdesk-otp " + rest.substring(0, 6));
                }
            }
        }
        for (String n : plan.emergency()) {
            assertThat(outcome(dp, context, n)).as(what).isEqualTo(context.equals("hotdesk-idle") ? "emergency" : "no match");
        }
    }

    private static List<String> codes(Random r, int count, int minLength, int maxLength) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int length = minLength + r.nextInt(maxLength - minLength + 1);
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < length; k++) {
                b.append("0123456789*#*#*#".charAt(r.nextInt(16)));
            }
            out.add(b.toString());
        }
        return out;
    }

    /** A code made of another code and a few more characters (or none), at most 8 long. */
    private static String near(Random r, String login, String loginStar, String otp) {
        String base = switch (r.nextInt(3)) {
            case 0 -> login;
            case 1 -> loginStar;
            default -> otp;
        };
        String tail = r.nextInt(8) == 0 ? "" // the very same code
                : base.equals(otp) && base.length() <= 2 && r.nextBoolean()
                ? digits(r, DialCodePlan.OTP_DIGITS) + (r.nextBoolean() ? "#" : "")
                : digits(r, 1 + r.nextInt(3)) + (r.nextBoolean() ? "*" : "");
        String code = base + tail;
        return code.length() <= 8 ? code : code.substring(0, 8);
    }

    private static List<String> emergency(Random r) {
        List<String> out = new ArrayList<>();
        int count = 1 + r.nextInt(3);
        for (int i = 0; i < count; i++) {
            out.add(digits(r, 2 + r.nextInt(3)));
        }
        return out.stream().distinct().collect(Collectors.toList());
    }

    private static String digits(Random r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append((char) ('0' + r.nextInt(10)));
        }
        return b.toString();
    }

    private static List<String> concat(List<String> a, String... more) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(more));
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String constant(String className, String field) throws Exception {
        Field f = Class.forName(className).getDeclaredField(field);
        f.setAccessible(true);
        return (String) f.get(null);
    }

    @Test
    void the_model_orders_extensions_like_asterisk() {
        // a literal position beats any class there, fewer choices beat more, a class beats the wildcard
        assertThat(Dialplan.compareExtensions("_00*XXXXXX", "_0.")).isNegative();
        assertThat(Dialplan.compareExtensions("_1XX", "_[0-9*#+].")).isNegative();
        assertThat(Dialplan.compareExtensions("_*70X.", "_[0-9*#+].")).isNegative();
        assertThat(Dialplan.compareExtensions("_NXX", "_XXX")).isNegative();
        assertThat(Dialplan.compareExtensions("_ZXX", "_XXX")).isNegative();
        assertThat(Dialplan.compareExtensions("_NXX", "_ZXX")).isNegative();
        assertThat(Dialplan.compareExtensions("_[2-4]X", "_[5-9]X")).isNegative();
        assertThat(Dialplan.compareExtensions("_X.", "_X!")).isNegative();
        // exact extensions come before every pattern
        for (String pattern : List.of("_X.", "_[0-9*#+].", "_1XX", "_00*XXXXXX", "_*77*X.")) {
            assertThat(Dialplan.compareExtensions("*77*5*", pattern)).isNegative();
            assertThat(Dialplan.compareExtensions(pattern, "911")).isPositive();
        }
        assertThat(Dialplan.matches("_*77*X.", "*77*5*")).isTrue();
        assertThat(Dialplan.matches("_X.", "1")).isFalse();
        assertThat(Dialplan.matches("_X!", "1")).isTrue();
        assertThat(Dialplan.matches("_[0-9*#+]", "+")).isTrue();
    }
}
