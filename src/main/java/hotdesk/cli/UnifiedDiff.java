package hotdesk.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts by lines ({@code diff -u} style, three lines of context), from a longest
 * common subsequence: desk files are a few hundred lines, so the quadratic table stays small; texts
 * beyond {@link #MAX_CELLS} compared cells are refused.
 */
final class UnifiedDiff {

    static final long MAX_CELLS = 16_000_000L;
    private static final int CONTEXT = 3;

    private UnifiedDiff() {
    }

    private record Op(char kind, String line, int oldNo, int newNo) {
    }

    /** The diff, empty when the texts have the same lines. */
    static String of(String oldName, String oldText, String newName, String newText) {
        List<String> a = lines(oldText);
        List<String> b = lines(newText);
        if ((long) (a.size() + 1) * (b.size() + 1) > MAX_CELLS) {
            throw new IllegalArgumentException("the files are too large to compare (" + a.size() + " and " + b.size() + " lines)");
        }
        int n = a.size();
        int m = b.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Op> ops = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                ops.add(new Op(' ', a.get(i), i++, j++));
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.add(new Op('-', a.get(i), i++, j)); // removals before additions, as diff -u prints them
            } else {
                ops.add(new Op('+', b.get(j), i, j++));
            }
        }
        StringBuilder out = new StringBuilder();
        int k = 0;
        while (k < ops.size()) {
            if (ops.get(k).kind() == ' ') {
                k++;
                continue;
            }
            int start = Math.max(0, k - CONTEXT);
            int end = k;
            // extend the hunk while the next change is within twice the context
            int last = k;
            while (end < ops.size()) {
                if (ops.get(end).kind() != ' ') {
                    last = end;
                } else if (end - last > 2 * CONTEXT) {
                    break;
                }
                end++;
            }
            end = Math.min(ops.size(), last + CONTEXT + 1);
            if (out.isEmpty()) {
                out.append("--- ").append(oldName).append('\n').append("+++ ").append(newName).append('\n');
            }
            List<Op> hunk = ops.subList(start, end);
            long oldCount = hunk.stream().filter(o -> o.kind() != '+').count();
            long newCount = hunk.stream().filter(o -> o.kind() != '-').count();
            int oldStart = hunk.get(0).oldNo() + (oldCount == 0 ? 0 : 1);
            int newStart = hunk.get(0).newNo() + (newCount == 0 ? 0 : 1);
            out.append("@@ -").append(oldStart).append(',').append(oldCount)
                    .append(" +").append(newStart).append(',').append(newCount).append(" @@\n");
            for (Op o : hunk) {
                out.append(o.kind()).append(o.line()).append('\n');
            }
            k = end;
        }
        return out.toString();
    }

    private static List<String> lines(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        String t = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return List.of(t.split("\r?\n", -1));
    }
}
