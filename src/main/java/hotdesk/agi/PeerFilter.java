package hotdesk.agi;

import hotdesk.core.model.NetworkRange;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The peers FastAGI serves ({@code agi.allowed-peers}): IPv4 and IPv6 CIDR blocks ({@link NetworkRange}), a
 * bare address being a /32 or /128, literals only (no DNS at start or per connection). Immutable.
 */
final class PeerFilter {

    private final List<NetworkRange> blocks;
    private final List<String> text;

    private PeerFilter(List<NetworkRange> blocks, List<String> text) {
        this.blocks = blocks;
        this.text = text;
    }

    /** Parses the list; throws IllegalArgumentException naming {@code agi.allowed-peers} and the bad entry. */
    static PeerFilter parse(List<String> cidrs) {
        if (cidrs == null || cidrs.isEmpty()) {
            throw new IllegalArgumentException("agi.allowed-peers must list at least one network (e.g. 127.0.0.0/8), got none");
        }
        List<NetworkRange> blocks = new ArrayList<>();
        for (String cidr : cidrs) {
            try {
                blocks.add(NetworkRange.parse(cidr));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("agi.allowed-peers must list IP networks such as 192.0.2.10/32: "
                        + e.getMessage(), e);
            }
        }
        return new PeerFilter(List.copyOf(blocks), cidrs.stream().map(String::strip).toList());
    }

    boolean allows(InetAddress peer) {
        return peer != null && blocks.stream().anyMatch(b -> b.contains(peer));
    }

    @Override
    public String toString() {
        return String.join(",", text);
    }
}
