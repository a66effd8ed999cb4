package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Device;
import hotdesk.core.model.Site;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.DeviceCredential;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.ProvisionCount;
import hotdesk.core.model.UrlKeyHash;
import hotdesk.core.model.User;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerTx;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a desk phone's configuration must say right now, read from the ledger when the phone asks
 * ({@link Ledger#read}: a snapshot, no write lock). Every ledger change bumps the ledger's latest
 * revision ({@link hotdesk.core.model.Target}), so the view of a desk is kept with the revision it
 * was read at, and a fetch that finds the same latest revision uses it again instead of reading
 * device, lines, occupancy and users once more. (Changes that bump nothing, a PIN hash or a
 * last-activity time, touch nothing a vendor profile uses.)
 *
 * <p><b>The latest revision</b> costs no round trip when the ledger keeps track of it
 * ({@link Ledger#latestKnownRevision()}): every change committed by this process is known at once, so
 * a phone told by check-sync after a login, a logout or a reconciler push always gets the new view.
 * Changes committed by other processes (the CLI, another node) become known when this process reads
 * the latest revision: here at least every {@link #OTHERS_RECHECK} (one read, shared by the fetches
 * that arrive together), and in every pass of the reconciler, which reads it before it pushes such a
 * change and sends the desk's check-sync; so a phone fetching between another process's commit and
 * that check-sync may get the view before it, and is told to fetch again. A ledger that does not keep
 * track is asked on every fetch, through a {@link RevisionProbe}: a read that started after the fetch
 * arrived, shared by the fetches that arrived together.
 *
 * <p>Records the fetch (time, address, user agent) and its audit line in the {@link FetchJournal},
 * which writes them to the ledger off the request path: the fetch is the receipt that a check-sync
 * reached the phone. Thread-safe.
 */
public final class ProvisionDesk {

    /**
     * One desk line as its file shows it.
     *
     * @param keys the occupant's own keys ({@link hotdesk.core.model.UserKey}) by position; empty while idle
     */
    public record LineView(DeskLine line, Optional<User> occupant, Optional<Occupancy> occupancy,
                           List<hotdesk.core.model.UserKey> keys) {
        public LineView {
            keys = occupant.isEmpty() ? List.of() : List.copyOf(keys);
        }

        /** A line without the occupant's keys. */
        public LineView(DeskLine line, Optional<User> occupant, Optional<Occupancy> occupancy) {
            this(line, occupant, occupancy, List.of());
        }
    }

    /**
     * @param site the desk's site when the device names one that exists: its phone settings override the
     *             global {@code provisioning.*} keys for this desk
     */
    public record DeskView(Device device, List<LineView> lines, Optional<Site> site) {

        /** A desk without a (known) site. */
        public DeskView(Device device, List<LineView> lines) {
            this(device, lines, Optional.empty());
        }
    }

    private record Looked(Optional<DeskView> view, String refusal, long revision, ProvisionCount count,
                          Optional<DeviceCredential> credential) {
    }

    /**
     * What a fetch gets: the view to serve, or none; {@code limited} when the desk is known but has used
     * up its provisions ({@code provisioning.max-provisions}), {@code firstLimited} for the one fetch
     * that audited it.
     */
    public record Answer(Optional<DeskView> view, boolean limited, boolean firstLimited, boolean unauthorized) {
        public Answer(Optional<DeskView> view, boolean limited, boolean firstLimited) {
            this(view, limited, firstLimited, false);
        }
    }

    /**
     * A desk's files served since its last reset, as this process counts them: seeded from the ledger's
     * count when first needed, bumped by every served fetch. {@code resetAt} is the ledger's reset time
     * it was seeded at; a different one read later means an admin reset it.
     */
    private static final class Count {
        final Optional<Instant> resetAt;
        final java.util.concurrent.atomic.AtomicLong served;
        final java.util.concurrent.atomic.AtomicBoolean audited = new java.util.concurrent.atomic.AtomicBoolean();

        Count(ProvisionCount c) {
            this.resetAt = c.resetAt();
            this.served = new java.util.concurrent.atomic.AtomicLong(c.served());
        }
    }

    /** A desk's view as read at a ledger revision, and when a fetch last used it (clock millis). */
    private static final class Seen {
        private final long revision;
        private final DeskView view;
        private final Optional<DeviceCredential> credential;
        private volatile long usedAt;

        Seen(long revision, DeskView view, Optional<DeviceCredential> credential, long usedAt) {
            this.revision = revision;
            this.view = view;
            this.credential = credential;
            this.usedAt = usedAt;
        }

        long revision() {
            return revision;
        }

        DeskView view() {
            return view;
        }

        Optional<DeviceCredential> credential() {
            return credential;
        }

        Seen used(Instant now) {
            usedAt = now.toEpochMilli();
            return this;
        }
    }

    /** Views kept at most (one per enabled desk that fetched); beyond it the table starts over. */
    public static final int MAX_VIEWS = 100_000;
    /** How long a known latest revision is trusted before the ledger is asked for other processes' changes. */
    public static final java.time.Duration OTHERS_RECHECK = java.time.Duration.ofSeconds(1);

    private final RevisionProbe probe;
    /**
     * The views kept, softly: a cache the next fetch reads again, which the collector may drop when the heap runs
     * short (as the provisioning server's kept files, which are made from these views).
     */
    private final SoftKept<Mac, Seen> views = new SoftKept<>();

    private final Ledger ledger;
    private final Clock clock;
    private final FetchJournal journal;
    /** {@code provisioning.max-provisions}: files served per desk until an admin resets it; 0: unlimited. */
    private final long maxProvisions;
    private final java.util.concurrent.ConcurrentHashMap<Mac, Count> counts = new java.util.concurrent.ConcurrentHashMap<>();
    /** When the ledger was last asked for its latest revision (clock millis); MIN_VALUE: never. */
    private volatile long askedAt = Long.MIN_VALUE;

    /** With a journal of the default bounds on the same ledger. */
    public ProvisionDesk(Ledger ledger, Clock clock) {
        this(ledger, clock, new FetchJournal(ledger));
    }

    public ProvisionDesk(Ledger ledger, Clock clock, FetchJournal journal) {
        this(ledger, clock, journal, 0);
    }

    /**
     * @param maxProvisions files served per desk until an admin resets its count, 0 for no limit; when
     *                      above 0 the journal must count provisions, or the counts would not outlive
     *                      this process
     */
    public ProvisionDesk(Ledger ledger, Clock clock, FetchJournal journal, long maxProvisions) {
        if (maxProvisions < 0) {
            throw new IllegalArgumentException("maxProvisions must be >= 0, got " + maxProvisions);
        }
        if (maxProvisions > 0 && !journal.countsProvisions()) {
            throw new IllegalArgumentException("a provision limit needs a fetch journal that counts provisions");
        }
        this.maxProvisions = maxProvisions;
        this.ledger = ledger;
        this.clock = clock;
        this.journal = journal;
        this.probe = new RevisionProbe(ledger);
    }

    /** Where fetches and refusals wait for the ledger; its owner flushes it. */
    public FetchJournal journal() {
        return journal;
    }

    /**
     * The view of a known device; empty otherwise (the caller answers 404). A disabled device is served
     * too: it keeps its own SIP account for emergency calls (its endpoint's context is hotdesk-emergency),
     * and a phone reset while disabled could not register again without its file; disabling logged its
     * occupant out, so the file is an idle desk's.
     */
    /** The site a device names, when it exists. */
    static Optional<Site> siteOf(LedgerTx tx, Device d) {
        return d.site().isEmpty() ? Optional.empty() : tx.site(d.site());
    }

    public Optional<DeskView> fetch(Mac mac, String remoteAddress, String userAgent) {
        return answer(mac, remoteAddress, userAgent).view();
    }

    /**
     * As {@link #fetch}, and says whether an empty view is the provision limit's: with
     * {@code maxProvisions} above 0 a known desk whose count has reached it gets no view until an admin
     * resets it ({@link ManageDevices#resetProvisions}), audited once ({@code provision.refused}, {@code provision-limit})
     * per reaching it. The check costs no I/O: the count is kept here, seeded from the ledger when the desk's
     * view is read, and bumped by every fetch served; a reset bumps the desk's revision, so the next fetch
     * reads the view and the count again. Fetches served before a reset but written by the journal after it
     * count after the reset too (at most one flush interval's worth).
     */
    public Answer answer(Mac mac, String remoteAddress, String userAgent) {
        return answer(mac, remoteAddress, userAgent, false, "");
    }

    /**
     * As {@link #answer(Mac, String, String)} for a phone that sent the password of its provisioning
     * credentials ({@link DeviceLogins}): a view only when it matches the device's (compared in constant
     * time), else an {@code unauthorized} answer, audited ({@code provision.refused}, {@code credentials})
     * and neither recorded as a fetch nor counted as a provision. An unknown device is unauthorized alike,
     * after the same work, so the answer tells nobody which MACs exist. The credential is read with the
     * desk's view and kept with it, so checking it costs no ledger read while the revision stands.
     */
    public Answer answerAuthenticated(Mac mac, String remoteAddress, String userAgent, String password) {
        return answer(mac, remoteAddress, userAgent, true, password);
    }

    private Answer answer(Mac mac, String remoteAddress, String userAgent, boolean authenticate, String password) {
        Instant now = clock.instant();
        Seen seen = views.get(mac);
        Count count = maxProvisions > 0 ? counts.get(mac) : null;
        if (seen != null && (maxProvisions == 0 || count != null) && seen.revision() == latest(now)) {
            if (authenticate && !DeviceLogins.matches(seen.credential(), password)) {
                return unauthorized(mac, now, remoteAddress);
            }
            return served(mac, seen.used(now).view(), seen.revision(), count, now, remoteAddress, userAgent);
        }
        boolean counting = maxProvisions > 0;
        Looked looked = look(mac, seen, counting, now);
        Optional<DeskView> view = looked.view();
        if (authenticate && !DeviceLogins.matches(looked.credential(), password)) {
            return unauthorized(mac, now, remoteAddress);
        }
        if (view.isEmpty()) {
            journal.audit(new AuditEntry(now, "http:" + remoteAddress, "provision.refused", mac.value(), looked.refusal()));
            return new Answer(view, false, false);
        }
        if (counting) {
            count = seed(mac, looked.count());
        }
        return served(mac, view.get(), looked.revision(), count, now, remoteAddress, userAgent);
    }

    /**
     * Forgets the view of every desk no fetch has used since {@code before}: a phone fetches its file when it boots
     * or is told to, so the views kept are those of the desks in a storm now, not of every desk that ever fetched
     * (10,000 views were ~10 MB of serve's heap). A desk fetching again is read again. Returns about how many were
     * forgotten (fetches meanwhile add theirs).
     */
    public int forgetIdle(Instant before) {
        long cutoff = before.toEpochMilli();
        int kept = views.size();
        views.removeIf(seen -> seen.usedAt < cutoff);
        return Math.max(0, kept - views.size());
    }

    /**
     * The view of a known desk as {@link #answer} would serve it now, for a check made before a fetch is
     * answered (the URL key of the desk's site): from the views kept per revision, else read and kept, so
     * the fetch that follows reads nothing more; nothing is recorded, audited or counted. Empty for an
     * unknown device (read each time, like its fetches).
     */
    public Optional<DeskView> view(Mac mac) {
        Instant now = clock.instant();
        Seen seen = views.get(mac);
        if (seen != null && seen.revision() == latest(now)) {
            return Optional.of(seen.used(now).view());
        }
        return look(mac, seen, false, now).view();
    }

    /** Reads the desk's view (and its count when {@code counting}) and keeps it with its revision. */
    private Looked look(Mac mac, Seen seen, boolean counting, Instant now) {
        Looked looked = ledger.read(tx -> {
            long latest = tx.latestRevision();
            Optional<Device> d = tx.device(mac);
            if (d.isEmpty()) {
                return new Looked(Optional.empty(), "unknown device", latest, ProvisionCount.NONE, Optional.empty());
            }
            List<LineView> lines = new ArrayList<>();
            for (DeskLine l : tx.linesOf(mac)) {
                Optional<Occupancy> o = tx.occupancyOfLine(l.endpointId());
                Optional<User> occupant = o.flatMap(x -> tx.user(x.extension()));
                lines.add(new LineView(l, occupant, o, occupant.map(u -> tx.keysOf(u.extension())).orElse(List.of())));
            }
            return new Looked(Optional.of(new DeskView(d.get(), lines, siteOf(tx, d.get()))), "", latest,
                    counting ? tx.provisionCount(mac) : ProvisionCount.NONE, tx.deviceCredential(mac));
        });
        askedAt = now.toEpochMilli(); // this read saw every change committed before it, other processes' too
        if (seen != null && looked.view().isPresent() && looked.view().get().equals(seen.view())) {
            // nothing of this desk changed since the view kept (a change elsewhere moved the revision): hand out
            // the same instance, so what was made from it (the file served for it) is known to hold still
            looked = new Looked(Optional.of(seen.view()), looked.refusal(), looked.revision(), looked.count(),
                    looked.credential());
        }
        Optional<DeskView> view = looked.view();
        if (view.isEmpty()) {
            views.remove(mac);
            counts.remove(mac);
        } else if (seen == null || seen.revision() != looked.revision()) {
            if (views.size() >= MAX_VIEWS && !views.containsKey(mac)) {
                views.clear();
            }
            views.put(mac, new Seen(looked.revision(), view.get(), looked.credential(), now.toEpochMilli()));
        } else {
            seen.used(now);
        }
        return looked;
    }

    /**
     * The hashes of every site's own URL key, for a request that names no desk (a common file): read
     * with the ledger's latest revision and used again while it stands, but at most {@link #OTHERS_RECHECK}
     * (a key given to a site without desks bumps no revision). One small read per revision, none per request;
     * while the ledger cannot be read, the keys last read (LedgerException when there are none).
     */
    public List<UrlKeyHash> siteUrlKeys() {
        Instant now = clock.instant();
        long ms = now.toEpochMilli();
        SiteKeys kept = siteKeys;
        try {
            long latest = latest(now);
            if (keysFresh(kept, latest, ms)) {
                return kept.keys();
            }
            SiteKeys read = ledger.read(tx -> new SiteKeys(tx.latestRevision(), ms,
                    tx.sites().stream().flatMap(s -> s.urlKey().stream()).toList()));
            siteKeys = read;
            return read.keys();
        } catch (hotdesk.core.port.LedgerException e) {
            if (kept == null) {
                throw e;
            }
            // the ledger is away: the keys last read still decide (a desk's file needs the ledger anyway)
            return kept.keys();
        }
    }

    private record SiteKeys(long revision, long readAt, List<UrlKeyHash> keys) {
    }

    private volatile SiteKeys siteKeys;

    /**
     * The desk's count after reading the ledger's: the one kept here while the ledger's has the same reset
     * time (it may lag behind by the fetches not yet flushed), else (first use, or an admin's reset) the ledger's.
     */
    private Count seed(Mac mac, ProvisionCount ledgers) {
        return counts.compute(mac, (m, kept) -> {
            if (kept == null || !kept.resetAt.equals(ledgers.resetAt())) {
                if (kept == null && counts.size() >= MAX_VIEWS) {
                    counts.clear(); // bounded like the views; a desk seeded again starts from the ledger's count
                }
                return new Count(ledgers);
            }
            kept.served.accumulateAndGet(ledgers.served(), Math::max);
            return kept;
        });
    }

    private Answer served(Mac mac, DeskView view, long revision, Count count, Instant now, String remoteAddress,
                          String userAgent) {
        if (count != null) {
            long max = maxProvisions;
            long before = count.served.getAndUpdate(n -> n < max ? n + 1 : n);
            if (before >= max) {
                boolean first = count.audited.compareAndSet(false, true);
                if (first) {
                    journal.audit(new AuditEntry(now, "http:" + remoteAddress, "provision.refused", mac.value(),
                            "provision-limit: " + max + " files served since the last reset"));
                }
                return new Answer(Optional.empty(), true, first);
            }
        }
        journal.fetched(mac, now, remoteAddress, userAgent, revision);
        return new Answer(Optional.of(view), false, false);
    }

    private Answer unauthorized(Mac mac, Instant now, String remoteAddress) {
        journal.audit(new AuditEntry(now, "http:" + remoteAddress, "provision.refused", mac.value(), "credentials"));
        return new Answer(Optional.empty(), false, false, true);
    }

    /** The ledger's latest revision: known in memory, asked for when not tracked or not asked for a while. */
    private long latest(Instant now) {
        long ms = now.toEpochMilli();
        long fresh = knownFresh(ms);
        if (fresh >= 0) {
            return fresh;
        }
        long read = probe.latest();
        long known = ledger.knownRevision(); // after the read, which may have made it known
        if (known >= 0) {
            askedAt = ms;
        }
        return Math.max(read, known);
    }

    /**
     * The latest revision known in memory, when the ledger need not be asked at {@code ms} (see {@link #latest});
     * else -1. Asked on every fetch: nothing allocated.
     */
    private long knownFresh(long ms) {
        long known = ledger.knownRevision();
        long asked = askedAt;
        if (known < 0 || asked == Long.MIN_VALUE || ms - asked >= OTHERS_RECHECK.toMillis() || ms < asked) {
            return -1;
        }
        return known;
    }

    /**
     * Whether {@link #answer} (without credentials) and {@link #siteUrlKeys} would now be answered from what is
     * kept in memory, without a ledger read: the desk's view is kept at the revision known to be the latest, that
     * revision needs no asking yet, the sites' keys are fresh and, when provisions are counted, the desk's count
     * is kept. The provisioning server answers such a fetch on the connection's own thread and hands the others
     * to threads that may wait for the ledger. A hint: a change committed right after it may still make the
     * answer read (once).
     */
    public boolean answersFromMemory(Mac mac) {
        long ms = clock.millis();
        long known = knownFresh(ms);
        if (known < 0) {
            return false;
        }
        Seen seen = views.get(mac);
        SiteKeys kept = siteKeys;
        return seen != null && seen.revision() == known
                && (maxProvisions == 0 || counts.containsKey(mac))
                && keysFresh(kept, known, ms);
    }

    /** Drops every view kept as the collector may (for tests): the entries stay, their contents go. */
    void dropKeptAsTheCollectorMay() {
        views.dropAllAsTheCollectorMay();
    }

    /** Whether {@link #siteUrlKeys} would now be answered without a ledger read. */
    public boolean siteKeysFromMemory() {
        long ms = clock.millis();
        long known = knownFresh(ms);
        return known >= 0 && keysFresh(siteKeys, known, ms);
    }

    private static boolean keysFresh(SiteKeys kept, long latest, long ms) {
        return kept != null && kept.revision() >= latest && ms >= kept.readAt() && ms - kept.readAt() < OTHERS_RECHECK.toMillis();
    }

    /**
     * Audits a refused request for a MAC (wrong network, malformed, scanner) without touching the device,
     * through the journal: never blocks on the ledger.
     */
    public void refused(String macText, String remoteAddress, String why) {
        journal.audit(new AuditEntry(clock.instant(), "http:" + remoteAddress, "provision.refused",
                macText.length() > 40 ? macText.substring(0, 40) : macText, why));
    }
}
