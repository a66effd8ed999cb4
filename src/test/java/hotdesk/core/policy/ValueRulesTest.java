package hotdesk.core.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The dialable-number rule ELINs and caller ID numbers are held to. */
class ValueRulesTest {

    @Test
    void a_number_is_up_to_32_digits_plus_star_and_hash_and_may_be_empty() {
        assertThat(ValueRules.number("elin", "")).isEmpty();
        assertThat(ValueRules.number("elin", "+15551234567")).isEqualTo("+15551234567");
        assertThat(ValueRules.number("elin", "*70#")).isEqualTo("*70#");
        assertThat(ValueRules.number("elin", "9".repeat(32))).hasSize(32);
    }

    @Test
    void anything_else_is_refused_naming_the_field_and_the_value() {
        for (String bad : new String[]{"9".repeat(33), "555 1234", "555-1234", "call-me", "12a", "\u0661\u0662", "1\n2"}) {
            assertThatThrownBy(() -> ValueRules.number("elin of hd-1", bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("elin of hd-1 must be digits (with + * #), got '");
        }
        assertThatThrownBy(() -> ValueRules.number("elin", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
