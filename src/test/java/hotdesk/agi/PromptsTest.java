package hotdesk.agi;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromptsTest {

    @Test
    void the_defaults_are_asterisk_core_sounds() {
        Prompts p = Prompts.defaults();

        assertThat(p.enterExtension()).isEqualTo("agent-user");
        assertThat(p.enterPin()).isEqualTo("agent-pass");
        assertThat(p.badPin()).isEqualTo("agent-incorrect");
        assertThat(p.refused()).isEqualTo("feature-not-avail-line");
    }

    @Test
    void a_sound_name_with_blanks_or_quotes_is_refused_naming_its_key() {
        Prompts d = Prompts.defaults();

        assertThatThrownBy(() -> new Prompts(d.enterExtension(), "agent-pass\" 1", d.loginOk(), d.loginPending(),
                d.badPin(), d.locked(), d.loggedOut(), d.notLoggedIn(), d.refused(), d.goodbye()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("agi.prompt.enter-pin ");
        assertThatThrownBy(() -> new Prompts(d.enterExtension(), d.enterPin(), d.loginOk(), d.loginPending(),
                d.badPin(), d.locked(), d.loggedOut(), d.notLoggedIn(), d.refused(), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("agi.prompt.goodbye ");
        assertThatThrownBy(() -> new Prompts(d.enterExtension(), d.enterPin(), d.loginOk(), d.loginPending(),
                d.badPin(), d.locked(), d.loggedOut(), d.notLoggedIn(), "../../etc/x", d.goodbye()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("agi.prompt.refused ");
    }

    @Test
    void sounds_in_subdirectories_are_allowed() {
        Prompts d = Prompts.defaults();

        assertThat(new Prompts("custom/hd-ext", d.enterPin(), d.loginOk(), d.loginPending(), d.badPin(), d.locked(),
                d.loggedOut(), d.notLoggedIn(), d.refused(), d.goodbye()).enterExtension()).isEqualTo("custom/hd-ext");
    }
}
