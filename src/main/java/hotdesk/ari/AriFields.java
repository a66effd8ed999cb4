package hotdesk.ari;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How a field hotdesk pushes reads back in an ARI {@code GET} of a dynamic PJSIP object, as Asterisk 22 gives it
 * (checked against the real kit by the scale bench's read-back of every object): booleans in any spelling
 * ({@code yes} → {@code true}), {@code allow} as its codec list ({@code ulaw,alaw} → {@code (ulaw|alaw)}),
 * {@code callerid} as name and number ({@code "Desk 3" <>} → {@code Desk 3}); {@code disallow} is taken but not
 * given back. Everything else compares trimmed and without case.
 */
public final class AriFields {

    /** Fields Asterisk takes but does not give back in a GET. */
    public static final List<String> WRITE_ONLY = List.of("disallow");

    /** A caller ID: the name, quoted or not, then the number in angle brackets, which may be empty or absent. */
    private static final Pattern CALLER_ID = Pattern.compile("\"?(.*?)\"?\\s*(?:<([^>]*)>)?");

    private AriFields() {
    }

    /** Whether {@code have} (what a GET answered) holds every readable field of {@code wanted} as wanted. */
    public static boolean holds(Map<String, String> have, Map<String, String> wanted) {
        for (Map.Entry<String, String> field : wanted.entrySet()) {
            if (!WRITE_ONLY.contains(field.getKey()) && !same(field.getKey(), have.get(field.getKey()), field.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Whether a field reads back ({@code have}, null when absent) as {@code wanted} was pushed. */
    public static boolean same(String name, String have, String wanted) {
        return have != null && normalised(name, have).equals(normalised(name, wanted));
    }

    private static String normalised(String name, String value) {
        if (name.equals("callerid")) {
            Matcher m = CALLER_ID.matcher(value.trim());
            return m.matches() ? m.group(1) + "\u0000" + (m.group(2) == null ? "" : m.group(2)) : value.trim();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (name.equals("allow")) {
            return Arrays.stream(v.replace("(", "").replace(")", "").split("[|,]")).map(String::trim)
                    .filter(s -> !s.isEmpty()).collect(Collectors.joining(","));
        }
        return switch (v) {
            case "yes", "true", "on", "1" -> "true";
            case "no", "false", "off", "0" -> "false";
            default -> v;
        };
    }
}
