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
            // the array written one object at a time, the same bytes as json(list): 10,000 desks' objects and their
            // text are never all held at once (serve answers status --json from a 112 MB heap)
            PrintWriter out = out(spec);
            out.print('[');
            String sep = "";
            for (T item : items) {
                out.print(sep);
                out.print(json(describe.apply(item)));
                sep = ",";
            }
            out.println(']');
            out.flush();
            return ExitCodes.OK;
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
            string(b, s);
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
                string(b, key);
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

    private static void string(StringBuilder b, CharSequence s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04X", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
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
