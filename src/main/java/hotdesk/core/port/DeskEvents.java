package hotdesk.core.port;

import hotdesk.core.model.Target;

import java.util.Collection;

/**
 * Where use cases say that desks changed, for live views (the desk board): {@code LogIn} and
 * {@code LogOut} after their transaction committed, {@code Reconcile} after each push to Asterisk
 * succeeded or failed. A listener reads the ledger again for what it shows; an event carries no data
 * of its own (so it cannot carry a secret either).
 *
 * <p>Implementations must not block and must not throw: they are called on the AGI, apply and
 * reconciler threads, after the change is committed. Thread-safe.
 */
@FunctionalInterface
public interface DeskEvents {

    /** These targets (desk lines, users' own endpoints) changed in the ledger or in Asterisk. */
    void changed(Collection<Target> targets);

    /** Tells nobody: the CLI, and servers without a board. */
    static DeskEvents none() {
        return targets -> { };
    }
}
