package hotdesk.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A signed-in board session as the ledger keeps it: the SHA-256 (hex) of the cookie's token, never the
 * token itself, and the CSRF token that every form and POST of the session must carry.
 */
public record AdminSession(String tokenHash, String name, String csrfToken, Instant created, Instant expires) {
    public AdminSession {
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(csrfToken, "csrfToken");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
    }

    @Override
    public String toString() {
        return "AdminSession[" + name + ", until " + expires + "]";
    }
}
