package hotdesk.webhook;

import hotdesk.core.policy.ValueRules;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/**
 * Where and how emergency calls are posted.
 *
 * @param url          {@code emergency.webhook-url}: {@code https://…}, or {@code http://…} to a loopback
 *                     address only (127.0.0.0/8, ::1, localhost): the alert names where someone is
 * @param secret       {@code emergency.webhook-secret}: the HMAC-SHA256 key, at least
 *                     {@value ValueRules#MIN_CHOSEN_SECRET} characters, no example value; never printed
 * @param timeout      {@code emergency.webhook-timeout}: connect, and then the answer, each at most this
 * @param retryFor     {@code emergency.webhook-retry-for}: a POST that failed is retried until this long
 *                     after hotdesk heard of the call, then given up (0: never retried)
 * @param firstBackoff wait before the first retry; each further one waits twice as long
 * @param maxBackoff   {@code emergency.webhook-max-backoff}: the longest wait between two tries
 * @param queueSize    {@code emergency.webhook-queue-size}: POSTs waiting at most (the oldest is dropped)
 * @throws IllegalArgumentException naming the key; the secret's value is never echoed
 */
public record WebhookSettings(URI url, String secret, Duration timeout, Duration retryFor, Duration firstBackoff,
                              Duration maxBackoff, int queueSize) {

    /** The wait before the first retry that hotdesk uses. */
    public static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    public WebhookSettings {
        url = url(url);
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("emergency.webhook-secret must be set when emergency.webhook-url is: the"
                    + " receiver checks each POST's signature with it");
        }
        if (secret.chars().anyMatch(Character::isISOControl) || !secret.equals(secret.strip())) {
            throw new IllegalArgumentException("emergency.webhook-secret must not hold control characters or surrounding"
                    + " blanks");
        }
        if (secret.length() < ValueRules.MIN_CHOSEN_SECRET) {
            throw new IllegalArgumentException("emergency.webhook-secret must be at least " + ValueRules.MIN_CHOSEN_SECRET
                    + " characters, got " + secret.length());
        }
        String lower = secret.toLowerCase(Locale.ROOT);
        if (lower.contains("change-me") || lower.contains("changeme") || lower.contains("change_me")) {
            throw new IllegalArgumentException("emergency.webhook-secret is an example value: choose a random one of your own");
        }
        within("emergency.webhook-timeout", timeout, Duration.ofMillis(100), Duration.ofMinutes(5));
        within("emergency.webhook-retry-for", retryFor, Duration.ZERO, Duration.ofDays(1));
        within("first webhook backoff", firstBackoff, Duration.ofMillis(1), Duration.ofHours(1));
        within("emergency.webhook-max-backoff", maxBackoff, firstBackoff, Duration.ofHours(1));
        if (queueSize < 1 || queueSize > 100_000) {
            throw new IllegalArgumentException("emergency.webhook-queue-size must be 1 to 100000, got " + queueSize);
        }
    }

    /** The URL as logs show it: scheme, host, port and path, no query (it may carry a token). */
    public String shownUrl() {
        return url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    private static void within(String key, Duration d, Duration min, Duration max) {
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(key + " must be " + min.toMillis() + " ms to " + max.toSeconds() + " s, got "
                    + (d == null ? "nothing" : d.toMillis() + " ms"));
        }
    }

    /** Parses and checks {@code emergency.webhook-url}; for the app, which reads it as text. */
    public static URI parseUrl(String text) {
        try {
            return url(new URI(text.strip()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("emergency.webhook-url is not a URL, got '" + shown(text) + "'");
        }
    }

    private static URI url(URI url) {
        if (url == null) {
            throw new IllegalArgumentException("emergency.webhook-url must be given");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (url.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException("emergency.webhook-url must be an https:// URL with a host, got '"
                    + shown(url.toString()) + "'");
        }
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("emergency.webhook-url must not carry a user or password (the signature tells"
                    + " the receiver that hotdesk sent it)");
        }
        if (url.getRawFragment() != null) {
            throw new IllegalArgumentException("emergency.webhook-url must not have a #fragment, got '" + shown(url.toString())
                    + "'");
        }
        if (scheme.equals("http") && !loopback(url.getHost())) {
            throw new IllegalArgumentException("emergency.webhook-url must be https://, or http:// to this host's loopback"
                    + " (127.0.0.1, [::1], localhost): an alert names where someone is and must not cross a network in"
                    + " clear, got '" + shown(url.toString()) + "'");
        }
        return url;
    }

    /** A loopback IP literal or {@code localhost}; a name that only resolves to loopback today is not enough. */
    static boolean loopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*")) {
            return false; // not an IP literal: no name lookup here
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String shown(String s) {
        if (s == null) {
            return "null";
        }
        int q = s.indexOf('?');
        String v = (q < 0 ? s : s.substring(0, q) + "?…").replaceAll("\\p{Cntrl}", "?"); // a query may carry a token
        return v.length() > 120 ? v.substring(0, 120) + "…" : v;
    }

    @Override
    public String toString() {
        return "WebhookSettings[url=" + shownUrl() + ", secret=****, timeout=" + timeout + ", retryFor=" + retryFor
                + ", firstBackoff=" + firstBackoff + ", maxBackoff=" + maxBackoff + ", queueSize=" + queueSize + "]";
    }
}
