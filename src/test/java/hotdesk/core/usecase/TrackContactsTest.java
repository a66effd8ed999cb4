package hotdesk.core.usecase;

import hotdesk.core.model.PhoneContact;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TrackContactsTest {

    final InMemoryLedger ledger = new InMemoryLedger();
    final MutableClock clock = MutableClock.atNoon();
    final TrackContacts track = new TrackContacts(ledger, "n1", clock);

    Map<String, List<PhoneContact>> contacts() {
        return ledger.read(tx -> tx.contacts("n1"));
    }

    @Test
    void a_new_contact_is_recorded_with_the_time_it_appeared_and_later_status_changes_keep_that_time() {
        Instant t0 = clock.instant();
        track.changed("hd-a", "sip:hd-a@10.0.0.5:5060", false);
        clock.advance(Duration.ofMinutes(5));
        track.changed("hd-a", "sip:hd-a@10.0.0.5:5060", false); // Reachable after a qualify, say

        assertThat(contacts().get("hd-a")).singleElement().satisfies(c -> {
            assertThat(c.since()).isEqualTo(t0);
            assertThat(c.uri()).isEqualTo("sip:hd-a@10.0.0.5:5060");
        });
    }

    @Test
    void a_removed_contact_is_forgotten_and_removing_an_unknown_one_changes_nothing() {
        track.changed("hd-a", "sip:hd-a@10.0.0.5:5060", false);
        track.changed("hd-a", "sip:hd-a@10.0.0.6:5060", false);

        track.changed("hd-a", "sip:hd-a@10.0.0.5:5060", true);
        track.changed("hd-b", "sip:hd-b@10.0.0.9:5060", true);

        assertThat(contacts()).containsOnlyKeys("hd-a");
        assertThat(contacts().get("hd-a")).extracting(PhoneContact::uri).containsExactly("sip:hd-a@10.0.0.6:5060");
    }

    @Test
    void the_full_list_replaces_the_nodes_contacts_and_keeps_since_user_agent_and_via_of_known_ones() {
        Instant t0 = clock.instant();
        track.changed("hd-a", "sip:hd-a@10.0.0.5:5060", false);
        track.changed("hd-gone", "sip:hd-gone@10.0.0.7:5060", false);
        clock.advance(Duration.ofHours(1));
        Instant t1 = clock.instant();

        track.replaceAll(List.of(
                new PhoneContact("hd-a", "sip:hd-a@10.0.0.5:5060", "Yealink SIP-T54W", "10.0.0.5:5060", t1),
                new PhoneContact("hd-new", "sip:hd-new@10.0.0.8:5060", "Snom D785", "10.0.0.8:5060", t1)));

        assertThat(contacts()).containsOnlyKeys("hd-a", "hd-new");
        assertThat(contacts().get("hd-a")).singleElement().satisfies(c -> {
            assertThat(c.since()).as("known before the list").isEqualTo(t0);
            assertThat(c.userAgent()).isEqualTo("Yealink SIP-T54W");
        });
        assertThat(contacts().get("hd-new").get(0).since()).isEqualTo(t1);

        // a list without user agent keeps the one known
        track.replaceAll(List.of(new PhoneContact("hd-a", "sip:hd-a@10.0.0.5:5060", "", "", clock.instant())));
        assertThat(contacts().get("hd-a").get(0).userAgent()).isEqualTo("Yealink SIP-T54W");
        assertThat(contacts().get("hd-a").get(0).via()).isEqualTo("10.0.0.5:5060");

        track.replaceAll(List.of());
        assertThat(contacts()).isEmpty();
    }

    @Test
    void what_another_process_recorded_before_is_read_once_so_a_refresh_does_not_write_it_again() {
        Instant old = clock.instant().minus(Duration.ofDays(1));
        ledger.transact(tx -> {
            tx.putContact("n1", new PhoneContact("hd-a", "sip:hd-a@10.0.0.5:5060", "UA", "10.0.0.5:5060", old));
            return null;
        });

        track.changed("hd-a", "sip:hd-a@10.0.0.5:5060", false);

        assertThat(contacts().get("hd-a").get(0).since()).isEqualTo(old);
        assertThat(contacts().get("hd-a").get(0).userAgent()).isEqualTo("UA");
    }
}
