package hotdesk.agi;

/** What a script reports in the channel variable {@code HOTDESK_RESULT}, for the dialplan to branch on. */
enum AgiResult {
    /** Logged in and Asterisk already matches. */
    OK,
    /** Logged in; Asterisk was unreachable, the reconciler finishes the job ("your phone will update shortly"). */
    OK_PENDING,
    /**
     * Wrong PIN, unknown or malformed extension, unknown/expired/used/malformed code, or the right PIN
     * or code of a user who may not hot-desk: deliberately one answer.
     */
    BAD_PIN,
    /** Too many failures: of this extension here or at every desk, or at this desk. Unknown extensions lock alike. */
    LOCKED,
    /** The calling channel is not a hot-desk line (or has no endpoint, e.g. a Local channel). */
    NOT_A_DESK,
    /**
     * The user sits at another desk and their multi-login policy ({@code login.multi-login} or their
     * own) is deny: this desk is refused, the first one keeps them. (A user who may not hot-desk at all
     * hears BAD_PIN, like a wrong PIN: the audit holds the real reason.)
     */
    ALREADY_SEATED,
    /** The desk device is disabled. */
    DESK_DISABLED,
    /** The caller entered nothing. */
    NO_INPUT,
    LOGGED_OUT,
    NOT_LOGGED_IN,
    /** Something unexpected failed (database, bug); logged with its stack trace. */
    ERROR
}
