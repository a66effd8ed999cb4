package hotdesk.core.policy;

import hotdesk.core.model.SecretHash;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretHasherTest {

    final SecretHasher hasher = new SecretHasher(1000, new SecureRandom());

    @Test
    void a_hash_verifies_its_secret_and_nothing_else() {
        SecretHash h = hasher.hash("4711");

        assertThat(hasher.verify("4711", h)).isTrue();
        assertThat(hasher.verify("4712", h)).isFalse();
        assertThat(hasher.verify("", h)).isFalse();
        assertThat(h.encoded()).doesNotContain("4711").startsWith("pbkdf2-sha256$1000$");
        assertThat(h.toString()).doesNotContain(h.encoded());
    }

    @Test
    void the_same_secret_hashes_differently_each_time() {
        assertThat(hasher.hash("4711")).isNotEqualTo(hasher.hash("4711"));
    }

    @Test
    void the_iteration_count_is_read_from_the_hash_so_it_can_be_raised_later() {
        SecretHash old = new SecretHasher(1000, new SecureRandom()).hash("4711");

        assertThat(new SecretHasher(5000, new SecureRandom()).verify("4711", old)).isTrue();
    }

    @Test
    void a_hash_the_jdks_own_derivation_made_verifies() {
        // Hashes stored before hotdesk derived them itself were made by the JDK's PBKDF2WithHmacSHA256.
        byte[] salt = "sixteen byte slt".getBytes(StandardCharsets.US_ASCII);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        SecretHash stored = new SecretHash("pbkdf2-sha256$1000$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(Pbkdf2Sha256.jdk("4711".toCharArray(), salt, 1000, 32)));

        assertThat(hasher.verify("4711", stored)).isTrue();
        assertThat(hasher.verify("4712", stored)).isFalse();
    }

    @Test
    void too_few_iterations_are_a_configuration_error() {
        assertThatThrownBy(() -> new SecretHasher(10, new SecureRandom())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("iterations");
    }
}
