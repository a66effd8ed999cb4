package hotdesk.core.model;

/**
 * A salted one-way hash of a PIN or one-time code, in the self-describing form
 * {@code pbkdf2-sha256$<iterations>$<salt-b64>$<hash-b64>}. The clear secret is never kept.
 */
public record SecretHash(String encoded) {
    public SecretHash {
        if (encoded == null || !encoded.startsWith("pbkdf2-sha256$") || encoded.split("\\$").length != 4) {
            throw new IllegalArgumentException("not a hotdesk secret hash");
        }
    }

    @Override
    public String toString() {
        return "SecretHash[***]";
    }
}
