package hotdesk.core.model;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A device's MAC address, normalised to 12 lower-case hex digits.
 *
 * <p>{@link #parse(String)} accepts {@code 00:15:65:12:34:AB}, {@code 00-15-65-12-34-ab} and
 * {@code 0015651234ab} in any case; anything else is refused with a message that names the input.
 */
public record Mac(String value) {

    private static final Pattern SEPARATED = Pattern.compile("[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\\1[0-9a-fA-F]{2}){4}");
    private static final Pattern PLAIN = Pattern.compile("[0-9a-fA-F]{12}");

    public Mac {
        if (!normal(value)) {
            throw new IllegalArgumentException("MAC must be 12 lower-case hex digits, got '" + value + "'");
        }
    }

    /** 12 lower-case hex digits, checked without a regex: status on 10,000 desks makes a Mac of every row it reads. */
    private static boolean normal(String value) {
        if (value == null || value.length() != 12) {
            return false;
        }
        for (int i = 0; i < 12; i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code c} is a hex digit of a MAC in either case (ASCII only). */
    public static boolean isHexDigit(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /** Parses a MAC in one of the accepted spellings; throws IllegalArgumentException otherwise. */
    public static Mac parse(String text) {
        String t = text == null ? "" : text.strip();
        if (PLAIN.matcher(t).matches() || SEPARATED.matcher(t).matches()) {
            return new Mac(t.replace(":", "").replace("-", "").toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException("invalid MAC '" + printable(text)
                + "': expected 12 hex digits, e.g. 00:15:65:12:34:AB, 00-15-65-12-34-ab or 0015651234ab");
    }

    /** True when {@code text} is one of the accepted spellings. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The PJSIP id of this device's first desk line: {@code hd-0015651234ab}. */
    public String endpointId() {
        return "hd-" + value;
    }

    /** Colon-separated upper-case form for display: {@code 00:15:65:12:34:AB}. */
    public String display() {
        StringBuilder b = new StringBuilder(17);
        for (int i = 0; i < 12; i += 2) {
            if (i > 0) {
                b.append(':');
            }
            b.append(value, i, i + 2);
        }
        return b.toString().toUpperCase(Locale.ROOT);
    }

    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    @Override
    public String toString() {
        return value;
    }
}
