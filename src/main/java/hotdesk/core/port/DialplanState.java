package hotdesk.core.port;

import java.util.Map;

/**
 * Facts the dialplan reads without asking hotdesk (AstDB via AMI {@code DBPut}/{@code DBDel}), so
 * they survive Asterisk restarts and work while hotdesk is down. Family {@code hotdesk}; keys like
 * {@code desk/hd-0015651234ab/occupant}. An empty value deletes the key; deleting a key that is not
 * there succeeds (absent is the state asked for). Idempotent; blocking; throws
 * {@link PbxException}.
 */
public interface DialplanState {

    void put(Map<String, String> keyValues);

    /**
     * Every fact Asterisk holds in the family now, keys as {@link #put} takes them; empty when it cannot be asked
     * (then every fact is written as if none were there). A reconcile pass after a restart reads them once and
     * writes only those that differ: AstDB keeps them across restarts.
     */
    default java.util.Optional<Map<String, String>> all() {
        return java.util.Optional.empty();
    }
}
