package hotdesk.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which audit lines to read, newest first, one page at a time.
 *
 * <p>With {@code subjects} and {@code mentions} both empty every line matches; otherwise a line matches
 * when its subject is one of {@code subjects} or its detail has one of {@code mentions} as a whole
 * word (space-separated: {@code desk=hd-0015651234ab} matches the word, not {@code desk=hd-0015651234ab-2}).
 *
 * @param since    only lines at or after this instant
 * @param subjects subjects to match exactly (an extension, a MAC, an endpoint id)
 * @param mentions words of the detail to match ({@code ext=101}, {@code desk=hd-…})
 * @param action   only this action and its sub-actions ({@code login} matches {@code login.rejected}); empty: all
 * @param beforeId only lines with a smaller id (the next page after a line); 0 or less: from the newest
 * @param limit    at most this many lines, 1 to {@link #MAX_PAGE} + 1 (a reader of the largest page asks one line more
 *                 to know whether another page follows)
 */
public record AuditQuery(Optional<Instant> since, List<String> subjects, List<String> mentions, String action,
                         long beforeId, int limit) {
    /** The largest page an admin may ask for ({@code audit --limit}). */
    public static final int MAX_PAGE = 10_000;

    public AuditQuery {
        Objects.requireNonNull(since, "since");
        subjects = List.copyOf(subjects);
        mentions = List.copyOf(mentions);
        action = action == null ? "" : action;
        if (limit < 1 || limit > MAX_PAGE + 1) {
            throw new IllegalArgumentException("limit must be 1.." + (MAX_PAGE + 1) + ", got " + limit);
        }
        for (String m : mentions) {
            if (m.isEmpty() || m.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("a mention is one word, got '" + m + "'");
            }
        }
    }

    /** Every line, newest first. */
    public static AuditQuery all(int limit) {
        return new AuditQuery(Optional.empty(), List.of(), List.of(), "", 0, limit);
    }

    /** Whether {@code line} matches everything but the page bounds ({@code beforeId}, {@code limit}). */
    public boolean matches(AuditEntry line) {
        if (since.isPresent() && line.at().isBefore(since.get())) {
            return false;
        }
        if (!action.isEmpty() && !line.action().equals(action) && !line.action().startsWith(action + ".")) {
            return false;
        }
        if (subjects.isEmpty() && mentions.isEmpty()) {
            return true;
        }
        if (subjects.contains(line.subject())) {
            return true;
        }
        List<String> words = List.of(line.detail().split(" "));
        return mentions.stream().anyMatch(words::contains);
    }
}
