package hotdesk.core.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An emergency call as hotdesk announces it: the call, who the ledger says sat at the desk, when
 * hotdesk heard of it and which node did.
 *
 * @param occupant   the desk's occupant by the ledger; empty for a free desk and when the ledger could
 *                   not be read ({@code occupantKnown} tells which)
 * @param occupantKnown false when the ledger could not be asked (then nobody knows who sat there)
 */
public record EmergencyAlert(EmergencyCall call, Optional<Occupant> occupant, boolean occupantKnown, Instant seenAt,
                             String node) {

    /** Who sat at the desk: the extension and the name, nothing secret. */
    public record Occupant(String extension, String name) {
        public Occupant {
            Objects.requireNonNull(extension, "extension");
            name = name == null ? "" : name;
        }
    }

    public EmergencyAlert {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(occupant, "occupant");
        Objects.requireNonNull(seenAt, "seenAt");
        node = node == null ? "" : node;
        if (occupant.isPresent() && !occupantKnown) {
            throw new IllegalArgumentException("an occupant that is not known cannot be given");
        }
    }
}
