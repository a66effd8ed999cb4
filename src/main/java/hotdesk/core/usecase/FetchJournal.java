package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Mac;
import hotdesk.core.model.ServedFile;
import hotdesk.core.port.Ledger;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the provisioning path has to say to the ledger (fetch records and audit lines), held in memory
 * and written by {@link #flush()} in batches, one transaction each, so that answering a phone never
 * waits for the ledger's write lock.
 *
 * <p><b>Bounded.</b> Fetch records are coalesced per desk: only the latest fetch of each MAC is kept
 * (the ledger's record is "last seen at, from, with"), so they are bounded by the number of desks,
 * which are the only MACs that reach {@link #fetched}. A desk's {@code provision.fetch} audit line waits with
 * it: its fetches from one address make one line, coalesced with their count when there are several, and
 * a fetch from another address sends the run before to the other lines. Audit lines are kept one by one up to
 * {@code maxLines}; beyond that a line is <em>folded</em> into a count per action and subject (the
 * desk's MAC, or what a refused request asked for), at most {@code maxFolded} of those; beyond that too,
 * into one count per action (subject {@code *}). A fold is written as one audit line of the same
 * action whose detail says {@code coalesced: N lines from <first> to <last>, last from <actor>:
 * <detail>}. So memory stays bounded however slow or absent the ledger is, and no line is lost without
 * being counted.
 *
 * <p><b>Never lost.</b> A batch whose transaction fails is put back (older fetch records yield to
 * newer ones of the same desk; lines go back in front, or are folded when there is no room) and the
 * failure propagates; the next flush tries again. {@link #flush()} on shutdown writes what is left.
 *
 * <p><b>Provision counts.</b> When counting provisions, a flush adds each desk's fetch count to its
 * ledger count ({@link hotdesk.core.port.LedgerTx#addProvisions}) in the same transaction as its fetch
 * record, so a count is never added twice nor lost when a batch is put back.
 *
 * <p><b>Served files.</b> What each desk was last served per file name ({@link ServedFile}, secrets
 * masked) is coalesced the same way, the latest per desk and file, and written with the fetch records. At
 * most {@value #MAX_SERVED_TEXTS} of them wait with their text; beyond that a file waits with its digests
 * only (so {@code provision diff} can still tell changed from unchanged), which bounds memory to a few
 * tens of MB however long the ledger is away. A file recorded with its digests only whose masked digest
 * is the one waiting (or kept in the ledger) is the same file served again: the text stays.
 *
 * <p><b>Repeats held.</b> A fetch that only repeats the desk's last recorded one (same address, same revision of
 * the ledger served, within {@link #REPEAT_HOLD} of it) waits up to that long instead of going to the next
 * flush, so a desk fetched again and again (a phone in a loop, a load test) is written about once a minute, with
 * the count of its fetches, instead of once a flush. Nothing a reader needs waits: a desk's first fetch, one from
 * another address and one served at another revision (after any change, so the fetch a check-sync asks for) go to
 * the next flush, and held fetches are written on shutdown. What waits is the latest time of a fetch that changed
 * nothing, in {@code status} up to a minute late. Not while provisions are counted (their count must not lag).
 *
 * <p>Thread-safe: recording takes one short lock and never blocks on the ledger; {@link #flush()}
 * runs one at a time and blocks on the ledger.
 */
public final class FetchJournal {

    /**
     * One desk's fetches waiting: the latest for its fetch record, how many for its provision count, and the run
     * of them from one address for its {@code provision.fetch} audit line. Updated in place under the journal's
     * lock: in a storm a desk fetched again leaves no record or line behind to outlive a young collection (each
     * fetch's objects, kept until the next flush, were most of what the collector promoted and then collected in
     * full collections).
     */
    private static final class Waiting {
        final Mac mac;
        Instant at;
        String remoteAddress;
        String userAgent;
        long count;
        /** The run of fetches from {@link #remoteAddress}: how many, the earliest and the latest. */
        long run;
        Instant runFirst;
        Instant runLast;
        /**
         * Epoch millis before which a flush leaves this desk waiting ({@link #flushDue}): a repeat of the fetch last
         * recorded; {@link Long#MIN_VALUE} for the next flush.
         */
        long dueAt = Long.MIN_VALUE;
        /** While held: the revision of the fetches it repeats. */
        long heldRevision = -1;

        Waiting(Mac mac, Instant at, String remoteAddress, String userAgent) {
            this.mac = mac;
            this.at = at;
            this.remoteAddress = remoteAddress;
            this.userAgent = userAgent;
            this.count = 1;
            this.run = 1;
            this.runFirst = at;
            this.runLast = at;
        }

        /** Another fetch from the same address: the latest is the fetch record, the run goes on. */
        void fetched(Instant when, String agent) {
            count++;
            run++;
            at = when;
            // the same text keeps the string already held: the new one dies young
            if (!agent.equals(userAgent)) {
                userAgent = agent;
            }
            if (when.isBefore(runFirst)) {
                runFirst = when;
            }
            if (when.isAfter(runLast)) {
                runLast = when;
            }
        }

        /** Starts a new run from another address (the run before has gone to the lines as {@link #line()}). */
        void restart(Instant when, String address, String agent) {
            at = when;
            remoteAddress = address;
            userAgent = agent;
            count++;
            run = 1;
            runFirst = when;
            runLast = when;
        }

        /** The run's audit line: one fetch as it is, several coalesced as a fold says them. */
        AuditEntry line() {
            String actor = "http:" + remoteAddress;
            if (run == 1) {
                return new AuditEntry(runLast, actor, "provision.fetch", mac.value(), "");
            }
            return new Fold(runFirst, runLast, actor, "", run).line(new FoldKey("provision.fetch", mac.value()));
        }

        hotdesk.core.model.ConfigFetch record() {
            return new hotdesk.core.model.ConfigFetch(mac, at, remoteAddress, userAgent);
        }
    }

    /** How long a repeat of a desk's last recorded fetch may wait (see the class comment). */
    public static final java.time.Duration REPEAT_HOLD = java.time.Duration.ofMinutes(1);

    /** A desk's fetch last released to be written: repeats of it are held. */
    private record Recorded(long atMillis, String address, long revision) {
        boolean repeatedBy(long at, String otherAddress, long otherRevision) {
            return otherRevision >= 0 && otherRevision == revision && otherAddress.equals(address)
                    && at >= atMillis && at - atMillis < REPEAT_HOLD.toMillis();
        }
    }

    /** Served files waiting with their text at most (see the class comment). */
    public static final int MAX_SERVED_TEXTS = 10_000;

    /** What one {@link #flush()} wrote: fetch records, single audit lines, coalesced audit lines. */
    public record Flushed(int fetches, int lines, int folds) {
        public boolean nothing() {
            return fetches + lines + folds == 0;
        }
    }

    /**
     * What is waiting, for status and tests: fetch records (one per desk), single audit lines and coalesced ones,
     * each desk's own {@code provision.fetch} line counted among them.
     */
    public record Pending(int fetches, int lines, int folds) {
    }

    /** Default bound of single audit lines held. */
    public static final int DEFAULT_MAX_LINES = 10_000;
    /** Default bound of per-subject folds held. */
    public static final int DEFAULT_MAX_FOLDED = 1_000;
    /** Records and lines written in one transaction at most, so one batch holds the ledger briefly. */
    public static final int BATCH = 500;

    private record FoldKey(String action, String subject) {
    }

    private static final class Fold {
        Instant first;
        Instant last;
        String actor;
        String detail;
        long count;

        Fold(Instant first, Instant last, String actor, String detail, long count) {
            this.first = first;
            this.last = last;
            this.actor = actor;
            this.detail = detail;
            this.count = count;
        }

        void add(Instant from, Instant at, String a, String d, long n) {
            if (from.isBefore(first)) {
                first = from;
            }
            if (at.isAfter(last)) {
                last = at;
                actor = a;
                detail = d;
            }
            count += n;
        }

        AuditEntry line(FoldKey key) {
            return new AuditEntry(last, actor, key.action(), key.subject(),
                    "coalesced: " + count + " lines from " + first + " to " + last + ", last from " + actor + ": " + detail);
        }
    }

    private final Ledger ledger;
    private final int maxLines;
    private final int maxFolded;
    private final boolean countProvisions;
    private final Object lock = new Object();
    private final Object flushing = new Object();
    private LinkedHashMap<Mac, Waiting> fetches = new LinkedHashMap<>();
    /** Per desk, its fetch last released to be written, while a repeat of it could be held. */
    private final java.util.HashMap<Mac, Recorded> recorded = new java.util.HashMap<>();
    /** The latest served file per desk and file name. */
    private LinkedHashMap<java.util.List<String>, ServedFile> servedFiles = new LinkedHashMap<>();
    private int servedTexts;
    private ArrayDeque<AuditEntry> lines = new ArrayDeque<>();
    private LinkedHashMap<FoldKey, Fold> folds = new LinkedHashMap<>();
    /** Per action, when {@link #folds} is full: the number of actions is fixed by the code. */
    private LinkedHashMap<FoldKey, Fold> overflow = new LinkedHashMap<>();

    public FetchJournal(Ledger ledger) {
        this(ledger, DEFAULT_MAX_LINES, DEFAULT_MAX_FOLDED);
    }

    /**
     * @param maxLines  single audit lines held at most, at least 1
     * @param maxFolded per-subject folds held at most, at least 1
     */
    public FetchJournal(Ledger ledger, int maxLines, int maxFolded) {
        this(ledger, maxLines, maxFolded, false);
    }

    /**
     * @param countProvisions whether a flush also adds each desk's fetches to its provision count
     *                        ({@code provisioning.max-provisions} on): one UPDATE per desk and batch
     */
    public FetchJournal(Ledger ledger, int maxLines, int maxFolded, boolean countProvisions) {
        if (maxLines < 1 || maxFolded < 1) {
            throw new IllegalArgumentException("maxLines and maxFolded must be >= 1, got " + maxLines + " and " + maxFolded);
        }
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.maxLines = maxLines;
        this.maxFolded = maxFolded;
        this.countProvisions = countProvisions;
    }

    /** With the default bounds; {@code countProvisions} as in {@link #FetchJournal(Ledger, int, int, boolean)}. */
    public FetchJournal(Ledger ledger, boolean countProvisions) {
        this(ledger, DEFAULT_MAX_LINES, DEFAULT_MAX_FOLDED, countProvisions);
    }

    /** Whether a flush adds fetches to the desks' provision counts. */
    public boolean countsProvisions() {
        return countProvisions;
    }

    /**
     * Records a served fetch: the desk's latest fetch, and a {@code provision.fetch} audit line. The desk's
     * fetches from one address until the next flush make one line (coalesced, with their count, when there are
     * several); a fetch from another address closes the run before as a line of its own, so every address that
     * fetched a desk's file is in the audit log.
     */
    public void fetched(Mac mac, Instant at, String remoteAddress, String userAgent) {
        fetched(mac, at, remoteAddress, userAgent, -1);
    }

    /**
     * As {@link #fetched(Mac, Instant, String, String)} for a file served at {@code revision} of the ledger (-1:
     * unknown): a repeat of the desk's last recorded fetch is held (see the class comment).
     */
    public void fetched(Mac mac, Instant at, String remoteAddress, String userAgent, long revision) {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(at, "at");
        String address = remoteAddress == null ? "" : remoteAddress;
        String agent = userAgent == null ? "" : userAgent;
        long ms = at.toEpochMilli();
        synchronized (lock) {
            Waiting w = fetches.get(mac);
            Recorded last = countProvisions ? null : recorded.get(mac);
            boolean repeat = last != null && last.repeatedBy(ms, address, revision);
            if (w == null) {
                w = new Waiting(mac, at, address, agent);
                fetches.put(mac, w);
                if (repeat) {
                    w.dueAt = last.atMillis() + REPEAT_HOLD.toMillis();
                    w.heldRevision = revision;
                }
            } else if (w.remoteAddress.equals(address)) {
                w.fetched(at, agent); // a repeat keeps what waits as it was: held, or due at the next flush
            } else {
                addLine(w.line(), false);
                w.restart(at, address, agent);
            }
            if (!repeat) {
                w.dueAt = Long.MIN_VALUE;
                if (!countProvisions) {
                    recorded.put(mac, new Recorded(ms, address, revision));
                }
            }
        }
    }

    /**
     * Records what a desk was served under a file name (masked; see {@link ServedFile}), replacing what
     * waits for the same desk and file. Never blocks on the ledger.
     */
    public void served(ServedFile file) {
        Objects.requireNonNull(file, "file");
        synchronized (lock) {
            putServed(file, false);
        }
    }

    /** Served files waiting for the next flush (for tests and status). */
    public int pendingServedFiles() {
        synchronized (lock) {
            return servedFiles.size();
        }
    }

    private void putServed(ServedFile file, boolean older) {
        java.util.List<String> key = java.util.List.of(file.mac().value(), file.fileName());
        ServedFile now = servedFiles.get(key);
        if (older && now != null) {
            // a failed batch's file yields to the one recorded since, and lends it the text of the same file
            if (now.maskedText().isEmpty() && file.maskedText().isPresent() && sameFile(now, file)
                    && servedTexts < MAX_SERVED_TEXTS) {
                servedFiles.put(key, now.withText(file.maskedText()));
                servedTexts++;
            }
            return;
        }
        if (now != null && file.maskedText().isEmpty() && now.maskedText().isPresent() && sameFile(now, file)) {
            // the same file served again, recorded with its digests only (the server keeps no text of what it sent
            // before): the text waiting goes with it
            file = file.withText(now.maskedText());
        }
        if (now != null && now.maskedText().isPresent()) {
            servedTexts--;
        }
        if (file.maskedText().isPresent() && servedTexts >= MAX_SERVED_TEXTS) {
            file = file.withText(java.util.Optional.empty());
        }
        if (file.maskedText().isPresent()) {
            servedTexts++;
        }
        servedFiles.remove(key); // re-inserted last: the oldest waiting are written first
        servedFiles.put(key, file);
    }

    private static boolean sameFile(ServedFile a, ServedFile b) {
        return a.maskedDigest().equals(b.maskedDigest());
    }

    /** Records an audit line (a refused request, say) for the next flush. */
    public void audit(AuditEntry entry) {
        Objects.requireNonNull(entry, "entry");
        synchronized (lock) {
            addLine(entry, false);
        }
    }

    public Pending pending() {
        synchronized (lock) {
            // each desk waiting also holds its own provision.fetch line: a single one, or a coalesced run
            int runs = 0;
            for (Waiting w : fetches.values()) {
                runs += w.run > 1 ? 1 : 0;
            }
            return new Pending(fetches.size(), lines.size() + fetches.size() - runs, folds.size() + overflow.size() + runs);
        }
    }

    /**
     * Writes everything recorded so far, in batches of at most {@value #BATCH}, one transaction each.
     * When a transaction fails, its batch and everything not yet written are kept for the next flush
     * and the ledger's exception propagates. Blocking; one flush at a time.
     */
    public Flushed flush() {
        return flush(Long.MAX_VALUE);
    }

    /**
     * As {@link #flush()}, leaving the repeats held until their time (see the class comment): what the periodic
     * writer calls.
     */
    public Flushed flushDue(Instant now) {
        long ms = now.toEpochMilli();
        synchronized (lock) {
            // a desk's last fetch older than the hold can hold nothing: forgotten (at most the desks fetched lately)
            recorded.values().removeIf(r -> ms - r.atMillis() >= REPEAT_HOLD.toMillis() || ms < r.atMillis());
        }
        return flush(ms);
    }

    private Flushed flush(long nowMillis) {
        synchronized (flushing) {
            int f = 0;
            int l = 0;
            int d = 0;
            while (true) {
                List<Waiting> fs = new ArrayList<>();
                List<ServedFile> ss = new ArrayList<>();
                List<AuditEntry> ls = new ArrayList<>();
                Map<FoldKey, Fold> ds = new LinkedHashMap<>();
                synchronized (lock) {
                    takeDue(fs, nowMillis);
                    Iterator<ServedFile> si = servedFiles.values().iterator();
                    while (fs.size() + ss.size() < BATCH && si.hasNext()) {
                        ServedFile x = si.next();
                        if (x.maskedText().isPresent()) {
                            servedTexts--;
                        }
                        ss.add(x);
                        si.remove();
                    }
                    while (fs.size() + ls.size() < BATCH && !lines.isEmpty()) {
                        ls.add(lines.pollFirst());
                    }
                    for (LinkedHashMap<FoldKey, Fold> m : List.of(folds, overflow)) {
                        Iterator<Map.Entry<FoldKey, Fold>> it = m.entrySet().iterator();
                        while (fs.size() + ls.size() + ds.size() < BATCH && it.hasNext()) {
                            Map.Entry<FoldKey, Fold> e = it.next();
                            ds.merge(e.getKey(), e.getValue(), (a, b) -> {
                                a.add(b.first, b.last, b.actor, b.detail, b.count);
                                return a;
                            });
                            it.remove();
                        }
                    }
                }
                if (fs.isEmpty() && ss.isEmpty() && ls.isEmpty() && ds.isEmpty()) {
                    return new Flushed(f, l, d);
                }
                int runs = 0;
                for (Waiting x : fs) {
                    runs += x.run > 1 ? 1 : 0;
                }
                try {
                    // fetch records and audit lines each in one batch: a storm's flush writes thousands of rows
                    List<hotdesk.core.model.ConfigFetch> records = new ArrayList<>(fs.size());
                    List<AuditEntry> audit = new ArrayList<>(ls.size() + ds.size() + fs.size());
                    audit.addAll(ls);
                    for (Map.Entry<FoldKey, Fold> x : ds.entrySet()) {
                        audit.add(x.getValue().line(x.getKey()));
                    }
                    for (Waiting x : fs) {
                        records.add(x.record());
                        audit.add(x.line());
                    }
                    ledger.transact(tx -> {
                        tx.recordFetches(records);
                        if (countProvisions) {
                            for (Waiting x : fs) {
                                tx.addProvisions(x.mac, x.count);
                            }
                        }
                        for (ServedFile x : ss) {
                            tx.recordServedFile(x);
                        }
                        tx.auditAll(audit);
                        return null;
                    });
                } catch (RuntimeException | Error e) {
                    synchronized (lock) {
                        for (ServedFile x : ss) {
                            putServed(x, true);
                        }
                    }
                    putBack(fs, ls, ds);
                    throw e;
                }
                f += fs.size();
                l += ls.size() + fs.size() - runs;
                d += ds.size() + runs;
            }
        }
    }

    /** Takes up to {@value #BATCH} desks due at {@code nowMillis}, oldest first; a held one due now is recorded anew. */
    private void takeDue(List<Waiting> to, long nowMillis) {
        Iterator<Waiting> it = fetches.values().iterator();
        while (to.size() < BATCH && it.hasNext()) {
            Waiting w = it.next();
            if (w.dueAt != Long.MIN_VALUE && nowMillis < w.dueAt) {
                continue;
            }
            if (w.dueAt != Long.MIN_VALUE) {
                // held repeats written: the next repeats are held from this fetch on
                recorded.put(w.mac, new Recorded(w.at.toEpochMilli(), w.remoteAddress, w.heldRevision));
            }
            to.add(w);
            it.remove();
        }
    }

    /** A failed batch goes back: it is older than anything recorded since it was taken. */
    private void putBack(List<Waiting> fs, List<AuditEntry> ls, Map<FoldKey, Fold> ds) {
        synchronized (lock) {
            for (Waiting x : fs) {
                putBack(x);
            }
            for (int i = ls.size() - 1; i >= 0; i--) {
                addLine(ls.get(i), true);
            }
            for (Map.Entry<FoldKey, Fold> e : ds.entrySet()) {
                Fold v = e.getValue();
                fold(e.getKey(), v.first, v.last, v.actor, v.detail, v.count);
            }
        }
    }

    /**
     * A desk's fetches from a failed batch: the newer ones recorded since keep the fetch record, the counts add up,
     * and the older run joins theirs when it came from the same address, else goes to the lines as its own.
     */
    private void putBack(Waiting older) {
        Waiting now = fetches.get(older.mac);
        if (now == null) {
            older.dueAt = Long.MIN_VALUE;
            fetches.put(older.mac, older);
            return;
        }
        now.dueAt = Long.MIN_VALUE; // what failed was due: not held behind a repeat recorded since
        now.count += older.count;
        if (now.remoteAddress.equals(older.remoteAddress)) {
            now.run += older.run;
            now.runFirst = older.runFirst.isBefore(now.runFirst) ? older.runFirst : now.runFirst;
            now.runLast = older.runLast.isAfter(now.runLast) ? older.runLast : now.runLast;
        } else {
            addLine(older.line(), true);
        }
    }

    private void addLine(AuditEntry e, boolean inFront) {
        if (lines.size() < maxLines) {
            if (inFront) {
                lines.addFirst(e);
            } else {
                lines.addLast(e);
            }
            return;
        }
        fold(new FoldKey(e.action(), e.subject()), e.at(), e.at(), e.actor(), e.detail(), 1);
    }

    private void fold(FoldKey key, Instant first, Instant last, String actor, String detail, long count) {
        Fold f = folds.get(key);
        if (f == null && folds.size() >= maxFolded) {
            key = new FoldKey(key.action(), "*");
            f = overflow.get(key);
            if (f == null) {
                overflow.put(key, new Fold(first, last, actor, detail, count));
                return;
            }
        } else if (f == null) {
            folds.put(key, new Fold(first, last, actor, detail, count));
            return;
        }
        f.add(first, last, actor, detail, count);
    }
}
