package hotdesk.ami;

import hotdesk.testing.FakeAmi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Call state through the AMI link: the channel list read with CoreShowChannels, hang-ups reported by endpoint. */
class AmiCallStateTest {

    static final String SECRET = "call-state-secret-0123";
    final FakeAmi ami = new FakeAmi("hotdesk", SECRET).user("hotdesk", SECRET, "system,user,call", "system,reporting").start();
    AmiLink link;

    @AfterEach
    void stop() {
        if (link != null) {
            link.close();
        }
        ami.close();
    }

    private AmiLink connect() {
        link = new AmiLink(new AmiSettings("127.0.0.1", ami.port(), "hotdesk", SECRET, Duration.ofSeconds(3), Map.of()),
                Map.of(), () -> { }, call -> { });
        return link;
    }

    @Test
    void the_endpoints_of_pjsip_channels_are_on_a_call_others_are_not_listed() {
        ami.channelUp("PJSIP/hd-0015651234ab-00000001");
        ami.channelUp("PJSIP/hd-0015651234cd-2-0000000a");
        ami.channelUp("Local/600@held-00000003;1");
        ami.channelUp("PJSIP/trunk-0000000b");
        connect().start();
        await().atMost(Duration.ofSeconds(10)).until(link::connected);

        assertThat(link.callState().endpointsOnCall())
                .contains(Set.of("hd-0015651234ab", "hd-0015651234cd-2", "trunk"));

        ami.channelDown("PJSIP/hd-0015651234ab-00000001");
        assertThat(link.callState().endpointsOnCall()).contains(Set.of("hd-0015651234cd-2", "trunk"));
    }

    @Test
    void without_asterisk_the_call_state_is_unknown_never_empty() {
        connect().start();
        await().atMost(Duration.ofSeconds(10)).until(link::connected);
        ami.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> !link.connected());

        assertThat(link.callState().endpointsOnCall()).isEqualTo(Optional.empty());
    }

    @Test
    void a_user_that_may_not_list_channels_gives_an_unknown_state() {
        ami.user("hotdesk", SECRET, "system,user,call", "originate");
        connect().start();
        await().atMost(Duration.ofSeconds(10)).until(link::connected);

        assertThat(link.callState().endpointsOnCall()).isEmpty();
    }

    @Test
    void each_hang_up_of_a_pjsip_channel_is_reported_with_its_endpoint() {
        List<String> ended = new CopyOnWriteArrayList<>();
        Instant before = Instant.now();
        List<Instant> when = new CopyOnWriteArrayList<>();
        connect().onCallEnded((endpoint, at) -> {
            ended.add(endpoint);
            when.add(at);
        });
        link.start();
        await().atMost(Duration.ofSeconds(10)).until(link::connected);

        ami.channelUp("PJSIP/hd-0015651234ab-00000001");
        ami.channelDown("PJSIP/hd-0015651234ab-00000001");
        ami.channelDown("Local/600@held-00000003;2");

        await().atMost(Duration.ofSeconds(10)).until(() -> ended.size() == 1);
        assertThat(ended).containsExactly("hd-0015651234ab");
        assertThat(when.get(0)).isAfterOrEqualTo(before);
    }

    @Test
    void channel_names_give_their_endpoint_only_when_they_end_in_asterisks_eight_hex_digits() {
        assertThat(AmiCallState.endpointOf("PJSIP/hd-0015651234ab-2-0000000a")).contains("hd-0015651234ab-2");
        assertThat(AmiCallState.endpointOf("PJSIP/101-00000001")).contains("101");
        assertThat(AmiCallState.endpointOf("PJSIP/101")).isEmpty();
        assertThat(AmiCallState.endpointOf("PJSIP/-00000001")).isEmpty();
        assertThat(AmiCallState.endpointOf("SIP/101-00000001")).isEmpty();
        assertThat(AmiCallState.endpointOf("PJSIP/101-0000000z")).isEmpty();
    }
}
