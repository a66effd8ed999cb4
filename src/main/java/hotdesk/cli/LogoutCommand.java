package hotdesk.cli;

import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.usecase.LogOut;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hotdesk logout --device MAC | --user EXT | --site NAME | --file MACS.txt}: forced logout. */
@Command(name = "logout", mixinStandardHelpOptions = true, description = {
        "Force a logout, by desk phone or by user, or of every desk of a site or in a file of MACs.",
        "--site and --file log out in one transaction: when any line of the file is not a known desk's MAC, "
                + "each such line is reported with its number and nobody is logged out. The file holds one MAC "
                + "per line; blank lines and lines starting with # are skipped."})
public final class LogoutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    private final CliContext ctx;

    static final class Which {
        @Option(names = "--device", paramLabel = "MAC", required = true, description = "log out whoever sits at this phone")
        String mac;
        @Option(names = "--user", paramLabel = "EXT", required = true, description = "log this user out wherever they sit")
        String extension;
        @Option(names = "--site", paramLabel = "NAME", required = true, description = "log out whoever sits at any desk of this site")
        String site;
        @Option(names = "--file", paramLabel = "MACS.txt", required = true, description = "log out whoever sits at the desks listed (UTF-8)")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    @Option(names = "--dry-run", description = "with --site or --file: print who would be logged out, change nothing")
    boolean dryRun;

    LogoutCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (which.site != null || which.file != null) {
            return bulk();
        }
        if (dryRun) {
            return Output.refused(spec, "--dry-run needs --site or --file");
        }
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
            return nobody();
        }
        LogOut.LoggedOut out = (LogOut.LoggedOut) r;
        return Output.done(spec, "logged out " + out.ended().stream().map(Extension::value).toList());
    }

    private int nobody() {
        spec.commandLine().getErr().println("hotdesk: nobody is logged in there");
        spec.commandLine().getErr().flush();
        return ExitCodes.NOTHING;
    }

    private int bulk() {
        LogOut.Bulk r;
        if (which.site != null) {
            r = ctx.logOut().forceSite(which.site, "cli", dryRun);
            if (r.unknownSite()) {
                return Output.refused(spec, "no site " + which.site);
            }
        } else {
            Map<Mac, Integer> lines = new LinkedHashMap<>();
            List<String> bad = new ArrayList<>();
            if (!MacFile.read(which.file, lines, bad)) {
                PrintWriter err = spec.commandLine().getErr();
                bad.forEach(b -> err.println("hotdesk: " + b));
                err.flush();
                return ExitCodes.REFUSED;
            }
            r = ctx.logOut().forceDevices(List.copyOf(lines.keySet()), "cli", dryRun);
            if (!r.unknown().isEmpty()) {
                PrintWriter err = spec.commandLine().getErr();
                r.unknown().forEach(m -> err.println("hotdesk: " + which.file + " line " + lines.get(m) + ": no device " + m.display()));
                err.println("hotdesk: nobody was logged out");
                err.flush();
                return ExitCodes.REFUSED;
            }
        }
        if (r.seats().isEmpty()) {
            return nobody();
        }
        PrintWriter out = Output.out(spec);
        for (Occupancy o : r.seats()) {
            out.println((dryRun ? "would log out " : "logged out ") + o.extension().value() + " at " + o.endpointId());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
