package hotdesk.provisioning;

import hotdesk.core.model.Mac;
import hotdesk.core.usecase.ProvisionDesk.DeskView;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Snom D series: XML settings ({@code <settings><phone-settings>…<functionKeys>}).
 *
 * <p>Files: {@code <MAC>.xml} (the setting URL {@code http://host:port/provision/{mac}.xml}) and
 * {@code snom<model>-<MAC>.htm}. The User-Agent carries the MAC in upper case without separators
 * ({@code Mozilla/4.0 (compatible; snomD785-SIP 10.1.54.13 … 000413A1B2C3)}); re-fetch on NOTIFY
 * {@code check-sync;reboot=false}.
 *
 * <p>Function keys: the logout key is {@code fkey idx} N (after the desk's lines, 0-based) with
 * {@code speed <code>}; BLF is {@code blf <sip:ext@server>}; idle it is {@code none}. Stateless and thread-safe.
 */
public final class SnomProfile implements VendorProfile {

    static final String SPEED = "speed";
    static final String BLF = "blf";
    static final String NONE = "none";

    private static final MacFileName DESK_FILE = new MacFileName("", ".xml");
    private static final Pattern HTM_FILE = Pattern.compile("snom[A-Za-z0-9]{1,20}-(?<mac>[0-9A-Fa-f]{12})\\.htm");

    /** One function key: {@code <fkey idx=… label=…>type value</fkey>}. */
    public record FunctionKey(int idx, String label, String action) {
    }

    /**
     * Every function key after the logout key ({@code idx} 0-based): {@code speed <number>},
     * {@code blf <sip:<ext>@<server>>}, or {@code none}.
     */
    static List<FunctionKey> userKeys(hotdesk.core.policy.KeyLayout layout, String server) {
        List<FunctionKey> keys = new java.util.ArrayList<>();
        for (int i = layout.firstKey(); i <= layout.lastKey(); i++) {
            keys.add(layout.at(i).map(k -> k.type() == hotdesk.core.model.UserKey.Type.BLF
                            ? new FunctionKey(0, k.shownLabel(), BLF + " <sip:" + k.value() + "@" + server + ">")
                            : new FunctionKey(0, k.shownLabel(), SPEED + " " + k.value()))
                    .orElse(new FunctionKey(0, "", NONE)));
            FunctionKey f = keys.get(keys.size() - 1);
            keys.set(keys.size() - 1, new FunctionKey(i - 1, f.label(), f.action()));
        }
        return List.copyOf(keys);
    }

    @Override
    public String vendor() {
        return "snom";
    }

    @Override
    public String fileKind() {
        return "xml";
    }

    @Override
    public Optional<Mac> deskFile(String fileName) {
        Optional<Mac> xml = DESK_FILE.match(fileName);
        if (xml.isPresent() || !fileName.startsWith("snom") || !fileName.endsWith(".htm")) {
            return xml;
        }
        java.util.regex.Matcher htm = HTM_FILE.matcher(fileName);
        return htm.matches() ? Optional.of(Mac.parse(htm.group("mac"))) : Optional.empty();
    }

    @Override
    public boolean userAgentCarriesMac() {
        return true;
    }

    @Override
    public String checkSyncEvent() {
        return "check-sync;reboot=false";
    }

    @Override
    public Map<String, Object> model(DeskView desk, ProvisioningSettings settings, Instant now) {
        Map<String, Object> m = DeskModel.common(desk, settings, now);
        boolean occupied = (boolean) m.get("occupied");
        int idx = DeskModel.firstFreeKey(m) - 1;
        m.put("logoutKey", occupied ? new FunctionKey(idx, "Logout", SPEED + " " + settings.logoutCode())
                : new FunctionKey(idx, "", NONE));
        m.put("userKeys", userKeys(DeskModel.keyLayout(desk), settings.sipServer()));
        return m;
    }
}
