package hotdesk.agi;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The peers FastAGI serves ({@code agi.allowed-peers}): IPv4 and IPv6 CIDR blocks, a bare address being a
 * /32 or /128. Only literals are accepted, never host names (no DNS at start or per connection). An
 * IPv4-mapped IPv6 peer ({@code ::ffff:10.0.0.1}) is matched as the IPv4 address it is. Immutable.
 */
final class PeerFilter {

    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private record Block(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            return address.length == network.length && Arrays.equals(mask(address, prefix), network);
        }
    }

    private final List<Block> blocks;
    private final List<String> text;

    private PeerFilter(List<Block> blocks, List<String> text) {
        this.blocks = blocks;
        this.text = text;
    }

    /** Parses the list; throws IllegalArgumentException naming {@code agi.allowed-peers} and the bad entry. */
    static PeerFilter parse(List<String> cidrs) {
        if (cidrs == null || cidrs.isEmpty()) {
            throw new IllegalArgumentException("agi.allowed-peers must list at least one network (e.g. 127.0.0.0/8), got none");
        }
        List<Block> blocks = new ArrayList<>();
        for (String cidr : cidrs) {
            blocks.add(block(cidr));
        }
        return new PeerFilter(List.copyOf(blocks), cidrs.stream().map(String::strip).toList());
    }

    private static Block block(String cidr) {
        String t = cidr == null ? "" : cidr.strip();
        int slash = t.indexOf('/');
        String addressText = slash < 0 ? t : t.substring(0, slash);
        byte[] address = literal(addressText);
        if (address == null) {
            throw new IllegalArgumentException("agi.allowed-peers must list IP networks such as 192.0.2.10/32, got '" + cidr + "'");
        }
        int max = address.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            prefix = p.matches("[0-9]{1,3}") ? Integer.parseInt(p) : -1;
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("agi.allowed-peers prefix length must be 0.." + max + " in '" + cidr + "'");
            }
        }
        return new Block(mask(address, prefix), prefix);
    }

    private static byte[] literal(String text) {
        if (!LITERAL.matcher(text).matches() || (text.indexOf(':') < 0 && text.chars().filter(c -> c == '.').count() != 3)) {
            return null;
        }
        try {
            return unmapped(InetAddress.getByName(text)); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The address bytes, an IPv4-mapped IPv6 address reduced to its IPv4 part. */
    private static byte[] unmapped(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address && b.length == 16) {
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                return Arrays.copyOfRange(b, 12, 16);
            }
        }
        return b;
    }

    boolean allows(InetAddress peer) {
        if (peer == null) {
            return false;
        }
        byte[] address = unmapped(peer);
        return blocks.stream().anyMatch(b -> b.contains(address));
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xff << (8 - bits)));
        }
        return out;
    }

    @Override
    public String toString() {
        return String.join(",", text);
    }
}
