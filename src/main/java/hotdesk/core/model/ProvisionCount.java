package hotdesk.core.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How many times a desk's configuration file was served since an admin last reset the count
 * ({@code provisioning.max-provisions}), as the ledger knows it: fetches still waiting in the fetch
 * journal are not in it yet.
 *
 * @param served  files served since the reset (or ever), at least 0
 * @param resetAt when an admin last reset it; empty when never
 */
public record ProvisionCount(long served, Optional<Instant> resetAt) {

    /** A desk that never fetched and was never reset. */
    public static final ProvisionCount NONE = new ProvisionCount(0, Optional.empty());

    public ProvisionCount {
        Objects.requireNonNull(resetAt, "resetAt");
        if (served < 0) {
            throw new IllegalArgumentException("served must be >= 0, got " + served);
        }
    }
}
