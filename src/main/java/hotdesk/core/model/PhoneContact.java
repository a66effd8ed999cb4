package hotdesk.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A contact registered on an AOR, as Asterisk reports it, and since when this node has seen it.
 *
 * @param aor       the AOR (for a desk line: its endpoint id)
 * @param uri       the contact URI the phone registered, e.g. {@code sip:hd-…@192.0.2.7:5060}
 * @param userAgent the REGISTER's User-Agent, empty when unknown
 * @param via       address:port of the REGISTER's last Via, empty when unknown
 * @param since     when this node first saw the contact
 */
public record PhoneContact(String aor, String uri, String userAgent, String via, Instant since) {
    public PhoneContact {
        Objects.requireNonNull(aor, "aor");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(since, "since");
        userAgent = clip(userAgent, 256);
        via = clip(via, 100);
        if (aor.isBlank() || aor.length() > 100 || uri.isBlank() || uri.length() > 512) {
            throw new IllegalArgumentException("a contact needs an AOR (1..100) and a URI (1..512)");
        }
    }

    private static String clip(String s, int max) {
        String v = s == null ? "" : s.replaceAll("[\\p{Cntrl}]", "?");
        return v.length() > max ? v.substring(0, max) : v;
    }
}
