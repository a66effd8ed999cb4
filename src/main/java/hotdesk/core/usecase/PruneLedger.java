package hotdesk.core.usecase;

import hotdesk.core.port.Ledger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Retention: deletes audit lines and fetch records older than their retention, and login failures no
 * lockout can count any more, in batches of
 * {@link #BATCH} rows, one short transaction each, so that a large backlog never holds the ledger's
 * write lock for long and logins get their turn between batches. A retention of zero keeps everything.
 * Idempotent; blocking; thread-safe (runs of it may overlap harmlessly).
 */
public final class PruneLedger {

    /** Rows deleted per transaction at most. */
    public static final int BATCH = 1_000;

    /**
     * What one run deleted, and the cuts it used (null: that kind is kept forever). Login failures go
     * once no lockout can count them any more ({@code failureCut}).
     */
    public record Pruned(int auditLines, int fetchRecords, Instant auditCut, Instant fetchCut, int loginFailures,
                         Instant failureCut) {
    }

    /** Login failures are kept at least this long, whatever the lockout window (the audit keeps them longer). */
    public static final Duration MIN_FAILURE_KEEP = Duration.ofDays(1);

    private final Ledger ledger;
    private final Clock clock;
    private final Duration auditRetention;
    private final Duration fetchRetention;
    private final Duration failureKeep;

    /** As below, keeping login failures {@link #MIN_FAILURE_KEEP}. */
    public PruneLedger(Ledger ledger, Clock clock, Duration auditRetention, Duration fetchRetention) {
        this(ledger, clock, auditRetention, fetchRetention, Duration.ZERO);
    }

    /**
     * @param auditRetention  how long audit lines are kept ({@code ledger.audit-retention}); zero: forever
     * @param fetchRetention  how long fetch records are kept ({@code ledger.fetch-retention}); zero: forever
     * @param failureLookBack how far back the lockouts look at login failures ({@code LoginLimits.lookBack()}):
     *                        failures are kept that long, and at least {@link #MIN_FAILURE_KEEP}
     */
    public PruneLedger(Ledger ledger, Clock clock, Duration auditRetention, Duration fetchRetention, Duration failureLookBack) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.auditRetention = retention("ledger.audit-retention", auditRetention);
        this.fetchRetention = retention("ledger.fetch-retention", fetchRetention);
        this.failureKeep = failureLookBack.compareTo(MIN_FAILURE_KEEP) > 0 ? failureLookBack : MIN_FAILURE_KEEP;
    }

    /**
     * A retention as a setting must be: zero (keep forever) or at least a day.
     *
     * @throws IllegalArgumentException naming {@code key} and the value otherwise
     */
    public static Duration retention(String key, Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(key + " must be 0 (keep forever) or more, got " + d);
        }
        if (!d.isZero() && d.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException(key + " must be 0 (keep forever) or at least 1d, got " + d);
        }
        return d;
    }

    /**
     * What {@link #run()} would delete now, counted in one read (no write lock, nothing deleted); the
     * counts are capped at {@link Integer#MAX_VALUE}.
     */
    public Pruned count() {
        Instant now = clock.instant();
        Instant auditCut = auditRetention.isZero() ? null : now.minus(auditRetention);
        Instant fetchCut = fetchRetention.isZero() ? null : now.minus(fetchRetention);
        Instant failureCut = now.minus(failureKeep);
        long[] n = ledger.read(tx -> new long[] {auditCut == null ? 0 : tx.countAuditBefore(auditCut),
                fetchCut == null ? 0 : tx.countFetchesBefore(fetchCut), tx.countFailuresBefore(failureCut)});
        return new Pruned((int) Math.min(Integer.MAX_VALUE, n[0]), (int) Math.min(Integer.MAX_VALUE, n[1]), auditCut, fetchCut,
                (int) Math.min(Integer.MAX_VALUE, n[2]), failureCut);
    }

    /** Deletes everything older than the retentions, batch by batch, until none is left. */
    public Pruned run() {
        Instant now = clock.instant();
        Instant auditCut = auditRetention.isZero() ? null : now.minus(auditRetention);
        Instant fetchCut = fetchRetention.isZero() ? null : now.minus(fetchRetention);
        int audit = 0;
        if (auditCut != null) {
            for (int n = BATCH; n == BATCH; audit += n) {
                n = ledger.transact(tx -> tx.pruneAudit(auditCut, BATCH));
            }
        }
        int fetches = 0;
        if (fetchCut != null) {
            for (int n = BATCH; n == BATCH; fetches += n) {
                n = ledger.transact(tx -> tx.pruneFetches(fetchCut, BATCH));
            }
        }
        Instant failureCut = now.minus(failureKeep);
        int failures = 0;
        for (int n = BATCH; n == BATCH; failures += n) {
            n = ledger.transact(tx -> tx.pruneFailures(failureCut, BATCH));
        }
        return new Pruned(audit, fetches, auditCut, fetchCut, failures, failureCut);
    }
}
