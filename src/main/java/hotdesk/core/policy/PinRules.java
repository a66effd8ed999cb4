package hotdesk.core.policy;

import hotdesk.core.model.Extension;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What makes a PIN acceptable: 4 to 8 digits and none of the PINs people pick most. Refused are: one
 * block repeated (1111, 1212, 123123), a run up or down (1234, 9876, 7890), a year 1900–2099, a date
 * (DDMM or MMDD for 4 digits; DDMMYY or MMDDYY for 6; DDMMYYYY, MMDDYYYY or YYYYMMDD for 8), the
 * extension itself or reversed, and every PIN of the bundled list {@code common-pins.txt} (shapes on
 * the keypad such as 2580, 1470, 1379, and a few favourites). Pure.
 */
public final class PinRules {

    /** The bundled list, loaded once. */
    static final Set<String> COMMON = load();

    private PinRules() {
    }

    /** Whether {@code digits} have the form every PIN has (4 to 8 digits); says nothing of the other rules. */
    public static boolean couldBeAPin(String digits) {
        return digits != null && digits.matches("[0-9]{4,8}");
    }

    /** Why {@code pin} is refused for {@code extension}, or empty when it is fine. Never names the PIN itself. */
    public static Optional<String> problem(String pin, Extension extension) {
        if (!couldBeAPin(pin)) {
            return Optional.of("PIN must be 4 to 8 digits");
        }
        if (repeatsABlock(pin)) {
            return Optional.of("PIN must not repeat a digit or a group of digits (like 1111, 1212, 123123)");
        }
        if (isRun(pin, 1) || isRun(pin, -1)) {
            return Optional.of("PIN must not be a run of consecutive digits (like 1234, 9876)");
        }
        if (extension != null && (pin.equals(extension.value()) || pin.equals(new StringBuilder(extension.value()).reverse().toString()))) {
            return Optional.of("PIN must not be the extension");
        }
        if (pin.length() == 4 && isYear(pin)) {
            return Optional.of("PIN must not be a year (1900 to 2099)");
        }
        if (isDate(pin)) {
            return Optional.of("PIN must not be a date (like 2512 or 1225 for 25 December, 250190 for 25 January 1990)");
        }
        if (COMMON.contains(pin)) {
            return Optional.of("PIN is on the list of common PINs (keypad shapes like 2580, 1470, 1379, and favourites): "
                    + "pick one less easy to guess");
        }
        return Optional.empty();
    }

    /** The PIN is one block of digits written twice or more: 1111, 1212, 123123, 12341234. */
    static boolean repeatsABlock(String pin) {
        for (int block = 1; block <= pin.length() / 2; block++) {
            if (pin.length() % block == 0 && pin.equals(pin.substring(0, block).repeat(pin.length() / block))) {
                return true;
            }
        }
        return false;
    }

    /** Each digit is the one before plus {@code step}, 9 and 0 neighbours (7890, 8901, 2109). */
    static boolean isRun(String pin, int step) {
        for (int i = 1; i < pin.length(); i++) {
            if (Math.floorMod(pin.charAt(i) - pin.charAt(i - 1), 10) != Math.floorMod(step, 10)) {
                return false;
            }
        }
        return true;
    }

    static boolean isYear(String four) {
        int y = Integer.parseInt(four);
        return y >= 1900 && y <= 2099;
    }

    static boolean isDate(String pin) {
        return switch (pin.length()) {
            case 4 -> dayMonth(pin.substring(0, 2), pin.substring(2, 4)) || dayMonth(pin.substring(2, 4), pin.substring(0, 2));
            case 6 -> dayMonth(pin.substring(0, 2), pin.substring(2, 4)) || dayMonth(pin.substring(2, 4), pin.substring(0, 2));
            case 8 -> isYear(pin.substring(4, 8))
                    && (dayMonth(pin.substring(0, 2), pin.substring(2, 4)) || dayMonth(pin.substring(2, 4), pin.substring(0, 2)))
                    || isYear(pin.substring(0, 4)) && dayMonth(pin.substring(6, 8), pin.substring(4, 6));
            default -> false;
        };
    }

    /** Day 01–31 and month 01–12 (any day in any month: refusing 3102 too costs nothing). */
    private static boolean dayMonth(String day, String month) {
        int d = Integer.parseInt(day);
        int m = Integer.parseInt(month);
        return d >= 1 && d <= 31 && m >= 1 && m <= 12;
    }

    private static Set<String> load() {
        Set<String> pins = new LinkedHashSet<>();
        try (InputStream in = PinRules.class.getResourceAsStream("common-pins.txt")) {
            if (in == null) {
                throw new IllegalStateException("common-pins.txt is missing from the hotdesk jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                int hash = line.indexOf('#');
                String pin = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (!pin.isEmpty()) {
                    if (!pin.matches("[0-9]{4,8}")) {
                        throw new IllegalStateException("common-pins.txt: '" + pin + "' is not a PIN of 4 to 8 digits");
                    }
                    pins.add(pin);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read common-pins.txt", e);
        }
        return Set.copyOf(pins);
    }
}
