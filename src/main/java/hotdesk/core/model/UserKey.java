package hotdesk.core.model;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One of a user's own programmable keys, which follow them to every desk they log in at: a speed dial
 * or a BLF (busy lamp field: the key lights while the watched extension is on a call).
 *
 * <p>{@code position} is the place the user gives it (1..{@value #MAX_POSITION}); the desk maps the
 * positions in order onto its free keys, so gaps between positions are dropped
 * ({@link hotdesk.core.policy.KeyLayout}). Values and labels are checked here, so that no value can break
 * any vendor's file or the SIP URI a phone builds from it: a speed dial's value is up to 32 of
 * {@code 0-9 * # +}, a BLF's an extension (2 to 10 digits); a label is up to {@value #MAX_LABEL} letters or
 * digits (any script), spaces and {@code . - _ / +}, and an empty label shows the value.
 */
public record UserKey(int position, Type type, String value, String label) {

    public static final int MAX_POSITION = 99;
    public static final int MAX_LABEL = 20;

    private static final Pattern NUMBER = Pattern.compile("[0-9*#+]{1,32}");
    private static final Pattern LABEL = Pattern.compile("[\\p{L}\\p{N} ._/+-]{0," + MAX_LABEL + "}");

    /** What the key does. */
    public enum Type {
        SPEED_DIAL("speed-dial"), BLF("blf");

        private final String shown;

        Type(String shown) {
            this.shown = shown;
        }

        /** {@code speed-dial} or {@code blf}, as the CLI and the CSV files write it. */
        public String shown() {
            return shown;
        }

        /** {@code speed-dial} (also {@code speeddial}, {@code speed}) or {@code blf}, in any case. */
        public static Type parse(String value) {
            String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT).replace('_', '-');
            return switch (v) {
                case "speed-dial", "speeddial", "speed" -> SPEED_DIAL;
                case "blf" -> BLF;
                default -> throw new IllegalArgumentException("key type must be speed-dial or blf, got '" + Mac.printable(value) + "'");
            };
        }
    }

    public UserKey {
        Objects.requireNonNull(type, "type");
        if (position < 1 || position > MAX_POSITION) {
            throw new IllegalArgumentException("key position must be 1 to " + MAX_POSITION + ", got " + position);
        }
        value = value == null ? "" : value.strip();
        if (type == Type.BLF && !Extension.isValid(value)) {
            throw new IllegalArgumentException("a BLF key watches an extension: 2 to 10 digits, got '" + Mac.printable(value) + "'");
        }
        if (type == Type.SPEED_DIAL && !NUMBER.matcher(value).matches()) {
            throw new IllegalArgumentException("a speed dial's number must be 1 to 32 of 0-9 * # +, got '" + Mac.printable(value) + "'");
        }
        label = label == null ? "" : label.strip();
        if (!LABEL.matcher(label).matches()) {
            throw new IllegalArgumentException("key label must be at most " + MAX_LABEL
                    + " letters, digits, spaces and . - _ / +, got '" + Mac.printable(label) + "'");
        }
    }

    /** Parses a position as the CLI and CSV give it. */
    public static int position(String value) {
        String v = value == null ? "" : value.strip();
        if (!v.matches("[0-9]{1,2}") || Integer.parseInt(v) < 1) {
            throw new IllegalArgumentException("key position must be 1 to " + MAX_POSITION + ", got '" + Mac.printable(value) + "'");
        }
        return Integer.parseInt(v);
    }

    /** The label the phone shows: the label, or the value when it has none. */
    public String shownLabel() {
        return label.isEmpty() ? value : label;
    }

    /** {@code 3 blf 102 'Bob'}: for audit lines and import reports. */
    public String describe() {
        return position + " " + type.shown() + " " + value + (label.isEmpty() ? "" : " '" + label + "'");
    }
}
