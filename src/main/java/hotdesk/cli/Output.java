package hotdesk.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Plain tables and minimal JSON for command output, written through picocli's writers. */
final class Output {

    private Output() {
    }

    static PrintWriter out(CommandLine.Model.CommandSpec spec) {
        return spec.commandLine().getOut();
    }

    /** Prints one line of result and reports success. */
    static int done(CommandLine.Model.CommandSpec spec, String line) {
        PrintWriter out = out(spec);
        out.println(line);
        out.flush();
        return ExitCodes.OK;
    }

    /** A listing: JSON objects with {@code --json}, else a table; reports success. */
    static <T> int listing(CommandLine.Model.CommandSpec spec, boolean json, List<T> items,
                           Function<T, Map<String, Object>> describe, List<String> header, Function<T, List<String>> row) {
        if (json) {
            return done(spec, json(items.stream().map(describe).toList()));
        }
        table(out(spec), header, items.stream().map(row).toList());
        return ExitCodes.OK;
    }

    static int refused(CommandLine.Model.CommandSpec spec, String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("hotdesk: " + message);
        err.flush();
        return ExitCodes.REFUSED;
    }

    /** Left-aligned columns separated by two spaces. */
    static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> r : all) {
            for (int i = 0; i < r.size(); i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        for (List<String> r : all) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                b.append(r.get(i));
                if (i < r.size() - 1) {
                    b.append(" ".repeat(width[i] - r.get(i).length() + 2));
                }
            }
            out.println(b.toString().stripTrailing());
        }
        out.flush();
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** JSON for maps, lists, strings, numbers, booleans and null. */
    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static Map<String, Object> object() {
        return new LinkedHashMap<>();
    }
}
