package hotdesk.cli;

import hotdesk.core.usecase.Unlock;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.math.BigInteger;
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
            // each object made as it is written: 10,000 desks' objects and their text are never all held at once
            // (serve answers the listings from a 112 MB heap)
            return jsonArray(spec, () -> items.stream().map(item -> json(describe.apply(item))).iterator());
        }
        table(out(spec), header, items.stream().map(row).toList());
        return ExitCodes.OK;
    }

    /** A JSON array of objects given as JSON text, written one at a time (the same bytes as json(list)); reports success. */
    static int jsonArray(CommandLine.Model.CommandSpec spec, Iterable<String> objects) {
        PrintWriter out = out(spec);
        out.print('[');
        String sep = "";
        for (String o : objects) {
            out.print(sep);
            out.print(o);
            sep = ",";
        }
        out.println(']');
        out.flush();
        return ExitCodes.OK;
    }

    static int refused(CommandLine.Model.CommandSpec spec, String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("hotdesk: " + message);
        err.flush();
        return ExitCodes.REFUSED;
    }

    /** The outcome of {@code user unlock} / {@code device unlock}: 0 cleared, 5 nothing to clear, 3 refused. */
    static int unlocked(CommandLine.Model.CommandSpec spec, Unlock.Result r, String what) {
        if (r instanceof Unlock.Refused refused) {
            return refused(spec, refused.why());
        }
        Unlock.Cleared c = (Unlock.Cleared) r;
        if (c.failures() == 0) {
            done(spec, "no failed logins recorded for " + what + ": nothing to unlock");
            return ExitCodes.NOTHING;
        }
        return done(spec, "unlocked " + what + ": cleared " + c.failures() + " failed login" + (c.failures() == 1 ? "" : "s"));
    }

    /** Left-aligned columns separated by two spaces. */
    static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        widen(width, header);
        rows.forEach(r -> widen(width, r));
        // one buffer for every line, trailing blanks cut in place: a status of 10,000 desks wrote three strings a line
        StringBuilder b = new StringBuilder(256);
        char[] chars = new char[256];
        line(out, b, chars, width, header);
        for (List<String> r : rows) {
            chars = line(out, b, chars, width, r);
        }
        out.flush();
    }

    private static void widen(int[] width, List<String> row) {
        for (int i = 0; i < row.size(); i++) {
            width[i] = Math.max(width[i], row.get(i).length());
        }
    }

    /** Writes one row padded to the widths, without trailing whitespace; returns the (maybe grown) char buffer. */
    private static char[] line(PrintWriter out, StringBuilder b, char[] chars, int[] width, List<String> row) {
        b.setLength(0);
        for (int i = 0; i < row.size(); i++) {
            b.append(row.get(i));
            if (i < row.size() - 1) {
                for (int pad = width[i] - row.get(i).length() + 2; pad > 0; pad--) {
                    b.append(' ');
                }
            }
        }
        int end = b.length();
        while (end > 0 && Character.isWhitespace(b.charAt(end - 1))) {
            end--;
        }
        char[] buffer = chars.length >= end ? chars : new char[Math.max(end, chars.length * 2)];
        b.getChars(0, end, buffer, 0);
        out.write(buffer, 0, end);
        out.println();
        return buffer;
    }

    /**
     * JSON (RFC 8259) for maps with string keys, lists, strings, integral and finite decimal numbers, booleans and null;
     * anything else is a programming error. Written here rather than with Jackson, which stays in the
     * ARI adapter; command output needs no more than this.
     */
    static String json(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof CharSequence s) {
            hotdesk.web.JsonText.quote(b, s);
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short
                || v instanceof Byte || v instanceof BigInteger) {
            b.append(v);
        } else if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw new IllegalArgumentException("no JSON form for " + d);
            }
            b.append(java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString());
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            String sep = "";
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
                }
                b.append(sep);
                hotdesk.web.JsonText.quote(b, key);
                b.append(':');
                write(b, e.getValue());
                sep = ",";
            }
            b.append('}');
        } else if (v instanceof Iterable<?> items) {
            b.append('[');
            String sep = "";
            for (Object item : items) {
                b.append(sep);
                write(b, item);
                sep = ",";
            }
            b.append(']');
        } else {
            throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
        }
    }

    static Map<String, Object> object() {
        return new LinkedHashMap<>();
    }

    private static final java.util.regex.Pattern SHORT_DURATION = java.util.regex.Pattern.compile("(\\d{1,6})([smhd])");

    /** A duration as admins type it: {@code 90s}, {@code 5m}, {@code 24h}, {@code 7d}; empty for anything else. */
    static java.util.Optional<java.time.Duration> shortDuration(String text) {
        java.util.regex.Matcher m = SHORT_DURATION.matcher(text.strip().toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        return java.util.Optional.of(switch (m.group(2)) {
            case "s" -> java.time.Duration.ofSeconds(n);
            case "m" -> java.time.Duration.ofMinutes(n);
            case "h" -> java.time.Duration.ofHours(n);
            default -> java.time.Duration.ofDays(n);
        });
    }
}
