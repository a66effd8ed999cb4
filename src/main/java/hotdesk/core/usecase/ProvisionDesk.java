package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.User;
import hotdesk.core.port.Ledger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a desk phone's configuration must say right now, read from the ledger when the phone asks.
 * Records the fetch (time, address, user agent) on the device and in the audit log: the fetch is the
 * receipt that a check-sync reached the phone. Thread-safe.
 */
public final class ProvisionDesk {

    public record LineView(DeskLine line, Optional<User> occupant, Optional<Occupancy> occupancy) {
    }

    public record DeskView(Device device, List<LineView> lines) {
    }

    private final Ledger ledger;
    private final Clock clock;

    public ProvisionDesk(Ledger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    /** The view of a known, enabled device; empty otherwise (the caller answers 404 either way). */
    public Optional<DeskView> fetch(Mac mac, String remoteAddress, String userAgent) {
        Instant now = clock.instant();
        return ledger.transact(tx -> {
            Optional<Device> device = tx.device(mac);
            if (device.isEmpty() || !device.get().enabled()) {
                tx.audit(new AuditEntry(now, "http:" + remoteAddress, "provision.refused", mac.value(),
                        device.isEmpty() ? "unknown device" : "device disabled"));
                return Optional.empty();
            }
            List<LineView> views = new ArrayList<>();
            for (DeskLine l : tx.linesOf(mac)) {
                Optional<Occupancy> o = tx.occupancyOfLine(l.endpointId());
                views.add(new LineView(l, o.flatMap(x -> tx.user(x.extension())), o));
            }
            tx.recordFetch(mac, now, remoteAddress, userAgent);
            tx.audit(new AuditEntry(now, "http:" + remoteAddress, "provision.fetch", mac.value(), ""));
            return Optional.of(new DeskView(device.get(), views));
        });
    }

    /** Audits a refused request for a MAC (wrong network, malformed, scanner) without touching the device. */
    public void refused(String macText, String remoteAddress, String why) {
        ledger.transact(tx -> {
            tx.audit(new AuditEntry(clock.instant(), "http:" + remoteAddress, "provision.refused",
                    macText.length() > 40 ? macText.substring(0, 40) : macText, why));
            return null;
        });
    }
}
