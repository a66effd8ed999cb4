package hotdesk.core.usecase;

import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.Target;
import hotdesk.core.port.LedgerTx;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/** Ledger moves shared by the use cases that seat and unseat people. Package-private. */
final class Seating {

    private Seating() {
    }

    /** Ends the line's occupancy, if any; returns the targets that changed. */
    static Set<Target> vacateLine(LedgerTx tx, String endpointId, Instant at, EndReason reason) {
        Set<Target> touched = new LinkedHashSet<>();
        Optional<Occupancy> seat = tx.vacate(endpointId, at, reason);
        if (seat.isPresent()) {
            touched.add(Target.desk(endpointId));
            touched.add(Target.user(seat.get().extension()));
        }
        return touched;
    }

    /** Ends every seat of the user, if any; returns the targets that changed. */
    static Set<Target> vacateUser(LedgerTx tx, Extension extension, Instant at, EndReason reason) {
        Set<Target> touched = new LinkedHashSet<>();
        for (Occupancy o : tx.seatsOfUser(extension)) {
            touched.addAll(vacateLine(tx, o.endpointId(), at, reason));
        }
        return touched;
    }

    static void bump(LedgerTx tx, Set<Target> targets) {
        if (!targets.isEmpty()) {
            tx.bump(targets.toArray(Target[]::new));
        }
    }
}
