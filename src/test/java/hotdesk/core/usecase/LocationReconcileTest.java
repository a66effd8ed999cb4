package hotdesk.core.usecase;

import hotdesk.core.model.Target;
import hotdesk.core.policy.PjsipProfile;
import hotdesk.core.policy.Projections;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static hotdesk.testing.TestWorld.NODE;
import static hotdesk.testing.TestWorld.desk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reconciler keeps a desk's emergency facts (AstDB {@code desk/<ep>/elin|civic|where}) and its idle
 * caller ID in line with its site and its own location: a change of the site rewrites every desk of the
 * site, and the facts stay the desk's whoever sits there.
 */
class LocationReconcileTest {

    static final String MAC = "0015651234ab";
    static final String OTHER = "001565000002";
    final InMemoryLedger ledger = new InMemoryLedger();
    TestWorld world;

    @BeforeEach
    void scene() {
        // both devices name site HQ (TestWorld.device), which the site list does not have yet
        world = new TestWorld(ledger).user("101", "Alice", "4711").device(MAC).device(OTHER);
        world.reconcile.runOnce();
    }

    private String fact(String mac, String name) {
        return world.asterisk.astdb().get("desk/" + desk(mac) + "/" + name);
    }

    private long revision(String mac) {
        return ledger.read(tx -> tx.revision(Target.desk(desk(mac))));
    }

    @Test
    void a_desk_of_a_site_not_yet_in_the_list_has_no_elin_no_civic_and_a_caller_id_without_number() {
        assertThat(fact(MAC, "elin")).isNull();
        assertThat(fact(MAC, "civic")).isNull();
        assertThat(fact(MAC, "where")).isEqualTo("HQ - Hot desk 1234ab");
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("callerid", "\"Hot desk 1234ab\" <>");
    }

    @Test
    void adding_the_site_and_changing_it_rewrites_the_facts_of_every_desk_of_the_site() {
        long before = revision(MAC);
        world.sites.add("HQ", Map.of("elin", "+15551230000", "country", "US", "city", "New York"), "test");
        assertThat(revision(MAC)).isGreaterThan(before);
        world.reconcile.runOnce();

        assertThat(fact(MAC, "elin")).isEqualTo("+15551230000");
        assertThat(fact(OTHER, "elin")).isEqualTo("+15551230000");
        assertThat(fact(MAC, "civic")).isEqualTo("country=US,A3=New York");
        assertThat(world.asterisk.endpoint(desk(OTHER))).containsEntry("callerid", "\"Hot desk 000002\" <+15551230000>");

        world.asterisk.clearLog();
        world.sites.set("HQ", Map.of("city", "Boston", "elin", "+15557770000"), "test");
        world.reconcile.runOnce();

        assertThat(fact(MAC, "civic")).isEqualTo("country=US,A3=Boston");
        assertThat(fact(OTHER, "elin")).isEqualTo("+15557770000");
        assertThat(world.asterisk.operations()).contains("PUT endpoint/" + desk(MAC), "PUT endpoint/" + desk(OTHER));
        // a desk revision is a desk revision: each phone of the site is told once and re-reads its (unchanged) config
        assertThat(world.asterisk.notifies()).extracting(n -> n.endpointId())
                .containsExactlyInAnyOrder(desk(MAC), desk(OTHER));
    }

    @Test
    void a_site_set_to_what_it_holds_bumps_nothing() {
        world.sites.add("HQ", Map.of("elin", "+15551230000"), "test");
        world.reconcile.runOnce();
        long before = revision(MAC);

        world.sites.set("HQ", Map.of("elin", "+15551230000"), "test");

        assertThat(revision(MAC)).isEqualTo(before);
        assertThat(world.reconcile.idle()).isTrue();
    }

    @Test
    void a_desks_own_location_and_elin_win_and_only_that_desk_is_rewritten() {
        world.sites.add("HQ", Map.of("elin", "+15551230000", "country", "US", "building", "1"), "test");
        world.reconcile.runOnce();
        long other = revision(OTHER);

        world.locations.set(MAC, Map.of("building", "2", "floor", "3", "room", "301"), "test");
        world.reconcile.runOnce();

        assertThat(fact(MAC, "civic")).isEqualTo("country=US,BLD=2,FLR=3,ROOM=301");
        assertThat(fact(MAC, "where")).isEqualTo("HQ Bldg 2 Fl 3 Rm 301 - Hot desk 1234ab");
        assertThat(fact(OTHER, "civic")).isEqualTo("country=US,BLD=1");
        assertThat(revision(OTHER)).isEqualTo(other);
    }

    @Test
    void the_facts_stay_the_desks_while_someone_sits_there_and_after_they_leave() {
        world.sites.add("HQ", Map.of("elin", "+15551230000", "country", "US"), "test");
        world.reconcile.runOnce();
        Map<String, String> idle = Map.of("elin", fact(MAC, "elin"), "civic", fact(MAC, "civic"), "where", fact(MAC, "where"));

        world.pinLogin(MAC, "101", "4711");
        world.reconcile.runOnce();

        assertThat(fact(MAC, "occupant")).isEqualTo("101");
        assertThat(Map.of("elin", fact(MAC, "elin"), "civic", fact(MAC, "civic"), "where", fact(MAC, "where"))).isEqualTo(idle);
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("callerid", "\"Alice\" <101>");

        world.logOut.fromDesk(desk(MAC), "test");
        world.reconcile.runOnce();
        assertThat(fact(MAC, "elin")).isEqualTo("+15551230000");
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("callerid", "\"Hot desk 1234ab\" <+15551230000>");
    }

    @Test
    void the_default_elin_of_the_node_stands_in_when_desk_and_site_have_none() {
        Reconcile withDefault = new Reconcile(ledger, world.asterisk, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults(), "+15550000000"), world.clock, NODE, Duration.ofSeconds(60));

        withDefault.runOnce();

        assertThat(fact(MAC, "elin")).isEqualTo("+15550000000");
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("callerid", "\"Hot desk 1234ab\" <+15550000000>");
    }

    @Test
    void a_removed_desk_has_its_location_facts_deleted() {
        world.sites.add("HQ", Map.of("elin", "+15551230000", "country", "US"), "test");
        world.reconcile.runOnce();

        world.devices.remove(MAC, "test");
        world.reconcile.runOnce();

        assertThat(world.asterisk.astdb()).doesNotContainKeys("desk/" + desk(MAC) + "/elin", "desk/" + desk(MAC) + "/civic",
                "desk/" + desk(MAC) + "/where", "desk/" + desk(MAC) + "/occupant");
        assertThat(fact(OTHER, "elin")).isEqualTo("+15551230000");
    }
}
