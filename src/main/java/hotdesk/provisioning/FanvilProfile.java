package hotdesk.provisioning;

import hotdesk.core.model.Mac;
import hotdesk.core.usecase.ProvisionDesk.DeskView;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fanvil X-U series: {@code <mac>.cfg} in the nested XML format {@code <sysConf>} (bundled {@code fanvil/mac.xml.vm}),
 * or, chosen per model or per phone, the older flat {@code <VOIP_CONFIG_FILE>} format (bundled
 * {@code fanvil/voip-config-file.xml.vm}, see templates/README.md). Both read the same values.
 *
 * <p>The User-Agent carries the MAC ({@code Fanvil X4U 2.4.1.6 0c383e0f0ba6}); re-fetch on NOTIFY
 * {@code check-sync}. Time zone is in quarter hours ({@code TimeZone} 4 = UTC+1) with the daylight-saving
 * rule by month, week (-1 the last) and weekday (0 Sunday to 6 Saturday).
 *
 * <p>Keys ({@code <dsskey>}, {@code <Fkey index>} in {@code <dssSide index="1">}; {@code Fkey}N in
 * {@code <Function_Key>}): the desk's line keys are type 2 with {@code SIP<n>}; the logout key (after them) is type 1
 * with {@code <code>@1/f} (speed dial); BLF is type 1 with {@code <ext>@1/ba}; idle keys are type 0.
 * Transport: 0 UDP, 1 TCP, 3 TLS. None of these names is confirmed in a Fanvil document (templates/README.md,
 * "Sources"). Stateless and thread-safe.
 */
public final class FanvilProfile implements VendorProfile {

    static final int NONE = 0;
    static final int MEMORY = 1;
    static final int LINE = 2;

    private static final MacFileName DESK_FILE = new MacFileName("", ".cfg");

    /** One key: {@code <Fkey index>} in {@code <sysConf>}, {@code Fkey}N of {@code <Function_Key>} in the older format. */
    public record FunctionKey(int id, int type, String value, String title) {
    }

    /**
     * Fanvil's zone: quarter hours, a name like {@code UTC+01}, and the daylight-saving changes with the weekday
     * counted from Sunday = 0 (null without daylight saving).
     */
    public record Zone(int quarters, String name, Change start, Change end) {
    }

    /**
     * One daylight-saving change as Fanvil writes it.
     *
     * @param week  1 to 4, or -1 for the last such weekday of the month
     * @param wday  0 Sunday to 6 Saturday
     */
    public record Change(int month, int week, int wday, int hour, int minute) {
        static Change of(DeskModel.Change c) {
            return new Change(c.month(), c.last() ? -1 : c.week(), c.sundayFirstDay() - 1, c.hour(), c.minute());
        }
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
        return DESK_FILE.match(fileName);
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
        @SuppressWarnings("unchecked")
        List<DeskModel.Account> accounts = (List<DeskModel.Account>) m.get("accounts");
        m.put("lineKeys", accounts.stream().map(a -> new FunctionKey(a.index(), LINE, "SIP" + a.index(), "")).toList());
        DeskModel.Time t = (DeskModel.Time) m.get("time");
        int hours = t.offsetSeconds() / 3600;
        m.put("zone", new Zone(t.offsetSeconds() / 900, "UTC" + (t.offsetSeconds() < 0 ? "-" : "+")
                + String.format("%02d", Math.abs(hours)), t.dst() ? Change.of(t.start()) : null,
                t.dst() ? Change.of(t.end()) : null));
        m.put("transport", switch (settings.sipTransport()) {
            case "tcp" -> 1;
            case "tls" -> 3;
            default -> 0;
        });
        return m;
    }
}
