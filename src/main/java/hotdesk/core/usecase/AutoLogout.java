package hotdesk.core.usecase;

import hotdesk.core.model.Device;
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

    /** @param defaultZone the time zone of desks without a site ({@code provisioning.timezone}) */
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

    private record Seat(Occupancy occupancy, ZoneId zone) {
    }

    public Pass runOnce() {
        if (!rules.any()) {
            return new Pass(0, 0, 0);
        }
        Instant now = clock.instant();
        List<Seat> due = new ArrayList<>();
        ledger.read(tx -> {
            for (Occupancy o : tx.occupancies()) {
                ZoneId zone = zoneOf(tx, o.endpointId());
                if (!(rules.verdict(o, zone, now, false) instanceof AutoLogoutRules.NotDue)) {
                    due.add(new Seat(o, zone));
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
            AutoLogoutRules.Verdict v = rules.verdict(s.occupancy(), s.zone(), now, onCall.get().contains(s.occupancy().endpointId()));
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

    private ZoneId zoneOf(LedgerTx tx, String endpointId) {
        Optional<String> siteZone = tx.line(endpointId).map(DeskLine::mac).flatMap(tx::device).map(Device::site)
                .filter(s -> !s.isEmpty()).flatMap(tx::site).map(Site::timeZone);
        try {
            return siteZone.map(ZoneId::of).orElse(defaultZone);
        } catch (DateTimeException e) {
            return defaultZone;
        }
    }
}
