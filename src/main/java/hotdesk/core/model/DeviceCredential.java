package hotdesk.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A desk phone's provisioning password as the ledger keeps it: its SHA-256 (hex), never the password.
 * One per device; a new one replaces it. The user name is derived from the MAC ({@link #userFor}).
 */
public record DeviceCredential(Mac mac, String secretHash, Instant created) {
    public DeviceCredential {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(created, "created");
        if (secretHash == null || !secretHash.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a device credential's hash must be 64 lower-case hex digits");
        }
    }

    /** The user name a phone authenticates with: {@code hd-<mac>}, as its SIP account. */
    public static String userFor(Mac mac) {
        return "hd-" + mac.value();
    }

    @Override
    public String toString() {
        return "DeviceCredential[" + mac + ", " + created + "]";
    }
}
