package hotdesk.ami;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One AMI message (a response or an event): {@code Name: value} headers up to an empty line. Names
 * match case-insensitively and the first of repeated headers wins, as in Asterisk's own parser.
 * Immutable.
 */
final class AmiMessage {

    private final Map<String, String> headers;

    private AmiMessage(Map<String, String> headers) {
        this.headers = headers;
    }

    /** Parses header lines (terminators already removed); a line without ':' is kept under "" once. */
    static AmiMessage of(List<String> lines) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line : lines) {
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon).strip();
            String value = colon < 0 ? line : line.substring(colon + 1).stripLeading();
            h.putIfAbsent(name, value);
        }
        return new AmiMessage(Collections.unmodifiableMap(h));
    }

    /** Every header, names case-insensitive (first of repeated ones). */
    Map<String, String> headers() {
        return headers;
    }

    /** The header's value, or null. */
    String get(String name) {
        return headers.get(name);
    }

    String getOrEmpty(String name) {
        return headers.getOrDefault(name, "");
    }

    boolean isResponse() {
        return headers.containsKey("Response");
    }

    boolean isEvent() {
        return headers.containsKey("Event") && !isResponse();
    }

    boolean isSuccess() {
        return "Success".equalsIgnoreCase(get("Response"));
    }

    boolean isError() {
        return "Error".equalsIgnoreCase(get("Response"));
    }

    /**
     * One action on the wire: {@code Action}, {@code ActionID}, then the headers in order, CRLF
     * line ends and an empty line.
     *
     * @param headers name/value pairs, flattened: {@code name1, value1, name2, value2, …}
     * @throws IllegalArgumentException when a name or value holds CR, LF or another control
     *                                  character (it would end the header or the whole action
     *                                  early and smuggle in another one)
     */
    static byte[] encode(String action, String actionId, String... headers) {
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("AMI headers come in name/value pairs");
        }
        StringBuilder b = new StringBuilder(64);
        append(b, "Action", action);
        append(b, "ActionID", actionId);
        for (int i = 0; i < headers.length; i += 2) {
            append(b, headers[i], headers[i + 1]);
        }
        b.append("\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void append(StringBuilder b, String name, String value) {
        if (name == null || name.isEmpty() || !name.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("AMI header name must be letters, digits, '_' or '-', got '" + name + "'");
        }
        if (value == null || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("AMI header " + name + " must not be null or hold CR, LF or other control"
                    + " characters");
        }
        b.append(name).append(": ").append(value).append("\r\n");
    }

    @Override
    public String toString() {
        // only the headers that say what the message is: nothing that could carry a value worth hiding
        StringBuilder b = new StringBuilder("AmiMessage[");
        for (String name : new String[] {"Response", "Event", "ActionID", "Message"}) {
            String v = get(name);
            if (v != null) {
                b.append(b.length() > 11 ? ", " : "").append(name).append('=').append(v);
            }
        }
        return b.append(']').toString();
    }
}
