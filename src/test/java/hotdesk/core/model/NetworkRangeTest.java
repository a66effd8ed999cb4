package hotdesk.core.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetworkRangeTest {

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8, 10.200.3.4, true",
            "10.0.0.0/8, 11.0.0.1, false",
            "192.168.1.0/24, 192.168.1.255, true",
            "192.168.1.0/24, 192.168.2.1, false",
            "192.168.1.17, 192.168.1.17, true",
            "192.168.1.17, 192.168.1.18, false",
            "172.16.0.0/12, 172.31.255.255, true",
            "172.16.0.0/12, 172.32.0.0, false",
            "0.0.0.0/0, 8.8.8.8, true",
            "0.0.0.0/0, ::1, false",
            "fd00::/8, fd12:3456::1, true",
            "fd00::/8, fe80::1, false",
            "::1/128, ::1, true",
            "::1/128, [::1], true",
            "::/0, 2001:db8::1, true",
            "10.0.0.0/8, ::ffff:10.1.2.3, true",
            "fe80::/10, fe80::1%eth0, true",
            "10.0.0.0/8, not-an-address, false",
            "10.0.0.0/8, '', false",
    })
    void an_address_is_inside_a_block_only_when_its_prefix_matches(String cidr, String address, boolean inside) {
        assertThat(NetworkRange.parse(cidr).contains(address)).isEqualTo(inside);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0/8", "example.org/24", "10.0.0.0/x",
            "localhost"})
    void a_malformed_block_is_refused_naming_it(String cidr) {
        assertThatThrownBy(() -> NetworkRange.parse(cidr)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + cidr + "'");
    }
}
