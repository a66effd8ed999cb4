package hotdesk.agi;

/** What a script reports in the channel variable {@code HOTDESK_RESULT}, for the dialplan to branch on. */
enum AgiResult {
    /** Logged in and Asterisk already matches. */
    OK,
    /** Logged in; Asterisk was unreachable, the reconciler finishes the job ("your phone will update shortly"). */
    OK_PENDING,
    /** Wrong PIN, unknown or malformed extension, unknown/expired/used/malformed code: deliberately one answer. */
    BAD_PIN,
    /** Too many failures for this user or this desk. */
    LOCKED,
    /** The calling channel is not a hot-desk line (or has no endpoint, e.g. a Local channel). */
    NOT_A_DESK,
    /** The user may not hot-desk. */
    NOT_ALLOWED,
    /** The desk device is disabled. */
    DESK_DISABLED,
    /** The caller entered nothing. */
    NO_INPUT,
    LOGGED_OUT,
    NOT_LOGGED_IN,
    /** Something unexpected failed (database, bug); logged with its stack trace. */
    ERROR
}
