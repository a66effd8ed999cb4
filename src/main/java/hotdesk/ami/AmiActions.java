package hotdesk.ami;

import hotdesk.core.port.PbxException;

/**
 * Sends actions on the link's logged-in session: what the port adapters ({@link AmiPhoneResync},
 * {@link AmiDialplanState}, {@link AmiModuleCheck}) build on. Thread-safe; each call blocks for at
 * most the link's timeout.
 */
interface AmiActions {

    /**
     * Sends one action and returns Asterisk's response, whatever it says.
     *
     * @param what    how messages name it, e.g. {@code DBPut hotdesk/desk/hd-1/occupant}
     * @param headers name/value pairs after {@code Action} and {@code ActionID}
     * @throws PbxException             retryable: the link is down, the answer timed out or the
     *                                  connection was lost
     * @throws IllegalArgumentException a header holds CR, LF or another control character (nothing sent)
     */
    AmiMessage call(String what, String action, String... headers);

    /**
     * Sends one action whose answer is a list and returns the response with the list's events.
     *
     * @throws PbxException retryable, as {@link #call}
     */
    AmiSession.Listed callList(String what, String action, String... headers);

    /**
     * As {@link #callList(String, String, String...)}, keeping of each event only what {@code keep} makes of it (null:
     * nothing) as it arrives.
     *
     * @throws PbxException retryable, as {@link #call}
     */
    <T> AmiSession.Kept<T> callList(String what, java.util.function.Function<AmiMessage, T> keep, String action, String... headers);

    /**
     * The exception for a response that refused {@code what}: not retryable for {@code Permission
     * denied} (names the manager.conf fix) and for an unknown action, retryable otherwise.
     */
    PbxException refused(String what, AmiMessage answer);
}
