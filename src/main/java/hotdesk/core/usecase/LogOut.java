package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.Target;
import hotdesk.core.policy.SeatingPolicy;
import hotdesk.core.port.DeskEvents;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerTx;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Ends desk sessions: the user at a desk dialling the logout code, or an admin forcing it by device
 * or by user. One ledger transaction, then an immediate apply (the reconciler finishes it if Asterisk
 * is unreachable). Idempotent: logging out a free desk is {@link NotLoggedIn}. Thread-safe.
 */
public final class LogOut {

    public sealed interface Result {
    }

    /** @param ended the extensions whose sessions ended; applied tells whether Asterisk matches already */
    public record LoggedOut(List<Extension> ended, boolean applied) implements Result {
    }

    public record NotLoggedIn() implements Result {
    }

    /** The endpoint is not a desk line, the MAC not a device, or the extension not a user. */
    public record Unknown(String what) implements Result {
    }

    private final Ledger ledger;
    private final ApplyNow applyNow;
    private final Clock clock;
    private final DeskEvents events;

    public LogOut(Ledger ledger, ApplyNow applyNow, Clock clock) {
        this(ledger, applyNow, clock, DeskEvents.none());
    }

    /** @param events told of the desks and users a logout changed, right after it committed */
    public LogOut(Ledger ledger, ApplyNow applyNow, Clock clock, DeskEvents events) {
        this.events = events;
        this.ledger = ledger;
        this.applyNow = applyNow;
        this.clock = clock;
    }

    private record Outcome(Result result, Set<Target> touched) {
    }

    /** The occupant of the calling desk line logs out. */
    public Result fromDesk(String endpointId, String actor) {
        return run(actor, EndReason.LOGOUT, tx -> {
            if (tx.line(endpointId).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(tx.occupancyOfLine(endpointId).map(List::of).orElse(List.of()));
        }, "endpoint " + endpointId);
    }

    /**
     * A user logs out of the desk they signed in to on its self-service page: only while that user
     * still sits there (someone who logged in there since is left alone: {@link NotLoggedIn}).
     */
    public Result userAtDesk(String endpointId, Extension extension, String actor) {
        return run(actor, EndReason.LOGOUT, tx -> {
            if (tx.line(endpointId).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(tx.occupancyOfLine(endpointId).filter(o -> o.extension().equals(extension)).map(List::of)
                    .orElse(List.of()));
        }, "endpoint " + endpointId);
    }

    /** An admin ends the session on one desk line (a tile of the desk board). */
    public Result forceLine(String endpointId, String actor) {
        return run(actor, EndReason.FORCED, tx -> {
            if (tx.line(endpointId).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(tx.occupancyOfLine(endpointId).map(List::of).orElse(List.of()));
        }, "endpoint " + endpointId);
    }

    /** An admin ends every session on the device's lines. */
    public Result forceDevice(Mac mac, String actor) {
        return run(actor, EndReason.FORCED, tx -> {
            if (tx.device(mac).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(tx.linesOf(mac).stream().flatMap(l -> tx.occupancyOfLine(l.endpointId()).stream()).toList());
        }, "device " + mac.display());
    }

    /** An admin ends the user's sessions, wherever they are (every desk under multi-login allow). */
    public Result forceUser(Extension extension, String actor) {
        return run(actor, EndReason.FORCED, tx -> {
            if (tx.user(extension).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(tx.seatsOfUser(extension));
        }, "user " + extension);
    }

    /**
     * What a bulk logout did or, on a dry run, would do: the sessions it ends; or, when any desk named does
     * not exist ({@code unknown}: those MACs, or the site's name), nothing at all.
     */
    public record Bulk(List<Mac> unknown, boolean unknownSite, List<Occupancy> seats, boolean applied) {
    }

    /**
     * An admin ends every session on these devices' lines, in one transaction: when any of them is unknown,
     * nobody is logged out. {@code dryRun}: only reads what would end.
     */
    public Bulk forceDevices(List<Mac> macs, String actor, boolean dryRun) {
        List<Mac> unknown = new java.util.concurrent.CopyOnWriteArrayList<>();
        Function<LedgerTx, Optional<List<Occupancy>>> find = tx -> {
            unknown.clear(); // a retried transaction starts over
            List<Occupancy> seats = new java.util.ArrayList<>();
            for (Mac mac : new LinkedHashSet<>(macs)) {
                if (tx.device(mac).isEmpty()) {
                    unknown.add(mac);
                } else {
                    tx.linesOf(mac).forEach(l -> tx.occupancyOfLine(l.endpointId()).ifPresent(seats::add));
                }
            }
            return unknown.isEmpty() ? Optional.of(seats) : Optional.empty();
        };
        return bulk(find, actor, dryRun, unknown, false);
    }

    /**
     * An admin ends every session on the lines of the site's devices, in one transaction; an unknown site
     * changes nothing. {@code dryRun}: only reads what would end.
     */
    public Bulk forceSite(String site, String actor, boolean dryRun) {
        Function<LedgerTx, Optional<List<Occupancy>>> find = tx -> {
            if (tx.site(site).isEmpty()) {
                return Optional.empty();
            }
            List<Occupancy> seats = new java.util.ArrayList<>();
            tx.devices().stream().filter(d -> site.equals(d.site())).forEach(d -> tx.linesOf(d.mac())
                    .forEach(l -> tx.occupancyOfLine(l.endpointId()).ifPresent(seats::add)));
            return Optional.of(seats);
        };
        return bulk(find, actor, dryRun, List.of(), true);
    }

    private Bulk bulk(Function<LedgerTx, Optional<List<Occupancy>>> find, String actor, boolean dryRun, List<Mac> unknown,
                      boolean bySite) {
        if (dryRun) {
            Optional<List<Occupancy>> seats = ledger.read(find::apply);
            return seats.map(s -> new Bulk(List.of(), false, List.copyOf(s), false))
                    .orElseGet(() -> new Bulk(List.copyOf(unknown), bySite, List.of(), false));
        }
        List<Occupancy> ended = new java.util.concurrent.CopyOnWriteArrayList<>();
        Result r = run(actor, EndReason.FORCED, tx -> {
            ended.clear();
            Optional<List<Occupancy>> seats = find.apply(tx);
            seats.ifPresent(ended::addAll);
            return seats;
        }, bySite ? "site" : "devices");
        if (r instanceof Unknown) {
            return new Bulk(List.copyOf(unknown), bySite, List.of(), false);
        }
        return new Bulk(List.of(), false, List.copyOf(ended), r instanceof LoggedOut out && out.applied());
    }

    /**
     * A timer ends {@code seat}: only that session, so a login or a logout that came first (the desk now
     * free, or someone else's) is left alone ({@link NotLoggedIn}). On several nodes the first to commit
     * ends it and the others find it gone, so it ends once.
     */
    public Result automatically(Occupancy seat, EndReason reason) {
        return run("timer", reason, tx -> Optional.of(tx.occupancyOfLine(seat.endpointId())
                        .filter(o -> o.extension().equals(seat.extension()) && o.since().equals(seat.since()))
                        .map(List::of).orElse(List.of())),
                "endpoint " + seat.endpointId() + " (" + reason.shown() + ")");
    }

    /**
     * Loads the sessions at the place named ({@code find}: empty when the place does not exist), asks
     * {@link SeatingPolicy#leave}, applies the decision.
     */
    private Result run(String actor, EndReason reason, Function<LedgerTx, Optional<List<Occupancy>>> find, String what) {
        Outcome o = ledger.transact(tx -> {
            SeatingPolicy.Departure decision = SeatingPolicy.leave(find.apply(tx), reason);
            if (decision instanceof SeatingPolicy.UnknownPlace) {
                return new Outcome(new Unknown(what), Set.of());
            }
            if (decision instanceof SeatingPolicy.NotSeated) {
                return new Outcome(new NotLoggedIn(), Set.of());
            }
            SeatingPolicy.Vacate vacate = (SeatingPolicy.Vacate) decision;
            Instant now = clock.instant();
            Set<Target> touched = new LinkedHashSet<>();
            for (Occupancy seat : vacate.seats()) {
                touched.addAll(Seating.vacateLine(tx, seat.endpointId(), now, vacate.reason()));
                tx.audit(new AuditEntry(now, actor, "logout", seat.extension().value(),
                        "desk=" + seat.endpointId() + " reason=" + vacate.reason().shown()));
            }
            Seating.bump(tx, touched);
            return new Outcome(new LoggedOut(vacate.seats().stream().map(Occupancy::extension).toList(), false), touched);
        });
        if (o.result() instanceof LoggedOut out) {
            events.changed(o.touched());
            return new LoggedOut(out.ended(), applyNow.apply(o.touched()));
        }
        return o.result();
    }

    /** The occupancy a desk line has, for scripts that want to say who is logged in. */
    public Optional<Occupancy> occupancy(String endpointId) {
        return ledger.read(tx -> tx.occupancyOfLine(endpointId));
    }
}
