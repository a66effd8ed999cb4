package hotdesk.core.port;

/**
 * The desk ledger: the single source of truth of who sits where. Every change is one transaction.
 *
 * <p>Implementations run {@code work} in one database transaction: committed when it returns,
 * rolled back when it throws. They may run {@code work} more than once when the database reports a
 * conflict (two logins on the same desk at the same instant), so {@code work} must not have effects
 * outside the transaction. Thread-safe; blocking.
 */
public interface Ledger {

    <T> T transact(Work<T> work);

    /** Convenience for read-only work (still one transaction, for a consistent view). */
    default <T> T read(Work<T> work) {
        return transact(work);
    }

    @FunctionalInterface
    interface Work<T> {
        T run(LedgerTx tx);
    }
}
