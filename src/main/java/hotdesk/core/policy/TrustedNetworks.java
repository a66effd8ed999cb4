package hotdesk.core.policy;

import hotdesk.core.model.NetworkRange;
import hotdesk.core.model.Site;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where desks may register from: the named Asterisk ACL a desk's endpoint carries ({@code acl=}) and the
 * rules of each such ACL. A desk of a site that names networks gets the site's ACL; every other desk gets
 * {@link #DEFAULT_ACL}, made of the global networks ({@code provisioning.allowed-networks}, loopback only
 * unless the admin names networks). Each ACL denies everything, then permits its networks, IPv4 and IPv6.
 *
 * <p>Named ACLs, not {@code deny}/{@code permit} on the endpoint: pushed over ARI into the astdb wizard,
 * those read back as an ACL name that does not exist, and Asterisk then refuses every request of the
 * endpoint, emergency calls included. Pure.
 */
public final class TrustedNetworks {

    /** The ACL of desks whose site names no networks (or that have no known site). */
    public static final String DEFAULT_ACL = "hotdesk-default";
    private static final String SITE_PREFIX = "hotdesk-site-";

    private TrustedNetworks() {
    }

    /** The ACL a desk of this site (none: no known site) names. */
    public static String aclName(Optional<Site> site) {
        if (site.isEmpty() || site.get().phones().networks().isEmpty()) {
            return DEFAULT_ACL;
        }
        return siteAcl(site.get().name());
    }

    /**
     * A site's ACL name: {@code hotdesk-site-} and the name when it is letters, digits, {@code _ . -} only,
     * else its letters and digits and a hash of the whole name (so {@code Zürich Süd} and {@code Zurich-Sud}
     * never share one). Stable: it changes only with the site's name.
     */
    public static String siteAcl(String siteName) {
        if (siteName.matches("[A-Za-z0-9_.-]{1,64}")) {
            return SITE_PREFIX + siteName;
        }
        String plain = siteName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        if (plain.length() > 40) {
            plain = plain.substring(0, 40);
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(siteName.getBytes(StandardCharsets.UTF_8));
            return SITE_PREFIX + (plain.isEmpty() ? "" : plain + "-") + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** One named ACL: its name and the networks it permits. */
    public record Acl(String name, List<String> networks, String about) {
        public Acl {
            networks = List.copyOf(networks);
            if (networks.isEmpty()) {
                throw new IllegalArgumentException("ACL " + name + " needs at least one network");
            }
            networks.forEach(NetworkRange::parse);
        }

        /** The lines of its section in acl.conf: deny all (IPv4 and IPv6), then a permit per network. */
        public List<String> lines() {
            List<String> l = new ArrayList<>();
            l.add("deny = 0.0.0.0/0");
            l.add("deny = ::/0");
            networks.forEach(n -> l.add("permit = " + n));
            return l;
        }
    }

    /** Every ACL desks may name: the default one first, then one per site that names networks, by name. */
    public static List<Acl> acls(List<String> defaultNetworks, List<Site> sites) {
        List<Acl> acls = new ArrayList<>();
        acls.add(new Acl(DEFAULT_ACL, defaultNetworks, "desks of no site with networks (provisioning.allowed-networks)"));
        sites.stream().filter(s -> !s.phones().networks().isEmpty()).sorted(java.util.Comparator.comparing(Site::name))
                .forEach(s -> acls.add(new Acl(siteAcl(s.name()), s.phones().networks(), "desks of site " + s.name())));
        return List.copyOf(acls);
    }
}
