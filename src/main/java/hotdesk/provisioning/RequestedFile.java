package hotdesk.provisioning;

import hotdesk.core.model.Mac;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a file name under {@code /provision/} asks for, as the vendor profiles say. The one routing of a
 * fetch: {@link ProvisioningServer} decides both which URL key opens a file and how to answer it from the
 * same value, so the two cannot disagree about whose file a name is. In this order: Yealink's common
 * files, a vendor's common file, a name a vendor's phones ask for but hotdesk does not serve, a desk's
 * file (any vendor's desk file, else a vendor's per-phone name answered with its master file), else
 * unknown. Pure; immutable.
 */
sealed interface RequestedFile {

    /** Yealink's {@code y000000000000.cfg} and per-model {@code y0000000000NN.cfg}: a fixed body, no template. */
    Pattern YEALINK_COMMON = Pattern.compile("y[0-9]{12}\\.cfg");

    /** Yealink's common file. */
    record YealinkCommon() implements RequestedFile {
    }

    /** A vendor's common file (Polycom's {@code 000000000000.cfg}), rendered from {@code template}. */
    record Common(VendorProfile profile, String template) implements RequestedFile {
    }

    /** A name the phones of this vendor ask for on their own and hotdesk does not serve. */
    record Unserved(VendorProfile profile) implements RequestedFile {
    }

    /**
     * A file of the desk with this MAC.
     *
     * @param deskVendors   the vendors whose desk file the name is
     * @param masterVendors the vendors whose per-phone name it is, answered with their master file
     */
    record Desk(Mac mac, Set<String> deskVendors, Set<String> masterVendors) implements RequestedFile {
        public Desk {
            deskVendors = Set.copyOf(deskVendors);
            masterVendors = Set.copyOf(masterVendors);
        }

        /** Whether a device of this vendor gets a file under this name. */
        boolean servedTo(String vendor) {
            return deskVendors.contains(vendor) || masterVendors.contains(vendor);
        }
    }

    /** No vendor's phones ask for a file of this name. */
    record Unknown() implements RequestedFile {
    }

    /** The MAC of the desk whose file this is; empty for every file that no desk owns. */
    default Optional<Mac> desk() {
        return this instanceof Desk d ? Optional.of(d.mac()) : Optional.empty();
    }

    /** What {@code name} asks for among these profiles. */
    static RequestedFile of(String name, Collection<VendorProfile> profiles) {
        if (name.length() == 17 && name.charAt(0) == 'y' && YEALINK_COMMON.matcher(name).matches()) {
            return new YealinkCommon();
        }
        for (VendorProfile p : profiles) {
            Optional<String> template = p.commonFile(name);
            if (template.isPresent()) {
                return new Common(p, template.get());
            }
        }
        for (VendorProfile p : profiles) {
            if (p.askedButUnserved(name)) {
                return new Unserved(p);
            }
        }
        Set<String> deskVendors = new LinkedHashSet<>();
        Set<String> masterVendors = new LinkedHashSet<>();
        Mac deskMac = null;
        Mac masterMac = null;
        for (VendorProfile p : profiles) {
            Optional<Mac> d = p.deskFile(name);
            if (d.isPresent()) {
                deskVendors.add(p.vendor());
                deskMac = deskMac == null ? d.get() : deskMac;
            }
            Optional<Mac> m = p.masterFile(name);
            if (m.isPresent()) {
                masterVendors.add(p.vendor());
                masterMac = masterMac == null ? m.get() : masterMac;
            }
        }
        if (deskMac == null && masterMac == null) {
            return new Unknown();
        }
        return new Desk(deskMac != null ? deskMac : masterMac, deskVendors, masterVendors);
    }
}
