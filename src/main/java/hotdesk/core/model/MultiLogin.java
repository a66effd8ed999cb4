package hotdesk.core.model;

import java.util.Locale;

/**
 * What a login at a second desk does while the user sits at another one: the global
 * {@code login.multi-login}, or a user's own override.
 */
public enum MultiLogin {
    /** The login elsewhere ends the session at the first desk (MOVED). */
    SINGLE,
    /** The second desk is refused (ALREADY_SEATED); the first keeps the user. */
    DENY;

    /** The name used in settings, the CLI and the ledger: {@code single}, {@code deny}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code single} or {@code deny}. {@code allow} (seated at several desks at once) is named
     * but not available yet: refused with its own message. {@code field} names the setting or option.
     */
    public static MultiLogin parse(String field, String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "single" -> SINGLE;
            case "deny" -> DENY;
            case "allow" -> throw new IllegalArgumentException(field + " 'allow' (seated at several desks at once) is not "
                    + "available yet; use single or deny");
            default -> throw new IllegalArgumentException(field + " must be single or deny, got '"
                    + (value == null ? "" : value.strip().replaceAll("\\p{Cntrl}", "?")) + "'");
        };
    }
}
