package hotdesk.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One configuration fetch by a desk phone, as the ledger records it: the receipt that the phone read its
 * file again.
 *
 * @param remoteAddress the TCP peer that fetched
 * @param userAgent     what it called itself, control characters already replaced
 */
public record ConfigFetch(Mac mac, Instant at, String remoteAddress, String userAgent) {
    public ConfigFetch {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(at, "at");
        remoteAddress = remoteAddress == null ? "" : remoteAddress;
        userAgent = userAgent == null ? "" : userAgent;
    }
}
