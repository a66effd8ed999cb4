package hotdesk.ami;

import hotdesk.core.model.PhoneContact;
import hotdesk.core.port.PbxException;
import hotdesk.testing.FakeAmi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Registered contacts through the AMI link: ContactStatus events reported, PJSIPShowContacts read. */
class AmiContactsTest {

    static final String SECRET = "contacts-secret-0123";
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
    void each_contact_that_appears_or_goes_is_reported_with_its_aor_and_uri() {
        List<String> seen = new CopyOnWriteArrayList<>();
        connect().onContactChanged((aor, uri, removed) -> seen.add((removed ? "-" : "+") + aor + " " + uri));
        link.start();
        await().atMost(Duration.ofSeconds(10)).until(link::connected);

        ami.register("hd-0015651234ab", "sip:hd-0015651234ab@10.0.0.5:5062", "Yealink SIP-T54W", "10.0.0.5", 5062);
        ami.unregister("hd-0015651234ab", "sip:hd-0015651234ab@10.0.0.5:5062");

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
        assertThat(seen).containsExactly("+hd-0015651234ab sip:hd-0015651234ab@10.0.0.5:5062",
                "-hd-0015651234ab sip:hd-0015651234ab@10.0.0.5:5062");
    }

    @Test
    void the_contact_list_names_aor_uri_user_agent_and_via_and_is_empty_when_asterisk_has_none() {
        connect().start();
        await().atMost(Duration.ofSeconds(10)).until(link::connected);
        Instant now = Instant.parse("2026-12-02T09:00:00Z");

        assertThat(link.contacts(now)).isEmpty();

        ami.register("hd-0015651234ab", "sip:hd-0015651234ab@10.0.0.5:5062", "Yealink SIP-T54W 96.86.0.100", "10.0.0.5", 5062);
        ami.register("101", "sip:101@[2001:db8::7]:5060", "", "2001:db8::7", 5060);
        assertThat(link.contacts(now)).containsExactlyInAnyOrder(
                new PhoneContact("hd-0015651234ab", "sip:hd-0015651234ab@10.0.0.5:5062", "Yealink SIP-T54W 96.86.0.100",
                        "10.0.0.5:5062", now),
                new PhoneContact("101", "sip:101@[2001:db8::7]:5060", "", "[2001:db8::7]:5060", now));
    }

    @Test
    void a_user_that_may_not_list_contacts_gets_a_clear_refusal() {
        ami.user("hotdesk", SECRET, "system,user,call", "reporting");
        connect().start();
        await().atMost(Duration.ofSeconds(10)).until(link::connected);

        assertThatThrownBy(() -> link.contacts(Instant.now())).isInstanceOf(PbxException.class)
                .hasMessageContaining("PJSIPShowContacts");
    }

    @Test
    void events_without_aor_or_uri_and_other_events_are_not_contact_changes() {
        assertThat(AmiContacts.change(AmiMessage.of(List.of("Event: ContactStatus", "URI: sip:x@h", "ContactStatus: Removed"))))
                .isEmpty();
        assertThat(AmiContacts.change(AmiMessage.of(List.of("Event: PeerStatus", "Peer: PJSIP/hd-x")))).isEmpty();
        assertThat(AmiContacts.change(AmiMessage.of(List.of("Event: ContactStatus", "URI: sip:x@h", "AOR: x",
                "ContactStatus: Reachable")))).contains(new AmiContacts.Change("x", "sip:x@h", false));
    }
}
