package hotdesk.cli;

import hotdesk.core.model.Device;
import hotdesk.core.usecase.ManageDevices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hotdesk device add|list|remove|unlock}. */
@Command(name = "device", description = "Manage shared desk phones.", mixinStandardHelpOptions = true,
        subcommands = {DeviceCommand.Add.class, DeviceCommand.ListDevices.class, DeviceCommand.Remove.class,
                DeviceCommand.UnlockDevice.class})
public final class DeviceCommand {

    @Command(name = "add", description = "Add a desk phone. Its own SIP account (hd-<mac>) gets a generated secret "
            + "and is pushed to Asterisk by the running server.", mixinStandardHelpOptions = true)
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "MAC", description = "00:15:65:12:34:AB, 00-15-65-12-34-ab or 0015651234ab")
        String mac;
        @Option(names = "--model", required = true, description = "phone model, e.g. T54W")
        String model;
        @Option(names = "--vendor", defaultValue = "yealink", description = "provisioning profile (default: ${DEFAULT-VALUE})")
        String vendor;
        @Option(names = "--label", description = "what the idle phone shows (default: Hot desk <last 6 of MAC>)")
        String label;
        @Option(names = "--site", description = "location, for reports")
        String site;
        @Option(names = "--elin", description = "emergency location number presented on emergency calls")
        String elin;
        @Option(names = "--json", description = "print the result as JSON")
        boolean json;

        Add(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            ManageDevices.Result r = ctx.devices().add(new ManageDevices.NewDevice(mac, vendor, model, label, site, elin, 1), "cli");
            if (r instanceof ManageDevices.Refused refused) {
                return Output.refused(spec, refused.why());
            }
            ManageDevices.Done done = (ManageDevices.Done) r;
            return Output.done(spec, json ? Output.json(describe(done.device()))
                    : "added device " + done.device().mac().display() + " as endpoint "
                        + done.lines().get(0).endpointId());
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
            return Output.listing(spec, json, devices, DeviceCommand::describe,
                    List.of("MAC", "ENDPOINT", "VENDOR", "MODEL", "LABEL", "SITE", "ENABLED"),
                    d -> List.of(d.mac().display(), d.mac().endpointId(), d.vendor(), d.model(),
                            d.label(), d.site(), d.enabled() ? "yes" : "no"));
        }
    }

    @Command(name = "remove", description = "Remove a desk phone, logging its occupant out.", mixinStandardHelpOptions = true)
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "MAC")
        String mac;

        Remove(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            ManageDevices.Result r = ctx.devices().remove(mac, "cli");
            if (r instanceof ManageDevices.Refused refused) {
                return Output.refused(spec, refused.why());
            }
            return Output.done(spec, "removed device " + ((ManageDevices.Done) r).device().mac().display());
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
