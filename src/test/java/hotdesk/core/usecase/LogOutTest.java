package hotdesk.core.usecase;

import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;

import static hotdesk.testing.TestWorld.desk;
import static org.assertj.core.api.Assertions.assertThat;

class LogOutTest {

    static final String MAC = "0015651234ab";
    final InMemoryLedger ledger = new InMemoryLedger();
    TestWorld world;

    @BeforeEach
    void scene() {
        world = new TestWorld(ledger).user("101", "Alice", "4711").device(MAC);
        world.pinLogin(MAC, "101", "4711");
        world.asterisk.clearLog();
    }

    @Test
    void logout_from_the_desk_restores_the_idle_profile() {
        LogOut.Result r = world.logOut.fromDesk(desk(MAC), "test");

        assertThat(r).isEqualTo(new LogOut.LoggedOut(List.of(Extension.of("101")), true));
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("context", "hotdesk-idle")
                .containsEntry("callerid", "\"Hot desk 1234ab\" <>").containsEntry("accountcode", "")
                .containsEntry("mailboxes", "");
        assertThat(world.asterisk.endpoint("101")).containsEntry("aors", "101");
        assertThat(world.asterisk.astdb()).doesNotContainKey("desk/" + desk(MAC) + "/occupant");
        assertThat(world.asterisk.notifies()).hasSize(1);
        assertThat(ledger.history()).singleElement().satisfies(h -> assertThat(h.reason()).isEqualTo(EndReason.LOGOUT));
    }

    @Test
    void logging_out_a_free_desk_changes_nothing() {
        world.logOut.fromDesk(desk(MAC), "test");
        world.asterisk.clearLog();

        assertThat(world.logOut.fromDesk(desk(MAC), "test")).isEqualTo(new LogOut.NotLoggedIn());
        assertThat(world.asterisk.operations()).isEmpty();
    }

    @Test
    void logout_from_an_endpoint_that_is_not_a_desk_is_unknown() {
        assertThat(world.logOut.fromDesk("101", "test")).isInstanceOf(LogOut.Unknown.class);
    }

    @Test
    void an_admin_forces_a_logout_by_device_or_by_user() {
        assertThat(world.logOut.forceDevice(Mac.parse(MAC), "cli")).isInstanceOf(LogOut.LoggedOut.class);
        world.pinLogin(MAC, "101", "4711");
        assertThat(world.logOut.forceUser(Extension.of("101"), "cli")).isInstanceOf(LogOut.LoggedOut.class);

        assertThat(ledger.history()).extracting(InMemoryLedger.Ended::reason).containsExactly(EndReason.FORCED, EndReason.FORCED);
        assertThat(world.logOut.forceUser(Extension.of("999"), "cli")).isInstanceOf(LogOut.Unknown.class);
    }

    @Test
    void a_logout_written_by_the_cli_is_applied_by_the_next_reconcile_pass() {
        LogOut cli = new LogOut(ledger, ApplyNow.later(), Clock.systemUTC());

        assertThat(cli.forceDevice(Mac.parse(MAC), "cli")).isEqualTo(new LogOut.LoggedOut(List.of(Extension.of("101")), false));
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("accountcode", "101");

        world.reconcile.runOnce();

        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("accountcode", "");
        assertThat(world.asterisk.notifies()).extracting(n -> n.endpointId()).containsExactly(desk(MAC));
    }
}
