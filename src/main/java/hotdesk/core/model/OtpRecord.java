package hotdesk.core.model;

import java.time.Instant;
import java.util.Objects;

/** A one-time login code as stored: only its hash, its owner and its expiry. */
public record OtpRecord(long id, Extension extension, SecretHash hash, Instant expiresAt) {
    public OtpRecord {
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
