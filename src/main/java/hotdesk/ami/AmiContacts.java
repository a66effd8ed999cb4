package hotdesk.ami;

import hotdesk.core.model.PhoneContact;
import hotdesk.core.port.PbxException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Registered contacts as Asterisk 22.10.1 reports them (recorded on the test kit, AMI read class
 * {@code system}):
 * <ul>
 *   <li>{@code PJSIPShowContacts} answers one {@code ContactList} event per contact ({@code ObjectName:
 *   hd-…;@<hash>}, whose part before {@code ;@} is the AOR, {@code Uri}, {@code Endpoint}, {@code UserAgent},
 *   {@code ViaAddr}, {@code ViaPort}, {@code ExpirationTime}, {@code Status}), then {@code ContactListComplete};
 *   with no contact at all it answers {@code Response: Error}, {@code Message: No Contacts found}.</li>
 *   <li>A new registration raises {@code Event: ContactStatus} with {@code URI}, {@code AOR}, {@code
 *   EndpointName} and {@code ContactStatus: NonQualified} (or {@code Reachable} when qualified); a refresh of
 *   the same contact raises nothing; an expired, unregistered or replaced contact raises {@code ContactStatus:
 *   Removed}. The event names no User-Agent or Via.</li>
 * </ul>
 */
final class AmiContacts {

    /** One {@code ContactStatus} event: a contact is there (any status but Removed) or gone. */
    record Change(String aor, String uri, boolean removed) {
    }

    private AmiContacts() {
    }

    /** The change a {@code ContactStatus} event reports; empty for any other message or one lacking AOR or URI. */
    static Optional<Change> change(AmiMessage m) {
        if (!"ContactStatus".equalsIgnoreCase(m.getOrEmpty("Event"))) {
            return Optional.empty();
        }
        String aor = m.getOrEmpty("AOR").strip();
        String uri = m.getOrEmpty("URI").strip();
        if (aor.isEmpty() || uri.isEmpty() || aor.length() > 100 || uri.length() > 512) {
            return Optional.empty();
        }
        return Optional.of(new Change(aor, uri, "Removed".equalsIgnoreCase(m.getOrEmpty("ContactStatus").strip())));
    }

    /** Every contact Asterisk holds now ({@code PJSIPShowContacts}), {@code since} set to {@code now}. */
    static List<PhoneContact> list(AmiActions actions, Instant now) {
        AmiSession.Listed answer = actions.callList("PJSIPShowContacts", "PJSIPShowContacts");
        if (!answer.response().isSuccess()) {
            if (answer.response().getOrEmpty("Message").strip().equalsIgnoreCase("No Contacts found")) {
                return List.of();
            }
            throw actions.refused("PJSIPShowContacts", answer.response());
        }
        List<PhoneContact> out = new ArrayList<>();
        for (AmiMessage m : answer.items()) {
            if ("ContactList".equalsIgnoreCase(m.getOrEmpty("Event"))) {
                contact(m, now).ifPresent(out::add);
            }
        }
        return List.copyOf(out);
    }

    static Optional<PhoneContact> contact(AmiMessage m, Instant now) {
        String name = m.getOrEmpty("ObjectName");
        int at = name.indexOf(";@");
        String aor = (at > 0 ? name.substring(0, at) : m.getOrEmpty("Endpoint")).strip();
        String uri = m.getOrEmpty("Uri").strip();
        if (aor.isEmpty() || uri.isEmpty() || aor.length() > 100 || uri.length() > 512) {
            return Optional.empty();
        }
        String viaAddr = m.getOrEmpty("ViaAddr").strip();
        String viaPort = m.getOrEmpty("ViaPort").strip();
        String via = viaAddr.isEmpty() ? "" : viaAddr.contains(":") && !viaPort.isEmpty() ? "[" + viaAddr + "]:" + viaPort
                : viaPort.isEmpty() ? viaAddr : viaAddr + ":" + viaPort;
        return Optional.of(new PhoneContact(aor, uri, m.getOrEmpty("UserAgent").strip(), via, now));
    }

    /** For callers that must not fail: the list, or empty when Asterisk cannot be asked now. */
    static Optional<List<PhoneContact>> tryList(AmiActions actions, Instant now) {
        try {
            return Optional.of(list(actions, now));
        } catch (PbxException e) {
            return Optional.empty();
        }
    }
}
