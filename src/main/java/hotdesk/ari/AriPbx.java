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
 * dialled at its old address and the contact counts twice. {@link #correct} reads every object and writes only those
 * that do not read back as given ({@link AriFields}); {@link #create} writes without reading (an Asterisk known to hold
 * none of them). {@link #remove} DELETEs in the given order (endpoint → aor → auth)
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
        check(objects);
        for (PjsipObject o : objects) {
            if (o.type() == PjsipObject.Type.AOR) {
                Optional<Map<String, String>> current = client.get(o.type().wire(), o.id());
                if (current.isPresent() && AriFields.holds(current.get(), o.fields())) {
                    continue;
                }
            }
            if (o.type() == PjsipObject.Type.ENDPOINT && o.fields().containsKey(ACL)) {
                pushNamingAcl(o, client.get(o.type().wire(), o.id()));
                continue;
            }
            client.write(o.type().wire(), o.id(), o.fields());
        }
        LOG.debug("pushed {}", objects);
    }

    /**
     * Reads each object first and writes only those Asterisk does not hold as given ({@link AriFields}): one GET per
     * object that is right, where {@link #push} would PUT auths and endpoints again.
     */
    @Override
    public void correct(List<PjsipObject> objects) {
        check(objects);
        int written = 0;
        for (PjsipObject o : objects) {
            Optional<Map<String, String>> current = client.get(o.type().wire(), o.id());
            if (current.isPresent() && AriFields.holds(current.get(), o.fields())) {
                continue;
            }
            written++;
            if (o.type() == PjsipObject.Type.ENDPOINT && o.fields().containsKey(ACL)) {
                pushNamingAcl(o, current);
            } else {
                client.write(o.type().wire(), o.id(), o.fields());
            }
        }
        if (written > 0) {
            LOG.debug("corrected {} of {}", written, objects);
        }
    }

    /**
     * PUTs each object without reading it first. An endpoint naming an ACL that exists after all with that ACL is
     * refused (400: the ACL "occurs multiple times"); it is then updated as {@link #push} does.
     */
    @Override
    public void create(List<PjsipObject> objects) {
        check(objects);
        for (PjsipObject o : objects) {
            try {
                client.write(o.type().wire(), o.id(), o.fields());
            } catch (AriException e) {
                if (e.status() != 400 || o.type() != PjsipObject.Type.ENDPOINT || !o.fields().containsKey(ACL)) {
                    throw e;
                }
                LOG.debug("endpoint '{}' refused as new ({}): updating it as it is", o.id(), e.getMessage());
                pushNamingAcl(o, client.get(o.type().wire(), o.id()));
            }
        }
        LOG.debug("created {}", objects);
    }

    /** Refuses, before anything is sent, a list that holds an object Asterisk would take badly. */
    private static void check(List<PjsipObject> objects) {
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
    }

    /**
     * An endpoint naming a named ACL. Asterisk 22 adds every {@code acl} of an update to the endpoint's list
     * rather than replacing it: the same name again is refused (400, "occurs multiple times"), another name
     * is appended (requests must then pass both). So an endpoint that names this ACL already is updated
     * without the field (the update merges, the ACL stays); one that names another ACL or none is deleted
     * and created again (its AOR and registered contacts stay: they are objects of their own).
     */
    private void pushNamingAcl(PjsipObject o, Optional<Map<String, String>> current) {
        String wanted = o.fields().get(ACL);
        if (current.isPresent() && wanted.equalsIgnoreCase(current.get().getOrDefault(ACL, "").trim())) {
            Map<String, String> rest = new java.util.LinkedHashMap<>(o.fields());
            rest.remove(ACL);
            client.write(o.type().wire(), o.id(), rest);
            return;
        }
        if (current.isPresent()) {
            LOG.info("endpoint '{}' names ACL '{}', wanted '{}': deleting and creating it again", o.id(),
                    current.get().getOrDefault(ACL, ""), wanted);
            client.delete(o.type().wire(), o.id());
        }
        client.write(o.type().wire(), o.id(), o.fields());
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
