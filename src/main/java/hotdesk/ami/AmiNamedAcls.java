package hotdesk.ami;

import hotdesk.core.model.NetworkRange;
import hotdesk.core.port.NamedAcls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link NamedAcls} by AMI {@code GetConfig} of {@code acl.conf} (its {@code #include}s resolved, so the
 * generated {@code acl_hotdesk.conf} counts once acl.conf includes it). GetConfig reads the file, not what
 * Asterisk has loaded; so whenever the ACLs read differ from the last read, this sends {@code Reload} of
 * module {@code acl}, and what Asterisk enforces is what the file says. Both actions are of class
 * {@code system}, which hotdesk's AMI user has already (no {@code command}, no {@code config}).
 *
 * <p>An ACL counts as defined only with exactly hotdesk's rules: deny {@code 0.0.0.0/0} and {@code ::/0},
 * then permit each given network. The file is read at most every {@link #MAX_AGE}. Thread-safe; blocking.
 */
final class AmiNamedAcls implements NamedAcls {

    private static final Logger LOG = LoggerFactory.getLogger(AmiNamedAcls.class);
    static final Duration MAX_AGE = Duration.ofSeconds(5);
    static final String FILE = "acl.conf";

    private final AmiActions actions;
    private final Clock clock;
    static final int RULES_KEPT = 1_000;

    private final Map<List<String>, Set<String>> rules = new java.util.concurrent.ConcurrentHashMap<>();
    private Map<String, Set<String>> acls;
    private Instant readAt = Instant.MIN;

    AmiNamedAcls(AmiActions actions, Clock clock) {
        this.actions = actions;
        this.clock = clock;
    }

    @Override
    public boolean defined(String name, List<String> networks) {
        return rules(networks).equals(current().get(name));
    }

    /**
     * The rules an ACL of these networks has, worked out once per list of networks (a site's; a full pass asks for
     * every desk): deny all, then permit each. Forgotten wholesale past {@link #RULES_KEPT} lists.
     */
    private Set<String> rules(List<String> networks) {
        Set<String> kept = rules.get(networks);
        if (kept != null) {
            return kept;
        }
        Set<String> want = new HashSet<>(List.of("deny=0.0.0.0/0", "deny=::/0"));
        networks.forEach(n -> want.add("permit=" + NetworkRange.parse(n)));
        if (rules.size() >= RULES_KEPT) {
            rules.clear();
        }
        rules.put(List.copyOf(networks), Set.copyOf(want));
        return want;
    }

    /** The ACLs as last read, read again (and Asterisk's module reloaded if they changed) when older than MAX_AGE. */
    private synchronized Map<String, Set<String>> current() {
        Instant now = clock.instant();
        if (acls == null || !now.isBefore(readAt.plus(MAX_AGE))) {
            Map<String, Set<String>> read = read();
            if (acls != null && !read.equals(acls) || acls == null && !read.isEmpty()) {
                AmiMessage r = actions.call("Reload acl", "Reload", "Module", "acl");
                if (!r.isSuccess()) {
                    throw actions.refused("Reload acl", r);
                }
                LOG.info("acl.conf holds {} named ACL(s) {}: reloaded module acl", read.size(), read.keySet());
            }
            acls = read;
            readAt = now;
        }
        return acls;
    }

    /** Name → its rule lines ({@code permit=10.0.0.0/8}, spaces removed); empty when acl.conf has none or is absent. */
    private Map<String, Set<String>> read() {
        AmiMessage answer = actions.call("GetConfig " + FILE, "GetConfig", "Filename", FILE);
        if (!answer.isSuccess()) {
            String message = answer.getOrEmpty("Message");
            if (message.contains("Config file not found") || message.contains("not found")) {
                return Map.of();
            }
            throw actions.refused("GetConfig " + FILE, answer);
        }
        Map<String, Set<String>> out = new LinkedHashMap<>();
        Map<String, String> index = new LinkedHashMap<>();
        answer.headers().forEach((k, v) -> {
            if (k.regionMatches(true, 0, "Category-", 0, 9)) {
                index.put(k.substring(9), v.strip());
                out.putIfAbsent(v.strip(), new HashSet<>());
            }
        });
        answer.headers().forEach((k, v) -> {
            if (k.regionMatches(true, 0, "Line-", 0, 5)) {
                String rest = k.substring(5);
                int dash = rest.indexOf('-');
                String category = index.get(dash < 0 ? rest : rest.substring(0, dash));
                if (category != null) {
                    out.get(category).add(v.replace(" ", "").strip());
                }
            }
        });
        return out;
    }

    @Override
    public String toString() {
        return "AMI GetConfig " + FILE;
    }
}
