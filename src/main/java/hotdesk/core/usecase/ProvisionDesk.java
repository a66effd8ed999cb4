package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.User;
import hotdesk.core.port.Ledger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

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

    public record LineView(DeskLine line, Optional<User> occupant, Optional<Occupancy> occupancy) {
    }

    public record DeskView(Device device, List<LineView> lines) {
    }

    private record Looked(Optional<DeskView> view, String refusal, long revision) {
    }

    private record Seen(long revision, DeskView view) {
    }

    /** Views kept at most (one per enabled desk that fetched); beyond it the table starts over. */
    static final int MAX_VIEWS = 100_000;
    /** How long a known latest revision is trusted before the ledger is asked for other processes' changes. */
    public static final java.time.Duration OTHERS_RECHECK = java.time.Duration.ofSeconds(1);

    private final RevisionProbe probe;
    private final java.util.concurrent.ConcurrentHashMap<Mac, Seen> views = new java.util.concurrent.ConcurrentHashMap<>();

    private final Ledger ledger;
    private final Clock clock;
    private final FetchJournal journal;
    /** When the ledger was last asked for its latest revision (clock millis); MIN_VALUE: never. */
    private volatile long askedAt = Long.MIN_VALUE;

    /** With a journal of the default bounds on the same ledger. */
    public ProvisionDesk(Ledger ledger, Clock clock) {
        this(ledger, clock, new FetchJournal(ledger));
    }

    public ProvisionDesk(Ledger ledger, Clock clock, FetchJournal journal) {
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
    public Optional<DeskView> fetch(Mac mac, String remoteAddress, String userAgent) {
        Instant now = clock.instant();
        Seen seen = views.get(mac);
        if (seen != null && seen.revision() == latest(now)) {
            journal.fetched(mac, now, remoteAddress, userAgent);
            return Optional.of(seen.view());
        }
        Looked looked = ledger.read(tx -> {
            long latest = tx.latestRevision();
            Optional<Device> d = tx.device(mac);
            if (d.isEmpty()) {
                return new Looked(Optional.empty(), "unknown device", latest);
            }
            List<LineView> lines = new ArrayList<>();
            for (DeskLine l : tx.linesOf(mac)) {
                Optional<Occupancy> o = tx.occupancyOfLine(l.endpointId());
                lines.add(new LineView(l, o.flatMap(x -> tx.user(x.extension())), o));
            }
            return new Looked(Optional.of(new DeskView(d.get(), lines)), "", latest);
        });
        askedAt = now.toEpochMilli(); // this read saw every change committed before it, other processes' too
        Optional<DeskView> view = looked.view();
        if (view.isEmpty()) {
            views.remove(mac);
        } else if (seen == null || seen.revision() != looked.revision()) {
            if (views.size() >= MAX_VIEWS && !views.containsKey(mac)) {
                views.clear();
            }
            views.put(mac, new Seen(looked.revision(), view.get()));
        }
        if (view.isEmpty()) {
            journal.audit(new AuditEntry(now, "http:" + remoteAddress, "provision.refused", mac.value(), looked.refusal()));
        } else {
            journal.fetched(mac, now, remoteAddress, userAgent);
        }
        return view;
    }

    /** The ledger's latest revision: known in memory, asked for when not tracked or not asked for a while. */
    private long latest(Instant now) {
        OptionalLong known = ledger.latestKnownRevision();
        if (known.isEmpty()) {
            return probe.latest();
        }
        long ms = now.toEpochMilli();
        long asked = askedAt;
        if (asked == Long.MIN_VALUE || ms - asked >= OTHERS_RECHECK.toMillis() || ms < asked) {
            long read = probe.latest();
            askedAt = ms;
            return Math.max(read, ledger.latestKnownRevision().orElse(read));
        }
        return known.getAsLong();
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
