package hotdesk.core.policy;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequiredModulesTest {

    @Test
    void every_application_and_function_of_a_dialplan_maps_to_its_module_builtins_to_none() {
        String dialplan = """
                ; a comment that names Playback( is not dialplan
                [ctx]
                exten => _X.,1,NoOp(call from ${CHANNEL(name)})
                 same => n,Set(HOTDESK_ELIN=${DB(hotdesk/desk/${CHANNEL(endpoint)}/elin)})
                 same => n,ExecIf($["${HOTDESK_ELIN}" != ""]?Set(CALLERID(num)=${HOTDESK_ELIN}))
                 same => n(route),GotoIf(${DIALPLAN_EXISTS(c,${EXTEN},1)}?route)
                 same => n,Set(CALLERID(num)=${IF($["${X}" != ""]?${X}:${CALLERID(num)})})
                exten => s,1,Set(LOCAL(contacts)=${PJSIP_DIAL_CONTACTS(${ARG1})})
                 same => n,AGI(agi://127.0.0.1:4573/x,${ARG2})
                 same => n,Log(ERROR,failed)
                 same => n,Return()
                """;

        Map<String, String> modules = RequiredModules.forDialplan(dialplan);

        assertThat(modules).containsOnlyKeys("func_channel", "func_db", "app_exec", "func_callerid", "func_dialplan",
                "func_logic", "app_stack", "chan_pjsip", "res_agi", "app_verbose");
        assertThat(modules).containsEntry("app_stack", "LOCAL(), Return() in the hotdesk dialplan")
                .containsEntry("func_callerid", "CALLERID() in the hotdesk dialplan");
    }

    @Test
    void an_application_nobody_mapped_is_an_error_naming_it_and_where_to_look() {
        assertThatThrownBy(() -> RequiredModules.forDialplan("exten => 1,1,Monitor(wav)\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Monitor()").hasMessageContaining("core show application Monitor");
        assertThatThrownBy(() -> RequiredModules.forDialplan("exten => 1,1,NoOp(${SHELL(id)})\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SHELL()");
    }

    @Test
    void hotdesks_own_modules_follow_the_sorcery_wizard_and_merge_with_the_dialplans() {
        Map<String, String> memory = RequiredModules.of("exten => 1,1,Dial(PJSIP/1)\n", "memory");
        Map<String, String> astdb = RequiredModules.of("exten => 1,1,Dial(PJSIP/1)\n", "astdb");

        assertThat(memory).containsKeys("pbx_config", "res_pjsip", "chan_pjsip", "res_pjsip_notify", "res_ari",
                "res_ari_asterisk", "res_sorcery_memory", "app_dial").doesNotContainKey("res_sorcery_astdb");
        assertThat(astdb).containsKey("res_sorcery_astdb").doesNotContainKey("res_sorcery_memory");
        // the generated sorcery.conf puts a memory cache in front of astdb: without the module the cache line fails
        assertThat(astdb.get("res_sorcery_memory_cache")).contains("astdb");
        assertThat(memory).doesNotContainKey("res_sorcery_memory_cache");
        assertThat(java.util.List.copyOf(memory.keySet())).isSorted();
        assertThat(memory).allSatisfy((module, usedFor) -> assertThat(module).matches("[a-z][a-z0-9_]*"));
        assertThatThrownBy(() -> RequiredModules.of("", "realtime")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("asterisk.pjsip-wizard must be memory or astdb, got 'realtime'");
    }
}
