package hotdesk.core.port;

/**
 * Asterisk could not be reached or refused a request. The message names the operation and the
 * peer's answer ({@code ARI PUT …/endpoint/hd-0015651234ab → 503 after 2000 ms}), never a secret.
 */
public class PbxException extends RuntimeException {

    private final boolean retryable;

    public PbxException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public PbxException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** False when repeating the same request cannot help (403 for a pjsip.conf object, 400). */
    public boolean retryable() {
        return retryable;
    }
}
