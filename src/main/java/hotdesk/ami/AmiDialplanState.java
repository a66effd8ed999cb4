package hotdesk.ami;

import hotdesk.core.port.DialplanState;
import hotdesk.core.port.PbxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * AstDB facts over AMI, family {@value #FAMILY}: for each entry in order, {@code DBPut} of a
 * non-empty value, {@code DBDel} of an empty one, where a key that is not there counts as deleted:
 * it is the state the delete wants. Asterisk 22 answers {@code Error: Database entry could not be
 * deleted} for a missing key, and the same when SQLite failed to delete, so that answer is followed
 * by a {@code DBGet}: {@code Database entry not found} means done, a value means the delete failed.
 * {@code Error: Database entry not found} (older versions) counts as deleted too. Stops at the first
 * failure; repeating the whole map is safe.
 *
 * <p>Throws {@link PbxException}: retryable while the link is down, and for a timeout, a lost
 * connection or an Error answer; non-retryable for {@code Permission denied}.
 * {@link IllegalArgumentException}, before anything is sent, for a blank key, a null value, CR, LF
 * or other control characters, surrounding blanks (AMI would strip them) or more than AstDB's 255
 * bytes. Thread-safe.
 */
final class AmiDialplanState implements DialplanState {

    private static final Logger LOG = LoggerFactory.getLogger(AmiDialplanState.class);

    /** AstDB family of every fact hotdesk writes. */
    static final String FAMILY = "hotdesk";
    /** Asterisk's AstDB limit: "/family/key" must stay under 255 bytes; values are read back into 256. */
    private static final int MAX_DB_BYTES = 255;
    /** DBGet of a missing key, and DBDel of a missing key on older Asterisk versions. */
    private static final String NOT_FOUND = "Database entry not found";
    /** Asterisk 22's DBDel answer both for a missing key and for a delete that failed in SQLite. */
    private static final String NOT_DELETED = "Database entry could not be deleted";

    private final AmiActions actions;
    private final String where;

    AmiDialplanState(AmiActions actions, String where) {
        this.actions = actions;
        this.where = where;
    }

    @Override
    public void put(Map<String, String> facts) {
        if (facts == null) {
            throw new IllegalArgumentException("AstDB facts must not be null");
        }
        facts.forEach((key, value) -> {
            AmiText.requireValue("AstDB key", key, MAX_DB_BYTES - FAMILY.length() - 3);
            if (value == null) {
                throw new IllegalArgumentException("AstDB value of " + FAMILY + "/" + key
                        + " must not be null (use \"\" to delete)");
            }
            if (!value.isEmpty()) {
                AmiText.requireValue("AstDB value of " + FAMILY + "/" + key, value, MAX_DB_BYTES);
            }
        });
        for (Map.Entry<String, String> e : facts.entrySet()) {
            if (e.getValue().isEmpty()) {
                delete(e.getKey());
            } else {
                String what = "DBPut " + FAMILY + "/" + e.getKey();
                AmiMessage answer = actions.call(what, "DBPut", "Family", FAMILY, "Key", e.getKey(), "Val", e.getValue());
                if (!answer.isSuccess()) {
                    throw actions.refused(what, answer);
                }
            }
        }
        LOG.debug("AMI wrote {} AstDB fact(s): {}", facts.size(), facts.keySet());
    }

    /**
     * One {@code DBGetTree} of the family: every entry as {@code DBGetTreeResponse} events whose {@code Key} is the
     * full path ({@code /hotdesk/desk/…}), an empty family a success with none. Empty when the link is down, the
     * list does not end in time or Asterisk refuses: the caller then writes every fact.
     */
    @Override
    public java.util.Optional<Map<String, String>> all() {
        String prefix = "/" + FAMILY + "/";
        try {
            // tens of thousands of events at 10,000 desks: each kept as its key and value only, as it arrives
            AmiSession.Kept<String[]> answer = actions.callList("DBGetTree " + FAMILY, m -> {
                String key = m.getOrEmpty("Key");
                return "DBGetTreeResponse".equalsIgnoreCase(m.getOrEmpty("Event")) && key.startsWith(prefix)
                        ? new String[]{key.substring(prefix.length()), m.getOrEmpty("Val")} : null;
            }, "DBGetTree", "Family", FAMILY);
            if (!answer.response().isSuccess()) {
                LOG.info("AMI DBGetTree {} refused: {}; every fact is written", FAMILY,
                        AmiText.shown(answer.response().getOrEmpty("Message")));
                return java.util.Optional.empty();
            }
            Map<String, String> facts = new java.util.HashMap<>(answer.items().size() * 2);
            for (String[] kv : answer.items()) {
                facts.put(kv[0], kv[1]);
            }
            return java.util.Optional.of(facts);
        } catch (PbxException e) {
            LOG.info("AMI DBGetTree {} failed: {}; every fact is written", FAMILY, e.getMessage());
            return java.util.Optional.empty();
        }
    }

    private void delete(String key) {
        String what = "DBDel " + FAMILY + "/" + key;
        AmiMessage answer = actions.call(what, "DBDel", "Family", FAMILY, "Key", key);
        if (answer.isSuccess() || answer.isError() && NOT_FOUND.equals(answer.get("Message"))) {
            return;
        }
        if (!(answer.isError() && NOT_DELETED.equals(answer.get("Message")))) {
            throw actions.refused(what, answer);
        }
        String get = "DBGet " + FAMILY + "/" + key;
        AmiMessage check = actions.call(get, "DBGet", "Family", FAMILY, "Key", key);
        if (check.isError() && NOT_FOUND.equals(check.get("Message"))) {
            return; // it was not there: deleted is what we wanted
        }
        if (!check.isSuccess()) {
            throw actions.refused(get, check);
        }
        throw new PbxException("AMI " + what + " → Error: " + AmiText.shown(answer.getOrEmpty("Message"))
                + ", and the key is still there (" + where + ")", true, true);
    }
}
