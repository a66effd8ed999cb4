package hotdesk.provisioning;

import hotdesk.core.usecase.ProvisionDesk.DeskView;

import java.time.Instant;
import java.util.Map;

/**
 * What one phone vendor's configuration file must say, computed from the ledger's view of a desk and
 * the settings. Profiles compute every value (labels, accounts, keys, offsets); templates only format
 * them. Implementations are stateless, pure and thread-safe.
 */
public interface VendorProfile {

    /** The vendor name as devices carry it in the ledger, e.g. {@code yealink}; also the template folder. */
    String vendor();

    /** The template file kind and escaping this profile renders, e.g. {@code cfg}. */
    String fileKind();

    /**
     * The template model for the desk: the variables a template of this vendor gets.
     *
     * @param now the instant of the fetch (for values that depend on time, like the zone's offset)
     */
    Map<String, Object> model(DeskView desk, ProvisioningSettings settings, Instant now);

    /**
     * The part of {@link #model} that depends on the instant rather than on the desk and the settings
     * (Yealink: the zone's offset and daylight saving flag). A file rendered at another instant may be
     * served again while this part is equal and the desk's view and template are the same. The default,
     * the instant itself, is never equal: such a profile's files are made afresh every time they are
     * checked.
     */
    default Object clockDependent(ProvisioningSettings settings, Instant now) {
        return now;
    }
}
