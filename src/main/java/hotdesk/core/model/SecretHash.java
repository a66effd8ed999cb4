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

    /**
     * What a stored hash that is not in this form reads as (a ledger row changed outside hotdesk): it matches no
     * secret ({@code SecretHasher.readable} is false for it), and a login against it is an error, not a wrong PIN.
     */
    public static final SecretHash UNREADABLE = new SecretHash("pbkdf2-sha256$0$AA$AA");

    /** {@code encoded} as the ledger holds it, or {@link #UNREADABLE} where it is not in this form. */
    public static SecretHash stored(String encoded) {
        try {
            return new SecretHash(encoded);
        } catch (IllegalArgumentException notInThisForm) {
            return UNREADABLE;
        }
    }

    @Override
    public String toString() {
        return "SecretHash[***]";
    }
}
