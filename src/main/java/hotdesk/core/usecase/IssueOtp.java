package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Extension;
import hotdesk.core.model.OtpRecord;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.port.Ledger;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

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

    public Result issue(Extension extension, String actor) {
        return ledger.transact(tx -> {
            var user = tx.user(extension);
            if (user.isEmpty()) {
                return new UnknownUser();
            }
            if (!user.get().hotdeskEnabled() || !user.get().enabled()) {
                return new NotAllowed();
            }
            Instant now = clock.instant();
            var live = tx.liveOtps(now);
            String code;
            do {
                code = String.format("%06d", random.nextInt(1_000_000));
            } while (collides(code, live, extension));
            Instant expires = now.plus(validity);
            tx.replaceOtp(extension, new OtpRecord(0, extension, hasher.hash(code), expires));
            tx.audit(new AuditEntry(now, actor, "otp.issue", extension.value(), "expires=" + expires));
            return new Issued(code, expires);
        });
    }

    private boolean collides(String code, java.util.List<OtpRecord> live, Extension owner) {
        return live.stream().filter(r -> !r.extension().equals(owner)).anyMatch(r -> hasher.verify(code, r.hash()));
    }
}
