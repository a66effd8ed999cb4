package hotdesk.core.policy;

import hotdesk.core.model.Extension;

import java.util.Optional;

/**
 * What makes a PIN acceptable: 4 to 8 digits, not one digit repeated, not a straight run up or down
 * the keypad digits, not the extension itself. Pure.
 */
public final class PinRules {

    private PinRules() {
    }

    /** Why {@code pin} is refused for {@code extension}, or empty when it is fine. */
    public static Optional<String> problem(String pin, Extension extension) {
        if (pin == null || !pin.matches("[0-9]{4,8}")) {
            return Optional.of("PIN must be 4 to 8 digits");
        }
        if (pin.chars().distinct().count() == 1) {
            return Optional.of("PIN must not repeat one digit");
        }
        if (isRun(pin, 1) || isRun(pin, -1)) {
            return Optional.of("PIN must not be a run of consecutive digits");
        }
        if (extension != null && (pin.equals(extension.value()) || pin.equals(new StringBuilder(extension.value()).reverse().toString()))) {
            return Optional.of("PIN must not be the extension");
        }
        return Optional.empty();
    }

    private static boolean isRun(String pin, int step) {
        for (int i = 1; i < pin.length(); i++) {
            if (pin.charAt(i) - pin.charAt(i - 1) != step) {
                return false;
            }
        }
        return true;
    }
}
