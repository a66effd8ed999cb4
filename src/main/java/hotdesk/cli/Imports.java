package hotdesk.cli;

import hotdesk.core.usecase.Import;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;

/** How the CSV imports report: changes on stdout, every problem of a refused file on stderr. */
final class Imports {

    private Imports() {
    }

    /**
     * A good file: one line per added or changed {@code what} ({@code would add …} in a dry run), then a
     * summary. A bad one: one line per problem ({@code hotdesk: FILE:LINE: column C: …}) and a last
     * line saying that nothing was imported; exit {@link ExitCodes#REFUSED}.
     */
    static int report(CommandSpec spec, Path file, String what, Import.Result result) {
        if (result instanceof Import.Invalid invalid) {
            PrintWriter err = spec.commandLine().getErr();
            for (Import.Problem p : invalid.problems()) {
                err.println("hotdesk: " + file + ":" + p.line() + ": " + (p.column().isEmpty() ? "" : "column " + p.column()
                        + ": ") + p.message());
            }
            err.println("hotdesk: " + file + ": nothing imported (" + invalid.problems().size() + " problem(s))");
            err.flush();
            return ExitCodes.REFUSED;
        }
        Import.Imported done = (Import.Imported) result;
        PrintWriter out = Output.out(spec);
        for (Import.Change c : done.changes()) {
            switch (c.kind()) {
                case ADDED -> out.println((done.dryRun() ? "would add " : "added ") + what + " " + c.key()
                        + (c.diffs().isEmpty() ? "" : ": " + String.join(", ", c.diffs())));
                case CHANGED -> out.println((done.dryRun() ? "would change " : "changed ") + what + " " + c.key() + ": "
                        + String.join("; ", c.diffs()));
                case UNCHANGED -> { }
            }
        }
        out.println(file + ": " + done.count(Import.Kind.ADDED) + " added, " + done.count(Import.Kind.CHANGED) + " changed, "
                + done.count(Import.Kind.UNCHANGED) + " unchanged" + (done.dryRun() ? " (dry run: nothing written)" : ""));
        out.flush();
        return ExitCodes.OK;
    }
}
