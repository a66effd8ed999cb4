package hotdesk.agi;

import hotdesk.core.policy.SeatingPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.regex.Pattern;

/**
 * Failed logins on the {@code hotdesk.security} logger, one line each, shaped for fail2ban:
 * {@code login failed from 192.0.2.7 reason=BAD_PIN via=pin ext=101 desk=hd-0015651234ab uniqueid=…}.
 * Never the PIN or code. Every value is reduced to a safe character set so a caller cannot forge lines.
 */
final class SecurityLog {

    private static final Logger LOG = LoggerFactory.getLogger("hotdesk.security");
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._:@+-]");
    private static final Pattern IP = Pattern.compile("[0-9A-Fa-f.:]{2,45}");

    private SecurityLog() {
    }

    static void loginFailed(Call call, AgiResult reason, String via, String extension, String endpoint)
            throws org.asteriskjava.fastagi.AgiException {
        LOG.warn("login failed from {} reason={} via={} ext={} desk={} uniqueid={}", call.remoteHost(), reason, via,
                extension.isEmpty() ? "-" : clean(extension), endpoint.isEmpty() ? "-" : clean(endpoint),
                call.uniqueId());
    }

    /**
     * Failures of one extension across desks reached {@code lockout.user-alert-failures} (or the lock):
     * {@code login alert ext=101 via=pin failures=8 locked=no from 192.0.2.7 desk=… uniqueid=…}.
     */
    static void alert(Call call, SeatingPolicy.Alert alert, String endpoint) throws org.asteriskjava.fastagi.AgiException {
        LOG.warn("login alert ext={} via={} failures={} locked={} from {} desk={} uniqueid={}", alert.extension().value(),
                alert.via().name().toLowerCase(java.util.Locale.ROOT), alert.failures(), alert.locked() ? "yes" : "no",
                call.remoteHost(), endpoint.isEmpty() ? "-" : clean(endpoint), call.uniqueId());
    }

    /** The host part of Asterisk's {@code 192.0.2.7:5060} or {@code [2001:db8::1]:5060}; {@code unknown} otherwise. */
    static String host(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.isBlank()) {
            return "unknown";
        }
        String a = remoteAddress.strip();
        String host;
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            host = end > 0 ? a.substring(1, end) : "";
        } else {
            int colon = a.indexOf(':');
            host = colon >= 0 && colon == a.lastIndexOf(':') ? a.substring(0, colon) : a;
        }
        return IP.matcher(host).matches() ? host : "unknown";
    }

    /** Keeps a value from the wire printable and short for a log line. */
    static String clean(String value) {
        String v = UNSAFE.matcher(value).replaceAll("?");
        return v.length() > 64 ? v.substring(0, 64) + "…" : v;
    }
}
