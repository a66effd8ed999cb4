package hotdesk.webhook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookSettingsTest {

    static final String SECRET = "a-webhook-secret-of-our-own";

    static WebhookSettings of(String url, String secret) {
        return new WebhookSettings(URI.create(url), secret, Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofSeconds(1),
                Duration.ofMinutes(1), 1000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://alerts.example.org/hotdesk", "https://10.0.0.5:8443/x?token=1", "http://127.0.0.1:9000/relay",
            "http://127.8.0.1/", "http://[::1]:9000/", "http://localhost/hook", "HTTPS://Example.org/"})
    void https_anywhere_and_http_to_loopback_are_accepted(String url) {
        assertThat(of(url, SECRET).url()).isEqualTo(URI.create(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://alerts.example.org/hook", "http://10.0.0.5/hook", "http://0.0.0.0/", "http://localhost.example.org/",
            "http://127.0.0.1.nip.io/"})
    void http_off_loopback_is_refused_naming_the_key(String url) {
        assertThatThrownBy(() -> of(url, SECRET)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("emergency.webhook-url must be https://, or http:// to this host's loopback");
    }

    @Test
    void other_schemes_credentials_and_fragments_in_the_url_are_refused() {
        assertThatThrownBy(() -> of("ftp://example.org/x", SECRET)).hasMessageStartingWith("emergency.webhook-url must be an https:// URL");
        assertThatThrownBy(() -> of("/relative", SECRET)).hasMessageStartingWith("emergency.webhook-url must be an https:// URL");
        assertThatThrownBy(() -> of("https://user:pw@example.org/x", SECRET))
                .hasMessageStartingWith("emergency.webhook-url must not carry a user or password").hasMessageNotContaining("pw@");
        assertThatThrownBy(() -> of("https://example.org/x#frag", SECRET)).hasMessageContaining("#fragment");
        assertThatThrownBy(() -> WebhookSettings.parseUrl("https://exa mple.org/")).hasMessageStartingWith(
                "emergency.webhook-url is not a URL");
    }

    @Test
    void the_secret_is_required_long_and_no_example_value_and_never_echoed() {
        assertThatThrownBy(() -> of("https://example.org/", "")).hasMessageStartingWith("emergency.webhook-secret must be set"
                + " when emergency.webhook-url is");
        assertThatThrownBy(() -> of("https://example.org/", "short-secret-1")).hasMessage(
                "emergency.webhook-secret must be at least 16 characters, got 14");
        for (String example : new String[] {"hotdesk-webhook-change-me", "CHANGEME-CHANGEME-1234", "please_change_me_now_1"}) {
            assertThatThrownBy(() -> of("https://example.org/", example)).hasMessageStartingWith(
                    "emergency.webhook-secret is an example value").hasMessageNotContaining(example);
        }
        assertThatThrownBy(() -> of("https://example.org/", SECRET + "\n")).hasMessageNotContaining(SECRET)
                .hasMessageStartingWith("emergency.webhook-secret must not hold control characters");
        assertThat(of("https://example.org/", SECRET).toString()).contains("secret=****").doesNotContain(SECRET);
    }

    @Test
    void durations_and_the_queue_size_are_bounded_naming_the_key() {
        URI url = URI.create("https://example.org/");
        assertThatThrownBy(() -> new WebhookSettings(url, SECRET, Duration.ofMillis(10), Duration.ofMinutes(1), Duration.ofSeconds(1),
                Duration.ofMinutes(1), 10)).hasMessageStartingWith("emergency.webhook-timeout must be");
        assertThatThrownBy(() -> new WebhookSettings(url, SECRET, Duration.ofSeconds(1), Duration.ofDays(2), Duration.ofSeconds(1),
                Duration.ofMinutes(1), 10)).hasMessageStartingWith("emergency.webhook-retry-for must be");
        assertThatThrownBy(() -> new WebhookSettings(url, SECRET, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(1),
                Duration.ofMillis(10), 10)).hasMessageStartingWith("emergency.webhook-max-backoff must be");
        assertThatThrownBy(() -> new WebhookSettings(url, SECRET, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(1),
                Duration.ofMinutes(1), 0)).hasMessage("emergency.webhook-queue-size must be 1 to 100000, got 0");
        assertThat(new WebhookSettings(url, SECRET, Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1).retryFor()).isZero();
    }
}
