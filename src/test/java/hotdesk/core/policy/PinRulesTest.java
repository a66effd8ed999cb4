package hotdesk.core.policy;

import hotdesk.core.model.Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class PinRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"123", "123456789", "12a4", "0000", "1234", "9876", "101", "0101"})
    void trivial_or_malformed_pins_are_refused(String pin) {
        assertThat(PinRules.problem(pin, Extension.of("0101"))).isPresent();
    }

    @Test
    void an_ordinary_pin_is_accepted() {
        assertThat(PinRules.problem("4711", Extension.of("101"))).isEmpty();
        assertThat(PinRules.problem("20580917", Extension.of("101"))).isEmpty();
    }
}
