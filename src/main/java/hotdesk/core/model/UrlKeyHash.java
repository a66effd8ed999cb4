package hotdesk.core.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The SHA-256 of a provisioning URL key (the secret path segment of {@code /provision/<key>/<file>}), as
 * a site's own key is kept in the ledger: the key itself is printed once and never stored, so a reader of
 * the ledger cannot fetch desk files with it. A plain hash is enough because a key holds at least 128
 * random bits (nobody searches 2^128). {@link #matches} compares digests in constant time. Immutable;
 * {@link #toString} shows nothing of the digest.
 */
public final class UrlKeyHash {

    /** What a URL key may be: 22 to 128 of A-Z a-z 0-9 _ - (22 base64url characters are 128 bits). */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{22,128}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private final byte[] digest;

    private UrlKeyHash(byte[] digest) {
        this.digest = digest;
    }

    /**
     * A key as it is given, or IllegalArgumentException naming {@code what} and the length (never the value:
     * it is a secret, and a near-miss would still say most of it).
     */
    public static String checkKey(String what, String key) {
        String k = key == null ? "" : key;
        if (!KEY.matcher(k).matches()) {
            throw new IllegalArgumentException(what + " must be 22 to 128 of A-Z a-z 0-9 _ - (at least 128 random bits; "
                    + "hotdesk provision url-key makes one), got " + k.length() + " characters");
        }
        return k;
    }

    /** The hash of a key that passes {@link #checkKey}; IllegalArgumentException otherwise. */
    public static UrlKeyHash of(String key) {
        return new UrlKeyHash(digest(checkKey("url-key", key)));
    }

    /** A hash as the ledger keeps it: 64 lower-case hex digits. */
    public static UrlKeyHash fromHex(String hex) {
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("not a url key hash (64 lower-case hex digits)");
        }
        return new UrlKeyHash(HexFormat.of().parseHex(hex));
    }

    /** A new random key of 128 bits: 22 base64url characters. */
    public static String newKey(SecureRandom random) {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * The SHA-256 of whatever a request presented as its key (any string: what it is does not change the work, only
     * whether there is one, which the requester knows).
     */
    public static byte[] digest(String presented) {
        if (presented.isEmpty()) {
            return NO_KEY.clone(); // most fetches present none: no digest object made per request
        }
        return sha256(presented);
    }

    private static final byte[] NO_KEY = sha256("");

    private static byte[] sha256(String presented) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(presented.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable in this JDK", e);
        }
    }

    /** Whether a presented key's {@link #digest} is this one's: compared in constant time. */
    public boolean matches(byte[] presentedDigest) {
        return MessageDigest.isEqual(digest, presentedDigest);
    }

    /** 64 lower-case hex digits, as the ledger keeps it. */
    public String hex() {
        return HexFormat.of().formatHex(digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UrlKeyHash other && MessageDigest.isEqual(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "UrlKeyHash[***]";
    }
}
