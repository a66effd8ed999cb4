package hotdesk.cli;

import hotdesk.core.usecase.Import;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CSV files of the bulk commands (RFC 4180 as commons-csv reads it: comma-separated, double quotes
 * around cells that hold commas or quotes, UTF-8 with or without a byte order mark). The first line
 * names the columns (case and surrounding spaces do not matter, {@code _} may stand for {@code -});
 * empty lines are skipped. Every problem is reported with its line, none stops the reading early.
 */
final class Csv {

    /** Larger files are refused before parsing: a site or desk list is far smaller. */
    static final long MAX_BYTES = 16L * 1024 * 1024;

    private static final CSVFormat READ = CSVFormat.DEFAULT.builder().setIgnoreSurroundingSpaces(true)
            .setIgnoreEmptyLines(true).get();
    private static final CSVFormat WRITE = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();

    /** The rows of a file, or the problems that make it unusable (then no row is kept). */
    record Table(List<Import.Row> rows, List<Import.Problem> problems) {
    }

    private Csv() {
    }

    /**
     * Reads {@code file}; its header must hold {@code key} and may hold any of {@code columns}.
     * IllegalArgumentException when the file cannot be read at all (missing, too large, not UTF-8).
     */
    static Table read(Path file, String key, List<String> columns) {
        String text = text(file);
        List<Import.Problem> problems = new ArrayList<>();
        List<Import.Row> rows = new ArrayList<>();
        int[] lineStarts = lineStarts(text);
        try (CSVParser parser = CSVParser.parse(text, READ)) {
            List<String> header = null;
            for (CSVRecord r : parser) {
                int line = lineOf(lineStarts, r.getCharacterPosition());
                if (header == null) {
                    header = header(r, line, key, columns, problems);
                    continue;
                }
                if (r.size() != header.size()) {
                    problems.add(new Import.Problem(line, "", "has " + r.size() + " cell(s), the header names "
                            + header.size() + " column(s)"));
                    continue;
                }
                Map<String, String> values = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    values.put(header.get(i), r.get(i));
                }
                rows.add(new Import.Row(line, values));
            }
            if (header == null) {
                problems.add(new Import.Problem(1, "", "the file is empty: its first line must name the columns, e.g. "
                        + key + "," + String.join(",", columns.subList(0, Math.min(3, columns.size())))));
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            // a broken quote and the like: commons-csv names the line in its message
            problems.add(new Import.Problem(rows.isEmpty() ? 1 : rows.get(rows.size() - 1).line() + 1, "",
                    "not readable as CSV: " + rootMessage(e)));
        }
        return new Table(problems.isEmpty() ? rows : List.of(), problems);
    }

    private static List<String> header(CSVRecord r, int line, String key, List<String> columns,
                                       List<Import.Problem> problems) {
        List<String> names = new ArrayList<>();
        for (String raw : r) {
            String name = raw.strip().toLowerCase(Locale.ROOT).replace('_', '-');
            if (name.isEmpty()) {
                problems.add(new Import.Problem(line, "", "column " + (names.size() + 1) + " has no name"));
            } else if (names.contains(name)) {
                problems.add(new Import.Problem(line, name, "the column is named twice"));
            } else if (!name.equals(key) && !columns.contains(name)) {
                problems.add(new Import.Problem(line, name, "unknown column: known are " + key + ", "
                        + String.join(", ", columns)));
            }
            names.add(name);
        }
        if (!names.contains(key)) {
            problems.add(new Import.Problem(line, key, "the header has no column " + key));
        }
        return names;
    }

    /** Writes the header and rows to {@code out}. */
    static void write(PrintWriter out, List<String> header, List<List<String>> rows) {
        try {
            CSVPrinter printer = new CSVPrinter(out, WRITE);
            printer.printRecord(header);
            for (List<String> row : rows) {
                printer.printRecord(row);
            }
            printer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(file + " is larger than " + MAX_BYTES / 1024 / 1024 + " MB");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getClass().getSimpleName() + " "
                    + e.getMessage());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not UTF-8 text (save it as CSV UTF-8)");
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static int[] lineStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n')) {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The 1-based line that holds character {@code position}. */
    private static int lineOf(int[] starts, long position) {
        int lo = 0;
        int hi = starts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= position) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo + 1;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.strip().lines().findFirst().orElse("");
    }
}
