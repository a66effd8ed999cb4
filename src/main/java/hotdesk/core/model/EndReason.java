package hotdesk.core.model;

/** Why a desk session ended; stored in the session history. */
public enum EndReason {
    /** The user dialled the logout code. */
    LOGOUT,
    /** Another user logged in on the same desk line. */
    REPLACED,
    /** The same user logged in on another desk (single login). */
    MOVED,
    /** An admin forced it. */
    FORCED,
    /** A timer, in history written before the timers had their own reasons. */
    AUTO,
    /** No call for {@code auto-logout.idle} after the last call ended (or after login). */
    AUTO_IDLE,
    /** Seated for {@code auto-logout.max}. */
    AUTO_MAX,
    /** The daily logout time {@code auto-logout.daily} in the desk's time zone. */
    AUTO_DAILY,
    /** The user or the device was removed. */
    REMOVED,
    /** The user or the device was disabled. */
    DISABLED;

    /** How the audit and {@code status} show it: {@code auto:idle}, {@code forced}… */
    public String shown() {
        return switch (this) {
            case AUTO_IDLE -> "auto:idle";
            case AUTO_MAX -> "auto:max";
            case AUTO_DAILY -> "auto:daily";
            default -> name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
