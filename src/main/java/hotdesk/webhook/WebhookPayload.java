package hotdesk.webhook;

import hotdesk.core.model.EmergencyAlert;
import hotdesk.core.model.EmergencyCall;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The JSON body of one webhook POST and its signature. The body is written by hand (Jackson stays in
 * the ARI adapter): a flat object of strings, booleans and numbers, every string escaped per RFC 8259.
 *
 * <pre>{@code
 * {"id":"…","event":"emergency.call","test":false,"time":"2026-12-01T18:46:00.123Z","timestamp":1796150760,
 *  "attempt":1,"desk":"hd-0015651234ab","number":"911","elin":"+15551230314","where":"HQ Fl 3 Rm 301",
 *  "civic":"country=US,A1=CA,…","channel":"PJSIP/hd-0015651234ab-00000001","call_id":"1796150733.10",
 *  "occupant":{"extension":"101","name":"Alice Example"},"occupant_known":true,"node":"pbx1"}
 * }</pre>
 *
 * {@code timestamp} (Unix seconds of this attempt) is also sent as {@code X-Hotdesk-Timestamp} and,
 * being in the body, is covered by the signature: a receiver rejects stale or replayed POSTs by it and
 * drops duplicates (a retry after a lost answer) by {@code id}. Pure and thread-safe.
 */
final class WebhookPayload {

    static final String SIGNATURE_HEADER = "X-Hotdesk-Signature";
    static final String TIMESTAMP_HEADER = "X-Hotdesk-Timestamp";
    static final String EVENT_HEADER = "X-Hotdesk-Event";

    private WebhookPayload() {
    }

    /** The event name: {@code emergency.call}, or {@code emergency.test} for a test call. */
    static String event(EmergencyAlert a) {
        return a.call().test() ? "emergency.test" : "emergency.call";
    }

    static String json(EmergencyAlert a, String id, long timestamp, int attempt) {
        EmergencyCall c = a.call();
        StringBuilder b = new StringBuilder(512).append('{');
        field(b, "id", id).append(',');
        field(b, "event", event(a)).append(',');
        b.append("\"test\":").append(c.test()).append(',');
        field(b, "time", a.seenAt().toString()).append(',');
        b.append("\"timestamp\":").append(timestamp).append(',');
        b.append("\"attempt\":").append(attempt).append(',');
        field(b, "desk", c.desk()).append(',');
        field(b, "number", c.number()).append(',');
        field(b, "elin", c.elin()).append(',');
        field(b, "where", c.where()).append(',');
        field(b, "civic", c.civic()).append(',');
        field(b, "channel", c.channel()).append(',');
        field(b, "call_id", c.callId()).append(',');
        b.append("\"occupant\":");
        if (a.occupant().isPresent()) {
            b.append('{');
            field(b, "extension", a.occupant().get().extension()).append(',');
            field(b, "name", a.occupant().get().name()).append('}');
        } else {
            b.append("null");
        }
        b.append(",\"occupant_known\":").append(a.occupantKnown()).append(',');
        field(b, "node", a.node());
        return b.append('}').toString();
    }

    /** {@code sha256=} and the lower-case hex HMAC-SHA256 of {@code body} under {@code secret}. */
    static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }

    private static StringBuilder field(StringBuilder b, String name, String value) {
        return quote(b.append('"').append(name).append("\":"), value);
    }

    static StringBuilder quote(StringBuilder b, String s) {
        return hotdesk.web.JsonText.quote(b, s);
    }
}
