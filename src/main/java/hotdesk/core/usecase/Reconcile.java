package hotdesk.core.usecase;

import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.Target;
import hotdesk.core.model.User;
import hotdesk.core.policy.EmergencyLocation.Located;
import hotdesk.core.policy.TrustedNetworks;
import hotdesk.core.model.Site;
import hotdesk.core.port.NamedAcls;
import hotdesk.core.policy.Projections;
import hotdesk.core.port.DialplanState;
import hotdesk.core.port.DeskEvents;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.PbxException;
import hotdesk.core.port.Pbx;
import hotdesk.core.port.PhoneResync;
import hotdesk.core.port.PjsipObject;
import hotdesk.core.port.Telemetry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes Asterisk match the ledger: for every target (desk line, user) whose revision is newer than
 * what this node applied, push the complete PJSIP objects, write the AstDB facts and, for a desk whose
 * state changed, send check-sync to the phone.
 *
 * <p>Idempotent: it always pushes full objects. After {@link #asteriskRestarted()} the next pass
 * goes over every target again without notifying phones whose config did not change: where Asterisk
 * keeps pushed objects ({@link #keepsObjects}) it reads each and writes only what differs; where it
 * keeps none it writes them without reading first (targets not written since its start); and it
 * reads the AstDB facts once ({@code DBGetTree}) and writes only those that differ. One change, one check-sync: a desk's phone is told
 * at most once per desk revision, whichever of a login's own apply, a pass, a retry or a full push
 * pushes it (several may, one after the other, under the target's lock), and a user target never
 * notifies (the desk target of the same change does). A failed target is retried with exponential backoff
 * (1 s doubling to {@code maxBackoff}); a newer revision of it is tried at once. When Asterisk was unreachable
 * (ARI or AMI down, Asterisk restarting) every target pushed meanwhile has backed off, some to half a minute:
 * the first push that succeeds again makes every target that began failing since the previous success (for a
 * passing reason) due at once, so the outage ends when Asterisk is back, not when the longest backoff runs out.
 * A target that keeps failing on its own is not hurried again: only failures that began after the last success
 * count. Work on one target is
 * serialised, so a login thread and the background pass cannot interleave stale pushes.
 *
 * <p>A pass pushes up to {@link #pushing(Executor, int) workers} targets at once (every desk before the first
 * user: a user's aors name desk lines), each worker holding one ARI connection; Asterisk takes pushed objects
 * faster on several connections than on one (a full push after a restart is thousands of targets).
 * Thread-safe; blocking.
 */
public final class Reconcile implements ApplyNow {

    private static final System.Logger LOG = System.getLogger(Reconcile.class.getName());

    private final Ledger ledger;
    private final Pbx pbx;
    private final DialplanState dialplan;
    private final PhoneResync resync;
    private final Projections projections;
    private final Clock clock;
    private final String node;
    private final Duration maxBackoff;

    private final Map<Target, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** Marks of pushes that went through, waiting to be written in one transaction (see {@link #record}). */
    private final java.util.Queue<Mark> marks = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** How many marks {@link #marks} holds: its size() walks the whole queue, which grows while the ledger is slow. */
    private final AtomicInteger queued = new AtomicInteger();
    private final ReentrantLock flushing = new ReentrantLock();
    /** Marks written in one transaction at most. */
    static final int MARK_BATCH = 500;
    /**
     * How many of a full pass's marks may wait before the pass writes them. A login's own mark is written after every
     * mark queued before it (that order keeps a newer mark last), so a login during the pass writes those too: this
     * bounds the extra work a login carries, while still writing the pass's marks many at a time.
     */
    static final int DEFERRED_FLUSH = 64;
    private static final long MARK_WAIT_MILLIS = 20;
    private final Map<Target, Backoff> backoff = new ConcurrentHashMap<>();
    /** The revision this instance last pushed per target: a pass that planned a target a login has
     *  pushed meanwhile (under the same per-target lock) need not push it again. */
    private final Map<Target, Long> pushed = new ConcurrentHashMap<>();
    /** The desk revision each desk's phone was last sent check-sync for (in memory, like {@link #pushed}). */
    private final Map<Target, Long> notified = new ConcurrentHashMap<>();
    /**
     * When each target's last write to Asterisk (push, removal or AstDB facts, whether it went through or not) ended,
     * as {@link #clock} read it then: a full pass trusts what it read of Asterisk before a write only for targets
     * written before it read (see {@link FullPass}).
     */
    private final Map<Target, Touch> touched = new ConcurrentHashMap<>();

    /**
     * A target's last write ended {@code at}; {@code aorOf}: it was the AOR alone, by that full pass's first step, and
     * {@code others} is when the write before it ended (null: none); else {@code others} is {@code at}.
     */
    private record Touch(Instant at, Instant others, FullPass aorOf) {
        static Touch of(Instant at) {
            return new Touch(at, at, null);
        }
    }
    /** {@code asterisk.pjsip-wizard=astdb}: Asterisk keeps pushed objects across its restarts (see {@link #keepsObjects}). */
    private volatile boolean keepsObjects;
    /** When the Asterisk that restarted last started, as far as known; null when unknown (see {@link #asteriskRestarted(Instant)}). */
    private volatile Instant restartedAt;
    /** Bumped by every {@link #asteriskRestarted()}; starts at 1 because the first pass pushes everything. */
    private final AtomicLong restarts = new AtomicLong(1);
    /** The {@link #restarts} value the last finished pass pushed everything for. */
    private volatile long fullyPushedFor;
    private volatile long lastSeenRevision = -1;
    private final DeskEvents events;
    private final Telemetry telemetry;
    /** Desks whose phone was told and has not fetched its file since (in memory: a restart forgets them). */
    private final Map<Target, Await> awaiting = new ConcurrentHashMap<>();
    private volatile int notifyRetries = DEFAULT_NOTIFY_RETRIES;
    private volatile Duration notifyRetryAfter = DEFAULT_NOTIFY_RETRY_AFTER;
    /** Where a pass's extra workers run (null: the pass's own thread pushes every target), and how many push at once. */
    private volatile Executor workers;
    private volatile int parallelism = 1;

    /** Default of {@code notify.retries}: NOTIFYs sent again to a phone that did not fetch its file. */
    public static final int DEFAULT_NOTIFY_RETRIES = 3;
    /** Default of {@code notify.retry-after}: the wait before the first one, doubling after each. */
    public static final Duration DEFAULT_NOTIFY_RETRY_AFTER = Duration.ofSeconds(30);

    /** A desk whose phone has not answered its check-sync with a fetch yet, and when to tell it again. */
    private record Await(hotdesk.core.model.Notice notice, hotdesk.core.model.Mac mac, String vendor, Instant next) {
    }
    private final NamedAcls acls;
    private final List<String> defaultNetworks;
    /** Desks pushed while Asterisk lacked their ACL (or had other rules): their endpoint is created anew once it has it. */
    private final Set<Target> aclPending = ConcurrentHashMap.newKeySet();

    /**
     * A failed target: its revision, failures of that revision, when to try again, when that revision first
     * failed, and whether the failure was a passing one (unreachable, timeout) rather than a refusal.
     */
    private record Backoff(long revision, int failures, Instant next, Instant since, boolean passing) {
    }

    /** When a push last succeeded (any target): failures that began later were the outage's, not the target's. */
    private volatile Instant lastSuccess = Instant.MIN;
    /** When a push last failed: a success with no failure since the one before it has nothing to hurry. */
    private volatile Instant lastFailure = Instant.MIN;
    /** Whether the last push that ended ended well or with a refusal of its own target, rather than Asterisk unreachable. */
    private volatile boolean answering = true;

    /** Summary of one pass, for logs and tests. */
    public record Pass(int applied, int failed, int skipped, int untried) {
        public Pass(int applied, int failed, int skipped) {
            this(applied, failed, skipped, 0);
        }

        public boolean clean() {
            return failed == 0 && skipped == 0 && untried == 0;
        }
    }

    public Reconcile(Ledger ledger, Pbx pbx, DialplanState dialplan, PhoneResync resync, Projections projections,
                     Clock clock, String node, Duration maxBackoff) {
        this(ledger, pbx, dialplan, resync, projections, clock, node, maxBackoff, DeskEvents.none());
    }

    /** @param events told of every target after its push to Asterisk succeeded or failed */
    public Reconcile(Ledger ledger, Pbx pbx, DialplanState dialplan, PhoneResync resync, Projections projections,
                     Clock clock, String node, Duration maxBackoff, DeskEvents events) {
        this(ledger, pbx, dialplan, resync, projections, clock, node, maxBackoff, events, Telemetry.none());
    }

    /** @param telemetry told of every push's result */
    public Reconcile(Ledger ledger, Pbx pbx, DialplanState dialplan, PhoneResync resync, Projections projections,
                     Clock clock, String node, Duration maxBackoff, DeskEvents events, Telemetry telemetry) {
        this(ledger, pbx, dialplan, resync, projections, clock, node, maxBackoff, events, telemetry, null, List.of());
    }

    /**
     * @param acls            the named ACLs Asterisk has: each desk endpoint names its ACL ({@link TrustedNetworks})
     *                        once Asterisk has it with the ledger's networks; until then the desk is pushed without
     *                        naming one (an endpoint naming an unknown ACL refuses every request, emergency calls
     *                        included) and counts as failed, with a message saying which file to regenerate and
     *                        reload. Null: desks name no ACL (registration not gated).
     * @param defaultNetworks the networks of {@link TrustedNetworks#DEFAULT_ACL} ({@code provisioning.allowed-networks})
     */
    public Reconcile(Ledger ledger, Pbx pbx, DialplanState dialplan, PhoneResync resync, Projections projections,
                     Clock clock, String node, Duration maxBackoff, DeskEvents events, Telemetry telemetry,
                     NamedAcls acls, List<String> defaultNetworks) {
        this.acls = acls;
        this.defaultNetworks = List.copyOf(defaultNetworks);
        this.telemetry = telemetry;
        this.events = events;
        this.ledger = ledger;
        this.pbx = pbx;
        this.dialplan = dialplan;
        this.resync = resync;
        this.projections = projections;
        this.clock = clock;
        this.node = node;
        this.maxBackoff = maxBackoff;
    }

    /**
     * How a phone that did not fetch its file after a check-sync is told again: at most {@code retries}
     * more NOTIFYs (0: never), the first {@code retryAfter} after the first NOTIFY, each wait twice the
     * one before. Call before the first pass.
     */
    public Reconcile notifyRetries(int retries, Duration retryAfter) {
        if (retries < 0 || retries > 10 || retryAfter == null || retryAfter.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("notify.retries must be 0..10 and notify.retry-after at least 1s, got "
                    + retries + " and " + retryAfter);
        }
        this.notifyRetries = retries;
        this.notifyRetryAfter = retryAfter;
        return this;
    }

    /**
     * How many targets a pass pushes at once: {@code parallelism - 1} workers on {@code executor} beside the pass's
     * own thread (1: the pass pushes alone, {@code executor} unused). Call before the first pass.
     */
    public Reconcile pushing(Executor executor, int parallelism) {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM || parallelism > 1 && executor == null) {
            throw new IllegalArgumentException("reconcile.push-connections must be 1.." + MAX_PARALLELISM + ", got " + parallelism);
        }
        this.workers = executor;
        this.parallelism = parallelism;
        return this;
    }

    /** The most targets a pass pushes at once ({@code reconcile.push-connections}). */
    public static final int MAX_PARALLELISM = 64;

    /**
     * Whether Asterisk keeps the objects hotdesk pushes across its own restarts ({@code asterisk.pjsip-wizard=astdb},
     * true) or loses them ({@code memory}, false, the default here). A full pass (the first one, one after a restart)
     * then reads each object and writes only those that differ (true), or, after a restart whose start is known,
     * writes the objects of targets not written since without reading them first (false). Either way it reads the
     * AstDB facts once and writes only those that differ: AstDB keeps them whatever the wizard. Call before the first pass.
     */
    public Reconcile keepsObjects(boolean keeps) {
        this.keepsObjects = keeps;
        return this;
    }

    /** Asterisk (re)started (or hotdesk cannot tell): everything must be pushed again. */
    public void asteriskRestarted() {
        asteriskRestarted(null);
    }

    /**
     * As {@link #asteriskRestarted()}, knowing when the new Asterisk started ({@code startedAt}, on {@link #clock}; null
     * when unknown): where Asterisk keeps no pushed objects, targets last written before then need no read to find
     * nothing there. The estimate may be up to a second late (Asterisk's uptime counts whole seconds); a margin of
     * {@link #START_MARGIN} more is taken off.
     */
    public void asteriskRestarted(Instant startedAt) {
        restartedAt = startedAt;
        restarts.incrementAndGet();
        backoff.clear();
    }

    /** Taken off a restart's estimated start before targets written earlier count as holding nothing in Asterisk. */
    static final Duration START_MARGIN = Duration.ofSeconds(2);

    /**
     * hotdesk reconnected to the same Asterisk (it did not restart, so what was pushed is still there): nothing is
     * pushed again, but every target that failed for a passing reason (Asterisk unreachable meanwhile) is due at once
     * instead of after its backoff. A target Asterisk refused keeps its wait.
     */
    public void reconnected() {
        hurry(b -> true, clock.instant(), "reconnected to Asterisk");
    }

    /**
     * Makes every target that failed for a passing reason and {@code which} accepts due at {@code now} instead of
     * after its backoff; logs how many, after {@code why}.
     */
    private void hurry(java.util.function.Predicate<Backoff> which, Instant now, String why) {
        int due = 0;
        for (Map.Entry<Target, Backoff> e : backoff.entrySet()) {
            Backoff b = e.getValue();
            if (b.passing() && which.test(b) && b.next().isAfter(now)
                    && backoff.replace(e.getKey(), b, new Backoff(b.revision(), b.failures(), now, b.since(), true))) {
                due++;
            }
        }
        if (due > 0) {
            int n = due;
            LOG.log(System.Logger.Level.INFO, () -> why + ": " + n + " target(s) that failed meanwhile are retried now");
        }
    }

    /**
     * True when nothing changed since the last finished pass: the cheap check a poller makes first.
     * False while a pass that pushes everything is still running, when a restart came during it, and
     * when a failed target is due for its retry (one still waiting out its backoff leaves it idle).
     */
    public boolean idle() {
        Instant now = clock.instant();
        return fullyPushedFor == restarts.get() && backoff.values().stream().allMatch(b -> b.next().isAfter(now))
                && awaiting.values().stream().allMatch(a -> a.next().isAfter(now))
                && ledger.read(tx -> tx.latestRevision()) == lastSeenRevision;
    }

    /**
     * What one pass needs from the ledger, read in one transaction; {@code there}, only for a full pass: the targets
     * that are there to push (every desk line, every enabled user).
     */
    private record Plan(long latest, Map<Target, Long> wanted, Map<Target, Long> done, Set<Target> there) {
    }

    /** Every desk line and every enabled user: the targets whose AOR a full pass pushes first. */
    private static Set<Target> there(hotdesk.core.port.LedgerTx tx) {
        Set<Target> out = new java.util.HashSet<>();
        tx.lines().forEach(l -> out.add(Target.desk(l.endpointId())));
        tx.users().forEach(u -> {
            if (u.enabled()) {
                out.add(Target.user(u.extension()));
            }
        });
        return out;
    }

    /** One pass over every target that needs work. Passes must not overlap (one poller thread). */
    public Pass runOnce() {
        long generation = restarts.get();
        boolean full = generation != fullyPushedFor;
        Plan plan = ledger.read(tx -> new Plan(tx.latestRevision(), tx.revisions(), tx.applied(node), full ? there(tx) : Set.of()));
        long latest = plan.latest();
        Map<Target, Long> wanted = plan.wanted();
        Map<Target, Long> done = plan.done();
        int skipped = 0;
        Instant now = clock.instant();
        // users after desks: a desk line must exist before a user's aors names it
        List<Target> order = new ArrayList<>(wanted.keySet());
        order.sort((a, b) -> a.kind() != b.kind() ? a.kind().compareTo(b.kind()) : a.id().compareTo(b.id()));
        List<Job> desks = new ArrayList<>();
        List<Job> users = new ArrayList<>();
        for (Target t : order) {
            long rev = wanted.get(t);
            Long appliedRev = done.get(t);
            boolean stale = appliedRev == null || appliedRev < rev;
            if (!stale && !full && !backoff.containsKey(t)) {
                continue;
            }
            Backoff b = backoff.get(t);
            if (b != null && b.revision() == rev && b.next().isAfter(now)) {
                skipped++;
                continue;
            }
            // a desk whose config changed since it was last applied tells its phone; so does one
            // whose change committed after this plan was read (its own apply may find it pushed)
            (t.kind() == Target.Kind.DESK ? desks : users).add(new Job(t, stale && appliedRev != null, full || b != null, rev));
        }
        AtomicInteger applied = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Map<Target, Long> aorsReady = new ConcurrentHashMap<>();
        FullPass pass = null;
        if (full && !(desks.isEmpty() && users.isEmpty())) {
            Instant began = clock.instant();
            Instant start = restartedAt;
            pass = new FullPass(began, currentFacts(), keepsObjects,
                    generation > 1 && start != null && !keepsObjects ? start.minus(START_MARGIN) : null);
        }
        FullPass fullPass = pass;
        if (full) {
            // A new AOR costs Asterisk 22 a read of every endpoint it holds, sorted into a list one by one
            // (pjsip_options.c, aor observer; sorcery.c, retrieve_by_fields): time that grows with the square of the
            // endpoints, and the pass used to create each AOR right after the previous target's endpoint. Pushing every
            // AOR first makes a fresh Asterisk (or a memory wizard's restart) read almost none (BENCHMARKS.md).
            List<Job> all = new ArrayList<>(desks);
            all.addAll(users);
            AtomicBoolean unreachable = new AtomicBoolean();
            forEach(all, j -> pushAor(j.target(), plan.there().contains(j.target()) ? wanted.get(j.target()) : -1, aorsReady,
                    unreachable, fullPass));
        }
        RuntimeException failure = null;
        // Asterisk unreachable (down, restarting, ARI refused, timing out): the first push that finds it so ends the
        // pass's pushing. Trying every other target would fail each one the same way: with 10,000 desks that was 20,000
        // warnings, ledger writes and retries a round, about 1.3 cores, for as long as Asterisk stayed down. A target left
        // untried is due again at once, as a failed one would be after its backoff (a full pass's too: forced, so what
        // the pass did push is not pushed again), without a failure of its own: a few pushes a pass probe Asterisk until
        // it answers, and the first that goes through makes every target that failed meanwhile due (succeeded()).
        AtomicBoolean away = new AtomicBoolean();
        AtomicInteger untried = new AtomicInteger();
        java.util.function.Consumer<List<Job>> push = chunk -> {
            Map<Target, Read> read = away.get() ? Map.of() : readAhead(chunk);
            for (Job j : chunk) {
                if (away.get()) {
                    untried.incrementAndGet();
                    Instant at = clock.instant();
                    backoff.putIfAbsent(j.target(), new Backoff(j.planned(), 0, at, at, true));
                    continue;
                }
                Outcome o = applyOne(j.target(), j.notifyPhone(), j.force(), j.planned(), aorsReady.getOrDefault(j.target(), -1L),
                        fullPass, read.get(j.target()));
                count(o == Outcome.APPLIED, applied, failed);
                if (o == Outcome.UNANSWERED) {
                    away.set(true);
                }
            }
        };
        try {
            forEach(chunks(desks), push);
            forEach(chunks(users), push);
        } catch (RuntimeException e) {
            failure = e;
        }
        if (fullPass != null) {
            try {
                finishMarks(fullPass); // every mark of the pass written before it counts as done
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        backoff.keySet().retainAll(wanted.keySet()); // a target gone from the ledger needs no retry
        awaiting.keySet().retainAll(wanted.keySet());
        touched.keySet().retainAll(wanted.keySet());
        followUpNotices(clock.instant());
        lastSeenRevision = latest;
        fullyPushedFor = generation;
        return new Pass(applied.get(), failed.get(), skipped, untried.get());
    }

    /**
     * What a full pass knows of Asterisk before it writes: {@code facts}, every AstDB fact as read at {@code began}
     * (null when they could not be read); {@code compare}, whether Asterisk keeps pushed objects (read each, write
     * what differs); {@code emptyBefore}, for an Asterisk that keeps none, the instant before which a target's writes
     * are gone with the restart (null: unknown, or not after a restart).
     */
    private record FullPass(Instant began, Map<String, String> facts, boolean compare, Instant emptyBefore,
                            java.util.Queue<Mark> deferred) {
        FullPass(Instant began, Map<String, String> facts, boolean compare, Instant emptyBefore) {
            this(began, facts, compare, emptyBefore, new java.util.concurrent.ConcurrentLinkedQueue<>());
        }
    }

    /**
     * How {@code target}'s objects go to Asterisk: pushed (read where needed, then written), corrected (read each,
     * write what differs), or created (written without reading). Called under the target's lock.
     */
    private void write(Target target, List<PjsipObject> objects, FullPass pass) {
        if (objects.isEmpty()) {
            return;
        }
        if (pass == null) {
            pbx.push(objects);
        } else if (pass.compare()) {
            pbx.correct(objects);
        } else if (pass.emptyBefore() != null && writtenBefore(target, pass.emptyBefore(), pass)) {
            pbx.create(objects);
        } else {
            pbx.push(objects);
        }
    }

    /**
     * Writes AstDB facts; in a full pass that read them, for a target not written since, only those that differ from
     * what it read (a key to delete that is not there needs nothing). Called under the target's lock.
     */
    private void writeFacts(Target target, Map<String, String> facts, FullPass pass) {
        if (pass == null || pass.facts() == null || !writtenBefore(target, pass.began(), pass)) {
            dialplan.put(facts);
            return;
        }
        Map<String, String> differ = new LinkedHashMap<>();
        facts.forEach((key, value) -> {
            String have = pass.facts().get(key);
            if (value.isEmpty() ? have != null : !value.equals(have)) {
                differ.put(key, value);
            }
        });
        if (!differ.isEmpty()) {
            dialplan.put(differ);
        }
    }

    /** Every AstDB fact Asterisk holds now, or null when it cannot tell (then every fact is written). */
    private Map<String, String> currentFacts() {
        try {
            return dialplan.all().orElse(null);
        } catch (PbxException e) {
            return null;
        }
    }

    /**
     * Whether every write of this process to {@code target} ended before {@code instant} (true when none was made),
     * not counting the AOR {@code pass} wrote itself in its first step: a pass knows what that one left.
     */
    private boolean writtenBefore(Target target, Instant instant, FullPass pass) {
        Touch last = touched.get(target);
        Instant others = last == null ? null : last.aorOf() == pass ? last.others() : last.at();
        return others == null || others.isBefore(instant);
    }

    /** One target a pass applies, with {@link #applyOne}'s arguments. */
    private record Job(Target target, boolean notifyPhone, boolean force, long planned) {
    }

    private static void count(boolean ok, AtomicInteger applied, AtomicInteger failed) {
        (ok ? applied : failed).incrementAndGet();
    }

    /**
     * The first step of a full pass for one target: its AOR alone, so that every AOR exists before the pass creates
     * endpoints. Records the revision it was pushed for in {@code ready}; the target's own push then leaves the AOR
     * out while its revision is still that one (AORs are the same for a target's whole life: a changed revision
     * pushes it again all the same). A gone target and a disabled user (both removed by their own push) get nothing
     * here, an id the projection refuses neither (reported by the target's own push); after one push Asterisk gave no
     * answer to (unreachable, timing out) no further AOR is tried: the targets' own pushes find out and back off. The AOR
     * depends on nothing but the target's id, so this reads nothing: {@code revision} is the target's revision as the
     * pass's plan read it, -1 where the plan found it not there (at 10,000 desks the whole snapshot read here, and read
     * again by the target's own push right after, was about a quarter of serve's CPU in the pass). A target changed
     * since the plan has a newer revision by its own push, which then pushes its AOR again; one gone since gets an AOR
     * its own push removes with the rest.
     */
    private void pushAor(Target target, long revision, Map<Target, Long> ready, AtomicBoolean unreachable, FullPass pass) {
        if (unreachable.get() || revision < 0) {
            return;
        }
        ReentrantLock lock = locks.computeIfAbsent(target, k -> new ReentrantLock());
        lock.lock();
        try {
            try {
                PjsipObject aor = target.kind() == Target.Kind.DESK ? projections.deskAor(target.id())
                        : projections.userAor(Extension.of(target.id()));
                write(target, List.of(aor), pass);
                ready.put(target, revision);
            } catch (PbxException e) {
                if (e.unanswered()) {
                    unreachable.set(true); // an AOR Asterisk refused says nothing about the others
                }
            } catch (IllegalArgumentException e) {
                // the target's own push reports it
            } finally {
                Touch before = touched.get(target);
                Instant others = before == null ? null : before.aorOf() == pass ? before.others() : before.at();
                touched.put(target, new Touch(clock.instant(), others, pass));
            }
        } finally {
            lock.unlock();
        }
    }

    /** The objects to push for a target whose AOR the pass pushed already at this revision: all but the AOR. */
    private static List<PjsipObject> withoutReadyAor(List<PjsipObject> objects, Snapshot s, long aorAt) {
        if (aorAt < 0 || aorAt != s.revision()) {
            return objects;
        }
        return objects.stream().filter(o -> o.type() != PjsipObject.Type.AOR).toList();
    }

    /**
     * Runs {@code action} for every job, up to {@link #parallelism} at once (this thread one of them), and returns when
     * all are done. A worker the executor refuses (stopping) leaves its share to the others. A worker's exception (the
     * ledger unreachable) stops the others' work too and is thrown here, as a single-threaded pass would throw it: the
     * pass is then not finished and the next one does its work again.
     */
    private <T> void forEach(List<T> jobs, java.util.function.Consumer<T> action) {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> error = new AtomicReference<>();
        Runnable work = () -> {
            for (int i = next.getAndIncrement(); i < jobs.size() && error.get() == null; i = next.getAndIncrement()) {
                action.accept(jobs.get(i));
            }
        };
        int helpers = Math.min(parallelism, jobs.size()) - 1;
        CountDownLatch finished = new CountDownLatch(Math.max(helpers, 0));
        for (int h = 0; h < helpers; h++) {
            try {
                workers.execute(() -> {
                    try {
                        work.run();
                    } catch (RuntimeException e) {
                        error.compareAndSet(null, e);
                    } finally {
                        finished.countDown();
                    }
                });
            } catch (RejectedExecutionException stopping) {
                finished.countDown();
            }
        }
        try {
            work.run();
        } catch (RuntimeException e) {
            error.compareAndSet(null, e);
        }
        try {
            finished.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error.compareAndSet(null, new IllegalStateException("interrupted while the pass's workers pushed"));
        }
        if (error.get() != null) {
            throw error.get();
        }
    }

    /**
     * Applies these targets now (after a login or logout) and tells whether all reached Asterisk.
     * A failure is left to the background passes; nothing is lost.
     */
    @Override
    public boolean apply(Collection<Target> targets) {
        boolean all = true;
        List<Target> order = new ArrayList<>(targets);
        order.sort((a, b) -> a.kind().compareTo(b.kind()));
        for (Target t : order) {
            all &= applyOne(t, true, false, -1, -1, null, null) == Outcome.APPLIED;
        }
        return all;
    }

    /** Targets whose snapshots a pass reads in one transaction ({@link #readAhead}). */
    static final int READ_AHEAD = 64;

    /** {@code jobs} in runs of {@link #READ_AHEAD}, in order. */
    private static List<List<Job>> chunks(List<Job> jobs) {
        List<List<Job>> out = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i += READ_AHEAD) {
            out.add(jobs.subList(i, Math.min(i + READ_AHEAD, jobs.size())));
        }
        return out;
    }

    /**
     * A target's snapshot read ahead of its push, with the target's last write as it stood before the read: the push
     * uses the snapshot only while that write is still the last ({@link #applyOne}).
     */
    private record Read(Snapshot snapshot, Touch before) {
    }

    /**
     * The snapshots of a run of a pass's targets, read in one transaction with a few statements for all of them: read
     * one target at a time (seven statements in a transaction of its own each), they were a third of the pushers' CPU
     * in a full pass after an Asterisk restart (BENCHMARKS.md). A target written since (a login's own push, under its
     * lock) is read again when its turn comes; one changed since without a push yet is pushed as read, and its change
     * by whoever made it, after (a login pushes its own; a pass finds the rest), as when the change comes just after the
     * read under the lock.
     */
    private Map<Target, Read> readAhead(List<Job> chunk) {
        Map<Target, Touch> before = new java.util.HashMap<>();
        chunk.forEach(j -> before.put(j.target(), touched.get(j.target())));
        Map<Target, Snapshot> snapshots = ledger.read(tx -> snapshots(tx, chunk.stream().map(Job::target).toList()));
        Map<Target, Read> out = new java.util.HashMap<>();
        snapshots.forEach((t, s) -> out.put(t, new Read(s, before.get(t))));
        return out;
    }

    /** How one target's push ended: applied, failed (refused, or an error of its own), or Asterisk gave no answer. */
    private enum Outcome { APPLIED, FAILED, UNANSWERED }

    /**
     * @param notifyPhone the caller knows the desk changed: tell its phone
     * @param force       push even when this instance pushed the snapshot's revision already (a full
     *                    pass after a restart, a retry after a failure)
     * @param planned     the revision the caller planned for, -1 for none: a newer snapshot is a
     *                    change the caller did not know of, so its phone is told too
     * @param aorAt       the revision at which this pass pushed the target's AOR already, -1 for none
     * @param pass        what a full pass read of Asterisk, null for any other push
     * @param ahead       the target's snapshot as a pass read it ahead, null for none
     */
    private Outcome applyOne(Target target, boolean notifyPhone, boolean force, long planned, long aorAt, FullPass pass,
                             Read ahead) {
        ReentrantLock lock = locks.computeIfAbsent(target, k -> new ReentrantLock());
        lock.lock();
        try {
            // the snapshot read ahead holds while nothing wrote the target since (every write records itself in touched,
            // under this lock); else it is read now, as a push without one reads it
            Snapshot s = ahead != null && touched.get(target) == ahead.before() ? ahead.snapshot()
                    : ledger.read(tx -> snapshot(tx, target));
            if (!force && pushed.getOrDefault(target, -1L) >= s.revision()) {
                return Outcome.APPLIED; // a login pushed it while this pass waited for the lock
            }
            try {
                Instant told = null;
                try {
                    if (target.kind() == Target.Kind.DESK) {
                        told = applyDesk(target, s, notifyPhone || planned >= 0 && s.revision() > planned, aorAt, pass);
                    } else {
                        applyUser(target, s, aorAt, pass);
                    }
                } finally {
                    touched.put(target, Touch.of(clock.instant()));
                }
                Instant at = clock.instant();
                hotdesk.core.model.Notice notice = told == null ? null : new hotdesk.core.model.Notice(target.id(), s.revision(), told, 1);
                Mark mark = new Mark(target, s.revision(), at, notice, s.gone());
                if (pass == null) {
                    record(mark);
                } else {
                    defer(mark, pass);
                }
                if (notice != null && notifyRetries > 0) {
                    awaiting.put(target, new Await(notice, s.device().mac(), s.device().vendor(), at.plus(notifyRetryAfter)));
                } else if (s.gone()) {
                    awaiting.remove(target);
                }
                backoff.remove(target);
                succeeded();
                telemetry.pushed(target.kind(), true);
                if (s.gone()) {
                    pushed.remove(target);
                    notified.remove(target);
                } else {
                    pushed.put(target, s.revision());
                }
                return Outcome.APPLIED;
            } catch (PbxException | IllegalArgumentException e) {
                fail(target, s.revision(), e);
                return e instanceof PbxException p && p.unanswered() ? Outcome.UNANSWERED : Outcome.FAILED;
            }
        } finally {
            lock.unlock();
        }
    }

    /** What a push that went through leaves in the ledger: the target applied at this revision, the notice sent. */
    private record Mark(Target target, long revision, Instant at, hotdesk.core.model.Notice notice, boolean gone,
                        CompletableFuture<Void> written) {
        Mark(Target target, long revision, Instant at, hotdesk.core.model.Notice notice, boolean gone) {
            this(target, revision, at, notice, gone, new CompletableFuture<>());
        }
    }

    /**
     * Writes a mark, together with whatever marks other pushers recorded meanwhile, in one transaction (a group
     * commit): during a login rush every push of every target wrote one transaction of its own, four or so per login,
     * and they queued with the logins for the ledger's one write lock. One pusher writes the batch while the others
     * wait for it; returns when this mark is written, throws what the transaction threw (the push then counts as not
     * recorded, as before).
     */
    private void record(Mark mark) {
        enqueue(mark);
        awaitWritten(mark);
    }

    /**
     * A full pass's mark: queued with the others (in order, so a login's newer mark for the same target, queued after
     * it, is written after it), written once {@link #DEFERRED_FLUSH} have gathered, without the pusher waiting. Each of the
     * pass's workers waiting for its own mark made transactions of at most as many marks as workers, each taking the
     * ledger's write lock: about a sixth of serve's CPU re-pushing 10,000 desks. {@link #finishMarks} waits for them all
     * before the pass ends.
     */
    private void defer(Mark mark, FullPass pass) {
        enqueue(mark);
        pass.deferred().add(mark);
        if (queued.get() >= DEFERRED_FLUSH && flushing.tryLock()) {
            try {
                writeMarks();
            } finally {
                flushing.unlock();
            }
        }
    }

    /** Writes what is left of a full pass's marks and waits for all of them; throws the first failure (the pass is then redone). */
    private void finishMarks(FullPass pass) {
        for (Mark m = pass.deferred().poll(); m != null; m = pass.deferred().poll()) {
            awaitWritten(m);
        }
    }

    /** Waits until {@code mark} is written, writing batches itself when no one else is; throws what its transaction threw. */
    private void awaitWritten(Mark mark) {
        boolean interrupted = false;
        while (!mark.written().isDone()) {
            if (flushing.tryLock()) {
                try {
                    writeMarks();
                    if (!mark.written().isDone() && marks.isEmpty()) {
                        // neither queued nor written, with no one else writing: taken into a batch that never wrote it
                        throw new IllegalStateException("the mark of " + mark.target() + " at revision " + mark.revision()
                                + " was lost between two batches");
                    }
                } finally {
                    flushing.unlock();
                }
            } else {
                try {
                    mark.written().get(MARK_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // not written yet (the writer may have taken its batch before this mark came): try again; or
                    // failed: reported below
                } catch (InterruptedException e) {
                    interrupted = true; // kept for the caller; the mark is written by someone all the same
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            mark.written().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void enqueue(Mark mark) {
        marks.add(mark);
        queued.incrementAndGet();
    }

    /**
     * Writes up to {@link #MARK_BATCH} queued marks in one transaction, then tells watchers of each target (they read
     * the applied state, so only once its mark is written, and not when the write failed).
     */
    private void writeMarks() {
        List<Mark> batch = new ArrayList<>();
        while (batch.size() < MARK_BATCH) {
            Mark m = marks.poll();
            if (m == null) {
                break;
            }
            queued.decrementAndGet();
            batch.add(m); // (the loop before polled one mark past a full batch and dropped it)
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            ledger.transact(tx -> {
                for (Mark m : batch) {
                    if (m.gone()) {
                        tx.dropRevision(m.target());
                    }
                    tx.markApplied(node, m.target(), m.revision(), m.at());
                    if (m.notice() != null) {
                        tx.putNotice(node, m.notice());
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            batch.forEach(m -> m.written().completeExceptionally(e));
            return;
        }
        batch.forEach(m -> m.written().complete(null));
        batch.forEach(m -> events.changed(List.of(m.target())));
    }

    /** Pushes a desk; when its phone was sent check-sync for this revision, the instant just before, else null. */
    private Instant applyDesk(Target target, Snapshot s, boolean notifyPhone, long aorAt, FullPass pass) {
        if (s.gone()) {
            pbx.remove(Projections.typesForRemoval(), Projections.idsForRemoval(target.id()));
            writeFacts(target, Map.of("desk/" + target.id() + "/occupant", "", "desk/" + target.id() + "/elin", "",
                    "desk/" + target.id() + "/civic", "", "desk/" + target.id() + "/where", "",
                    "desk/" + target.id() + "/context", ""), pass);
            return null;
        }
        String acl = "";
        String missingAcl = null;
        if (acls != null) {
            String wanted = TrustedNetworks.aclName(s.site());
            List<String> networks = wanted.equals(TrustedNetworks.DEFAULT_ACL) ? defaultNetworks
                    : s.site().orElseThrow().phones().networks();
            if (acls.defined(wanted, networks)) {
                acl = wanted;
            } else {
                missingAcl = wanted;
            }
        }
        var objects = withoutReadyAor(projections.desk(s.line(), s.device(), s.occupant(), s.where(), acl), s, aorAt);
        // facts first: a desk that becomes seated must find its occupant's context in AstDB at its first call
        writeFacts(target, Projections.deskFacts(s.line(), s.device(), s.occupant(), s.where()), pass);
        if (!acl.isEmpty() && aclPending.contains(target)) {
            // Asterisk copies an ACL's rules into the endpoint when it is created: after the rules of its ACL changed
            // (same name, other networks) only a new endpoint enforces them; its AOR and contacts stay
            pbx.remove(List.of(hotdesk.core.port.PjsipObject.Type.ENDPOINT), List.of(target.id()));
        }
        write(target, objects, pass);
        if (missingAcl != null) {
            aclPending.add(target);
        } else {
            aclPending.remove(target);
        }
        // a disabled desk's phone is told too: its file (still served) then shows it idle
        Instant sent = null;
        if (notifyPhone && notified.getOrDefault(target, -1L) < s.revision()) {
            sent = clock.instant(); // a quick phone's fetch may come before checkSync returns
            resync.checkSync(target.id(), s.device().vendor());
            notified.put(target, s.revision());
        }
        if (missingAcl != null) {
            // pushed all the same (the login applies, emergency calls work), but its registration is not gated yet
            throw new PbxException("Asterisk has no ACL '" + missingAcl + "' with the networks of "
                    + (missingAcl.equals(TrustedNetworks.DEFAULT_ACL) ? "provisioning.allowed-networks"
                    : "site " + s.site().orElseThrow().name()) + ": regenerate acl_hotdesk.conf (hotdesk asterisk-conf --out DIR), "
                    + "#include it in acl.conf, then 'module reload acl'; until then this desk registers from any network", true, true);
        }
        return sent;
    }

    /**
     * The login receipt: a desk whose phone was told of a change and has not fetched its file since is told
     * again once its wait is over, at most {@code notify.retries} times with doubling waits; the count is
     * recorded for {@code status}. A phone that never answers is audited ({@code desk.unanswered}) and left
     * alone. Nothing here blocks a login: it runs on the reconciler's pass, under the desk's lock.
     */
    private void followUpNotices(Instant now) {
        for (Map.Entry<Target, Await> e : List.copyOf(awaiting.entrySet())) {
            Await a = e.getValue();
            if (a.next().isAfter(now)) {
                continue;
            }
            Target target = e.getKey();
            ReentrantLock lock = locks.computeIfAbsent(target, k -> new ReentrantLock());
            lock.lock();
            try {
                if (awaiting.get(target) != a) {
                    continue; // a newer change was notified meanwhile
                }
                Optional<Instant> fetched = ledger.read(tx -> tx.lastFetch(a.mac()));
                if (fetched.isPresent() && a.notice().answeredBy(fetched.get())) {
                    awaiting.remove(target, a);
                    continue;
                }
                int sent = a.notice().sends();
                if (sent > notifyRetries) {
                    awaiting.remove(target, a);
                    String detail = "the phone fetched no file after " + sent + " check-sync NOTIFYs for revision "
                            + a.notice().revision() + " (first at " + a.notice().at() + ")";
                    LOG.log(System.Logger.Level.WARNING, () -> "desk " + target.id() + ": " + detail);
                    ledger.transact(tx -> {
                        tx.audit(new hotdesk.core.model.AuditEntry(now, "hotdesk", "desk.unanswered", target.id(), detail));
                        return null;
                    });
                    continue;
                }
                try {
                    resync.checkSync(target.id(), a.vendor());
                } catch (PbxException ex) {
                    LOG.log(System.Logger.Level.INFO, () -> "check-sync again for " + target.id() + " failed: " + ex.getMessage());
                }
                hotdesk.core.model.Notice again = new hotdesk.core.model.Notice(target.id(), a.notice().revision(),
                        a.notice().at(), sent + 1);
                ledger.transact(tx -> {
                    tx.putNotice(node, again);
                    return null;
                });
                Duration wait = notifyRetryAfter.multipliedBy(1L << Math.min(sent, 20));
                awaiting.put(target, new Await(again, a.mac(), a.vendor(), now.plus(wait)));
            } finally {
                lock.unlock();
            }
        }
    }

    private void applyUser(Target target, Snapshot s, long aorAt, FullPass pass) {
        if (s.gone() || !s.occupant().orElseThrow().enabled()) {
            // a disabled user's own endpoint goes too: their own phones can neither register nor call
            pbx.remove(Projections.typesForRemoval(), Projections.idsForRemoval(target.id()));
            writeFacts(target, Projections.userFacts(target.id(), List.of()), pass);
            return;
        }
        List<String> desks = s.seats().stream().map(Occupancy::endpointId).toList();
        write(target, withoutReadyAor(projections.user(s.occupant().orElseThrow(), desks), s, aorAt), pass);
        writeFacts(target, Projections.userFacts(target.id(), desks), pass);
    }

    /**
     * A push went through: Asterisk answers. Targets whose failures began after the success before this one
     * failed because it did not; they are due now instead of after their backoff.
     */
    private void succeeded() {
        Instant now = clock.instant();
        Instant before = lastSuccess;
        lastSuccess = now;
        answering = true;
        // every push that succeeds (a login's own apply included) passes here: scan the failed targets only when
        // one failed since the previous success, not on every push while one target keeps failing on its own
        if (backoff.isEmpty() || !lastFailure.isAfter(before)) {
            return;
        }
        hurry(b -> b.since().isAfter(before), now, "Asterisk answers again");
    }

    /**
     * Whether Asterisk took the last push that ended: it did not fail for a passing reason (unreachable, timing
     * out). True before any push. A target Asterisk refuses on its own does not count:
     * the others still get there.
     */
    public boolean keepingUp() {
        return answering;
    }

    private void fail(Target target, long revision, RuntimeException e) {
        Backoff prev = backoff.get(target);
        boolean same = prev != null && prev.revision() == revision;
        int failures = same ? prev.failures() + 1 : 1;
        boolean retryable = !(e instanceof PbxException p) || p.retryable();
        Duration wait = retryable ? backoffFor(failures) : maxBackoff;
        Instant now = clock.instant();
        backoff.put(target, new Backoff(revision, failures, now.plus(wait), same ? prev.since() : now, retryable));
        lastFailure = now;
        if (e instanceof PbxException p && p.unanswered()) {
            answering = false; // Asterisk itself did not answer; a value it refuses says nothing about the others
        }
        String message = e.getMessage();
        LOG.log(System.Logger.Level.WARNING, () -> "apply " + target + " failed (" + failures + "x, next try in " + wait.toSeconds() + " s): " + message);
        telemetry.pushed(target.kind(), false);
        ledger.transact(tx -> {
            tx.markFailed(node, target, clock.instant(), message);
            return null;
        });
        events.changed(List.of(target));
    }

    private Duration backoffFor(int failures) {
        long seconds = 1L << Math.min(failures - 1, 20);
        Duration d = Duration.ofSeconds(seconds);
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    /**
     * What the ledger says about one target at one instant. {@code where} is the desk's emergency location
     * (its site's part included: a site change bumps every desk of the site), null for a user or a gone desk.
     */
    private record Snapshot(long revision, DeskLine line, Device device, Optional<User> occupant, List<Occupancy> seats,
                            Located where, Optional<Site> site) {
        boolean gone() {
            return line == null && occupant.isEmpty();
        }
    }

    /** {@link #snapshot} of each target, read with a few statements for all of them. */
    private Map<Target, Snapshot> snapshots(hotdesk.core.port.LedgerTx tx, List<Target> targets) {
        Map<Target, Long> revisions = tx.revisions(targets);
        List<String> deskIds = targets.stream().filter(t -> t.kind() == Target.Kind.DESK).map(Target::id).toList();
        List<Extension> extensions = targets.stream().filter(t -> t.kind() == Target.Kind.USER).map(t -> Extension.of(t.id())).toList();
        Map<String, hotdesk.core.port.LedgerTx.DeskLineFacts> desks = deskIds.isEmpty() ? Map.of() : tx.deskLineFacts(deskIds);
        Map<Extension, hotdesk.core.port.LedgerTx.UserFacts> users = extensions.isEmpty() ? Map.of() : tx.userFacts(extensions);
        Map<String, Optional<Site>> sites = new java.util.HashMap<>();
        Map<Target, Snapshot> out = new java.util.HashMap<>();
        for (Target t : targets) {
            long rev = revisions.getOrDefault(t, 0L);
            if (t.kind() == Target.Kind.DESK) {
                hotdesk.core.port.LedgerTx.DeskLineFacts d = desks.get(t.id());
                if (d == null) {
                    out.put(t, new Snapshot(rev, null, null, Optional.empty(), List.of(), null, Optional.empty()));
                    continue;
                }
                Device device = d.device();
                Optional<Site> site = device.site().isEmpty() ? Optional.empty()
                        : sites.computeIfAbsent(device.site(), tx::site);
                Located where = projections.located(device, d.location(), site);
                out.put(t, new Snapshot(rev, d.line(), device, d.occupant(), d.seat().stream().toList(), where, site));
            } else {
                hotdesk.core.port.LedgerTx.UserFacts u = users.get(Extension.of(t.id()));
                out.put(t, u == null ? new Snapshot(rev, null, null, Optional.empty(), List.of(), null, Optional.empty())
                        : new Snapshot(rev, null, null, Optional.of(u.user()), u.seats(), null, Optional.empty()));
            }
        }
        return out;
    }

    private Snapshot snapshot(hotdesk.core.port.LedgerTx tx, Target target) {
        long rev = tx.revision(target);
        if (target.kind() == Target.Kind.DESK) {
            Optional<DeskLine> line = tx.line(target.id());
            if (line.isEmpty()) {
                return new Snapshot(rev, null, null, Optional.empty(), List.of(), null, Optional.empty());
            }
            Device device = tx.device(line.get().mac()).orElseThrow();
            Optional<Occupancy> seat = tx.occupancyOfLine(target.id());
            Optional<User> occupant = seat.flatMap(o -> tx.user(o.extension()));
            Optional<Site> site = device.site().isEmpty() ? Optional.empty() : tx.site(device.site());
            Located where = projections.located(device, tx.deskLocation(device.mac()), site);
            return new Snapshot(rev, line.get(), device, occupant, seat.stream().toList(), where, site);
        }
        Extension ext = Extension.of(target.id());
        Optional<User> user = tx.user(ext);
        return new Snapshot(rev, null, null, user, user.isPresent() ? tx.seatsOfUser(ext) : List.of(), null, Optional.empty());
    }
}
