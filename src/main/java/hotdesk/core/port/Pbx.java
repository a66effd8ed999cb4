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
}
