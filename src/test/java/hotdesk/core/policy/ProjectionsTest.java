package hotdesk.core.policy;

import hotdesk.core.model.CivicField;
import hotdesk.core.model.CivicLocation;
import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.SecretHash;
import hotdesk.core.model.Site;
import hotdesk.core.model.User;
import hotdesk.core.port.PjsipObject;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProjectionsTest {

    static final Mac MAC = Mac.parse("0015651234ab");
    static final SecretHash HASH = new SecretHasher(1000, new SecureRandom()).hash("4711");
    final Projections projections = new Projections(PjsipProfile.defaults());
    final DeskLine line = new DeskLine("hd-0015651234ab", MAC, 1, "Desk-secret-0123456789");
    final Device device = new Device(MAC, "yealink", "T54W", "Reception", "HQ", "+15551234", true);

    static User user(String name, String context) {
        return new User(Extension.of("101"), name, HASH, true, context, "101@default", "User-secret-0123456789", false);
    }

    @Test
    void a_desk_is_pushed_as_complete_auth_aor_endpoint_in_that_order() {
        List<PjsipObject> objects = projections.desk(line, device, Optional.empty());

        assertThat(objects).extracting(PjsipObject::type)
                .containsExactly(PjsipObject.Type.AUTH, PjsipObject.Type.AOR, PjsipObject.Type.ENDPOINT);
        assertThat(objects.get(2).fields()).containsEntry("auth", "hd-0015651234ab-auth").containsEntry("aors", "hd-0015651234ab")
                .containsEntry("transport", "transport-udp").containsEntry("context", "hotdesk-idle")
                .containsEntry("callerid", "\"Reception\" <+15551234>")
                .containsKeys("mailboxes", "accountcode", "direct_media").doesNotContainKey("set_var");
        assertThat(objects.get(0).toString()).doesNotContain("Desk-secret");
    }

    @Test
    void idle_and_occupied_desks_carry_the_same_field_names_so_an_update_clears_what_it_must() {
        Map<String, String> idle = projections.desk(line, device, Optional.empty()).get(2).fields();
        Map<String, String> busy = projections.desk(line, device, Optional.of(user("Alice", "internal"))).get(2).fields();

        assertThat(busy.keySet()).isEqualTo(idle.keySet());
        assertThat(busy).containsEntry("accountcode", "101").containsEntry("mailboxes", "101@default")
                .containsEntry("context", "hotdesk-seated");
        assertThat(idle).containsEntry("accountcode", "").containsEntry("mailboxes", "");
    }

    @Test
    void the_aors_on_their_own_are_the_aors_of_the_whole_projections_whoever_sits_there() {
        // a full pass pushes every AOR first from these, then the rest of each target from desk() and user()
        for (Optional<User> occupant : List.of(Optional.<User>empty(), Optional.of(user("Alice", "internal")))) {
            assertThat(projections.deskAor("hd-0015651234ab")).isEqualTo(projections.desk(line, device, occupant).get(1));
        }
        assertThat(projections.userAor(hotdesk.core.model.Extension.of("101")))
                .isEqualTo(projections.user(user("Alice", "internal"), List.of("hd-0015651234ab")).get(1))
                .isEqualTo(projections.user(user("Alice", "internal"), List.of()).get(1));
        assertThatThrownBy(() -> projections.deskAor("hd-00 bad")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_seated_user_has_the_desk_aor_first() {
        var ep = projections.user(user("Alice", "internal"), List.of("hd-0015651234ab")).get(2).fields();

        assertThat(ep).containsEntry("aors", "hd-0015651234ab,101").containsEntry("auth", "101-auth");
    }

    @Test
    void values_that_would_corrupt_asterisk_objects_are_refused_before_any_push() {
        assertThatThrownBy(() -> projections.desk(line, device, Optional.of(user("Eve\" <999>", "internal"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("caller ID name");
        assertThatThrownBy(() -> projections.desk(line, device, Optional.of(user("Eve\nset_var=x", "internal"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control characters");
        assertThatThrownBy(() -> projections.desk(line, device, Optional.of(user("Eve", "internal,evil"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context");
        // the desk's own context as the user's would send every call back to itself
        assertThatThrownBy(() -> projections.desk(line, device, Optional.of(user("Eve", "hotdesk-seated"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be hotdesk-seated");
    }

    @Test
    void an_idle_desk_without_any_elin_has_an_empty_caller_id_number_never_the_mac_or_endpoint() {
        Device bare = new Device(MAC, "yealink", "T54W", "Reception", "", "", true);

        String callerId = projections.desk(line, bare, Optional.empty()).get(2).fields().get("callerid");

        assertThat(callerId).isEqualTo("\"Reception\" <>").doesNotContain(MAC.value()).doesNotContain("hd-");
    }

    @Test
    void an_idle_desk_presents_its_site_elin_else_the_default_elin() {
        Device bare = new Device(MAC, "yealink", "T54W", "Reception", "HQ", "", true);
        Projections withDefault = new Projections(PjsipProfile.defaults(), "+15550000");
        Site hq = new Site("HQ", "+15551111", CivicLocation.EMPTY, null);

        var fromSite = withDefault.desk(line, bare, Optional.empty(), withDefault.located(bare, CivicLocation.EMPTY, Optional.of(hq)));
        var fromDefault = withDefault.desk(line, bare, Optional.empty());

        assertThat(fromSite.get(2).fields()).containsEntry("callerid", "\"Reception\" <+15551111>");
        assertThat(fromDefault.get(2).fields()).containsEntry("callerid", "\"Reception\" <+15550000>");
    }

    @Test
    void a_desks_facts_carry_its_effective_elin_civic_location_and_where_text_whoever_sits_there() {
        Site hq = new Site("HQ", "+15551111", CivicLocation.of(Map.of(CivicField.COUNTRY, "US", CivicField.A3, "New York")), null);
        Device atHq = new Device(MAC, "yealink", "T54W", "Desk 3.14", "HQ", "", true);
        var where = projections.located(atHq, CivicLocation.of(Map.of(CivicField.FLR, "3")), Optional.of(hq));

        Map<String, String> idle = Projections.deskFacts(line, atHq, Optional.empty(), where);
        Map<String, String> busy = Projections.deskFacts(line, atHq, Optional.of(user("Alice", "internal")), where);

        assertThat(idle).containsExactly(Map.entry("desk/hd-0015651234ab/occupant", ""),
                Map.entry("desk/hd-0015651234ab/context", ""),
                Map.entry("desk/hd-0015651234ab/elin", "+15551111"),
                Map.entry("desk/hd-0015651234ab/civic", "country=US,A3=New York,FLR=3"),
                Map.entry("desk/hd-0015651234ab/where", "HQ Fl 3 - Desk 3.14"));
        assertThat(busy).containsEntry("desk/hd-0015651234ab/occupant", "101").containsEntry("desk/hd-0015651234ab/context", "internal");
        busy.remove("desk/hd-0015651234ab/occupant");
        idle.remove("desk/hd-0015651234ab/occupant");
        busy.remove("desk/hd-0015651234ab/context");
        idle.remove("desk/hd-0015651234ab/context");
        // the location is the desk's, whoever sits there
        assertThat(busy).isEqualTo(idle);
    }

    @Test
    void a_desk_that_is_nowhere_deletes_its_location_facts() {
        Device bare = new Device(MAC, "yealink", "T54W", "Reception", "", "", true);

        Map<String, String> facts = Projections.deskFacts(line, bare, Optional.empty(),
                projections.located(bare, CivicLocation.EMPTY, Optional.empty()));

        assertThat(facts).containsEntry("desk/hd-0015651234ab/elin", "").containsEntry("desk/hd-0015651234ab/civic", "")
                .containsEntry("desk/hd-0015651234ab/where", "Reception");
    }

    @Test
    void a_bad_default_elin_is_refused_when_the_projections_are_made() {
        assertThatThrownBy(() -> new Projections(PjsipProfile.defaults(), "911 or 112"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("emergency.default-elin must be digits");
    }

    @Test
    void set_var_cannot_be_configured_as_an_extra_endpoint_field() {
        assertThatThrownBy(() -> new PjsipProfile("transport-udp", "ulaw", "hotdesk-idle", 5, Map.of("set_var", "A=1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set_var");
    }
}
