package hotdesk.core.policy;

import hotdesk.core.model.Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PinRulesTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            123       | 4 to 8 digits
            123456789 | 4 to 8 digits
            12a4      | 4 to 8 digits
            0000      | repeat
            1111      | repeat
            1212      | repeat
            123123    | repeat
            12341234  | repeat
            474747    | repeat
            1234      | run
            9876      | run
            7890      | run
            2109      | run
            345678    | run
            4823      | extension
            3284      | extension
            1900      | year
            1990      | year
            2025      | year
            2099      | year
            2512      | date
            1225      | date
            3112      | date
            250190    | date
            122590    | date
            25121990  | date
            12251990  | date
            19901225  | date
            2580      | list
            0852      | list
            1470      | list
            1379      | list
            1397      | list
            2468      | list
            1357      | list
            159753    | list
            5683      | list
            """)
    void common_or_malformed_pins_are_refused_with_the_rule_named(String pin, String rule) {
        Optional<String> problem = PinRules.problem(pin, Extension.of("4823"));

        assertThat(problem).isPresent();
        String expected = switch (rule) {
            case "repeat" -> "repeat";
            case "run" -> "run of consecutive digits";
            case "year" -> "year";
            case "date" -> "date";
            case "list" -> "list of common PINs";
            case "extension" -> "extension";
            default -> rule;
        };
        assertThat(problem.get()).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4711", "8256", "9035", "3865", "4824", "1899", "2100", "3213", "0013", "4190", "13579246",
            "7040", "20581317"})
    void ordinary_pins_are_accepted(String pin) {
        assertThat(PinRules.problem(pin, Extension.of("101"))).isEmpty();
    }

    @Test
    void every_pin_of_the_list_is_one_the_rules_alone_would_let_through() {
        assertThat(PinRules.COMMON).isNotEmpty().allSatisfy(pin -> {
            assertThat(pin).matches("[0-9]{4,8}");
            assertThat(PinRules.repeatsABlock(pin) || PinRules.isRun(pin, 1) || PinRules.isRun(pin, -1)
                    || pin.length() == 4 && PinRules.isYear(pin) || PinRules.isDate(pin)).as(pin).isFalse();
        });
    }
}
