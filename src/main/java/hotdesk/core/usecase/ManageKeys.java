package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.Target;
import hotdesk.core.model.UserKey;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerTx;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Users' own speed-dial and BLF keys ({@link UserKey}), which follow them to every desk. Each change is one
 * ledger transaction that bumps the user and every desk they sit at, so a running server pushes those desks
 * and sends them a check-sync: the phone fetches its file again and shows the new keys (idle desks show
 * only their own keys). Audited ({@code user.keys}, {@code user.keys-import}) with what changed. Thread-safe.
 */
public final class ManageKeys {

    public static final String EXTENSION = "extension";
    public static final String POSITION = "position";
    public static final String TYPE = "type";
    public static final String VALUE = "value";
    public static final String LABEL = "label";
    /** The columns of a keys file besides {@value #EXTENSION}. */
    public static final List<String> COLUMNS = List.of(POSITION, TYPE, VALUE, LABEL);

    public sealed interface Result {
    }

    /** The user's keys after the change (or as they are, for {@link #list}). */
    public record Keys(Extension extension, List<UserKey> keys) implements Result {
        public Keys {
            keys = List.copyOf(keys);
        }
    }

    /** Nothing to change: the keys are like that already. */
    public record Unchanged(Extension extension, List<UserKey> keys) implements Result {
        public Unchanged {
            keys = List.copyOf(keys);
        }
    }

    public record Refused(String why) implements Result {
    }

    private final Ledger ledger;
    private final Clock clock;

    public ManageKeys(Ledger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    /** The user's keys by position. Read-only. */
    public Result list(String extension) {
        Optional<Extension> ext = extension(extension);
        if (ext.isEmpty()) {
            return refusedExtension(extension);
        }
        return ledger.read(tx -> tx.user(ext.get()).<Result>map(u -> new Keys(ext.get(), tx.keysOf(ext.get())))
                .orElseGet(() -> new Refused("no user " + ext.get())));
    }

    /** Sets the key at {@code position} (adds it, or replaces the key there). Bad input is refused with the reason. */
    public Result set(String extension, String position, String type, String value, String label, String actor) {
        Optional<Extension> ext = extension(extension);
        if (ext.isEmpty()) {
            return refusedExtension(extension);
        }
        UserKey key;
        try {
            key = new UserKey(UserKey.position(position), UserKey.Type.parse(type), value, label);
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        return change(ext.get(), actor, keys -> {
            keys.removeIf(k -> k.position() == key.position());
            keys.add(key);
        });
    }

    /** Removes the key at {@code position}; refused when there is none. */
    public Result remove(String extension, String position, String actor) {
        Optional<Extension> ext = extension(extension);
        if (ext.isEmpty()) {
            return refusedExtension(extension);
        }
        int pos;
        try {
            pos = UserKey.position(position);
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        return change(ext.get(), actor, keys -> {
            if (!keys.removeIf(k -> k.position() == pos)) {
                throw new NoSuchKey("user " + ext.get() + " has no key at position " + pos);
            }
        });
    }

    /** Removes every key of the user. */
    public Result clear(String extension, String actor) {
        Optional<Extension> ext = extension(extension);
        if (ext.isEmpty()) {
            return refusedExtension(extension);
        }
        return change(ext.get(), actor, List::clear);
    }

    /** Every user's keys, by extension and position (for export). Read-only. */
    public Map<Extension, List<UserKey>> all() {
        return ledger.read(LedgerTx::allKeys);
    }

    private static final class NoSuchKey extends RuntimeException {
        NoSuchKey(String message) {
            super(message, null, false, false);
        }
    }

    private Result change(Extension ext, String actor, java.util.function.Consumer<List<UserKey>> edit) {
        try {
            return ledger.transact(tx -> {
                if (tx.user(ext).isEmpty()) {
                    return new Refused("no user " + ext);
                }
                List<UserKey> before = tx.keysOf(ext);
                List<UserKey> after = new ArrayList<>(before);
                edit.accept(after);
                after.sort(Comparator.comparingInt(UserKey::position));
                if (after.equals(before)) {
                    return new Unchanged(ext, before);
                }
                write(tx, ext, before, after, actor, "user.keys", clock.instant());
                return new Keys(ext, after);
            });
        } catch (NoSuchKey e) {
            return new Refused(e.getMessage());
        }
    }

    /** Stores {@code after}, bumps the user and every desk they sit at, and audits the difference. */
    private static void write(LedgerTx tx, Extension ext, List<UserKey> before, List<UserKey> after, String actor, String action,
                              Instant at) {
        tx.setKeys(ext, after);
        Set<Target> touched = new LinkedHashSet<>();
        touched.add(Target.user(ext));
        for (Occupancy seat : tx.seatsOfUser(ext)) {
            touched.add(Target.desk(seat.endpointId()));
        }
        Seating.bump(tx, touched);
        tx.audit(new AuditEntry(at, actor, action, ext.value(), String.join("; ", diffs(before, after))));
    }

    /** {@code +3 blf 102 'Bob'}, {@code -4 speed-dial 200}, per position that differs. */
    static List<String> diffs(List<UserKey> before, List<UserKey> after) {
        Map<Integer, UserKey> b = new TreeMap<>();
        before.forEach(k -> b.put(k.position(), k));
        Map<Integer, UserKey> a = new TreeMap<>();
        after.forEach(k -> a.put(k.position(), k));
        Set<Integer> positions = new java.util.TreeSet<>(b.keySet());
        positions.addAll(a.keySet());
        List<String> d = new ArrayList<>();
        for (int p : positions) {
            UserKey was = b.get(p);
            UserKey now = a.get(p);
            if (was != null && !was.equals(now)) {
                d.add("-" + was.describe());
            }
            if (now != null && !now.equals(was)) {
                d.add("+" + now.describe());
            }
        }
        return d;
    }

    /**
     * Imports keys from rows (column {@value #EXTENSION} and {@link #COLUMNS}; {@code position}, {@code type}
     * and {@code value} required, {@code label} optional): for every extension the file names, its rows are
     * that user's keys, all of them (a key the file does not list for that user is removed); users the file
     * does not name keep theirs. One transaction, or nothing when any row is bad (every problem with its line
     * and column: an unknown user, a bad cell, a position given twice for one user). Importing the same file
     * again changes nothing; with {@code dryRun} nothing is written.
     */
    public Import.Result importRows(List<Import.Row> rows, boolean dryRun, String actor) {
        List<Import.Problem> problems = new ArrayList<>();
        Map<Extension, List<UserKey>> wanted = new LinkedHashMap<>();
        Map<Extension, Integer> firstLine = new LinkedHashMap<>();
        Map<String, Integer> positionLine = new java.util.HashMap<>();
        for (Import.Row row : rows) {
            Extension ext;
            try {
                ext = Extension.of(row.values().get(EXTENSION));
            } catch (IllegalArgumentException e) {
                problems.add(new Import.Problem(row.line(), EXTENSION, e.getMessage()));
                continue;
            }
            firstLine.putIfAbsent(ext, row.line());
            UserKey key = key(row, problems);
            if (key == null) {
                continue;
            }
            Integer earlier = positionLine.putIfAbsent(ext.value() + "/" + key.position(), row.line());
            if (earlier != null) {
                problems.add(new Import.Problem(row.line(), POSITION, "user " + ext + " has position " + key.position()
                        + " on line " + earlier + " already"));
                continue;
            }
            wanted.computeIfAbsent(ext, x -> new ArrayList<>()).add(key);
        }
        for (Extension ext : firstLine.keySet()) {
            wanted.putIfAbsent(ext, new ArrayList<>());
        }
        if (!problems.isEmpty()) {
            return new Import.Invalid(problems);
        }
        Instant now = clock.instant();
        Ledger.Work<Import.Result> work = tx -> {
            List<Import.Problem> unknown = new ArrayList<>();
            List<Import.Change> changes = new ArrayList<>();
            for (Map.Entry<Extension, List<UserKey>> e : wanted.entrySet()) {
                Extension ext = e.getKey();
                if (tx.user(ext).isEmpty()) {
                    unknown.add(new Import.Problem(firstLine.get(ext), EXTENSION, "no user " + ext + " (user add or user import first)"));
                    continue;
                }
                List<UserKey> before = tx.keysOf(ext);
                List<UserKey> after = new ArrayList<>(e.getValue());
                after.sort(Comparator.comparingInt(UserKey::position));
                if (after.equals(before)) {
                    changes.add(new Import.Change(ext.value(), Import.Kind.UNCHANGED, List.of()));
                    continue;
                }
                changes.add(new Import.Change(ext.value(), before.isEmpty() ? Import.Kind.ADDED : Import.Kind.CHANGED,
                        diffs(before, after)));
                if (!dryRun) {
                    write(tx, ext, before, after, actor, "user.keys-import", now);
                }
            }
            if (!unknown.isEmpty()) {
                // every write above is undone with the transaction
                throw new Refusal(new Import.Invalid(unknown));
            }
            return new Import.Imported(changes, dryRun);
        };
        try {
            return dryRun ? ledger.read(work) : ledger.transact(work);
        } catch (Refusal r) {
            return r.invalid;
        }
    }

    /** Rolls the import's transaction back and carries its problems out. */
    private static final class Refusal extends RuntimeException {
        final Import.Invalid invalid;

        Refusal(Import.Invalid invalid) {
            super("import refused", null, false, false);
            this.invalid = invalid;
        }
    }

    private static UserKey key(Import.Row row, List<Import.Problem> problems) {
        int before = problems.size();
        Integer position = null;
        UserKey.Type type = null;
        String value = row.values().get(VALUE);
        try {
            position = UserKey.position(required(row, POSITION));
        } catch (IllegalArgumentException e) {
            problems.add(new Import.Problem(row.line(), POSITION, e.getMessage()));
        }
        try {
            type = UserKey.Type.parse(required(row, TYPE));
        } catch (IllegalArgumentException e) {
            problems.add(new Import.Problem(row.line(), TYPE, e.getMessage()));
        }
        if (value == null) {
            problems.add(new Import.Problem(row.line(), VALUE, "the file has no column value"));
        }
        if (problems.size() > before) {
            return null;
        }
        try {
            return new UserKey(position, type, value, row.values().getOrDefault(LABEL, ""));
        } catch (IllegalArgumentException e) {
            problems.add(new Import.Problem(row.line(), e.getMessage().startsWith("key label") ? LABEL : VALUE, e.getMessage()));
            return null;
        }
    }

    private static String required(Import.Row row, String column) {
        String v = row.values().get(column);
        if (v == null) {
            throw new IllegalArgumentException("the file has no column " + column);
        }
        return v;
    }

    private static Optional<Extension> extension(String extension) {
        return Extension.isValid(extension == null ? null : extension.strip()) ? Optional.of(Extension.of(extension)) : Optional.empty();
    }

    private static Result refusedExtension(String extension) {
        try {
            Extension.of(extension);
            return new Refused("invalid extension");
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
    }
}
