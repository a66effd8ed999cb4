package hotdesk.core.usecase;

import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Extension;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** An analog gateway's ports are desk lines of their own: people log in and out of each independently. */
class GatewayPortsTest {

    private static final String MAC = "c074ad000814";

    private final TestWorld world = new TestWorld();

    private List<DeskLine> ht814() {
        ManageDevices gateways = new ManageDevices(world.ledger, new SecureRandom(), Set.of("grandstream"), world.clock);
        ManageDevices.Result r = gateways.add(new ManageDevices.NewDevice(MAC, "grandstream", "HT814", "Lobby", "", "", 1), "test");
        assertThat(r).isInstanceOf(ManageDevices.Done.class);
        return ((ManageDevices.Done) r).lines();
    }

    @Test
    void two_people_log_in_on_two_ports_and_one_logging_out_leaves_the_other_seated() {
        // given
        List<DeskLine> ports = ht814();
        world.user("101", "Ada", "4823").user("102", "Bob", "5934");

        // when
        LogIn.Result ada = world.logIn.execute("hd-" + MAC, new LogIn.Pin(Extension.of("101"), "4823"), "test");
        LogIn.Result bob = world.logIn.execute("hd-" + MAC + "-3", new LogIn.Pin(Extension.of("102"), "5934"), "test");
        LogOut.Result adaOut = world.logOut.fromDesk(ports.get(0).endpointId(), "test");

        // then
        assertThat(ada).isInstanceOfSatisfying(LogIn.LoggedIn.class, l -> assertThat(l.endpointId()).isEqualTo("hd-" + MAC));
        assertThat(bob).isInstanceOfSatisfying(LogIn.LoggedIn.class, l -> assertThat(l.endpointId()).isEqualTo("hd-" + MAC + "-3"));
        assertThat(adaOut).isInstanceOfSatisfying(LogOut.LoggedOut.class,
                o -> assertThat(o.ended()).containsExactly(Extension.of("101")));
        List<String> seated = world.ledger.transact(tx -> tx.occupancies().stream().map(o -> o.endpointId()).toList());
        assertThat(seated).containsExactly("hd-" + MAC + "-3");
    }

    @Test
    void a_port_without_an_occupant_has_nothing_to_log_out() {
        ht814();
        world.user("101", "Ada", "4823");
        world.logIn.execute("hd-" + MAC + "-2", new LogIn.Pin(Extension.of("101"), "4823"), "test");

        assertThat(world.logOut.fromDesk("hd-" + MAC + "-4", "test")).isInstanceOf(LogOut.NotLoggedIn.class);
    }

    @Test
    void each_port_is_its_own_endpoint_in_asterisk_and_a_login_on_one_notifies_that_port_with_grandstreams_event() {
        // given
        ht814();
        world.reconcile.runOnce();
        world.user("101", "Ada", "4823");
        world.asterisk.clearLog();

        // when
        world.logIn.execute("hd-" + MAC + "-2", new LogIn.Pin(Extension.of("101"), "4823"), "test");
        world.reconcile.runOnce();

        // then
        for (String port : List.of("hd-" + MAC, "hd-" + MAC + "-2", "hd-" + MAC + "-3", "hd-" + MAC + "-4")) {
            assertThat(world.asterisk.endpoint(port)).as(port).isNotNull();
        }
        assertThat(world.asterisk.endpoint("hd-" + MAC + "-2").get("callerid")).contains("101");
        assertThat(world.asterisk.endpoint("hd-" + MAC + "-3").get("callerid")).doesNotContain("101");
        assertThat(world.asterisk.notifies()).contains(new hotdesk.testing.RecordingAsterisk.Notify("hd-" + MAC + "-2", "grandstream"))
                .noneMatch(n -> n.endpointId().equals("hd-" + MAC + "-3"));
    }
}
