package hotdesk.ari;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * How to reach Asterisk's REST interface.
 *
 * @param baseUrl  ARI root, e.g. {@code http://127.0.0.1:8088/ari} (a trailing slash is dropped)
 * @param user     ARI user ({@code ari.conf})
 * @param password its password; never printed ({@link #toString()} masks it)
 * @param timeout  connect timeout and, separately, the time allowed for each answer
 * @throws IllegalArgumentException naming {@code ari.url}, {@code ari.user}, {@code ari.password} or
 *                                  {@code ari.timeout} when a value is unusable
 */
public record AriSettings(URI baseUrl, String user, String password, Duration timeout) {

    static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

    public AriSettings {
        baseUrl = checkedUrl(baseUrl);
        if (user == null || user.isBlank() || user.contains(":") || hasControl(user)) {
            throw new IllegalArgumentException("ari.user must be a non-empty name without ':' or control characters, got '"
                    + user + "'");
        }
        if (password == null || password.isEmpty() || hasControl(password)) {
            // the value is a secret: never echo it
            throw new IllegalArgumentException("ari.password must be non-empty and without control characters");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("ari.timeout must be more than 0 and at most 5m, got " + timeout);
        }
    }

    private static URI checkedUrl(URI url) {
        if (url == null) {
            throw new IllegalArgumentException("ari.url is required, e.g. http://127.0.0.1:8088/ari");
        }
        if (url.getRawUserInfo() != null) {
            // do not echo: the user info may hold a password
            throw new IllegalArgumentException("ari.url must not carry credentials; use ari.user and ari.password");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null
                || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("ari.url must be an http(s) URL like http://127.0.0.1:8088/ari, got '"
                    + url + "'");
        }
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        try {
            return new URI(scheme + "://" + url.getRawAuthority() + path);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("ari.url is not a valid URL, got '" + url + "'", e);
        }
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }

    @Override
    public String toString() {
        return "AriSettings[baseUrl=" + baseUrl + ", user=" + user + ", password=****, timeout=" + timeout + "]";
    }
}
