package hotdesk.agi;

/**
 * Bounds on what a FastAGI peer may send, so that no peer can exhaust memory or threads. Asterisk stays
 * far below each: its environment is about 25 lines plus one per AGI argument (at most 128), each line
 * a short value; a reply is one line, a 520 usage text a few dozen.
 */
final class AgiLimits {

    /** Longest line (environment or reply) in bytes, without its line end. */
    static final int MAX_LINE_BYTES = 8192;
    /** Most environment lines before the blank line that ends them. */
    static final int MAX_ENVIRONMENT_LINES = 256;
    /** Most lines the peer may send in answer to one command. */
    static final int MAX_REPLY_LINES = 100;
    /**
     * Most connections waiting for their environment at once. Asterisk sends its environment as soon as it
     * connects, so a real call waits milliseconds; when the limit is reached the oldest waiting connection,
     * the one most likely idle, is dropped.
     */
    static final int MAX_HANDSHAKES = 128;

    private AgiLimits() {
    }
}
