package hotdesk.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The phone and gateway models hotdesk provisions, per vendor, with what a profile needs to know of each:
 * how many SIP accounts it holds, how many programmable line keys it has, and how many desk lines it is
 * (1 for a desk phone, one per FXS port for an analog gateway). A model that is not in the list is not
 * eligible for provisioning: {@code device add} refuses it and names the models that are.
 *
 * <p>Counts come from the vendors' administrator guides and data sheets (see templates/README.md); for
 * phones with paged keys the line keys are the keys of all pages. Immutable and thread-safe.
 */
public final class PhoneModels {

    /** What a model is: a desk phone (one desk line) or an analog gateway (one desk line per port). */
    public enum Kind { PHONE, GATEWAY }

    /**
     * One supported model.
     *
     * @param vendor   provisioning profile, e.g. {@code yealink}
     * @param name     model name as admins write it, e.g. {@code T54W}
     * @param kind     phone or gateway
     * @param accounts SIP accounts the model holds
     * @param lineKeys programmable line keys (0 for a gateway)
     * @param ports    desk lines the device is: 1 for a phone, its FXS ports for a gateway
     */
    public record Model(String vendor, String name, Kind kind, int accounts, int lineKeys, int ports) {
        public Model {
            if (accounts < 1 || lineKeys < 0 || ports < 1 || ports > accounts) {
                throw new IllegalArgumentException("model " + name + ": bad counts");
            }
        }

        /** {@code T54W (16 accounts, 27 line keys)} or {@code HT814 (gateway, 4 ports)}. */
        public String describe() {
            return kind == Kind.GATEWAY ? name + " (gateway, " + ports + " ports)"
                    : name + " (" + accounts + " accounts, " + lineKeys + " line keys)";
        }
    }

    private static final PhoneModels BUNDLED = new PhoneModels(List.of(
            // Yealink: line keys per the Yealink administrator guides' DSS key tables
            phone("yealink", "T31P", 2, 2), phone("yealink", "T33G", 4, 4),
            phone("yealink", "T41S", 6, 15), phone("yealink", "T42S", 12, 15), phone("yealink", "T42U", 12, 15),
            phone("yealink", "T43U", 12, 21), phone("yealink", "T46S", 16, 27), phone("yealink", "T46U", 16, 27),
            phone("yealink", "T48S", 16, 29), phone("yealink", "T48U", 16, 29), phone("yealink", "T53W", 12, 21),
            phone("yealink", "T54W", 16, 27), phone("yealink", "T57W", 16, 29), phone("yealink", "W70B", 10, 0),
            // Polycom (Poly) VVX on UC Software
            phone("polycom", "VVX150", 2, 2), phone("polycom", "VVX250", 4, 4), phone("polycom", "VVX350", 6, 6),
            phone("polycom", "VVX450", 12, 12), phone("polycom", "VVX311", 6, 6), phone("polycom", "VVX411", 12, 12),
            phone("polycom", "VVX501", 12, 12), phone("polycom", "VVX601", 16, 16),
            // Grandstream desk phones (line keys: multi-purpose keys) and HT8xx analog gateways
            phone("grandstream", "GXP2130", 3, 8), phone("grandstream", "GXP2135", 8, 32),
            phone("grandstream", "GXP2140", 4, 4), phone("grandstream", "GXP2160", 6, 24),
            phone("grandstream", "GXP2170", 12, 48),
            gateway("grandstream", "HT802", 2), gateway("grandstream", "HT812", 2),
            gateway("grandstream", "HT814", 4), gateway("grandstream", "HT818", 8),
            // Snom D series
            phone("snom", "D315", 4, 4), phone("snom", "D345", 12, 12), phone("snom", "D385", 12, 18),
            phone("snom", "D715", 4, 5), phone("snom", "D735", 12, 8), phone("snom", "D765", 12, 16),
            phone("snom", "D785", 12, 24),
            // Fanvil X series
            phone("fanvil", "X3U", 6, 3), phone("fanvil", "X4U", 12, 12), phone("fanvil", "X5U", 16, 30),
            phone("fanvil", "X6U", 20, 60), phone("fanvil", "X7", 20, 30),
            // Cisco IP phones with multiplatform (MPP) firmware
            phone("cisco", "6821", 2, 2), phone("cisco", "6841", 4, 4), phone("cisco", "6851", 4, 4),
            phone("cisco", "7821", 2, 2), phone("cisco", "7841", 4, 4), phone("cisco", "7861", 16, 16),
            phone("cisco", "8811", 10, 10), phone("cisco", "8841", 10, 10), phone("cisco", "8851", 10, 10),
            phone("cisco", "8861", 10, 10), phone("cisco", "8845", 10, 10), phone("cisco", "8865", 10, 10)));

    private final Map<String, List<Model>> byVendor;

    /** @param models the supported models; names must be unique per vendor (case-insensitively) */
    public PhoneModels(List<Model> models) {
        Map<String, List<Model>> m = new LinkedHashMap<>();
        for (Model model : models) {
            List<Model> list = m.computeIfAbsent(model.vendor(), v -> new ArrayList<>());
            if (list.stream().anyMatch(x -> x.name().equalsIgnoreCase(model.name()))) {
                throw new IllegalArgumentException("model " + model.name() + " is listed twice for " + model.vendor());
            }
            list.add(model);
        }
        m.replaceAll((v, l) -> List.copyOf(l));
        this.byVendor = Collections.unmodifiableMap(m);
    }

    /** The models hotdesk ships with. */
    public static PhoneModels bundled() {
        return BUNDLED;
    }

    /** Vendors with at least one model, sorted. */
    public Set<String> vendors() {
        return Collections.unmodifiableSet(new TreeSet<>(byVendor.keySet()));
    }

    /** The vendor's models in list order; empty for a vendor without any. */
    public List<Model> of(String vendor) {
        return byVendor.getOrDefault(vendor == null ? "" : vendor.toLowerCase(Locale.ROOT), List.of());
    }

    /** The model of that vendor whose name matches case-insensitively. */
    public Optional<Model> find(String vendor, String name) {
        return of(vendor).stream().filter(m -> m.name().equalsIgnoreCase(name == null ? "" : name.strip())).findFirst();
    }

    /**
     * The refusal for a model that is not in the list, naming the vendor's supported models (3CX words it
     * "not in the list … not eligible").
     */
    public String notEligible(String vendor, String name) {
        List<String> names = of(vendor).stream().map(Model::name).toList();
        return "model '" + name + "' is not in the list of supported " + vendor + " models and is not eligible "
                + "for provisioning; supported: " + (names.isEmpty() ? "none" : String.join(", ", names))
                + " (hotdesk device models --vendor " + vendor + ")";
    }

    private static Model phone(String vendor, String name, int accounts, int lineKeys) {
        return new Model(vendor, name, Kind.PHONE, accounts, lineKeys, 1);
    }

    private static Model gateway(String vendor, String name, int ports) {
        return new Model(vendor, name, Kind.GATEWAY, ports, 0, ports);
    }
}
