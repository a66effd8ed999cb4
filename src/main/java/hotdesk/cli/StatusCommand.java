package hotdesk.cli;

import hotdesk.core.policy.SeatingPolicy;
import hotdesk.core.policy.EmergencyLocation;
import hotdesk.core.usecase.DeskStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hotdesk status [--json]}. */
@Command(name = "status", description = {"Every desk: idle or its occupant, since when, and whether Asterisk matches "
        + "the ledger (what this node last applied). Then the lockouts in force and the login alerts (failures of one "
        + "extension at all desks from lockout.user-alert-failures on), if any.",
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
    @Option(names = "--security", description = "print only the lockouts in force and the login alerts (with --json: "
            + "{\"locks\": [...], \"alerts\": [...]})")
    boolean security;

    StatusCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        DeskStatus status = ctx.status();
        if (security) {
            DeskStatus.Security sec = status.security();
            if (json) {
                Map<String, Object> m = Output.object();
                m.put("locks", sec.locks().stream().map(StatusCommand::describe).toList());
                m.put("alerts", sec.alerts().stream().map(StatusCommand::describe).toList());
                return Output.done(spec, Output.json(m));
            }
            printSecurity(status, sec, true);
            return 0;
        }
        long max = ctx.maxProvisions();
        // the provision counter on: each desk's count as the ledger has it, out of the limit
        Map<hotdesk.core.model.Mac, hotdesk.core.model.ProvisionCount> counts = max > 0 ? ctx.devices().provisionCounts() : null;
        // each line becomes its row (or JSON text) as it is read: 10,000 desks' records are never all alive at once
        if (json) {
            return Output.jsonArray(spec, status.lines(ctx.node(), l -> Output.json(object(l, counts, max))));
        }
        List<String> header = new java.util.ArrayList<>(List.of("ENDPOINT", "LABEL", "STATE", "USER", "SINCE", "ELIN",
                "WARNINGS", "ASTERISK", "PHONE", "CONFIG"));
        if (counts != null) {
            header.add("PROVISIONS");
        }
        Output.table(Output.out(spec), header, status.lines(ctx.node(), l -> row(l, counts, max)));
        printSecurity(status, status.security(), false);
        return 0;
    }

    /** How many times the desk's file was served, as the ledger counts it. */
    private static long served(DeskStatus.Line l, Map<hotdesk.core.model.Mac, hotdesk.core.model.ProvisionCount> counts) {
        return counts.getOrDefault(l.device().mac(), hotdesk.core.model.ProvisionCount.NONE).served();
    }

    /** One desk line as a JSON object; with {@code counts} (the provision counter on), its count and the limit too. */
    private static Map<String, Object> object(DeskStatus.Line l, Map<hotdesk.core.model.Mac, hotdesk.core.model.ProvisionCount> counts,
                                              long max) {
        Map<String, Object> m = describe(l);
        if (counts != null) {
            m.put("provisions", served(l, counts));
            m.put("maxProvisions", max);
        }
        return m;
    }

    /** One desk line as a row of the table; with {@code counts} (the provision counter on), its count out of the limit. */
    private static List<String> row(DeskStatus.Line l, Map<hotdesk.core.model.Mac, hotdesk.core.model.ProvisionCount> counts,
                                    long max) {
        List<String> r = new java.util.ArrayList<>(List.of(l.line().endpointId(), l.device().label(), l.state(),
                l.occupant().map(u -> u.extension() + " " + u.name()).orElse("-"),
                l.occupancy().map(o -> o.since().toString()).orElse("-"),
                elin(l.located()), warnings(l),
                applied(l), phone(l), config(l)));
        if (counts != null) {
            r.add(served(l, counts) + "/" + max);
        }
        return r;
    }

    private void printSecurity(DeskStatus status, DeskStatus.Security sec, boolean always) {
        PrintWriter out = spec.commandLine().getOut();
        if (!sec.locks().isEmpty() || always) {
            out.println();
            out.println("Lockouts (user unlock EXT, device unlock MAC):" + (sec.locks().isEmpty() ? " none" : ""));
            if (!sec.locks().isEmpty()) {
                Output.table(out, List.of("LOCKED", "UNTIL"), sec.locks().stream()
                        .map(l -> List.of(what(l), l.until().toString())).toList());
            }
        }
        if (!sec.alerts().isEmpty() || always) {
            out.println();
            out.println("Login alerts (failures of one extension at all desks within " + status.limits().windowText()
                    + "; alert at " + status.limits().userAlertAt() + ", lock at " + status.limits().user().maxFailures() + "):"
                    + (sec.alerts().isEmpty() ? " none" : ""));
            if (!sec.alerts().isEmpty()) {
                Output.table(out, List.of("EXT", "VIA", "FAILURES", "LOCKED"), sec.alerts().stream()
                        .map(a -> List.of(a.extension().value(), via(a.via()), Integer.toString(a.failures()),
                                a.locked() ? "yes" : "no")).toList());
            }
        }
        out.flush();
    }

    private static String via(SeatingPolicy.Via via) {
        return via == SeatingPolicy.Via.PIN ? "pin" : "code";
    }

    private static String what(DeskStatus.Lock l) {
        if (l.extension().isEmpty()) {
            return "desk " + l.endpointId().orElse("?");
        }
        String ext = "extension " + l.extension().get().value();
        if (l.endpointId().isPresent()) {
            return ext + " at " + l.endpointId().get();
        }
        return ext + (l.via() == SeatingPolicy.Via.CODE ? " (one-time codes)" : "") + " at every desk";
    }

    static Map<String, Object> describe(DeskStatus.Lock l) {
        Map<String, Object> m = Output.object();
        m.put("endpoint", l.endpointId().orElse(null));
        m.put("extension", l.extension().map(e -> e.value()).orElse(null));
        m.put("via", via(l.via()));
        m.put("until", l.until().toString());
        return m;
    }

    static Map<String, Object> describe(DeskStatus.Alert a) {
        Map<String, Object> m = Output.object();
        m.put("extension", a.extension().value());
        m.put("via", via(a.via()));
        m.put("failures", a.failures());
        m.put("locked", a.locked());
        return m;
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

    /** The emergency warnings, then the occupant's keys that do not fit ({@code keys-left-out=3,4}). */
    private static String warnings(DeskStatus.Line l) {
        String w = warnings(l.located());
        if (l.keysLeftOut().isEmpty()) {
            return w;
        }
        String keys = "keys-left-out=" + String.join(",", l.keysLeftOut().stream().map(k -> Integer.toString(k.position())).toList());
        return w.equals("-") ? keys : w + "," + keys;
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

    /** The desk's registration: its contact's address and since when, {@code not registered} without one. */
    static String phone(DeskStatus.Line l) {
        if (l.contacts().isEmpty()) {
            return "not registered";
        }
        hotdesk.core.model.PhoneContact c = l.contacts().get(l.contacts().size() - 1);
        String where = c.via().isEmpty() ? hostOf(c.uri()) : c.via();
        return where + " since " + c.since() + (l.contacts().size() > 1 ? " (+" + (l.contacts().size() - 1) + " more)" : "");
    }

    /** {@code sip:hd-x@10.0.0.5:5060;transport=udp} → {@code 10.0.0.5:5060}. */
    static String hostOf(String uri) {
        int at = uri.indexOf('@');
        String rest = at >= 0 ? uri.substring(at + 1) : uri.replaceFirst("^sips?:", "");
        int semi = rest.indexOf(';');
        return semi >= 0 ? rest.substring(0, semi) : rest;
    }

    /**
     * The login receipt: whether the phone fetched its file after the last check-sync it was sent
     * ({@code fetched …}), is still awaited ({@code no fetch since …, N NOTIFYs}), or was never told
     * (its last fetch, or {@code never fetched}).
     */
    static String config(DeskStatus.Line l) {
        if (l.fetchedAfterNotice()) {
            return "fetched " + l.lastFetch().get();
        }
        if (l.notice().isPresent()) {
            hotdesk.core.model.Notice n = l.notice().get();
            return "NO FETCH since " + n.at() + " (" + n.sends() + (n.sends() == 1 ? " NOTIFY)" : " NOTIFYs)");
        }
        return l.lastFetch().map(t -> "last fetch " + t).orElse("never fetched");
    }

    static Map<String, Object> describe(DeskStatus.Line l) {
        Map<String, Object> m = Output.object();
        m.put("endpoint", l.line().endpointId());
        m.put("mac", l.device().mac().value());
        m.put("label", l.device().label());
        m.put("state", l.occupancy().isPresent() ? "occupied" : l.device().enabled() ? "idle" : "disabled");
        // a free desk says why and when its last session ended (not who: that is the audit's)
        m.put("lastLogout", l.lastSession().filter(r -> l.occupancy().isEmpty() && r.end().isPresent() && r.reason().isPresent()).map(r -> {
            Map<String, Object> x = Output.object();
            x.put("at", r.end().get().toString());
            x.put("reason", r.reason().get().shown());
            return x;
        }).orElse(null));
        m.put("extension", l.occupant().map(u -> u.extension().value()).orElse(null));
        m.put("name", l.occupant().map(u -> u.name()).orElse(null));
        m.put("since", l.occupancy().map(o -> o.since().toString()).orElse(null));
        m.put("revision", l.revision());
        m.put("appliedRevision", l.appliedRevision().orElse(null));
        m.put("inSync", l.inSync());
        m.put("lastError", l.lastError().orElse(null));
        m.put("occupantError", l.occupantError().orElse(null));
        m.put("registrations", l.contacts().stream().map(c -> {
            Map<String, Object> x = Output.object();
            x.put("uri", c.uri());
            x.put("userAgent", c.userAgent().isEmpty() ? null : c.userAgent());
            x.put("via", c.via().isEmpty() ? null : c.via());
            x.put("since", c.since().toString());
            return x;
        }).toList());
        m.put("lastFetch", l.lastFetch().map(Object::toString).orElse(null));
        m.put("notice", l.notice().map(n -> {
            Map<String, Object> x = Output.object();
            x.put("revision", n.revision());
            x.put("at", n.at().toString());
            x.put("notifies", n.sends());
            x.put("fetchedAfter", l.fetchedAfterNotice());
            return x;
        }).orElse(null));
        DeviceCommand.emergency(m, l.located());
        m.put("keysLeftOut", l.keysLeftOut().stream().map(KeysCommand::describe).toList());
        return m;
    }
}
