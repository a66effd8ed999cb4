package hotdesk.core.policy;

import hotdesk.core.model.CivicField;
import hotdesk.core.model.CivicLocation;
import hotdesk.core.model.Device;
import hotdesk.core.model.Site;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Where a desk is, for emergency calls: its effective ELIN, its civic location and a short text for
 * displays. A property of the desk, never of the person sitting at it. Pure and thread-safe.
 *
 * <ul>
 *   <li><b>ELIN</b>: the desk's own, else its site's, else the global {@code emergency.default-elin};
 *       empty when none of them has one ({@link Warning#NO_ELIN}).</li>
 *   <li><b>Civic location</b>: the site's address completed by the desk's own fields (floor, room,
 *       seat…; the desk's win, so a desk may name another building). A desk whose site is not in the
 *       site list ({@link Warning#UNKNOWN_SITE}) has only its own fields.</li>
 *   <li><b>Where</b>: at most {@value #WHERE_MAX} characters, e.g. {@code HQ Bldg 2 Fl 3 Rm 301 - Desk 3.14}:
 *       site name, building, floor, unit, room, seat, then the desk's label as far as it fits;
 *       the label alone when nothing else is known.</li>
 * </ul>
 */
public final class EmergencyLocation {

    public static final int WHERE_MAX = 60;

    /** Where the effective ELIN came from. */
    public enum ElinSource { DESK, SITE, DEFAULT, NONE }

    /** What is missing for a desk's emergency calls. */
    public enum Warning {
        NO_ELIN("no-elin", "no ELIN: neither the desk, its site nor emergency.default-elin has one, so emergency calls "
                + "carry no callback number of this desk (the trunk's own number at best)"),
        UNKNOWN_SITE("unknown-site", "its site is not in the site list, so the site's address and ELIN do not apply"),
        NO_LOCATION("no-location", "no civic location: emergency calls carry no address");

        private final String code;
        private final String text;

        Warning(String code, String text) {
            this.code = code;
            this.text = text;
        }

        /** Stable short name for scripts ({@code --json}). */
        public String code() {
            return code;
        }

        public String text() {
            return text;
        }
    }

    /**
     * A desk's resolved emergency location.
     *
     * @param elin        the effective ELIN, empty for none
     * @param unknownSite the device's site when it names one that is not in the site list
     */
    public record Located(String elin, ElinSource elinSource, CivicLocation civic, String where,
                          Optional<String> unknownSite) {
        public Located {
            Objects.requireNonNull(elin, "elin");
            Objects.requireNonNull(elinSource, "elinSource");
            Objects.requireNonNull(civic, "civic");
            Objects.requireNonNull(where, "where");
            Objects.requireNonNull(unknownSite, "unknownSite");
        }

        public boolean hasElin() {
            return !elin.isEmpty();
        }

        /** What is missing, in a fixed order; empty when the desk is fully located. */
        public List<Warning> warnings() {
            List<Warning> w = new ArrayList<>();
            if (!hasElin()) {
                w.add(Warning.NO_ELIN);
            }
            if (unknownSite.isPresent()) {
                w.add(Warning.UNKNOWN_SITE);
            }
            if (civic.isEmpty()) {
                w.add(Warning.NO_LOCATION);
            }
            return List.copyOf(w);
        }
    }

    private EmergencyLocation() {
    }

    /**
     * @param device      the desk's device (its own ELIN, its site's name and its label)
     * @param deskFields  the desk's own location fields ({@link CivicField#DESK})
     * @param site        the device's site when the site list has it
     * @param defaultElin the global {@code emergency.default-elin}, empty for none
     */
    public static Located resolve(Device device, CivicLocation deskFields, Optional<Site> site, String defaultElin) {
        Objects.requireNonNull(device, "device");
        String fallback = ValueRules.number("emergency.default-elin", Objects.requireNonNullElse(defaultElin, ""));
        String elin;
        ElinSource source;
        if (!device.elin().isEmpty()) {
            elin = device.elin();
            source = ElinSource.DESK;
        } else if (site.isPresent() && !site.get().elin().isEmpty()) {
            elin = site.get().elin();
            source = ElinSource.SITE;
        } else if (!fallback.isEmpty()) {
            elin = fallback;
            source = ElinSource.DEFAULT;
        } else {
            elin = "";
            source = ElinSource.NONE;
        }
        CivicLocation civic = site.map(Site::address).orElse(CivicLocation.EMPTY)
                .overriddenBy(Objects.requireNonNullElse(deskFields, CivicLocation.EMPTY));
        Optional<String> unknown = !device.site().isEmpty() && site.isEmpty() ? Optional.of(device.site()) : Optional.empty();
        return new Located(elin, source, civic, where(device.site(), civic, device.label()), unknown);
    }

    /** The short display text; see the class comment. */
    static String where(String siteName, CivicLocation civic, String label) {
        StringJoiner place = new StringJoiner(" ");
        String siteText = CivicLocation.sanitize(siteName);
        if (!siteText.isEmpty()) {
            place.add(siteText);
        }
        add(place, "Bldg", civic.get(CivicField.BLD));
        add(place, "Fl", civic.get(CivicField.FLR));
        add(place, "Unit", civic.get(CivicField.UNIT));
        add(place, "Rm", civic.get(CivicField.ROOM));
        add(place, "Seat", civic.get(CivicField.SEAT));
        String where = place.toString();
        String name = CivicLocation.sanitize(label);
        if (where.isEmpty()) {
            return cut(name);
        }
        // the label only where a recognisable part of it fits (at least 4 characters, or all of a shorter one)
        if (!name.isEmpty() && where.length() + 3 + Math.min(name.length(), 4) <= WHERE_MAX) {
            where = where + " - " + name;
        }
        return cut(where);
    }

    private static void add(StringJoiner place, String word, String value) {
        if (!value.isEmpty()) {
            place.add(word + " " + value);
        }
    }

    private static String cut(String text) {
        if (text.length() <= WHERE_MAX) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(WHERE_MAX - 1)) ? WHERE_MAX - 1 : WHERE_MAX;
        return text.substring(0, end).strip();
    }
}
