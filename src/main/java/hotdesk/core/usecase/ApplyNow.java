package hotdesk.core.usecase;

import hotdesk.core.model.Target;

import java.util.Collection;

/**
 * Applies freshly committed targets to Asterisk at once, telling whether all of them got there.
 * The server uses {@link Reconcile}; the CLI uses {@link #later()}: it only writes the ledger and the
 * running server's reconciler applies the change.
 */
@FunctionalInterface
public interface ApplyNow {

    boolean apply(Collection<Target> targets);

    /** Applies nothing now; the reconciler of a running server will. */
    static ApplyNow later() {
        return targets -> false;
    }
}
