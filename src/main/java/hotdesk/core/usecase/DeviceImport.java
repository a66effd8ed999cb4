package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.CivicLocation;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.DeskPhoneSettings;
import hotdesk.core.model.Device;
import hotdesk.core.model.Mac;
import hotdesk.core.model.PhoneModels;
import hotdesk.core.policy.ValueRules;
import hotdesk.core.port.Ledger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bulk upsert of devices by MAC (see {@link ManageDevices#importRows}). Rows are checked first, those
 * checks that need the ledger (the vendor and number of lines of an existing device) inside the one
 * transaction before anything is written, so a bad row still means nothing is imported.
 */
final class DeviceImport {

    private final ManageDevices devices;
    private final Ledger ledger;
    private final Clock clock;

    /** A checked row: null fields stay as they are. */
    private record Prepared(int line, Mac mac, String vendor, String model, String label, String site, String elin,
                            Boolean enabled, Map<String, String> phones) {
    }

    /** What a good row does, decided before any write. */
    private record Plan(Optional<Device> before, Device after, List<DeskLine> newLines, Import.Change change) {
    }

    DeviceImport(ManageDevices devices, Ledger ledger, Clock clock) {
        this.devices = devices;
        this.ledger = ledger;
        this.clock = clock;
    }

    Import.Result run(List<Import.Row> rows, boolean dryRun, String actor) {
        List<Import.Problem> problems = new ArrayList<>();
        List<Prepared> prepared = new ArrayList<>();
        Map<Mac, Integer> lineOf = new LinkedHashMap<>();
        for (Import.Row row : rows) {
            Prepared p = check(row, lineOf, problems);
            if (p != null) {
                prepared.add(p);
            }
        }
        if (!problems.isEmpty()) {
            return new Import.Invalid(problems);
        }
        Ledger.Work<Import.Result> work = tx -> {
            List<Plan> plans = new ArrayList<>();
            for (Prepared p : prepared) {
                Plan plan = plan(tx, p, problems);
                if (plan != null) {
                    plans.add(plan);
                }
            }
            if (!problems.isEmpty()) {
                return new Import.Invalid(problems); // nothing written yet
            }
            if (!dryRun) {
                for (Plan plan : plans) {
                    if (plan.before().isEmpty()) {
                        devices.insert(tx, plan.after(), plan.newLines(), CivicLocation.EMPTY, actor);
                    } else if (plan.change().kind() == Import.Kind.CHANGED) {
                        devices.update(tx, plan.before().get(), plan.after(), actor);
                    }
                }
                long added = plans.stream().filter(c -> c.change().kind() == Import.Kind.ADDED).count();
                long changed = plans.stream().filter(c -> c.change().kind() == Import.Kind.CHANGED).count();
                if (added + changed > 0) {
                    tx.audit(new AuditEntry(clock.instant(), actor, "device.import", "", added + " added, " + changed
                            + " changed"));
                }
            }
            return new Import.Imported(plans.stream().map(Plan::change).toList(), dryRun);
        };
        return dryRun ? ledger.read(work) : ledger.transact(work);
    }

    private Plan plan(hotdesk.core.port.LedgerTx tx, Prepared p, List<Import.Problem> problems) {
        Optional<Device> before = tx.device(p.mac());
        PhoneModels models = devices.models();
        if (before.isEmpty()) {
            int was = problems.size();
            if (p.vendor() == null || p.vendor().isEmpty()) {
                problems.add(new Import.Problem(p.line(), ManageDevices.VENDOR, "device " + p.mac().display()
                        + " is new: give its vendor"));
            }
            if (p.model() == null || p.model().isEmpty()) {
                problems.add(new Import.Problem(p.line(), ManageDevices.MODEL, "device " + p.mac().display()
                        + " is new: give its model"));
            }
            if (problems.size() > was) {
                return null;
            }
            Optional<PhoneModels.Model> known = models.find(p.vendor(), p.model());
            if (known.isEmpty()) {
                problems.add(new Import.Problem(p.line(), ManageDevices.MODEL, models.notEligible(p.vendor(), p.model())));
                return null;
            }
            Device d = new Device(p.mac(), p.vendor(), known.get().name(), p.label(), p.site(), p.elin(),
                    p.enabled() == null || p.enabled(), DeskPhoneSettings.NONE.with(p.phones()));
            List<DeskLine> lines = devices.newLines(p.mac(), known.get());
            List<String> diffs = new ArrayList<>(List.of("vendor=" + d.vendor(), "model=" + d.model(), "label=" + d.label()));
            if (!d.site().isEmpty()) {
                diffs.add("site=" + d.site());
            }
            if (!d.elin().isEmpty()) {
                diffs.add("elin=" + d.elin());
            }
            if (!d.enabled()) {
                diffs.add("enabled=off");
            }
            diffs.addAll(d.phones().diffs(DeskPhoneSettings.NONE));
            if (lines.size() > 1) {
                diffs.add("lines=" + lines.size());
            }
            return new Plan(before, d, lines, new Import.Change(p.mac().display(), Import.Kind.ADDED, diffs));
        }
        Device was = before.get();
        if (p.vendor() != null && !p.vendor().equals(was.vendor())) {
            problems.add(new Import.Problem(p.line(), ManageDevices.VENDOR, "device " + p.mac().display() + " is a "
                    + was.vendor() + " device: remove and add it to change its vendor"));
            return null;
        }
        String model = was.model();
        if (p.model() != null && !p.model().equalsIgnoreCase(was.model())) {
            Optional<PhoneModels.Model> known = models.find(was.vendor(), p.model());
            if (known.isEmpty()) {
                problems.add(new Import.Problem(p.line(), ManageDevices.MODEL, models.notEligible(was.vendor(), p.model())));
                return null;
            }
            int lines = tx.linesOf(p.mac()).size();
            if (known.get().ports() != lines) {
                problems.add(new Import.Problem(p.line(), ManageDevices.MODEL, "model " + known.get().name() + " is "
                        + known.get().ports() + " desk line(s) but device " + p.mac().display() + " has " + lines
                        + ": remove and add it instead"));
                return null;
            }
            model = known.get().name();
        }
        Device now = new Device(p.mac(), was.vendor(), model, p.label() == null ? was.label() : p.label(),
                p.site() == null ? was.site() : p.site(), p.elin() == null ? was.elin() : p.elin(),
                p.enabled() == null ? was.enabled() : p.enabled(), was.phones().with(p.phones()));
        List<String> diffs = new ArrayList<>();
        for (String[] f : new String[][]{{"model", was.model(), now.model()}, {"label", was.label(), now.label()},
                {"site", was.site(), now.site()}, {"elin", was.elin(), now.elin()}}) {
            String d = Import.diff(f[0], f[1], f[2]);
            if (d != null) {
                diffs.add(d);
            }
        }
        if (was.enabled() != now.enabled()) {
            diffs.add("enabled=" + (now.enabled() ? "on" : "off"));
        }
        for (String f : DeskPhoneSettings.FIELDS) {
            String d = Import.diff(f, was.phones().value(f), now.phones().value(f));
            if (d != null) {
                diffs.add(d);
            }
        }
        return new Plan(before, now, List.of(), new Import.Change(p.mac().display(),
                diffs.isEmpty() ? Import.Kind.UNCHANGED : Import.Kind.CHANGED, diffs));
    }

    private Prepared check(Import.Row row, Map<Mac, Integer> lineOf, List<Import.Problem> problems) {
        int line = row.line();
        Map<String, String> v = row.values();
        int before = problems.size();
        Mac mac;
        try {
            mac = Mac.parse(v.getOrDefault(ManageDevices.MAC, "").strip());
        } catch (IllegalArgumentException e) {
            problems.add(new Import.Problem(line, ManageDevices.MAC, e.getMessage()));
            return null;
        }
        if (lineOf.containsKey(mac)) {
            problems.add(new Import.Problem(line, ManageDevices.MAC, "device " + mac.display() + " is on line "
                    + lineOf.get(mac) + " already"));
            return null;
        }
        lineOf.put(mac, line);
        String vendor = v.get(ManageDevices.VENDOR);
        if (vendor != null) {
            vendor = vendor.strip().toLowerCase(java.util.Locale.ROOT);
            if (!vendor.isEmpty() && !devices.vendors().contains(vendor)) {
                problems.add(new Import.Problem(line, ManageDevices.VENDOR, "unknown vendor '" + vendor + "': known are "
                        + new java.util.TreeSet<>(devices.vendors())));
            }
        }
        String model = v.get(ManageDevices.MODEL);
        if (model != null && !model.isEmpty()) {
            try {
                ValueRules.id("model", model);
            } catch (IllegalArgumentException e) {
                problems.add(new Import.Problem(line, ManageDevices.MODEL, e.getMessage()));
            }
        }
        String label = v.get(ManageDevices.LABEL);
        if (label != null && !label.isEmpty()) {
            try {
                ValueRules.name("label", label);
            } catch (IllegalArgumentException e) {
                problems.add(new Import.Problem(line, ManageDevices.LABEL, e.getMessage()));
            }
        }
        String site = v.get(ManageDevices.SITE);
        if (site != null) {
            try {
                ValueRules.text("site", site);
            } catch (IllegalArgumentException e) {
                problems.add(new Import.Problem(line, ManageDevices.SITE, e.getMessage()));
            }
        }
        String elin = v.get(ManageDevices.ELIN);
        if (elin != null) {
            try {
                ValueRules.number("elin", elin);
            } catch (IllegalArgumentException e) {
                problems.add(new Import.Problem(line, ManageDevices.ELIN, e.getMessage()));
            }
        }
        Boolean enabled = UserImport.onOff(v, ManageDevices.ENABLED, line, problems);
        Map<String, String> phones = new LinkedHashMap<>();
        for (String f : DeskPhoneSettings.FIELDS) {
            String cell = v.get(f);
            if (cell == null) {
                continue; // no such column: the desk keeps its value
            }
            try {
                DeskPhoneSettings.NONE.with(Map.of(f, cell));
                phones.put(f, cell);
            } catch (IllegalArgumentException e) {
                problems.add(new Import.Problem(line, f, e.getMessage()));
            }
        }
        v.keySet().stream().filter(k -> !ManageDevices.COLUMNS.contains(k) && !k.equals(ManageDevices.MAC)).sorted()
                .forEach(k -> problems.add(new Import.Problem(line, k, "a device has no field '" + k + "'")));
        if (problems.size() > before) {
            return null;
        }
        // an empty label takes the default one (Device does that), so the label of a new device is its default
        String theLabel = label == null ? null : label.isEmpty() ? new Device(mac, "x", "x", "", "", "", true).label() : label;
        return new Prepared(line, mac, vendor, model, theLabel, site, elin, enabled, phones);
    }
}
