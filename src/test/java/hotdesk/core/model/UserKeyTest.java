package hotdesk.core.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UserKeyTest {

    @Test
    void a_key_keeps_its_position_type_value_and_label_and_shows_the_value_without_a_label() {
        UserKey blf = new UserKey(3, UserKey.Type.BLF, " 102 ", " Bob Müller ");
        UserKey speed = new UserKey(99, UserKey.Type.SPEED_DIAL, "+1555*12#", "");

        assertThat(blf.value()).isEqualTo("102");
        assertThat(blf.shownLabel()).isEqualTo("Bob Müller");
        assertThat(blf.describe()).isEqualTo("3 blf 102 'Bob Müller'");
        assertThat(speed.shownLabel()).isEqualTo("+1555*12#");
        assertThat(speed.describe()).isEqualTo("99 speed-dial +1555*12#");
    }

    @Test
    void types_parse_in_any_case_and_spelling_and_anything_else_is_refused_by_name() {
        assertThat(UserKey.Type.parse("BLF")).isEqualTo(UserKey.Type.BLF);
        assertThat(UserKey.Type.parse(" Speed_Dial ")).isEqualTo(UserKey.Type.SPEED_DIAL);
        assertThat(UserKey.Type.parse("speed")).isEqualTo(UserKey.Type.SPEED_DIAL);
        assertThatThrownBy(() -> UserKey.Type.parse("park")).hasMessageContaining("speed-dial or blf").hasMessageContaining("park");
        assertThatThrownBy(() -> UserKey.Type.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "100", "-1", "x", "", "1.5", "001"})
    void positions_outside_1_to_99_are_refused(String position) {
        assertThatThrownBy(() -> UserKey.position(position)).hasMessageContaining("key position must be 1 to 99");
    }

    @Test
    void positions_1_and_99_are_taken() {
        assertThat(UserKey.position(" 1 ")).isEqualTo(1);
        assertThat(UserKey.position("99")).isEqualTo(99);
        assertThatThrownBy(() -> new UserKey(0, UserKey.Type.BLF, "102", "")).hasMessageContaining("1 to 99");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "abc", "10a", "12345678901", "sip:102@pbx", "102;x"})
    void a_blf_watches_an_extension_only(String value) {
        assertThatThrownBy(() -> new UserKey(1, UserKey.Type.BLF, value, "")).hasMessageContaining("2 to 10 digits");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "1 2", "0${X}", "12;34", "123456789012345678901234567890123"})
    void a_speed_dial_dials_digits_star_hash_and_plus_only(String value) {
        assertThatThrownBy(() -> new UserKey(1, UserKey.Type.SPEED_DIAL, value, "")).hasMessageContaining("0-9 * # +");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a<b", "a&b", "a\"b", "a;b", "a=b", "a,b", "$Tinvite$", "a\nb", "a\u0000", "123456789012345678901"})
    void labels_that_could_break_a_vendor_file_or_uri_are_refused(String label) {
        assertThatThrownBy(() -> new UserKey(1, UserKey.Type.BLF, "102", label)).hasMessageContaining("key label");
    }
}
