package hotdesk.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The key of a desk line's QR sticker ({@code <public-url>/desk/<key>}) as the ledger keeps it: its
 * SHA-256 (hex), never the key. One per line; a new one replaces it.
 */
public record DeskKey(String endpointId, String keyHash, Instant created) {
    public DeskKey {
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(keyHash, "keyHash");
        Objects.requireNonNull(created, "created");
    }

    @Override
    public String toString() {
        return "DeskKey[" + endpointId + ", " + created + "]";
    }
}
