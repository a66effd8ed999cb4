package hotdesk.core.usecase;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the bulk imports (sites, desk locations) take and give. A file is one transaction: every row
 * is checked first, and one bad row means nothing is written ({@link Invalid} lists every problem
 * with its line and column). Importing the same rows again changes nothing (rows are upserts).
 */
public final class Import {

    private Import() {
    }

    /**
     * One row of the file.
     *
     * @param line   its line number in the file (the header is line 1), for messages
     * @param values by column name; a column the file does not have is absent (that field stays as it
     *               is), an empty cell clears the field
     */
    public record Row(int line, Map<String, String> values) {
        public Row {
            values = Map.copyOf(values);
        }
    }

    /** A bad cell (or row, when {@code column} is empty). */
    public record Problem(int line, String column, String message) {
        public Problem {
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return "line " + line + (column.isEmpty() ? "" : ", column " + column) + ": " + message;
        }
    }

    public enum Kind { ADDED, CHANGED, UNCHANGED }

    /** Told how far a long step of an import is (may be called from several threads). */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (step, done, total) -> { };

        /** {@code done} of {@code total} items of {@code step} (e.g. {@code pins}) are through. */
        void step(String step, int done, int total);
    }

    /**
     * What a row does (or, in a dry run, would do) to one site or desk.
     *
     * @param key   the site name or the device's MAC (display form)
     * @param diffs {@code city: 'Berlin' -> 'Munich'} per changed field; for an added one {@code city=Berlin}
     */
    public record Change(String key, Kind kind, List<String> diffs) {
        public Change {
            diffs = List.copyOf(diffs);
        }
    }

    public sealed interface Result {
    }

    /** Every row was good: these are the changes, written unless {@code dryRun}. */
    public record Imported(List<Change> changes, boolean dryRun) implements Result {
        public Imported {
            changes = List.copyOf(changes);
        }

        public long count(Kind kind) {
            return changes.stream().filter(c -> c.kind() == kind).count();
        }
    }

    /** At least one row was bad: nothing was written. */
    public record Invalid(List<Problem> problems) implements Result {
        public Invalid {
            problems = List.copyOf(problems);
        }
    }

    /** {@code 'old' -> 'new'} style difference of one field, or null when equal. */
    static String diff(String field, String before, String after) {
        if (before.equals(after)) {
            return null;
        }
        return field + ": '" + before + "' -> '" + after + "'";
    }
}
