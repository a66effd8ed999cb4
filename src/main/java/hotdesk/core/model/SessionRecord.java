package hotdesk.core.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A desk session as the history holds it: who sat at which desk line from when to when, and why it
 * ended. An open session (still seated) has no end and no reason.
 */
public record SessionRecord(String endpointId, Extension extension, Instant start, Optional<Instant> end,
                            Optional<EndReason> reason) {
    public SessionRecord {
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(reason, "reason");
    }

    public static SessionRecord ended(String endpointId, Extension extension, Instant start, Instant end, EndReason reason) {
        return new SessionRecord(endpointId, extension, start, Optional.of(end), Optional.of(reason));
    }

    public static SessionRecord open(Occupancy o) {
        return new SessionRecord(o.endpointId(), o.extension(), o.since(), Optional.empty(), Optional.empty());
    }
}
