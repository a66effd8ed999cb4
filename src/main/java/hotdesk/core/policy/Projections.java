package hotdesk.core.policy;

import hotdesk.core.model.CivicLocation;
import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Site;
import hotdesk.core.model.User;
import hotdesk.core.policy.EmergencyLocation.Located;
import hotdesk.core.port.PjsipObject;
import hotdesk.core.port.PjsipObject.Type;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Computes what Asterisk must hold for a desk line or a user: the complete PJSIP objects (auth → aor →
 * endpoint, in push order) and the AstDB facts. Every value is validated here, so nothing malformed
 * is ever pushed. Pure and thread-safe.
 */
public final class Projections {

    private final PjsipProfile profile;
    private final String defaultElin;

    /** Projections without a global default ELIN. */
    public Projections(PjsipProfile profile) {
        this(profile, "");
    }

    /** @param defaultElin {@code emergency.default-elin}: the ELIN of desks whose device and site have none */
    public Projections(PjsipProfile profile, String defaultElin) {
        this.profile = profile;
        this.defaultElin = ValueRules.number("emergency.default-elin", defaultElin);
    }

    /** Where a desk is for emergency calls (see {@link EmergencyLocation}), with this node's default ELIN. */
    public Located located(Device device, CivicLocation deskFields, Optional<Site> site) {
        return EmergencyLocation.resolve(device, deskFields, site, defaultElin);
    }

    /**
     * Objects of a desk line whose site and own location fields are not at hand (probes and tests): its
     * ELIN is the device's own, else the default. The reconciler uses the four-argument form.
     */
    public List<PjsipObject> desk(DeskLine line, Device device, Optional<User> occupant) {
        return desk(line, device, occupant, located(device, CivicLocation.EMPTY, Optional.empty()));
    }

    /**
     * Context of a disabled desk: the generated {@code [hotdesk-emergency]}, emergency numbers and nothing
     * else (any other number is not found), so a disabled desk can neither log in nor call out.
     */
    public static final String DISABLED_CONTEXT = "hotdesk-emergency";

    public static String authId(String endpointId) {
        return endpointId + "-auth";
    }

    /**
     * Objects of a desk line: its own account, and the identity of the occupant or the idle profile.
     * An idle desk's caller ID is its label with its effective ELIN as the number. With no ELIN at all the
     * number is left empty ({@code "Desk 3.14" <>}), never the MAC or the endpoint id: a made-up number
     * would be a callback number and location claim that is false, while an empty one leaves the caller
     * ID to the trunk (typically the company's main number and its registered address), which is what a
     * desk without an ELIN can honestly offer. {@code device add}, {@code status} and {@code doctor} warn.
     */
    public List<PjsipObject> desk(DeskLine line, Device device, Optional<User> occupant, Located where) {
        return desk(line, device, occupant, where, "");
    }

    /**
     * As {@link #desk(DeskLine, Device, Optional, Located)}, the endpoint naming the ACL {@code acl} (see
     * {@link TrustedNetworks}): Asterisk then takes requests of the desk only from that ACL's networks.
     * Empty: no {@code acl} field (what the endpoint had stays).
     */
    public List<PjsipObject> desk(DeskLine line, Device device, Optional<User> occupant, Located where, String acl) {
        String id = ValueRules.id("endpoint id", line.endpointId());
        Map<String, String> auth = new LinkedHashMap<>();
        auth.put("auth_type", "userpass");
        auth.put("username", id);
        auth.put("password", ValueRules.secret("desk secret of " + id, line.secret()));

        Map<String, String> ep = baseEndpoint(id);
        ep.put("aors", id);
        if (!device.enabled()) {
            // a disabled desk keeps its account (its phone stays registered) for emergency calls only
            ep.put("callerid", idleCallerId(device.label(), where.elin()));
            ep.put("context", DISABLED_CONTEXT);
            ep.put("mailboxes", "");
            ep.put("accountcode", "");
        } else if (occupant.isPresent()) {
            User u = occupant.get();
            ep.put("callerid", callerId(u.name(), u.extension().value()));
            if (ValueRules.context("context of user " + u.extension(), u.context()).equalsIgnoreCase(PjsipProfile.SEATED_CONTEXT)) {
                throw new IllegalArgumentException("context of user " + u.extension() + " cannot be " + PjsipProfile.SEATED_CONTEXT
                        + ": that is the context hotdesk gives the desk, whose calls go on to the user's own context");
            }
            // the user's own context is the AstDB fact desk/<id>/context, which [hotdesk-seated] goes on to
            ep.put("context", PjsipProfile.SEATED_CONTEXT);
            ep.put("mailboxes", ValueRules.mailbox("mailbox of user " + u.extension(), u.mailbox()));
            ep.put("accountcode", u.extension().value());
        } else {
            ep.put("callerid", idleCallerId(device.label(), where.elin()));
            ep.put("context", profile.idleContext());
            ep.put("mailboxes", "");
            ep.put("accountcode", "");
        }
        if (!acl.isEmpty()) {
            ep.put("acl", ValueRules.id("acl of " + id, acl));
        }
        return List.of(new PjsipObject(Type.AUTH, authId(id), auth), deskAor(id), new PjsipObject(Type.ENDPOINT, id, ep));
    }

    /**
     * The AOR of a desk line, the same whoever sits there: one contact, a new registration replacing the old. Part of
     * {@link #desk}; on its own for the first step of a full pass, which needs no more of the ledger than the line's id.
     */
    public PjsipObject deskAor(String endpointId) {
        String id = ValueRules.id("endpoint id", endpointId);
        Map<String, String> aor = new LinkedHashMap<>();
        aor.put("max_contacts", "1");
        aor.put("remove_existing", "yes");
        return new PjsipObject(Type.AOR, id, aor);
    }

    /** The AOR of a user's own endpoint, the same wherever they sit ({@link #user}'s, on its own as {@link #deskAor}). */
    public PjsipObject userAor(Extension extension) {
        Map<String, String> aor = new LinkedHashMap<>();
        aor.put("max_contacts", Integer.toString(profile.userMaxContacts()));
        aor.put("remove_existing", "yes");
        aor.put("mailboxes", "");
        return new PjsipObject(Type.AOR, extension.value(), aor);
    }

    /**
     * Objects of a user's own endpoint. The AORs of the desks they sit at come first in {@code aors}
     * (several under multi-login allow), their own last: a plain {@code Dial(PJSIP/101)} rings only the
     * first AOR that has a contact, the generated {@code hotdesk-dial-user} rings every contact of all.
     */
    public List<PjsipObject> user(User user, List<String> deskEndpointIds) {
        String ext = user.extension().value();
        Map<String, String> auth = new LinkedHashMap<>();
        auth.put("auth_type", "userpass");
        auth.put("username", ext);
        auth.put("password", ValueRules.secret("sip secret of user " + ext, user.sipSecret()));

        Map<String, String> ep = baseEndpoint(ext);
        StringBuilder aors = new StringBuilder();
        for (String d : deskEndpointIds) {
            aors.append(ValueRules.id("desk endpoint", d)).append(',');
        }
        ep.put("aors", aors.append(ext).toString());
        ep.put("callerid", callerId(user.name(), ext));
        ep.put("context", ValueRules.context("context of user " + ext, user.context()));
        ep.put("mailboxes", ValueRules.mailbox("mailbox of user " + ext, user.mailbox()));
        ep.put("accountcode", ext);
        return List.of(new PjsipObject(Type.AUTH, authId(ext), auth), userAor(user.extension()), new PjsipObject(Type.ENDPOINT, ext, ep));
    }

    /** Ids to delete for an endpoint id, in the safe order: endpoint → aor → auth. */
    public static List<String> idsForRemoval(String endpointId) {
        return List.of(endpointId, endpointId, authId(endpointId));
    }

    public static List<Type> typesForRemoval() {
        return List.of(Type.ENDPOINT, Type.AOR, Type.AUTH);
    }

    /**
     * AstDB facts of a desk line for the dialplan (family {@code hotdesk}); an empty value deletes.
     * {@code desk/<id>/occupant} is the occupant's extension, {@code desk/<id>/context} their own context
     * (where {@code [hotdesk-seated]} sends everything but emergency numbers and feature codes; written
     * before the endpoint gets that context); the location facts are {@link #locationFacts}'s, the desk's
     * whoever sits there.
     */
    public static Map<String, String> deskFacts(DeskLine line, Device device, Optional<User> occupant, Located where) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("desk/" + line.endpointId() + "/occupant", occupant.map(u -> u.extension().value()).orElse(""));
        facts.put("desk/" + line.endpointId() + "/context",
                occupant.map(u -> ValueRules.context("context of user " + u.extension(), u.context())).orElse(""));
        facts.putAll(locationFacts(line.endpointId(), where));
        return facts;
    }

    /**
     * The emergency facts of a desk line: {@code desk/<id>/elin} the effective ELIN, {@code desk/<id>/civic}
     * the civic location as {@code GEOLOC_PROFILE(location_info)} takes it ({@code country=US,A1=NY,FLR=3}),
     * {@code desk/<id>/where} the short text for displays. Each is empty (deleted) when unknown. Every
     * value is of the safe character set ({@link CivicLocation}), so the dialplan can pass it on unchanged.
     */
    public static Map<String, String> locationFacts(String endpointId, Located where) {
        String civic = where.civic().locationInfo();
        if (where.where().length() > EmergencyLocation.WHERE_MAX || !CivicLocation.isSafe(where.where())) {
            throw new IllegalArgumentException("where text of " + endpointId + " must be at most " + EmergencyLocation.WHERE_MAX
                    + " characters: " + CivicLocation.SAFE_CHARACTERS + ", got '" + where.where() + "'");
        }
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("desk/" + endpointId + "/elin", ValueRules.number("elin of " + endpointId, where.elin()));
        facts.put("desk/" + endpointId + "/civic", civic);
        facts.put("desk/" + endpointId + "/where", where.where());
        return facts;
    }

    /**
     * AstDB facts of a user: {@code user/<ext>/desk} is the desk line they sit at, comma-separated when
     * they sit at several (multi-login allow), empty (deleted) when at none.
     */
    public static Map<String, String> userFacts(String extension, List<String> deskEndpointIds) {
        return Map.of("user/" + extension + "/desk", String.join(",", deskEndpointIds));
    }

    /** As {@link #callerId} but the number may be empty: {@code "Desk 3.14" <>}. */
    static String idleCallerId(String name, String number) {
        if (number.isEmpty()) {
            return "\"" + ValueRules.name("caller ID name", name) + "\" <>";
        }
        return callerId(name, number);
    }

    static String callerId(String name, String number) {
        if (number == null || !number.matches("[A-Za-z0-9+*#_.-]{1,32}")) {
            throw new IllegalArgumentException("caller ID number must be 1 to 32 of letters, digits, + * # _ . -, got '" + number + "'");
        }
        return "\"" + ValueRules.name("caller ID name", name) + "\" <" + number + ">";
    }

    private Map<String, String> baseEndpoint(String id) {
        Map<String, String> ep = new LinkedHashMap<>();
        ep.put("transport", profile.transport());
        ep.put("auth", authId(id));
        ep.put("disallow", "all");
        ep.put("allow", profile.allow());
        ep.putAll(profile.endpointExtras());
        return ep;
    }
}
