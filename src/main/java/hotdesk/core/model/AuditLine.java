package hotdesk.core.model;

import java.util.Objects;

/**
 * An audit entry as stored, with its id: ids grow with every line written, so a page of {@link AuditQuery}
 * continues below the smallest id of the page before.
 */
public record AuditLine(long id, AuditEntry entry) {
    public AuditLine {
        Objects.requireNonNull(entry, "entry");
    }
}
