package hotdesk.app;

import hotdesk.ami.AmiSettings;
import hotdesk.ami.AmiTestCall;
import hotdesk.cli.ExitCodes;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Device;
import hotdesk.core.model.Mac;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code hotdesk emergency test}: a test call through the emergency route of one desk, never to the trunk. */
@Command(name = "emergency", mixinStandardHelpOptions = true, description = "Emergency calls.",
        subcommands = {EmergencyCommand.TestCall.class})
final class EmergencyCommand {

    /** {@code hotdesk emergency test --desk MAC [--number N] [--ring-security] [--timeout S] [--json]}. */
    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Place a test call through the emergency route of a desk, with that desk's ELIN and location,"
                    + " into the test context hotdesk-emergency-test: it answers in place of the emergency service and never"
                    + " dials the trunk. Shows what a dispatcher and the security desk would receive, and what is missing.",
                    "Logs in to AMI as ami.test-user. Exit 0 when the call went through (warnings or not), 6 when it"
                            + " failed or timed out, 3 for an unknown desk or a number that is not an emergency number."})
    static final class TestCall implements Callable<Integer> {

        @Spec
        CommandSpec spec;
        private final Services services;

        @Option(names = "--desk", required = true, paramLabel = "MAC", description = "the desk phone, e.g. 00:15:65:12:34:AB")
        String desk;
        @Option(names = "--number", paramLabel = "N", description = "emergency number to test (one of emergency.numbers;"
                + " default: the first)")
        String number;
        @Option(names = "--ring-security", description = "also ring the security desk (HOTDESK_SECURITY_DESK), as a real"
                + " call does; without it the security desk is not rung")
        boolean ringSecurity;
        @Option(names = "--timeout", paramLabel = "S", defaultValue = "30", description = "seconds to wait for the call and"
                + " its events, 1 to 600 (default: ${DEFAULT-VALUE})")
        int timeout;
        @Option(names = "--json", description = "print the result as JSON")
        boolean json;

        TestCall(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() {
            Config c = services.config();
            if (timeout < 1 || timeout > 600) {
                throw new IllegalArgumentException("--timeout must be 1 to 600 seconds, got " + timeout);
            }
            if (!AsteriskConf.settings(c).testCalls()) { // also: ami.test-user valid and not ami.user
                throw new IllegalArgumentException("ami.test-user is empty: test calls are off; set it (and generate the"
                        + " Asterisk files again with hotdesk asterisk-conf) to place one");
            }
            AmiSettings ami = new AmiSettings(c.string("ami.host"), c.integer("ami.port", 1, 65535), c.string("ami.test-user"),
                    c.string("ami.test-secret"), c.duration("ami.timeout"), Map.of());
            Server.shippedSecret(c, "ami.test-secret", "ami.host", ami.host());
            List<String> numbers = c.list("emergency.numbers");
            String dialled = number == null ? numbers.get(0) : number.strip();
            if (!numbers.contains(dialled)) {
                return refused("--number " + shown(dialled) + " is not one of emergency.numbers (" + String.join(", ", numbers)
                        + "): a test call dials only those");
            }
            Mac mac;
            try {
                mac = Mac.parse(desk);
            } catch (IllegalArgumentException e) {
                return refused("--desk: " + e.getMessage());
            }
            record Found(Optional<Device> device, List<DeskLine> lines) {
            }
            Found found = services.ledger().read(tx -> new Found(tx.device(mac), tx.linesOf(mac)));
            if (found.device().isEmpty()) {
                return refused("no desk with MAC " + mac.display() + " in the ledger (hotdesk device list shows them)");
            }
            if (found.lines().isEmpty()) {
                return refused("desk " + mac.display() + " has no lines: nothing to test (remove it and add it again)");
            }
            DeskLine line = found.lines().stream().min(Comparator.comparingInt(DeskLine::port)).orElseThrow();
            AmiTestCall.Result r = AmiTestCall.place(ami, new AmiTestCall.Request(line.endpointId(), dialled, ringSecurity,
                    Duration.ofSeconds(timeout)), services.random());
            Report report = new Report(mac, line.endpointId(), dialled, ringSecurity, found.lines().size(), r);
            PrintWriter out = spec.commandLine().getOut();
            out.println(json ? report.json() : report.text());
            out.flush();
            if (!r.passed() && !json) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("hotdesk: emergency test failed: " + r.problem());
                err.flush();
            }
            return r.passed() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
        }

        private int refused(String message) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("hotdesk: " + message);
            err.flush();
            return ExitCodes.REFUSED;
        }

        private static String shown(String s) {
            String v = s.replaceAll("\\p{Cntrl}", "?");
            return v.length() > 40 ? v.substring(0, 40) + "…" : v;
        }
    }

    /** What a test call showed, as text or JSON. */
    record Report(Mac mac, String endpoint, String number, boolean ringSecurity, int lines, AmiTestCall.Result r) {

        private Map<String, String> announced() {
            return r.emergency().orElse(Map.of());
        }

        private Map<String, String> received() {
            return r.received().orElse(Map.of());
        }

        private String securityDesk() {
            return r.globals().getOrDefault("HOTDESK_SECURITY_DESK", "");
        }

        /** Caller-ID name the security desk sees: where, else the ELIN. */
        private String securityName() {
            String where = announced().getOrDefault("Where", "");
            return where.isEmpty() ? announced().getOrDefault("ELIN", "") : where;
        }

        private static String digits(String s) {
            return String.join(" ", s.replaceAll("[^0-9]", "").split(""));
        }

        List<String> warnings() {
            List<String> w = new ArrayList<>();
            if (lines > 1) {
                w.add("the desk has " + lines + " lines; the test used the first, " + endpoint);
            }
            if (r.emergency().isPresent()) {
                String elin = announced().getOrDefault("ELIN", "");
                if (elin.isEmpty()) {
                    w.add("no ELIN: the emergency call presents no call-back number for this desk; give the desk (or its"
                            + " site, or all desks) one");
                }
                if (announced().getOrDefault("Civic", "").isEmpty()) {
                    w.add("no civic location: the call carries no location for the dispatcher, only the ELIN; give the desk"
                            + " or its site an address");
                }
                if (announced().getOrDefault("Where", "").isEmpty()) {
                    w.add("no short location text: the security desk sees " + (elin.isEmpty() ? "no name" : "the ELIN")
                            + " as caller name");
                }
                if (r.received().isPresent()) {
                    String cid = received().getOrDefault("CallerID", "");
                    if (!elin.isEmpty() && !cid.equals(elin)) {
                        w.add("the answering side saw caller ID number '" + cid + "', not the ELIN " + elin);
                    }
                    String sent = announced().getOrDefault("Civic", "");
                    String got = received().getOrDefault("Civic", "");
                    if (!sent.equals(got)) {
                        w.add("the location sent with the call ('" + sent + "') is not what arrived ('" + got + "')");
                    }
                }
            }
            if (!r.globalsRead()) {
                if (r.failure().isEmpty() || r.answered()) {
                    w.add("could not read the dialplan's globals (Getvar refused: the AMI test user needs write = reporting):"
                            + " whether a security desk is configured is unknown");
                }
            } else if (securityDesk().isEmpty()) {
                w.add("no security desk configured (HOTDESK_SECURITY_DESK in extensions.conf [globals]): nobody on site is"
                        + " called when someone dials " + number);
            }
            return w;
        }

        String text() {
            StringBuilder b = new StringBuilder();
            b.append("emergency test of desk ").append(mac.display()).append(" (").append(endpoint).append("), dialled ")
                    .append(number).append(" into ").append(AmiTestCall.CONTEXT).append(", never the trunk\n");
            if (r.passed()) {
                b.append("PASS  the test call went through the emergency route to the test answer side (call ")
                        .append(r.callId()).append(")\n");
            } else {
                b.append("FAIL  ").append(r.problem()).append('\n');
            }
            if (r.received().isPresent()) {
                b.append("\nA dispatcher would receive:\n");
                line(b, "caller ID number", received().getOrDefault("CallerID", ""));
                line(b, "caller ID name", received().getOrDefault("CallerName", ""));
                line(b, "location", received().getOrDefault("Civic", ""));
            }
            if (r.emergency().isPresent()) {
                String sd = securityDesk();
                b.append("\nThe security desk").append(sd.isEmpty() ? "" : " (" + sd + ")").append(" would see and hear:\n");
                line(b, "caller ID name", securityName());
                line(b, "caller ID number", announced().getOrDefault("Number", ""));
                String elin = announced().getOrDefault("ELIN", "");
                line(b, "hears", "the number dialled, " + digits(announced().getOrDefault("Number", ""))
                        + (elin.isEmpty() ? ", and no ELIN" : ", then the ELIN, " + digits(elin)));
                line(b, "rung by this test", ringSecurity ? "yes (--ring-security)" : "no (--ring-security rings it)");
            }
            List<String> warnings = warnings();
            if (!warnings.isEmpty()) {
                b.append('\n');
                warnings.forEach(w -> b.append("WARN  ").append(w).append('\n'));
            }
            return b.toString().stripTrailing();
        }

        private static void line(StringBuilder b, String what, String value) {
            b.append(String.format("  %-18s%s%n", what, value.isEmpty() ? "(none)" : value));
        }

        String json() {
            StringBuilder b = new StringBuilder("{\"ok\":").append(r.passed());
            b.append(",\"desk\":").append(Doctor.quote(mac.value()));
            b.append(",\"endpoint\":").append(Doctor.quote(endpoint));
            b.append(",\"number\":").append(Doctor.quote(number));
            b.append(",\"call_id\":").append(Doctor.quote(r.callId()));
            b.append(",\"failure\":").append(r.failure().map(f -> Doctor.quote(f.name().toLowerCase(java.util.Locale.ROOT)))
                    .orElse("null"));
            b.append(",\"error\":").append(r.passed() ? "null" : Doctor.quote(r.problem()));
            b.append(",\"dispatcher\":");
            if (r.received().isPresent()) {
                b.append("{\"caller_id_number\":").append(Doctor.quote(received().getOrDefault("CallerID", "")))
                        .append(",\"caller_id_name\":").append(Doctor.quote(received().getOrDefault("CallerName", "")))
                        .append(",\"civic\":").append(Doctor.quote(received().getOrDefault("Civic", ""))).append('}');
            } else {
                b.append("null");
            }
            b.append(",\"announced\":");
            if (r.emergency().isPresent()) {
                b.append("{\"elin\":").append(Doctor.quote(announced().getOrDefault("ELIN", "")))
                        .append(",\"where\":").append(Doctor.quote(announced().getOrDefault("Where", "")))
                        .append(",\"civic\":").append(Doctor.quote(announced().getOrDefault("Civic", "")))
                        .append(",\"test\":").append(Doctor.quote(announced().getOrDefault("Test", ""))).append('}');
            } else {
                b.append("null");
            }
            b.append(",\"security_desk\":{\"configured\":")
                    .append(r.globalsRead() ? Boolean.toString(!securityDesk().isEmpty()) : "null")
                    .append(",\"dial\":").append(Doctor.quote(securityDesk()))
                    .append(",\"rung\":").append(ringSecurity);
            if (r.emergency().isPresent()) {
                String elin = announced().getOrDefault("ELIN", "");
                b.append(",\"caller_id_name\":").append(Doctor.quote(securityName()))
                        .append(",\"caller_id_number\":").append(Doctor.quote(announced().getOrDefault("Number", "")))
                        .append(",\"says\":[").append(Doctor.quote(digits(announced().getOrDefault("Number", ""))))
                        .append(elin.isEmpty() ? "" : "," + Doctor.quote(digits(elin))).append(']');
            }
            b.append("},\"warnings\":[");
            List<String> w = warnings();
            for (int i = 0; i < w.size(); i++) {
                b.append(i == 0 ? "" : ",").append(Doctor.quote(w.get(i)));
            }
            return b.append("]}").toString();
        }
    }
}
