package hotdesk.core.usecase;

import hotdesk.core.model.Extension;
import hotdesk.core.model.Target;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static hotdesk.testing.TestWorld.desk;
import static org.assertj.core.api.Assertions.assertThat;

/** A desk is in sync with Asterisk only when the person sitting at it is too. */
class DeskStatusTest {

    static final String MAC = "0015651234ab";
    TestWorld world;

    @BeforeEach
    void scene() {
        world = new TestWorld().user("101", "Alice", "4711").device(MAC);
        world.reconcile.runOnce();
    }

    private DeskStatus.Line line() {
        return world.status.lines(TestWorld.NODE).stream().filter(l -> l.line().endpointId().equals(desk(MAC)))
                .findFirst().orElseThrow();
    }

    @Test
    void an_idle_desk_that_asterisk_has_is_in_sync() {
        assertThat(line().inSync()).isTrue();
        assertThat(line().occupantApplied()).isTrue();
        assertThat(line().occupantError()).isEmpty();
    }

    @Test
    void an_occupied_desk_is_out_of_sync_while_the_occupants_endpoint_waits_and_names_its_error_when_it_failed() {
        assertThat(world.pinLogin(MAC, "101", "4711")).isInstanceOf(LogIn.LoggedIn.class);
        assertThat(line().inSync()).isTrue();
        Target alice = Target.user(Extension.of("101"));

        world.ledger.transact(tx -> {
            tx.bump(alice);
            return null;
        });

        assertThat(line().appliedRevision()).hasValueSatisfying(r -> assertThat(r).isGreaterThanOrEqualTo(line().revision()));
        assertThat(line().deskApplied()).isTrue();
        assertThat(line().occupantApplied()).isFalse();
        assertThat(line().inSync()).isFalse();
        assertThat(line().occupantError()).isEmpty();

        world.ledger.transact(tx -> {
            tx.markFailed(TestWorld.NODE, alice, world.clock.instant(), "ARI 403 Cannot update sorcery objects of type 'endpoint'");
            return null;
        });

        assertThat(line().occupantError()).hasValueSatisfying(e -> assertThat(e).contains("403"));
        assertThat(line().lastError()).isEmpty();
    }

    @Test
    void many_lines_read_table_by_table_give_exactly_what_a_few_lines_read_row_by_row_give() {
        // more lines than DeskStatus.BULK_FROM, with occupants, errors, sites, desk locations and keys in the mix
        int desks = DeskStatus.BULK_FROM + 8;
        assertThat(world.sites.add("HQ", java.util.Map.of("elin", "+15550001111"), "test"))
                .isInstanceOf(ManageSites.Done.class);
        for (int i = 0; i < desks; i++) {
            String mac = String.format("0015659%05x", i);
            world.device(mac);
            if (i % 3 == 0) {
                String ext = Integer.toString(300 + i);
                world.user(ext, "User " + i, "4711");
                world.ledger.transact(tx -> {
                    tx.setKeys(Extension.of(ext), java.util.List.of(new hotdesk.core.model.UserKey(1,
                            hotdesk.core.model.UserKey.Type.BLF, "101", "Alice")));
                    return null;
                });
                assertThat(world.pinLogin(mac, ext, "4711")).isInstanceOf(LogIn.LoggedIn.class);
            }
            if (i % 5 == 0) {
                String id = desk(mac);
                world.ledger.transact(tx -> {
                    tx.markFailed(TestWorld.NODE, Target.desk(id), world.clock.instant(), "ARI 500 for " + id);
                    return null;
                });
            }
        }
        java.util.List<DeskStatus.Line> all = world.status.lines(TestWorld.NODE);
        assertThat(all.size()).isGreaterThan(DeskStatus.BULK_FROM);
        assertThat(all).anyMatch(l -> l.lastError().isPresent()).anyMatch(l -> l.occupant().isPresent());

        for (DeskStatus.Line l : all) {
            DeskStatus.Line alone = world.status.watch(TestWorld.NODE, l.line().endpointId()::equals).get(0).line();
            assertThat(alone).isEqualTo(l);
        }
    }

    @Test
    void a_view_of_each_line_is_taken_as_it_is_read_in_the_order_of_the_full_listing() {
        for (int i = 0; i < DeskStatus.BULK_FROM + 3; i++) {
            world.device(String.format("0015658%05x", i));
        }
        java.util.List<DeskStatus.Line> all = world.status.lines(TestWorld.NODE);

        java.util.List<String> viewed = world.status.lines(TestWorld.NODE, l -> l.line().endpointId() + " " + l.state());

        assertThat(viewed).hasSize(DeskStatus.BULK_FROM + 4)
                .containsExactlyElementsOf(all.stream().map(l -> l.line().endpointId() + " " + l.state()).toList());
    }
}
