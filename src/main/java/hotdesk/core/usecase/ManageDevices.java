package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.CivicLocation;
import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.EndReason;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Target;
import hotdesk.core.policy.ValueRules;
import hotdesk.core.port.Ledger;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Admin changes to desk devices. Adding one creates its desk line(s) with a generated strong secret
 * and bumps them, so the reconciler pushes the desk's own SIP account at once. Thread-safe.
 */
public final class ManageDevices {

    public sealed interface Result {
    }

    public record Done(Device device, List<DeskLine> lines) implements Result {
    }

    public record Refused(String why) implements Result {
    }

    public record NewDevice(String mac, String vendor, String model, String label, String site, String elin, int lines) {
    }

    private final Ledger ledger;
    private final SecureRandom random;
    private final java.util.Set<String> vendors;
    private final Clock clock;

    public ManageDevices(Ledger ledger, SecureRandom random, java.util.Set<String> vendors, Clock clock) {
        this.ledger = ledger;
        this.random = random;
        this.vendors = vendors;
        this.clock = clock;
    }

    public Result add(NewDevice n, String actor) {
        return add(n, Map.of(), actor);
    }

    /**
     * Adds a device with its own location fields ({@code floor}, {@code room}…, as {@link LocateDesks#FIELDS}
     * names them) in the same transaction.
     */
    public Result add(NewDevice n, Map<String, String> location, String actor) {
        CivicLocation deskFields;
        try {
            deskFields = CivicLocation.of(LocateDesks.fields(location));
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        Device device;
        List<DeskLine> lines = new ArrayList<>();
        try {
            Mac mac = Mac.parse(n.mac());
            if (!vendors.contains(n.vendor())) {
                return new Refused("unknown vendor '" + n.vendor() + "': known are " + new java.util.TreeSet<>(vendors));
            }
            String model = ValueRules.id("model", n.model());
            String label = n.label() == null ? null : ValueRules.name("label", n.label());
            device = new Device(mac, n.vendor(), model, label, ValueRules.text("site", n.site()),
                    ValueRules.number("elin", n.elin() == null ? "" : n.elin()), true);
            ValueRules.name("label", device.label());
            if (n.lines() < 1 || n.lines() > 48) {
                return new Refused("lines must be 1..48, got " + n.lines());
            }
            for (int port = 1; port <= n.lines(); port++) {
                lines.add(new DeskLine(DeskLine.endpointIdFor(mac, port), mac, port, Secrets.random(random, 24)));
            }
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        return ledger.transact(tx -> {
            if (tx.device(device.mac()).isPresent()) {
                return new Refused("device " + device.mac().display() + " exists already");
            }
            tx.insertDevice(device, lines);
            if (!deskFields.isEmpty()) {
                tx.setDeskLocation(device.mac(), deskFields);
            }
            tx.bump(lines.stream().map(l -> Target.desk(l.endpointId())).toArray(Target[]::new));
            tx.audit(new AuditEntry(clock.instant(), actor, "device.add", device.mac().value(),
                    "model=" + device.model() + " lines=" + lines.size()));
            return new Done(device, lines);
        });
    }

    /** Removes the device: ends its sessions, then the reconciler deletes its PJSIP objects. */
    public Result remove(String macText, String actor) {
        Mac mac;
        try {
            mac = Mac.parse(macText);
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        return ledger.transact(tx -> {
            var device = tx.device(mac);
            if (device.isEmpty()) {
                return new Refused("no device " + mac.display());
            }
            Instant now = clock.instant();
            List<DeskLine> lines = tx.linesOf(mac);
            Set<Target> touched = new LinkedHashSet<>();
            for (DeskLine l : lines) {
                touched.addAll(Seating.vacateLine(tx, l.endpointId(), now, EndReason.REMOVED));
                touched.add(Target.desk(l.endpointId()));
            }
            tx.deleteDevice(mac);
            Seating.bump(tx, touched);
            tx.audit(new AuditEntry(now, actor, "device.remove", mac.value(), ""));
            return new Done(device.get(), lines);
        });
    }

    public List<Device> list() {
        return ledger.read(tx -> tx.devices());
    }
}
