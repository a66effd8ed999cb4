package hotdesk.ari;

import hotdesk.core.port.PbxException;

/**
 * An ARI request failed. The message names method, path, status and duration and carries
 * Asterisk's short JSON {@code message} only, never a request or response body (auth objects hold
 * the SIP password in clear). {@link #status()} is 0 when Asterisk gave no answer (refused, timed
 * out, interrupted). Immutable.
 */
public final class AriException extends PbxException {

    private final int status;

    AriException(String message, int status, boolean retryable) {
        super(message, retryable);
        this.status = status;
    }

    AriException(String message, int status, boolean retryable, Throwable cause) {
        super(message, retryable, cause);
        this.status = status;
    }

    /** No HTTP answer at all (refused, timed out, interrupted); an HTTP error status is Asterisk answering. */
    @Override
    public boolean unanswered() {
        return status == 0 && retryable();
    }

    /** HTTP status Asterisk answered, 0 when there was no answer. */
    public int status() {
        return status;
    }
}
