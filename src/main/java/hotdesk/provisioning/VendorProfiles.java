package hotdesk.provisioning;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The bundled vendor profiles, by vendor name. Immutable and thread-safe. */
public final class VendorProfiles {

    private static final List<VendorProfile> ALL = List.of(new YealinkProfile(), new PolycomProfile(),
            new GrandstreamProfile(), new SnomProfile(), new FanvilProfile(), new CiscoProfile());
    private static final Map<String, VendorProfile> BY_VENDOR = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(VendorProfile::vendor, Function.identity()));

    private VendorProfiles() {
    }

    /** Every bundled profile, Yealink first. */
    public static List<VendorProfile> all() {
        return ALL;
    }

    /** The vendor names with a profile. */
    public static Set<String> vendors() {
        return BY_VENDOR.keySet();
    }

    /** The vendor → NOTIFY event each profile documents (the defaults of {@code notify.event.<vendor>}). */
    public static Map<String, String> checkSyncEvents() {
        return ALL.stream().collect(Collectors.toUnmodifiableMap(VendorProfile::vendor, VendorProfile::checkSyncEvent));
    }

    static Map<String, VendorProfile> byVendor() {
        return BY_VENDOR;
    }
}
