package hotdesk.web;

/**
 * JSON strings (RFC 8259) for every JSON hotdesk writes by hand: ARI request bodies, the CLI's {@code --json}, the
 * webhook's payloads, {@code doctor --json} and the desk board's events. A quote, a backslash and every control
 * character are escaped ({@code \n}, {@code \r}, {@code \t}, {@code \b}, {@code \f}, else {@code \}{@code u} and four
 * hex digits), as are DEL, U+2028 and U+2029 (line ends to JavaScript) and half a surrogate pair (UTF-8 cannot carry
 * it); everything else is written as it is. Stateless.
 */
public final class JsonText {

    private JsonText() {
    }

    /** Appends {@code s} to {@code b} as a JSON string; returns {@code b}. */
    public static StringBuilder quote(StringBuilder b, CharSequence s) {
        return append(b, s, false);
    }

    /** {@code s} as a JSON string. */
    public static String quote(CharSequence s) {
        return append(new StringBuilder(s.length() + 16), s, false).toString();
    }

    /**
     * {@code s} as a JSON string that may stand inside an HTML page's script or an event stream shown in one:
     * {@code <} is escaped as well, so no {@code </script>} can end up in it.
     */
    public static String quoteForHtml(CharSequence s) {
        return append(new StringBuilder(s.length() + 16), s, true).toString();
    }

    private static StringBuilder append(StringBuilder b, CharSequence s, boolean html) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || html && c == '<'
                            || Character.isSurrogate(c) && !paired(s, i)) {
                        hex(b, c);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }

    private static void hex(StringBuilder b, char c) {
        b.append("\\u");
        for (int shift = 12; shift >= 0; shift -= 4) {
            b.append(Character.forDigit((c >> shift) & 0xf, 16));
        }
    }

    /** Whether the surrogate at {@code i} is half of a whole pair. */
    private static boolean paired(CharSequence s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
