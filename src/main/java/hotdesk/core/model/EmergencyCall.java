package hotdesk.core.model;

/**
 * An emergency call as Asterisk's emergency route announced it (the {@code HotdeskEmergency} user
 * event): what the dialplan knew when the call left the desk, not what the ledger says now.
 *
 * <p>Every value comes from outside and goes into logs, the audit trail and JSON, so the record keeps
 * them printable: null becomes "", control characters become {@code ?} and each value is cut at
 * {@value #MAX_LENGTH} characters (AstDB, where the route reads them, holds at most 255 bytes).
 *
 * @param desk    endpoint id of the calling desk line ({@code hd-<mac>}), "" when the route did not know it
 * @param number  the number dialled
 * @param elin    the ELIN the route presented as caller ID, "" when the desk has none
 * @param where   short human text of the desk's location, "" when none
 * @param civic   the civic address as the route sent it with the call ({@code KEY=value,...}), "" when none
 * @param channel Asterisk's name of the calling channel
 * @param callId  Asterisk's linked id of the call: shared by every channel of that call (the test call's
 *                own id for {@code hotdesk emergency test}), "" when the event had none
 * @param test    a test call placed by {@code hotdesk emergency test}, not a real one
 */
public record EmergencyCall(String desk, String number, String elin, String where, String civic, String channel,
                            String callId, boolean test) {

    public static final int MAX_LENGTH = 256;

    public EmergencyCall {
        desk = clean(desk);
        number = clean(number);
        elin = clean(elin);
        where = clean(where);
        civic = clean(civic);
        channel = clean(channel);
        callId = clean(callId);
    }

    private static String clean(String s) {
        if (s == null) {
            return "";
        }
        String c = s.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]", "?").strip();
        return c.length() <= MAX_LENGTH ? c : c.substring(0, MAX_LENGTH);
    }
}
