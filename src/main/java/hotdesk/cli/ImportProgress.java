package hotdesk.cli;

import hotdesk.core.usecase.Import;

import java.io.PrintWriter;

/**
 * The progress of a long import on stderr: shown when the console is a terminal (one line rewritten in
 * place, per percent) or the file is large (then a plain line per tenth, for logs). Stdout stays the
 * import's report only.
 */
final class ImportProgress implements Import.Progress {

    /** Files with more rows than this show their progress even without a terminal. */
    static final int LARGE = 1000;

    private final PrintWriter err;
    private final boolean terminal;
    private int shown = -1;

    private ImportProgress(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** A progress printer, or {@link Import.Progress#NONE} for a short file without a terminal. */
    static Import.Progress of(PrintWriter err, int rows, boolean terminal) {
        return terminal || rows > LARGE ? new ImportProgress(err, terminal) : Import.Progress.NONE;
    }

    @Override
    public synchronized void step(String step, int done, int total) {
        int percent = total == 0 ? 100 : (int) (100L * done / total);
        int unit = terminal ? percent : percent / 10 * 10;
        if (unit == shown) {
            return;
        }
        shown = unit;
        String text = "hotdesk: " + step + " " + done + "/" + total + " (" + unit + "%)";
        if (terminal) {
            err.print("\r" + text + (done >= total ? "\n" : ""));
        } else {
            err.println(text);
        }
        err.flush();
    }
}
