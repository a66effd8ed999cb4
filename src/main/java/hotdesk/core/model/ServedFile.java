package hotdesk.core.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a desk phone last got for one of its files, as the ledger keeps it for {@code provision diff}:
 * the file with every secret masked as {@code provision render} masks it, never a secret itself.
 *
 * @param mac           the desk
 * @param fileName      the name the phone asked for ({@code 0015651234ab.cfg})
 * @param servedAt      when it was served
 * @param maskedText    the masked file; empty when it was longer than {@link #MAX_TEXT} characters
 * @param maskedDigest  SHA-256 (hex) of the masked file's UTF-8 bytes, whatever its length
 * @param secretsDigest SHA-256 (hex) of the desk's line secrets it carried, salted with the MAC
 *                      ({@link #secretsDigest(Mac, java.util.List)})
 */
public record ServedFile(Mac mac, String fileName, Instant servedAt, Optional<String> maskedText, String maskedDigest,
                         String secretsDigest) {

    /** The longest masked file kept as text; desk files are a few KB. */
    public static final int MAX_TEXT = 65_536;

    public ServedFile {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(servedAt, "servedAt");
        Objects.requireNonNull(maskedText, "maskedText");
        if (fileName == null || fileName.isEmpty() || fileName.length() > 100) {
            throw new IllegalArgumentException("fileName must have 1 to 100 characters, got " + fileName);
        }
        if (maskedText.isPresent() && maskedText.get().length() > MAX_TEXT) {
            throw new IllegalArgumentException("maskedText longer than " + MAX_TEXT + " characters: " + maskedText.get().length());
        }
        if (!hex64(maskedDigest) || !hex64(secretsDigest)) {
            throw new IllegalArgumentException("digests must be 64 lower-case hex characters");
        }
    }

    /** This record served again at {@code at}. */
    public ServedFile at(Instant at) {
        return new ServedFile(mac, fileName, at, maskedText, maskedDigest, secretsDigest);
    }

    /** This record with the given masked text (which must be the text its digest was made of) or none. */
    public ServedFile withText(Optional<String> text) {
        return new ServedFile(mac, fileName, servedAt, text, maskedDigest, secretsDigest);
    }

    /** A served file from its masked text and the secrets it carried (kept only as a digest). */
    public static ServedFile of(Mac mac, String fileName, Instant servedAt, String maskedText, java.util.List<String> secrets) {
        return new ServedFile(mac, fileName, servedAt,
                maskedText.length() > MAX_TEXT ? Optional.empty() : Optional.of(maskedText),
                sha256(maskedText), secretsDigest(mac, secrets));
    }

    /**
     * The digest of a desk's line secrets as a file carried them: SHA-256 over the MAC and each secret, each preceded by its length (so no two lists digest alike). The secrets are
     * hotdesk's random line secrets, so the digest tells whether they changed and nothing about them.
     */
    public static String secretsDigest(Mac mac, java.util.List<String> secrets) {
        StringBuilder b = new StringBuilder();
        b.append(mac.value().length()).append(':').append(mac.value());
        for (String s : secrets) {
            b.append(s.length()).append(':').append(s);
        }
        return sha256(b.toString());
    }

    public static String sha256(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static boolean hex64(String s) {
        return s != null && s.length() == 64 && s.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
    }

    @Override
    public String toString() {
        return "ServedFile[" + mac.value() + "/" + fileName + " at " + servedAt + ", "
                + maskedText.map(t -> t.length() + " chars").orElse("over the limit") + "]";
    }
}
