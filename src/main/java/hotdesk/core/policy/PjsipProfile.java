package hotdesk.core.policy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Site-wide settings for pushed PJSIP objects.
 *
 * @param transport        transport every pushed endpoint uses (Asterisk picks badly when none is set)
 * @param allow            codec list, e.g. {@code ulaw,alaw}
 * @param idleContext      context of an idle desk
 * @param userMaxContacts  how many of their own devices a user may register
 * @param endpointExtras   further endpoint attributes pushed unchanged (NAT options, dtmf_mode …)
 */
public record PjsipProfile(String transport, String allow, String idleContext, int userMaxContacts,
                           Map<String, String> endpointExtras) {

    /**
     * The context of every occupied desk line: the generated dialplan's {@code [hotdesk-seated]} tries the
     * emergency numbers with the desk's location first, then hotdesk's codes, then the occupant's own
     * context, which hotdesk writes to AstDB ({@code desk/<endpoint>/context}).
     */
    public static final String SEATED_CONTEXT = "hotdesk-seated";

    /** Attributes hotdesk computes itself, or that break Asterisk (set_var: every later PUT fails with 500). */
    private static final Set<String> FORBIDDEN_EXTRAS = Set.of(
            "set_var", "auth", "aors", "callerid", "context", "mailboxes", "accountcode", "transport", "allow", "disallow",
            "acl", "deny", "permit");

    public PjsipProfile {
        ValueRules.id("pjsip.transport", transport);
        ValueRules.noControl("pjsip.allow", allow);
        if (!allow.matches("[a-z0-9_,!]+")) {
            throw new IllegalArgumentException("pjsip.allow must be a codec list like ulaw,alaw, got '" + allow + "'");
        }
        ValueRules.context("pjsip.idle-context", idleContext);
        if (idleContext.equalsIgnoreCase(SEATED_CONTEXT)) {
            throw new IllegalArgumentException("pjsip.idle-context cannot be " + SEATED_CONTEXT + ": occupied desks have that context");
        }
        if (userMaxContacts < 1 || userMaxContacts > 20) {
            throw new IllegalArgumentException("pjsip.user-max-contacts must be 1..20, got " + userMaxContacts);
        }
        Map<String, String> copy = new LinkedHashMap<>();
        endpointExtras.forEach((k, v) -> {
            String key = Objects.requireNonNull(k).toLowerCase(Locale.ROOT);
            if (FORBIDDEN_EXTRAS.contains(key)) {
                throw new IllegalArgumentException("pjsip.endpoint." + key + " cannot be set: hotdesk computes it"
                        + (key.equals("set_var") ? " (and set_var breaks later updates on Asterisk 22)" : ""));
            }
            if (!key.matches("[a-z0-9_]+")) {
                throw new IllegalArgumentException("pjsip.endpoint." + key + " is not an attribute name");
            }
            ValueRules.noControl("pjsip.endpoint." + key, v);
            copy.put(key, v);
        });
        endpointExtras = java.util.Collections.unmodifiableMap(copy);
    }

    /** The defaults that match asterisk-conf/: NAT-friendly, no direct media. */
    public static PjsipProfile defaults() {
        Map<String, String> extras = new LinkedHashMap<>();
        extras.put("direct_media", "no");
        extras.put("rtp_symmetric", "yes");
        extras.put("force_rport", "yes");
        extras.put("rewrite_contact", "yes");
        return new PjsipProfile("transport-udp", "ulaw,alaw", "hotdesk-idle", 5, extras);
    }
}
