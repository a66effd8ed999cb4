package hotdesk.provisioning;

import hotdesk.core.model.Mac;
import hotdesk.core.usecase.ProvisionDesk.DeskView;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cisco IP phones with multiplatform firmware (MPP, "3PCC"): an XML {@code <flat-profile>}.
 *
 * <p>Files: {@code <mac>.xml} (Profile_Rule {@code http://host:port/provision/$MA.xml}). The User-Agent
 * carries the MAC ({@code Cisco-CP-8841-3PCC/11.0 (00562b043615)}); re-fetch on NOTIFY {@code resync}
 * (Resync_From_SIP must stay Yes, its default).
 *
 * <p>Line keys: the logout key is line key N (after the desk's lines) with {@code Extension_N_ = Disabled}
 * and {@code Extended_Function_N_ = fnc=sd;ext=<code>@$PROXY;nme=Logout}; BLF is
 * {@code fnc=blf+sd+cp;sub=<ext>@$PROXY;ext=<ext>@$PROXY} (sub: where the SUBSCRIBE goes; ext: the line watched
 * and dialled by the key's speed dial, as Cisco's MPP guides write it);
 * idle the function is empty. Time zone {@code GMT+01:00} with the rule
 * {@code start=3/-1/7/02:00:00;end=10/-1/7/03:00:00;save=1}. Stateless and thread-safe.
 */
public final class CiscoProfile implements VendorProfile {

    static final String SPEED_DIAL = "sd";
    static final String BLF = "blf+sd+cp";

    private static final MacFileName DESK_FILE = new MacFileName("", ".xml");

    /** One line key used as a function key. */
    public record LineKey(int index, String function, String label) {
    }

    /**
     * Every line key after the logout key, each {@code Extension_N_ = Disabled}: {@code fnc=sd;ext=<number>@$PROXY;nme=<label>},
     * {@code fnc=blf+sd+cp;sub=<ext>@$PROXY;ext=<ext>@$PROXY;nme=<label>}, or an empty function.
     */
    static List<LineKey> userKeys(hotdesk.core.policy.KeyLayout layout) {
        List<LineKey> keys = new java.util.ArrayList<>();
        for (int i = layout.firstKey(); i <= layout.lastKey(); i++) {
            int index = i;
            keys.add(layout.at(i).map(k -> new LineKey(index, k.type() == hotdesk.core.model.UserKey.Type.BLF
                    ? "fnc=" + BLF + ";sub=" + k.value() + "@$PROXY;ext=" + k.value() + "@$PROXY;nme=" + k.shownLabel()
                    : "fnc=" + SPEED_DIAL + ";ext=" + k.value() + "@$PROXY;nme=" + k.shownLabel(), k.shownLabel()))
                    .orElse(new LineKey(index, "", "")));
        }
        return List.copyOf(keys);
    }

    @Override
    public String vendor() {
        return "cisco";
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
    public boolean userAgentCarriesMac() {
        return true;
    }

    @Override
    public String checkSyncEvent() {
        return "resync";
    }

    @Override
    public Map<String, Object> model(DeskView desk, ProvisioningSettings settings, Instant now) {
        Map<String, Object> m = DeskModel.common(desk, settings, now);
        boolean occupied = (boolean) m.get("occupied");
        int key = DeskModel.firstFreeKey(m);
        m.put("logoutKey", occupied
                ? new LineKey(key, "fnc=" + SPEED_DIAL + ";ext=" + settings.logoutCode() + "@$PROXY;nme=Logout", "Logout")
                : new LineKey(key, "", ""));
        m.put("userKeys", userKeys(DeskModel.keyLayout(desk)));
        DeskModel.Time t = (DeskModel.Time) m.get("time");
        m.put("timeZone", "GMT" + t.offsetHhMm());
        m.put("dstRule", t.dst() ? rule(t) : "");
        m.put("transport", settings.sipTransport().toUpperCase(java.util.Locale.ROOT));
        return m;
    }

    private static String rule(DeskModel.Time t) {
        int save = t.saveMinutes();
        return "start=" + change(t.start()) + ";end=" + change(t.end()) + ";save="
                + (save % 60 == 0 ? Integer.toString(save / 60) : save / 60 + ":" + String.format("%02d", save % 60));
    }

    private static String change(DeskModel.Change c) {
        int day = c.last() ? -1 : (c.week() - 1) * 7 + 1;
        // <month>/<day>/<weekday>/HH:mm:ss as Cisco documents the rule: weekday 1-7 is Monday-Sunday, a positive day
        // means that weekday on or after the date, -1 the last one of the month
        return c.month() + "/" + day + "/" + c.isoDay() + "/" + String.format("%02d:%02d:00", c.hour(), c.minute());
    }
}
