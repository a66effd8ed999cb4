package hotdesk.core.model;

import java.util.regex.Pattern;

/** A user's extension number: 2 to 10 digits, no leading '*' or '#'. */
public record Extension(String value) implements Comparable<Extension> {

    private static final Pattern DIGITS = Pattern.compile("[0-9]{2,10}");

    public Extension {
        if (value == null || !DIGITS.matcher(value).matches()) {
            throw new IllegalArgumentException("extension must be 2 to 10 digits, got '" + Mac.printable(value) + "'");
        }
    }

    public static Extension of(String value) {
        return new Extension(value == null ? null : value.strip());
    }

    public static boolean isValid(String value) {
        return value != null && DIGITS.matcher(value).matches();
    }

    @Override
    public int compareTo(Extension o) {
        int byLength = Integer.compare(value.length(), o.value.length());
        return byLength != 0 ? byLength : value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
