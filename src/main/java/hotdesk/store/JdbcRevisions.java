package hotdesk.store;

import hotdesk.core.model.Target;
import hotdesk.core.port.LedgerException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * The ledger revision (its one row is the global write lock), each target's revision, and what each node
 * applied: pushes, errors, check-syncs sent and phone contacts seen.
 */
final class JdbcRevisions extends TableGroup {

    /** Read under the lock at the start of a write (see {@link #lockLedger}) and raised by {@link #bump}. */
    long latest;
    /** A revision was bumped: other nodes have something to apply. */
    boolean bumped;
    private final String shownUrl;
    private final LongConsumer seen;

    JdbcRevisions(Statements statements, String shownUrl, LongConsumer seen) {
        super(statements);
        this.shownUrl = shownUrl;
        this.seen = seen;
    }

    /** A revision this process saw committed (see {@link JdbcLedger#latestKnownRevision()}). */
    private void saw(long revision) {
        seen.accept(revision);
    }

    /** Takes the global write lock: the one row of {@code ledger_revision}, FOR UPDATE. */
    void lockLedger() {
        latest = one("locking the ledger", "SELECT latest FROM ledger_revision WHERE id = 1 FOR UPDATE",
                rs -> rs.getLong(1)).orElseThrow(() -> new LedgerException("ledger on " + shownUrl
                + " has no ledger_revision row: the schema is damaged (restore it or start from an empty database)", null));
        saw(latest); // committed by whoever held the lock before
    }

    // ---- revisions

    public void bump(Target... targets) {
        writable("bump revisions");
        if (targets.length == 0) {
            return;
        }
        if (targets.length < 4) {
            for (Target t : targets) {
                long next = latest + 1;
                int n = update("bump " + t, "UPDATE revisions SET revision = ? WHERE kind = ? AND target_id = ?",
                        next, kind(t), t.id());
                if (n == 0) {
                    update("bump " + t, "INSERT INTO revisions (kind, target_id, revision) VALUES (?, ?, ?)",
                            kind(t), t.id(), next);
                }
                latest = next;
            }
        } else {
            bumpBatched(targets);
        }
        update("bump revisions", "UPDATE ledger_revision SET latest = ? WHERE id = 1", latest);
        bumped = true;
    }

    /**
     * Many targets (a bulk import's) in two batches: every UPDATE, then an INSERT for each target that had no
     * row. Each target gets the revision the one-by-one loop would give it; a target named twice keeps the
     * later one, as there.
     */
    private void bumpBatched(Target[] targets) {
        Map<Target, Long> next = new LinkedHashMap<>();
        for (Target t : targets) {
            next.remove(t);
            next.put(t, ++latest);
        }
        List<Target> order = List.copyOf(next.keySet());
        int[] n = batchUpdate("bump " + targets.length + " revisions",
                "UPDATE revisions SET revision = ? WHERE kind = ? AND target_id = ?",
                order.stream().map(t -> new Object[]{next.get(t), kind(t), t.id()}).toList());
        List<Object[]> missing = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            Target t = order.get(i);
            if (n[i] == java.sql.Statement.SUCCESS_NO_INFO) {
                // the driver did not say: ask, as the loop would have
                if (revision(t) != next.get(t)) {
                    missing.add(new Object[]{kind(t), t.id(), next.get(t)});
                }
            } else if (n[i] == 0) {
                missing.add(new Object[]{kind(t), t.id(), next.get(t)});
            }
        }
        if (!missing.isEmpty()) {
            batchUpdate("bump " + missing.size() + " new revisions",
                    "INSERT INTO revisions (kind, target_id, revision) VALUES (?, ?, ?)", missing);
        }
    }

    public long latestRevision() {
        usable();
        if (!readOnly) {
            return latest; // read under the lock at the start and kept by bump
        }
        long read = one("read latest revision", "SELECT latest FROM ledger_revision WHERE id = 1", rs -> rs.getLong(1))
                .orElse(0L);
        saw(read); // a snapshot holds committed rows only
        return read;
    }

    public long revision(Target target) {
        return one("read revision of " + target, "SELECT revision FROM revisions WHERE kind = ? AND target_id = ?",
                rs -> rs.getLong(1), kind(target), target.id()).orElse(0L);
    }

    /** {@code (kind, target_id) IN} with {@link #IN_SLICE} pairs: H2 finds each pair by the primary key this way, where an
     *  IN list of ids after {@code kind = ?} read every target of the kind. */
    private static final String PAIRS = "(kind, target_id) IN ("
            + String.join(", ", java.util.Collections.nCopies(IN_SLICE, "(?, ?)")) + ")";

    public Map<Target, Long> revisions(java.util.Collection<Target> targets) {
        Map<Target, Long> out = new java.util.HashMap<>();
        for (List<Object> slice : slices(targets)) {
            List<Object> args = new ArrayList<>(2 * slice.size());
            for (Object o : slice) {
                Target t = (Target) o;
                args.add(kind(t));
                args.add(t.id());
            }
            list("read revisions of " + targets.size() + " targets",
                    "SELECT kind, target_id, revision FROM revisions WHERE " + PAIRS,
                    rs -> out.put(target(rs), rs.getLong("revision")), args.toArray());
        }
        for (Target t : targets) {
            out.putIfAbsent(t, 0L); // as revision(t) answers for a target that has none
        }
        return out;
    }

    public Map<Target, Long> revisions() {
        return toMap(list("list revisions", "SELECT kind, target_id, revision FROM revisions",
                rs -> Map.entry(target(rs), rs.getLong("revision"))));
    }

    public void dropRevision(Target target) {
        String what = "drop revision of " + target;
        update(what, "DELETE FROM revisions WHERE kind = ? AND target_id = ?", kind(target), target.id());
        update(what, "DELETE FROM applied_state WHERE kind = ? AND target_id = ?", kind(target), target.id());
        if (target.kind() == Target.Kind.DESK) {
            update(what, "DELETE FROM desk_notices WHERE endpoint_id = ?", target.id());
        }
    }

    // ---- applied state

    public Map<Target, Long> applied(String node) {
        return toMap(list("read applied state of node " + node,
                "SELECT kind, target_id, revision FROM applied_state WHERE node = ? AND revision IS NOT NULL",
                rs -> Map.entry(target(rs), rs.getLong("revision")), node));
    }

    public void markApplied(String node, Target target, long revision, Instant at) {
        String what = "mark " + target + " applied on node " + node;
        int n = update(what, """
                UPDATE applied_state SET revision = ?, applied_at = ?, last_error = NULL, failed_at = NULL
                WHERE node = ? AND kind = ? AND target_id = ?""",
                revision, at, node, kind(target), target.id());
        if (n == 0) {
            update(what, "INSERT INTO applied_state (node, kind, target_id, revision, applied_at) VALUES (?, ?, ?, ?, ?)",
                    node, kind(target), target.id(), revision, at);
        }
    }

    public void markFailed(String node, Target target, Instant at, String error) {
        String what = "mark " + target + " failed on node " + node;
        String message = text(error);
        int n = update(what, """
                UPDATE applied_state SET last_error = ?, failed_at = ?
                WHERE node = ? AND kind = ? AND target_id = ?""",
                message, at, node, kind(target), target.id());
        if (n == 0) {
            update(what, "INSERT INTO applied_state (node, kind, target_id, last_error, failed_at) VALUES (?, ?, ?, ?, ?)",
                    node, kind(target), target.id(), message, at);
        }
    }

    // ---- login receipts

    public void putNotice(String node, hotdesk.core.model.Notice n) {
        String what = "record check-sync of " + n.endpointId() + " on node " + node;
        if (update(what, "UPDATE desk_notices SET revision = ?, notified_at = ?, sends = ? WHERE node = ? AND endpoint_id = ?",
                n.revision(), n.at(), n.sends(), node, n.endpointId()) == 0) {
            update(what, "INSERT INTO desk_notices (node, endpoint_id, revision, notified_at, sends) VALUES (?, ?, ?, ?, ?)",
                    node, n.endpointId(), n.revision(), n.at(), n.sends());
        }
    }

    public Map<String, hotdesk.core.model.Notice> notices(String node) {
        Map<String, hotdesk.core.model.Notice> out = new LinkedHashMap<>();
        list("read check-syncs of node " + node,
                "SELECT endpoint_id, revision, notified_at, sends FROM desk_notices WHERE node = ? ORDER BY endpoint_id",
                rs -> out.put(rs.getString("endpoint_id"), new hotdesk.core.model.Notice(rs.getString("endpoint_id"),
                        rs.getLong("revision"), instant(rs, "notified_at"), rs.getInt("sends"))), node);
        return Collections.unmodifiableMap(out);
    }

    public void putContact(String node, hotdesk.core.model.PhoneContact c) {
        String what = "record contact of " + c.aor() + " on node " + node;
        if (update(what, "UPDATE phone_contacts SET user_agent = ?, via = ?, since = ? WHERE node = ? AND aor = ? AND uri = ?",
                c.userAgent(), c.via(), c.since(), node, c.aor(), c.uri()) == 0) {
            update(what, "INSERT INTO phone_contacts (node, aor, uri, user_agent, via, since) VALUES (?, ?, ?, ?, ?, ?)",
                    node, c.aor(), c.uri(), c.userAgent(), c.via(), c.since());
        }
    }

    public boolean deleteContact(String node, String aor, String uri) {
        return update("forget contact of " + aor + " on node " + node,
                "DELETE FROM phone_contacts WHERE node = ? AND aor = ? AND uri = ?", node, aor, uri) > 0;
    }

    public void deleteContacts(String node) {
        update("forget contacts of node " + node, "DELETE FROM phone_contacts WHERE node = ?", node);
    }

    public Map<String, List<hotdesk.core.model.PhoneContact>> contacts(String node) {
        Map<String, List<hotdesk.core.model.PhoneContact>> out = new LinkedHashMap<>();
        list("read contacts of node " + node,
                "SELECT aor, uri, user_agent, via, since FROM phone_contacts WHERE node = ? ORDER BY aor, since, uri",
                rs -> out.computeIfAbsent(rs.getString("aor"), k -> new ArrayList<>()).add(new hotdesk.core.model.PhoneContact(
                        rs.getString("aor"), rs.getString("uri"), rs.getString("user_agent"), rs.getString("via"),
                        instant(rs, "since"))), node);
        out.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(out);
    }

    public Map<Target, String> lastErrors(String node) {
        return toMap(list("read last errors of node " + node,
                "SELECT kind, target_id, last_error FROM applied_state WHERE node = ? AND last_error IS NOT NULL",
                rs -> Map.entry(target(rs), rs.getString("last_error")), node));
    }

    public Optional<String> lastError(String node, Target target) {
        return one("read last error of " + target + " on node " + node,
                "SELECT last_error FROM applied_state WHERE node = ? AND kind = ? AND target_id = ?",
                rs -> rs.getString(1), node, kind(target), target.id());
    }
}
