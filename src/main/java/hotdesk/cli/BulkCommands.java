package hotdesk.cli;

import hotdesk.core.model.Device;
import hotdesk.core.model.User;
import hotdesk.core.usecase.Import;
import hotdesk.core.usecase.ManageDevices;
import hotdesk.core.usecase.ManageUsers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
            Csv.Table table = Csv.read(file, ManageUsers.EXTENSION, ManageUsers.COLUMNS);
            Import.Result r = table.problems().isEmpty()
                    ? ctx.users().importRows(table.rows(), dryRun, "cli", ImportProgress.of(spec.commandLine().getErr(),
                    table.rows().size(), System.console() != null))
                    : new Import.Invalid(table.problems());
            return Imports.report(spec, file, "user", r);
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
            List<String> header = new ArrayList<>();
            header.add(ManageUsers.EXTENSION);
            header.addAll(ManageUsers.EXPORTED);
            List<List<String>> rows = new ArrayList<>();
            for (User u : ctx.users().list()) {
                List<String> row = new ArrayList<>();
                row.add(u.extension().value());
                ManageUsers.EXPORTED.forEach(c -> row.add(ManageUsers.value(u, c)));
                rows.add(row);
            }
            Csv.write(Output.out(spec), header, rows);
            return ExitCodes.OK;
        }
    }

    @Command(name = "import", description = {"Add or change devices from a CSV file (UTF-8, first line the column names: "
            + "mac and any of vendor, model, label, site, elin, enabled (on|off)). A new device needs a vendor and a "
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
            Csv.Table table = Csv.read(file, ManageDevices.MAC, ManageDevices.COLUMNS);
            Import.Result r = table.problems().isEmpty() ? ctx.devices().importRows(table.rows(), dryRun, "cli")
                    : new Import.Invalid(table.problems());
            return Imports.report(spec, file, "device", r);
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
            List<String> header = new ArrayList<>();
            header.add(ManageDevices.MAC);
            header.addAll(ManageDevices.COLUMNS);
            List<List<String>> rows = new ArrayList<>();
            for (Device d : ctx.devices().list()) {
                List<String> row = new ArrayList<>();
                row.add(d.mac().display());
                ManageDevices.COLUMNS.forEach(c -> row.add(ManageDevices.value(d, c)));
                rows.add(row);
            }
            Csv.write(Output.out(spec), header, rows);
            return ExitCodes.OK;
        }
    }
}
