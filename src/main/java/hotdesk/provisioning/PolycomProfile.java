package hotdesk.provisioning;

import hotdesk.core.model.Mac;
import hotdesk.core.usecase.ProvisionDesk.DeskView;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Polycom (Poly) VVX phones on UC Software: XML files whose attributes are the parameters.
 *
 * <p>Files: the phone asks for {@code <mac>.cfg}, then the common master {@code 000000000000.cfg}; both are
 * answered with the master file ({@code polycom/master.xml.vm}) whose {@code CONFIG_FILES} names
 * {@code [PHONE_MAC_ADDRESS]-hotdesk.cfg}, the per-desk file ({@code polycom/mac.xml.vm}). UC Software's
 * User-Agent ({@code FileTransport PolycomVVX-VVX_411-UA/5.9.0.9373 Type/Application}) carries no MAC, so
 * with {@code provisioning.require-ua-mac} a Polycom's desk file is refused. Re-fetch on NOTIFY
 * {@code check-sync}; the file sets {@code voIpProt.SIP.specialEvent.checkSync.alwaysReboot="0"} so the
 * phone restarts only when a file changed.
 *
 * <p>Keys: the logout key is line key N+1 (after the desk's lines) of category {@code EFK}, running enhanced
 * feature key 1 ({@code <code>$Tinvite$}); idle it is {@code Unassigned}. BLF keys are category {@code BLF}.
 * Stateless and thread-safe.
 */
public final class PolycomProfile implements VendorProfile {

    /** Line key categories. */
    static final String EFK = "EFK";
    static final String BLF = "BLF";
    static final String UNASSIGNED = "Unassigned";

    private static final MacFileName DESK_FILE = new MacFileName("", "-hotdesk.cfg");
    /** {@code <mac>.cfg} of any MAC but twelve zeros (that name is the common master file). */
    private static final MacFileName MASTER_FILE = new MacFileName("", ".cfg");
    private static final Mac NO_MAC = new Mac("000000000000");
    static final String COMMON_MASTER = "000000000000.cfg";

    /** One line key: {@code lineKey.<index>.category} and {@code .index}. */
    public record LineKey(int index, String category, int efk, String label, String action) {
    }

    /**
     * One key after the logout key: category {@code BLF} with {@code ref} the attendant resource list entry
     * ({@code attendant.resourceList.<ref>.address}, {@code .label}), {@code EFK} with {@code ref} the enhanced
     * feature key ({@code efk.efklist.<ref>}, action {@code <number>$Tinvite$}) for a speed dial, or
     * {@code Unassigned}.
     */
    public record UserKey(int index, String category, int ref, String label, String value) {
    }

    /** Every key after the logout key: the occupant's keys in order, the rest unassigned. */
    static List<UserKey> userKeys(hotdesk.core.policy.KeyLayout layout) {
        List<UserKey> keys = new java.util.ArrayList<>();
        int resource = 0;
        int efk = 1; // enhanced feature key 1 is the logout key's
        for (int i = layout.firstKey(); i <= layout.lastKey(); i++) {
            java.util.Optional<hotdesk.core.model.UserKey> k = layout.at(i);
            if (k.isEmpty()) {
                keys.add(new UserKey(i, UNASSIGNED, 0, "", ""));
            } else if (k.get().type() == hotdesk.core.model.UserKey.Type.BLF) {
                keys.add(new UserKey(i, BLF, ++resource, k.get().shownLabel(), k.get().value()));
            } else {
                keys.add(new UserKey(i, EFK, ++efk, k.get().shownLabel(), k.get().value() + "$Tinvite$"));
            }
        }
        return List.copyOf(keys);
    }

    @Override
    public String vendor() {
        return "polycom";
    }

    @Override
    public String fileKind() {
        return "xml";
    }

    @Override
    public Optional<Mac> deskFile(String fileName) {
        return DESK_FILE.match(fileName);
    }

    @Override
    public Optional<Mac> masterFile(String fileName) {
        return MASTER_FILE.match(fileName).filter(m -> !m.equals(NO_MAC));
    }

    @Override
    public Optional<String> commonFile(String fileName) {
        return COMMON_MASTER.equals(fileName) ? Optional.of("master") : Optional.empty();
    }

    @Override
    public boolean userAgentCarriesMac() {
        return false;
    }

    @Override
    public String checkSyncEvent() {
        return "check-sync";
    }

    @Override
    public Map<String, Object> model(DeskView desk, ProvisioningSettings settings, Instant now) {
        Map<String, Object> m = DeskModel.common(desk, settings, now);
        boolean occupied = (boolean) m.get("occupied");
        int key = DeskModel.firstFreeKey(m);
        m.put("logoutKey", occupied ? new LineKey(key, EFK, 1, "Logout", settings.logoutCode() + "$Tinvite$")
                : new LineKey(key, UNASSIGNED, 0, "", ""));
        m.put("userKeys", userKeys(DeskModel.keyLayout(desk)));
        m.put("transport", switch (settings.sipTransport()) {
            case "tcp" -> "TCPOnly";
            case "tls" -> "TLS";
            default -> "UDPOnly";
        });
        return m;
    }
}
