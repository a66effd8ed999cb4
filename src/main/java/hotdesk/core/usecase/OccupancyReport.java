package hotdesk.core.usecase;

import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.SessionRecord;
import hotdesk.core.policy.OccupancyStats;
import hotdesk.core.port.Ledger;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Desk usage over a time range (see {@link OccupancyStats}): loads the desks and the session history
 * that overlaps the range, open sessions included, in one read transaction. Thread-safe.
 */
public final class OccupancyReport {

    private final Ledger ledger;
    private final Clock clock;

    public OccupancyReport(Ledger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    /**
     * The report for {@code [from, to)} in {@code zone}; {@code site}: only the desks of that site
     * (refused when no desk has it, so a typo does not look like an empty floor).
     */
    public OccupancyStats.Report report(Instant from, Instant to, ZoneId zone, Optional<String> site) {
        Instant now = clock.instant();
        return ledger.read(tx -> {
            Map<String, Device> devices = new HashMap<>();
            tx.devices().forEach(d -> devices.put(d.mac().value(), d));
            Map<String, Integer> linesPerDevice = new HashMap<>();
            List<DeskLine> lines = tx.lines();
            lines.forEach(l -> linesPerDevice.merge(l.mac().value(), 1, Integer::sum));
            List<OccupancyStats.Desk> desks = new ArrayList<>();
            for (DeskLine l : lines) {
                Device d = devices.get(l.mac().value());
                if (d == null || site.isPresent() && !site.get().equals(d.site())) {
                    continue;
                }
                String label = linesPerDevice.get(l.mac().value()) > 1 ? d.label() + " port " + l.port() : d.label();
                desks.add(new OccupancyStats.Desk(l.endpointId(), label, d.site()));
            }
            if (site.isPresent() && desks.isEmpty()) {
                throw new IllegalArgumentException("no desk has the site '" + site.get() + "'");
            }
            List<SessionRecord> sessions = new ArrayList<>(tx.sessionsBetween(from, to));
            tx.occupancies().forEach(o -> sessions.add(SessionRecord.open(o)));
            return OccupancyStats.compute(from, to, zone, now, desks, sessions);
        });
    }
}
