package hotdesk.asteriskconf;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * An Asterisk extension as the dialplan writes it: an exact string ({@code 100}) or a pattern
 * ({@code _1XX}, {@code _[2-8]XX}, {@code _0.}), limited to what an admin needs for internal numbers:
 * the dialable characters {@code 0-9 * # +}, {@code X Z N}, character sets with ranges, and {@code .}
 * (one or more of anything) at the end. {@code !} is refused: it is for overlap dialling and matches
 * the empty rest, which makes an internal pattern swallow whatever begins with it.
 *
 * <p>Used to keep the admin's internal pattern clear of the feature codes: exact codes are safe because
 * Asterisk always prefers an exact extension, but a pattern that can match what begins with a code
 * competes with the code's own pattern, and which one wins depends on Asterisk's specificity order.
 */
final class DialPattern {

    private static final String DIALABLE = "0123456789*#+";

    /** One position: the characters it accepts, or null for {@code .} (one or more of anything). */
    private final List<BitSet> positions;
    private final boolean wildcardTail;
    private final boolean exact;

    private DialPattern(List<BitSet> positions, boolean wildcardTail, boolean exact) {
        this.positions = positions;
        this.wildcardTail = wildcardTail;
        this.exact = exact;
    }

    /** Parses {@code text}, or says why it is not an acceptable extension. */
    static DialPatternResult parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 40) {
            return DialPatternResult.problem("must be 1 to 40 characters");
        }
        if (!text.startsWith("_")) {
            List<BitSet> positions = new ArrayList<>();
            for (char c : text.toCharArray()) {
                if (DIALABLE.indexOf(c) < 0) {
                    return DialPatternResult.problem("an exact number may hold only 0-9 * # +");
                }
                positions.add(single(c));
            }
            return DialPatternResult.of(new DialPattern(positions, false, true));
        }
        List<BitSet> positions = new ArrayList<>();
        boolean wildcard = false;
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (wildcard) {
                return DialPatternResult.problem("'.' may only end the pattern");
            }
            switch (Character.toUpperCase(c)) {
                case 'X' -> positions.add(range('0', '9'));
                case 'Z' -> positions.add(range('1', '9'));
                case 'N' -> positions.add(range('2', '9'));
                case '.' -> wildcard = true;
                case '!' -> {
                    return DialPatternResult.problem("'!' (overlap dialling) is not supported; end with '.' instead");
                }
                case '[' -> {
                    int end = text.indexOf(']', i);
                    if (end < 0) {
                        return DialPatternResult.problem("'[' without ']'");
                    }
                    Optional<BitSet> set = set(text.substring(i + 1, end));
                    if (set.isEmpty()) {
                        return DialPatternResult.problem("a [set] may hold only 0-9 * # + and ranges like 2-8");
                    }
                    positions.add(set.get());
                    i = end;
                }
                default -> {
                    if (DIALABLE.indexOf(c) < 0) {
                        return DialPatternResult.problem("a pattern may hold only 0-9 * # + X Z N [sets] and a final '.'");
                    }
                    positions.add(single(c));
                }
            }
        }
        if (positions.isEmpty()) {
            return DialPatternResult.problem("a pattern needs at least one position before '.'");
        }
        return DialPatternResult.of(new DialPattern(positions, wildcard, false));
    }

    boolean isExact() {
        return exact;
    }

    /** Whether this matches {@code dialled} exactly as Asterisk would. */
    boolean matches(String dialled) {
        if (dialled.length() < positions.size() || (!wildcardTail && dialled.length() != positions.size())
                || (wildcardTail && dialled.length() == positions.size())) {
            return false;
        }
        for (int i = 0; i < positions.size(); i++) {
            if (!positions.get(i).get(dialled.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether this can match some string that begins with {@code prefix} and is longer than it. */
    boolean matchesLongerThan(String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (i == positions.size()) {
                // positions used up: only the wildcard can go on, and it accepts anything
                return wildcardTail;
            }
            if (!positions.get(i).get(prefix.charAt(i))) {
                return false;
            }
        }
        return positions.size() > prefix.length() || wildcardTail;
    }

    private static BitSet single(char c) {
        BitSet b = new BitSet(128);
        b.set(c);
        return b;
    }

    private static BitSet range(char from, char to) {
        BitSet b = new BitSet(128);
        b.set(from, to + 1);
        return b;
    }

    private static Optional<BitSet> set(String body) {
        if (body.isEmpty()) {
            return Optional.empty();
        }
        BitSet b = new BitSet(128);
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (DIALABLE.indexOf(c) < 0) {
                return Optional.empty();
            }
            if (i + 2 < body.length() && body.charAt(i + 1) == '-') {
                char to = body.charAt(i + 2);
                if (DIALABLE.indexOf(to) < 0 || to < c) {
                    return Optional.empty();
                }
                b.set(c, to + 1);
                i += 2;
            } else {
                b.set(c);
            }
        }
        // a range may span characters that are not dialable ('#'..'9' holds '$' …): keep what can be dialled
        BitSet dialable = new BitSet(128);
        DIALABLE.chars().forEach(dialable::set);
        b.and(dialable);
        return b.isEmpty() ? Optional.empty() : Optional.of(b);
    }

    /** A parsed pattern or the reason it was refused. */
    record DialPatternResult(DialPattern pattern, String problem) {
        static DialPatternResult of(DialPattern p) {
            return new DialPatternResult(p, null);
        }

        static DialPatternResult problem(String why) {
            return new DialPatternResult(null, why);
        }
    }
}
