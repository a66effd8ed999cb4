package hotdesk.ami;

import hotdesk.core.model.EmergencyCall;
import hotdesk.testing.FakeAmi;
import hotdesk.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The emergency route's {@code HotdeskEmergency} user events through {@link AmiLink}, against the fake
 * AMI peer sending them as Asterisk 22.10.1 does: handed on, other user events ignored, a failing
 * handler survived, nothing replayed across a reconnect.
 */
class AmiEmergencyEventsTest {

    private static final String SECRET = "ami-Secret-Qx71";
    private static final Duration CEILING = Duration.ofSeconds(10);

    private final FakeAmi ami = new FakeAmi("hotdesk", SECRET).user("hotdesk", SECRET, "system,user,call", "system,reporting").start();
    private final List<EmergencyCall> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger booted = new AtomicInteger();
    private AmiLink link;

    @AfterEach
    void stop() {
        if (link != null) {
            link.close();
        }
        ami.close();
    }

    private AmiLink started(Consumer<EmergencyCall> onCall) {
        link = new AmiLink(new AmiSettings("127.0.0.1", ami.port(), "hotdesk", SECRET, Duration.ofSeconds(5), Map.of()), Map.of(),
                booted::incrementAndGet, onCall, Duration.ofMinutes(10), Duration.ofMillis(20), Duration.ofMillis(100));
        link.start();
        int before = booted.get();
        await().atMost(CEILING).until(() -> link.connected() && booted.get() > before);
        return link;
    }

    private void emergency(String desk, String number, String test, String linkedid) {
        String channel = "PJSIP/" + desk + "-00000001";
        Map<String, String> body = new LinkedHashMap<>();
        body.put("Desk", desk);
        body.put("Number", number);
        body.put("ELIN", "+15551230314");
        body.put("Where", "HQ Fl 3");
        body.put("Civic", "country=US,A1=CA");
        body.put("Channel", channel);
        body.put("Test", test);
        ami.userEvent(FakeAmi.channelSnapshot(channel, "hotdesk-emergency", number, linkedid + ".7", linkedid, "+15551230314",
                "HQ Fl 3"), "HotdeskEmergency", body);
    }

    @Test
    void each_emergency_event_is_handed_on_with_its_facts_and_other_user_events_are_not() {
        started(calls::add);

        ami.userEvent(FakeAmi.channelSnapshot("PJSIP/x-1", "sales", "s", "1.1", "1.1", "", ""), "SomethingElse",
                Map.of("Desk", "hd-1"));
        emergency("hd-0015651234ab", "911", "no", "1796150733.10");
        emergency("hd-0015651234ab", "112", "yes", "1796150733.11");
        emergency("hd-0015651234ab", "999", "maybe", "1796150733.12");

        await().atMost(CEILING).until(() -> calls.size() == 3);
        assertThat(calls.get(0)).isEqualTo(new EmergencyCall("hd-0015651234ab", "911", "+15551230314", "HQ Fl 3",
                "country=US,A1=CA", "PJSIP/hd-0015651234ab-00000001", "1796150733.10", false));
        assertThat(calls.get(1).test()).isTrue();
        assertThat(calls.get(2).test()).as("an unclear Test header counts as a real call").isFalse();
        assertThat(ami.received()).contains("Events: system,user,call\r\n");
    }

    @Test
    void a_handler_that_throws_is_logged_and_the_link_reads_on() {
        try (LogCapture log = LogCapture.of("hotdesk.ami")) {
            started(call -> {
                if (call.number().equals("911")) {
                    throw new IllegalStateException("handler broken");
                }
                calls.add(call);
            });

            emergency("hd-1", "911", "no", "1.1");
            emergency("hd-1", "112", "no", "1.2");

            await().atMost(CEILING).until(() -> calls.size() == 1);
            assertThat(calls.get(0).number()).isEqualTo("112");
            assertThat(link.connected()).isTrue();
            assertThat(log.lines()).anyMatch(l -> l.startsWith("ERROR the emergency call handler failed for desk hd-1 (dialled 911")
                    && l.contains("handler broken"));
        }
    }

    @Test
    void a_user_without_read_user_gets_no_emergency_events() {
        ami.user("hotdesk", SECRET, "system", "system,reporting");
        started(calls::add);

        emergency("hd-1", "911", "no", "1.1");
        // the link's next action is answered after anything the peer sent before: nothing came
        link.dialplanState().put(Map.of("probe/after", "1"));

        assertThat(calls).isEmpty();
    }

    @Test
    void across_a_reconnect_nothing_is_replayed_and_what_was_sent_meanwhile_is_lost() {
        started(calls::add);
        emergency("hd-1", "911", "no", "1.1");
        await().atMost(CEILING).until(() -> calls.size() == 1);

        ami.down();
        await().atMost(CEILING).until(() -> !link.connected());
        emergency("hd-1", "112", "no", "1.2"); // nobody listens: AMI keeps nothing for a client
        int before = booted.get();
        ami.up();
        await().atMost(CEILING).until(() -> link.connected() && booted.get() > before);
        emergency("hd-1", "999", "no", "1.3");

        await().atMost(CEILING).until(() -> calls.size() >= 2);
        link.dialplanState().put(Map.of("probe/after", "1"));
        assertThat(calls).extracting(EmergencyCall::number).containsExactly("911", "999");
    }
}
