package hotdesk.core.policy;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * PBKDF2 with HMAC-SHA256 (RFC 8018, section 5.2), answering what the JDK's {@code PBKDF2WithHmacSHA256} answers
 * for the same password, salt, count and length, at about two thirds of its CPU ({@code scripts/bench-pin-hash}).
 *
 * <p>HMAC hashes the key's inner and outer blocks before every message. The JDK's HMAC does that again for each of
 * the count's iterations: four SHA-256 compressions per iteration. Here the two blocks are hashed once per
 * derivation and each iteration continues from copies of those two digests: two compressions per iteration. The
 * password is encoded as the JDK encodes it (UTF-8, a lone surrogate as {@code ?}). Where the SHA-256 digest cannot be
 * copied (another provider), the JDK's derivation runs instead. Thread-safe: nothing is shared between calls.
 */
final class Pbkdf2Sha256 {

    private static final int BLOCK = 64;
    private static final int LENGTH = 32;
    private static final boolean COPYABLE = copyable();

    private Pbkdf2Sha256() {
    }

    /** {@code keyBytes} bytes derived from {@code password} and {@code salt} with {@code iterations} (≥ 1). */
    static byte[] derive(char[] password, byte[] salt, int iterations, int keyBytes) {
        return derive(password, salt, iterations, keyBytes, COPYABLE);
    }

    /**
     * {@link #derive(char[], byte[], int, int)} as on a JDK whose SHA-256 digest can ({@code copyable}) or cannot be
     * copied; tests take the second path on any JDK.
     */
    static byte[] derive(char[] password, byte[] salt, int iterations, int keyBytes, boolean copyable) {
        if (iterations < 1 || keyBytes < 1) {
            throw new IllegalArgumentException("iterations and key length must be positive");
        }
        if (!copyable) {
            return jdk(password, salt, iterations, keyBytes);
        }
        byte[] secret = utf8(password);
        try {
            return derive(secret, salt, iterations, keyBytes);
        } catch (DigestException | CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digest failed", e);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The JDK's own derivation, the reference this class answers as. */
    static byte[] jdk(char[] password, byte[] salt, int iterations, int keyBytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, keyBytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable in this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    private static byte[] derive(byte[] secret, byte[] salt, int iterations, int keyBytes)
            throws DigestException, CloneNotSupportedException {
        MessageDigest inner = sha256();
        MessageDigest outer = sha256();
        byte[] key = secret.length > BLOCK ? sha256().digest(secret) : secret;
        byte[] pad = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            pad[i] = (byte) ((i < key.length ? key[i] : 0) ^ 0x36);
        }
        inner.update(pad);
        for (int i = 0; i < BLOCK; i++) {
            pad[i] ^= 0x36 ^ 0x5c;
        }
        outer.update(pad);
        Arrays.fill(pad, (byte) 0);
        if (key != secret) {
            Arrays.fill(key, (byte) 0);
        }

        byte[] out = new byte[keyBytes];
        byte[] u = new byte[LENGTH];
        byte[] t = new byte[LENGTH];
        byte[] index = new byte[4];
        for (int block = 1, at = 0; at < keyBytes; block++, at += LENGTH) {
            index[0] = (byte) (block >>> 24);
            index[1] = (byte) (block >>> 16);
            index[2] = (byte) (block >>> 8);
            index[3] = (byte) block;
            MessageDigest d = (MessageDigest) inner.clone();
            d.update(salt);
            d.update(index);
            d.digest(u, 0, LENGTH);
            d = (MessageDigest) outer.clone();
            d.update(u);
            d.digest(u, 0, LENGTH);
            System.arraycopy(u, 0, t, 0, LENGTH);
            for (int i = 1; i < iterations; i++) {
                d = (MessageDigest) inner.clone();
                d.update(u);
                d.digest(u, 0, LENGTH);
                d = (MessageDigest) outer.clone();
                d.update(u);
                d.digest(u, 0, LENGTH);
                for (int k = 0; k < LENGTH; k++) {
                    t[k] ^= u[k];
                }
            }
            System.arraycopy(t, 0, out, at, Math.min(LENGTH, keyBytes - at));
        }
        Arrays.fill(u, (byte) 0);
        Arrays.fill(t, (byte) 0);
        return out;
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable in this JDK", e);
        }
    }

    private static boolean copyable() {
        try {
            sha256().clone();
            return true;
        } catch (CloneNotSupportedException e) {
            return false;
        }
    }
}
