package hotdesk.provisioning;

import hotdesk.core.model.Device;
import hotdesk.core.usecase.ProvisionDesk.DeskView;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Yealink T4x/T5x desk phones ({@code <mac>.cfg} files, {@code key = value} lines).
 *
 * <p>Each desk line becomes SIP account N (N = the line's port) registered as the desk's own endpoint
 * {@code hd-<mac>} with the line secret; the label shows the device label while idle and
 * {@code "<name> <extension>"} while occupied. The line key after the accounts is a speed dial
 * (Yealink DSS type 13) to the logout code while the desk is occupied, and is cleared (type 0) while
 * idle: Yealink applies files incrementally, so a key left out would keep its old meaning.
 *
 * <p>With {@code provisioning.yealink-hotdesk-key} the key is the phone's own hot-desking key (DSS type 34)
 * while the desk is idle. {@code #} is not the send key ({@code features.key_as_send = 0}) so that every
 * feature code can be dialled as documented ({@code 00#} + code + {@code #} would otherwise dial {@code 00});
 * codes that are complete when their last key is pressed are dial-now rules instead.
 *
 * <p>Files: {@code <mac>.cfg} (the MAC in any case); the common {@code y0000000000xx.cfg} is answered by the
 * server with just the version line. The User-Agent carries the MAC with colons
 * ({@code Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ab}); re-fetch on NOTIFY {@code check-sync;reboot=false}.
 *
 * <p>Template variables: {@code device} ({@link DeviceInfo}), {@code accounts} (list of
 * {@link Account}), {@code sip} ({@link Sip}), {@code time} ({@link Time}), {@code logoutKey}
 * ({@link LineKey}), {@code userKeys} (list of {@link LineKey}: every key after the logout key, the occupant's
 * own keys first and the rest cleared), {@code occupied} (boolean), {@code keyAsSend} (0), {@code dialNow} (list of patterns),
 * {@code transport} (0 UDP, 1 TCP, 2 TLS). Stateless and thread-safe.
 */
public final class YealinkProfile implements VendorProfile {

    /** Yealink DSS key type "Speed Dial". */
    static final int SPEED_DIAL = 13;
    /** Yealink DSS key type "N/A": clears the key. */
    static final int NO_KEY = 0;
    /** Yealink DSS key type "BLF". */
    static final int BLF = 16;
    /** Yealink DSS key type "Hot Desking": the phone's own hot-desking dialog. */
    static final int HOT_DESKING = 34;

    private static final MacFileName DESK_FILE = new MacFileName("", ".cfg");

    /** @param mac 12 lower-case hex digits; {@code display} the colon form */
    public record DeviceInfo(String mac, String display, String model, String label, String site) {
    }

    /** @param expires registration interval in seconds */
    public record Sip(String server, int port, long expires) {
    }

    /**
     * @param ntpServer   time server
     * @param zoneId      IANA zone id as configured
     * @param offset      Yealink {@code local_time.time_zone}: standard offset from UTC in hours, e.g.
     *                    {@code +1}, {@code -5}, {@code +5:30}
     * @param summerTime  Yealink {@code local_time.summer_time}: 2 (automatic) when the zone has daylight
     *                    saving rules, 0 when it has none
     */
    public record Time(String ntpServer, String zoneId, String offset, int summerTime) {
    }

    /** One programmable line key: Yealink {@code linekey.<index>.*}. */
    public record LineKey(int index, int type, int line, String value, String label) {
    }

    @Override
    public String vendor() {
        return "yealink";
    }

    @Override
    public String fileKind() {
        return "cfg";
    }

    @Override
    public java.util.Optional<hotdesk.core.model.Mac> deskFile(String fileName) {
        return DESK_FILE.match(fileName);
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
        Device d = desk.device();
        List<DeskModel.Account> accounts = DeskModel.accounts(desk);
        boolean occupied = accounts.stream().anyMatch(a -> !a.occupant().isEmpty());
        int keyIndex = accounts.stream().mapToInt(DeskModel.Account::index).max().orElse(0) + 1;
        LineKey logout = occupied
                ? new LineKey(keyIndex, SPEED_DIAL, 1, settings.logoutCode(), "Logout")
                : settings.yealinkHotdeskKey() ? new LineKey(keyIndex, HOT_DESKING, 1, "", "Hot Desk")
                : new LineKey(keyIndex, NO_KEY, 1, "", "");

        Map<String, Object> model = new LinkedHashMap<>();
        model.put("device", new DeviceInfo(d.mac().value(), d.mac().display(), d.model(), d.label(), d.site()));
        model.put("accounts", List.copyOf(accounts));
        model.put("sip", new Sip(settings.sipServer(), settings.sipPort(), settings.registrationExpiry().toSeconds()));
        model.put("time", time(settings, now));
        model.put("logoutKey", logout);
        model.put("userKeys", userKeys(DeskModel.keyLayout(desk)));
        model.put("occupied", occupied);
        model.put("keyAsSend", 0);
        model.put("dialNow", settings.dialCodes().dialNowPatterns());
        model.put("transport", ProvisioningSettings.TRANSPORTS.indexOf(settings.sipTransport()));
        return model;
    }

    /**
     * Every line key after the logout key up to the model's last: the occupant's keys in order (BLF type 16,
     * speed dial type 13, on account 1), every other one cleared (type 0), since Yealink keeps what a file
     * leaves out.
     */
    static List<LineKey> userKeys(hotdesk.core.policy.KeyLayout layout) {
        List<LineKey> keys = new java.util.ArrayList<>();
        for (int i = layout.firstKey(); i <= layout.lastKey(); i++) {
            keys.add(layout.at(i).map(k -> new LineKey(0, k.type() == hotdesk.core.model.UserKey.Type.BLF ? BLF : SPEED_DIAL, 1,
                    k.value(), k.shownLabel())).orElse(new LineKey(0, NO_KEY, 1, "", "")));
            LineKey k = keys.get(keys.size() - 1);
            keys.set(keys.size() - 1, new LineKey(i, k.type(), k.line(), k.value(), k.label()));
        }
        return List.copyOf(keys);
    }

    /** Only the time settings depend on the instant. */
    @Override
    public Object clockDependent(ProvisioningSettings settings, Instant now) {
        return time(settings, now);
    }

    static Time time(ProvisioningSettings settings, Instant now) {
        ZoneId zone = settings.zone();
        ZoneRules rules = zone.getRules();
        boolean dst = !rules.isFixedOffset()
                && (rules.nextTransition(now) != null || !rules.getTransitionRules().isEmpty());
        return new Time(settings.ntpServer(), zone.getId(), yealinkOffset(rules.getStandardOffset(now)), dst ? 2 : 0);
    }

    /** {@code +1}, {@code -5}, {@code +5:30}, {@code 0}. */
    static String yealinkOffset(ZoneOffset offset) {
        int seconds = offset.getTotalSeconds();
        if (seconds == 0) {
            return "0";
        }
        int abs = Math.abs(seconds);
        String sign = seconds < 0 ? "-" : "+";
        int hours = abs / 3600;
        int minutes = abs % 3600 / 60;
        return sign + hours + (minutes == 0 ? "" : ":" + String.format("%02d", minutes));
    }
}
