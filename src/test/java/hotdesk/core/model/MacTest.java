package hotdesk.core.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MacTest {

    @ParameterizedTest
    @ValueSource(strings = {"00:15:65:12:34:AB", "00-15-65-12-34-ab", "0015651234ab", "0015651234AB", " 00:15:65:12:34:ab "})
    void every_accepted_spelling_is_stored_normalised(String text) {
        Mac mac = Mac.parse(text);

        assertThat(mac.value()).isEqualTo("0015651234ab");
        assertThat(mac.endpointId()).isEqualTo("hd-0015651234ab");
        assertThat(mac.display()).isEqualTo("00:15:65:12:34:AB");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0015651234a", "0015651234abc", "00:15:65:12:34", "00:15-65:12:34:ab", "0015651234ag",
            "00.15.65.12.34.ab", "00:15:65\n:12:34:ab", "zz:15:65:12:34:ab"})
    void anything_else_is_refused_with_a_message_naming_the_input(String text) {
        assertThatThrownBy(() -> Mac.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid MAC").hasMessageContaining("12 hex digits").hasMessageNotContaining("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0015651234AB", "0015651234a", "0015651234abc", "00:15:65:12:34", "0015651234ag", "0015651234a/",
            "0015651234a:", "0015651234a`", "0015651234ab\n"})
    void the_stored_form_takes_exactly_twelve_lower_case_hex_digits(String value) {
        assertThatThrownBy(() -> new Mac(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12 lower-case hex digits");
        assertThat(new Mac("0123456789af").value()).isEqualTo("0123456789af");
    }

    @org.junit.jupiter.api.Test
    void no_value_is_refused_too() {
        assertThatThrownBy(() -> new Mac(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
