package hotdesk.core.model;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UrlKeyHashTest {

    private static final String KEY = "a-site-url-key_0123456789";

    @Test
    void a_key_matches_its_own_hash_only_and_the_hash_survives_the_ledgers_hex_form() {
        UrlKeyHash h = UrlKeyHash.of(KEY);

        assertThat(h.matches(UrlKeyHash.digest(KEY))).isTrue();
        assertThat(h.matches(UrlKeyHash.digest(KEY + "x"))).isFalse();
        assertThat(h.matches(UrlKeyHash.digest(""))).isFalse();
        assertThat(h.hex()).matches("[0-9a-f]{64}").doesNotContain(KEY);
        assertThat(UrlKeyHash.fromHex(h.hex())).isEqualTo(h).hasSameHashCodeAs(h);
        assertThat(UrlKeyHash.of(KEY + "x")).isNotEqualTo(h);
    }

    @Test
    void a_key_outside_the_rules_of_the_global_key_is_refused_without_showing_it() {
        for (String bad : new String[] {"short-key", "A".repeat(129), "with space in the middle-0123", "umlaut-ü-0123456789abcdef", ""}) {
            assertThatThrownBy(() -> UrlKeyHash.of(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("url-key must be 22 to 128 of A-Z a-z 0-9 _ -")
                    .hasMessageContaining("got " + bad.length() + " characters")
                    .satisfies(e -> assertThat(bad.isEmpty() || !e.getMessage().contains(bad)).isTrue());
        }
        assertThat(UrlKeyHash.of("A".repeat(22))).isNotNull();
        assertThat(UrlKeyHash.of("A".repeat(128))).isNotNull();
        assertThatThrownBy(() -> UrlKeyHash.fromHex("ABC")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_new_key_has_128_random_bits_and_passes_the_rules_and_the_hash_never_shows_in_to_string() {
        SecureRandom random = new SecureRandom();
        String a = UrlKeyHash.newKey(random);
        String b = UrlKeyHash.newKey(random);

        assertThat(a).matches("[A-Za-z0-9_-]{22}").isNotEqualTo(b);
        assertThat(UrlKeyHash.of(a).toString()).isEqualTo("UrlKeyHash[***]");
        assertThat(new Site("HQ", "", null, null).withUrlKey(java.util.Optional.of(UrlKeyHash.of(a))).toString())
                .doesNotContain(a).doesNotContain(UrlKeyHash.of(a).hex());
    }
}
