package hotdesk.core.policy;

import hotdesk.core.model.SecretHash;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Salted PBKDF2-HMAC-SHA256 hashing of PINs and one-time codes, compared in constant time.
 *
 * <p>For 4–8 digit secrets the lockout protects more than the hash; the iteration count keeps an
 * offline attacker from reading every PIN of a stolen database at a glance while a login stays
 * cheap. The derivation is {@link Pbkdf2Sha256}'s: the JDK's PBKDF2WithHmacSHA256 answer at about two
 * thirds of its CPU.
 * Thread-safe.
 */
public final class SecretHasher {

    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final int iterations;
    private final SecureRandom random;
    private final SecretHash dummy;

    public SecretHasher(int iterations, SecureRandom random) {
        if (iterations < 1000) {
            throw new IllegalArgumentException("PBKDF2 iterations must be >= 1000, got " + iterations);
        }
        this.iterations = iterations;
        this.random = random;
        this.dummy = hash("not-a-real-secret");
    }

    public SecretHash hash(String secret) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] h = derive(secret, salt, iterations);
        return new SecretHash("pbkdf2-sha256$" + iterations + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(h));
    }

    /** Constant-time check of {@code secret} against {@code hash} (iterations are read from the hash). */
    public boolean verify(String secret, SecretHash hash) {
        String[] parts = hash.encoded().split("\\$");
        int its = Integer.parseInt(parts[1]);
        byte[] salt = B64D.decode(parts[2]);
        byte[] expected = B64D.decode(parts[3]);
        byte[] actual = derive(secret == null ? "" : secret, salt, its);
        return MessageDigest.isEqual(expected, actual);
    }

    /** Spends the time of one verification, so an unknown user answers as slowly as a wrong PIN. */
    public void verifyNothing(String secret) {
        verify(secret, dummy);
    }

    private static byte[] derive(String secret, byte[] salt, int iterations) {
        char[] chars = secret.toCharArray();
        try {
            return Pbkdf2Sha256.derive(chars, salt, iterations, HASH_BITS / 8);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }
}
