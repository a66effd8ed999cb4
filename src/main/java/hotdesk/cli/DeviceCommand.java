package hotdesk.cli;

import hotdesk.core.model.CivicField;
import hotdesk.core.model.DeskPhoneSettings;
import hotdesk.core.model.Device;
import hotdesk.core.policy.EmergencyLocation;
import hotdesk.core.usecase.LocateDesks;
import hotdesk.core.usecase.ManageDevices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code hotdesk device add|set|list|models|remove|unlock|location|locations|qr}. */
@Command(name = "device", description = "Manage shared desk phones.", mixinStandardHelpOptions = true,
        subcommands = {DeviceCommand.Add.class, DeviceCommand.SetDevice.class, DeviceCommand.ListDevices.class,
                DeviceCommand.Models.class, DeviceCommand.Remove.class, DeviceCommand.ResetProvisions.class,
                DeviceCommand.UnlockDevice.class, DeviceCommand.Location.class, DeviceCommand.Locations.class, QrCommand.class,
                CredentialsCommand.Device.class,
                BulkCommands.ImportDevices.class, BulkCommands.ExportDevices.class})
public final class DeviceCommand {

    /** The desk's own location fields; only those given are set (an empty value clears one). */
    static final class DeskFields {
        @Option(names = "--building", description = "building (BLD), when not the site's")
        String building;
        @Option(names = "--unit", description = "unit, wing or suite (UNIT)")
        String unit;
        @Option(names = "--floor", description = "floor (FLR)")
        String floor;
        @Option(names = "--room", description = "room (ROOM)")
        String room;
        @Option(names = "--seat", description = "seat or desk number (SEAT)")
        String seat;
        @Option(names = "--location-note", paramLabel = "TEXT", description = "anything else a dispatcher needs to find "
                + "the desk, e.g. 'north corner' (LOC)")
        String note;

        Map<String, String> given() {
            Map<String, String> m = new LinkedHashMap<>();
            put(m, CivicField.BLD, building);
            put(m, CivicField.UNIT, unit);
            put(m, CivicField.FLR, floor);
            put(m, CivicField.ROOM, room);
            put(m, CivicField.SEAT, seat);
            put(m, CivicField.LOC, note);
            return m;
        }

        private static void put(Map<String, String> m, CivicField field, String value) {
            if (value != null) {
                m.put(field.option(), value);
            }
        }
    }

    /**
     * The desk's own phone settings, as {@code site add/set} names them; only those given are set (an empty
     * value clears one: the site's, else the global key applies).
     */
    static final class PhoneFields {
        @Option(names = "--sip-server", paramLabel = "HOST", description = "SIP server this desk's phone registers to "
                + "(empty: its site's, else provisioning.sip-server)")
        String sipServer;
        @Option(names = "--sip-port", paramLabel = "PORT", description = "its port (empty: the site's, else "
                + "provisioning.sip-port)")
        String sipPort;
        @Option(names = "--sip-transport", paramLabel = "udp|tcp|tls", description = "how the phone reaches it "
                + "(empty: the site's, else provisioning.sip-transport)")
        String sipTransport;
        @Option(names = "--ntp-server", paramLabel = "HOST", description = "the phone's time server (empty: the site's, "
                + "else provisioning.ntp-server)")
        String ntpServer;
        @Option(names = "--time-zone", paramLabel = "ZONE", description = "IANA time zone the phone shows, e.g. "
                + "Europe/Berlin (empty: the site's, else provisioning.timezone)")
        String timeZone;
        @Option(names = "--registration-expiry", paramLabel = "SECONDS", description = "registration expiry the phone "
                + "asks for, 30s..600s (empty: the site's, else provisioning.registration-expiry)")
        String registrationExpiry;

        Map<String, String> given() {
            Map<String, String> m = new LinkedHashMap<>();
            put(m, DeskPhoneSettings.SIP_SERVER, sipServer);
            put(m, DeskPhoneSettings.SIP_PORT, sipPort);
            put(m, DeskPhoneSettings.SIP_TRANSPORT, sipTransport);
            put(m, DeskPhoneSettings.NTP_SERVER, ntpServer);
            put(m, DeskPhoneSettings.TIME_ZONE, timeZone);
            put(m, DeskPhoneSettings.REGISTRATION_EXPIRY, registrationExpiry);
            return m;
        }

        private static void put(Map<String, String> m, String field, String value) {
            if (value != null) {
                m.put(field, value);
            }
        }
    }

    @Command(name = "add", description = "Add a desk phone. Its own SIP account (hd-<mac>) gets a generated secret "
            + "and is pushed to Asterisk by the running server.", mixinStandardHelpOptions = true)
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "MAC", description = "00:15:65:12:34:AB, 00-15-65-12-34-ab or 0015651234ab")
        String mac;
        @Option(names = "--model", required = true, description = "phone or gateway model, e.g. T54W or HT814 (hotdesk "
                + "device models lists them; a gateway gets one desk line per port)")
        String model;
        @Option(names = "--vendor", defaultValue = "yealink", description = "provisioning profile: yealink, polycom, "
                + "grandstream, snom, fanvil or cisco (default: ${DEFAULT-VALUE})")
        String vendor;
        @Option(names = "--label", description = "what the idle phone shows (default: Hot desk <last 6 of MAC>)")
        String label;
        @Option(names = "--site", description = "its site (hotdesk site add): the desk takes the site's address and ELIN")
        String site;
        @Mixin
        PhoneFields phones;
        @Option(names = "--elin", description = "emergency location number of this desk (default: its site's, else "
                + "emergency.default-elin)")
        String elin;
        @Mixin
        DeskFields location;
        @Option(names = "--json", description = "print the result as JSON")
        boolean json;
        @Option(names = "--credentials", description = "also make the phone's provisioning credentials (as hotdesk device "
                + "credentials) and print them once")
        boolean credentials;

        Add(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            if (credentials && json) {
                return Output.refused(spec, "--credentials prints them as text: leave out --json");
            }
            ManageDevices.Result r = ctx.devices().add(new ManageDevices.NewDevice(mac, vendor, model, label, site, elin, 1,
                    phones.given()), location.given(), "cli");
            if (r instanceof ManageDevices.Refused refused) {
                return Output.refused(spec, refused.why());
            }
            ManageDevices.Done done = (ManageDevices.Done) r;
            int code = Output.done(spec, json ? Output.json(describe(ctx, done.device()))
                    : "added device " + done.device().mac().display() + " as endpoint"
                        + (done.lines().size() == 1 ? " " : "s ")
                        + String.join(", ", done.lines().stream().map(l -> l.endpointId()).toList()));
            if (credentials) {
                code = CredentialsCommand.issue(spec, ctx, done.device().mac().value(), false);
            }
            ctx.locations().show(done.device().mac().value()).ifPresent(v -> warn(spec, v));
            return code;
        }
    }

    @Command(name = "location", description = {"Show or change where a desk is: its own floor, room, seat… (only the "
            + "options given change; an empty value clears one). The rest comes from its site (hotdesk site).",
            "Prints the desk's effective ELIN (its own, else its site's, else emergency.default-elin), its civic "
                    + "location as sent with emergency calls, and the short text shown to the security desk."},
            mixinStandardHelpOptions = true)
    static final class Location implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "MAC")
        String mac;
        @Mixin
        DeskFields location;
        @Option(names = "--json", description = "print as JSON")
        boolean json;

        Location(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Map<String, String> given = location.given();
            LocateDesks.View view;
            if (given.isEmpty()) {
                Optional<LocateDesks.View> found;
                try {
                    found = ctx.locations().show(mac);
                } catch (IllegalArgumentException e) {
                    return Output.refused(spec, e.getMessage());
                }
                if (found.isEmpty()) {
                    return Output.refused(spec, "no device " + hotdesk.core.model.Mac.parse(mac).display());
                }
                view = found.get();
            } else {
                LocateDesks.Result r = ctx.locations().set(mac, given, "cli");
                if (r instanceof LocateDesks.Refused refused) {
                    return Output.refused(spec, refused.why());
                }
                view = ((LocateDesks.Done) r).view();
            }
            int code;
            if (json) {
                code = Output.done(spec, Output.json(describe(view)));
            } else {
                PrintWriter out = Output.out(spec);
                EmergencyLocation.Located l = view.located();
                out.println("device    " + view.device().mac().display() + " (" + view.device().label() + ")");
                out.println("site      " + (view.device().site().isEmpty() ? "-" : view.device().site()
                        + (l.unknownSite().isPresent() ? " (not in the site list)" : "")));
                out.println("elin      " + (l.hasElin() ? l.elin() + " (" + source(l) + ")" : "NONE"));
                out.println("civic     " + (l.civic().isEmpty() ? "-" : l.civic().locationInfo()));
                out.println("where     " + l.where());
                code = Output.done(spec, "desk      " + (view.deskFields().isEmpty() ? "-" : view.deskFields().locationInfo()));
            }
            warn(spec, view);
            return code;
        }
    }

    @Command(name = "locations", description = "Desks' own location fields in bulk, as CSV.", mixinStandardHelpOptions = true,
            subcommands = {ImportLocations.class, ExportLocations.class})
    static final class Locations {
    }

    @Command(name = "import", description = {"Set desks' own location fields from a CSV file (UTF-8, first line the "
            + "column names: mac and any of building, unit, floor, room, seat, location-note). A column the file lacks "
            + "leaves that field as it is; an empty cell clears it.",
            "One transaction: a bad row (each is reported with its line and column, also an unknown MAC) means nothing "
                    + "is imported. Importing the same file again changes nothing."}, mixinStandardHelpOptions = true)
    static final class ImportLocations implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "FILE", description = "the CSV file")
        Path file;
        @Option(names = "--dry-run", description = "check the file and print what would change; write nothing")
        boolean dryRun;

        ImportLocations(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return Imports.run(spec, file, LocateDesks.MAC, LocateDesks.FIELDS, "desk",
                    rows -> ctx.locations().importRows(rows, dryRun, "cli"));
        }
    }

    @Command(name = "export", description = "Print every device's own location fields as CSV (the columns locations "
            + "import reads).", mixinStandardHelpOptions = true)
    static final class ExportLocations implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;

        ExportLocations(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return Imports.export(spec, LocateDesks.MAC, LocateDesks.FIELDS, ctx.locations().all(),
                    v -> v.device().mac().display(), (v, f) -> v.deskFields().get(CivicField.byOption(f).orElseThrow()));
        }
    }

    /** One stderr line per thing missing for the desk's emergency calls; the command still succeeds. */
    static void warn(CommandSpec spec, LocateDesks.View view) {
        PrintWriter err = spec.commandLine().getErr();
        for (EmergencyLocation.Warning w : view.located().warnings()) {
            String fix = switch (w) {
                case NO_ELIN -> " (give one: device add --elin, hotdesk site set SITE --elin, or emergency.default-elin)";
                case UNKNOWN_SITE -> " (hotdesk site add " + view.device().site() + " …)";
                case NO_LOCATION -> " (hotdesk site add/set with an address, hotdesk device location "
                        + view.device().mac().display() + " --floor … --room …)";
            };
            err.println("hotdesk: warning: desk " + view.device().mac().display() + ": " + w.text() + fix);
        }
        err.flush();
    }

    static String source(EmergencyLocation.Located l) {
        return switch (l.elinSource()) {
            case DESK -> "the desk's own";
            case SITE -> "from its site";
            case DEFAULT -> "emergency.default-elin";
            case NONE -> "none";
        };
    }

    static Map<String, Object> describe(LocateDesks.View v) {
        EmergencyLocation.Located l = v.located();
        Map<String, Object> m = Output.object();
        m.put("mac", v.device().mac().value());
        m.put("site", v.device().site());
        m.put("siteKnown", !v.device().site().isEmpty() && l.unknownSite().isEmpty());
        Map<String, Object> own = Output.object();
        LocateDesks.FIELDS.forEach(f -> own.put(SiteCommand.camel(f), v.deskFields().get(CivicField.byOption(f).orElseThrow())));
        m.put("desk", own);
        emergency(m, l);
        return m;
    }

    /** The emergency fields of a desk in JSON: also {@code status --json}'s. */
    static void emergency(Map<String, Object> m, EmergencyLocation.Located l) {
        m.put("elin", l.elin());
        m.put("elinSource", l.elinSource().name().toLowerCase(java.util.Locale.ROOT));
        m.put("civic", l.civic().locationInfo());
        m.put("where", l.where());
        m.put("warnings", l.warnings().stream().map(EmergencyLocation.Warning::code).toList());
    }

    @Command(name = "set", description = {"Change a desk phone: only the options given change (an empty --site or --elin "
            + "clears it). A running server applies it within about a second.", "--enabled off disables the desk: its "
            + "occupant is logged out at once, logins there are refused (DESK_DISABLED), its configuration is no longer "
            + "served, and its lines can call the emergency numbers and nothing else. Its SIP account stays, so an emergency "
            + "call still goes out.", "--in-site NAME or --file MACS.txt (one MAC per line, blank lines and # comments "
            + "skipped) with --enabled on|off enables or disables many desks in one transaction: when any line of the "
            + "file is not a known desk's MAC, each such line is reported with its number and nothing changes."},
            mixinStandardHelpOptions = true)
    static final class SetDevice implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "MAC", arity = "0..1", description = "the desk phone (or --in-site, or --file)")
        String mac;
        @Option(names = "--in-site", paramLabel = "NAME", description = "with --enabled: every desk of this site")
        String inSite;
        @Option(names = "--file", paramLabel = "MACS.txt", description = "with --enabled: the desks listed (UTF-8)")
        java.nio.file.Path file;
        @Option(names = "--dry-run", description = "with --in-site or --file: print what would change, change nothing")
        boolean dryRun;
        @Option(names = "--label", description = "what the idle phone shows; empty: Hot desk <last 6 of MAC>")
        String label;
        @Option(names = "--site", description = "its site (hotdesk site add); empty for none")
        String site;
        @Option(names = "--elin", description = "its own emergency location number; empty: its site's, else emergency.default-elin")
        String elin;
        @Option(names = "--model", description = "phone model, e.g. T54W")
        String model;
        @Option(names = "--enabled", arity = "1", paramLabel = "on|off", converter = UserCommand.OnOff.class, description = "the desk is in service")
        Boolean enabled;
        @Mixin
        PhoneFields phones;
        @Option(names = "--json", description = "print the device as changed as JSON")
        boolean json;

        SetDevice(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            int given = (mac != null ? 1 : 0) + (inSite != null ? 1 : 0) + (file != null ? 1 : 0);
            if (given != 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "give exactly one of MAC, --in-site NAME, --file MACS.txt");
            }
            Map<String, String> phoneChanges = phones.given();
            if (mac == null) {
                if (enabled == null || label != null || site != null || elin != null || model != null || json
                        || !phoneChanges.isEmpty()) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                            "with --in-site or --file, give --enabled on|off and no other change");
                }
                return bulk();
            }
            if (dryRun) {
                return Output.refused(spec, "--dry-run needs --in-site or --file");
            }
            if (label == null && site == null && elin == null && model == null && enabled == null && phoneChanges.isEmpty()) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "nothing to change: give at least one of --label, --site, --elin, --model, --enabled, --"
                                + String.join(", --", DeskPhoneSettings.FIELDS));
            }
            ManageDevices.Result r = ctx.devices().set(mac, new ManageDevices.DeviceChanges(label, site, elin, model, enabled,
                    phoneChanges), "cli");
            if (r instanceof ManageDevices.Refused refused) {
                return Output.refused(spec, refused.why());
            }
            if (r instanceof ManageDevices.Unchanged same) {
                Output.done(spec, json ? Output.json(describe(ctx, same.device()))
                        : "device " + same.device().mac().display() + " is like that already: nothing changed");
                return ExitCodes.NOTHING;
            }
            Device d = ((ManageDevices.Done) r).device();
            return Output.done(spec, json ? Output.json(describe(ctx, d)) : "changed device " + d.mac().display() + " (" + d.label() + ")"
                    + (d.enabled() ? "" : ": disabled, emergency calls only"));
        }

        /** {@code --in-site} or {@code --file} with {@code --enabled}: one transaction, all or nothing. */
        private int bulk() {
            String what = enabled ? "enable" : "disable";
            return DeviceCommand.bulk(spec, inSite, file, which -> ctx.devices().setEnabled(which, enabled, "cli", dryRun),
                    "no device was changed", "every device there is " + what + "d already: nothing changed",
                    d -> (dryRun ? "would " + what + " device " : what + "d device ") + d.mac().display());
        }
    }

    @Command(name = "list", description = "List desk phones.", mixinStandardHelpOptions = true)
    static final class ListDevices implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Option(names = "--json", description = "print as JSON")
        boolean json;

        ListDevices(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            List<Device> devices = ctx.devices().list();
            Map<String, hotdesk.core.model.Site> sites = new java.util.HashMap<>();
            ctx.sites().list().forEach(s -> sites.put(s.name(), s));
            DeskPhoneSettings defaults = ctx.phoneDefaults();
            java.util.function.Function<Device, Map<String, Object>> described = d -> describe(d, defaults,
                    Optional.ofNullable(sites.get(d.site())));
            if (ctx.maxProvisions() > 0) {
                // the provision counter is on: each desk's count as the ledger has it, out of the limit
                java.util.Map<hotdesk.core.model.Mac, hotdesk.core.model.ProvisionCount> counts = ctx.devices().provisionCounts();
                long max = ctx.maxProvisions();
                java.util.function.Function<Device, String> count = d ->
                        counts.getOrDefault(d.mac(), hotdesk.core.model.ProvisionCount.NONE).served() + "/" + max;
                return Output.listing(spec, json, devices, d -> {
                            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(described.apply(d));
                            m.put("provisions", counts.getOrDefault(d.mac(), hotdesk.core.model.ProvisionCount.NONE).served());
                            m.put("maxProvisions", max);
                            return m;
                        },
                        List.of("MAC", "ENDPOINT", "VENDOR", "MODEL", "LABEL", "SITE", "ENABLED", "OVERRIDES", "PROVISIONS"),
                        d -> List.of(d.mac().display(), d.mac().endpointId(), d.vendor(), d.model(),
                                d.label(), d.site(), d.enabled() ? "yes" : "no", overrides(d.phones()), count.apply(d)));
            }
            return Output.listing(spec, json, devices, described,
                    List.of("MAC", "ENDPOINT", "VENDOR", "MODEL", "LABEL", "SITE", "ENABLED", "OVERRIDES"),
                    d -> List.of(d.mac().display(), d.mac().endpointId(), d.vendor(), d.model(),
                            d.label(), d.site(), d.enabled() ? "yes" : "no", overrides(d.phones())));
        }
    }

    /**
     * The table's OVERRIDES cell: the phone fields the desk sets itself, by their option names and in the order
     * {@code device set} shows them ({@code sip-server,time-zone}), or {@code -} when every value is its site's
     * or the global key's. The values and their sources are in {@code device list --json}.
     */
    static String overrides(DeskPhoneSettings phones) {
        List<String> own = DeskPhoneSettings.FIELDS.stream().filter(f -> !phones.value(f).isEmpty()).toList();
        return own.isEmpty() ? "-" : String.join(",", own);
    }

    @Command(name = "models", description = {"List the phone and gateway models hotdesk provisions, with their SIP "
            + "accounts, line keys and desk lines. device add refuses any other model.",
            "A gateway (e.g. HT814) is one desk line per port: hd-<mac>, hd-<mac>-2, …"}, mixinStandardHelpOptions = true)
    static final class Models implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--vendor", description = "only this vendor's models")
        String vendor;
        @Option(names = "--json", description = "print as JSON")
        boolean json;

        @Override
        public Integer call() {
            hotdesk.core.model.PhoneModels catalog = hotdesk.core.model.PhoneModels.bundled();
            List<hotdesk.core.model.PhoneModels.Model> models = new ArrayList<>();
            if (vendor == null) {
                catalog.vendors().forEach(v -> models.addAll(catalog.of(v)));
            } else if (catalog.of(vendor).isEmpty()) {
                return Output.refused(spec, "unknown vendor '" + vendor + "': known are " + catalog.vendors());
            } else {
                models.addAll(catalog.of(vendor));
            }
            return Output.listing(spec, json, models, m -> {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("vendor", m.vendor());
                o.put("model", m.name());
                o.put("kind", m.kind().name().toLowerCase(java.util.Locale.ROOT));
                o.put("accounts", m.accounts());
                o.put("lineKeys", m.lineKeys());
                o.put("deskLines", m.ports());
                return o;
            }, List.of("VENDOR", "MODEL", "KIND", "ACCOUNTS", "LINE KEYS", "DESK LINES"),
                    m -> List.of(m.vendor(), m.name(), m.kind().name().toLowerCase(java.util.Locale.ROOT),
                            Integer.toString(m.accounts()), Integer.toString(m.lineKeys()), Integer.toString(m.ports())));
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = {
            "Remove a desk phone, logging its occupant out; or every desk of a site, or the desks listed in a file.",
            "--site and --file remove in one transaction: when any line of the file is not a known desk's MAC, each "
                    + "such line is reported with its number and nothing is removed."})
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "MAC", arity = "0..1", description = "the desk phone (or --site, or --file)")
        String mac;
        @Option(names = "--site", paramLabel = "NAME", description = "remove every desk of this site (the site stays)")
        String site;
        @Option(names = "--file", paramLabel = "MACS.txt", description = "remove the desks listed: one MAC per line, "
                + "blank lines and # comments skipped (UTF-8)")
        java.nio.file.Path file;
        @Option(names = "--dry-run", description = "with --site or --file: print what would be removed, change nothing")
        boolean dryRun;

        Remove(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            int given = (mac != null ? 1 : 0) + (site != null ? 1 : 0) + (file != null ? 1 : 0);
            if (given != 1) {
                spec.commandLine().getErr().println("hotdesk: give exactly one of MAC, --site NAME, --file MACS.txt");
                spec.commandLine().getErr().flush();
                return ExitCodes.USAGE;
            }
            if (mac == null) {
                return bulk();
            }
            if (dryRun) {
                return Output.refused(spec, "--dry-run needs --site or --file");
            }
            ManageDevices.Result r = ctx.devices().remove(mac, "cli");
            if (r instanceof ManageDevices.Refused refused) {
                return Output.refused(spec, refused.why());
            }
            return Output.done(spec, "removed device " + ((ManageDevices.Done) r).device().mac().display());
        }

        /** {@code --site} or {@code --file}: one transaction, all or nothing. */
        private int bulk() {
            return DeviceCommand.bulk(spec, site, file, which -> ctx.devices().remove(which, "cli", dryRun),
                    "no device was removed", "no device at site " + site,
                    d -> (dryRun ? "would remove device " : "removed device ") + d.mac().display());
        }
    }

    /**
     * A bulk command on the devices of {@code site}, or else those listed in {@code file} (one
     * transaction): a bad line of the file, a MAC that is no device (each reported with its line number)
     * or an unknown site is refused and nothing changes; when nothing is left to do, {@code nothingToDo}
     * and {@link ExitCodes#NOTHING}; else one line per device changed.
     */
    static int bulk(CommandSpec spec, String site, java.nio.file.Path file,
                    java.util.function.Function<ManageDevices.Selection, ManageDevices.Bulk> op, String notDone,
                    String nothingToDo, java.util.function.Function<Device, String> done) {
        java.io.PrintWriter err = spec.commandLine().getErr();
        ManageDevices.Bulk r;
        if (site != null) {
            r = op.apply(ManageDevices.Selection.site(site));
            if (r.unknownSite()) {
                return Output.refused(spec, "no site " + site);
            }
        } else {
            java.util.Map<hotdesk.core.model.Mac, Integer> lines = new java.util.LinkedHashMap<>();
            List<String> bad = new java.util.ArrayList<>();
            if (!MacFile.read(file, lines, bad)) {
                bad.forEach(b -> err.println("hotdesk: " + b));
                err.flush();
                return ExitCodes.REFUSED;
            }
            r = op.apply(ManageDevices.Selection.of(List.copyOf(lines.keySet())));
            if (!r.unknown().isEmpty()) {
                r.unknown().forEach(m -> err.println("hotdesk: " + file + " line " + lines.get(m) + ": no device " + m.display()));
                err.println("hotdesk: " + notDone);
                err.flush();
                return ExitCodes.REFUSED;
            }
        }
        if (r.devices().isEmpty()) {
            err.println("hotdesk: " + nothingToDo);
            err.flush();
            return ExitCodes.NOTHING;
        }
        java.io.PrintWriter out = Output.out(spec);
        r.devices().forEach(d -> out.println(done.apply(d)));
        out.flush();
        return ExitCodes.OK;
    }

    @Command(name = "reset-provisions", mixinStandardHelpOptions = true, description = {
            "Set a desk's provision count to 0 (provisioning.max-provisions): its file is served again. Or every desk "
                    + "of a site, or the desks listed in a file; audited per desk.",
            "--site and --file reset in one transaction: when any line of the file is not a known desk's MAC, each "
                    + "such line is reported with its number and nothing is reset."})
    static final class ResetProvisions implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "MAC", arity = "0..1", description = "the desk phone (or --site, or --file)")
        String mac;
        @Option(names = "--site", paramLabel = "NAME", description = "reset every desk of this site")
        String site;
        @Option(names = "--file", paramLabel = "MACS.txt", description = "reset the desks listed: one MAC per line, "
                + "blank lines and # comments skipped (UTF-8)")
        java.nio.file.Path file;

        ResetProvisions(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            java.io.PrintWriter err = spec.commandLine().getErr();
            int given = (mac != null ? 1 : 0) + (site != null ? 1 : 0) + (file != null ? 1 : 0);
            if (given != 1) {
                err.println("hotdesk: give exactly one of MAC, --site NAME, --file MACS.txt");
                err.flush();
                return ExitCodes.USAGE;
            }
            if (mac != null && !hotdesk.core.model.Mac.isValid(mac)) {
                return Output.refused(spec, "not a MAC: " + mac.replaceAll("\\p{Cntrl}", "?"));
            }
            if (mac != null) {
                ManageDevices.Bulk r = ctx.devices().resetProvisions(
                        ManageDevices.Selection.of(List.of(hotdesk.core.model.Mac.parse(mac))), "cli");
                return r.unknown().isEmpty() ? Output.done(spec, resetLine(r.devices().get(0)))
                        : Output.refused(spec, "no device " + r.unknown().get(0).display());
            }
            return DeviceCommand.bulk(spec, site, file, which -> ctx.devices().resetProvisions(which, "cli"),
                    "no provision count was reset", "no device at site " + site, ResetProvisions::resetLine);
        }

        private static String resetLine(Device d) {
            return "reset provision count of device " + d.mac().display();
        }
    }

    @Command(name = "unlock", description = "Clear the failure counters of the phone's desk lines: the desk's own and those "
            + "of every extension at it. Lifts the lockouts they hold; audited.", mixinStandardHelpOptions = true)
    static final class UnlockDevice implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "MAC")
        String mac;

        UnlockDevice(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return Output.unlocked(spec, ctx.unlock().device(mac, "cli"), "device " + mac);
        }
    }

    /** {@link #describe(Device, DeskPhoneSettings, Optional)} with the site and defaults read through {@code ctx}. */
    static Map<String, Object> describe(CliContext ctx, Device d) {
        return describe(d, ctx.phoneDefaults(), d.site().isEmpty() ? Optional.empty()
                : ctx.sites().list().stream().filter(s -> s.name().equals(d.site())).findFirst());
    }

    /**
     * A device in JSON, with its phone overrides ({@code phones}: only those it has) and every effective phone
     * value with where it comes from ({@code effective}: {@code desk}, {@code site} or {@code default}).
     */
    static Map<String, Object> describe(Device d, DeskPhoneSettings defaults, Optional<hotdesk.core.model.Site> site) {
        Map<String, Object> m = describe(d);
        Map<String, Object> own = Output.object();
        Map<String, Object> effective = Output.object();
        DeskPhoneSettings.effective(defaults, site, d.phones()).forEach((f, v) -> {
            if (!d.phones().value(f).isEmpty()) {
                own.put(SiteCommand.camel(f), d.phones().value(f));
            }
            Map<String, Object> e = Output.object();
            e.put("value", v.value());
            e.put("source", v.source().shown());
            effective.put(SiteCommand.camel(f), e);
        });
        m.put("phones", own);
        m.put("effective", effective);
        return m;
    }

    static Map<String, Object> describe(Device d) {
        Map<String, Object> m = Output.object();
        m.put("mac", d.mac().value());
        m.put("endpoint", d.mac().endpointId());
        m.put("vendor", d.vendor());
        m.put("model", d.model());
        m.put("label", d.label());
        m.put("site", d.site());
        m.put("elin", d.elin());
        m.put("enabled", d.enabled());
        return m;
    }
}
