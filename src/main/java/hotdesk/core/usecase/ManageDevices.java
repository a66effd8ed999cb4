package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.CivicLocation;
import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.DeskPhoneSettings;
import hotdesk.core.model.EndReason;
import hotdesk.core.model.Mac;
import hotdesk.core.model.PhoneModels;
import hotdesk.core.model.Target;
import hotdesk.core.policy.ValueRules;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerTx;

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

    /** The columns of {@code device import} / {@code device export} (no secrets). */
    public static final String MAC = "mac";
    public static final String VENDOR = "vendor";
    public static final String MODEL = "model";
    public static final String LABEL = "label";
    public static final String SITE = "site";
    public static final String ELIN = "elin";
    public static final String ENABLED = "enabled";
    /** Every column besides {@link #MAC}, in the order export writes them: then the desk's phone overrides. */
    public static final List<String> COLUMNS = columns();

    private static List<String> columns() {
        List<String> c = new ArrayList<>(List.of(VENDOR, MODEL, LABEL, SITE, ELIN, ENABLED));
        c.addAll(DeskPhoneSettings.FIELDS);
        return List.copyOf(c);
    }

    public sealed interface Result {
    }

    public record Done(Device device, List<DeskLine> lines) implements Result {
    }

    public record Refused(String why) implements Result {
    }

    /** {@link #set} found every given value equal to the stored one: nothing written. */
    public record Unchanged(Device device) implements Result {
    }

    /**
     * What {@link #set} changes; a null field stays as it is; an empty site or ELIN clears it.
     *
     * @param phones the desk's own phone settings to change, by {@link DeskPhoneSettings#FIELDS} name as typed
     *               (an empty value clears that override)
     */
    public record DeviceChanges(String label, String site, String elin, String model, Boolean enabled,
                                Map<String, String> phones) {
        public DeviceChanges {
            phones = phones == null ? Map.of() : Map.copyOf(phones);
        }

        /** Changes that leave the desk's phone settings as they are. */
        public DeviceChanges(String label, String site, String elin, String model, Boolean enabled) {
            this(label, site, elin, model, enabled, Map.of());
        }
    }

    /**
     * A device to add. Its model must be in the supported list ({@link PhoneModels}), which also says how
     * many desk lines it is: 1 for a phone, one per port for a gateway ({@code hd-<mac>}, {@code hd-<mac>-2}…).
     *
     * @param lines 1 (the model decides), or the model's own number of desk lines
     */
    public record NewDevice(String mac, String vendor, String model, String label, String site, String elin, int lines,
                            Map<String, String> phones) {
        public NewDevice {
            phones = phones == null ? Map.of() : Map.copyOf(phones);
        }

        /** A device that takes its site's and the global phone settings. */
        public NewDevice(String mac, String vendor, String model, String label, String site, String elin, int lines) {
            this(mac, vendor, model, label, site, elin, lines, Map.of());
        }
    }

    private final Ledger ledger;
    private final SecureRandom random;
    private final java.util.Set<String> vendors;
    private final Clock clock;
    private final PhoneModels models;

    /** With the bundled list of supported models. */
    public ManageDevices(Ledger ledger, SecureRandom random, java.util.Set<String> vendors, Clock clock) {
        this(ledger, random, vendors, clock, PhoneModels.bundled());
    }

    /**
     * @param vendors vendors with a provisioning profile
     * @param models  the supported models: a device of another model is refused
     */
    public ManageDevices(Ledger ledger, SecureRandom random, java.util.Set<String> vendors, Clock clock, PhoneModels models) {
        this.ledger = ledger;
        this.random = random;
        this.vendors = vendors;
        this.clock = clock;
        this.models = models;
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
            ValueRules.id("model", n.model());
            java.util.Optional<PhoneModels.Model> known = models.find(n.vendor(), n.model());
            if (known.isEmpty()) {
                return new Refused(models.notEligible(n.vendor(), n.model()));
            }
            // the list's spelling, so that per-model templates and reports see one name per model
            String model = known.get().name();
            String label = n.label() == null ? null : ValueRules.name("label", n.label());
            device = new Device(mac, n.vendor(), model, label, ValueRules.text("site", n.site()),
                    ValueRules.number("elin", n.elin() == null ? "" : n.elin()), true, DeskPhoneSettings.NONE.with(n.phones()));
            ValueRules.name("label", device.label());
            int ports = known.get().ports();
            if (n.lines() != 1 && n.lines() != ports) {
                return new Refused("model " + model + " is " + ports + " desk line(s), got lines=" + n.lines());
            }
            lines.addAll(newLines(mac, known.get()));
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        return ledger.transact(tx -> {
            if (tx.device(device.mac()).isPresent()) {
                return new Refused("device " + device.mac().display() + " exists already");
            }
            insert(tx, device, lines, deskFields, actor);
            return new Done(device, lines);
        });
    }

    /** Writes a new device with its lines (and own location), bumps the lines and audits it. */
    void insert(LedgerTx tx, Device device, List<DeskLine> lines, CivicLocation deskFields, String actor) {
        tx.insertDevice(device, lines);
        if (!deskFields.isEmpty()) {
            tx.setDeskLocation(device.mac(), deskFields);
        }
        tx.bump(lines.stream().map(l -> Target.desk(l.endpointId())).toArray(Target[]::new));
        List<String> own = device.phones().diffs(DeskPhoneSettings.NONE);
        tx.audit(new AuditEntry(clock.instant(), actor, "device.add", device.mac().value(),
                "model=" + device.model() + " lines=" + lines.size() + (own.isEmpty() ? "" : " " + String.join(" ", own))));
    }

    /** One desk line per port of {@code model}, each with a generated strong secret. */
    List<DeskLine> newLines(Mac mac, PhoneModels.Model model) {
        List<DeskLine> lines = new ArrayList<>();
        for (int port = 1; port <= model.ports(); port++) {
            lines.add(new DeskLine(DeskLine.endpointIdFor(mac, port), mac, port, Secrets.random(random, 24)));
        }
        return lines;
    }

    PhoneModels models() {
        return models;
    }

    Set<String> vendors() {
        return vendors;
    }

    /**
     * Changes a device's fields. Disabling it ends the sessions of its lines at once (reason DISABLED),
     * refuses logins there (DESK_DISABLED), stops serving its configuration and leaves its lines
     * emergency numbers only; its account stays, so an emergency call still goes out. Every line is pushed
     * again (label, ELIN and site are part of its caller ID and location). One transaction; audited.
     */
    public Result set(String macText, DeviceChanges c, String actor) {
        Mac mac;
        try {
            mac = Mac.parse(macText);
            if (c.label() != null) {
                ValueRules.name("label", c.label());
            }
            if (c.site() != null) {
                ValueRules.text("site", c.site());
            }
            if (c.elin() != null) {
                ValueRules.number("elin", c.elin());
            }
            if (c.model() != null) {
                ValueRules.id("model", c.model());
            }
            DeskPhoneSettings.NONE.with(c.phones()); // checks the values before the transaction
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        return ledger.transact(tx -> setIn(tx, mac, c, actor));
    }

    /** {@link #set} inside a transaction (the change bumps what it touched). */
    private Result setIn(LedgerTx tx, Mac mac, DeviceChanges c, String actor) {
        var found = tx.device(mac);
        if (found.isEmpty()) {
            return new Refused("no device " + mac.display());
        }
        Device was = found.get();
        String newModel = was.model();
        if (c.model() != null) {
            java.util.Optional<PhoneModels.Model> known = models.find(was.vendor(), c.model());
            if (known.isEmpty()) {
                return new Refused(models.notEligible(was.vendor(), c.model()));
            }
            int lines = tx.linesOf(mac).size();
            if (known.get().ports() != lines) {
                return new Refused("model " + known.get().name() + " is " + known.get().ports()
                        + " desk line(s) but device " + mac.display() + " has " + lines + ": remove and add it instead");
            }
            newModel = known.get().name();
        }
        Device now = new Device(mac, was.vendor(), newModel,
                c.label() == null ? was.label() : c.label(), c.site() == null ? was.site() : c.site(),
                c.elin() == null ? was.elin() : c.elin(), c.enabled() == null ? was.enabled() : c.enabled(),
                was.phones().with(c.phones()));
        if (update(tx, was, now, actor).isEmpty()) {
            return new Unchanged(was);
        }
        return new Done(now, tx.linesOf(mac));
    }

    /** Enables or disables the selected devices in one transaction, each as {@link #set}; those already so are left out. */
    public Bulk setEnabled(Selection which, boolean enabled, String actor, boolean dryRun) {
        return bulk(which, dryRun, d -> d.enabled() != enabled, (tx, d, now, touched) ->
                setIn(tx, d.mac(), new DeviceChanges(null, null, null, null, enabled), actor) instanceof Done);
    }

    /**
     * Writes {@code now} over {@code was} (same MAC, same number of lines) when a field differs: a disabled
     * device's sessions end, every line is pushed again, audited. Returns the differences (empty: nothing written).
     */
    List<String> update(LedgerTx tx, Device was, Device now, String actor) {
        Mac mac = now.mac();
        List<String> diffs = new ArrayList<>();
        diff(diffs, "label", was.label(), now.label());
        diff(diffs, "site", was.site(), now.site());
        diff(diffs, "elin", was.elin(), now.elin());
        diff(diffs, "model", was.model(), now.model());
        if (was.enabled() != now.enabled()) {
            diffs.add("enabled=" + (now.enabled() ? "on" : "off"));
        }
        // the phone's file changes with them: the bump below makes the running server re-notify it (check-sync)
        diffs.addAll(now.phones().diffs(was.phones()));
        if (diffs.isEmpty()) {
            return diffs;
        }
        tx.updateDevice(now);
        Instant at = clock.instant();
        Set<Target> touched = new LinkedHashSet<>();
        for (DeskLine l : tx.linesOf(mac)) {
            if (!now.enabled()) {
                var seat = tx.occupancyOfLine(l.endpointId());
                touched.addAll(Seating.vacateLine(tx, l.endpointId(), at, EndReason.DISABLED));
                seat.ifPresent(o -> tx.audit(new AuditEntry(at, actor, "logout", o.extension().value(),
                        "desk=" + l.endpointId() + " reason=" + EndReason.DISABLED.shown())));
            }
            touched.add(Target.desk(l.endpointId()));
        }
        Seating.bump(tx, touched);
        tx.audit(new AuditEntry(at, actor, "device.set", mac.value(), String.join(" ", diffs)));
        return diffs;
    }

    private static void diff(List<String> diffs, String field, String was, String now) {
        if (!was.equals(now)) {
            diffs.add(field + "=" + (now.isEmpty() ? "none" : now.replace(' ', '_')));
        }
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
            Set<Target> touched = new LinkedHashSet<>();
            List<DeskLine> lines = removeIn(tx, mac, actor, now, touched);
            Seating.bump(tx, touched);
            return new Done(device.get(), lines);
        });
    }

    /**
     * Upserts devices by MAC from rows (column {@value #MAC} and any of {@link #COLUMNS}) in one transaction,
     * or none of them when any row is bad. A new device needs a vendor and a supported model and gets its
     * desk lines as {@link #add} gives them; an existing one keeps its vendor and lines. With {@code dryRun}
     * nothing is written.
     */
    public Import.Result importRows(List<Import.Row> rows, boolean dryRun, String actor) {
        return new DeviceImport(this, ledger, clock).run(rows, dryRun, actor);
    }

    /** The value of one of {@link #COLUMNS} as export writes it. */
    public static String value(Device d, String column) {
        return switch (column) {
            case VENDOR -> d.vendor();
            case MODEL -> d.model();
            case LABEL -> d.label();
            case SITE -> d.site();
            case ELIN -> d.elin();
            case ENABLED -> d.enabled() ? "on" : "off";
            default -> {
                if (!DeskPhoneSettings.FIELDS.contains(column)) {
                    throw new IllegalArgumentException("not a device column: " + column);
                }
                yield d.phones().value(column);
            }
        };
    }

    /** Ends the device's sessions, deletes it and audits it; adds what changed to {@code touched}. */
    private static List<DeskLine> removeIn(hotdesk.core.port.LedgerTx tx, Mac mac, String actor, Instant now, Set<Target> touched) {
        List<DeskLine> lines = tx.linesOf(mac);
        for (DeskLine l : lines) {
            touched.addAll(Seating.vacateLine(tx, l.endpointId(), now, EndReason.REMOVED));
            touched.add(Target.desk(l.endpointId()));
        }
        tx.deleteDevice(mac);
        tx.audit(new AuditEntry(now, actor, "device.remove", mac.value(), ""));
        return lines;
    }

    /** Removes the selected devices in one transaction, each as {@link #remove}. */
    public Bulk remove(Selection which, String actor, boolean dryRun) {
        return bulk(which, dryRun, d -> true, (tx, d, now, touched) -> {
            removeIn(tx, d.mac(), actor, now, touched);
            return true;
        });
    }

    public List<Device> list() {
        return ledger.read(tx -> tx.devices());
    }

    /**
     * Sets the selected desks' provision counts to 0 ({@code provisioning.max-provisions}) in one
     * transaction, audited per desk. Each desk's lines get a new revision, so a running provisioning
     * server reads the count again on the next fetch (and the reconciler tells the phone to fetch).
     */
    public Bulk resetProvisions(Selection which, String actor) {
        return bulk(which, false, d -> true, (tx, d, now, touched) -> {
            long before = tx.provisionCount(d.mac()).served();
            tx.resetProvisions(d.mac(), now);
            tx.linesOf(d.mac()).forEach(l -> touched.add(Target.desk(l.endpointId())));
            tx.audit(new AuditEntry(now, actor, "device.reset-provisions", d.mac().value(),
                    "count was " + before + " (fetches not yet written by the provisioning server not included)"));
            return true;
        });
    }

    /** The desks a bulk command names: these MACs, or every device of a site. */
    public record Selection(List<Mac> macs, String site) {
        public static Selection of(List<Mac> macs) {
            return new Selection(List.copyOf(new LinkedHashSet<>(macs)), null);
        }

        public static Selection site(String name) {
            return new Selection(List.of(), name);
        }
    }

    /**
     * What a bulk command did or, on a dry run, would do: the devices it changed; or, when a MAC named is
     * not a device ({@code unknown}) or the site does not exist ({@code unknownSite}), nothing at all.
     */
    public record Bulk(List<Device> devices, List<Mac> unknown, boolean unknownSite) {
        boolean refused() {
            return !unknown.isEmpty() || unknownSite;
        }
    }

    /** One device's part of a bulk command, in its transaction; true when it changed the device. */
    private interface Step {
        boolean apply(LedgerTx tx, Device d, Instant now, Set<Target> touched);
    }

    /** The devices {@code which} names, those of them {@code wanted}; or what of the selection is unknown. */
    private static Bulk pick(LedgerTx tx, Selection which, java.util.function.Predicate<Device> wanted) {
        if (which.site() != null) {
            return tx.site(which.site()).isEmpty() ? new Bulk(List.of(), List.of(), true)
                    : new Bulk(tx.devices().stream().filter(d -> which.site().equals(d.site())).filter(wanted).toList(),
                    List.of(), false);
        }
        List<Mac> unknown = new ArrayList<>();
        List<Device> found = new ArrayList<>();
        for (Mac mac : which.macs()) {
            tx.device(mac).ifPresentOrElse(found::add, () -> unknown.add(mac));
        }
        return new Bulk(found.stream().filter(wanted).toList(), List.copyOf(unknown), false);
    }

    /** Every bulk command: pick, then (unless a dry run or anything is unknown) apply the step to each, one transaction. */
    private Bulk bulk(Selection which, boolean dryRun, java.util.function.Predicate<Device> wanted, Step step) {
        if (dryRun) {
            return ledger.read(tx -> pick(tx, which, wanted));
        }
        return ledger.transact(tx -> {
            Bulk picked = pick(tx, which, wanted);
            if (picked.refused()) {
                return picked;
            }
            Instant now = clock.instant();
            Set<Target> touched = new LinkedHashSet<>();
            List<Device> changed = new ArrayList<>();
            for (Device d : picked.devices()) {
                if (step.apply(tx, d, now, touched)) {
                    changed.add(d);
                }
            }
            Seating.bump(tx, touched);
            return new Bulk(List.copyOf(changed), List.of(), false);
        });
    }

    /** Every desk's provision count as the ledger has it; desks without one are absent. */
    public Map<Mac, hotdesk.core.model.ProvisionCount> provisionCounts() {
        return ledger.read(tx -> tx.provisionCounts());
    }
}
