package hotdesk.core.usecase;

import hotdesk.core.model.AuditLine;
import hotdesk.core.model.AuditQuery;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.port.Ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the audit trail, newest first, a page at a time ({@code hotdesk audit}). Read-only; thread-safe.
 *
 * <p>Lines about a user are those whose subject is their extension (logins, logouts, admin changes) and
 * those that name them in their detail ({@code ext=101}: refused logins are filed under the desk). Lines
 * about a desk phone are those whose subject is its MAC or one of its lines, and those that name one of
 * its lines ({@code desk=hd-…}). A removed device's lines are not known any more: its MAC and its first
 * line's endpoint id are still matched.
 */
public final class ReadAudit {

    /** A filter as an admin gives it; null or empty fields do not filter. */
    public record Filter(Instant since, String user, String desk, String action, long beforeId, int limit) {
    }

    public sealed interface Result {
    }

    public record Page(List<AuditLine> lines, boolean more) implements Result {
    }

    public record Refused(String why) implements Result {
    }

    private final Ledger ledger;

    public ReadAudit(Ledger ledger) {
        this.ledger = ledger;
    }

    public Result read(Filter f) {
        Optional<Extension> user;
        Optional<Mac> desk;
        if (f.limit() < 1 || f.limit() > AuditQuery.MAX_PAGE) {
            return new Refused("--limit must be 1.." + AuditQuery.MAX_PAGE + ", got " + f.limit());
        }
        try {
            user = f.user() == null || f.user().isBlank() ? Optional.empty() : Optional.of(Extension.of(f.user()));
            desk = f.desk() == null || f.desk().isBlank() ? Optional.empty() : Optional.of(Mac.parse(f.desk()));
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        String action = f.action() == null ? "" : f.action().strip();
        if (!action.matches("[a-z.-]*")) {
            return new Refused("--action is an action name such as login or device.set, got '" + action + "'");
        }
        return ledger.read(tx -> {
            List<String> userSubjects = user.map(u -> List.of(u.value())).orElse(List.of());
            List<String> userMentions = user.map(u -> List.of("ext=" + u.value())).orElse(List.of());
            List<String> deskSubjects = new ArrayList<>();
            List<String> deskMentions = new ArrayList<>();
            desk.ifPresent(m -> {
                deskSubjects.add(m.value());
                List<String> lines = new ArrayList<>(tx.linesOf(m).stream().map(DeskLine::endpointId).toList());
                if (!lines.contains(m.endpointId())) {
                    lines.add(m.endpointId());
                }
                for (String line : lines) {
                    deskSubjects.add(line);
                    deskMentions.add("desk=" + line);
                }
            });
            List<AuditLine> found;
            if (user.isPresent() && desk.isPresent()) {
                // both: read the desk's lines page by page and keep those that name the user too
                found = new ArrayList<>();
                long before = f.beforeId();
                while (found.size() <= f.limit()) {
                    List<AuditLine> chunk = tx.auditPage(new AuditQuery(Optional.ofNullable(f.since()), deskSubjects,
                            deskMentions, action, before, 500));
                    for (AuditLine l : chunk) {
                        if (found.size() <= f.limit() && names(l, user.get())) {
                            found.add(l);
                        }
                    }
                    if (chunk.size() < 500) {
                        break;
                    }
                    before = chunk.get(chunk.size() - 1).id();
                }
            } else {
                List<String> subjects = new ArrayList<>(userSubjects);
                subjects.addAll(deskSubjects);
                List<String> mentions = new ArrayList<>(userMentions);
                mentions.addAll(deskMentions);
                found = tx.auditPage(new AuditQuery(Optional.ofNullable(f.since()), subjects, mentions, action,
                        f.beforeId(), f.limit() + 1));
            }
            boolean more = found.size() > f.limit();
            return new Page(more ? found.subList(0, f.limit()) : found, more);
        });
    }

    /** Whether the line is about the user: their extension is its subject or a word {@code ext=…} of its detail. */
    private static boolean names(AuditLine l, Extension user) {
        return l.entry().subject().equals(user.value()) || List.of(l.entry().detail().split(" ")).contains("ext=" + user.value());
    }
}
