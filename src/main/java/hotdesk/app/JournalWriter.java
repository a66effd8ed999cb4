package hotdesk.app;

import hotdesk.core.usecase.FetchJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes the {@link FetchJournal} to the ledger on a thread of its own, every {@code every}, so that
 * phone fetches never wait for the ledger. A failed flush keeps its records for the next one (the
 * journal's promise) and is logged once per run of failures, not per tick. {@link #close()} stops the
 * thread and flushes what is left, so serve's SIGTERM path loses nothing the ledger can take; if the
 * ledger refuses even then, the loss is logged with its size.
 *
 * <p><b>Paced.</b> The next flush comes {@code every} after the last one ended, or {@value #PACE} times
 * as long as the last one took when that is longer (at most {@link #MAX_PAUSE}): under a fetch storm
 * the writer keeps to about a fifth of one core and leaves the rest to answering phones, and the
 * journal coalesces what waits meanwhile (the latest fetch per desk, audit lines folded beyond its
 * bound), so a longer pause also means fewer rows.
 */
final class JournalWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);

    private final FetchJournal journal;
    private final ScheduledExecutorService thread;
    private final long everyMillis;
    private final java.time.Clock clock;
    private boolean failing;

    /** The pause after a flush is at least this many times as long as the flush took. */
    static final int PACE = 4;
    /** The longest pause between two flushes, however long the last one took. */
    static final Duration MAX_PAUSE = Duration.ofSeconds(10);
    /** How long {@link #close()} lets a flush under way finish before interrupting it. */
    static final Duration STOP_WAIT = Duration.ofSeconds(10);

    JournalWriter(FetchJournal journal, Duration every, java.time.Clock clock) {
        this.journal = journal;
        this.clock = clock;
        this.thread = Stopping.scheduled(r -> {
            Thread t = new Thread(r, "hotdesk-fetch-journal");
            t.setDaemon(true);
            return t;
        });
        this.everyMillis = Math.max(1, every.toMillis());
        thread.schedule(this::tick, everyMillis, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        long started = System.nanoTime();
        flushQuietly();
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        try {
            thread.schedule(this::tick, pause(everyMillis, took), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: close() writes what is left
        }
    }

    /** The pause after a flush that took {@code tookMillis}. */
    static long pause(long everyMillis, long tookMillis) {
        return Math.max(everyMillis, Math.min(MAX_PAUSE.toMillis(), tookMillis * PACE));
    }

    private synchronized void flushQuietly() {
        try {
            journal.flushDue(clock.instant()); // repeats of a desk's last fetch wait their minute (FetchJournal)
            if (failing) {
                LOG.info("fetch records and provisioning audit lines reach the ledger again");
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                FetchJournal.Pending p = journal.pending();
                LOG.warn("cannot write fetch records and provisioning audit lines to the ledger, kept for the next try "
                        + "({} fetch records, {} lines, {} coalesced lines waiting): {}", p.fetches(), p.lines(), p.folds(),
                        e.toString());
                failing = true;
            }
        }
    }

    /**
     * Stops the background thread and writes what is left, once more on failure. A flush under way is let
     * finish, never interrupted inside the ledger ({@link Stopping}).
     */
    @Override
    public void close() throws InterruptedException {
        Stopping.gently(thread, STOP_WAIT, "fetch journal");
        for (int attempt = 1; ; attempt++) {
            try {
                FetchJournal.Flushed f = journal.flush();
                LOG.info("fetch journal flushed on stop: {} fetch records, {} audit lines, {} coalesced lines",
                        f.fetches(), f.lines(), f.folds());
                return;
            } catch (RuntimeException e) {
                if (attempt == 2) {
                    FetchJournal.Pending p = journal.pending();
                    LOG.error("fetch journal could not be written on stop, lost: {} fetch records, {} audit lines, "
                            + "{} coalesced lines: {}", p.fetches(), p.lines(), p.folds(), e.toString());
                    return;
                }
                Thread.sleep(500);
            }
        }
    }
}
