package hotdesk.cli;

import hotdesk.core.usecase.ManageDevices;
import hotdesk.core.usecase.ManageUsers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code hotdesk user import|export} and {@code hotdesk device import|export}: bulk onboarding by CSV. */
public final class BulkCommands {

    private BulkCommands() {
    }

    @Command(name = "import", description = {"Add or change users from a CSV file (UTF-8, first line the column names: "
            + "extension and any of name, pin, context, mailbox, hotdesk (on|off), enabled (on|off), policy "
            + "(single|deny|allow; empty: the global login.multi-login)). A new user needs a name and a pin. An existing "
            + "user's PIN changes only when the pin cell is not empty; PINs follow the rules of user add and are never exported. A column the file "
            + "lacks leaves that field as it is.",
            "One transaction: a bad row (each is reported with its line and column) means nothing is imported. "
                    + "Importing the same file again changes nothing. PINs are hashed in parallel before the transaction; "
                    + "progress goes to stderr on a terminal or for files of more than 1000 rows."},
            mixinStandardHelpOptions = true)
    static final class ImportUsers implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "FILE", description = "the CSV file")
        Path file;
        @Option(names = "--dry-run", description = "check the file and print what would change; write nothing")
        boolean dryRun;

        ImportUsers(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return Imports.run(spec, file, ManageUsers.EXTENSION, ManageUsers.COLUMNS, "user",
                    rows -> ctx.users().importRows(rows, dryRun, "cli", ImportProgress.of(spec.commandLine().getErr(),
                            rows.size(), System.console() != null)));
        }
    }

    @Command(name = "export", description = "Print every user as CSV (the columns user import reads, without PINs: "
            + "they are never exported).", mixinStandardHelpOptions = true)
    static final class ExportUsers implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;

        ExportUsers(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return Imports.export(spec, ManageUsers.EXTENSION, ManageUsers.EXPORTED, ctx.users().list(),
                    u -> u.extension().value(), ManageUsers::value);
        }
    }

    @Command(name = "import", description = {"Add or change devices from a CSV file (UTF-8, first line the column names: "
            + "mac and any of vendor, model, label, site, elin, enabled (on|off), and the desk's own phone settings "
            + "sip-server, sip-port, sip-transport (udp|tcp|tls), ntp-server, time-zone, registration-expiry (30s..600s), "
            + "which win over its site's and the provisioning.* keys). A new device needs a vendor and a "
            + "supported model (hotdesk device models) and gets its desk lines as device add gives them (one per port of "
            + "a gateway); an existing device keeps its vendor. A column the file lacks leaves that field as it is; an "
            + "empty cell clears it (an empty label: the default one).",
            "One transaction: a bad row (each is reported with its line and column) means nothing is imported. "
                    + "Importing the same file again changes nothing."}, mixinStandardHelpOptions = true)
    static final class ImportDevices implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "FILE", description = "the CSV file")
        Path file;
        @Option(names = "--dry-run", description = "check the file and print what would change; write nothing")
        boolean dryRun;

        ImportDevices(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return Imports.run(spec, file, ManageDevices.MAC, ManageDevices.COLUMNS, "device",
                    rows -> ctx.devices().importRows(rows, dryRun, "cli"));
        }
    }

    @Command(name = "export", description = "Print every device as CSV (the columns device import reads; no secrets).",
            mixinStandardHelpOptions = true)
    static final class ExportDevices implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;

        ExportDevices(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return Imports.export(spec, ManageDevices.MAC, ManageDevices.COLUMNS, ctx.devices().list(),
                    d -> d.mac().display(), ManageDevices::value);
        }
    }
}
