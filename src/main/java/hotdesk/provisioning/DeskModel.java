package hotdesk.provisioning;

import hotdesk.core.model.Device;
import hotdesk.core.model.PhoneModels;
import hotdesk.core.model.User;
import hotdesk.core.policy.KeyLayout;
import hotdesk.core.usecase.ProvisionDesk.DeskView;
import hotdesk.core.usecase.ProvisionDesk.LineView;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneOffsetTransitionRule;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every vendor's file says about a desk, computed once in vendor-neutral form: the device, one SIP
 * account per desk line, the SIP server, the time (zone offset and daylight-saving rule), whether the desk is
 * occupied, and the feature codes. The vendor profiles add their own key types and spellings. Pure.
 */
public final class DeskModel {

    private DeskModel() {
    }

    /** @param mac 12 lower-case hex digits; {@code display} the colon form */
    public record DeviceInfo(String mac, String display, String upperMac, String model, String label, String site) {
    }

    /**
     * One SIP account: desk line N (its port) is account N.
     *
     * @param occupant the occupant's extension, empty while idle
     */
    public record Account(int index, String label, String displayName, String authName, String userName, String password,
                   String occupant) {
        @Override
        public String toString() {
            return "Account[" + index + " " + userName + " ***]";
        }
    }

    /** @param transport {@code udp}, {@code tcp} or {@code tls}; {@code expires} in seconds */
    public record Sip(String server, int port, long expires, String transport) {
    }

    /**
     * A daylight-saving change in the form phones take it: the {@code week}-th (1..4, 5 = last)
     * {@code dayOfWeek} of {@code month}, at {@code hour}:{@code minute} local time before the change.
     *
     * @param sundayFirstDay day of week counted from Sunday = 1 (Polycom); {@code isoDay} from Monday = 1
     */
    public record Change(int month, int week, int isoDay, int sundayFirstDay, int hour, int minute, boolean last) {
    }

    /**
     * The zone as phones need it.
     *
     * @param offsetSeconds standard offset from UTC
     * @param dst           whether the zone has daylight saving now
     * @param saveMinutes   the daylight-saving shift, 0 without
     * @param start         when daylight saving starts (null without)
     * @param end           when it ends (null without)
     * @param posix         the POSIX TZ string, e.g. {@code STD-1DST-2,M3.5.0/02:00:00,M10.5.0/03:00:00}
     */
    public record Time(String ntpServer, String zoneId, int offsetSeconds, boolean dst, int saveMinutes, Change start,
                Change end, String posix) {

        /** {@code +01:00}, {@code -05:00}, {@code +05:30}. */
        public String offsetHhMm() {
            int abs = Math.abs(offsetSeconds);
            return (offsetSeconds < 0 ? "-" : "+") + String.format("%02d:%02d", abs / 3600, abs % 3600 / 60);
        }
    }

    /** The common part of every vendor's model. */
    static Map<String, Object> common(DeskView desk, ProvisioningSettings settings, Instant now) {
        Device d = desk.device();
        List<Account> accounts = accounts(desk);
        boolean occupied = accounts.stream().anyMatch(a -> !a.occupant().isEmpty());
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("device", device(d));
        model.put("accounts", List.copyOf(accounts));
        model.put("sip", sip(settings));
        model.put("time", time(settings, now));
        model.put("occupied", occupied);
        model.put("logoutCode", settings.logoutCode());
        return model;
    }

    /**
     * The SIP accounts of a desk's lines: idle, a line shows the device's label; occupied, the occupant's
     * name and extension (the caller ID name: their name).
     */
    static List<Account> accounts(DeskView desk) {
        Device d = desk.device();
        List<Account> accounts = new ArrayList<>();
        for (LineView l : desk.lines()) {
            String label = d.label();
            String displayName = d.label();
            String occupant = "";
            if (l.occupant().isPresent()) {
                User u = l.occupant().get();
                label = u.name() + " " + u.extension().value();
                displayName = u.name();
                occupant = u.extension().value();
            }
            accounts.add(new Account(l.line().port(), label, displayName, l.line().endpointId(),
                    l.line().endpointId(), l.line().secret(), occupant));
        }
        return List.copyOf(accounts);
    }

    static DeviceInfo device(Device d) {
        return new DeviceInfo(d.mac().value(), d.mac().display(), d.mac().value().toUpperCase(java.util.Locale.ROOT),
                d.model(), d.label(), d.site());
    }

    static Sip sip(ProvisioningSettings s) {
        return new Sip(s.sipServer(), s.sipPort(), s.registrationExpiry().toSeconds(), s.sipTransport());
    }

    /**
     * Where the occupant's own keys go on this desk ({@link KeyLayout}): after the desk's keys, within the
     * model's; an idle desk places none, but the layout still names every free key, so that a profile
     * clears the keys a former occupant had.
     */
    static KeyLayout keyLayout(DeskView desk) {
        List<hotdesk.core.model.UserKey> keys = desk.lines().stream().filter(l -> l.occupant().isPresent()).findFirst()
                .map(LineView::keys).orElse(List.of());
        return KeyLayout.of(PhoneModels.bundled().find(desk.device().vendor(), desk.device().model()), desk.lines().size(), keys);
    }

    /** The first account index after the desk's accounts: where the logout key goes. */
    @SuppressWarnings("unchecked")
    static int firstFreeKey(Map<String, Object> common) {
        return ((List<Account>) common.get("accounts")).stream().mapToInt(Account::index).max().orElse(0) + 1;
    }

    static Time time(ProvisioningSettings settings, Instant now) {
        ZoneId zone = settings.zone();
        ZoneRules rules = zone.getRules();
        int offset = rules.getStandardOffset(now).getTotalSeconds();
        List<ZoneOffsetTransitionRule> tr = rules.getTransitionRules();
        if (rules.isFixedOffset() || tr.size() != 2) {
            return new Time(settings.ntpServer(), zone.getId(), offset, false, 0, null, null, posixOffset("STD", offset));
        }
        int year = Year.from(now.atZone(zone)).getValue();
        ZoneOffsetTransition a = tr.get(0).createTransition(year);
        ZoneOffsetTransition b = tr.get(1).createTransition(year);
        // the change into daylight saving is the one that moves the clock forward
        ZoneOffsetTransition start = a.isGap() ? a : b;
        ZoneOffsetTransition end = a.isGap() ? b : a;
        ZoneOffsetTransitionRule startRule = a.isGap() ? tr.get(0) : tr.get(1);
        ZoneOffsetTransitionRule endRule = a.isGap() ? tr.get(1) : tr.get(0);
        int save = (start.getOffsetAfter().getTotalSeconds() - start.getOffsetBefore().getTotalSeconds()) / 60;
        Change s = change(startRule, start.getDateTimeBefore());
        Change e = change(endRule, end.getDateTimeBefore());
        String posix = posixOffset("STD", offset) + posixOffset("DST", offset + save * 60)
                + "," + posixRule(s) + "," + posixRule(e);
        return new Time(settings.ntpServer(), zone.getId(), offset, true, save, s, e, posix);
    }

    private static Change change(ZoneOffsetTransitionRule rule, LocalDateTime local) {
        DayOfWeek dow = rule.getDayOfWeek() == null ? local.getDayOfWeek() : rule.getDayOfWeek();
        int lengthOfMonth = local.toLocalDate().lengthOfMonth();
        boolean last = local.getDayOfMonth() + 7 > lengthOfMonth;
        int week = last ? 5 : (local.getDayOfMonth() - 1) / 7 + 1;
        return new Change(local.getMonthValue(), week, dow.getValue(), dow.getValue() % 7 + 1, local.getHour(),
                local.getMinute(), last);
    }

    /** POSIX writes the offset west of UTC: UTC+1 is {@code -1}. */
    private static String posixOffset(String name, int offsetSeconds) {
        int west = -offsetSeconds;
        int abs = Math.abs(west);
        String hm = Integer.toString(abs / 3600) + (abs % 3600 == 0 ? "" : String.format(":%02d", abs % 3600 / 60));
        return name + (west < 0 ? "-" : "") + hm;
    }

    private static String posixRule(Change c) {
        return "M" + c.month() + "." + c.week() + "." + (c.isoDay() % 7) + "/" + String.format("%02d:%02d:00", c.hour(), c.minute());
    }

}
