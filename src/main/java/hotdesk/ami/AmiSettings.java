package hotdesk.ami;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How to reach Asterisk's manager interface (AMI) and what to send as check-sync.
 *
 * @param host            AMI host ({@code ami.host}), a host name or IP literal
 * @param port            AMI TCP port ({@code ami.port}), 1..65535
 * @param user            manager user ({@code ami.user}, a {@code [section]} of manager.conf)
 * @param secret          its secret ({@code ami.secret}); never printed ({@link #toString()} masks it)
 *                        and never sent in clear (the link logs in with Challenge/MD5)
 * @param timeout         connect timeout, and separately the time allowed for the banner, each
 *                        answer and a keep-alive Pong ({@code ami.timeout}), more than 0 and at most 5m
 * @param checkSyncEvents vendor (e.g. {@code yealink}) → the NOTIFY {@code Event} value that makes
 *                        such a phone fetch its config (e.g. {@code check-sync;reboot=false}), from
 *                        {@code notify.event.<vendor>}. Vendors match case-insensitively. A value may
 *                        not hold a comma, quote or backslash: AMI splits a {@code Variable} header at
 *                        commas and strips quotes and backslashes from it. A {@code ;} is fine (only
 *                        pjsip_notify.conf needs it escaped).
 * @throws IllegalArgumentException naming the config key when a value is unusable; the secret's
 *                                  value is never echoed
 */
public record AmiSettings(String host, int port, String user, String secret, Duration timeout,
                          Map<String, String> checkSyncEvents) {

    static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

    public AmiSettings {
        if (host == null || !host.matches("[A-Za-z0-9.:_%\\[\\]-]{1,255}")) {
            throw new IllegalArgumentException("ami.host must be a host name or IP address, got '" + printable(host) + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("ami.port must be 1..65535, got " + port);
        }
        if (user == null || user.isBlank() || hasControl(user) || !user.equals(user.strip())) {
            throw new IllegalArgumentException("ami.user must be a manager.conf user name without control characters or"
                    + " surrounding blanks, got '" + printable(user) + "'");
        }
        if (secret == null || secret.isBlank() || hasControl(secret)) {
            // a secret: never echo it, not even in part
            throw new IllegalArgumentException("ami.secret must be non-blank and without control characters");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("ami.timeout must be more than 0 and at most 5m, got " + timeout);
        }
        checkSyncEvents = checkedEvents(checkSyncEvents);
    }

    /** The NOTIFY Event value for this vendor (case-insensitive), or null when none is configured. */
    String eventFor(String vendor) {
        if (vendor == null) {
            return null;
        }
        String exact = checkSyncEvents.get(vendor);
        return exact != null ? exact : checkSyncEvents.get(vendor.toLowerCase(Locale.ROOT));
    }

    private static Map<String, String> checkedEvents(Map<String, String> events) {
        if (events == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        events.forEach((vendor, event) -> {
            if (vendor == null || !vendor.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("notify.event.<vendor>: the vendor must be 1..64 of letters, digits,"
                        + " '.', '_' or '-', got '" + printable(vendor) + "'");
            }
            String key = "notify.event." + vendor;
            if (event == null || event.isBlank() || hasControl(event)) {
                throw new IllegalArgumentException(key + " must be a non-blank NOTIFY Event value without CR, LF or other"
                        + " control characters, e.g. check-sync, got '" + printable(event) + "'");
            }
            if (!event.equals(event.strip())) {
                throw new IllegalArgumentException(key + " must not start or end with blanks, got '" + event + "'");
            }
            if (event.indexOf(',') >= 0 || event.indexOf('"') >= 0 || event.indexOf('\\') >= 0) {
                throw new IllegalArgumentException(key + " must not contain ',', '\"' or '\\' (AMI splits a Variable at commas"
                        + " and strips quotes and backslashes), got '" + event + "'");
            }
            if (out.put(vendor.toLowerCase(Locale.ROOT), event) != null) {
                throw new IllegalArgumentException(key + " is given twice (vendors are case-insensitive)");
            }
        });
        return Collections.unmodifiableMap(out);
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }

    /** For error messages: control characters shown as '?', so a message stays one line. */
    private static String printable(String s) {
        return s == null ? "null" : s.replaceAll("\\p{Cntrl}", "?");
    }

    @Override
    public String toString() {
        return "AmiSettings[host=" + host + ", port=" + port + ", user=" + user + ", secret=****, timeout=" + timeout
                + ", checkSyncEvents=" + checkSyncEvents + "]";
    }
}
