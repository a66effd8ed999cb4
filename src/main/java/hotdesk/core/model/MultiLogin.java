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
    DENY,
    /**
     * Seated at several desks at once: each login adds a desk, the user's own endpoint lists every
     * desk's AOR and an inbound call rings them all; each desk is logged out on its own.
     */
    ALLOW;

    /** The name used in settings, the CLI and the ledger: {@code single}, {@code deny}, {@code allow}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code single}, {@code deny} or {@code allow}; {@code field} names the setting or option. */
    public static MultiLogin parse(String field, String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "single" -> SINGLE;
            case "deny" -> DENY;
            case "allow" -> ALLOW;
            default -> throw new IllegalArgumentException(field + " must be single, deny or allow, got '"
                    + (value == null ? "" : value.strip().replaceAll("\\p{Cntrl}", "?")) + "'");
        };
    }
}
