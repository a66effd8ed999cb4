package hotdesk.core.port;

/**
 * Asterisk could not be reached or refused a request. The message names the operation and the
 * peer's answer ({@code ARI PUT …/endpoint/hd-0015651234ab → 503 after 2000 ms}), never a secret.
 */
public class PbxException extends RuntimeException {

    private final boolean retryable;
    private final boolean answered;

    public PbxException(String message, boolean retryable) {
        this(message, retryable, false, null);
    }

    /** {@code answered}: Asterisk did answer, with a refusal or an error of this request's own. */
    public PbxException(String message, boolean retryable, boolean answered) {
        this(message, retryable, answered, null);
    }

    private PbxException(String message, boolean retryable, boolean answered, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.answered = answered;
    }

    public PbxException(String message, boolean retryable, Throwable cause) {
        this(message, retryable, false, cause);
    }

    /** False when repeating the same request cannot help (403 for a pjsip.conf object, 400). */
    public boolean retryable() {
        return retryable;
    }

    /**
     * Whether Asterisk gave no answer at all (not reached, not connected, the connection lost, no answer in time): the
     * next request fails the same way whatever it asks, where an answer that refused says nothing about the others.
     */
    public boolean unanswered() {
        return retryable && !answered;
    }
}
