package hotdesk.agi;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Refused and dropped FastAGI connections on the {@code hotdesk.security} logger, one WARN line each
 * ({@code agi connection from 192.0.2.7 refused: not in agi.allowed-peers (…)}), at most {@link #PER_MINUTE} lines a minute so that a
 * flood cannot fill the logs; the first line of the next minute says how many were left out. Thread-safe.
 */
final class RefusalLog {

    static final int PER_MINUTE = 10;
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger("hotdesk.security");

    private final Clock clock;
    private Instant windowStart;
    private int logged;
    private long suppressed;

    RefusalLog(Clock clock) {
        this.clock = clock;
    }

    /** Logs (or counts) one refused or dropped connection from {@code peer}; {@code why} starts with refused: or dropped:. */
    void refused(InetAddress peer, String why) {
        String host = peer == null ? "unknown" : peer.getHostAddress();
        long left;
        synchronized (this) {
            Instant now = clock.instant();
            left = 0;
            if (windowStart == null || !now.isBefore(windowStart.plus(WINDOW))) {
                left = suppressed;
                windowStart = now;
                logged = 0;
                suppressed = 0;
            }
            if (logged >= PER_MINUTE) {
                suppressed++;
                return;
            }
            logged++;
        }
        if (left > 0) {
            LOG.warn("agi connections refused or dropped: {} more in the last minute, not logged one by one", left);
        }
        LOG.warn("agi connection from {} {}", host, why);
    }
}
