package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.CivicField;
import hotdesk.core.model.CivicLocation;
import hotdesk.core.model.Device;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Site;
import hotdesk.core.model.Target;
import hotdesk.core.policy.EmergencyLocation;
import hotdesk.core.policy.EmergencyLocation.Located;
import hotdesk.core.policy.ValueRules;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerTx;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The desks' own location fields (floor, room, seat…; {@link CivicField#DESK}) and where each desk is
 * for emergency calls once its site and the global default ELIN are taken into account. A location
 * change bumps the device's desk lines so the reconciler rewrites their facts. Fields are named as on
 * the command line and in CSV files ({@link #FIELDS}). Thread-safe.
 */
public final class LocateDesks {

    public static final String MAC = "mac";
    /** The desk's own location fields, in the order of listings and CSV columns. */
    public static final List<String> FIELDS = CivicField.DESK.stream().sorted().map(CivicField::option).toList();

    /** A device with its own location fields and where that puts it. */
    public record View(Device device, CivicLocation deskFields, Located located) {
    }

    public sealed interface Result {
    }

    public record Done(View view, Import.Change change) implements Result {
    }

    public record Refused(String why) implements Result {
    }

    private final Ledger ledger;
    private final String defaultElin;
    private final Clock clock;

    /** @param defaultElin {@code emergency.default-elin}, empty for none */
    public LocateDesks(Ledger ledger, String defaultElin, Clock clock) {
        this.ledger = ledger;
        this.defaultElin = ValueRules.number("emergency.default-elin", defaultElin);
        this.clock = clock;
    }

    /** Where {@code device} is, read in {@code tx}: its own fields, its site (when the site list has it), the default. */
    static Located locate(LedgerTx tx, Device device, String defaultElin) {
        Optional<Site> site = device.site().isEmpty() ? Optional.empty() : tx.site(device.site());
        return EmergencyLocation.resolve(device, tx.deskLocation(device.mac()), site, defaultElin);
    }

    private View view(LedgerTx tx, Device d) {
        return new View(d, tx.deskLocation(d.mac()), locate(tx, d, defaultElin));
    }

    /** A field's value as it is kept, or IllegalArgumentException naming the field (also an unknown one). */
    public static String check(String field, String value) {
        return CivicLocation.check(field(field), value);
    }

    private static CivicField field(String option) {
        return CivicField.byOption(option).filter(CivicField.DESK::contains).orElseThrow(() -> new IllegalArgumentException(
                "a desk has no location field '" + option + "': its fields are " + String.join(", ", FIELDS)));
    }

    /** The given fields as civic fields, checked; IllegalArgumentException naming the first bad one. */
    public static Map<CivicField, String> fields(Map<String, String> given) {
        Map<CivicField, String> out = new EnumMap<>(CivicField.class);
        given.forEach((k, v) -> out.put(field(k), check(k, v)));
        return out;
    }

    public Optional<View> show(String macText) {
        Mac mac = Mac.parse(macText);
        return ledger.read(tx -> tx.device(mac).map(d -> view(tx, d)));
    }

    /** Every device with where it is, by MAC. */
    public List<View> all() {
        return ledger.read(tx -> tx.devices().stream().map(d -> view(tx, d)).toList());
    }

    /** Changes the given fields of the desk's own location (an empty value clears one). */
    public Result set(String macText, Map<String, String> given, String actor) {
        Mac mac;
        Map<CivicField, String> changes;
        try {
            mac = Mac.parse(macText);
            changes = fields(given);
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        return ledger.transact(tx -> {
            Optional<Device> device = tx.device(mac);
            if (device.isEmpty()) {
                return new Refused("no device " + mac.display());
            }
            CivicLocation before = tx.deskLocation(mac);
            CivicLocation after = before.with(changes);
            Import.Change change = change(mac, Optional.of(before), after);
            if (change.kind() != Import.Kind.UNCHANGED) {
                tx.setDeskLocation(mac, after);
                bumpLines(tx, mac);
                tx.audit(new AuditEntry(clock.instant(), actor, "device.location", mac.value(), String.join("; ", change.diffs())));
            }
            return new Done(view(tx, device.get()), change);
        });
    }

    /**
     * Upserts the rows (column {@value #MAC} and any of {@link #FIELDS}) in one transaction, or none of them
     * when any row is bad (also a MAC the ledger does not know). With {@code dryRun} nothing is written.
     */
    public Import.Result importRows(List<Import.Row> rows, boolean dryRun, String actor) {
        List<Import.Problem> problems = new ArrayList<>();
        Map<Mac, Map<CivicField, String>> prepared = new LinkedHashMap<>();
        Map<Mac, Integer> lineOf = new LinkedHashMap<>();
        Map<Mac, Integer> rowLine = new LinkedHashMap<>();
        for (Import.Row row : rows) {
            Mac mac;
            try {
                mac = Mac.parse(row.values().get(MAC));
            } catch (IllegalArgumentException e) {
                problems.add(new Import.Problem(row.line(), MAC, e.getMessage()));
                continue;
            }
            if (lineOf.containsKey(mac)) {
                problems.add(new Import.Problem(row.line(), MAC, "device " + mac.display() + " is on line " + lineOf.get(mac)
                        + " already"));
                continue;
            }
            lineOf.put(mac, row.line());
            Map<CivicField, String> values = new EnumMap<>(CivicField.class);
            for (String f : FIELDS) {
                if (row.values().containsKey(f)) {
                    try {
                        values.put(field(f), check(f, row.values().get(f)));
                    } catch (IllegalArgumentException e) {
                        problems.add(new Import.Problem(row.line(), f, e.getMessage()));
                    }
                }
            }
            row.values().keySet().stream().filter(k -> !k.equals(MAC) && !FIELDS.contains(k)).sorted().forEach(k ->
                    problems.add(new Import.Problem(row.line(), k, "a desk has no location field '" + k + "'")));
            prepared.put(mac, values);
            rowLine.put(mac, row.line());
        }
        if (!problems.isEmpty()) {
            return new Import.Invalid(problems);
        }
        Ledger.Work<Import.Result> work = tx -> {
            List<Import.Problem> unknown = new ArrayList<>();
            List<Import.Change> changes = new ArrayList<>();
            Map<Mac, CivicLocation> writes = new LinkedHashMap<>();
            for (Map.Entry<Mac, Map<CivicField, String>> p : prepared.entrySet()) {
                Mac mac = p.getKey();
                if (tx.device(mac).isEmpty()) {
                    unknown.add(new Import.Problem(rowLine.get(mac), MAC, "no device " + mac.display()
                            + " (hotdesk device add creates it)"));
                    continue;
                }
                CivicLocation before = tx.deskLocation(mac);
                CivicLocation after = before.with(p.getValue());
                Import.Change change = change(mac, Optional.of(before), after);
                changes.add(change);
                if (change.kind() != Import.Kind.UNCHANGED) {
                    writes.put(mac, after);
                }
            }
            if (!unknown.isEmpty()) {
                return new Import.Invalid(unknown); // nothing written yet
            }
            if (!dryRun && !writes.isEmpty()) {
                writes.forEach((mac, location) -> {
                    tx.setDeskLocation(mac, location);
                    bumpLines(tx, mac);
                });
                tx.audit(new AuditEntry(clock.instant(), actor, "device.location.import", "", writes.size() + " changed"));
            }
            return new Import.Imported(changes, dryRun);
        };
        return dryRun ? ledger.read(work) : ledger.transact(work);
    }

    private static Import.Change change(Mac mac, Optional<CivicLocation> before, CivicLocation after) {
        List<String> diffs = new ArrayList<>();
        for (String f : FIELDS) {
            CivicField c = field(f);
            String d = Import.diff(f, before.map(b -> b.get(c)).orElse(""), after.get(c));
            if (d != null) {
                diffs.add(d);
            }
        }
        return new Import.Change(mac.display(), diffs.isEmpty() ? Import.Kind.UNCHANGED : Import.Kind.CHANGED, diffs);
    }

    private static void bumpLines(LedgerTx tx, Mac mac) {
        Set<Target> targets = new LinkedHashSet<>();
        tx.linesOf(mac).forEach(l -> targets.add(Target.desk(l.endpointId())));
        Seating.bump(tx, targets);
    }
}
