package hotdesk.ami;

import hotdesk.core.port.PbxException;
import hotdesk.core.port.PhoneResync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Check-sync over AMI: {@code PJSIPNotify} with {@code Endpoint: <endpointId>} and {@code Variable:
 * Event=<the vendor's notify.event>}. Returns when Asterisk answered {@code Success}, which means
 * the NOTIFY was <em>queued</em>: Asterisk says so even when the endpoint has no registered contact
 * and nothing was sent. Only the phone's config fetch proves it acted.
 *
 * <p>Throws {@link PbxException}: non-retryable for a vendor without {@code notify.event.<vendor>}
 * (nothing is sent) and for {@code Permission denied}; retryable while the link is down, and for
 * {@code Unable to retrieve endpoint} (the endpoint may exist after the next ARI push), a timeout or
 * a lost connection. {@link IllegalArgumentException} for a blank endpoint id or one with control
 * characters or surrounding blanks. Thread-safe.
 */
final class AmiPhoneResync implements PhoneResync {

    private static final Logger LOG = LoggerFactory.getLogger(AmiPhoneResync.class);

    private final AmiSettings settings;
    private final AmiActions actions;

    AmiPhoneResync(AmiSettings settings, AmiActions actions) {
        this.settings = settings;
        this.actions = actions;
    }

    @Override
    public void checkSync(String endpointId, String vendor) {
        String event = settings.eventFor(vendor);
        if (event == null) {
            String name = AmiText.shown(String.valueOf(vendor));
            throw new PbxException("no check-sync event for vendor '" + name + "': set notify.event."
                    + name.toLowerCase(Locale.ROOT) + " (configured vendors: " + settings.checkSyncEvents().keySet() + ")", false);
        }
        AmiText.requireValue("endpoint id", endpointId, Integer.MAX_VALUE);
        String what = "PJSIPNotify " + endpointId;
        AmiMessage answer = actions.call(what, "PJSIPNotify", "Endpoint", endpointId, "Variable", "Event=" + event);
        if (!answer.isSuccess()) {
            throw actions.refused(what, answer);
        }
        LOG.debug("AMI {} Event={} → {} (queued, not proof of delivery)", what, event, answer.getOrEmpty("Message"));
    }
}
