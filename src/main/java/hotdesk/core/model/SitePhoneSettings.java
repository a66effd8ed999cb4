package hotdesk.core.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a site's desk phones are told and where they may register from. Every value is optional: an
 * empty (or 0) one means "the global {@code provisioning.*} key", so a site names only what differs.
 *
 * @param sipServer          host name or address the site's phones register to ({@code provisioning.sip-server})
 * @param sipPort            its port, 0 for the global one ({@code provisioning.sip-port})
 * @param sipTransport       {@code udp}, {@code tcp} or {@code tls}, empty for the global one
 * @param ntpServer          time server of the site's phones ({@code provisioning.ntp-server})
 * @param expirySeconds      registration expiry the phones ask for, {@value #MIN_EXPIRY}..{@value #MAX_EXPIRY}
 *                           seconds (re-register at least every 10 minutes), 0 for the global one
 * @param networks           IPv4/IPv6 CIDRs the site's desks may register and fetch their files from; empty
 *                           for the global {@code provisioning.allowed-networks}
 */
public record SitePhoneSettings(String sipServer, int sipPort, String sipTransport, String ntpServer, int expirySeconds,
                                List<String> networks) {

    /** Nothing of its own: every value is the global key's. */
    public static final SitePhoneSettings NONE = new SitePhoneSettings("", 0, "", "", 0, List.of());

    public static final int MIN_EXPIRY = 30;
    /** Ten minutes: phones that re-register less often drop out of reach (and of the hot desk) too long. */
    public static final int MAX_EXPIRY = 600;
    public static final List<String> TRANSPORTS = List.of("udp", "tcp", "tls");
    /** At most this many networks per site (they become one ACL of as many lines in Asterisk). */
    public static final int MAX_NETWORKS = 32;

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:\\[\\]-]{1,253}");

    public SitePhoneSettings {
        sipServer = checkHost("sip-server", sipServer);
        sipPort = checkPort(sipPort);
        sipTransport = checkTransport(sipTransport);
        ntpServer = checkHost("ntp-server", ntpServer);
        expirySeconds = checkExpiry(expirySeconds);
        networks = checkNetworks(networks);
    }

    /** A host name or IP literal, or empty; IllegalArgumentException naming {@code field}. */
    public static String checkHost(String field, String value) {
        String v = value == null ? "" : value.strip();
        if (!v.isEmpty() && !HOST.matcher(v).matches()) {
            throw new IllegalArgumentException(field + " must be a host name or IP address, got '" + shown(value) + "'");
        }
        return v;
    }

    public static int checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("sip-port must be 1..65535 (empty: provisioning.sip-port), got " + port);
        }
        return port;
    }

    /** A port as typed: empty is 0 (the global one). */
    public static int parsePort(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            return 0;
        }
        if (!t.matches("[0-9]{1,5}") || Integer.parseInt(t) == 0) {
            throw new IllegalArgumentException("sip-port must be 1..65535 (empty: provisioning.sip-port), got '" + shown(text) + "'");
        }
        return checkPort(Integer.parseInt(t));
    }

    public static String checkTransport(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (!v.isEmpty() && !TRANSPORTS.contains(v)) {
            throw new IllegalArgumentException("sip-transport must be one of udp, tcp, tls (empty: provisioning.sip-transport), got '"
                    + shown(value) + "'");
        }
        return v;
    }

    public static int checkExpiry(int seconds) {
        if (seconds != 0 && (seconds < MIN_EXPIRY || seconds > MAX_EXPIRY)) {
            throw new IllegalArgumentException("registration-expiry must be " + MIN_EXPIRY + "s.." + MAX_EXPIRY
                    + "s (phones must re-register at least every 10 minutes; empty: provisioning.registration-expiry), got "
                    + seconds + "s");
        }
        return seconds;
    }

    /** An expiry as typed: {@code 500}, {@code 500s} or {@code 8m}; empty is 0 (the global one). */
    public static int parseExpiry(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            return 0;
        }
        java.util.regex.Matcher m = Pattern.compile("([0-9]{1,6})([sm]?)").matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("registration-expiry must be seconds (500 or 500s) or minutes (8m), got '"
                    + shown(text) + "'");
        }
        int n = Integer.parseInt(m.group(1)) * (m.group(2).equals("m") ? 60 : 1);
        if (n == 0) {
            throw new IllegalArgumentException("registration-expiry must be " + MIN_EXPIRY + "s.." + MAX_EXPIRY + "s, got '"
                    + shown(text) + "'");
        }
        return checkExpiry(n);
    }

    /** CIDRs, each parsed ({@link NetworkRange}), duplicates dropped, in the given order. */
    public static List<String> checkNetworks(List<String> networks) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : networks == null ? List.<String>of() : networks) {
            String t = n == null ? "" : n.strip();
            if (t.isEmpty()) {
                continue;
            }
            try {
                out.add(NetworkRange.parse(t).toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("networks: " + e.getMessage() + " (give CIDRs like 10.1.0.0/16 or fd00:1::/64)", e);
            }
        }
        if (out.size() > MAX_NETWORKS) {
            throw new IllegalArgumentException("networks: at most " + MAX_NETWORKS + " per site, got " + out.size());
        }
        return List.copyOf(out);
    }

    /** Networks as typed: comma or space separated CIDRs, empty for none. */
    public static List<String> parseNetworks(String text) {
        List<String> parts = new ArrayList<>();
        for (String p : (text == null ? "" : text).split("[,\\s]+")) {
            if (!p.isBlank()) {
                parts.add(p);
            }
        }
        return checkNetworks(parts);
    }

    private static String shown(String v) {
        if (v == null) {
            return "";
        }
        String s = v.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]", "?");
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
