package hotdesk.core.port;

/** The ledger's database failed (unreachable, timeout, constraint it could not resolve). */
public class LedgerException extends RuntimeException {
    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }
}
