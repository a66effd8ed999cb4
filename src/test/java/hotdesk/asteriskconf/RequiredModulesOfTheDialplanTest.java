package hotdesk.asteriskconf;

import hotdesk.core.policy.RequiredModules;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated dialplan against {@link RequiredModules}: every application and function it uses is
 * known there (a new one fails here, naming it), so what {@code serve} checks with ModuleCheck is
 * what the dialplan needs.
 */
class RequiredModulesOfTheDialplanTest {

    @Test
    void every_application_and_function_of_the_generated_dialplan_has_its_module_listed() {
        String dialplan = AsteriskConfWriter.render(AsteriskConfSettings.defaults()).get(AsteriskConfWriter.EXTENSIONS);

        Map<String, String> modules = RequiredModules.forDialplan(dialplan);

        // the feature codes (AGI through the hotdesk-run subroutine), the results' prompts, the
        // emergency route (the desk's ELIN from AstDB) and hotdesk-dial
        assertThat(modules).containsKeys("res_agi", "app_stack", "app_playback", "func_dialplan", "func_channel", "func_db",
                "func_callerid", "app_dial", "chan_pjsip", "app_verbose");
        assertThat(RequiredModules.of(dialplan, "memory").keySet()).containsAll(modules.keySet())
                .containsAll(RequiredModules.forHotdesk("memory").keySet());
    }
}
