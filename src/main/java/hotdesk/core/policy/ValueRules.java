package hotdesk.core.policy;

import java.util.regex.Pattern;

/**
 * Checks of values that end up in Asterisk objects or phone config files. Asterisk stores what it is
 * sent (newlines, quotes), so nothing is pushed that these refuse. Each check throws
 * IllegalArgumentException naming the field and the value.
 */
public final class ValueRules {

    private static final Pattern CONTEXT = Pattern.compile("[A-Za-z0-9_-]{1,79}");
    private static final Pattern MAILBOX = Pattern.compile("[A-Za-z0-9_.-]+(@[A-Za-z0-9_.-]+)?(,[A-Za-z0-9_.-]+(@[A-Za-z0-9_.-]+)?)*");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029\\u0085]");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,80}");
    private static final Pattern SECRET = Pattern.compile("[\\x21-\\x7e]{8,128}");

    private ValueRules() {
    }

    /** A display name: printable, at most 64 characters, none of {@code " < > \ ;}. */
    public static String name(String field, String value) {
        noControl(field, value);
        if (value.isBlank() || value.length() > 64 || value.matches(".*[\"<>\\\\;].*")) {
            throw new IllegalArgumentException(field + " must be 1 to 64 printable characters without \" < > \\ ; , got '" + shown(value) + "'");
        }
        return value;
    }

    public static String context(String field, String value) {
        if (value == null || !CONTEXT.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be a dialplan context name (letters, digits, _ and -), got '" + shown(value) + "'");
        }
        return value;
    }

    /** Empty or {@code box[@context][,box[@context]…]}. */
    public static String mailbox(String field, String value) {
        if (value != null && !value.isEmpty() && !MAILBOX.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must look like 101@default, got '" + shown(value) + "'");
        }
        return value == null ? "" : value;
    }

    /** A sorcery id or SIP user name. */
    public static String id(String field, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be 1 to 80 of letters, digits, _ . -, got '" + shown(value) + "'");
        }
        return value;
    }

    /** A SIP password: 8 to 128 printable ASCII characters without spaces. The value is never echoed. */
    public static String secret(String field, String value) {
        if (value == null || !SECRET.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be 8 to 128 printable ASCII characters without spaces");
        }
        return value;
    }

    /** The shortest SIP secret an admin may choose: a phone stores it, nobody types it, so it can be long. */
    public static final int MIN_CHOSEN_SECRET = 16;

    /**
     * A SIP password an admin chooses now: at least {@link #MIN_CHOSEN_SECRET} characters, else as
     * {@link #secret}. Secrets stored earlier are still checked by {@link #secret} only.
     */
    public static String chosenSecret(String field, String value) {
        if (value != null && value.length() < MIN_CHOSEN_SECRET) {
            throw new IllegalArgumentException(field + " must be at least " + MIN_CHOSEN_SECRET + " characters, got "
                    + value.length());
        }
        return secret(field, value);
    }

    /** A dialable number (ELIN, caller ID number): digits, + * #, may be empty. */
    public static String number(String field, String value) {
        // status resolves every desk's emergency number through here: a loop, not a regex matcher per call
        if (value == null || !isNumber(value)) {
            throw new IllegalArgumentException(field + " must be digits (with + * #), got '" + shown(value) + "'");
        }
        return value;
    }

    /** {@code [0-9+*#]{0,32}}, the pattern {@link #number} enforces. */
    static boolean isNumber(String value) {
        if (value.length() > 32) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '+' || c == '*' || c == '#')) {
                return false;
            }
        }
        return true;
    }

    /** Free text such as a site: printable, at most 128 characters. */
    public static String text(String field, String value) {
        if (value == null) {
            return "";
        }
        noControl(field, value);
        if (value.length() > 128) {
            throw new IllegalArgumentException(field + " must be at most 128 characters");
        }
        return value;
    }

    public static void noControl(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must be given");
        }
        if (CONTROL.matcher(value).find()) {
            throw new IllegalArgumentException(field + " must not contain control characters or line breaks");
        }
    }

    private static String shown(String value) {
        if (value == null) {
            return "null";
        }
        String v = CONTROL.matcher(value).replaceAll("?");
        return v.length() > 40 ? v.substring(0, 40) + "…" : v;
    }
}
