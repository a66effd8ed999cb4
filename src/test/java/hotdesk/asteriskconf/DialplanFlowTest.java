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
        assertThat(call.logs).singleElement().asString().contains("failed on trunk pstn with CHANUNAVAIL");
        assertThat(call.played).containsExactly("please-try-again");
    }

    @Test
    void an_emergency_call_with_no_trunk_set_says_so_in_the_log_and_to_the_caller() {
        Call call = DEFAULTS.run("hotdesk-idle", "911", desk());

        assertThat(call.dialled).isEmpty();
        assertThat(call.logs).singleElement().asString().contains("set HOTDESK_EMERGENCY_TRUNK in [globals]");
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
        for (String context : List.of("hotdesk-emergency", "hotdesk-emergency-out")) {
            for (Extension e : DEFAULTS.extensions(context)) {
                for (Dialplan.Step s : e.steps()) {
                    String line = s.app() + "(" + s.args() + ")";
                    assertThat(s.app()).as(line).isNotIn("AGI", "EAGI", "FastAGI", "Gosub", "System", "Curl");
                    assertThat(line).doesNotContain("agi://", "HOTDESK_RESULT", "hotdesk-run", "PJSIP_DIAL_CONTACTS", "ARI");
                    String withoutElin = line.replace("${DB(hotdesk/desk/${CHANNEL(endpoint)}/elin)}", "");
                    assertThat(withoutElin).as(line).doesNotContain("DB(", "DB_");
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
}
