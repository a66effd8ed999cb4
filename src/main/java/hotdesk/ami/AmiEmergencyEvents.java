package hotdesk.ami;

import hotdesk.core.model.EmergencyCall;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the user events of hotdesk's emergency route, as Asterisk 22.10.1 sends what {@code
 * UserEvent(HotdeskEmergency,Desk: …,Number: …,ELIN: …,Where: …,Civic: …,Channel: …,Test: no|yes)}
 * runs on a channel: {@code Event: UserEvent}, {@code Privilege: user,all}, the channel's snapshot
 * ({@code Channel}, {@code Context}, {@code Exten}, {@code Uniqueid}, {@code Linkedid}, …), then
 * {@code UserEvent: HotdeskEmergency} and the event's own headers, values stripped (recorded on the
 * test kit). The snapshot's {@code Channel} comes first and names the same channel as the event's own.
 */
final class AmiEmergencyEvents {

    /** The event the emergency route sends for every call, real or test. */
    static final String EMERGENCY = "HotdeskEmergency";
    /** The event the test route's answering side sends: what a dispatcher would have received. */
    static final String TEST_RECEIVED = "HotdeskEmergencyTestReceived";

    private AmiEmergencyEvents() {
    }

    /** The user event's name ({@code UserEvent} header), or null when {@code m} is no user event. */
    static String userEventName(Map<String, String> m) {
        String event = m.get("Event");
        return event != null && event.equalsIgnoreCase("UserEvent") && !m.containsKey("Response") ? m.get("UserEvent") : null;
    }

    /**
     * The call a {@code HotdeskEmergency} user event announces; empty for any other message. A {@code
     * Test} header other than yes/true/1 counts as a real call: better a false alarm than a missed one.
     */
    static Optional<EmergencyCall> call(Map<String, String> m) {
        String name = userEventName(m);
        if (name == null || !name.equalsIgnoreCase(EMERGENCY)) {
            return Optional.empty();
        }
        String test = m.getOrDefault("Test", "").strip().toLowerCase(Locale.ROOT);
        String callId = m.getOrDefault("Linkedid", "");
        return Optional.of(new EmergencyCall(m.get("Desk"), m.get("Number"), m.get("ELIN"), m.get("Where"), m.get("Civic"),
                m.get("Channel"), callId.isEmpty() ? m.getOrDefault("Uniqueid", "") : callId,
                test.equals("yes") || test.equals("true") || test.equals("1")));
    }
}
