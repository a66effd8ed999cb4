package hotdesk.provisioning;

import hotdesk.core.model.Mac;
import hotdesk.core.usecase.ProvisionDesk.DeskView;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Fanvil X series: {@code <mac>.cfg} in the XML-style {@code <VOIP_CONFIG_FILE>} format (version 2).
 *
 * <p>The User-Agent carries the MAC ({@code Fanvil X4U 2.4.1.6 0c383e0f0ba6}); re-fetch on NOTIFY
 * {@code check-sync}. Time zone is in quarter hours ({@code Time_Zone} 4 = UTC+1) with the daylight-saving
 * rule by month, week and weekday.
 *
 * <p>Function keys: the logout key is {@code Fkey}N (after the desk's lines) of type 1 with value
 * {@code <code>@<line>/f} (speed dial); BLF is type 1 with {@code <ext>@<line>/ba}; idle it is type 0.
 * Transport: 0 UDP, 1 TCP, 3 TLS. Stateless and thread-safe.
 */
public final class FanvilProfile implements VendorProfile {

    static final int NONE = 0;
    static final int MEMORY = 1;

    private static final Pattern DESK_FILE = Pattern.compile("(?<mac>[0-9A-Fa-f]{12})\\.cfg");

    /** One function key of {@code <Function_Key>}. */
    public record FunctionKey(int id, int type, String value, String title) {
    }

    /** Fanvil's zone: quarter hours and a name like {@code UTC+01}. */
    public record Zone(int quarters, String name) {
    }

    /**
     * Every function key after the logout key: type 1 (memory key) with {@code <number>@1/f} (speed dial) or
     * {@code <ext>@1/ba} (BLF), or type 0.
     */
    static List<FunctionKey> userKeys(hotdesk.core.policy.KeyLayout layout) {
        List<FunctionKey> keys = new java.util.ArrayList<>();
        for (int i = layout.firstKey(); i <= layout.lastKey(); i++) {
            int id = i;
            keys.add(layout.at(i).map(k -> new FunctionKey(id, MEMORY, k.value() + "@1/"
                    + (k.type() == hotdesk.core.model.UserKey.Type.BLF ? "ba" : "f"), k.shownLabel()))
                    .orElse(new FunctionKey(id, NONE, "", "")));
        }
        return List.copyOf(keys);
    }

    @Override
    public String vendor() {
        return "fanvil";
    }

    @Override
    public String fileKind() {
        return "xml";
    }

    @Override
    public Optional<Mac> deskFile(String fileName) {
        return DeskModel.mac(DESK_FILE, fileName);
    }

    @Override
    public boolean userAgentCarriesMac() {
        return true;
    }

    @Override
    public String checkSyncEvent() {
        return "check-sync";
    }

    @Override
    public String contentType() {
        return "text/plain; charset=utf-8";
    }

    @Override
    public Map<String, Object> model(DeskView desk, ProvisioningSettings settings, Instant now) {
        Map<String, Object> m = DeskModel.common(desk, settings, now);
        boolean occupied = (boolean) m.get("occupied");
        int id = DeskModel.firstFreeKey(m);
        m.put("logoutKey", occupied ? new FunctionKey(id, MEMORY, settings.logoutCode() + "@1/f", "Logout")
                : new FunctionKey(id, NONE, "", ""));
        m.put("userKeys", userKeys(DeskModel.keyLayout(desk)));
        DeskModel.Time t = (DeskModel.Time) m.get("time");
        int hours = t.offsetSeconds() / 3600;
        m.put("zone", new Zone(t.offsetSeconds() / 900, "UTC" + (t.offsetSeconds() < 0 ? "-" : "+")
                + String.format("%02d", Math.abs(hours))));
        m.put("transport", switch (settings.sipTransport()) {
            case "tcp" -> 1;
            case "tls" -> 3;
            default -> 0;
        });
        return m;
    }
}
