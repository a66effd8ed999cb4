package hotdesk.ari;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AriSettingsTest {

    private static final URI URL = URI.create("http://127.0.0.1:8088/ari");
    private static final Duration TWO_S = Duration.ofSeconds(2);

    @Test
    void a_trailing_slash_of_the_url_is_dropped() {
        assertThat(new AriSettings(URI.create("http://127.0.0.1:8088/ari/"), "hotdesk", "pw", TWO_S).baseUrl())
                .isEqualTo(URL);
    }

    @Test
    void the_url_must_be_http_or_https_with_a_host_and_no_query() {
        for (String bad : new String[] {"ftp://127.0.0.1/ari", "//127.0.0.1:8088/ari", "http:///ari", "http://h/ari?x=1"}) {
            assertThatThrownBy(() -> new AriSettings(URI.create(bad), "hotdesk", "pw", TWO_S))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ari.url ").hasMessageContaining(bad);
        }
        assertThatThrownBy(() -> new AriSettings(null, "hotdesk", "pw", TWO_S)).hasMessageStartingWith("ari.url ");
    }

    @Test
    void credentials_in_the_url_are_refused_without_echoing_them() {
        assertThatThrownBy(() -> new AriSettings(URI.create("http://hotdesk:s3cr3t-pw@127.0.0.1:8088/ari"), "hotdesk", "pw", TWO_S))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ari.url ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-pw"));
    }

    @Test
    void the_user_must_be_a_plain_name() {
        for (String bad : new String[] {null, "", " ", "a:b", "a\nb"}) {
            assertThatThrownBy(() -> new AriSettings(URL, bad, "pw", TWO_S))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ari.user ");
        }
    }

    @Test
    void the_password_must_be_given_and_is_never_echoed() {
        assertThatThrownBy(() -> new AriSettings(URL, "hotdesk", "", TWO_S)).hasMessageStartingWith("ari.password ");
        assertThatThrownBy(() -> new AriSettings(URL, "hotdesk", null, TWO_S)).hasMessageStartingWith("ari.password ");
        assertThatThrownBy(() -> new AriSettings(URL, "hotdesk", "pw-with\nnewline", TWO_S))
                .hasMessageStartingWith("ari.password ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw-with"));
    }

    @Test
    void the_timeout_must_be_positive_and_at_most_five_minutes() {
        for (Duration bad : new Duration[] {null, Duration.ZERO, Duration.ofSeconds(-1), Duration.ofMinutes(6)}) {
            assertThatThrownBy(() -> new AriSettings(URL, "hotdesk", "pw", bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ari.timeout ");
        }
        assertThat(new AriSettings(URL, "hotdesk", "pw", Duration.ofMinutes(5)).timeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void to_string_masks_the_password() {
        assertThat(new AriSettings(URL, "hotdesk", "arisecret", TWO_S).toString())
                .contains("hotdesk", "http://127.0.0.1:8088/ari", "****")
                .doesNotContain("arisecret");
    }
}
