package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerTx;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An admin clears failure counters (and so the lockouts they hold): of an extension at every desk, or
 * of a device's desk lines for everyone. One ledger transaction, audited. Thread-safe.
 */
public final class Unlock {

    public sealed interface Result {
    }

    /** @param failures how many recorded failures were cleared (0: there was nothing to clear) */
    public record Cleared(String subject, int failures) implements Result {
    }

    /** The extension is no user and has no failures either, or the MAC is no device; or the value is malformed. */
    public record Refused(String why) implements Result {
    }

    private final Ledger ledger;
    private final Clock clock;

    public Unlock(Ledger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    /**
     * Clears the extension's counters: at every desk, at each desk, and those of their one-time codes.
     * Extensions that are no user are counted too (a caller must not learn which exist), so their
     * counters can be cleared as well.
     */
    public Result user(String extension, String actor) {
        Extension ext;
        try {
            ext = Extension.of(extension);
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        return ledger.transact(tx -> {
            List<String> keys = new ArrayList<>(List.of(LogIn.userKey(ext), LogIn.codeKey(ext)));
            keys.addAll(tx.failureCounts("at:" + ext.value() + "@", Instant.EPOCH).keySet());
            int cleared = clear(tx, keys);
            if (cleared == 0 && tx.user(ext).isEmpty()) {
                return new Refused("no user " + ext + " (and no failed logins recorded for that extension)");
            }
            tx.audit(new AuditEntry(clock.instant(), actor, "user.unlock", ext.value(), "cleared=" + cleared));
            return new Cleared(ext.value(), cleared);
        });
    }

    /** Clears the counters of the device's desk lines: the desks' own and every extension's at them. */
    public Result device(String mac, String actor) {
        Mac m;
        try {
            m = Mac.parse(mac);
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        return ledger.transact(tx -> {
            if (tx.device(m).isEmpty()) {
                return new Refused("no device " + m.display());
            }
            List<String> keys = new ArrayList<>();
            var atDesks = tx.failureCounts("at:", Instant.EPOCH).keySet();
            for (DeskLine line : tx.linesOf(m)) {
                keys.add(LogIn.deskKey(line.endpointId()));
                atDesks.stream().filter(k -> k.endsWith("@" + line.endpointId())).forEach(keys::add);
            }
            int cleared = clear(tx, keys);
            tx.audit(new AuditEntry(clock.instant(), actor, "device.unlock", m.value(), "cleared=" + cleared));
            return new Cleared(m.display(), cleared);
        });
    }

    private static int clear(LedgerTx tx, List<String> keys) {
        int cleared = 0;
        for (String key : keys) {
            cleared += tx.failuresSince(key, Instant.EPOCH);
            tx.clearFailures(key);
        }
        return cleared;
    }
}
