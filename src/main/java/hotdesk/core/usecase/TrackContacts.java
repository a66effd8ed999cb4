package hotdesk.core.usecase;

import hotdesk.core.model.PhoneContact;
import hotdesk.core.port.Ledger;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps the ledger's list of this node's registered contacts (what {@code status} shows as each desk's
 * registration) in step with Asterisk: a contact change writes only when a contact appears or goes, never on
 * a re-registration; a full list from Asterisk (after each connect) replaces the node's list and keeps the
 * {@code since} of every contact that was already known. Not thread-safe: one caller thread (a queue off
 * the AMI reader).
 */
public final class TrackContacts {

    private record Key(String aor, String uri) {
    }

    private final Ledger ledger;
    private final String node;
    private final Clock clock;
    /** What the ledger holds for this node; null until first read. */
    private Map<Key, PhoneContact> known;

    public TrackContacts(Ledger ledger, String node, Clock clock) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.node = Objects.requireNonNull(node, "node");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A contact appeared ({@code removed} false) or went on an AOR. */
    public void changed(String aor, String uri, boolean removed) {
        Map<Key, PhoneContact> k = known();
        Key key = new Key(aor, uri);
        if (removed) {
            if (k.containsKey(key)) {
                ledger.transact(tx -> tx.deleteContact(node, aor, uri));
                k.remove(key);
            }
            return;
        }
        if (k.containsKey(key)) {
            return; // a status change of a known contact (reachable, unreachable …): nothing to record
        }
        PhoneContact c = new PhoneContact(aor, uri, "", "", clock.instant());
        ledger.transact(tx -> {
            tx.putContact(node, c);
            return null;
        });
        k.put(key, c);
    }

    /**
     * Asterisk's full list: replaces this node's contacts; a contact already known keeps its {@code since}
     * (and its user agent and via when the list lacks them).
     */
    public void replaceAll(List<PhoneContact> now) {
        Map<Key, PhoneContact> before = known();
        Map<Key, PhoneContact> after = new HashMap<>();
        for (PhoneContact c : now) {
            PhoneContact old = before.get(new Key(c.aor(), c.uri()));
            Instant since = old == null ? c.since() : old.since();
            after.put(new Key(c.aor(), c.uri()), new PhoneContact(c.aor(), c.uri(),
                    c.userAgent().isEmpty() && old != null ? old.userAgent() : c.userAgent(),
                    c.via().isEmpty() && old != null ? old.via() : c.via(), since));
        }
        if (after.equals(before)) {
            return;
        }
        ledger.transact(tx -> {
            tx.deleteContacts(node);
            after.values().forEach(c -> tx.putContact(node, c));
            return null;
        });
        known = after;
    }

    private Map<Key, PhoneContact> known() {
        if (known == null) {
            Map<Key, PhoneContact> m = new HashMap<>();
            ledger.read(tx -> tx.contacts(node)).values()
                    .forEach(list -> list.forEach(c -> m.put(new Key(c.aor(), c.uri()), c)));
            known = m;
        }
        return known;
    }
}
