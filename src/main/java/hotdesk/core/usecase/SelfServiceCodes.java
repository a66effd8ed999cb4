package hotdesk.core.usecase;

import hotdesk.core.model.ApiToken;
import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Extension;
import hotdesk.core.port.Ledger;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * One-time codes asked for over the self-service API: the same {@link IssueOtp} as {@code hotdesk otp
 * issue} (same validity, single use, a new code voids the previous one), for the caller a token allows.
 *
 * <ul>
 *   <li>A user token obtains its own user's code only; naming another extension is refused
 *       ({@link Refusal#OTHER_USER}) whether that extension exists or not.</li>
 *   <li>An integration token names the user. An unknown extension and a user who may not hot-desk
 *       (hot-desking off, account disabled) give the one answer {@link Refusal#NOT_ALLOWED}, so a token
 *       cannot tell which extensions exist; the audit keeps the real reason.</li>
 * </ul>
 *
 * <p>Every code issued is audited by IssueOtp with the token as the actor ({@code api:<id>}); every
 * refusal here is audited as {@code api.otp.refused} with the reason. Never the code. Thread-safe.
 */
public final class SelfServiceCodes {

    public enum Refusal {
        /** The extension is not one (2 to 10 digits), or an integration token named none. */
        BAD_REQUEST,
        /** A user token named another user's extension. */
        OTHER_USER,
        /** No such user, or the user may not hot-desk: deliberately one answer. */
        NOT_ALLOWED
    }

    public sealed interface Result {
    }

    public record Issued(Extension extension, String code, Instant expiresAt) implements Result {
        @Override
        public String toString() {
            return "Issued[" + extension + ", ***, " + expiresAt + "]";
        }
    }

    public record Refused(Refusal refusal) implements Result {
    }

    private final IssueOtp issueOtp;
    private final Ledger ledger;
    private final Clock clock;

    public SelfServiceCodes(IssueOtp issueOtp, Ledger ledger, Clock clock) {
        this.issueOtp = issueOtp;
        this.ledger = ledger;
        this.clock = clock;
    }

    /**
     * @param caller  the authenticated token
     * @param asked   the extension in the request, if any (a user token may omit it)
     * @param from    the client's address, for the audit detail
     */
    public Result issue(ApiToken caller, Optional<String> asked, String from) {
        String target;
        if (caller.scope() == ApiToken.Scope.USER) {
            if (asked.isPresent() && !asked.get().equals(caller.subject())) {
                return refuse(caller, printable(asked.get()), Refusal.OTHER_USER, "other-user", from);
            }
            target = caller.subject();
        } else {
            if (asked.isEmpty() || !Extension.isValid(asked.get())) {
                return refuse(caller, asked.map(SelfServiceCodes::printable).orElse(""), Refusal.BAD_REQUEST, "bad-extension", from);
            }
            target = asked.get();
        }
        Extension extension = Extension.of(target);
        IssueOtp.Result r = issueOtp.issue(extension, caller.actor());
        if (r instanceof IssueOtp.Issued issued) {
            return new Issued(extension, issued.code(), issued.expiresAt());
        }
        return refuse(caller, target, Refusal.NOT_ALLOWED, r instanceof IssueOtp.UnknownUser ? "unknown-user" : "not-allowed", from);
    }

    /**
     * Audits a refusal the listener answers before any use case runs: {@code api.refused} (bad token, rate
     * limit, bad body) or {@code web.refused} (the desk page: missing CSRF token, stale logout button).
     *
     * @param actor {@code http:<address>} before a token is known, {@code api:<id>} after, {@code web:<address>}
     */
    public void refusedRequest(String action, String actor, String subject, String reason, String from) {
        Instant now = clock.instant();
        ledger.transact(tx -> {
            tx.audit(new AuditEntry(now, actor, action, subject, "reason=" + reason + " from=" + printable(from)));
            return null;
        });
    }

    private Refused refuse(ApiToken caller, String subject, Refusal refusal, String reason, String from) {
        Instant now = clock.instant();
        ledger.transact(tx -> {
            tx.audit(new AuditEntry(now, caller.actor(), "api.otp.refused", subject, "reason=" + reason + " from=" + printable(from)));
            return null;
        });
        return new Refused(refusal);
    }

    private static String printable(String s) {
        String p = s.replaceAll("\\p{Cntrl}", "?");
        return p.length() > 40 ? p.substring(0, 40) : p;
    }
}
