package hotdesk.ari;

import hotdesk.core.port.Pbx;
import hotdesk.core.port.PjsipObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link Pbx} over ARI push configuration.
 *
 * <p>{@link #push} PUTs each object in the given order (auth → aor → endpoint) with its complete
 * field set: Asterisk merges an update, so a field left out would keep a previous occupant's value.
 * The whole list is checked before the first request (no {@code set_var}, no empty field set), so a
 * refused push sends nothing. An AOR that already exists with the wanted fields is left alone (one
 * GET instead of the PUT): on Asterisk 22 an update of an AOR merges the contacts registered at that
 * moment into it as permanent contacts, which then never expire, so a phone that moved on keeps being
 * dialled at its old address and the contact counts twice. {@link #remove} DELETEs in the given order (endpoint → aor → auth)
 * and treats "not found" as done. Both stop at the first failure and are idempotent, so the caller
 * simply repeats them.
 *
 * <p>Failures are {@link AriException}s ({@code PbxException}): no answer, timeouts and 5xx are
 * retryable; 401 (credentials), 403 (object defined in pjsip.conf), 400 (validation) and 404 on a
 * PUT (unknown type) are not. Blocking; thread-safe.
 */
public final class AriPbx implements Pbx {

    private static final Logger LOG = LoggerFactory.getLogger(AriPbx.class);

    private static final String ACL = "acl";

    private final AriClient client;

    public AriPbx(AriClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public void push(List<PjsipObject> objects) {
        for (PjsipObject o : objects) {
            if (o.fields().isEmpty()) {
                throw new IllegalArgumentException("cannot push " + o.type().wire() + " '" + o.id() + "' without fields");
            }
            for (String name : o.fields().keySet()) {
                if (name.trim().toLowerCase(Locale.ROOT).equals("set_var")) {
                    throw new IllegalArgumentException("refusing to push set_var on " + o.type().wire() + " '" + o.id()
                            + "': on Asterisk 22 every later update of that object fails (500 Allocation failed)");
                }
            }
        }
        for (PjsipObject o : objects) {
            if (o.type() == PjsipObject.Type.AOR && alreadyThere(o)) {
                continue;
            }
            if (o.type() == PjsipObject.Type.ENDPOINT && o.fields().containsKey(ACL)) {
                pushNamingAcl(o);
                continue;
            }
            client.put(o.type().wire(), o.id(), o.fields());
        }
        LOG.debug("pushed {}", objects);
    }

    /**
     * An endpoint naming a named ACL. Asterisk 22 adds every {@code acl} of an update to the endpoint's list
     * rather than replacing it: the same name again is refused (400, "occurs multiple times"), another name
     * is appended (requests must then pass both). So an endpoint that names this ACL already is updated
     * without the field (the update merges, the ACL stays); one that names another ACL or none is deleted
     * and created again (its AOR and registered contacts stay: they are objects of their own).
     */
    private void pushNamingAcl(PjsipObject o) {
        String wanted = o.fields().get(ACL);
        Optional<Map<String, String>> current = client.get(o.type().wire(), o.id());
        if (current.isPresent() && wanted.equalsIgnoreCase(current.get().getOrDefault(ACL, "").trim())) {
            Map<String, String> rest = new java.util.LinkedHashMap<>(o.fields());
            rest.remove(ACL);
            client.put(o.type().wire(), o.id(), rest);
            return;
        }
        if (current.isPresent()) {
            LOG.info("endpoint '{}' names ACL '{}', wanted '{}': deleting and creating it again", o.id(),
                    current.get().getOrDefault(ACL, ""), wanted);
            client.delete(o.type().wire(), o.id());
        }
        client.put(o.type().wire(), o.id(), o.fields());
    }

    /** True when the object exists and each wanted field reads back as wanted (booleans in any spelling). */
    private boolean alreadyThere(PjsipObject o) {
        Optional<Map<String, String>> current = client.get(o.type().wire(), o.id());
        if (current.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, String> wanted : o.fields().entrySet()) {
            String have = current.get().get(wanted.getKey());
            if (have == null || !normalised(have).equals(normalised(wanted.getValue()))) {
                return false;
            }
        }
        return true;
    }

    private static String normalised(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "yes", "true", "on", "1" -> "true";
            case "no", "false", "off", "0" -> "false";
            default -> v;
        };
    }

    @Override
    public void remove(List<PjsipObject.Type> types, List<String> ids) {
        if (types.size() != ids.size()) {
            throw new IllegalArgumentException("remove needs one id per type, got " + types.size() + " types and "
                    + ids.size() + " ids");
        }
        for (int i = 0; i < types.size(); i++) {
            String type = types.get(i).wire();
            if (!client.delete(type, ids.get(i))) {
                LOG.debug("{} '{}' was already gone", type, ids.get(i));
            }
        }
    }
}
