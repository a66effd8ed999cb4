package hotdesk.cli;

import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.usecase.LogOut;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code hotdesk logout --device MAC | --user EXT}: forced logout. */
@Command(name = "logout", description = "Force a logout, by desk phone or by user.", mixinStandardHelpOptions = true)
public final class LogoutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    private final CliContext ctx;

    static final class Which {
        @Option(names = "--device", paramLabel = "MAC", required = true, description = "log out whoever sits at this phone")
        String mac;
        @Option(names = "--user", paramLabel = "EXT", required = true, description = "log this user out wherever they sit")
        String extension;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    LogoutCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        LogOut.Result r;
        try {
            r = which.mac != null
                    ? ctx.logOut().forceDevice(Mac.parse(which.mac), "cli")
                    : ctx.logOut().forceUser(Extension.of(which.extension), "cli");
        } catch (IllegalArgumentException e) {
            return Output.refused(spec, e.getMessage());
        }
        if (r instanceof LogOut.Unknown u) {
            return Output.refused(spec, "no " + u.what());
        }
        if (r instanceof LogOut.NotLoggedIn) {
            spec.commandLine().getErr().println("hotdesk: nobody is logged in there");
            spec.commandLine().getErr().flush();
            return ExitCodes.NOTHING;
        }
        LogOut.LoggedOut out = (LogOut.LoggedOut) r;
        return Output.done(spec, "logged out " + out.ended().stream().map(Extension::value).toList());
    }
}
