package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

class DeskKeysTest {

    private static final String MAC = "00:15:65:00:00:01";
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final TestWorld world = new TestWorld(ledger).device(MAC);
    private final DeskKeys keys = new DeskKeys(ledger, new SecureRandom(), world.clock);

    @Test
    void a_key_is_128_random_bits_kept_as_its_hash_and_names_its_desk_line() {
        DeskKeys.Issued issued = (DeskKeys.Issued) keys.issue(MAC, 1, false, "cli");

        assertThat(issued.key()).matches("[A-Za-z0-9_-]{22}");
        assertThat(issued.line().endpointId()).isEqualTo(TestWorld.desk(MAC));
        java.util.Optional<hotdesk.core.model.DeskKey> stored = ledger.read(tx -> tx.deskKeyOf(TestWorld.desk(MAC)));
        assertThat(stored).hasValueSatisfying(
                k -> assertThat(k.keyHash()).isEqualTo(BoardSignIn.hash(issued.key())));
        assertThat(keys.desk(issued.key())).hasValueSatisfying(d -> {
            assertThat(d.line().endpointId()).isEqualTo(TestWorld.desk(MAC));
            assertThat(d.label()).isEqualTo(issued.label());
        });
        assertThat(ledger.audit()).extracting(AuditEntry::action).contains("desk-key.issue");
        assertThat(ledger.audit()).noneMatch(a -> a.detail().contains(issued.key()));
    }

    @Test
    void a_second_key_needs_rotate_which_voids_the_old_sticker() {
        DeskKeys.Issued first = (DeskKeys.Issued) keys.issue(MAC, 1, false, "cli");

        DeskKeys.Result again = keys.issue(MAC, 1, false, "cli");
        DeskKeys.Issued rotated = (DeskKeys.Issued) keys.issue(MAC, 1, true, "cli");

        assertThat(again).isInstanceOf(DeskKeys.Refused.class);
        assertThat(((DeskKeys.Refused) again).why()).contains("--rotate");
        assertThat(keys.desk(first.key())).isEmpty();
        assertThat(keys.desk(rotated.key())).isPresent();
    }

    @Test
    void revoke_removes_the_key_once() {
        DeskKeys.Issued issued = (DeskKeys.Issued) keys.issue(MAC, 1, false, "cli");

        assertThat(keys.revoke(MAC, 1, "cli")).isTrue();
        assertThat(keys.revoke(MAC, 1, "cli")).isFalse();
        assertThat(keys.desk(issued.key())).isEmpty();
        assertThat(ledger.audit()).extracting(AuditEntry::action).containsOnlyOnce("desk-key.revoke");
    }

    @Test
    void unknown_devices_lines_bad_macs_and_malformed_or_unknown_keys_find_nothing() {
        assertThat(keys.issue("00:15:65:99:99:99", 1, false, "cli")).isInstanceOf(DeskKeys.Refused.class);
        assertThat(keys.issue(MAC, 2, false, "cli")).isInstanceOf(DeskKeys.Refused.class);
        assertThat(keys.issue("not-a-mac", 1, false, "cli")).isInstanceOf(DeskKeys.Refused.class);
        assertThat(keys.revoke("not-a-mac", 1, "cli")).isFalse();
        assertThat(keys.desk("A".repeat(22))).isEmpty();
        assertThat(keys.desk("short")).isEmpty();
        assertThat(keys.desk("../../etc/passwd")).isEmpty();
        assertThat(keys.desk(null)).isEmpty();
    }
}
