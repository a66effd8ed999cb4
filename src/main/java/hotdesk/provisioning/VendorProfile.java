package hotdesk.provisioning;

import hotdesk.core.model.Mac;
import hotdesk.core.usecase.ProvisionDesk.DeskView;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What one phone vendor's configuration file must say, computed from the ledger's view of a desk and
 * the settings, and how that vendor's phones ask for it. Profiles compute every value (labels, accounts,
 * keys, offsets); templates only format them. Implementations are stateless, pure and thread-safe.
 */
public interface VendorProfile {

    /** The vendor name as devices carry it in the ledger, e.g. {@code yealink}; also the template folder. */
    String vendor();

    /**
     * The template file kind and its escaping: {@code cfg} ({@code key = value} lines) or {@code xml}
     * (entities; the file must stay well-formed whatever a value holds).
     */
    String fileKind();

    /** The MAC when {@code fileName} is the per-desk file this vendor's phones request (e.g. {@code <mac>.cfg}). */
    Optional<Mac> deskFile(String fileName);

    /**
     * The MAC when {@code fileName} is a per-phone file answered with this vendor's common master file
     * (Polycom asks for {@code <mac>.cfg} before {@code 000000000000.cfg}). Empty by default.
     */
    default Optional<Mac> masterFile(String fileName) {
        return Optional.empty();
    }

    /**
     * The template name ({@code <vendor>/<name>.<kind>.vm}) of a common file with this name, which holds no
     * desk's data and is served to any allowed address: Polycom's {@code 000000000000.cfg} → {@code master}.
     */
    default Optional<String> commonFile(String fileName) {
        return Optional.empty();
    }

    /**
     * Whether the phones of this vendor ask for this name on their own although hotdesk serves nothing under
     * it (Grandstream's binary {@code cfg<mac>} before {@code cfg<mac>.xml}): answered with the usual 404 but
     * neither audited nor counted as a refusal, so a booting phone does not look like a scanner. Such a
     * name is answered the same for every MAC, known or not. False by default.
     */
    default boolean askedButUnserved(String fileName) {
        return false;
    }

    /**
     * Whether the phones put their own MAC into the User-Agent of a fetch, so that
     * {@code provisioning.require-ua-mac} can hold for them.
     */
    boolean userAgentCarriesMac();

    /** The SIP NOTIFY Event that makes such a phone fetch its file again: the default of {@code notify.event.<vendor>}. */
    String checkSyncEvent();

    /** The file's media type, e.g. {@code text/plain; charset=utf-8}. */
    default String contentType() {
        return fileKind().equals("xml") ? "application/xml; charset=utf-8" : "text/plain; charset=utf-8";
    }

    /**
     * The template model for the desk: the variables a template of this vendor gets.
     *
     * @param now the instant of the fetch (for values that depend on time, like the zone's offset)
     */
    Map<String, Object> model(DeskView desk, ProvisioningSettings settings, Instant now);

    /** The template model of a common file: settings only, never a desk's data. */
    default Map<String, Object> commonModel(ProvisioningSettings settings) {
        return Map.of();
    }

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
