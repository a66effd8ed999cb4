package hotdesk.provisioning;

import hotdesk.core.model.Mac;
import hotdesk.provisioning.TemplateRenderer.TemplateVersion;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last rendered file of each desk, so that a storm of identical fetches does no Velocity work.
 *
 * <p>An entry is used only when everything that went into it is equal now: the template version (which
 * file, and its modification time and size) and the whole template model the vendor profile computed
 * from the ledger's view of the desk and the settings (device, lines, secrets, occupants, time zone
 * rules…). So a login, an edit of the desk or user, a settings change or a template edit renders again;
 * nothing has to remember to invalidate anything.
 *
 * <p>Looked up by MAC only after every check of the request has passed (network, file name, User-Agent,
 * known and enabled device): the cache never decides who may have a file, and a desk's entry is only
 * ever the file of that desk. Bounded: one entry per desk that fetched; past {@link #MAX_DESKS} it
 * starts over. Thread-safe without a lock.
 */
final class RenderedFiles {

    static final int MAX_DESKS = 100_000;

    private record Entry(TemplateVersion version, Map<String, Object> model, byte[] body) {
    }

    private final ConcurrentHashMap<Mac, Entry> entries = new ConcurrentHashMap<>();

    /** The body rendered for this desk from this template version and model, or null. */
    byte[] get(Mac mac, TemplateVersion version, Map<String, Object> model) {
        Entry e = entries.get(mac);
        return e != null && e.version().equals(version) && e.model().equals(model) ? e.body() : null;
    }

    void put(Mac mac, TemplateVersion version, Map<String, Object> model, byte[] body) {
        if (entries.size() >= MAX_DESKS && !entries.containsKey(mac)) {
            entries.clear();
        }
        entries.put(mac, new Entry(version, Map.copyOf(model), body));
    }

    int size() {
        return entries.size();
    }
}
