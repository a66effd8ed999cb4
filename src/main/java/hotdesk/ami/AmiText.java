package hotdesk.ami;

import java.nio.charset.StandardCharsets;

/** Text rules shared by the AMI adapter's parts: how a peer's words are shown, how values are checked. */
final class AmiText {

    private static final int MAX_SHOWN = 200;

    private AmiText() {
    }

    /** One line, bounded: what a peer sent may be long or hold control characters. */
    static String shown(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", " ").strip();
        return clean.length() <= MAX_SHOWN ? clean : clean.substring(0, MAX_SHOWN) + "…";
    }

    static String human(long ms) {
        return ms < 1_000 || ms % 1_000 != 0 ? ms + " ms" : ms / 1_000 + " s";
    }

    /**
     * A header value hotdesk sends: not blank, no control characters (they would end the header and
     * smuggle in another action), no surrounding blanks (AMI strips them), at most {@code maxBytes}.
     *
     * @throws IllegalArgumentException naming {@code what}
     */
    static void requireValue(String what, String v, int maxBytes) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (v.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(what + " must not hold CR, LF or other control characters, got '"
                    + shown(v) + "'");
        }
        if (!v.equals(v.strip())) {
            throw new IllegalArgumentException(what + " must not start or end with blanks (AMI strips them), got '"
                    + v + "'");
        }
        if (v.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw new IllegalArgumentException(what + " is longer than " + maxBytes + " bytes, AstDB's limit");
        }
    }
}
