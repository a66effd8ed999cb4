package hotdesk.core.usecase;

import hotdesk.core.model.AdminAccount;
import hotdesk.core.model.AuditEntry;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.port.DuplicateException;
import hotdesk.core.port.Ledger;

import java.time.Clock;
import java.util.List;

/**
 * The accounts that may sign in to the desk board ({@code hotdesk admin add|remove|list}). Passwords
 * are stored as salted PBKDF2 hashes only; a refused change writes nothing. Thread-safe.
 */
public final class ManageAdmins {

    /** Shortest password accepted: a board password is typed, not dialled, and guessable over HTTP. */
    public static final int MIN_PASSWORD = 12;
    static final int MAX_PASSWORD = 200;

    public sealed interface Result {
    }

    public record Done(AdminAccount account) implements Result {
    }

    public record Refused(String why) implements Result {
    }

    private final Ledger ledger;
    private final SecretHasher hasher;
    private final Clock clock;

    public ManageAdmins(Ledger ledger, SecretHasher hasher, Clock clock) {
        this.ledger = ledger;
        this.hasher = hasher;
        this.clock = clock;
    }

    /** Adds an account; refused when the name, role or password is not acceptable or the name is taken. */
    public Result add(String name, String role, String password, String actor) {
        AdminAccount.Role r;
        try {
            AdminAccount.checkName(name);
            r = AdminAccount.Role.parse("--role", role);
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            return new Refused("the password must have " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
        }
        if (password.chars().anyMatch(Character::isISOControl)) {
            return new Refused("the password must not contain control characters");
        }
        AdminAccount account = new AdminAccount(name, r, hasher.hash(password), clock.instant());
        try {
            ledger.transact(tx -> {
                tx.insertAdminAccount(account);
                tx.audit(new AuditEntry(clock.instant(), actor, "admin.add", name, "role=" + r.label()));
                return null;
            });
        } catch (DuplicateException e) {
            return new Refused("admin account " + name + " exists already");
        }
        return new Done(account);
    }

    /** Removes the account and ends its sessions; false when there is none of that name. */
    public boolean remove(String name, String actor) {
        return ledger.transact(tx -> {
            boolean gone = tx.deleteAdminAccount(name);
            if (gone) {
                tx.audit(new AuditEntry(clock.instant(), actor, "admin.remove", name, ""));
            }
            return gone;
        });
    }

    /** Every account, by name. Read-only. */
    public List<AdminAccount> list() {
        return ledger.read(tx -> tx.adminAccounts());
    }
}
