package hotdesk.core.usecase;

import hotdesk.core.model.Extension;
import hotdesk.core.model.Occupancy;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link LogOut#userAtDesk}: the desk page's logout button ends only the session of the user who signed in there. */
class UserAtDeskLogOutTest {

    private static final String MAC = "00:15:65:00:00:01";
    private final TestWorld world = new TestWorld().user("101", "Alice", "3865").user("102", "Bob", "5197").device(MAC);

    private Optional<Occupancy> seated() {
        return world.ledger.read(tx -> tx.occupancyOfLine(TestWorld.desk(MAC)));
    }

    @Test
    void the_user_still_seated_is_logged_out_with_reason_logout() {
        assertThat(world.pinLogin(MAC, "101", "3865")).isInstanceOf(LogIn.LoggedIn.class);

        LogOut.Result r = world.logOut.userAtDesk(TestWorld.desk(MAC), Extension.of("101"), "web:192.0.2.7");

        assertThat(r).isInstanceOfSatisfying(LogOut.LoggedOut.class, out -> assertThat(out.ended()).containsExactly(Extension.of("101")));
        assertThat(seated()).isEmpty();
    }

    @Test
    void someone_who_sat_down_since_is_left_alone() {
        world.pinLogin(MAC, "101", "3865");
        world.pinLogin(MAC, "102", "5197");

        LogOut.Result r = world.logOut.userAtDesk(TestWorld.desk(MAC), Extension.of("101"), "web:192.0.2.7");

        assertThat(r).isInstanceOf(LogOut.NotLoggedIn.class);
        assertThat(seated()).map(Occupancy::extension).contains(Extension.of("102"));
    }

    @Test
    void an_unknown_desk_line_is_unknown() {
        assertThat(world.logOut.userAtDesk("hd-nothere", Extension.of("101"), "web:192.0.2.7")).isInstanceOf(LogOut.Unknown.class);
    }
}
