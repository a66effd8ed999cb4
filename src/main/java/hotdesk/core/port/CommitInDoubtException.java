package hotdesk.core.port;

/**
 * The connection to the ledger's database broke while it committed (PostgreSQL restarted or ended the session
 * during the COMMIT): the database may have committed the transaction or not, and this process cannot tell which.
 * The work is not run again (it may have taken effect); a caller that must answer truthfully reads back what it
 * wrote once the ledger answers again.
 */
public class CommitInDoubtException extends LedgerException {
    public CommitInDoubtException(String message, Throwable cause) {
        super(message, cause);
    }
}
