package hotdesk.core.model;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 CIDR block ({@code 10.0.0.0/8}, {@code fd00::/8}; a bare address is a /32 or /128),
 * for every allow-list of the product (provisioning networks, FastAGI peers). Only literals, never host
 * names (no DNS lookup at start or per request). An IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1})
 * is matched as the IPv4 address it is. Immutable.
 */
public final class NetworkRange {

    // only literals: InetAddress.getByName would resolve a host name through DNS
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    private final byte[] network;
    private final int prefix;
    private final String text;

    private NetworkRange(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /** Parses a CIDR; throws IllegalArgumentException naming the input. */
    public static NetworkRange parse(String cidr) {
        String t = cidr == null ? "" : cidr.strip();
        int slash = t.indexOf('/');
        String addressText = slash < 0 ? t : t.substring(0, slash);
        byte[] address = literal(addressText)
                .orElseThrow(() -> new IllegalArgumentException("not an IP network: '" + cidr + "'")).getAddress();
        int max = address.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IP network: '" + cidr + "'");
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("prefix length must be 0.." + max + " in '" + cidr + "'");
            }
        }
        return new NetworkRange(mask(address, prefix), prefix, t);
    }

    /** Whether the literal address (as a servlet container reports it) lies in this block. */
    public boolean contains(String addressText) {
        return literal(addressText).map(this::contains).orElse(false);
    }

    /** Whether the address lies in this block (false for null). */
    public boolean contains(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] bytes = unmapped(address);
        if (bytes.length != network.length) {
            return false;
        }
        // asked for every fetch: compared under the mask in place, no masked copy
        for (int i = 0; i < bytes.length; i++) {
            if (((bytes[i] ^ network[i]) & maskByte(prefix, i)) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The network mask's byte {@code i} for a prefix of {@code prefix} bits. */
    private static int maskByte(int prefix, int i) {
        int bits = Math.max(0, Math.min(8, prefix - i * 8));
        return (0xff << (8 - bits)) & 0xff;
    }

    /** The address bytes, an IPv4-mapped IPv6 address reduced to its IPv4 part. */
    private static byte[] unmapped(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16) {
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                return java.util.Arrays.copyOfRange(b, 12, 16);
            }
        }
        return b;
    }

    /** The address a literal names, empty for anything else (host names included: no lookup). */
    public static java.util.Optional<InetAddress> literal(String text) {
        if (text == null) {
            return java.util.Optional.empty();
        }
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        int zone = t.indexOf('%');
        if (zone >= 0) {
            t = t.substring(0, zone);
        }
        if (t.isEmpty() || !LITERAL.matcher(t).matches() || (t.indexOf(':') < 0 && t.chars().filter(c -> c == '.').count() != 3)) {
            return java.util.Optional.empty();
        }
        try {
            // IPv4-mapped IPv6 (::ffff:10.0.0.1) comes back as an Inet4Address, so it matches v4 blocks
            return java.util.Optional.of(InetAddress.getByName(t));
        } catch (UnknownHostException e) {
            return java.util.Optional.empty();
        }
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (out[i] & maskByte(prefix, i));
        }
        return out;
    }

    @Override
    public String toString() {
        return text;
    }
}
