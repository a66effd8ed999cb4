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
    /** A timer (idle or maximum login time). */
    AUTO,
    /** The user or the device was removed. */
    REMOVED,
    /** The user or the device was disabled. */
    DISABLED
}
