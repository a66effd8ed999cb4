package hotdesk.core.model;

import java.util.Objects;

/**
 * One SIP account of a desk device. An IP phone has one line (port 1, endpoint {@code hd-<mac>});
 * an analog gateway has one per port ({@code hd-<mac>-<port>}). The phone registers with this
 * account forever; a login changes what the endpoint means, never its credentials.
 */
public record DeskLine(String endpointId, Mac mac, int port, String secret) {
    public DeskLine {
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(secret, "secret");
        if (port < 1) {
            throw new IllegalArgumentException("port must be >= 1, got " + port);
        }
    }

    public static String endpointIdFor(Mac mac, int port) {
        return port == 1 ? mac.endpointId() : mac.endpointId() + "-" + port;
    }

    @Override
    public String toString() {
        return "DeskLine[" + endpointId + "]";
    }
}
