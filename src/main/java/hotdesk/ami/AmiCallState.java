package hotdesk.ami;

import hotdesk.core.port.CallState;
import hotdesk.core.port.PbxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * {@link CallState} from Asterisk's channel list: AMI {@code CoreShowChannels} (write class {@code system}
 * or {@code reporting}) answers with one {@code CoreShowChannel} event per channel, then {@code
 * CoreShowChannelsComplete} (recorded on Asterisk 22.10.1: {@code Channel: PJSIP/sipp-00000001}, {@code
 * ChannelState: 6}, {@code ChannelStateDesc: Up}, …). A PJSIP channel is named {@code PJSIP/<endpoint>-<8 hex
 * digits>}, for calls the endpoint makes and for calls to it (ringing included) alike. Asking the list at
 * the moment of a decision, rather than keeping a set from events, cannot miss a call while the link was
 * down nor keep one that ended meanwhile. Thread-safe.
 */
final class AmiCallState implements CallState {

    private static final Logger LOG = LoggerFactory.getLogger(AmiCallState.class);

    private final AmiActions actions;

    AmiCallState(AmiActions actions) {
        this.actions = actions;
    }

    @Override
    public Optional<Set<String>> endpointsOnCall() {
        try {
            AmiSession.Listed answer = actions.callList("CoreShowChannels", "CoreShowChannels");
            if (!answer.response().isSuccess()) {
                LOG.warn("{}", actions.refused("CoreShowChannels", answer.response()).getMessage());
                return Optional.empty();
            }
            Set<String> endpoints = new HashSet<>();
            for (AmiMessage m : answer.items()) {
                if ("CoreShowChannel".equalsIgnoreCase(m.getOrEmpty("Event"))) {
                    endpointOf(m.getOrEmpty("Channel")).ifPresent(endpoints::add);
                }
            }
            return Optional.of(Set.copyOf(endpoints));
        } catch (PbxException e) {
            LOG.debug("cannot ask Asterisk for its channels: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** The endpoint of a PJSIP channel name ({@code PJSIP/hd-0015651234ab-2-0000000a} → {@code hd-0015651234ab-2}). */
    static Optional<String> endpointOf(String channel) {
        if (!channel.startsWith("PJSIP/")) {
            return Optional.empty();
        }
        int dash = channel.lastIndexOf('-');
        if (dash <= "PJSIP/".length()) {
            return Optional.empty();
        }
        String suffix = channel.substring(dash + 1);
        if (suffix.length() != 8 || !suffix.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return Optional.empty();
        }
        return Optional.of(channel.substring("PJSIP/".length(), dash));
    }
}
