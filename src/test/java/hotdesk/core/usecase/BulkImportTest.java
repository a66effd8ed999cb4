package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Device;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Target;
import hotdesk.core.model.User;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code user import} and {@code device import} through their use cases, on the in-memory ledger. */
class BulkImportTest {

    static final String PIN = "739164";
    static final String PIN2 = "583902";
    final InMemoryLedger ledger = new InMemoryLedger();
    final TestWorld world = new TestWorld(ledger);
    final ManageDevices devices = new ManageDevices(ledger, new SecureRandom(),
            Set.of("yealink", "grandstream", "snom"), world.clock);

    private static Import.Row row(int line, String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return new Import.Row(line, m);
    }

    private long latest() {
        return ledger.<Long>read(tx -> tx.latestRevision());
    }

    private Import.Result users(boolean dryRun, Import.Row... rows) {
        return world.users.importRows(List.of(rows), dryRun, "admin", Import.Progress.NONE);
    }

    private User user(String ext) {
        return ledger.read(tx -> tx.user(Extension.of(ext))).orElseThrow();
    }

    private static Import.Imported imported(Import.Result r) {
        assertThat(r).isInstanceOf(Import.Imported.class);
        return (Import.Imported) r;
    }

    // ---- users

    @Test
    void users_are_added_with_hashed_pins_and_their_fields_and_bumped() {
        long before = latest();

        Import.Imported r = imported(users(false,
                row(2, "extension", "201", "name", "Ada Lovelace", "pin", PIN, "mailbox", "201@default"),
                row(3, "extension", "202", "name", "Bob", "pin", PIN2, "context", "sales", "hotdesk", "off",
                        "enabled", "off", "policy", "deny")));

        assertThat(r.changes()).extracting(Import.Change::kind).containsExactly(Import.Kind.ADDED, Import.Kind.ADDED);
        assertThat(r.changes().get(1).diffs()).containsExactly("name=Bob", "context=sales", "hotdesk=off", "enabled=off",
                "policy=deny");
        User ada = user("201");
        assertThat(ada.context()).isEqualTo("internal");
        assertThat(ada.mailbox()).isEqualTo("201@default");
        assertThat(ada.pinHash().encoded()).doesNotContain(PIN);
        assertThat(world.hasher.verify(PIN, ada.pinHash())).isTrue();
        User bob = user("202");
        assertThat(bob.hotdeskEnabled()).isFalse();
        assertThat(bob.enabled()).isFalse();
        assertThat(bob.multiLogin()).hasValueSatisfying(m -> assertThat(m.value()).isEqualTo("deny"));
        assertThat(latest()).isGreaterThan(before);
        assertThat(ledger.<Long>read(tx -> tx.revision(Target.user(Extension.of("201"))))).isPositive();
        assertThat(ledger.audit()).extracting(AuditEntry::action).contains("user.add", "user.import");
    }

    @Test
    void a_big_file_adds_every_new_user_with_its_own_revision_and_audit_line_and_changes_the_stored_ones() {
        users(false, row(2, "extension", "10000", "name", "Kept", "pin", PIN));
        long before = latest();
        List<Import.Row> rows = new ArrayList<>();
        rows.add(row(2, "extension", "10000", "name", "Renamed"));
        for (int i = 1; i < UserImport.READ_ALL_FROM + 5; i++) {
            rows.add(row(2 + i, "extension", Integer.toString(10000 + i), "name", "User " + i, "pin", PIN2));
        }

        Import.Imported r = imported(world.users.importRows(rows, false, "admin", Import.Progress.NONE));

        int added = UserImport.READ_ALL_FROM + 4;
        assertThat(r.count(Import.Kind.ADDED)).isEqualTo(added);
        assertThat(r.changes().get(0)).isEqualTo(new Import.Change("10000", Import.Kind.CHANGED, List.of("name=Renamed")));
        assertThat(user("10000").name()).isEqualTo("Renamed");
        assertThat(world.hasher.verify(PIN2, user(Integer.toString(10000 + added)).pinHash())).isTrue();
        Set<Long> revisions = new java.util.HashSet<>();
        for (int i = 1; i <= added; i++) {
            Target t = Target.user(Extension.of(Integer.toString(10000 + i)));
            revisions.add(ledger.<Long>read(tx -> tx.revision(t)));
        }
        assertThat(revisions).hasSize(added).allMatch(v -> v > before);
        assertThat(ledger.audit()).filteredOn(a -> a.action().equals("user.add")).hasSize(added + 1);

        Import.Imported again = imported(world.users.importRows(rows, false, "admin", Import.Progress.NONE));
        assertThat(again.count(Import.Kind.UNCHANGED)).isEqualTo(added + 1);
    }

    @Test
    void pins_are_hashed_on_one_thread_per_processor_but_never_more_threads_than_pins() {
        assertThat(UserImport.hashThreads(2, 10_000)).isEqualTo(2);
        assertThat(UserImport.hashThreads(8, 3)).isEqualTo(3);
        assertThat(UserImport.hashThreads(1, 0)).isEqualTo(1);
    }

    @Test
    void importing_the_same_users_again_changes_nothing_not_even_the_pin_hash() {
        Import.Row[] rows = {row(2, "extension", "201", "name", "Ada", "pin", PIN, "policy", ""),
                row(3, "extension", "202", "name", "Bob", "pin", PIN2, "hotdesk", "on")};
        users(false, rows);
        String hash = user("201").pinHash().encoded();
        long before = latest();
        int audits = ledger.audit().size();

        Import.Imported again = imported(users(false, rows));

        assertThat(again.count(Import.Kind.UNCHANGED)).isEqualTo(2);
        assertThat(user("201").pinHash().encoded()).isEqualTo(hash);
        assertThat(latest()).isEqualTo(before);
        assertThat(ledger.audit()).hasSize(audits);
    }

    @Test
    void an_existing_users_pin_changes_only_when_the_pin_cell_is_not_empty() {
        users(false, row(2, "extension", "201", "name", "Ada", "pin", PIN));
        String hash = user("201").pinHash().encoded();

        Import.Imported kept = imported(users(false, row(2, "extension", "201", "name", "Ada L", "pin", "")));
        assertThat(kept.changes().get(0).diffs()).containsExactly("name=Ada_L");
        assertThat(user("201").pinHash().encoded()).isEqualTo(hash);

        Import.Imported changed = imported(users(false, row(2, "extension", "201", "pin", PIN2)));
        assertThat(changed.changes().get(0).diffs()).containsExactly("pin changed");
        assertThat(world.hasher.verify(PIN2, user("201").pinHash())).isTrue();
        assertThat(user("201").name()).isEqualTo("Ada L");
        assertThat(ledger.audit()).extracting(AuditEntry::action).contains("user.set-pin", "user.set");
    }

    @Test
    void every_bad_user_row_is_reported_with_line_and_column_and_nothing_is_written() {
        users(false, row(2, "extension", "201", "name", "Ada", "pin", PIN));
        long before = latest();

        Import.Result r = users(false,
                row(2, "extension", "202", "name", "Good", "pin", PIN2),
                row(3, "extension", "20a", "name", "Bad ext", "pin", PIN),
                row(4, "extension", "203", "name", "Common", "pin", "1234", "hotdesk", "maybe"),
                row(5, "extension", "202", "name", "Twice", "pin", PIN),
                row(6, "extension", "204", "name", "No <pin>", "policy", "sometimes"),
                row(7, "extension", "201", "context", "bad context"));

        assertThat(r).isInstanceOfSatisfying(Import.Invalid.class, i -> assertThat(i.problems())
                .extracting(p -> p.line() + ":" + p.column()).containsExactly(
                        "3:extension", "4:pin", "4:hotdesk", "5:extension", "6:name", "6:policy", "7:context"));
        assertThat(((Import.Invalid) r).problems().get(1).message()).startsWith("PIN must not be a run");
        assertThat(ledger.<List<User>>read(tx -> tx.users())).hasSize(1);
        assertThat(latest()).isEqualTo(before);
    }

    @Test
    void a_new_user_needs_a_name_and_a_pin_and_the_refusal_writes_nothing() {
        Import.Result r = users(false, row(2, "extension", "201", "name", "Ada", "pin", PIN),
                row(3, "extension", "202", "pin", PIN2), row(4, "extension", "203", "name", "Cy"));

        assertThat(r).isInstanceOfSatisfying(Import.Invalid.class, i -> assertThat(i.problems()).extracting(
                Import.Problem::toString).containsExactly("line 3, column name: user 202 is new: give a name",
                "line 4, column pin: user 203 is new: give a pin"));
        assertThat(ledger.<List<User>>read(tx -> tx.users())).isEmpty();
    }

    @Test
    void a_dry_run_says_what_would_change_and_writes_nothing() {
        users(false, row(2, "extension", "201", "name", "Ada", "pin", PIN));
        long before = latest();

        Import.Imported dry = imported(users(true, row(2, "extension", "201", "name", "Ada", "enabled", "off",
                "pin", PIN2), row(3, "extension", "202", "name", "Bob", "pin", PIN)));

        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.changes()).extracting(c -> c.key() + " " + c.kind() + " " + c.diffs()).containsExactly(
                "201 CHANGED [enabled=off, pin changed]", "202 ADDED [name=Bob, context=internal]");
        assertThat(ledger.<List<User>>read(tx -> tx.users())).hasSize(1);
        assertThat(user("201").enabled()).isTrue();
        assertThat(world.hasher.verify(PIN, user("201").pinHash())).isTrue();
        assertThat(latest()).isEqualTo(before);
    }

    @Test
    void disabling_a_seated_user_by_import_logs_them_out_as_user_set_does() {
        world.user("201", "Ada", PIN).device("0015651234ab");
        assertThat(world.pinLogin("0015651234ab", "201", PIN)).isInstanceOf(LogIn.LoggedIn.class);

        imported(users(false, row(2, "extension", "201", "enabled", "off")));

        assertThat(ledger.<List<?>>read(tx -> tx.seatsOfUser(Extension.of("201")))).isEmpty();
        assertThat(ledger.audit()).extracting(AuditEntry::action).contains("logout", "user.set");
    }

    @Test
    void pins_are_never_exported_and_progress_counts_the_pins() {
        assertThat(ManageUsers.EXPORTED).doesNotContain(ManageUsers.PIN);
        assertThatThrownBy(() -> ManageUsers.value(new User(Extension.of("201"), "A", world.hasher.hash(PIN), true,
                "internal", "", "s".repeat(24), false), ManageUsers.PIN)).isInstanceOf(IllegalArgumentException.class);
        List<String> steps = Collections.synchronizedList(new ArrayList<>());

        world.users.importRows(List.of(row(2, "extension", "201", "name", "A", "pin", PIN),
                row(3, "extension", "202", "name", "B", "pin", PIN2)), false, "admin",
                (step, done, total) -> steps.add(step + " " + done + "/" + total));

        assertThat(steps).contains("pins 0/2", "pins 2/2").hasSize(3);
    }

    @Test
    void a_dry_run_hashes_no_new_users_pin_but_checks_an_existing_users_one() {
        users(false, row(2, "extension", "201", "name", "Ada", "pin", PIN));
        List<String> steps = Collections.synchronizedList(new ArrayList<>());

        Import.Result r = world.users.importRows(List.of(row(2, "extension", "201", "pin", PIN),
                row(3, "extension", "202", "name", "B", "pin", PIN2)), true, "admin",
                (step, done, total) -> steps.add(step + " " + done + "/" + total));

        assertThat(steps).containsExactly("pins 0/1", "pins 1/1");
        assertThat(imported(r).changes()).extracting(Import.Change::kind).containsExactly(Import.Kind.UNCHANGED,
                Import.Kind.ADDED);
        assertThat(ledger.<List<User>>read(tx -> tx.users())).hasSize(1);
    }

    // ---- devices

    private Import.Result devices(boolean dryRun, Import.Row... rows) {
        return devices.importRows(List.of(rows), dryRun, "admin");
    }

    @Test
    void devices_are_added_and_a_gateway_gets_one_line_per_port() {
        Import.Imported r = imported(devices(false,
                row(2, "mac", "00:15:65:12:34:ab", "vendor", "yealink", "model", "t54w", "label", "Desk 1", "site", "HQ",
                        "elin", "+15551230000"),
                row(3, "mac", "c074ad000814", "vendor", "grandstream", "model", "HT814")));

        assertThat(r.changes()).extracting(Import.Change::kind).containsOnly(Import.Kind.ADDED);
        assertThat(r.changes().get(1).diffs()).contains("lines=4");
        Device d = ledger.read(tx -> tx.device(Mac.parse("0015651234ab"))).orElseThrow();
        assertThat(d.model()).isEqualTo("T54W");
        assertThat(d.label()).isEqualTo("Desk 1");
        assertThat(ledger.<Integer>read(tx -> tx.linesOf(Mac.parse("c074ad000814")).size())).isEqualTo(4);
        assertThat(ledger.<Long>read(tx -> tx.revision(Target.desk("hd-c074ad000814-4")))).isPositive();
    }

    @Test
    void importing_the_same_devices_again_changes_nothing_and_a_change_is_pushed() {
        Import.Row[] rows = {row(2, "mac", "0015651234ab", "vendor", "yealink", "model", "T54W", "label", "",
                "enabled", "on")};
        devices(false, rows);
        long before = latest();

        assertThat(imported(devices(false, rows)).count(Import.Kind.UNCHANGED)).isEqualTo(1);
        assertThat(latest()).isEqualTo(before);

        Import.Imported changed = imported(devices(false, row(2, "mac", "0015651234ab", "site", "Annex", "enabled", "off")));
        assertThat(changed.changes().get(0).diffs()).containsExactly("site: '' -> 'Annex'", "enabled=off");
        assertThat(latest()).isGreaterThan(before);
        assertThat(ledger.read(tx -> tx.device(Mac.parse("0015651234ab"))).orElseThrow().enabled()).isFalse();
    }

    @Test
    void an_unknown_model_and_every_other_bad_device_row_are_refused_with_line_and_column_and_nothing_is_written() {
        devices(false, row(2, "mac", "0015651234ab", "vendor", "yealink", "model", "T54W"));
        long before = latest();

        Import.Result r = devices(false,
                row(2, "mac", "0015651234ac", "vendor", "yealink", "model", "T54W"),
                row(3, "mac", "0015651234ad", "vendor", "yealink", "model", "T99"),
                row(4, "mac", "desk-1", "vendor", "yealink", "model", "T54W"),
                row(5, "mac", "0015651234ae", "vendor", "acme", "model", "X1", "elin", "call-me"),
                row(6, "mac", "0015651234ab", "vendor", "snom"),
                row(7, "mac", "0015651234af", "label", "Desk 7"),
                row(8, "mac", "00:15:65:12:34:ac", "vendor", "yealink", "model", "T54W"));

        assertThat(r).isInstanceOf(Import.Invalid.class);
        List<Import.Problem> problems = ((Import.Invalid) r).problems();
        assertThat(problems).extracting(p -> p.line() + ":" + p.column())
                .containsExactly("4:mac", "5:vendor", "5:elin", "8:mac");
        Import.Result r2 = devices(false,
                row(2, "mac", "0015651234ac", "vendor", "yealink", "model", "T54W"),
                row(3, "mac", "0015651234ad", "vendor", "yealink", "model", "T99"),
                row(6, "mac", "0015651234ab", "vendor", "snom"),
                row(7, "mac", "0015651234af", "label", "Desk 7"),
                row(9, "mac", "0015651234ab", "model", "HT814"));
        assertThat(r2).isInstanceOf(Import.Invalid.class);
        // the duplicate MAC of line 9 is caught before the ledger checks
        List<Import.Problem> p2 = ((Import.Invalid) r2).problems();
        assertThat(p2).extracting(p -> p.line() + ":" + p.column()).containsExactly("9:mac");

        Import.Result r3 = devices(false,
                row(2, "mac", "0015651234ac", "vendor", "yealink", "model", "T54W"),
                row(3, "mac", "0015651234ad", "vendor", "yealink", "model", "T99"),
                row(6, "mac", "0015651234ab", "vendor", "snom"),
                row(7, "mac", "0015651234af", "label", "Desk 7"));
        List<Import.Problem> p3 = ((Import.Invalid) r3).problems();
        assertThat(p3).extracting(p -> p.line() + ":" + p.column()).containsExactly("3:model", "6:vendor", "7:vendor", "7:model");
        assertThat(p3.get(0).message()).contains("not eligible");
        assertThat(ledger.<List<Device>>read(tx -> tx.devices())).hasSize(1);
        assertThat(latest()).isEqualTo(before);
    }

    @Test
    void a_model_with_another_number_of_lines_is_refused_for_an_existing_device() {
        devices(false, row(2, "mac", "c074ad000814", "vendor", "grandstream", "model", "HT814"));

        Import.Result r = devices(false, row(2, "mac", "c074ad000814", "model", "HT812"));

        assertThat(r).isInstanceOfSatisfying(Import.Invalid.class, i -> assertThat(i.problems().get(0).toString())
                .isEqualTo("line 2, column model: model HT812 is 2 desk line(s) but device C0:74:AD:00:08:14 has 4: "
                        + "remove and add it instead"));
    }

    @Test
    void a_device_dry_run_writes_nothing() {
        long before = latest();

        Import.Imported dry = imported(devices(true, row(2, "mac", "0015651234ab", "vendor", "yealink", "model", "T54W")));

        assertThat(dry.changes().get(0).kind()).isEqualTo(Import.Kind.ADDED);
        assertThat(ledger.<List<Device>>read(tx -> tx.devices())).isEmpty();
        assertThat(latest()).isEqualTo(before);
    }
}
