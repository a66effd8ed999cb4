package hotdesk.asteriskconf;

import hotdesk.asteriskconf.Dialplan.Call;
import hotdesk.asteriskconf.Dialplan.Extension;
import hotdesk.asteriskconf.Dialplan.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Calls run through the generated dialplan by the tests' small Asterisk model ({@link Dialplan}). */
class DialplanFlowTest {

    static final Dialplan DEFAULTS = DialplanRoutingTest.dialplan(AsteriskConfSettings.defaults());

    static World desk() {
        World w = new World();
        w.endpoint = "hd-0015651234ab";
        return w;
    }

    static World fastAgi(String status, String result) {
        World w = desk();
        w.agi = args -> result == null ? Map.of("AGISTATUS", status) : Map.of("AGISTATUS", status, "HOTDESK_RESULT", result);
        return w;
    }

    @Test
    void a_login_reaches_the_fastagi_script_with_the_extension_as_its_argument() {
        List<List<String>> requests = new ArrayList<>();
        World w = desk();
        w.agi = args -> {
            requests.add(args);
            return Map.of("AGISTATUS", "SUCCESS", "HOTDESK_RESULT", "OK");
        };

        Call call = DEFAULTS.run("hotdesk-idle", "*70101", w);

        assertThat(requests).containsExactly(List.of("agi://127.0.0.1:4573/hotdesk-login", "101"));
        assertThat(call.played).as("the script spoke the result; the dialplan adds nothing").isEmpty();
        assertThat(call.hungUp).isTrue();
    }

    @Test
    void a_logout_sends_an_empty_argument_and_an_otp_exactly_six_digits() {
        List<List<String>> requests = new ArrayList<>();
        World w = desk();
        w.agi = args -> {
            requests.add(args);
            return Map.of("AGISTATUS", "SUCCESS", "HOTDESK_RESULT", "LOGGED_OUT");
        };

        DEFAULTS.run("hotdesk-codes", "*77*5*", w);
        DEFAULTS.run("hotdesk-idle", "00#123456#", w);

        assertThat(requests).containsExactly(List.of("agi://127.0.0.1:4573/hotdesk-logout", ""),
                List.of("agi://127.0.0.1:4573/hotdesk-otp", "123456"));
    }

    @ParameterizedTest(name = "AGISTATUS={0} HOTDESK_RESULT={1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "FAILURE  | null           | please-try-call-later",
            "NOTFOUND | null           | please-try-call-later",
            "SUCCESS  | null           | please-try-call-later",
            "SUCCESS  | ''             | please-try-call-later",
            "SUCCESS  | ok user=101    | please-try-call-later",
            "SUCCESS  | OK             | ''",
            "SUCCESS  | OK_PENDING     | ''",
            "SUCCESS  | LOGGED_OUT     | ''",
            "SUCCESS  | NOT_LOGGED_IN  | ''",
            "SUCCESS  | BAD_PIN        | ''",
            "SUCCESS  | LOCKED         | ''",
            "SUCCESS  | NOT_A_DESK     | ''",
            "SUCCESS  | ALREADY_SEATED | ''",
            "SUCCESS  | DESK_DISABLED  | ''",
            "SUCCESS  | ERROR          | ''"})
    void the_caller_always_hears_how_it_ended_and_never_silence_when_hotdesk_is_unreachable(String status, String result,
                                                                                            String sound) {
        // '' = the script has played the prompt of its result (prompts.*): the dialplan must not add a second one
        for (String dialled : List.of("*70101", "*77*101*", "00*123456", "*71", "00")) {
            Call call = DEFAULTS.run("hotdesk-idle", dialled, fastAgi(status, result));

            if (sound.isEmpty()) {
                assertThat(call.played).as(dialled).isEmpty();
            } else {
                assertThat(call.played).as(dialled).containsExactly(sound);
            }
            assertThat(call.hungUp).isTrue();
            if (sound.equals("please-try-call-later")) {
                assertThat(call.logs).singleElement().asString().contains("hotdesk: hotdesk-", "AGISTATUS=" + status);
            }
        }
    }

    @Test
    void nothing_more_is_said_after_no_input_or_when_the_caller_hung_up() {
        assertThat(DEFAULTS.run("hotdesk-idle", "*70", fastAgi("SUCCESS", "NO_INPUT")).played).isEmpty();
        Call hungUp = DEFAULTS.run("hotdesk-idle", "*70101", fastAgi("HANGUP", null));
        assertThat(hungUp.played).isEmpty();
        assertThat(hungUp.logs).isEmpty();
    }

    @Test
    void an_idle_desk_is_refused_everything_else_with_a_prompt_and_no_dial() {
        for (String dialled : List.of("5551234", "101", "*7", "+4930123", "0")) {
            Call call = DEFAULTS.run("hotdesk-idle", dialled, desk());

            assertThat(call.played).as(dialled).containsExactly("feature-not-avail-line");
            assertThat(call.dialled).isEmpty();
            assertThat(call.agi).isEmpty();
            assertThat(call.hungUp).isTrue();
        }
    }

    @Test
    void an_emergency_call_from_a_desk_presents_its_elin_and_goes_out_on_the_trunk_without_hotdesk() {
        World w = desk();
        w.globals.put("HOTDESK_EMERGENCY_TRUNK", "pstn");
        w.astdb.put("hotdesk/desk/hd-0015651234ab/elin", "+15551230314");
        w.agi = args -> {
            throw new AssertionError("an emergency call must not touch FastAGI");
        };

        for (String n : List.of("911", "112", "999")) {
            Call call = DEFAULTS.run("hotdesk-idle", n, w);

            assertThat(call.dialled).containsExactly("PJSIP/" + n + "@pstn");
            assertThat(call.callerIdNum).isEqualTo("+15551230314");
            assertThat(call.played).isEmpty();
        }
    }

    @Test
    void an_emergency_call_without_an_elin_keeps_the_caller_id_and_a_failed_trunk_is_logged_and_spoken() {
        World w = desk();
        w.globals.put("HOTDESK_EMERGENCY_TRUNK", "pstn");
        w.dialStatus = "CHANUNAVAIL";

        Call call = DEFAULTS.run("hotdesk-idle", "112", w);

        assertThat(call.dialled).containsExactly("PJSIP/112@pstn");
        assertThat(call.callerIdNum).isEmpty();
        assertThat(call.logs).hasSize(2);
        assertThat(call.logs.get(0)).startsWith("ERROR,").contains("failed on trunk pstn with CHANUNAVAIL", "trying HOTDESK_EMERGENCY_FALLBACK");
        assertThat(call.logs.get(1)).startsWith("ERROR,").contains("given up: no HOTDESK_EMERGENCY_FALLBACK");
        assertThat(call.played).containsExactly("please-try-again");
    }

    @Test
    void an_emergency_call_with_no_trunk_set_says_so_in_the_log_and_to_the_caller() {
        Call call = DEFAULTS.run("hotdesk-idle", "911", desk());

        assertThat(call.dialled).isEmpty();
        assertThat(call.logs).hasSize(2);
        assertThat(call.logs.get(0)).startsWith("ERROR,").contains("set HOTDESK_EMERGENCY_TRUNK in [globals]");
        assertThat(call.logs.get(1)).startsWith("ERROR,").contains("given up");
        assertThat(call.played).containsExactly("please-try-again");
    }

    @Test
    void an_emergency_context_set_by_the_admin_takes_the_call_with_the_elin_already_set() {
        String own = """
                [my-emergency]
                exten => _X.,1,Dial(DAHDI/g1/${EXTEN})
                """;
        Dialplan d = Dialplan.parse(AsteriskConfWriter.render(AsteriskConfSettings.defaults()).get(AsteriskConfWriter.EXTENSIONS), own);
        World w = desk();
        w.globals.put("HOTDESK_EMERGENCY_CONTEXT", "my-emergency");
        w.globals.put("HOTDESK_EMERGENCY_TRUNK", "pstn");
        w.astdb.put("hotdesk/desk/hd-0015651234ab/elin", "+15551230314");

        Call call = d.run("hotdesk-idle", "911", w);

        assertThat(call.dialled).containsExactly("DAHDI/g1/911");
        assertThat(call.callerIdNum).isEqualTo("+15551230314");
    }

    @Test
    void an_emergency_call_from_a_channel_without_endpoint_skips_the_astdb_lookup() {
        World w = new World(); // a Local channel: CHANNEL(endpoint) is empty
        w.globals.put("HOTDESK_EMERGENCY_TRUNK", "pstn");
        w.astdb.put("hotdesk/desk//elin", "+10000000000");

        Call call = DEFAULTS.run("hotdesk-emergency", "112", w);

        assertThat(call.dialled).containsExactly("PJSIP/112@pstn");
        assertThat(call.callerIdNum).isEmpty();
    }

    @Test
    void emergency_contexts_hold_no_agi_and_no_hotdesk_state_but_the_elin_in_astdb() {
        for (String context : List.of("hotdesk-emergency", "hotdesk-emergency-out", "hotdesk-emergency-fallback",
                "hotdesk-security-announce", "hotdesk-emergency-test", "hotdesk-emergency-test-answer")) {
            for (Extension e : DEFAULTS.extensions(context)) {
                for (Dialplan.Step s : e.steps()) {
                    String line = s.app() + "(" + s.args() + ")";
                    assertThat(s.app()).as(line).isNotIn("AGI", "EAGI", "FastAGI", "Gosub", "System", "Curl");
                    assertThat(line).doesNotContain("agi://", "HOTDESK_RESULT", "hotdesk-run", "PJSIP_DIAL_CONTACTS", "ARI");
                    // the desk's own facts, which hotdesk wrote to Asterisk's database, and nothing else of it
                    String withoutFacts = line.replaceAll("\\$\\{DB\\(hotdesk/desk/\\$\\{HOTDESK_DESK}/(elin|where|civic)\\)}", "");
                    assertThat(withoutFacts).as(line).doesNotContain("DB(", "DB_");
                }
            }
            assertThat(DEFAULTS.includes(context)).isEmpty();
        }
        assertThat(DEFAULTS.extensions("hotdesk-idle")).filteredOn(e -> List.of("911", "112", "999").contains(e.name()))
                .extracting(Extension::firstApp).containsOnly("Goto(hotdesk-emergency,${EXTEN},1)");
    }

    @Test
    void ringing_a_user_dials_all_contacts_or_reports_chanunavail_without_dialling() {
        String caller = """
                [internal]
                exten => _1XX,1,Gosub(hotdesk-dial,s,1(${EXTEN},20))
                 same => n,Playback(${DIALSTATUS})
                 same => n,Hangup()
                """;
        Dialplan d = Dialplan.parse(AsteriskConfWriter.render(AsteriskConfSettings.defaults()).get(AsteriskConfWriter.EXTENSIONS), caller);
        World w = desk();
        w.contacts.put("101", "PJSIP/101/sip:101@10.0.0.7:5060&PJSIP/101/sip:101@10.0.0.9:5060");
        w.dialStatus = "NOANSWER";

        Call rung = d.run("internal", "101", w);
        Call nobody = d.run("internal", "102", w);

        assertThat(rung.dialled).containsExactly("PJSIP/101/sip:101@10.0.0.7:5060&PJSIP/101/sip:101@10.0.0.9:5060,20");
        assertThat(rung.played).containsExactly("NOANSWER");
        assertThat(nobody.dialled).isEmpty();
        assertThat(nobody.played).containsExactly("CHANUNAVAIL");
    }

    @Test
    void an_idle_internal_call_to_someone_with_nothing_registered_is_told_so() {
        AsteriskConfSettings d = AsteriskConfSettings.defaults();
        Dialplan dp = DialplanRoutingTest.dialplan(new AsteriskConfSettings(d.codes(), d.agiUrl(), d.idleContext(), true,
                "_1XX", d.amiUser(), d.amiSecret(), d.ariUser(), d.ariPassword()));
        World w = desk();
        w.contacts.put("101", "PJSIP/101/sip:101@10.0.0.7:5060");
        w.dialStatus = "NOANSWER";

        Call answeredNot = dp.run("hotdesk-idle", "101", w);
        Call nobody = dp.run("hotdesk-idle", "102", w);

        assertThat(answeredNot.dialled).containsExactly("PJSIP/101/sip:101@10.0.0.7:5060,");
        assertThat(answeredNot.played).isEmpty();
        assertThat(nobody.played).containsExactly("please-try-call-later");
    }

    // ------------------------------------------------------------------ desks in use

    static final String OWN = """
            [sales]
            exten => _9X.,1,Dial(PJSIP/${EXTEN:1}@pstn)
            exten => _X.,1,Dial(PJSIP/${EXTEN}@pbx)
            exten => *99#,1,Dial(PJSIP/voicemail)
            exten => +15557654321,1,Dial(PJSIP/intl)
            exten => 9911,1,Dial(PJSIP/not-the-emergency-route)
            [internal]
            exten => _1XX,1,Dial(PJSIP/${EXTEN})
            """;

    static World seated(String context) {
        World w = desk();
        w.globals.put("HOTDESK_EMERGENCY_TRUNK", "pstn-e911");
        w.astdb.put("hotdesk/desk/hd-0015651234ab/elin", "+15551230314");
        w.astdb.put("hotdesk/desk/hd-0015651234ab/where", "HQ Fl 3 - Desk 3-01");
        w.astdb.put("hotdesk/desk/hd-0015651234ab/civic", "country=US,A1=CA,FLR=3");
        w.astdb.put("hotdesk/desk/hd-0015651234ab/occupant", "101");
        if (context != null) {
            w.astdb.put("hotdesk/desk/hd-0015651234ab/context", context);
        }
        return w;
    }

    @Test
    void a_seated_desk_takes_emergency_numbers_with_the_desks_elin_and_location_before_any_pattern_of_the_users_context() {
        Dialplan d = Dialplan.parse(AsteriskConfWriter.render(AsteriskConfSettings.defaults()).get(AsteriskConfWriter.EXTENSIONS), OWN);

        for (String n : List.of("911", "112", "999")) {
            Call call = d.run("hotdesk-seated", n, seated("sales"));

            assertThat(call.dialled).containsExactly("PJSIP/" + n + "@pstn-e911");
            assertThat(call.callerIdNum).isEqualTo("+15551230314");
            assertThat(call.callerIdName).isEqualTo("HQ Fl 3 - Desk 3-01");
            assertThat(call.geoloc).containsEntry("location_info", "country=US,A1=CA,FLR=3").containsEntry("format", "civicAddress")
                    .containsEntry("inheritable", "true");
            assertThat(call.userEvents).singleElement().asString().startsWith("HotdeskEmergency,Desk: hd-0015651234ab,Number: " + n
                    + ",ELIN: +15551230314,Where: HQ Fl 3 - Desk 3-01,Civic: \"country=US,A1=CA,FLR=3\",Channel: PJSIP/").endsWith(",Test: no");
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "95551234     | PJSIP/5551234@pstn",
            "5551234      | PJSIP/5551234@pbx",
            "*99#         | PJSIP/voicemail",
            "+15557654321 | PJSIP/intl",
            "9911         | PJSIP/not-the-emergency-route"})
    void a_seated_desk_sends_everything_else_unchanged_to_the_occupants_own_context(String dialled, String expected) {
        Dialplan d = Dialplan.parse(AsteriskConfWriter.render(AsteriskConfSettings.defaults()).get(AsteriskConfWriter.EXTENSIONS), OWN);

        Call call = d.run("hotdesk-seated", dialled, seated("sales"));

        assertThat(call.dialled).containsExactly(expected);
        assertThat(call.userEvents).isEmpty();
        assertThat(call.callerIdNum).isEmpty(); // the occupant's caller ID stays
        assertThat(call.visited).anyMatch(v -> v.startsWith("sales,"));
    }

    @Test
    void a_seated_desk_gets_the_feature_codes_before_the_users_context_whose_patterns_would_take_them() {
        Dialplan d = Dialplan.parse(AsteriskConfWriter.render(AsteriskConfSettings.defaults()).get(AsteriskConfWriter.EXTENSIONS), OWN);
        World w = seated("sales");
        w.agi = args -> Map.of("AGISTATUS", "SUCCESS", "HOTDESK_RESULT", "LOGGED_OUT");

        assertThat(d.run("hotdesk-seated", "00", w).agi).containsExactly("agi://127.0.0.1:4573/hotdesk-logout,");
        assertThat(d.run("hotdesk-seated", "*70102", w).agi).containsExactly("agi://127.0.0.1:4573/hotdesk-login,102");
        assertThat(d.run("hotdesk-seated", "00#123456", w).agi).containsExactly("agi://127.0.0.1:4573/hotdesk-otp,123456");
        assertThat(d.run("hotdesk-seated", "00", w).dialled).isEmpty();
    }

    @Test
    void a_seated_desk_without_a_context_fact_goes_on_to_the_default_context_and_a_number_nowhere_is_unallocated() {
        Dialplan d = Dialplan.parse(AsteriskConfWriter.render(AsteriskConfSettings.defaults()).get(AsteriskConfWriter.EXTENSIONS), OWN);

        Call internal = d.run("hotdesk-seated", "102", seated(null));
        Call nowhere = d.run("hotdesk-seated", "5551234", seated(null));
        Call oneDigit = d.run("hotdesk-seated", "5", seated("sales"));

        assertThat(internal.dialled).containsExactly("PJSIP/102");
        assertThat(nowhere.dialled).isEmpty();
        assertThat(nowhere.hangupCause).isEqualTo("1");
        assertThat(nowhere.logs).singleElement().asString().startsWith("NOTICE,").contains("5551234", "internal");
        assertThat(oneDigit.hangupCause).isEqualTo("1");
    }

    @Test
    void the_seated_context_falls_back_to_users_default_context_as_configured() {
        AsteriskConfSettings d = AsteriskConfSettings.defaults();
        AsteriskConfSettings other = new AsteriskConfSettings(d.codes(), d.agiUrl(), d.idleContext(), false, d.internalPattern(),
                d.amiUser(), d.amiSecret(), d.ariUser(), d.ariPassword(), d.pjsipWizard(), d.amiTestUser(), d.amiTestSecret(), "sales");
        Dialplan plan = Dialplan.parse(AsteriskConfWriter.render(other).get(AsteriskConfWriter.EXTENSIONS), OWN);

        assertThat(plan.run("hotdesk-seated", "5551234", seated(null)).dialled).containsExactly("PJSIP/5551234@pbx");
    }

    // ------------------------------------------------------------------ announced, fallback, test route

    @Test
    void the_security_desk_is_rung_asynchronously_before_the_dial_with_where_number_and_elin() {
        World w = seated("sales");
        w.globals.put("HOTDESK_SECURITY_DESK", "PJSIP/200");

        Call call = DEFAULTS.run("hotdesk-idle", "911", w);

        assertThat(call.originated).containsExactly("PJSIP/200,exten,hotdesk-security-announce,911,1,45,"
                + "ac(911)n(HQ Fl 3 - Desk 3-01)v(HOTDESK_ELIN=+15551230314^HOTDESK_DESK=hd-0015651234ab)");
        assertThat(call.dialled).containsExactly("PJSIP/911@pstn-e911");
        int originate = indexOf(call.visited, "hotdesk-emergency-out", call, "Originate");
        assertThat(originate).isLessThan(call.visited.size() - 1); // the Dial came after it
    }

    private static int indexOf(List<String> visited, String context, Call call, String app) {
        for (int i = 0; i < visited.size(); i++) {
            if (visited.get(i).startsWith(context + ",")) {
                String[] v = visited.get(i).split(",");
                Dialplan.Step s = DEFAULTS.extensions(context).stream().filter(e -> e.name().equals(v[1])).findFirst().orElseThrow()
                        .steps().get(Integer.parseInt(v[2]) - 1);
                if (s.app().equals(app)) {
                    return i;
                }
            }
        }
        throw new AssertionError(app + " not run in " + context);
    }

    @ParameterizedTest
    @CsvSource({"200", "PJSIP", "/200", "''"})
    void a_security_desk_that_is_no_dial_string_is_skipped_since_originate_would_end_the_emergency_call(String value) {
        World w = seated("sales");
        w.globals.put("HOTDESK_SECURITY_DESK", value);

        Call call = DEFAULTS.run("hotdesk-idle", "112", w);

        assertThat(call.originated).isEmpty();
        assertThat(call.userEvents).hasSize(1);
        assertThat(call.dialled).containsExactly("PJSIP/112@pstn-e911");
    }

    @Test
    void the_security_desk_hears_the_number_then_the_elin_twice() {
        World w = desk();
        Dialplan d = DEFAULTS;
        // what the originated channel runs once answered, with the variables Originate gave it
        Call call = d.run("hotdesk-security-announce", "911", w, Map.of("HOTDESK_ELIN", "+15551230314"));

        assertThat(call.said).containsExactly("911", "+15551230314", "911", "+15551230314");
        assertThat(call.hungUp).isTrue();
    }

    @Test
    void a_failed_trunk_tries_the_fallback_trunk_and_logs_an_error_either_way() {
        World w = seated(null);
        w.globals.put("HOTDESK_EMERGENCY_FALLBACK", "pstn-backup");
        w.dialStatuses.put("PJSIP/911@pstn-e911", "CONGESTION");

        Call call = DEFAULTS.run("hotdesk-idle", "911", w);

        assertThat(call.dialled).containsExactly("PJSIP/911@pstn-e911", "PJSIP/911@pstn-backup");
        assertThat(call.logs).singleElement().asString().startsWith("ERROR,").contains("failed on trunk pstn-e911 with CONGESTION");
        assertThat(call.callerIdNum).isEqualTo("+15551230314");
        assertThat(call.played).isEmpty();
    }

    @Test
    void a_fallback_that_names_a_context_with_the_number_takes_the_call_there_and_a_failed_fallback_gives_up_aloud() {
        String own = """
                [e911-backup]
                exten => _X.,1,Dial(DAHDI/g1/${EXTEN})
                """;
        Dialplan d = Dialplan.parse(AsteriskConfWriter.render(AsteriskConfSettings.defaults()).get(AsteriskConfWriter.EXTENSIONS), own);
        World w = seated(null);
        w.globals.put("HOTDESK_EMERGENCY_FALLBACK", "e911-backup");
        w.dialStatuses.put("PJSIP/112@pstn-e911", "CHANUNAVAIL");

        Call viaContext = d.run("hotdesk-idle", "112", w);

        assertThat(viaContext.dialled).containsExactly("PJSIP/112@pstn-e911", "DAHDI/g1/112");

        World bothDown = seated(null);
        bothDown.globals.put("HOTDESK_EMERGENCY_FALLBACK", "pstn-backup");
        bothDown.dialStatus = "CHANUNAVAIL";
        Call given = DEFAULTS.run("hotdesk-idle", "112", bothDown);

        assertThat(given.dialled).containsExactly("PJSIP/112@pstn-e911", "PJSIP/112@pstn-backup");
        assertThat(given.logs).hasSize(2);
        assertThat(given.logs.get(1)).startsWith("ERROR,").contains("failed on the fallback pstn-backup too with CHANUNAVAIL", "given up");
        assertThat(given.played).containsExactly("please-try-again");
    }

    @Test
    void a_test_call_announces_test_yes_and_goes_to_the_test_answer_side_never_the_trunk_or_fallback() {
        World w = new World(); // the originated Local channel: no endpoint
        w.globals.put("HOTDESK_EMERGENCY_TRUNK", "pstn-e911");
        w.globals.put("HOTDESK_EMERGENCY_FALLBACK", "pstn-backup");
        w.globals.put("HOTDESK_SECURITY_DESK", "PJSIP/200");
        w.astdb.putAll(seated(null).astdb);
        w.dialStatus = "CHANUNAVAIL";

        Call call = DEFAULTS.run("hotdesk-emergency-test", "911", w, Map.of("HOTDESK_TEST_DESK", "hd-0015651234ab"));
        Call ringing = DEFAULTS.run("hotdesk-emergency-test", "911", w,
                Map.of("HOTDESK_TEST_DESK", "hd-0015651234ab", "HOTDESK_TEST_RING_SECURITY", "yes"));

        assertThat(call.dialled).containsExactly("Local/911@hotdesk-emergency-test-answer");
        assertThat(call.userEvents).singleElement().asString().contains("Desk: hd-0015651234ab", "ELIN: +15551230314").endsWith("Test: yes");
        assertThat(call.callerIdNum).isEqualTo("+15551230314");
        assertThat(call.originated).isEmpty();
        assertThat(ringing.originated).singleElement().asString().startsWith("PJSIP/200,");
        assertThat(ringing.dialled).containsExactly("Local/911@hotdesk-emergency-test-answer");
        for (Extension e : DEFAULTS.extensions("hotdesk-emergency-test")) {
            assertThat(e.steps()).extracting(Dialplan.Step::args).noneMatch(a -> a.contains("HOTDESK_EMERGENCY_TRUNK")
                    || a.contains("HOTDESK_EMERGENCY_FALLBACK") || a.contains("HOTDESK_EMERGENCY_CONTEXT") || a.contains("hotdesk-emergency-out"));
        }
    }
}
