package hotdesk.core.model;

import java.time.Instant;
import java.util.Objects;

/** Who sits at a desk line right now. At most one per line and (single-login) one per user. */
public record Occupancy(String endpointId, Extension extension, Instant since, Instant lastActivity) {
    public Occupancy {
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(since, "since");
        lastActivity = lastActivity == null ? since : lastActivity;
    }
}
