package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Extension;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.model.SecretHash;
import hotdesk.core.model.User;
import hotdesk.core.policy.PinRules;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.policy.ValueRules;
import hotdesk.core.port.Ledger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bulk upsert of users by extension (see {@link ManageUsers#importRows}). PINs cost a PBKDF2 derivation
 * each, so they are hashed (or, for an existing user, checked against the stored hash: an equal PIN is
 * no change) before the write transaction and in parallel, on a pool of one thread per processor; the transaction
 * itself only writes, new users with their revisions and audit lines in JDBC batches.
 */
final class UserImport {

    /** From this many rows on, the transaction reads all users once rather than one per row. */
    static final int READ_ALL_FROM = 200;

    /** Stands for a new user's PIN in a dry run, which writes nothing. */
    private static final SecretHash NOT_HASHED = new SecretHash("pbkdf2-sha256$1000$AA$AA");

    private final ManageUsers users;
    private final Ledger ledger;
    private final SecretHasher hasher;
    private final Clock clock;

    /** A checked row: null fields stay as they are (or take the default for a new user). */
    private record Prepared(int line, Extension ext, String name, String pin, String context, String mailbox,
                            Boolean hotdesk, Boolean enabled, Optional<Optional<MultiLogin>> policy) {
    }

    UserImport(ManageUsers users, Ledger ledger, SecretHasher hasher, Clock clock) {
        this.users = users;
        this.ledger = ledger;
        this.hasher = hasher;
        this.clock = clock;
    }

    Import.Result run(List<Import.Row> rows, boolean dryRun, String actor, Import.Progress progress) {
        List<Import.Problem> problems = new ArrayList<>();
        List<Prepared> prepared = new ArrayList<>();
        Map<Extension, Integer> lineOf = new LinkedHashMap<>();
        for (Import.Row row : rows) {
            Prepared p = check(row, lineOf, problems);
            if (p != null) {
                prepared.add(p);
            }
        }
        if (!problems.isEmpty()) {
            return new Import.Invalid(problems);
        }
        Map<Extension, User> existing = ledger.read(tx -> {
            Map<Extension, User> m = new LinkedHashMap<>();
            for (Prepared p : prepared) {
                tx.user(p.ext()).ifPresent(u -> m.put(p.ext(), u));
            }
            return m;
        });
        for (Prepared p : prepared) {
            if (!existing.containsKey(p.ext())) {
                if (p.name() == null) {
                    problems.add(new Import.Problem(p.line(), ManageUsers.NAME, "user " + p.ext() + " is new: give a name"));
                }
                if (p.pin() == null) {
                    problems.add(new Import.Problem(p.line(), ManageUsers.PIN, "user " + p.ext() + " is new: give a pin"));
                }
            }
        }
        if (!problems.isEmpty()) {
            return new Import.Invalid(problems);
        }
        // a dry run hashes no new user's PIN (the result is never written), it only checks existing users' PINs
        Map<Extension, SecretHash> pins = hashPins(dryRun ? prepared.stream().filter(p -> existing.containsKey(p.ext()))
                .toList() : prepared, existing, progress);
        Ledger.Work<Import.Result> work = tx -> {
            List<Import.Change> changes = new ArrayList<>();
            List<User> toAdd = new ArrayList<>();
            // a big file reads every user once instead of one query per row
            Map<Extension, User> stored = prepared.size() < READ_ALL_FROM ? null
                    : tx.users().stream().collect(java.util.stream.Collectors.toMap(User::extension, u -> u));
            for (Prepared p : prepared) {
                Optional<User> before = stored == null ? tx.user(p.ext()) : Optional.ofNullable(stored.get(p.ext()));
                SecretHash pin = pins.get(p.ext());
                if (before.isEmpty() && dryRun) {
                    pin = NOT_HASHED;
                }
                if (before.isEmpty()) {
                    User u = users.newUser(p.ext(), p.name(), pin, p.hotdesk() == null || p.hotdesk(), p.context(),
                            p.mailbox() == null ? "" : p.mailbox(), p.policy().orElse(Optional.empty()),
                            p.enabled() == null || p.enabled());
                    changes.add(new Import.Change(p.ext().value(), Import.Kind.ADDED, added(u)));
                    toAdd.add(u);
                    continue;
                }
                User was = before.get();
                User now = new User(p.ext(), p.name() == null ? was.name() : p.name(), was.pinHash(),
                        p.hotdesk() == null ? was.hotdeskEnabled() : p.hotdesk(),
                        p.context() == null ? was.context() : p.context(), p.mailbox() == null ? was.mailbox() : p.mailbox(),
                        was.sipSecret(), was.ownDevice(), p.policy().orElse(was.multiLogin()),
                        p.enabled() == null ? was.enabled() : p.enabled());
                List<String> diffs = new ArrayList<>(ManageUsers.diffs(was, now));
                boolean newPin = pin != null && !pin.equals(was.pinHash());
                if (newPin) {
                    diffs.add("pin changed");
                }
                changes.add(new Import.Change(p.ext().value(), diffs.isEmpty() ? Import.Kind.UNCHANGED : Import.Kind.CHANGED,
                        diffs));
                if (!dryRun) {
                    users.update(tx, was, now, actor);
                    if (newPin) {
                        tx.updateUser(tx.user(p.ext()).orElseThrow().withPin(pin));
                        users.pinChanged(tx, p.ext(), actor);
                    }
                }
            }
            if (!dryRun) {
                users.insertAll(tx, toAdd, actor); // batched: users, revisions, audit lines
                long added = changes.stream().filter(c -> c.kind() == Import.Kind.ADDED).count();
                long changed = changes.stream().filter(c -> c.kind() == Import.Kind.CHANGED).count();
                if (added + changed > 0) {
                    tx.audit(new AuditEntry(clock.instant(), actor, "user.import", "", added + " added, " + changed + " changed"));
                }
            }
            return new Import.Imported(changes, dryRun);
        };
        return dryRun ? ledger.read(work) : ledger.transact(work);
    }

    /**
     * The hash to store per extension whose row has a PIN: the stored one when the PIN is the user's
     * already, else a fresh one. In parallel over the available processors.
     */
    private Map<Extension, SecretHash> hashPins(List<Prepared> prepared, Map<Extension, User> existing,
                                                Import.Progress progress) {
        List<Prepared> withPin = prepared.stream().filter(p -> p.pin() != null).toList();
        AtomicInteger done = new AtomicInteger();
        int total = withPin.size();
        if (total > 0) {
            progress.step("pins", 0, total);
        }
        Map<Extension, SecretHash> out = new java.util.concurrent.ConcurrentHashMap<>();
        if (total == 0) {
            return out;
        }
        // a pool of its own: the common pool has availableProcessors - 1 workers (1 on a 2-core machine)
        java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(hashThreads(
                Runtime.getRuntime().availableProcessors(), total));
        try {
            pool.submit(() -> withPin.parallelStream().forEach(p -> {
                User was = existing.get(p.ext());
                SecretHash h = was != null && hasher.verify(p.pin(), was.pinHash()) ? was.pinHash() : hasher.hash(p.pin());
                out.put(p.ext(), h);
                progress.step("pins", done.incrementAndGet(), total);
            })).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing PINs", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    /** Threads that hash PINs: one per processor, never more than there are PINs. */
    static int hashThreads(int processors, int pins) {
        return Math.max(1, Math.min(processors, pins));
    }

    private static List<String> added(User u) {
        List<String> d = new ArrayList<>();
        d.add("name=" + u.name());
        d.add("context=" + u.context());
        if (!u.mailbox().isEmpty()) {
            d.add("mailbox=" + u.mailbox());
        }
        if (!u.hotdeskEnabled()) {
            d.add("hotdesk=off");
        }
        if (!u.enabled()) {
            d.add("enabled=off");
        }
        u.multiLogin().ifPresent(m -> d.add("policy=" + m.value()));
        return d;
    }

    private Prepared check(Import.Row row, Map<Extension, Integer> lineOf, List<Import.Problem> problems) {
        int line = row.line();
        Map<String, String> v = row.values();
        int before = problems.size();
        Extension ext;
        try {
            ext = Extension.of(v.getOrDefault(ManageUsers.EXTENSION, "").strip());
        } catch (IllegalArgumentException e) {
            problems.add(new Import.Problem(line, ManageUsers.EXTENSION, e.getMessage()));
            return null;
        }
        if (lineOf.containsKey(ext)) {
            problems.add(new Import.Problem(line, ManageUsers.EXTENSION, "user " + ext + " is on line " + lineOf.get(ext)
                    + " already"));
            return null;
        }
        lineOf.put(ext, line);
        String name = cell(v, ManageUsers.NAME, line, problems, s -> ValueRules.name("name", s));
        String pin = v.get(ManageUsers.PIN);
        if (pin != null && pin.isEmpty()) {
            pin = null; // an empty cell keeps the PIN
        }
        if (pin != null) {
            Optional<String> bad = PinRules.problem(pin, ext);
            if (bad.isPresent()) {
                problems.add(new Import.Problem(line, ManageUsers.PIN, bad.get()));
            }
        }
        String context = cell(v, ManageUsers.CONTEXT, line, problems, s -> ValueRules.context("context", s));
        String mailbox = cell(v, ManageUsers.MAILBOX, line, problems, s -> {
            ValueRules.mailbox("mailbox", s);
            return s;
        });
        Boolean hotdesk = onOff(v, ManageUsers.HOTDESK, line, problems);
        Boolean enabled = onOff(v, ManageUsers.ENABLED, line, problems);
        Optional<Optional<MultiLogin>> policy = Optional.empty();
        String p = v.get(ManageUsers.POLICY);
        if (p != null) {
            try {
                policy = Optional.of(p.isBlank() || p.strip().equalsIgnoreCase("global") ? Optional.empty()
                        : Optional.of(MultiLogin.parse("policy", p)));
            } catch (IllegalArgumentException e) {
                problems.add(new Import.Problem(line, ManageUsers.POLICY, e.getMessage()));
            }
        }
        v.keySet().stream().filter(k -> !ManageUsers.COLUMNS.contains(k) && !k.equals(ManageUsers.EXTENSION)).sorted()
                .forEach(k -> problems.add(new Import.Problem(line, k, "a user has no field '" + k + "'")));
        if (problems.size() > before) {
            return null;
        }
        return new Prepared(line, ext, name, pin, context, mailbox, hotdesk, enabled, policy);
    }

    private static String cell(Map<String, String> v, String column, int line, List<Import.Problem> problems,
                               java.util.function.UnaryOperator<String> check) {
        String s = v.get(column);
        if (s == null) {
            return null;
        }
        try {
            return check.apply(s);
        } catch (IllegalArgumentException e) {
            problems.add(new Import.Problem(line, column, e.getMessage()));
            return null;
        }
    }

    /** {@code on}/{@code off} (also yes/no, true/false); absent or empty: unchanged. */
    static Boolean onOff(Map<String, String> v, String column, int line, List<Import.Problem> problems) {
        String s = v.get(column);
        if (s == null || s.isBlank()) {
            return null;
        }
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "on", "yes", "true" -> Boolean.TRUE;
            case "off", "no", "false" -> Boolean.FALSE;
            default -> {
                problems.add(new Import.Problem(line, column, "expected on or off, got '" + s + "'"));
                yield null;
            }
        };
    }
}
