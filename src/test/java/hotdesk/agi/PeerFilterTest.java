package hotdesk.agi;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PeerFilterTest {

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void the_default_allows_loopback_only() throws UnknownHostException {
        PeerFilter loopback = PeerFilter.parse(AgiSettings.LOOPBACK);

        assertThat(loopback.allows(ip("127.0.0.1"))).isTrue();
        assertThat(loopback.allows(ip("127.255.0.9"))).isTrue();
        assertThat(loopback.allows(ip("::1"))).isTrue();
        assertThat(loopback.allows(ip("10.0.0.1"))).isFalse();
        assertThat(loopback.allows(ip("::2"))).isFalse();
        assertThat(loopback.allows(null)).isFalse();
    }

    @Test
    void a_bare_address_is_that_address_only_and_prefixes_cut_where_they_say() throws UnknownHostException {
        PeerFilter f = PeerFilter.parse(List.of("192.0.2.10", "198.51.100.0/25", "2001:db8::/32"));

        assertThat(f.allows(ip("192.0.2.10"))).isTrue();
        assertThat(f.allows(ip("192.0.2.11"))).isFalse();
        assertThat(f.allows(ip("198.51.100.127"))).isTrue();
        assertThat(f.allows(ip("198.51.100.128"))).isFalse();
        assertThat(f.allows(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(f.allows(ip("2001:db9::1"))).isFalse();
    }

    @Test
    void an_ipv4_mapped_ipv6_peer_is_matched_as_ipv4() throws UnknownHostException {
        PeerFilter f = PeerFilter.parse(List.of("192.0.2.0/24"));
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(new byte[]{(byte) 192, 0, 2, 7}, 0, mapped, 12, 4);

        assertThat(f.allows(java.net.Inet6Address.getByAddress(null, mapped, -1))).isTrue();
    }

    @Test
    void everything_is_allowed_only_when_said_so() throws UnknownHostException {
        assertThat(PeerFilter.parse(List.of("0.0.0.0/0")).allows(ip("203.0.113.5"))).isTrue();
        assertThat(PeerFilter.parse(List.of("0.0.0.0/0")).allows(ip("2001:db8::1"))).isFalse();
    }
}
