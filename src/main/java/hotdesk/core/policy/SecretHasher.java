package hotdesk.core.policy;

import hotdesk.core.model.SecretHash;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

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
        return hash(secret, salt);
    }

    /** Constant-time check of {@code secret} against {@code hash} (iterations are read from the hash). */
    public boolean verify(String secret, SecretHash hash) {
        return matcher(secret).matches(hash);
    }

    /** The most iterations a stored hash may name: {@code security.*-iterations}' own bound. */
    public static final int MAX_ITERATIONS = 10_000_000;

    /**
     * Whether {@code hash} can be checked at all: a count of 1 to {@link #MAX_ITERATIONS}, a salt and a hash in Base64.
     * One that cannot (a ledger row edited by hand, cut short, from a foreign tool) matches no secret and gives no salt;
     * its count is never believed beyond the bound, so such a row cannot make a login derive for hours.
     */
    public static boolean readable(SecretHash hash) {
        return Parts.of(hash) != null;
    }

    /**
     * The fields of {@code pbkdf2-sha256$<iterations>$<salt-b64>$<hash-b64>}, as written by {@link Matcher#hash(byte[])}.
     * {@code saltText} is the salt as stored: with the count, the key a {@link Matcher} keeps a derivation under.
     */
    private record Parts(int iterations, String saltText, byte[] salt, byte[] hash) {
        /** The parts, or null where they are not as this class writes them. */
        static Parts of(SecretHash h) {
            String[] p = h.encoded().split("\\$", -1);
            try {
                int iterations = Integer.parseInt(p[1]);
                byte[] salt = B64D.decode(p[2]);
                byte[] hash = B64D.decode(p[3]);
                if (iterations < 1 || iterations > MAX_ITERATIONS || salt.length == 0 || hash.length == 0) {
                    return null;
                }
                return new Parts(iterations, p[2], salt, hash);
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) { // NumberFormatException too
                return null;
            }
        }
    }

    /** A code salt is reused by the codes issued within this long after it was drawn ({@link #codeSalt}). */
    public static final Duration CODE_SALT_LIFETIME = Duration.ofMinutes(10);

    /**
     * The salt for a new one-time code: the newest salt among {@code live} (the live codes' hashes) drawn within
     * {@link #CODE_SALT_LIFETIME} before {@code now}, else a new one. Codes live at the same time then share one salt
     * (two when two nodes draw at once, more only across the lifetime's turn), so a typed code is hashed once per salt
     * and compared with every live code ({@link #matcher}), where a salt of its own per code cost one derivation per
     * live code to log in by code and to check a new code against the others: with codes issued at a rush, work that
     * grew with the square of the codes live. A copy of the ledger then gives, per guess, every live code of a salt
     * at once instead of one; a guess costs what it did. Such a salt's first 8 bytes are random, its last 8 the second
     * it was drawn; a fully random salt (every code before salts were shared) is taken up only if its last 8 bytes
     * happen to read as a second in that window, about once in 10^16.
     */
    public byte[] codeSalt(Collection<SecretHash> live, Instant now) {
        byte[] newest = null;
        long newestAt = Long.MIN_VALUE;
        long from = now.minus(CODE_SALT_LIFETIME).getEpochSecond();
        long to = now.plusSeconds(60).getEpochSecond(); // another node's clock a little ahead
        for (SecretHash h : live) {
            Parts parts = Parts.of(h);
            if (parts == null || parts.salt().length != SALT_BYTES) {
                continue;
            }
            byte[] salt = parts.salt();
            long at = ByteBuffer.wrap(salt, 8, 8).getLong();
            if (at >= from && at <= to && at > newestAt) {
                newest = salt;
                newestAt = at;
            }
        }
        if (newest != null) {
            return newest;
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        ByteBuffer.wrap(salt, 8, 8).putLong(now.getEpochSecond());
        return salt;
    }

    /** {@code secret}'s hash with the given salt ({@link #codeSalt}) at this hasher's iterations. */
    public SecretHash hash(String secret, byte[] salt) {
        return matcher(secret).hash(salt);
    }

    /** Compares {@code secret} with many hashes, deriving it once per salt and iteration count among them. */
    public Matcher matcher(String secret) {
        return new Matcher(secret == null ? "" : secret, iterations);
    }

    /**
     * One typed secret compared with many hashes, each in constant time, and hashed with a salt of its own: a
     * derivation made for one is not made again for the other (a new code checked against the live codes of the salt
     * it is then stored with). Not thread-safe.
     */
    public static final class Matcher {
        private final String secret;
        private final int iterations;
        private final Map<String, byte[]> derived = new HashMap<>();

        private Matcher(String secret, int iterations) {
            this.secret = secret;
            this.iterations = iterations;
        }

        /** The secret's hash with {@code salt} at its hasher's iterations, as {@link SecretHasher#hash(String, byte[])}. */
        public SecretHash hash(byte[] salt) {
            String saltText = B64.encodeToString(salt);
            byte[] h = derivedOnce(iterations, saltText, salt);
            return new SecretHash("pbkdf2-sha256$" + iterations + "$" + saltText + "$" + B64.encodeToString(h));
        }

        /** Whether the secret is the one {@code hash} was made from; false for a hash that is not {@link #readable}. */
        public boolean matches(SecretHash hash) {
            Parts p = Parts.of(hash);
            if (p == null) {
                return false;
            }
            byte[] actual = derivedOnce(p.iterations(), p.saltText(), p.salt());
            return MessageDigest.isEqual(p.hash(), actual);
        }

        private byte[] derivedOnce(int count, String saltText, byte[] salt) {
            return derived.computeIfAbsent(count + "$" + saltText, k -> derive(secret, salt, count));
        }

        /** How many derivations the comparisons and hashes so far cost: one per count and salt, each kept. */
        public int derivations() {
            return derived.size();
        }
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
