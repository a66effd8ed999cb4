package hotdesk.cli;

import hotdesk.core.model.AdminAccount;
import hotdesk.core.usecase.ManageAdmins;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hotdesk admin add|remove|list}: who may sign in to the desk board. */
@Command(name = "admin", description = "Manage the accounts that may sign in to the desk board (admin HTTP listener).",
        mixinStandardHelpOptions = true, subcommands = {AdminCommand.Add.class, AdminCommand.Remove.class, AdminCommand.ListAdmins.class})
public final class AdminCommand {

    @Command(name = "add", description = "Add a board account. The password is stored only as a salted hash.",
            mixinStandardHelpOptions = true)
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "NAME", description = "account name: 1 to 40 of a-z 0-9 . _ -")
        String name;
        @Option(names = "--role", required = true, paramLabel = "admin|viewer",
                description = "admin: sees the board and may log desks out; viewer: sees the board only")
        String role;
        @Option(names = "--password", arity = "0..1", fallbackValue = SecretInput.ASK, paramLabel = "PASSWORD",
                description = "at least " + ManageAdmins.MIN_PASSWORD + " characters; without a value (the default) it is "
                        + "asked on the terminal, or read as the first line of standard input (keeps it out of ps)")
        String password = SecretInput.ASK;
        @Option(names = "--password-file", paramLabel = "FILE", description = "read the password from the first line of FILE")
        Path passwordFile;

        Add(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            String given = passwordFile != null && SecretInput.ASK.equals(password) ? null : password;
            String thePassword = ctx.secretInput().read("--password", "password for " + name, given, passwordFile);
            ManageAdmins.Result r = ctx.admins().add(name, role, thePassword, "cli");
            if (r instanceof ManageAdmins.Refused refused) {
                return Output.refused(spec, refused.why());
            }
            AdminAccount a = ((ManageAdmins.Done) r).account();
            return Output.done(spec, "added board account " + a.name() + " (" + a.role().label() + ")");
        }
    }

    @Command(name = "remove", description = "Remove a board account and end its signed-in sessions.", mixinStandardHelpOptions = true)
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        Remove(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            if (!ctx.admins().remove(name, "cli")) {
                return Output.refused(spec, "no board account " + name.replaceAll("\\p{Cntrl}", "?"));
            }
            return Output.done(spec, "removed board account " + name);
        }
    }

    @Command(name = "list", description = "List the board accounts (name, role, created).", mixinStandardHelpOptions = true)
    static final class ListAdmins implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Option(names = "--json", description = "print the accounts as JSON")
        boolean json;

        ListAdmins(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            List<AdminAccount> all = ctx.admins().list();
            return Output.listing(spec, json, all,
                    a -> Map.<String, Object>of("name", a.name(), "role", a.role().label(), "created", a.created().toString()),
                    List.of("NAME", "ROLE", "CREATED"), a -> List.of(a.name(), a.role().label(), a.created().toString()));
        }
    }
}
