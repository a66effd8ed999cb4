package hotdesk.core.usecase;

import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerException;

/**
 * The ledger's latest revision, read once for many concurrent callers without ever answering a value
 * older than the caller: a call returns the result of a read that <em>started after the call
 * began</em>, so it sees every change committed before the call, exactly as a read of its own would.
 * Reads run one at a time; callers that arrive while one runs wait for the next one and share it, so
 * under a storm of N concurrent fetches the ledger sees about one read per round trip instead of N.
 *
 * <p>A failed read fails every caller that waited for it (with the ledger's exception, as their own
 * read would have). Thread-safe; blocking.
 */
final class RevisionProbe {

    private final Ledger ledger;
    private final Object lock = new Object();
    /** Reads started so far; the running one, if any, is number {@code started}. */
    private long started;
    /** Number of the last finished read, and its outcome. */
    private long finished;
    private long value;
    private RuntimeException failure;
    private boolean running;

    RevisionProbe(Ledger ledger) {
        this.ledger = ledger;
    }

    long latest() {
        long ticket;
        synchronized (lock) {
            ticket = started + 1; // the first read that can start from now on
            while (true) {
                if (finished >= ticket) {
                    return outcome();
                }
                if (!running) {
                    break;
                }
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LedgerException("interrupted while waiting for the ledger's latest revision", e);
                }
            }
            running = true;
            started++;
        }
        long read = 0;
        RuntimeException failed = null;
        try {
            read = ledger.read(tx -> tx.latestRevision());
        } catch (RuntimeException e) {
            failed = e;
        }
        synchronized (lock) {
            running = false;
            finished = started;
            value = read;
            failure = failed;
            lock.notifyAll();
            return outcome();
        }
    }

    private long outcome() {
        if (failure != null) {
            throw failure;
        }
        return value;
    }
}
