package hotdesk.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * What one node told a desk's phone about the desk's latest change: the desk revision it sent check-sync
 * for, when the first NOTIFY of that revision went out, and how many it sent. The phone's receipt is a
 * fetch of its file at or after {@code at}.
 *
 * @param sends NOTIFYs sent for this revision, at least 1
 */
public record Notice(String endpointId, long revision, Instant at, int sends) {
    public Notice {
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(at, "at");
        if (sends < 1) {
            throw new IllegalArgumentException("a notice has at least one NOTIFY, got " + sends);
        }
    }

    /** Whether a fetch at {@code fetchedAt} came after this notice (the phone acted on it). */
    public boolean answeredBy(Instant fetchedAt) {
        return fetchedAt != null && !fetchedAt.isBefore(at);
    }
}
