package hotdesk.agi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromptsTest {

    @Test
    void the_defaults_say_what_happened_without_agents_or_mailboxes() {
        Prompts p = Prompts.defaults();

        assertThat(p.enterExtension()).isEqualTo("extension");
        assertThat(p.enterPin()).isEqualTo("agent-pass");
        assertThat(p.badPin()).isEqualTo("vm-incorrect");
        assertThat(p.loggedOut()).isEqualTo("de-activated");
        assertThat(p.loginOk()).isEqualTo("activated");
        assertThat(List.of(p.enterExtension(), p.loginOk(), p.loginPending(), p.badPin(), p.locked(), p.notADesk(),
                p.alreadySeated(), p.deskDisabled(), p.noInput(), p.loggedOut(), p.notLoggedIn(), p.error()))
                .noneMatch(sound -> sound.startsWith("agent-"));
    }

    @Test
    void every_key_is_read_from_its_own_name() {
        Prompts p = Prompts.from(key -> "custom/" + key.substring("prompts.".length()));

        assertThat(List.of(p.enterExtension(), p.enterPin(), p.loginOk(), p.loginPending(), p.badPin(), p.locked(),
                p.notADesk(), p.alreadySeated(), p.deskDisabled(), p.noInput(), p.loggedOut(), p.notLoggedIn(), p.error()))
                .isEqualTo(Prompts.KEYS.stream().map(k -> "custom/" + k.name().substring("prompts.".length())).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"vm-incorrect\" 1", "", " ", "../../etc/x", "custom//x", "custom/", "custom/hd welcome",
            "custom/hd-welcome.wav", "custom/hd-welcome.gsm", "-o", "a;b"})
    void a_bad_prompt_value_is_refused_naming_its_key(String bad) {
        for (Prompts.Key key : Prompts.KEYS) {
            assertThatThrownBy(() -> Prompts.from(k -> k.equals(key.name()) ? bad : key.defaultSound()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(key.name() + " must ")
                    .hasMessageContaining("'" + bad.strip() + "'");
        }
    }

    @Test
    void a_missing_prompt_value_is_refused_naming_its_key() {
        assertThatThrownBy(() -> Prompts.from(k -> k.equals("prompts.bad-pin") ? null : "vm-goodbye"))
                .hasMessageStartingWith("prompts.bad-pin must ");
    }

    @Test
    void site_recordings_in_subdirectories_or_absolute_paths_are_allowed() {
        Prompts p = Prompts.from(k -> k.equals("prompts.login-ok") ? "custom/hd-welcome"
                : k.equals("prompts.logged-out") ? "/var/lib/asterisk/sounds/site/hd-bye" : "vm-goodbye");

        assertThat(p.loginOk()).isEqualTo("custom/hd-welcome");
        assertThat(p.loggedOut()).isEqualTo("/var/lib/asterisk/sounds/site/hd-bye");
    }
}
