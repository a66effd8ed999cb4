/**
 * FastAGI entry point of the feature codes: a {@link hotdesk.agi.HotdeskAgiServer} (a non-blocking
 * handshake stage that admits only {@code agi.allowed-peers} and bounds what a peer may send, in front of
 * asterisk-java's DefaultAgiServer with an explicit script map, a configured bind address and bounded
 * pools) and one
 * stateless script per feature code ({@code hotdesk-login}, {@code hotdesk-otp}, {@code hotdesk-logout})
 * that drives the core use cases and reports its outcome in the channel variable {@code HOTDESK_RESULT}.
 *
 * <p>May depend on the core ({@code hotdesk.core.*}), asterisk-java and SLF4J. asterisk-java types
 * never leave this package. No other adapter is imported.
 */
package hotdesk.agi;
