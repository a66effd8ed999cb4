package hotdesk.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretInputTest {

    @TempDir
    Path dir;

    private static SecretInput stdin(String text) {
        return new SecretInput(null, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void without_a_value_the_secret_is_asked_on_the_terminal_with_a_prompt_naming_it() {
        List<String> prompts = new ArrayList<>();
        SecretInput input = new SecretInput(prompt -> {
            prompts.add(prompt);
            return prompts.size() == 1 ? "3865".toCharArray() : "A-Long-Own-Secret-42".toCharArray();
        }, new ByteArrayInputStream("not-read\n".getBytes(StandardCharsets.UTF_8)));

        assertThat(input.read("--pin", "PIN for 101", SecretInput.ASK, null)).isEqualTo("3865");
        assertThat(input.read("--sip-secret", "SIP secret for 101", SecretInput.ASK, null)).isEqualTo("A-Long-Own-Secret-42");
        assertThat(prompts).containsExactly("PIN for 101: ", "SIP secret for 101: ");
    }

    @Test
    void without_a_terminal_each_secret_is_the_next_line_of_standard_input() {
        SecretInput input = stdin("3865\nA-Long-Own-Secret-42\n");

        assertThat(input.read("--pin", "PIN", SecretInput.ASK, null)).isEqualTo("3865");
        assertThat(input.read("--sip-secret", "SIP secret", SecretInput.ASK, null)).isEqualTo("A-Long-Own-Secret-42");
        assertThatThrownBy(() -> input.read("--pin", "PIN", SecretInput.ASK, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--pin").hasMessageContaining("standard input");
    }

    @Test
    void a_file_gives_its_first_line_and_a_value_is_taken_as_it_is() throws Exception {
        Path file = dir.resolve("pin");
        Files.writeString(file, "4711\nignored\n");

        assertThat(stdin("").read("--pin", "PIN", null, file)).isEqualTo("4711");
        assertThat(stdin("").read("--pin", "PIN", "1397", null)).isEqualTo("1397");
        assertThat(stdin("").read("--pin", "PIN", null, null)).isNull();
    }

    @Test
    void a_wrong_combination_or_an_unreadable_file_is_an_error_naming_the_option() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty"));
        SecretInput closedTerminal = new SecretInput(prompt -> null, null);

        assertThatThrownBy(() -> stdin("").read("--pin", "PIN", "1397", empty)).hasMessageContaining("--pin or --pin-file");
        assertThatThrownBy(() -> stdin("").read("--pin", "PIN", null, empty)).hasMessageContaining("--pin-file").hasMessageContaining("empty");
        assertThatThrownBy(() -> stdin("").read("--pin", "PIN", null, dir.resolve("missing")))
                .hasMessageContaining("--pin-file: cannot read");
        assertThatThrownBy(() -> closedTerminal.read("--sip-secret", "SIP secret", SecretInput.ASK, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--sip-secret");
    }
}
