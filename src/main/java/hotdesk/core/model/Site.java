package hotdesk.core.model;

import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A place desks are in (a building, a campus): its civic address and the ELIN its desks present on
 * emergency calls unless they have their own. Devices name their site by {@link #name()}.
 *
 * @param name     1 to 64 characters of the {@linkplain CivicLocation#isSafe safe set}, e.g. {@code HQ}
 * @param elin     emergency location number of the site's desks, empty for none
 * @param address  the site's part of every desk's civic location ({@link CivicField#SITE} fields only)
 * @param timeZone IANA time zone id, e.g. {@code Europe/Berlin} (default {@code UTC}); the site's phones show it
 * @param phones   SIP server, NTP, registration expiry and networks of the site's desks ({@link SitePhoneSettings#NONE}:
 *                 the global {@code provisioning.*} keys)
 * @param urlKey   the hash of the site's own provisioning URL key: its desks' files are served under that key
 *                 only; empty: the global {@code provisioning.url-key} rule
 */
public record Site(String name, String elin, CivicLocation address, String timeZone, SitePhoneSettings phones,
                   Optional<UrlKeyHash> urlKey) {

    private static final Pattern ELIN = Pattern.compile("[0-9+*#]{0,32}");
    public static final String DEFAULT_TIME_ZONE = "UTC";

    public Site {
        name = checkName(name);
        elin = checkElin(elin);
        address = Objects.requireNonNullElse(address, CivicLocation.EMPTY).requireOnly(CivicField.SITE, "a site's address");
        timeZone = checkTimeZone(timeZone);
        phones = Objects.requireNonNullElse(phones, SitePhoneSettings.NONE);
        urlKey = Objects.requireNonNullElse(urlKey, Optional.empty());
    }

    /** A site without a URL key of its own. */
    public Site(String name, String elin, CivicLocation address, String timeZone, SitePhoneSettings phones) {
        this(name, elin, address, timeZone, phones, Optional.empty());
    }

    /** This site with another URL key (empty: none of its own). */
    public Site withUrlKey(Optional<UrlKeyHash> key) {
        return new Site(name, elin, address, timeZone, phones, key);
    }

    /** A site whose phones take every {@code provisioning.*} key (no settings of its own). */
    public Site(String name, String elin, CivicLocation address, String timeZone) {
        this(name, elin, address, timeZone, SitePhoneSettings.NONE);
    }

    /** A site name as it is kept (stripped), or IllegalArgumentException naming the value. */
    public static String checkName(String name) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > 64 || !CivicLocation.isSafe(n)) {
            throw new IllegalArgumentException("site name must be 1 to 64 characters: " + CivicLocation.SAFE_CHARACTERS
                    + ", got '" + shown(name) + "'");
        }
        return n;
    }

    /** An ELIN: digits with + * #, at most 32, empty for none. */
    public static String checkElin(String elin) {
        String e = elin == null ? "" : elin.strip();
        if (!ELIN.matcher(e).matches()) {
            throw new IllegalArgumentException("elin must be digits (with + * #), at most 32, got '" + shown(elin) + "'");
        }
        return e;
    }

    /** An IANA time zone id such as {@code Europe/Berlin}; empty means {@value #DEFAULT_TIME_ZONE}. */
    public static String checkTimeZone(String timeZone) {
        String t = timeZone == null || timeZone.isBlank() ? DEFAULT_TIME_ZONE : timeZone.strip();
        if (!ZoneId.getAvailableZoneIds().contains(t)) {
            throw new IllegalArgumentException("time-zone must be an IANA time zone id such as Europe/Berlin, "
                    + "America/New_York or UTC, got '" + shown(timeZone) + "'");
        }
        return t;
    }

    private static String shown(String v) {
        if (v == null) {
            return "";
        }
        String s = v.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]", "?");
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
