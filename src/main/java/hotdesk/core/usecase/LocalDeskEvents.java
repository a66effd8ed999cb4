package hotdesk.core.usecase;

import hotdesk.core.model.Target;
import hotdesk.core.port.DeskEvents;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * {@link DeskEvents} inside one process: every event goes to every subscriber at once, on the thread
 * that published it. Subscribers must return quickly (hand the work to a thread of their own); one
 * that throws is logged and the others still hear the event. Events of other cluster nodes are not
 * heard here: their pushes reach this node's reconciler as ledger changes, and its pushes are events.
 * Thread-safe.
 */
public final class LocalDeskEvents implements DeskEvents {

    private static final System.Logger LOG = System.getLogger(LocalDeskEvents.class.getName());

    private final CopyOnWriteArrayList<Consumer<Set<Target>>> subscribers = new CopyOnWriteArrayList<>();

    @Override
    public void changed(Collection<Target> targets) {
        if (targets.isEmpty()) {
            return;
        }
        Set<Target> copy = Set.copyOf(targets);
        for (Consumer<Set<Target>> s : subscribers) {
            try {
                s.accept(copy);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, () -> "a desk event subscriber failed on " + copy + ": " + e);
            }
        }
    }

    /** Hears every later event until the returned handle is run. */
    public Runnable subscribe(Consumer<Set<Target>> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }
}
