package hotdesk.testing;

import hotdesk.core.port.DialplanState;
import hotdesk.core.port.Pbx;
import hotdesk.core.port.PbxException;
import hotdesk.core.port.PhoneResync;
import hotdesk.core.port.PjsipObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory Asterisk for core tests: keeps pushed PJSIP objects (merging like ARI), AstDB keys and
 * the NOTIFYs sent; can be taken "down" (every call throws a retryable PbxException) and "restarted"
 * (pushed objects vanish, AstDB survives).
 */
public final class RecordingAsterisk implements Pbx, DialplanState, PhoneResync {

    public record Notify(String endpointId, String vendor) {
    }

    private final Map<String, Map<String, String>> objects = new LinkedHashMap<>();
    private final Map<String, String> astdb = new HashMap<>();
    private final List<Notify> notifies = new ArrayList<>();
    private final List<String> operations = new ArrayList<>();
    private final List<String> timeline = new ArrayList<>();
    private boolean down;

    public synchronized void down(boolean down) {
        this.down = down;
    }

    public synchronized void restart() {
        objects.clear();
    }

    @Override
    public synchronized void push(List<PjsipObject> list) {
        check("push");
        list.forEach(o -> write(o, "PUT "));
    }

    /** Merges the object's fields into what is held, logged as {@code how type/id}. */
    private void write(PjsipObject o, String how) {
        objects.computeIfAbsent(o.type().wire() + "/" + o.id(), k -> new LinkedHashMap<>()).putAll(o.fields());
        operations.add(how + o.type().wire() + "/" + o.id());
        timeline.add(how + o.type().wire() + "/" + o.id());
    }

    /** Logs {@code GET type/id} for each object, then writes (and logs {@code PUT}) those not held as given. */
    @Override
    public synchronized void correct(List<PjsipObject> list) {
        check("correct");
        for (PjsipObject o : list) {
            String key = o.type().wire() + "/" + o.id();
            operations.add("GET " + key);
            Map<String, String> have = objects.get(key);
            if (have == null || !have.entrySet().containsAll(o.fields().entrySet())) {
                write(o, "PUT ");
            }
        }
    }

    /** Writes each object as {@link #push} does, logged {@code CREATE type/id}: nothing read first. */
    @Override
    public synchronized void create(List<PjsipObject> list) {
        check("create");
        list.forEach(o -> write(o, "CREATE "));
    }

    /** Every AstDB key, as one {@code DBGetTree} gives them (none while down); logged {@code DBGetTree}. */
    @Override
    public synchronized java.util.Optional<Map<String, String>> all() {
        if (down) {
            return java.util.Optional.empty();
        }
        timeline.add("DBGetTree");
        return java.util.Optional.of(Map.copyOf(astdb));
    }

    /** Changes one field of a held object behind hotdesk's back (an admin's edit, a bad restore). */
    public synchronized void tamper(String typeSlashId, String field, String value) {
        objects.get(typeSlashId).put(field, value);
    }

    /** Loses one held object behind hotdesk's back. */
    public synchronized void lose(String typeSlashId) {
        objects.remove(typeSlashId);
    }

    /** Sets (or, with an empty value, deletes) an AstDB key behind hotdesk's back. */
    public synchronized void astdbSet(String key, String value) {
        if (value.isEmpty()) {
            astdb.remove(key);
        } else {
            astdb.put(key, value);
        }
    }

    @Override
    public synchronized void remove(List<PjsipObject.Type> types, List<String> ids) {
        check("remove");
        for (int i = 0; i < types.size(); i++) {
            objects.remove(types.get(i).wire() + "/" + ids.get(i));
            operations.add("DELETE " + types.get(i).wire() + "/" + ids.get(i));
        }
    }

    @Override
    public synchronized void put(Map<String, String> keyValues) {
        check("DBPut");
        keyValues.forEach((k, v) -> {
            timeline.add((v.isEmpty() ? "DBDel " : "DBPut ") + k);
            if (v.isEmpty()) {
                astdb.remove(k);
            } else {
                astdb.put(k, v);
            }
        });
    }

    @Override
    public synchronized void checkSync(String endpointId, String vendor) {
        check("PJSIPNotify");
        notifies.add(new Notify(endpointId, vendor));
    }

    private void check(String what) {
        if (down) {
            throw new PbxException(what + ": connection refused (test Asterisk is down)", true);
        }
    }

    /** Fields of a pushed object, e.g. {@code endpoint("hd-0015651234ab")}; null when absent. */
    public synchronized Map<String, String> endpoint(String id) {
        return copy(objects.get("endpoint/" + id));
    }

    public synchronized Map<String, String> aor(String id) {
        return copy(objects.get("aor/" + id));
    }

    public synchronized Map<String, String> auth(String id) {
        return copy(objects.get("auth/" + id));
    }

    public synchronized Map<String, String> astdb() {
        return Map.copyOf(astdb);
    }

    public synchronized List<Notify> notifies() {
        return List.copyOf(notifies);
    }

    /** Pushes ({@code PUT type/id}) and AstDB writes ({@code DBPut key}, {@code DBDel key}) in the order they came. */
    public synchronized List<String> timeline() {
        return List.copyOf(timeline);
    }

    public synchronized List<String> operations() {
        return List.copyOf(operations);
    }

    public synchronized void clearLog() {
        notifies.clear();
        operations.clear();
        timeline.clear();
    }

    private static Map<String, String> copy(Map<String, String> m) {
        return m == null ? null : Map.copyOf(m);
    }
}
