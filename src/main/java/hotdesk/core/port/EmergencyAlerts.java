package hotdesk.core.port;

import hotdesk.core.model.EmergencyAlert;

/**
 * Where an emergency call is announced beyond hotdesk's log, e.g. a webhook.
 *
 * <p>{@link #send} hands the alert over and returns at once: it never blocks on the network and never
 * throws because a delivery failed (an implementation retries and logs on its own). It is called off
 * the AMI reader, but nothing may rely on that. Thread-safe.
 */
public interface EmergencyAlerts {

    void send(EmergencyAlert alert);

    /** No alerts beyond the log (no webhook configured). */
    static EmergencyAlerts none() {
        return alert -> { };
    }
}
