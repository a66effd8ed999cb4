package hotdesk.core.port;

import java.util.Optional;
import java.util.Set;

/**
 * Which desk lines have a call up, as Asterisk says right now. Blocking (one request to Asterisk, bounded
 * by its timeout); thread-safe.
 */
public interface CallState {

    /**
     * The endpoint ids with at least one channel (a call in either direction, ringing included), read from
     * Asterisk's current channel list; empty when Asterisk cannot be asked now: then nobody may be logged
     * out by a timer, since a call might be up.
     */
    Optional<Set<String>> endpointsOnCall();
}
