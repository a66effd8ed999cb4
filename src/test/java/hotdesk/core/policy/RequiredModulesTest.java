package hotdesk.core.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequiredModulesTest {

    @Test
    void the_wizard_decides_which_sorcery_module_is_needed() {
        assertThat(RequiredModules.forWizard("memory")).contains("res_sorcery_memory", "res_agi", "pbx_config", "res_ari")
                .doesNotContain("res_sorcery_astdb").doesNotHaveDuplicates().noneMatch(m -> m.endsWith(".so"));
        assertThat(RequiredModules.forWizard("astdb")).contains("res_sorcery_astdb").doesNotContain("res_sorcery_memory");
    }

    @Test
    void an_unknown_wizard_is_refused_naming_the_key() {
        assertThatThrownBy(() -> RequiredModules.forWizard("redis"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("asterisk.pjsip-wizard").hasMessageContaining("redis");
    }
}
