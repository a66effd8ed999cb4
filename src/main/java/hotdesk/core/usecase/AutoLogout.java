package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.AutoLogoutOverride;
import hotdesk.core.model.Device;
import hotdesk.core.model.Mac;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.Site;
import hotdesk.core.policy.AutoLogoutRules;
import hotdesk.core.port.CallState;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerTx;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The auto-logout timers: one {@link #runOnce()} looks at every seated desk, asks {@link AutoLogoutRules}
 * and ends the sessions that are due, never one with a call up on its desk.
 *
 * <p>The timers live in the ledger: a session's login time and the end of its desk's last call
 * ({@link #callEnded}) are all the rules read, so a restart of hotdesk or of Asterisk neither loses a due
 * logout nor performs one twice, and on several nodes the first to commit ends a session while the others
 * find it gone ({@link LogOut#automatically}). Asterisk's current channel list is asked only when some
 * session is due; when Asterisk cannot be asked, nobody is logged out (a call might be up) until it can.
 * A session found due during a call has its last activity moved to now, so the idle timer restarts after
 * the call even if the call's hang-up was missed. Thread-safe; blocking (ledger and one AMI request).
 */
public final class AutoLogout {

    /**
     * What one pass did.
     *
     * @param ended     sessions ended now
     * @param afterCall sessions due but kept for a call that is up
     * @param unknown   sessions due but kept because Asterisk could not say whether a call is up
     */
    public record Pass(int ended, int afterCall, int unknown) {
    }

    private final Ledger ledger;
    private final CallState calls;
    private final LogOut logOut;
    private final AutoLogoutRules rules;
    private final ZoneId defaultZone;
    private final Clock clock;

    /** @param defaultZone the time zone of desks with no zone of their own and no site ({@code provisioning.timezone}) */
    public AutoLogout(Ledger ledger, CallState calls, LogOut logOut, AutoLogoutRules rules, ZoneId defaultZone, Clock clock) {
        this.ledger = ledger;
        this.calls = calls;
        this.logOut = logOut;
        this.rules = rules;
        this.defaultZone = defaultZone;
        this.clock = clock;
    }

    public AutoLogoutRules rules() {
        return rules;
    }

    private record Seat(Occupancy occupancy, ZoneId zone, AutoLogoutRules rules) {
    }

    public Pass runOnce() {
        Instant now = clock.instant();
        List<Seat> due = new ArrayList<>();
        ledger.read(tx -> {
            Map<String, AutoLogoutOverride> sites = tx.autoLogoutOverrides(SITE);
            Map<String, AutoLogoutOverride> desks = tx.autoLogoutOverrides(DESK);
            if (!rules.any() && sites.isEmpty() && desks.isEmpty()) {
                return null;
            }
            List<Occupancy> seated = tx.occupancies();
            Desks where = seated.size() > BULK_FROM ? Desks.bulk(tx) : Desks.each(tx);
            for (Occupancy o : seated) {
                Optional<Device> device = where.device(o.endpointId());
                String site = device.map(Device::site).orElse("");
                AutoLogoutRules effective = rules.with(sites.getOrDefault(site, AutoLogoutOverride.NONE))
                        .with(device.map(d -> desks.getOrDefault(d.mac().value(), AutoLogoutOverride.NONE))
                                .orElse(AutoLogoutOverride.NONE));
                ZoneId zone = zoneOf(where, device);
                if (!(effective.verdict(o, zone, now, false) instanceof AutoLogoutRules.NotDue)) {
                    due.add(new Seat(o, zone, effective));
                }
            }
            return null;
        });
        if (due.isEmpty()) {
            return new Pass(0, 0, 0);
        }
        Optional<Set<String>> onCall = calls.endpointsOnCall();
        if (onCall.isEmpty()) {
            return new Pass(0, 0, due.size());
        }
        int ended = 0;
        int afterCall = 0;
        for (Seat s : due) {
            AutoLogoutRules.Verdict v = s.rules().verdict(s.occupancy(), s.zone(), now,
                    onCall.get().contains(s.occupancy().endpointId()));
            if (v instanceof AutoLogoutRules.Due d) {
                if (logOut.automatically(s.occupancy(), d.reason()) instanceof LogOut.LoggedOut) {
                    ended++;
                }
            } else if (v instanceof AutoLogoutRules.AfterTheCall) {
                afterCall++;
                touch(s.occupancy().endpointId(), now);
            }
        }
        return new Pass(ended, afterCall, 0);
    }

    /**
     * A call on the desk line ended at {@code at}: its session's idle timer counts from then. Free lines and
     * endpoints that are not desk lines are ignored.
     */
    public void callEnded(String endpointId, Instant at) {
        touch(endpointId, at);
    }

    private void touch(String endpointId, Instant at) {
        // most hang-ups are not on a seated desk line (users' own phones, trunks): a read finds that without the write lock
        boolean seated = ledger.read(tx -> tx.occupancyOfLine(endpointId).filter(o -> at.isAfter(o.lastActivity())).isPresent());
        if (!seated) {
            return;
        }
        ledger.transact(tx -> {
            Optional<Occupancy> seat = tx.occupancyOfLine(endpointId);
            if (seat.isPresent() && at.isAfter(seat.get().lastActivity())) {
                tx.touch(endpointId, at);
            }
            return null;
        });
    }

    /**
     * The desk's time zone for the daily logout: the same one its phone is told (the desk's own
     * {@code --time-zone}, else its site's, else {@code provisioning.timezone}), so a desk is logged out at the
     * local time its phone shows. A zone the JDK no longer knows falls through to the next layer.
     */
    private ZoneId zoneOf(Desks where, Optional<Device> device) {
        Optional<ZoneId> own = device.map(d -> d.phones().timeZone()).flatMap(AutoLogout::zone);
        if (own.isPresent()) {
            return own.get();
        }
        String site = device.map(Device::site).orElse("");
        return (site.isEmpty() ? Optional.<String>empty() : where.site(site).map(Site::timeZone))
                .flatMap(AutoLogout::zone).orElse(defaultZone);
    }

    /** From how many seated desks a pass reads the lines, devices and sites tables whole rather than row by row. */
    static final int BULK_FROM = 32;

    /**
     * A seated line's device and a site, read row by row (a few desks seated) or from whole tables read once: with
     * 10,000 desks seated a pass every {@code auto-logout.check-interval} made three queries a desk (about 0.3 s of
     * CPU and 800 MB of garbage in a 112 MB heap every 15 s, BENCHMARKS.md "CLI at scale").
     */
    private interface Desks {
        Optional<Device> device(String endpointId);

        Optional<Site> site(String name);

        static Desks each(LedgerTx tx) {
            return new Desks() {
                public Optional<Device> device(String endpointId) {
                    return tx.line(endpointId).map(DeskLine::mac).flatMap(tx::device);
                }

                public Optional<Site> site(String name) {
                    return tx.site(name);
                }
            };
        }

        static Desks bulk(LedgerTx tx) {
            Map<String, Mac> macOf = new java.util.HashMap<>();
            tx.lines().forEach(l -> macOf.put(l.endpointId(), l.mac()));
            Map<Mac, Device> devices = new java.util.HashMap<>();
            tx.devices().forEach(d -> devices.put(d.mac(), d));
            Map<String, Site> sites = new java.util.HashMap<>();
            tx.sites().forEach(x -> sites.put(x.name(), x));
            return new Desks() {
                public Optional<Device> device(String endpointId) {
                    return Optional.ofNullable(macOf.get(endpointId)).map(devices::get);
                }

                public Optional<Site> site(String name) {
                    return Optional.ofNullable(sites.get(name));
                }
            };
        }
    }

    private static Optional<ZoneId> zone(String id) {
        if (id.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ZoneId.of(id));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    // ---- the rules of sites and desks

    /** Scope of the overrides of a site, by its name. */
    public static final String SITE = "site";
    /** Scope of the overrides of a desk phone, by its MAC ({@code 0015651234ab}). */
    public static final String DESK = "desk";

    public sealed interface Change {
    }

    public record Changed(String scope, String name, AutoLogoutOverride now) implements Change {
    }

    public record Refused(String why) implements Change {
    }

    /**
     * Sets the own rules of a site or a desk phone (all its lines); the fields left empty inherit (a desk's from
     * its site, a site's from the settings). An empty override removes them. The site or device must exist;
     * audited.
     */
    public Change set(String scope, String name, AutoLogoutOverride override, String actor) {
        String key;
        try {
            key = scope.equals(DESK) ? Mac.parse(name).value() : Site.checkName(name);
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        if (!scope.equals(DESK) && !scope.equals(SITE)) {
            return new Refused("scope must be site or desk, got '" + scope + "'");
        }
        return ledger.transact(tx -> {
            boolean exists = scope.equals(DESK) ? tx.device(new Mac(key)).isPresent() : tx.site(key).isPresent();
            if (!exists) {
                return new Refused("no " + (scope.equals(DESK) ? "device " + new Mac(key).display() : "site " + key));
            }
            tx.setAutoLogoutOverride(scope, key, override);
            tx.audit(new AuditEntry(clock.instant(), actor, "auto-logout.set", key, describe(override)));
            return new Changed(scope, key, override);
        });
    }

    /** The overrides of every site and desk: scope → name → override. */
    public Map<String, Map<String, AutoLogoutOverride>> overrides() {
        return ledger.read(tx -> Map.of(SITE, tx.autoLogoutOverrides(SITE), DESK, tx.autoLogoutOverrides(DESK)));
    }

    /** {@code idle=5m max=inherit daily=19:00}, for the audit and the CLI. */
    public static String describe(AutoLogoutOverride o) {
        return "idle=" + o.idle().map(AutoLogout::shown).orElse("inherit") + " max=" + o.max().map(AutoLogout::shown).orElse("inherit")
                + " daily=" + o.daily().orElse("inherit");
    }

    /** A duration as the settings write it: {@code 0s} (off), {@code 90s}, {@code 5m}, {@code 10h}. */
    public static String shown(java.time.Duration d) {
        long s = d.toSeconds();
        if (s == 0) {
            return "off";
        }
        return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
