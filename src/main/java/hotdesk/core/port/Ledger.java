package hotdesk.core.port;

import java.util.OptionalLong;

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

    /**
     * The highest ledger revision this process knows of, without a round trip to the database; empty
     * when this ledger does not keep track (then only {@link LedgerTx#latestRevision()} can tell).
     *
     * <p>It includes every revision committed through this ledger before the call, and every revision
     * that any transaction of this process has read since (a write transaction reads the latest when it
     * takes the write lock; {@link LedgerTx#latestRevision()} in a read reports what it read). Revisions
     * committed by other processes (the CLI, other cluster nodes) are included only once such a read has
     * seen them: a caller that must notice those asks the ledger now and then. Never decreases.
     * Non-blocking, thread-safe.
     */
    default OptionalLong latestKnownRevision() {
        return OptionalLong.empty();
    }

    /**
     * {@link #latestKnownRevision()} as a number, -1 when none is known: for callers that ask on every request
     * (nothing allocated).
     */
    default long knownRevision() {
        return latestKnownRevision().orElse(-1);
    }

    @FunctionalInterface
    interface Work<T> {
        T run(LedgerTx tx);
    }
}
