package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.CivicField;
import hotdesk.core.model.Site;
import hotdesk.core.model.Target;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static hotdesk.testing.TestWorld.desk;
import static org.assertj.core.api.Assertions.assertThat;

/** Sites and desks' own locations through their use cases, on the in-memory ledger. */
class ManageSitesTest {

    static final String MAC = "0015651234ab";
    final InMemoryLedger ledger = new InMemoryLedger();
    TestWorld world;

    @BeforeEach
    void scene() {
        world = new TestWorld(ledger).device(MAC); // names site HQ
    }

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

    @Test
    void a_site_is_added_with_its_fields_and_its_desks_follow() {
        var r = world.sites.add("HQ", Map.of("elin", "+15551230000", "country", "us", "city", "New York",
                "time-zone", "America/New_York"), "admin");

        assertThat(r).isInstanceOfSatisfying(ManageSites.Done.class, d -> {
            assertThat(d.site().address().get(CivicField.COUNTRY)).isEqualTo("US");
            assertThat(d.site().timeZone()).isEqualTo("America/New_York");
            assertThat(d.desks()).containsExactly(desk(MAC));
            assertThat(d.change().kind()).isEqualTo(Import.Kind.ADDED);
            assertThat(d.change().diffs()).containsExactly("elin=+15551230000", "country=US", "city=New York",
                    "time-zone=America/New_York");
        });
        assertThat(ledger.audit()).extracting(AuditEntry::action).contains("site.add");
    }

    @Test
    void a_bad_value_is_refused_naming_the_field_and_nothing_is_written() {
        long before = latest();

        assertThat(world.sites.add("HQ", Map.of("country", "USA"), "admin"))
                .isEqualTo(new ManageSites.Refused("country must be a 2-letter ISO 3166 country code such as US, DE or GB, got 'USA'"));
        assertThat(world.sites.add("HQ", Map.of("street", "Main St, 5"), "admin")).isInstanceOfSatisfying(
                ManageSites.Refused.class, r -> assertThat(r.why()).startsWith("street (RD) must be at most 64 characters"));
        assertThat(world.sites.add("HQ", Map.of("floor", "3"), "admin")).isInstanceOfSatisfying(
                ManageSites.Refused.class, r -> assertThat(r.why()).startsWith("a site has no field 'floor'"));
        assertThat(world.sites.add("H,Q", Map.of(), "admin")).isInstanceOf(ManageSites.Refused.class);

        assertThat(world.sites.list()).isEmpty();
        assertThat(latest()).isEqualTo(before);
    }

    @Test
    void set_changes_only_the_given_fields_and_an_empty_value_clears_one() {
        world.sites.add("HQ", Map.of("elin", "+15551230000", "country", "US", "city", "New York", "street", "Main St"), "a");

        var r = world.sites.set("HQ", Map.of("city", "Boston", "street", ""), "admin");

        assertThat(r).isInstanceOfSatisfying(ManageSites.Done.class, d -> {
            assertThat(d.change().diffs()).containsExactly("city: 'New York' -> 'Boston'", "street: 'Main St' -> ''");
            assertThat(d.site().elin()).isEqualTo("+15551230000");
            assertThat(d.site().address().locationInfo()).isEqualTo("country=US,A3=Boston");
        });
    }

    @Test
    void set_of_a_missing_site_or_with_nothing_to_set_is_refused_and_add_of_an_existing_one_too() {
        world.sites.add("HQ", Map.of(), "a");

        assertThat(world.sites.set("Annex", Map.of("city", "X"), "a"))
                .isEqualTo(new ManageSites.Refused("no site Annex (hotdesk site add creates it)"));
        assertThat(world.sites.set("HQ", Map.of(), "a")).isInstanceOf(ManageSites.Refused.class);
        assertThat(world.sites.add("HQ", Map.of("city", "X"), "a"))
                .isEqualTo(new ManageSites.Refused("site HQ exists already (hotdesk site set changes it)"));
        assertThat(world.sites.list()).singleElement().satisfies(s -> assertThat(s.address().isEmpty()).isTrue());
    }

    @Test
    void a_site_that_devices_name_cannot_be_removed_and_the_refusal_names_them() {
        world.device("001565000002");
        world.sites.add("HQ", Map.of(), "a");
        world.sites.add("Annex", Map.of(), "a");

        assertThat(world.sites.remove("HQ", "a")).isEqualTo(new ManageSites.Refused("site HQ is the site of 2 device(s): "
                + "00:15:65:00:00:02 (Hot desk 000002), 00:15:65:12:34:AB (Hot desk 1234ab); give them another site or "
                + "remove them first"));
        assertThat(world.sites.remove("Annex", "a")).isInstanceOf(ManageSites.Done.class);
        assertThat(world.sites.remove("Annex", "a")).isEqualTo(new ManageSites.Refused("no site Annex"));
        assertThat(world.sites.list()).extracting(Site::name).containsExactly("HQ");
    }

    @Test
    void an_import_upserts_every_row_in_one_go_and_again_changes_nothing() {
        world.sites.add("HQ", Map.of("elin", "+15550000000", "city", "Old"), "a");
        List<Import.Row> rows = List.of(
                row(2, "name", "HQ", "city", "New York", "country", "US"),
                row(3, "name", "Annex", "elin", "+15559990000", "city", "Newark"));

        Import.Result first = world.sites.importRows(rows, false, "cli");
        long after = latest();
        Import.Result again = world.sites.importRows(rows, false, "cli");

        assertThat(first).isInstanceOfSatisfying(Import.Imported.class, i -> {
            assertThat(i.count(Import.Kind.ADDED)).isEqualTo(1);
            assertThat(i.count(Import.Kind.CHANGED)).isEqualTo(1);
            assertThat(i.changes().get(0).diffs()).containsExactly("country: '' -> 'US'", "city: 'Old' -> 'New York'");
        });
        assertThat(world.sites.list()).extracting(s -> s.name() + " " + s.elin() + " " + s.address().locationInfo())
                .containsExactly("Annex +15559990000 A3=Newark", "HQ +15550000000 country=US,A3=New York");
        assertThat(again).isInstanceOfSatisfying(Import.Imported.class,
                i -> assertThat(i.count(Import.Kind.UNCHANGED)).isEqualTo(2));
        assertThat(latest()).as("nothing changed, nothing bumped").isEqualTo(after);
        assertThat(ledger.<Long>read(tx -> tx.revision(Target.desk(desk(MAC))))).isPositive();
    }

    @Test
    void a_dry_run_says_what_would_change_and_writes_nothing() {
        long before = latest();

        Import.Result r = world.sites.importRows(List.of(row(2, "name", "HQ", "elin", "911")), true, "cli");

        assertThat(r).isInstanceOfSatisfying(Import.Imported.class, i -> {
            assertThat(i.dryRun()).isTrue();
            assertThat(i.changes()).singleElement().satisfies(c -> assertThat(c.kind()).isEqualTo(Import.Kind.ADDED));
        });
        assertThat(world.sites.list()).isEmpty();
        assertThat(latest()).isEqualTo(before);
        assertThat(ledger.audit()).extracting(AuditEntry::action).doesNotContain("site.import");
    }

    @Test
    void every_bad_cell_is_reported_with_line_and_column_and_nothing_is_imported() {
        List<Import.Row> rows = List.of(
                row(2, "name", "Good", "city", "Fine"),
                row(3, "name", "Bad", "country", "USA", "elin", "call me", "time-zone", "Mars/Base"),
                row(4, "name", "", "city", "X"),
                row(5, "name", "Good", "city", "Twice"),
                row(6, "name", "Odd", "colour", "blue"));

        Import.Result r = world.sites.importRows(rows, false, "cli");

        assertThat(r).isInstanceOfSatisfying(Import.Invalid.class, i -> assertThat(i.problems())
                .extracting(p -> p.line() + ":" + p.column())
                .containsExactly("3:elin", "3:country", "3:time-zone", "4:name", "5:name", "6:colour"));
        assertThat(((Import.Invalid) r).problems().get(4).message()).isEqualTo("site Good is on line 2 already");
        assertThat(world.sites.list()).isEmpty();
    }

    @Test
    void a_desks_location_is_set_field_by_field_and_refused_for_a_bad_value_or_an_unknown_device() {
        var set = world.locations.set(MAC, Map.of("floor", "3", "room", "301"), "admin");
        var more = world.locations.set(MAC, Map.of("room", "", "seat", "7"), "admin");

        assertThat(set).isInstanceOfSatisfying(LocateDesks.Done.class,
                d -> assertThat(d.change().diffs()).containsExactly("floor: '' -> '3'", "room: '' -> '301'"));
        assertThat(more).isInstanceOfSatisfying(LocateDesks.Done.class,
                d -> assertThat(d.view().deskFields().locationInfo()).isEqualTo("FLR=3,SEAT=7"));
        assertThat(world.locations.set(MAC, Map.of("country", "US"), "admin")).isInstanceOfSatisfying(LocateDesks.Refused.class,
                r -> assertThat(r.why()).startsWith("a desk has no location field 'country'"));
        assertThat(world.locations.set(MAC, Map.of("room", "1;2"), "admin")).isInstanceOfSatisfying(LocateDesks.Refused.class,
                r -> assertThat(r.why()).startsWith("room (ROOM) must be"));
        assertThat(world.locations.set("001565999999", Map.of("room", "1"), "admin"))
                .isEqualTo(new LocateDesks.Refused("no device 00:15:65:99:99:99"));
        assertThat(world.locations.show(MAC).orElseThrow().deskFields().locationInfo()).isEqualTo("FLR=3,SEAT=7");
    }

    @Test
    void a_location_import_refuses_an_unknown_mac_with_its_line_and_writes_nothing() {
        long before = latest();

        Import.Result r = world.locations.importRows(List.of(
                row(2, "mac", MAC, "floor", "3"),
                row(3, "mac", "00:15:65:99:99:99", "floor", "4")), false, "cli");

        assertThat(r).isInstanceOfSatisfying(Import.Invalid.class, i -> assertThat(i.problems()).containsExactly(
                new Import.Problem(3, "mac", "no device 00:15:65:99:99:99 (hotdesk device add creates it)")));
        assertThat(world.locations.show(MAC).orElseThrow().deskFields().isEmpty()).isTrue();
        assertThat(latest()).isEqualTo(before);
    }

    @Test
    void a_device_added_with_its_location_has_it_and_a_bad_one_adds_no_device() {
        var good = world.devices.add(new ManageDevices.NewDevice("001565000003", "yealink", "T54W", null, "", "", 1),
                Map.of("floor", "2", "seat", "B"), "admin");
        var bad = world.devices.add(new ManageDevices.NewDevice("001565000004", "yealink", "T54W", null, "", "", 1),
                Map.of("floor", "2,3"), "admin");

        assertThat(good).isInstanceOf(ManageDevices.Done.class);
        assertThat(world.locations.show("001565000003").orElseThrow().deskFields().locationInfo()).isEqualTo("FLR=2,SEAT=B");
        assertThat(bad).isInstanceOfSatisfying(ManageDevices.Refused.class,
                r -> assertThat(r.why()).startsWith("floor (FLR) must be at most 16 characters"));
        assertThat(world.devices.list()).extracting(d -> d.mac().value()).doesNotContain("001565000004");
    }
}
