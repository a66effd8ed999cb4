package hotdesk.testing;

import hotdesk.core.model.AuditEntry;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Counting audit lines as the fetch journal writes them: a coalesced line stands for the lines it counts. */
public final class AuditLines {

    private static final Pattern COALESCED = Pattern.compile("coalesced: (\\d+) lines from (\\S+) to (\\S+), last from .*");

    private AuditLines() {
    }

    /** How many recorded lines of {@code action} the audit log accounts for: one per line, N per coalesced line. */
    public static long accounted(List<AuditEntry> audit, String action) {
        return audit.stream().filter(a -> a.action().equals(action)).mapToLong(a -> {
            Matcher m = COALESCED.matcher(a.detail());
            return m.matches() ? Long.parseLong(m.group(1)) : 1;
        }).sum();
    }
}
