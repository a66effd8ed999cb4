package hotdesk.core.usecase;

import hotdesk.core.model.AdminAccount;
import hotdesk.core.model.ApiToken;
import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Extension;
import hotdesk.core.port.Ledger;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The self-service listener's API tokens: created and revoked by an admin ({@code hotdesk user token},
 * {@code hotdesk api-token}), presented by a client as {@code Authorization: Bearer <token>}.
 *
 * <p>A token is {@code hdt_} and 43 URL-safe characters: 256 random bits. It is returned once, when
 * created; the ledger keeps only its SHA-256 (a random 256-bit value needs no slow hash), so a copy
 * of the database gives nobody a token. Looking a token up is one indexed read of that hash, which is
 * a constant-time compare in effect: nothing is compared character by character with a secret.
 * A revoked token stays listed with its revocation time. Creation and revocation are audited with the
 * token's id, never the token. Thread-safe.
 */
public final class ApiTokens {

    /** What a presented token looks like; anything else is refused before it is hashed. */
    static final Pattern FORMAT = Pattern.compile("hdt_[A-Za-z0-9_-]{43}");
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

    public sealed interface Result {
    }

    /** @param secret the token: show it once, keep it nowhere */
    public record Created(ApiToken token, String secret) implements Result {
        @Override
        public String toString() {
            return "Created[" + token + ", ***]";
        }
    }

    public record Refused(String why) implements Result {
    }

    public record Revoked(ApiToken token) implements Result {
    }

    private final Ledger ledger;
    private final SecureRandom random;
    private final Clock clock;

    public ApiTokens(Ledger ledger, SecureRandom random, Clock clock) {
        this.ledger = ledger;
        this.random = random;
        this.clock = clock;
    }

    /** A token that acts for one user; refused when there is no such user. */
    public Result createForUser(String extension, String actor) {
        if (!Extension.isValid(extension)) {
            return new Refused("an extension is 2 to 10 digits, got '" + printable(extension) + "'");
        }
        if (ledger.read(tx -> tx.user(Extension.of(extension))).isEmpty()) {
            return new Refused("no user " + extension);
        }
        return create(ApiToken.Scope.USER, extension, actor);
    }

    /** A token for an integration named {@code name} (several may share a name; each has its id). */
    public Result createForIntegration(String name, String actor) {
        try {
            AdminAccount.checkName(name);
        } catch (IllegalArgumentException e) {
            return new Refused("an integration name is 1 to 40 of a-z 0-9 . _ -, got '" + printable(name) + "'");
        }
        return create(ApiToken.Scope.ADMIN, name, actor);
    }

    private Result create(ApiToken.Scope scope, String subject, String actor) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        String secret = "hdt_" + URL_SAFE.encodeToString(b);
        Instant now = clock.instant();
        ApiToken token = ledger.transact(tx -> {
            if (scope == ApiToken.Scope.USER && tx.user(Extension.of(subject)).isEmpty()) {
                return null; // removed meanwhile
            }
            long id = tx.insertApiToken(new ApiToken(0, scope, subject, BoardSignIn.hash(secret), now, Optional.empty(), Optional.empty()));
            tx.audit(new AuditEntry(now, actor, "api-token.create", subject, "id=" + id + " scope=" + scope.label()));
            return new ApiToken(id, scope, subject, BoardSignIn.hash(secret), now, Optional.empty(), Optional.empty());
        });
        return token == null ? new Refused("no user " + subject) : new Created(token, secret);
    }

    /** Every token of one scope (and subject, when given), revoked ones included, by id. Read-only. */
    public List<ApiToken> list(ApiToken.Scope scope, Optional<String> subject) {
        return ledger.read(tx -> tx.apiTokens()).stream()
                .filter(t -> t.scope() == scope && subject.map(t.subject()::equals).orElse(true))
                .toList();
    }

    /**
     * Revokes token {@code id} if it is of {@code scope} (and {@code subject}, when given): a user's
     * token is revoked through that user, an integration's through {@code api-token}. Refused when
     * there is no such token there or it is revoked already.
     */
    public Result revoke(long id, ApiToken.Scope scope, Optional<String> subject, String actor) {
        Instant now = clock.instant();
        return ledger.transact(tx -> {
            Optional<ApiToken> t = tx.apiTokens().stream().filter(x -> x.id() == id).findFirst()
                    .filter(x -> x.scope() == scope && subject.map(x.subject()::equals).orElse(true));
            if (t.isEmpty()) {
                return new Refused("no " + (scope == ApiToken.Scope.USER ? "token " + id + " of user " + subject.orElse("?")
                        : "integration token " + id));
            }
            if (!tx.revokeApiToken(id, now)) {
                return new Refused("token " + id + " is revoked already");
            }
            tx.audit(new AuditEntry(now, actor, "api-token.revoke", t.get().subject(), "id=" + id + " scope=" + scope.label()));
            return new Revoked(t.get());
        });
    }

    /**
     * The active token a client presented, its use recorded; empty for anything else (malformed,
     * unknown, revoked, its user removed), all alike. One write transaction.
     */
    public Optional<ApiToken> authenticate(String presented) {
        if (!wellFormed(presented)) {
            return Optional.empty();
        }
        String hash = BoardSignIn.hash(presented);
        Instant now = clock.instant();
        return ledger.transact(tx -> {
            Optional<ApiToken> t = tx.apiTokenByHash(hash).filter(ApiToken::active);
            t.ifPresent(x -> tx.touchApiToken(x.id(), now));
            return t;
        });
    }

    /** Whether a presented value has a token's shape at all (no hashing, no ledger). */
    public static boolean wellFormed(String presented) {
        return presented != null && FORMAT.matcher(presented).matches();
    }

    private static String printable(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
    }
}
