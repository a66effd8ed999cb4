package hotdesk.core.usecase;

import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.Target;
import hotdesk.core.model.User;
import hotdesk.core.policy.LoginLimits;
import hotdesk.core.policy.SeatingPolicy;
import hotdesk.core.policy.EmergencyLocation.Located;
import hotdesk.core.policy.ValueRules;
import hotdesk.core.port.Ledger;

import java.time.Clock;
import java.time.Instant;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads every desk line with its occupant and what the given node last applied. Read-only. */
public final class DeskStatus {

    /**
     * @param revision the ledger's revision of this desk
     * @param appliedRevision what the node last pushed to Asterisk (empty: never)
     * @param lastError the last push error, if the latest attempt failed
     * @param occupantApplied whether the occupant's own endpoint (the desk first in its {@code aors}, so
     *                        calls to them ring here) is pushed too; true when the desk is idle
     * @param occupantError the last push error of the occupant's endpoint, e.g. a 403 because their
     *                      extension is defined in pjsip.conf, where hotdesk cannot change it
     * @param located where the desk is for emergency calls (effective ELIN, civic location, warnings)
     * @param notice  what this node last told the desk's phone (check-sync), if anything
     * @param lastFetch when the phone last fetched its file, if ever
     * @param contacts the phone's registrations on the desk line as this node's Asterisk reports them
     * @param keysLeftOut the occupant's own keys that do not fit on this desk's model ({@link hotdesk.core.policy.KeyLayout})
     */
    public record Line(Device device, DeskLine line, Optional<Occupancy> occupancy, Optional<User> occupant,
                       long revision, Optional<Long> appliedRevision, Optional<String> lastError,
                       boolean occupantApplied, Optional<String> occupantError, Located located,
                       Optional<hotdesk.core.model.SessionRecord> lastSession, Optional<hotdesk.core.model.Notice> notice,
                       Optional<Instant> lastFetch, List<hotdesk.core.model.PhoneContact> contacts,
                       List<hotdesk.core.model.UserKey> keysLeftOut) {
        public Line {
            keysLeftOut = List.copyOf(keysLeftOut);
            contacts = List.copyOf(contacts);
        }

        /** The phone fetched its file at or after the last check-sync it was sent. */
        public boolean fetchedAfterNotice() {
            return notice.isPresent() && lastFetch.isPresent() && notice.get().answeredBy(lastFetch.get());
        }

        /** The phone was told of a change and has not fetched its file since. */
        public boolean awaitingFetch() {
            return notice.isPresent() && !fetchedAfterNotice();
        }

        /** {@code occupied}, {@code disabled}, or {@code idle} with why and when its last session ended (within a week). */
        public String state() {
            if (!device.enabled()) {
                return "disabled";
            }
            if (occupancy.isPresent()) {
                return "occupied";
            }
            return lastSession.filter(s -> s.end().isPresent() && s.reason().isPresent())
                    .map(s -> "idle (" + s.reason().get().shown() + " " + s.end().get() + ")").orElse("idle");
        }

        /** This node pushed the desk's latest revision (its occupant's endpoint aside). */
        public boolean deskApplied() {
            return appliedRevision.isPresent() && appliedRevision.get() >= revision;
        }

        /** Asterisk matches the ledger for this desk and for the person sitting at it. */
        public boolean inSync() {
            return deskApplied() && occupantApplied;
        }
    }

    /**
     * A lockout in force: of a desk ({@code extension} empty), of an extension at one desk, or of an
     * extension at every desk ({@code endpointId} empty; {@code via} CODE: their one-time codes).
     */
    public record Lock(Optional<String> endpointId, Optional<Extension> extension, SeatingPolicy.Via via, Instant until) {
    }

    /** Failures of one extension at all desks that reached {@code lockout.user-alert-failures} within the window. */
    public record Alert(Extension extension, SeatingPolicy.Via via, int failures, boolean locked) {
    }

    /** What the lockout counters hold now: every lockout in force and every alert. */
    public record Security(List<Lock> locks, List<Alert> alerts) {
    }

    private final Ledger ledger;
    private final LoginLimits limits;
    private final Clock clock;
    private final String defaultElin;

    /** Without a global default ELIN. */
    public DeskStatus(Ledger ledger) {
        this(ledger, LoginLimits.defaults(), Clock.systemUTC(), "");
    }

    public DeskStatus(Ledger ledger, LoginLimits limits, Clock clock) {
        this(ledger, limits, clock, "");
    }

    public DeskStatus(Ledger ledger, String defaultElin) {
        this(ledger, LoginLimits.defaults(), Clock.systemUTC(), defaultElin);
    }

    /** @param defaultElin {@code emergency.default-elin}, empty for none */
    public DeskStatus(Ledger ledger, LoginLimits limits, Clock clock, String defaultElin) {
        this.ledger = ledger;
        this.limits = limits;
        this.clock = clock;
        this.defaultElin = ValueRules.number("emergency.default-elin", defaultElin);
    }

    /** Lockouts in force and alerts, from the failure counters. Read-only. */
    public Security security() {
        return ledger.read(tx -> {
            Instant now = clock.instant();
            Instant since = now.minus(limits.lookBack());
            List<Lock> locks = new ArrayList<>();
            List<Alert> alerts = new ArrayList<>();
            for (String key : tx.failureCounts("desk:", since).keySet()) {
                String ep = key.substring("desk:".length());
                limits.desk().lockedUntil(tx.failureTimes(key, since), now).ifPresent(until ->
                        locks.add(new Lock(Optional.of(ep), Optional.empty(), SeatingPolicy.Via.PIN, until)));
            }
            for (String key : tx.failureCounts("at:", since).keySet()) {
                int at = key.indexOf('@');
                Extension ext = Extension.of(key.substring("at:".length(), at));
                limits.userAtDesk().lockedUntil(tx.failureTimes(key, since), now).ifPresent(until ->
                        locks.add(new Lock(Optional.of(key.substring(at + 1)), Optional.of(ext), SeatingPolicy.Via.PIN, until)));
            }
            for (SeatingPolicy.Via via : SeatingPolicy.Via.values()) {
                String prefix = via == SeatingPolicy.Via.PIN ? "user:" : "code:";
                for (String key : tx.failureCounts(prefix, since).keySet()) {
                    Extension ext = Extension.of(key.substring(prefix.length()));
                    List<Instant> times = tx.failureTimes(key, since);
                    Optional<Instant> until = limits.user().lockedUntil(times, now);
                    until.ifPresent(u -> locks.add(new Lock(Optional.empty(), Optional.of(ext), via, u)));
                    int failures = limits.user().inWindow(times, now);
                    if (failures >= limits.userAlertAt() || until.isPresent()) {
                        alerts.add(new Alert(ext, via, failures, until.isPresent()));
                    }
                }
            }
            return new Security(List.copyOf(locks), List.copyOf(alerts));
        });
    }

    public LoginLimits limits() {
        return limits;
    }

    public List<Line> lines(String node) {
        return lines(node, l -> l);
    }

    /**
     * Every desk line turned into what the caller shows of it, as each is read: a line is dropped once
     * {@code view} has it, so status on 10,000 desks keeps its rows alive, not every line's records and
     * optionals (on serve's small heap those outlived young collections and filled the old generation).
     * Read-only; {@code view} may be called again for a line when the read is retried.
     */
    public <R> List<R> lines(String node, java.util.function.Function<Line, R> view) {
        return ledger.read(tx -> {
            List<R> out = new ArrayList<>();
            lines(tx, node, endpointId -> true, l -> out.add(view.apply(l)));
            return java.util.Collections.unmodifiableList(out);
        });
    }

    /** A desk line as the board shows it: its status and when its phone last fetched its file. */
    public record Watched(Line line, Optional<Instant> lastFetch) {
    }

    /**
     * The lines whose endpoint id {@code which} accepts (all of them for the whole board, a few after an
     * event), with their last configuration fetch, in one read transaction. Read-only.
     */
    public List<Watched> watch(String node, Predicate<String> which) {
        return ledger.read(tx -> {
            List<Watched> out = new ArrayList<>();
            lines(tx, node, which, l -> out.add(new Watched(l, l.lastFetch())));
            return java.util.Collections.unmodifiableList(out);
        });
    }

    /**
     * The desk lines the given targets stand for: a desk target is its line, a user target the line
     * that user sits at (if any). Read-only.
     */
    public Set<String> linesOf(Collection<Target> targets) {
        return ledger.read(tx -> {
            Set<String> out = new TreeSet<>();
            for (Target t : targets) {
                if (t.kind() == Target.Kind.DESK) {
                    out.add(t.id());
                } else {
                    tx.seatsOfUser(Extension.of(t.id())).forEach(o -> out.add(o.endpointId()));
                }
            }
            return out;
        });
    }

    /** From how many lines shown on the status reads whole tables rather than each line's rows. */
    static final int BULK_FROM = 32;

    /** What the status reads per line: from whole tables read once, or row by row. */
    private interface Reads {
        Optional<Occupancy> occupancy(String endpointId);

        Optional<User> user(Extension extension);

        Optional<String> error(Target target);

        List<hotdesk.core.model.UserKey> keys(Extension extension);

        Located locate(Device device, String defaultElin);

        static Reads each(hotdesk.core.port.LedgerTx tx, String node) {
            return new Reads() {
                public Optional<Occupancy> occupancy(String endpointId) {
                    return tx.occupancyOfLine(endpointId);
                }

                public Optional<User> user(Extension extension) {
                    return tx.user(extension);
                }

                public Optional<String> error(Target target) {
                    return tx.lastError(node, target);
                }

                public List<hotdesk.core.model.UserKey> keys(Extension extension) {
                    return tx.keysOf(extension);
                }

                public Located locate(Device device, String defaultElin) {
                    return LocateDesks.locate(tx, device, defaultElin);
                }
            };
        }

        static Reads bulk(hotdesk.core.port.LedgerTx tx, String node) {
            Map<String, Occupancy> occupancy = new java.util.HashMap<>();
            tx.occupancies().forEach(o -> occupancy.put(o.endpointId(), o));
            Map<Extension, User> users = new java.util.HashMap<>();
            tx.users().forEach(x -> users.put(x.extension(), x));
            Map<Target, String> errors = tx.lastErrors(node);
            Map<Extension, List<hotdesk.core.model.UserKey>> keys = tx.allKeys();
            Map<String, hotdesk.core.model.Site> sites = new java.util.HashMap<>();
            tx.sites().forEach(x -> sites.put(x.name(), x));
            Map<Mac, hotdesk.core.model.CivicLocation> locations = tx.deskLocations();
            return new Reads() {
                public Optional<Occupancy> occupancy(String endpointId) {
                    return Optional.ofNullable(occupancy.get(endpointId));
                }

                public Optional<User> user(Extension extension) {
                    return Optional.ofNullable(users.get(extension));
                }

                public Optional<String> error(Target target) {
                    return Optional.ofNullable(errors.get(target));
                }

                public List<hotdesk.core.model.UserKey> keys(Extension extension) {
                    return keys.getOrDefault(extension, List.of());
                }

                public Located locate(Device device, String defaultElin) {
                    return hotdesk.core.policy.EmergencyLocation.resolve(device,
                            locations.getOrDefault(device.mac(), hotdesk.core.model.CivicLocation.EMPTY),
                            device.site().isEmpty() ? Optional.empty() : Optional.ofNullable(sites.get(device.site())), defaultElin);
                }
            };
        }
    }

    private void lines(hotdesk.core.port.LedgerTx tx, String node, Predicate<String> which, java.util.function.Consumer<Line> sink) {
        Map<Target, Long> revisions = tx.revisions();
        Map<Target, Long> applied = tx.applied(node);
        Instant now = clock.instant();
        // every line in one query (not one per device): a live update of one tile on a board of
        // thousands of desks reads only what it shows
        Map<Mac, List<DeskLine>> byDevice = new java.util.HashMap<>();
        Map<Mac, Integer> linesPerDevice = new java.util.HashMap<>();
        Set<String> shown = new java.util.HashSet<>();
        for (DeskLine l : tx.lines()) {
            linesPerDevice.merge(l.mac(), 1, Integer::sum);
            if (which.test(l.endpointId())) {
                byDevice.computeIfAbsent(l.mac(), m -> new ArrayList<>()).add(l);
                shown.add(l.endpointId());
            }
        }
        // why and when an idle line's last session ended, within a week: only the lines shown
        Map<String, hotdesk.core.model.SessionRecord> last = tx.lastSessions(shown, now.minus(java.time.Duration.ofDays(7)));
        Map<String, hotdesk.core.model.Notice> notices = tx.notices(node);
        Map<String, List<hotdesk.core.model.PhoneContact>> contacts = tx.contacts(node);
        Map<Mac, Instant> fetches = tx.lastFetches();
        // many lines (status, the whole board): one read per table instead of several per line, which over the
        // embedded ledger's TCP auto-server made status on 10,000 desks take half a minute; a few lines (a
        // board tile after an event): reads of their own rows
        Reads reads = shown.size() > BULK_FROM ? Reads.bulk(tx, node) : Reads.each(tx, node);
        for (Device d : tx.devices()) {
            List<DeskLine> wanted = byDevice.getOrDefault(d.mac(), List.of()).stream()
                    .sorted(java.util.Comparator.comparingInt(DeskLine::port)).toList();
            if (wanted.isEmpty()) {
                continue;
            }
            Located located = reads.locate(d, defaultElin);
            for (DeskLine l : wanted) {
                Target t = Target.desk(l.endpointId());
                Optional<Occupancy> o = reads.occupancy(l.endpointId());
                Optional<Target> u = o.map(x -> Target.user(x.extension()));
                boolean occupantApplied = u.map(ut -> applied.containsKey(ut)
                        && applied.get(ut) >= revisions.getOrDefault(ut, 0L)).orElse(true);
                List<hotdesk.core.model.UserKey> keys = o.map(x -> reads.keys(x.extension())).orElse(List.of());
                List<hotdesk.core.model.UserKey> leftOut = keys.isEmpty() ? List.of() : hotdesk.core.policy.KeyLayout.of(
                        hotdesk.core.model.PhoneModels.bundled().find(d.vendor(), d.model()), linesPerDevice.getOrDefault(d.mac(), 1), keys)
                        .overflow();
                sink.accept(new Line(d, l, o, o.flatMap(x -> reads.user(x.extension())),
                        revisions.getOrDefault(t, 0L), Optional.ofNullable(applied.get(t)), reads.error(t),
                        occupantApplied, u.flatMap(reads::error), located,
                        Optional.ofNullable(last.get(l.endpointId())), Optional.ofNullable(notices.get(l.endpointId())),
                        Optional.ofNullable(fetches.get(d.mac())), contacts.getOrDefault(l.endpointId(), List.of()), leftOut));
            }
        }
    }
}
