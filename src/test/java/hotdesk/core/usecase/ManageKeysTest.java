package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Extension;
import hotdesk.core.model.UserKey;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.RecordingAsterisk;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ManageKeysTest {

    private static final String MAC = "00:15:65:00:00:01";
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final TestWorld world = new TestWorld(ledger).device(MAC).user("101", "Alice", "4823").user("102", "Bob", "4824");
    private final ManageKeys keys = new ManageKeys(ledger, world.clock);

    private List<UserKey> keysOf(String ext) {
        return ledger.read(tx -> tx.keysOf(Extension.of(ext)));
    }

    private static Import.Row row(int line, String ext, String position, String type, String value, String label) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(ManageKeys.EXTENSION, ext);
        m.put(ManageKeys.POSITION, position);
        m.put(ManageKeys.TYPE, type);
        m.put(ManageKeys.VALUE, value);
        if (label != null) {
            m.put(ManageKeys.LABEL, label);
        }
        return new Import.Row(line, m);
    }

    @Test
    void set_adds_or_replaces_the_key_at_a_position_remove_and_clear_take_keys_away_each_audited() {
        keys.set("101", "5", "blf", "102", "Bob", "cli");
        keys.set("101", "2", "speed-dial", "*97", "", "cli");
        ManageKeys.Result replaced = keys.set("101", "5", "speed-dial", "200", "", "cli");
        ManageKeys.Result same = keys.set("101", "5", "speed-dial", "200", "", "cli");

        assertThat(replaced).isEqualTo(new ManageKeys.Keys(Extension.of("101"), List.of(
                new UserKey(2, UserKey.Type.SPEED_DIAL, "*97", ""), new UserKey(5, UserKey.Type.SPEED_DIAL, "200", ""))));
        assertThat(same).isInstanceOf(ManageKeys.Unchanged.class);
        assertThat(keys.remove("101", "2", "cli")).isInstanceOf(ManageKeys.Keys.class);
        assertThat(keysOf("101")).containsExactly(new UserKey(5, UserKey.Type.SPEED_DIAL, "200", ""));
        assertThat(keys.clear("101", "cli")).isEqualTo(new ManageKeys.Keys(Extension.of("101"), List.of()));
        assertThat(keysOf("101")).isEmpty();
        assertThat(ledger.audit()).filteredOn(a -> a.action().equals("user.keys")).extracting(AuditEntry::detail)
                .containsExactly("+5 blf 102 'Bob'", "+2 speed-dial *97", "-5 blf 102 'Bob'; +5 speed-dial 200",
                        "-2 speed-dial *97", "-5 speed-dial 200");
    }

    @Test
    void bad_input_is_refused_with_the_reason_and_changes_nothing() {
        keys.set("101", "1", "blf", "102", "", "cli");
        int audited = ledger.audit().size();

        assertThat(keys.set("101", "0", "blf", "102", "", "cli")).isEqualTo(new ManageKeys.Refused("key position must be 1 to 99, got '0'"));
        assertThat(((ManageKeys.Refused) keys.set("101", "2", "park", "102", "", "cli")).why()).contains("speed-dial or blf");
        assertThat(((ManageKeys.Refused) keys.set("101", "2", "blf", "x", "", "cli")).why()).contains("2 to 10 digits");
        assertThat(((ManageKeys.Refused) keys.set("101", "2", "blf", "102", "<b>", "cli")).why()).contains("key label");
        assertThat(((ManageKeys.Refused) keys.set("999", "2", "blf", "102", "", "cli")).why()).isEqualTo("no user 999");
        assertThat(((ManageKeys.Refused) keys.set("1", "2", "blf", "102", "", "cli")).why()).contains("extension must be 2 to 10 digits");
        assertThat(((ManageKeys.Refused) keys.remove("101", "7", "cli")).why()).isEqualTo("user 101 has no key at position 7");
        assertThat(((ManageKeys.Refused) keys.list("999")).why()).isEqualTo("no user 999");

        assertThat(keysOf("101")).containsExactly(new UserKey(1, UserKey.Type.BLF, "102", ""));
        assertThat(ledger.audit()).hasSize(audited);
    }

    @Test
    void a_change_of_a_seated_users_keys_reaches_their_desk_by_a_check_sync_and_a_new_file() {
        world.pinLogin(MAC, "101", "4823");
        world.reconcile.runOnce();
        world.asterisk.clearLog();
        int notified = world.asterisk.notifies().size();

        keys.set("101", "1", "blf", "102", "Bob", "cli");
        world.reconcile.runOnce();

        assertThat(world.asterisk.notifies().subList(notified, world.asterisk.notifies().size()))
                .contains(new RecordingAsterisk.Notify(TestWorld.desk(MAC), "yealink"));
        ProvisionDesk.DeskView view = world.provision.fetch(hotdesk.core.model.Mac.parse(MAC), "127.0.0.1", "t").orElseThrow();
        assertThat(view.lines().get(0).keys()).containsExactly(new UserKey(1, UserKey.Type.BLF, "102", "Bob"));
    }

    @Test
    void an_idle_desk_shows_no_users_keys_and_a_user_not_seated_bumps_no_desk() {
        keys.set("101", "1", "blf", "102", "Bob", "cli");
        world.reconcile.runOnce();

        ProvisionDesk.DeskView view = world.provision.fetch(hotdesk.core.model.Mac.parse(MAC), "127.0.0.1", "t").orElseThrow();
        assertThat(view.lines().get(0).keys()).isEmpty();
        assertThat(world.asterisk.notifies()).noneMatch(n -> n.endpointId().equals(TestWorld.desk(MAC)));
    }

    @Test
    void an_import_sets_each_named_users_keys_as_a_whole_and_again_changes_nothing() {
        keys.set("101", "9", "speed-dial", "999", "", "cli");
        keys.set("102", "1", "blf", "101", "", "cli");
        List<Import.Row> rows = List.of(row(2, "101", "1", "blf", "102", "Bob"), row(3, "101", "4", "speed-dial", "+15551230000", null));

        Import.Imported first = (Import.Imported) keys.importRows(rows, false, "cli");
        Import.Imported again = (Import.Imported) keys.importRows(rows, false, "cli");

        assertThat(first.changes()).containsExactly(new Import.Change("101", Import.Kind.CHANGED,
                List.of("+1 blf 102 'Bob'", "+4 speed-dial +15551230000", "-9 speed-dial 999")));
        assertThat(again.changes()).containsExactly(new Import.Change("101", Import.Kind.UNCHANGED, List.of()));
        assertThat(keysOf("101")).extracting(UserKey::position).containsExactly(1, 4);
        assertThat(keysOf("102")).as("a user the file does not name keeps their keys").hasSize(1);
        assertThat(ledger.audit()).filteredOn(a -> a.action().equals("user.keys-import")).hasSize(1);
    }

    @Test
    void a_dry_run_reports_the_same_changes_and_writes_nothing() {
        List<Import.Row> rows = List.of(row(2, "101", "1", "blf", "102", "Bob"));

        Import.Imported dry = (Import.Imported) keys.importRows(rows, true, "cli");

        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.changes()).containsExactly(new Import.Change("101", Import.Kind.ADDED, List.of("+1 blf 102 'Bob'")));
        assertThat(keysOf("101")).isEmpty();
        assertThat(ledger.audit()).noneMatch(a -> a.action().startsWith("user.keys"));
    }

    @Test
    void every_bad_row_is_reported_with_its_line_and_column_and_nothing_is_imported() {
        List<Import.Row> rows = List.of(
                row(2, "101", "1", "blf", "102", ""),
                row(3, "1x", "2", "blf", "102", ""),
                row(4, "101", "0", "blf", "102", ""),
                row(5, "101", "3", "park", "102", ""),
                row(6, "101", "4", "blf", "abc", ""),
                row(7, "101", "5", "blf", "102", "a<b"),
                row(8, "101", "1", "speed-dial", "200", ""));

        Import.Invalid invalid = (Import.Invalid) keys.importRows(rows, false, "cli");

        assertThat(invalid.problems()).extracting(Import.Problem::line, Import.Problem::column).containsExactly(
                org.assertj.core.groups.Tuple.tuple(3, "extension"), org.assertj.core.groups.Tuple.tuple(4, "position"),
                org.assertj.core.groups.Tuple.tuple(5, "type"), org.assertj.core.groups.Tuple.tuple(6, "value"),
                org.assertj.core.groups.Tuple.tuple(7, "label"), org.assertj.core.groups.Tuple.tuple(8, "position"));
        assertThat(invalid.problems().get(5).message()).contains("line 2");
        assertThat(keysOf("101")).isEmpty();
    }

    @Test
    void an_unknown_user_refuses_the_whole_file_after_the_other_users_were_checked() {
        List<Import.Row> rows = List.of(row(2, "101", "1", "blf", "102", ""), row(3, "555", "1", "blf", "102", ""));

        Import.Invalid invalid = (Import.Invalid) keys.importRows(rows, false, "cli");

        assertThat(invalid.problems()).containsExactly(new Import.Problem(3, "extension", "no user 555 (user add or user import first)"));
        assertThat(keysOf("101")).as("the first user's keys were written in the transaction that was undone").isEmpty();
        assertThat(ledger.audit()).noneMatch(a -> a.action().startsWith("user.keys"));
    }

    @Test
    void the_keys_go_with_a_removed_user() {
        keys.set("101", "1", "blf", "102", "", "cli");

        world.users.remove("101", "cli");

        assertThat(keys.all()).doesNotContainKey(Extension.of("101"));
    }

    @Test
    void keys_that_do_not_fit_the_desk_are_named_in_the_login_audit_and_in_status() {
        for (int p = 1; p <= 30; p++) {
            keys.set("101", Integer.toString(p), "blf", "102", "", "cli");
        }
        keys.set("102", "1", "blf", "101", "", "cli");

        world.pinLogin(MAC, "101", "4823");

        // a T54W has 27 line keys: line 1, the logout key 2, then 25 of the user's
        assertThat(ledger.audit()).filteredOn(a -> a.action().equals("login")).extracting(AuditEntry::detail)
                .singleElement().asString().endsWith(" keys-left-out=26,27,28,29,30");
        assertThat(world.status.lines(TestWorld.NODE)).singleElement()
                .satisfies(l -> assertThat(l.keysLeftOut()).extracting(UserKey::position).containsExactly(26, 27, 28, 29, 30));

        world.pinLogin(MAC, "102", "4824");
        assertThat(ledger.audit()).filteredOn(a -> a.action().equals("login")).last().extracting(AuditEntry::detail)
                .asString().doesNotContain("keys-left-out");
        assertThat(world.status.lines(TestWorld.NODE)).singleElement().satisfies(l -> assertThat(l.keysLeftOut()).isEmpty());
    }
}
