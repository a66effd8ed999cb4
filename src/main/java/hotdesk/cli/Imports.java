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
     * Reads {@code file} (key column {@code key}, any of {@code columns}), imports its rows with
     * {@code importer} when the file itself is sound, and reports as {@link #report} does.
     */
    static int run(CommandSpec spec, Path file, String key, java.util.List<String> columns, String what,
                   java.util.function.Function<java.util.List<Import.Row>, Import.Result> importer) {
        Csv.Table table = Csv.read(file, key, columns);
        Import.Result r = table.problems().isEmpty() ? importer.apply(table.rows()) : new Import.Invalid(table.problems());
        return report(spec, file, what, r);
    }

    /**
     * Prints {@code items} as CSV: the {@code key} column and then {@code columns}, each row the item's key
     * and its value of each column, in the order the list gives them.
     */
    static <T> int export(CommandSpec spec, String key, java.util.List<String> columns, java.util.List<T> items,
                          java.util.function.Function<T, String> keyOf,
                          java.util.function.BiFunction<T, String, String> valueOf) {
        java.util.List<String> header = new java.util.ArrayList<>();
        header.add(key);
        header.addAll(columns);
        java.util.List<java.util.List<String>> rows = new java.util.ArrayList<>();
        for (T item : items) {
            java.util.List<String> row = new java.util.ArrayList<>();
            row.add(keyOf.apply(item));
            columns.forEach(c -> row.add(valueOf.apply(item, c)));
            rows.add(row);
        }
        Csv.write(Output.out(spec), header, rows);
        return ExitCodes.OK;
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
