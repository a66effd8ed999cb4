package hotdesk.core.port;

/** A unique key exists already (extension, MAC). Thrown by the ledger; use cases turn it into a result. */
public class DuplicateException extends RuntimeException {
    public DuplicateException(String message) {
        super(message);
    }
}
