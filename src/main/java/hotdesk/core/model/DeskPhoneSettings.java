package hotdesk.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What one desk's phone is told when it differs from its site and the global {@code provisioning.*} keys
 * (B3's per-device SIP domain, NTP server and protocol; a proxy per phone). Every value is optional: an empty
 * (or 0) one means "the site's, else the global key's". The lines of a gateway share their device's values.
 * Checked like a site's ({@link SitePhoneSettings}): a bad value throws IllegalArgumentException naming the field.
 *
 * @param sipServer     host name or address the phone registers to
 * @param sipPort       its port, 0 for the site's or global one
 * @param sipTransport  {@code udp}, {@code tcp} or {@code tls}, empty for the site's or global one
 * @param ntpServer     the phone's time server
 * @param timeZone      IANA time zone id the phone shows, empty for the site's or global one
 * @param expirySeconds registration expiry, {@value SitePhoneSettings#MIN_EXPIRY}..{@value SitePhoneSettings#MAX_EXPIRY}
 *                      seconds, 0 for the site's or global one
 */
public record DeskPhoneSettings(String sipServer, int sipPort, String sipTransport, String ntpServer, String timeZone,
                                int expirySeconds) {

    /** Nothing of its own: every value is the site's, else the global key's. */
    public static final DeskPhoneSettings NONE = new DeskPhoneSettings("", 0, "", "", "", 0);

    public static final String SIP_SERVER = "sip-server";
    public static final String SIP_PORT = "sip-port";
    public static final String SIP_TRANSPORT = "sip-transport";
    public static final String NTP_SERVER = "ntp-server";
    public static final String TIME_ZONE = "time-zone";
    public static final String REGISTRATION_EXPIRY = "registration-expiry";
    /** The fields, as options and CSV columns name them, in the order they are shown. */
    public static final List<String> FIELDS = List.of(SIP_SERVER, SIP_PORT, SIP_TRANSPORT, NTP_SERVER, TIME_ZONE,
            REGISTRATION_EXPIRY);

    /** Where a desk's effective value comes from. */
    public enum Source {
        /** the desk's own override */
        DESK,
        /** its site's value */
        SITE,
        /** the global {@code provisioning.*} key */
        DEFAULT;

        public String shown() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DeskPhoneSettings {
        sipServer = SitePhoneSettings.checkHost(SIP_SERVER, sipServer);
        sipPort = SitePhoneSettings.checkPort(sipPort);
        sipTransport = SitePhoneSettings.checkTransport(sipTransport);
        ntpServer = SitePhoneSettings.checkHost(NTP_SERVER, ntpServer);
        timeZone = checkTimeZone(timeZone);
        expirySeconds = SitePhoneSettings.checkExpiry(expirySeconds);
    }

    /** An IANA time zone id, or empty (not set). */
    public static String checkTimeZone(String value) {
        return value == null || value.isBlank() ? "" : Site.checkTimeZone(value);
    }

    /** A site's phone values and time zone in this form, to be layered like a desk's. */
    public static DeskPhoneSettings ofSite(Site site) {
        SitePhoneSettings p = site.phones();
        return new DeskPhoneSettings(p.sipServer(), p.sipPort(), p.sipTransport(), p.ntpServer(), site.timeZone(),
                p.expirySeconds());
    }

    /** Whether the desk has no value of its own. */
    public boolean isEmpty() {
        return equals(NONE);
    }

    /** A field's value as typed and exported: empty when the desk has none of its own. */
    public String value(String field) {
        return switch (field) {
            case SIP_SERVER -> sipServer;
            case SIP_PORT -> sipPort == 0 ? "" : Integer.toString(sipPort);
            case SIP_TRANSPORT -> sipTransport;
            case NTP_SERVER -> ntpServer;
            case TIME_ZONE -> timeZone;
            case REGISTRATION_EXPIRY -> expirySeconds == 0 ? "" : expirySeconds + "s";
            default -> throw new IllegalArgumentException("not a desk phone field: " + field);
        };
    }

    /**
     * These values with the given fields (of {@link #FIELDS}) replaced by their typed values (an empty one
     * clears the override). A bad value throws IllegalArgumentException whose message names the field;
     * {@link #badField} tells which it was.
     */
    public DeskPhoneSettings with(Map<String, String> given) {
        String server = sipServer;
        int port = sipPort;
        String transport = sipTransport;
        String ntp = ntpServer;
        String zone = timeZone;
        int expiry = expirySeconds;
        for (Map.Entry<String, String> e : given.entrySet()) {
            String v = e.getValue() == null ? "" : e.getValue();
            try {
                switch (e.getKey()) {
                    case SIP_SERVER -> server = SitePhoneSettings.checkHost(SIP_SERVER, v);
                    case SIP_PORT -> port = SitePhoneSettings.parsePort(v);
                    case SIP_TRANSPORT -> transport = SitePhoneSettings.checkTransport(v);
                    case NTP_SERVER -> ntp = SitePhoneSettings.checkHost(NTP_SERVER, v);
                    case TIME_ZONE -> zone = checkTimeZone(v);
                    case REGISTRATION_EXPIRY -> expiry = SitePhoneSettings.parseExpiry(v);
                    default -> throw new IllegalArgumentException("a desk has no phone field '" + e.getKey() + "'");
                }
            } catch (IllegalArgumentException bad) {
                throw new BadField(e.getKey(), bad.getMessage());
            }
        }
        return new DeskPhoneSettings(server, port, transport, ntp, zone, expiry);
    }

    /** A value {@link #with} refused, with the field it was given for. */
    public static final class BadField extends IllegalArgumentException {
        private final String field;

        BadField(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** {@code field=value} for every field that differs from {@code was} ({@code none} for a cleared one). */
    public List<String> diffs(DeskPhoneSettings was) {
        List<String> out = new ArrayList<>();
        for (String f : FIELDS) {
            String now = value(f);
            if (!now.equals(was.value(f))) {
                out.add(f + "=" + (now.isEmpty() ? "none" : now));
            }
        }
        return out;
    }

    /** A desk's effective value of one field and where it comes from. */
    public record Sourced(String value, Source source) {
    }

    /**
     * What the desk's phone is told, field by field: the desk's own value, else its site's (when the device
     * names a site that exists), else the global one. {@code defaults} holds every global value (none empty);
     * a site's time zone is always set (UTC when not given), so with a site the zone is never the global one.
     */
    public static Map<String, Sourced> effective(DeskPhoneSettings defaults, Optional<Site> site, DeskPhoneSettings desk) {
        DeskPhoneSettings fromSite = site.map(DeskPhoneSettings::ofSite).orElse(NONE);
        Map<String, Sourced> out = new LinkedHashMap<>();
        for (String f : FIELDS) {
            String own = desk.value(f);
            String ofSite = fromSite.value(f);
            out.put(f, !own.isEmpty() ? new Sourced(own, Source.DESK)
                    : !ofSite.isEmpty() ? new Sourced(ofSite, Source.SITE) : new Sourced(defaults.value(f), Source.DEFAULT));
        }
        return out;
    }
}
