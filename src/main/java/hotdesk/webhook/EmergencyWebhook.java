package hotdesk.webhook;

import hotdesk.core.model.EmergencyAlert;
import hotdesk.core.port.EmergencyAlerts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Posts every emergency alert to {@code emergency.webhook-url} as signed JSON ({@link WebhookPayload}):
 * {@code Content-Type: application/json}, {@code X-Hotdesk-Event}, {@code X-Hotdesk-Timestamp} and
 * {@code X-Hotdesk-Signature: sha256=<hex HMAC-SHA256 of the body under emergency.webhook-secret>}.
 *
 * <p><b>Never in the way.</b> {@link #send} only queues (a short lock, no I/O) and returns; one thread
 * of its own ({@code hotdesk-webhook}) posts, one POST at a time, each bounded by {@code
 * emergency.webhook-timeout} (connect, then answer). At most {@code emergency.webhook-queue-size}
 * alerts wait; when a new one finds the queue full the oldest waiting one is dropped with an ERROR
 * naming its desk and number.
 *
 * <p><b>Retries.</b> A 2xx answer is delivered. A refused or failed connection, a timeout, 408, 425,
 * 429 and 5xx are retried after 1 s, then twice as long each time up to {@code
 * emergency.webhook-max-backoff}, for as long as the next try still starts within {@code
 * emergency.webhook-retry-for} of when hotdesk heard of the call; then it is given up with an ERROR.
 * Any other answer (400, 401, 403, 404, a redirect: redirects are not followed) cannot get better by
 * repeating it: ERROR at once, not retried. Every try carries the same {@code id}, so a receiver that
 * answered too late for hotdesk can drop the duplicate.
 *
 * <p><b>Stopping.</b> {@link #close()} takes no new alerts, gives every alert still waiting one
 * immediate try (no backoff) until {@code emergency.webhook-timeout} has passed, then gives up the
 * rest with an ERROR each and stops its thread. Nothing is kept across a restart.
 *
 * <p>The secret is never logged; the URL is logged without its query. Thread-safe.
 */
public final class EmergencyWebhook implements EmergencyAlerts, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmergencyWebhook.class);

    /** One alert on its way: the same id and body fields on every try. */
    private static final class Delivery {
        final EmergencyAlert alert;
        final String id;
        final long seq;
        final long createdNanos;
        long dueNanos;
        int attempts;
        Duration nextBackoff;
        String lastProblem;

        Delivery(EmergencyAlert alert, String id, long seq, long now, Duration firstBackoff) {
            this.alert = alert;
            this.id = id;
            this.seq = seq;
            this.createdNanos = now;
            this.dueNanos = now;
            this.nextBackoff = firstBackoff;
        }

        String what() {
            return (alert.call().test() ? "test call" : "emergency call") + " from desk " + alert.call().desk() + " to "
                    + alert.call().number() + " (ELIN " + (alert.call().elin().isEmpty() ? "none" : alert.call().elin())
                    + ", id " + id + ")";
        }
    }

    /** How one try ended. */
    private enum Result { DELIVERED, RETRY, REFUSED }

    private final WebhookSettings settings;
    private final HttpClient http;
    private final Clock clock;
    private final Object lock = new Object();
    private final List<Delivery> waiting = new ArrayList<>(); // guarded by lock, in arrival order
    private final Thread worker;
    private long seq; // guarded by lock
    private boolean closing; // guarded by lock
    private long drainDeadline; // guarded by lock, valid when closing
    private volatile boolean stopped;

    /** Starts the posting thread. */
    public EmergencyWebhook(WebhookSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.worker = new Thread(this::work, "hotdesk-webhook");
        worker.setDaemon(true);
        worker.start();
        LOG.info("emergency webhook to {} started (retries for {}, at most {} waiting)", settings.shownUrl(),
                settings.retryFor(), settings.queueSize());
    }

    /** Queues the alert and returns at once; never blocks, never throws. */
    @Override
    public void send(EmergencyAlert alert) {
        Delivery dropped = null;
        Delivery d;
        synchronized (lock) {
            if (closing) {
                d = null;
            } else {
                if (waiting.size() >= settings.queueSize()) {
                    dropped = waiting.remove(0);
                }
                d = new Delivery(alert, UUID.randomUUID().toString(), ++seq, System.nanoTime(), settings.firstBackoff());
                waiting.add(d);
                lock.notifyAll();
            }
        }
        if (d == null) {
            LOG.error("emergency webhook: not posted, hotdesk is stopping: {} call from desk {} to {}",
                    alert.call().test() ? "test" : "emergency", alert.call().desk(), alert.call().number());
        }
        if (dropped != null) {
            LOG.error("emergency webhook: {} alerts waiting (emergency.webhook-queue-size), dropped the oldest, never"
                    + " delivered: {}", settings.queueSize(), dropped.what());
        }
    }

    /** Alerts waiting to be posted (not counting one being posted right now). */
    public int waiting() {
        synchronized (lock) {
            return waiting.size();
        }
    }

    // ---- the posting thread

    private void work() {
        while (true) {
            Delivery d;
            boolean last;
            synchronized (lock) {
                d = next();
                if (d == null) {
                    break;
                }
                last = closing;
            }
            Result r = attempt(d);
            if (r == Result.RETRY) {
                retryOrGiveUp(d, last);
            }
        }
        stopped = true;
    }

    /** The next delivery to try, waiting until one is due; null when the thread is to stop. Holds the lock. */
    private Delivery next() {
        while (true) {
            long now = System.nanoTime();
            if (closing && (waiting.isEmpty() || now - drainDeadline >= 0)) {
                return null;
            }
            Delivery due = null;
            for (Delivery d : waiting) {
                if (due == null || d.dueNanos - due.dueNanos < 0) {
                    due = d;
                }
            }
            if (due != null && (closing || due.dueNanos - now <= 0)) {
                waiting.remove(due);
                return due;
            }
            long waitNanos = due == null ? Long.MAX_VALUE : due.dueNanos - now;
            try {
                if (waitNanos == Long.MAX_VALUE) {
                    lock.wait();
                } else {
                    TimeUnit.NANOSECONDS.timedWait(lock, waitNanos);
                }
            } catch (InterruptedException e) {
                return null; // only close() interrupts, when the drain time is over
            }
        }
    }

    private Result attempt(Delivery d) {
        d.attempts++;
        long timestamp = clock.instant().getEpochSecond();
        byte[] body = WebhookPayload.json(d.alert, d.id, timestamp, d.attempts).getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(settings.url())
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "hotdesk")
                .header(WebhookPayload.EVENT_HEADER, WebhookPayload.event(d.alert))
                .header(WebhookPayload.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(WebhookPayload.SIGNATURE_HEADER, WebhookPayload.signature(settings.secret(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        String problem;
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status >= 200 && status < 300) {
                LOG.info("emergency webhook: delivered {} to {} (HTTP {}, try {})", d.what(), settings.shownUrl(), status,
                        d.attempts);
                return Result.DELIVERED;
            }
            if (!(status == 408 || status == 425 || status == 429 || status >= 500)) {
                LOG.error("emergency webhook: {} refused {} with HTTP {}{}; not retried (it would be refused again):"
                        + " check the URL and that the receiver verifies with the same emergency.webhook-secret",
                        settings.shownUrl(), d.what(), status, status >= 300 && status < 400 ? " (redirects are not followed)"
                                : "");
                return Result.REFUSED;
            }
            problem = "HTTP " + status;
        } catch (HttpConnectTimeoutException e) {
            problem = "no connection within " + settings.timeout().toMillis() + " ms";
        } catch (HttpTimeoutException e) {
            problem = "no answer within " + settings.timeout().toMillis() + " ms";
        } catch (ConnectException e) {
            problem = "connection refused";
        } catch (IOException e) {
            problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted: hotdesk is stopping";
        }
        d.lastProblem = problem;
        return Result.RETRY;
    }

    private void retryOrGiveUp(Delivery d, boolean wasLastTry) {
        long now = System.nanoTime();
        Duration wait = d.nextBackoff;
        boolean inTime = now + wait.toNanos() - (d.createdNanos + settings.retryFor().toNanos()) <= 0;
        Delivery dropped = null;
        boolean requeued = false;
        synchronized (lock) {
            if (!closing && !wasLastTry && inTime) {
                d.dueNanos = now + wait.toNanos();
                Duration doubled = wait.multipliedBy(2);
                d.nextBackoff = doubled.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : doubled;
                if (waiting.size() >= settings.queueSize()) {
                    dropped = waiting.remove(0);
                }
                int at = 0;
                while (at < waiting.size() && waiting.get(at).seq < d.seq) {
                    at++;
                }
                waiting.add(at, d);
                lock.notifyAll();
                requeued = true;
            }
        }
        if (requeued) {
            LOG.warn("emergency webhook: {} to {} failed ({}), try {}; trying again in {} ms", d.what(), settings.shownUrl(),
                    d.lastProblem, d.attempts, wait.toMillis());
        } else {
            LOG.error("emergency webhook: gave up {} after {}{}: {} ({})", d.what(), tries(d.attempts),
                    wasLastTry || closing ? " (hotdesk is stopping)" : " over " + settings.retryFor().toSeconds() + " s"
                            + " (emergency.webhook-retry-for)", d.lastProblem, settings.shownUrl());
        }
        if (dropped != null) {
            LOG.error("emergency webhook: {} alerts waiting (emergency.webhook-queue-size), dropped the oldest, never"
                    + " delivered: {}", settings.queueSize(), dropped.what());
        }
    }

    private static String tries(int n) {
        return n == 1 ? "1 try" : n + " tries";
    }

    // ---- stopping

    /**
     * Takes no new alerts; tries each waiting one once more within {@code emergency.webhook-timeout},
     * gives up the rest with an ERROR each, and stops the thread. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
            drainDeadline = System.nanoTime() + settings.timeout().toNanos();
            lock.notifyAll();
        }
        long joinMs = settings.timeout().toMillis() * 2 + 1_000; // the drain time, then a POST started just before its end
        try {
            worker.join(joinMs);
            if (worker.isAlive()) {
                worker.interrupt();
                worker.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Delivery> left;
        synchronized (lock) {
            left = new ArrayList<>(waiting);
            waiting.clear();
        }
        for (Delivery d : left) {
            LOG.error("emergency webhook: gave up {} after {}: hotdesk is stopping{}", d.what(), tries(d.attempts),
                    d.lastProblem == null ? "" : " (last: " + d.lastProblem + ")");
        }
        LOG.info("emergency webhook to {} stopped", settings.shownUrl());
    }

    /** For tests: the posting thread has ended. */
    boolean stopped() {
        return stopped && !worker.isAlive();
    }
}
