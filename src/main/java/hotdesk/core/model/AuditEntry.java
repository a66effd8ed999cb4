package hotdesk.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One append-only audit line.
 *
 * @param actor   who did it: {@code agi:hd-0015651234ab}, {@code cli}, {@code http:10.0.0.5}, {@code reconciler}
 * @param action  what: {@code login}, {@code login.rejected}, {@code logout}, {@code provision.fetch} …
 * @param subject what it was done to: an extension, MAC or endpoint id
 * @param detail  free text; never a secret
 */
public record AuditEntry(Instant at, String actor, String action, String subject, String detail) {
    public AuditEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        subject = subject == null ? "" : subject;
        detail = detail == null ? "" : detail;
    }
}
