package hotdesk.asteriskconf;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Which extension of a loaded dialplan takes a dialled number, searched as Asterisk searches it: a
 * context's own extensions first (any of them that matches wins over every include, whatever the
 * pattern), then each {@code include} in order, depth first, each context once. Used by
 * {@code hotdesk doctor} to find an admin's extension that takes a feature code before
 * {@code hotdesk-codes} can. Pure; the contexts come from the caller (e.g. AMI ShowDialPlan).
 */
public final class DialplanSearch {

    /** A context as loaded: its own extensions (exact or {@code _pattern}) and its includes, in order. */
    public record Context(List<String> extensions, List<String> includes) {
        public Context {
            extensions = List.copyOf(extensions);
            includes = List.copyOf(includes);
        }
    }

    /** The extension that takes the number, and the context it is written in. */
    public record Hit(String context, String extension) {
    }

    private final Function<String, Optional<Context>> contexts;

    /** @param contexts a context by name, empty when Asterisk has none of that name */
    public DialplanSearch(Function<String, Optional<Context>> contexts) {
        this.contexts = contexts;
    }

    /** The extension Asterisk runs for {@code dialled} in {@code context}, empty when none matches. */
    public Optional<Hit> find(String context, String dialled) {
        return find(context, dialled, new HashSet<>());
    }

    private Optional<Hit> find(String name, String dialled, Set<String> seen) {
        if (!seen.add(name)) {
            return Optional.empty();
        }
        Optional<Context> c = contexts.apply(name);
        if (c.isEmpty()) {
            return Optional.empty();
        }
        for (String e : c.get().extensions()) {
            if (matches(e, dialled)) {
                return Optional.of(new Hit(name, e));
            }
        }
        for (String include : c.get().includes()) {
            // "include => ctx,<time spec>" is listed with its condition after a comma or pipe
            String target = include.split("[,|]", 2)[0].trim();
            Optional<Hit> hit = find(target, dialled, seen);
            if (hit.isPresent()) {
                return hit;
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the extension matches the whole dialled string as Asterisk matches it: exact text, or
     * after {@code _} the pattern characters {@code X} (0-9), {@code Z} (1-9), {@code N} (2-9),
     * {@code [sets]} with ranges, {@code .} (one or more of anything), {@code !} (zero or more);
     * dashes are ignored, and a caller-ID part ({@code /…}) is left out (it could only narrow the match).
     */
    public static boolean matches(String extension, String dialled) {
        String ext = extension;
        int slash = ext.indexOf('/');
        if (slash > 0) {
            ext = ext.substring(0, slash);
        }
        if (!ext.startsWith("_")) {
            return ext.replace("-", "").equals(dialled.replace("-", ""));
        }
        return match(ext, 1, dialled, 0);
    }

    private static boolean match(String p, int i, String d, int j) {
        while (i < p.length()) {
            char c = p.charAt(i);
            switch (Character.toUpperCase(c)) {
                case '.' -> {
                    return j < d.length();
                }
                case '!' -> {
                    return true;
                }
                case '-' -> {
                    i++;
                    continue;
                }
                default -> {
                }
            }
            if (j >= d.length()) {
                return false;
            }
            char x = d.charAt(j);
            if (c == '[') {
                int end = p.indexOf(']', i);
                if (end < 0 || !inSet(p.substring(i + 1, end), x)) {
                    return false;
                }
                i = end + 1;
                j++;
                continue;
            }
            boolean ok = switch (Character.toUpperCase(c)) {
                case 'X' -> x >= '0' && x <= '9';
                case 'Z' -> x >= '1' && x <= '9';
                case 'N' -> x >= '2' && x <= '9';
                default -> String.valueOf(c).toLowerCase(Locale.ROOT).equals(String.valueOf(x).toLowerCase(Locale.ROOT));
            };
            if (!ok) {
                return false;
            }
            i++;
            j++;
        }
        return j == d.length();
    }

    private static boolean inSet(String body, char x) {
        for (int k = 0; k < body.length(); k++) {
            char from = body.charAt(k);
            if (k + 2 < body.length() && body.charAt(k + 1) == '-') {
                if (x >= from && x <= body.charAt(k + 2)) {
                    return true;
                }
                k += 2;
            } else if (from == x) {
                return true;
            }
        }
        return false;
    }
}
