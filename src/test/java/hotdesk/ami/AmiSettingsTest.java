package hotdesk.ami;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AmiSettingsTest {

    private static final Duration THREE_S = Duration.ofSeconds(3);
    private static final Map<String, String> EVENTS = Map.of("yealink", "check-sync;reboot=false");

    private static AmiSettings settings(String host, int port, String user, String secret, Duration timeout,
                                        Map<String, String> events) {
        return new AmiSettings(host, port, user, secret, timeout, events);
    }

    @Test
    void valid_settings_keep_their_values_and_look_up_vendors_case_insensitively() {
        AmiSettings s = settings("127.0.0.1", 5038, "hotdesk", "s3cret", THREE_S, Map.of("Yealink", "check-sync;reboot=false"));

        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(5038);
        assertThat(s.checkSyncEvents()).containsExactly(Map.entry("yealink", "check-sync;reboot=false"));
        assertThat(s.eventFor("yealink")).isEqualTo("check-sync;reboot=false");
        assertThat(s.eventFor("YEALINK")).isEqualTo("check-sync;reboot=false");
        assertThat(s.eventFor("snom")).isNull();
        assertThat(s.eventFor(null)).isNull();
        assertThat(settings("::1", 5038, "hotdesk", "x", THREE_S, null).checkSyncEvents()).isEmpty();
    }

    @Test
    void to_string_masks_the_secret() {
        AmiSettings s = settings("pbx.example", 5038, "hotdesk", "Zq-81-secret", THREE_S, EVENTS);

        assertThat(s.toString()).contains("secret=****", "host=pbx.example", "user=hotdesk", "check-sync;reboot=false")
                .doesNotContain("Zq-81-secret");
    }

    @Test
    void the_host_must_be_a_host_name_or_address() {
        for (String bad : new String[] {null, "", " ", "a b", "host\r\nx", "http://pbx:5038"}) {
            assertThatThrownBy(() -> settings(bad, 5038, "hotdesk", "x", THREE_S, EVENTS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ami.host ")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void the_port_must_be_1_to_65535() {
        for (int bad : new int[] {0, -1, 65536}) {
            assertThatThrownBy(() -> settings("h", bad, "hotdesk", "x", THREE_S, EVENTS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("ami.port must be 1..65535, got " + bad);
        }
        assertThat(settings("h", 1, "u", "x", THREE_S, EVENTS).port()).isEqualTo(1);
        assertThat(settings("h", 65535, "u", "x", THREE_S, EVENTS).port()).isEqualTo(65535);
    }

    @Test
    void the_user_must_be_a_plain_name() {
        for (String bad : new String[] {null, "", " ", "hot\ndesk", " hotdesk"}) {
            assertThatThrownBy(() -> settings("h", 5038, bad, "x", THREE_S, EVENTS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ami.user ");
        }
    }

    @Test
    void the_secret_must_be_non_blank_without_control_characters_and_is_never_echoed() {
        for (String bad : new String[] {null, "", "   ", "Zq-81\r\nAction: Originate"}) {
            assertThatThrownBy(() -> settings("h", 5038, "hotdesk", bad, THREE_S, EVENTS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ami.secret ")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Zq-81").doesNotContain("Originate"));
        }
    }

    @Test
    void the_timeout_must_be_positive_and_at_most_five_minutes() {
        for (Duration bad : new Duration[] {null, Duration.ZERO, Duration.ofMillis(-1), Duration.ofMinutes(5).plusMillis(1)}) {
            assertThatThrownBy(() -> settings("h", 5038, "hotdesk", "x", bad, EVENTS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ami.timeout ");
        }
        assertThat(settings("h", 5038, "hotdesk", "x", Duration.ofMinutes(5), EVENTS).timeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void each_notify_event_must_be_one_clean_variable_value_named_by_its_key() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("", "check-sync");
        bad.put("yea link", "check-sync");
        for (String vendor : bad.keySet()) {
            assertThatThrownBy(() -> settings("h", 5038, "u", "x", THREE_S, Map.of(vendor, "check-sync")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("notify.event.");
        }
        for (String event : new String[] {"", "  ", "check-sync\r\nAction: Originate", "check\tsync", "check-sync,reboot=true",
            "\"check-sync\"", "check\\;sync", " check-sync"}) {
            assertThatThrownBy(() -> settings("h", 5038, "u", "x", THREE_S, Map.of("yealink", event)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("notify.event.yealink ")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        Map<String, String> withNull = new HashMap<>();
        withNull.put("snom", null);
        assertThatThrownBy(() -> settings("h", 5038, "u", "x", THREE_S, withNull)).hasMessageStartingWith("notify.event.snom ");
    }

    @Test
    void two_vendors_that_differ_only_in_case_are_refused() {
        Map<String, String> twice = new LinkedHashMap<>();
        twice.put("yealink", "check-sync");
        twice.put("Yealink", "check-sync;reboot=true");

        assertThatThrownBy(() -> settings("h", 5038, "u", "x", THREE_S, twice))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("notify.event.Yealink is given twice (vendors are case-insensitive)");
    }
}
