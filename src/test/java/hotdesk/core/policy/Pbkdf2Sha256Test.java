package hotdesk.core.policy;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Pbkdf2Sha256Test {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void answers_the_published_test_vectors() {
        // RFC 7914, section 11: PBKDF2-HMAC-SHA256 of P="passwd", S="salt", c=1 and of P="Password", S="NaCl",
        // c=80000, dkLen=64 each (two blocks of output).
        assertThat(HEX.formatHex(Pbkdf2Sha256.derive("passwd".toCharArray(), bytes("salt"), 1, 64))).isEqualTo(
                "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                        + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
        assertThat(HEX.formatHex(Pbkdf2Sha256.derive("Password".toCharArray(), bytes("NaCl"), 80_000, 64))).isEqualTo(
                "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                        + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
    }

    @Test
    void answers_what_the_jdk_answers_for_every_kind_of_password_salt_count_and_length() {
        String[] passwords = {
                "", "0", "4711", "123456", "Ünïcödé – €", "\uD83D\uDE00 emoji", "half \uD800 a pair", "\uDC00",
                "x".repeat(63), "y".repeat(64), "z".repeat(65), "long " + "pin ".repeat(40)
        };
        int[] counts = {1, 2, 3, 1000};
        int[] lengths = {1, 16, 31, 32, 33, 64, 100};
        Random random = new Random(4711);
        for (String password : passwords) {
            for (int count : counts) {
                for (int length : lengths) {
                    byte[] salt = new byte[1 + random.nextInt(80)];
                    random.nextBytes(salt);
                    assertThat(Pbkdf2Sha256.derive(password.toCharArray(), salt, count, length))
                            .as("password %s, salt of %d bytes, count %d, length %d", password, salt.length, count,
                                    length)
                            .isEqualTo(Pbkdf2Sha256.jdk(password.toCharArray(), salt, count, length));
                }
            }
        }
    }

    @Test
    void where_the_digest_cannot_be_copied_the_jdks_derivation_answers_the_same() {
        // the path for a JDK whose SHA-256 provider refuses clone(): same vectors, same checks, same answers
        assertThat(HEX.formatHex(Pbkdf2Sha256.derive("passwd".toCharArray(), bytes("salt"), 1, 64, false))).isEqualTo(
                "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                        + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
        byte[] salt = bytes("a salt of its own");
        for (String password : new String[] {"", "4711", "Ünïcödé – €", "half \uD800 a pair", "z".repeat(65)}) {
            assertThat(Pbkdf2Sha256.derive(password.toCharArray(), salt, 1000, 32, false)).as(password)
                    .isEqualTo(Pbkdf2Sha256.derive(password.toCharArray(), salt, 1000, 32, true));
        }
        assertThatThrownBy(() -> Pbkdf2Sha256.derive("4711".toCharArray(), bytes("salt"), 0, 32, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("iterations");
        char[] password = "4711".toCharArray();
        Pbkdf2Sha256.derive(password, bytes("salt"), 2, 32, false);
        assertThat(password).containsExactly('4', '7', '1', '1');
    }

    @Test
    void the_callers_password_is_left_as_it_was() {
        char[] password = "4711".toCharArray();

        Pbkdf2Sha256.derive(password, bytes("salt"), 2, 32);

        assertThat(password).containsExactly('4', '7', '1', '1');
    }

    @Test
    void a_count_or_length_below_one_is_refused() {
        assertThatThrownBy(() -> Pbkdf2Sha256.derive("4711".toCharArray(), bytes("salt"), 0, 32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("iterations");
        assertThatThrownBy(() -> Pbkdf2Sha256.derive("4711".toCharArray(), bytes("salt"), 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length");
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
