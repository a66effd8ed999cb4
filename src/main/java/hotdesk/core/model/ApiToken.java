package hotdesk.core.model;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An API token of the self-service listener as the ledger keeps it: the SHA-256 (hex) of the token,
 * never the token itself.
 *
 * @param id      the token's number: how lists, revocation and the audit ({@code api:<id>}) name it
 * @param scope   whom the token acts for
 * @param subject the user's extension ({@link Scope#USER}) or the integration's name ({@link Scope#ADMIN})
 */
public record ApiToken(long id, Scope scope, String subject, String tokenHash, Instant created, Optional<Instant> revoked,
                       Optional<Instant> lastUsed) {

    public enum Scope {
        /** Acts for one user only: obtains that user's own codes. */
        USER,
        /** An integration (an intranet page, a mobile app's back end): may obtain any user's code. */
        ADMIN;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Scope parse(String value) {
            for (Scope s : values()) {
                if (s.label().equals(value)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("an API token scope is user or admin, got '" + value + "'");
        }
    }

    public ApiToken {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(revoked, "revoked");
        Objects.requireNonNull(lastUsed, "lastUsed");
        if (scope == Scope.USER) {
            Extension.of(subject);
        } else {
            AdminAccount.checkName(subject);
        }
    }

    public boolean active() {
        return revoked.isEmpty();
    }

    /** How the audit names what this token did: {@code api:<id>}. */
    public String actor() {
        return "api:" + id;
    }

    @Override
    public String toString() {
        return "ApiToken[" + id + " " + scope.label() + ":" + subject + (revoked.isPresent() ? " revoked" : "") + "]";
    }
}
