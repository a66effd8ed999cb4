package hotdesk.cli;

import hotdesk.core.policy.EmergencyLocation;
import hotdesk.core.usecase.DeskStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hotdesk status [--json]}. */
@Command(name = "status", description = {"Every desk: idle or its occupant, since when, and whether Asterisk matches "
        + "the ledger (what this node last applied).",
        "ELIN is the desk's effective emergency location number ('(site)': its site's, '(default)': "
                + "emergency.default-elin, NONE: none at all); WARNINGS names what its emergency calls lack: no-elin, "
                + "unknown-site (its site is not in the site list), no-location (no civic address)."},
        mixinStandardHelpOptions = true)
public final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    private final CliContext ctx;
    @Option(names = "--json", description = "print as JSON")
    boolean json;

    StatusCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        return Output.listing(spec, json, ctx.status().lines(ctx.node()), StatusCommand::describe,
                List.of("ENDPOINT", "LABEL", "STATE", "USER", "SINCE", "ELIN", "WARNINGS", "ASTERISK"),
                l -> List.of(l.line().endpointId(), l.device().label(),
                        l.occupancy().isPresent() ? "occupied" : "idle",
                        l.occupant().map(u -> u.extension() + " " + u.name()).orElse("-"),
                        l.occupancy().map(o -> o.since().toString()).orElse("-"),
                        elin(l.located()), warnings(l.located()),
                        applied(l)));
    }

    /** The effective ELIN and where it comes from, {@code NONE} when the desk has none. */
    private static String elin(EmergencyLocation.Located l) {
        return switch (l.elinSource()) {
            case DESK -> l.elin();
            case SITE -> l.elin() + " (site)";
            case DEFAULT -> l.elin() + " (default)";
            case NONE -> "NONE";
        };
    }

    private static String warnings(EmergencyLocation.Located l) {
        List<String> codes = l.warnings().stream().map(EmergencyLocation.Warning::code).toList();
        return codes.isEmpty() ? "-" : String.join(",", codes);
    }

    private static String applied(DeskStatus.Line l) {
        if (l.lastError().isPresent()) {
            return "FAILED: " + l.lastError().get();
        }
        String occupant = l.occupancy().map(o -> o.extension().value()).orElse("");
        if (l.occupantError().isPresent()) {
            return "FAILED for " + occupant + ": " + l.occupantError().get();
        }
        if (l.inSync()) {
            return "in sync (rev " + l.revision() + ")";
        }
        if (l.deskApplied()) {
            return "pending (the endpoint of " + occupant + ")";
        }
        return l.appliedRevision().map(r -> "pending (applied rev " + r + " of " + l.revision() + ")").orElse("pending (never applied)");
    }

    static Map<String, Object> describe(DeskStatus.Line l) {
        Map<String, Object> m = Output.object();
        m.put("endpoint", l.line().endpointId());
        m.put("mac", l.device().mac().value());
        m.put("label", l.device().label());
        m.put("state", l.occupancy().isPresent() ? "occupied" : "idle");
        m.put("extension", l.occupant().map(u -> u.extension().value()).orElse(null));
        m.put("name", l.occupant().map(u -> u.name()).orElse(null));
        m.put("since", l.occupancy().map(o -> o.since().toString()).orElse(null));
        m.put("revision", l.revision());
        m.put("appliedRevision", l.appliedRevision().orElse(null));
        m.put("inSync", l.inSync());
        m.put("lastError", l.lastError().orElse(null));
        m.put("occupantError", l.occupantError().orElse(null));
        DeviceCommand.emergency(m, l.located());
        return m;
    }
}
