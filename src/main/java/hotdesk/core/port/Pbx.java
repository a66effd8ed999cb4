package hotdesk.core.port;

import java.util.List;

/**
 * Pushes PJSIP objects into Asterisk (ARI push configuration).
 *
 * <p>{@link #push} creates or fully updates the objects in the given order (auth → aor → endpoint);
 * {@link #remove} deletes them in the given order (endpoint → aor → auth), treating "not found" as
 * done. Both are idempotent. Blocking, with timeouts; thread-safe. Failures throw {@link PbxException}.
 */
public interface Pbx {

    void push(List<PjsipObject> objects);

    void remove(List<PjsipObject.Type> types, List<String> ids);

    /**
     * As {@link #push}, but only the objects that Asterisk does not hold as given (missing, or a field that reads
     * back otherwise) are written: after a restart of an Asterisk that keeps pushed objects, where most are right.
     */
    default void correct(List<PjsipObject> objects) {
        push(objects);
    }

    /**
     * As {@link #push}, for objects Asterisk is known not to hold (it restarted and keeps nothing pushed): written
     * without reading first. One found there after all is still updated as {@link #push} would.
     */
    default void create(List<PjsipObject> objects) {
        push(objects);
    }
}
