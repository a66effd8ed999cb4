package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Extension;
import hotdesk.core.model.OtpRecord;
import hotdesk.core.model.SecretHash;
import hotdesk.core.model.User;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.port.Ledger;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Issues a 6-digit one-time login code for a user: valid for {@code validity} (2 minutes by default),
 * single use, and issuing a new one voids the user's previous code. Only the hash is stored; the code
 * is returned once and never logged. A code that collides with another live code is drawn again, so a
 * code names exactly one user. Thread-safe.
 */
public final class IssueOtp {

    public sealed interface Result {
    }

    public record Issued(String code, Instant expiresAt) implements Result {
        @Override
        public String toString() {
            return "Issued[***, " + expiresAt + "]";
        }
    }

    public record UnknownUser() implements Result {
    }

    public record NotAllowed() implements Result {
    }

    /** Attempts before the codes issued meanwhile are checked inside the write transaction. */
    static final int MAX_ATTEMPTS = 3;

    private final Ledger ledger;
    private final SecretHasher hasher;
    private final SecureRandom random;
    private final Duration validity;
    private final Clock clock;

    public IssueOtp(Ledger ledger, SecretHasher hasher, SecureRandom random, Duration validity, Clock clock) {
        this.ledger = ledger;
        this.hasher = hasher;
        this.random = random;
        this.validity = validity;
        this.clock = clock;
    }

    /**
     * Draws and hashes the code outside any write transaction: the collision check verifies it against every live
     * code (a PBKDF2 derivation each), which must not hold the ledger's write lock while logins wait for it. The
     * write transaction then checks only the codes issued since the read, and draws again if one of them collides.
     */
    public Result issue(Extension extension, String actor) {
        for (int attempt = 1; ; attempt++) {
            Look look = ledger.read(tx -> new Look(tx.user(extension), tx.liveOtps(clock.instant())));
            Result refused = refusal(look.user());
            if (refused != null) {
                return refused;
            }
            byte[] salt = hasher.codeSalt(look.live().stream().map(OtpRecord::hash).toList(), clock.instant());
            Drawn drawn = draw(look.live(), extension);
            // the collision check derived the digits under the live codes' salt already: the stored hash reuses it
            SecretHash hash = drawn.digits().hash(salt);
            Set<Long> seen = look.live().stream().map(OtpRecord::id).collect(Collectors.toSet());
            boolean last = attempt >= MAX_ATTEMPTS;
            Result result = ledger.transact(tx -> {
                Result now = refusal(tx.user(extension));
                if (now != null) {
                    return now;
                }
                Instant at = clock.instant();
                List<OtpRecord> since = tx.liveOtps(at).stream().filter(r -> !seen.contains(r.id())).toList();
                // codes issued meanwhile are few; the last attempt checks them here rather than give up
                if (!since.isEmpty() && (!last ? anyOtherOwner(since, extension) : collides(drawn.digits(), since, extension))) {
                    return null;
                }
                Instant expires = at.plus(validity);
                tx.replaceOtp(extension, new OtpRecord(0, extension, hash, expires));
                tx.audit(new AuditEntry(at, actor, "otp.issue", extension.value(), "expires=" + expires));
                return new Issued(drawn.code(), expires);
            });
            if (result != null) {
                return result;
            }
        }
    }

    private record Look(Optional<User> user, List<OtpRecord> live) {
    }

    /** A code and its matcher, which keeps the derivations its collision check made. */
    private record Drawn(String code, SecretHasher.Matcher digits) {
    }

    /** Draws digits until no other user's live code has them. */
    private Drawn draw(List<OtpRecord> live, Extension owner) {
        while (true) {
            String code = String.format("%06d", random.nextInt(1_000_000));
            SecretHasher.Matcher digits = hasher.matcher(code);
            if (!collides(digits, live, owner)) {
                return new Drawn(code, digits);
            }
        }
    }

    private static Result refusal(Optional<User> user) {
        if (user.isEmpty()) {
            return new UnknownUser();
        }
        if (!user.get().hotdeskEnabled() || !user.get().enabled()) {
            return new NotAllowed();
        }
        return null;
    }

    private static boolean anyOtherOwner(List<OtpRecord> records, Extension owner) {
        return records.stream().anyMatch(r -> !r.extension().equals(owner));
    }

    /** Whether another user's live code has these digits: one derivation per salt among them ({@link SecretHasher#codeSalt}). */
    private static boolean collides(SecretHasher.Matcher digits, List<OtpRecord> live, Extension owner) {
        return live.stream().filter(r -> !r.extension().equals(owner)).anyMatch(r -> digits.matches(r.hash()));
    }
}
