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
}
