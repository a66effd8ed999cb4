package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.model.User;
import hotdesk.core.port.LedgerTx;
import hotdesk.core.usecase.ManageDevices.DeviceChanges;
import hotdesk.core.usecase.ManageUsers.UserChanges;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static hotdesk.testing.TestWorld.desk;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code user set} and {@code device set}: what each change does to the ledger, to Asterisk and to logins. */
class LifecycleTest {

    static final String MAC = "0015651234ab";
    static final String MAC2 = "0015651234cd";
    final InMemoryLedger ledger = new InMemoryLedger();
    TestWorld world;

    @BeforeEach
    void scene() {
        world = new TestWorld(ledger).user("101", "Alice", "4711").user("102", "Bob", "4712").device(MAC).device(MAC2);
        world.reconcile.runOnce();
        assertThat(world.pinLogin(MAC, "101", "4711")).isInstanceOf(LogIn.LoggedIn.class);
        world.asterisk.clearLog();
    }

    private User user(String ext) {
        return ledger.read((LedgerTx tx) -> tx.user(Extension.of(ext))).orElseThrow();
    }

    private AuditEntry lastAudit() {
        return ledger.audit().get(ledger.audit().size() - 1);
    }

    @Test
    void disabling_a_seated_user_logs_them_out_takes_their_endpoint_off_asterisk_and_refuses_them_as_a_wrong_pin() {
        var r = world.users.set("101", new UserChanges(null, null, null, null, false, null), "cli");

        assertThat(r).isInstanceOf(ManageUsers.Done.class);
        assertThat(user("101").enabled()).isFalse();
        assertThat(ledger.read((LedgerTx tx) -> tx.seatsOfUser(Extension.of("101")))).isEmpty();
        assertThat(ledger.history()).singleElement().satisfies(h -> assertThat(h.reason()).isEqualTo(EndReason.DISABLED));
        assertThat(lastAudit()).satisfies(a -> {
            assertThat(a.action()).isEqualTo("user.set");
            assertThat(a.detail()).isEqualTo("enabled=off");
        });

        world.reconcile.runOnce();
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("context", "hotdesk-idle");
        assertThat(world.asterisk.endpoint("101")).isNull();
        assertThat(world.asterisk.auth("101")).isNull();
        assertThat(world.asterisk.endpoint("102")).isNotNull();

        LogIn.Result again = world.pinLogin(MAC, "101", "4711");
        assertThat(again).isInstanceOf(LogIn.Rejected.class);
        LogIn.Result wrongPin = world.pinLogin(MAC, "102", "0000");
        assertThat(((LogIn.Rejected) again).reason()).isEqualTo(((LogIn.Rejected) wrongPin).reason());
        assertThat(ledger.audit()).filteredOn(a -> a.action().equals("login.rejected")).extracting(AuditEntry::detail)
                .first().asString().startsWith("USER_DISABLED");
    }

    @Test
    void enabling_again_restores_the_endpoint_and_logins() {
        world.users.set("101", new UserChanges(null, null, null, null, false, null), "cli");
        world.reconcile.runOnce();

        world.users.set("101", new UserChanges(null, null, null, null, true, null), "cli");
        world.reconcile.runOnce();

        assertThat(world.asterisk.endpoint("101")).containsEntry("aors", "101");
        assertThat(world.pinLogin(MAC, "101", "4711")).isInstanceOf(LogIn.LoggedIn.class);
    }

    @Test
    void taking_hotdesk_rights_away_logs_out_but_keeps_the_own_endpoint() {
        world.users.set("101", new UserChanges(null, null, null, false, null, null), "cli");
        world.reconcile.runOnce();

        assertThat(ledger.read((LedgerTx tx) -> tx.seatsOfUser(Extension.of("101")))).isEmpty();
        assertThat(world.asterisk.endpoint("101")).containsEntry("aors", "101");
        assertThat(world.pinLogin(MAC, "101", "4711")).isInstanceOf(LogIn.Rejected.class);
    }

    @Test
    void renaming_a_seated_user_is_pushed_to_their_desk_and_their_own_endpoint() {
        var r = world.users.set("101", new UserChanges("Alice Smith", "sales", "", null, null, "deny"), "cli");
        world.reconcile.runOnce();

        assertThat(r).isInstanceOf(ManageUsers.Done.class);
        assertThat(user("101")).satisfies(u -> {
            assertThat(u.name()).isEqualTo("Alice Smith");
            assertThat(u.context()).isEqualTo("sales");
            assertThat(u.mailbox()).isEmpty();
            assertThat(u.multiLogin()).contains(MultiLogin.DENY);
            assertThat(u.pinHash()).isEqualTo(ledger.read((LedgerTx tx) -> tx.user(Extension.of("101"))).orElseThrow().pinHash());
        });
        // the desk keeps hotdesk-seated; the user's new context is the desk's AstDB fact, where it goes on to
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("callerid", "\"Alice Smith\" <101>")
                .containsEntry("context", "hotdesk-seated").containsEntry("mailboxes", "");
        assertThat(world.asterisk.astdb()).containsEntry("desk/" + desk(MAC) + "/context", "sales");
        assertThat(world.asterisk.endpoint("101")).containsEntry("context", "sales");
        assertThat(world.asterisk.endpoint("101")).containsEntry("callerid", "\"Alice Smith\" <101>");
        assertThat(lastAudit().detail()).isEqualTo("name=Alice_Smith context=sales mailbox=none policy=deny");
        assertThat(ledger.read((LedgerTx tx) -> tx.seatsOfUser(Extension.of("101")))).isNotEmpty();

        world.users.set("101", new UserChanges(null, null, null, null, null, "global"), "cli");
        assertThat(user("101").multiLogin()).isEmpty();
    }

    @Test
    void the_same_values_change_nothing_and_write_nothing() {
        long revision = ledger.read((LedgerTx tx) -> tx.latestRevision());
        int audits = ledger.audit().size();

        var r = world.users.set("101", new UserChanges("Alice", "internal", null, true, true, null), "cli");

        assertThat(r).isInstanceOf(ManageUsers.Unchanged.class);
        assertThat(ledger.read((LedgerTx tx) -> tx.latestRevision())).isEqualTo(revision);
        assertThat(ledger.audit()).hasSize(audits);
    }

    @Test
    void bad_values_and_unknown_users_are_refused_and_change_nothing() {
        User before = user("101");

        assertThat(world.users.set("101", new UserChanges(null, "bad context!", null, null, null, null), "cli"))
                .isInstanceOfSatisfying(ManageUsers.Refused.class, r -> assertThat(r.why()).contains("context"));
        assertThat(world.users.set("101", new UserChanges(null, null, null, null, null, "sometimes"), "cli"))
                .isInstanceOfSatisfying(ManageUsers.Refused.class, r -> assertThat(r.why()).contains("--policy"));
        assertThat(world.users.set("999", new UserChanges("X", null, null, null, null, null), "cli"))
                .isInstanceOfSatisfying(ManageUsers.Refused.class, r -> assertThat(r.why()).isEqualTo("no user 999"));
        assertThat(user("101")).isEqualTo(before);
    }

    @Test
    void disabling_a_desk_logs_its_occupant_out_refuses_logins_and_leaves_emergency_calls_only() {
        world.asterisk.clearLog();
        var r = world.devices.set(MAC, new DeviceChanges(null, null, null, null, false), "cli");
        world.reconcile.runOnce();

        assertThat(r).isInstanceOf(ManageDevices.Done.class);
        assertThat(ledger.read((LedgerTx tx) -> tx.occupancyOfLine(desk(MAC)))).isEmpty();
        assertThat(ledger.history()).singleElement().satisfies(h -> assertThat(h.reason()).isEqualTo(EndReason.DISABLED));
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("context", "hotdesk-emergency")
                .containsEntry("callerid", "\"Hot desk 1234ab\" <>");
        assertThat(world.asterisk.auth(desk(MAC) + "-auth")).containsKey("password");
        assertThat(world.asterisk.endpoint("101")).containsEntry("aors", "101");
        assertThat(world.pinLogin(MAC, "101", "4711")).isInstanceOfSatisfying(LogIn.Rejected.class,
                rej -> assertThat(rej.reason()).isEqualTo(LogIn.Reason.DESK_DISABLED));
        // the phone is told, and its file (still served: it keeps its account for emergency calls) is an idle desk's
        assertThat(world.asterisk.notifies()).contains(new hotdesk.testing.RecordingAsterisk.Notify(desk(MAC), "yealink"));
        assertThat(world.provision.fetch(Mac.parse(MAC), "10.0.0.5", "Yealink SIP-T54W 00:15:65:12:34:ab"))
                .hasValueSatisfying(v -> {
                    assertThat(v.device().enabled()).isFalse();
                    assertThat(v.lines()).allSatisfy(l -> assertThat(l.occupant()).isEmpty());
                });
        assertThat(ledger.audit()).extracting(AuditEntry::action).contains("logout", "device.set");
    }

    @Test
    void relabelling_a_desk_and_moving_its_elin_is_pushed_as_its_idle_caller_id() {
        world.logOut.fromDesk(desk(MAC), "test");
        world.reconcile.runOnce();

        var r = world.devices.set(MAC, new DeviceChanges("Reception", null, "+15551230001", "T46U", null), "cli");
        world.reconcile.runOnce();

        assertThat(r).isInstanceOfSatisfying(ManageDevices.Done.class, d -> {
            assertThat(d.device().label()).isEqualTo("Reception");
            assertThat(d.device().model()).isEqualTo("T46U");
            assertThat(d.device().enabled()).isTrue();
        });
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("callerid", "\"Reception\" <+15551230001>");
        assertThat(world.asterisk.astdb()).containsEntry("desk/" + desk(MAC) + "/elin", "+15551230001");
        assertThat(lastAudit().detail()).isEqualTo("label=Reception elin=+15551230001 model=T46U");

        world.devices.set(MAC, new DeviceChanges(null, null, "", null, null), "cli");
        world.reconcile.runOnce();
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("callerid", "\"Reception\" <>");
    }

    @Test
    void a_bad_device_change_is_refused_and_changes_nothing() {
        assertThat(world.devices.set(MAC, new DeviceChanges(null, null, "call me", null, null), "cli"))
                .isInstanceOfSatisfying(ManageDevices.Refused.class, r -> assertThat(r.why()).contains("elin"));
        assertThat(world.devices.set("not-a-mac", new DeviceChanges("x", null, null, null, null), "cli"))
                .isInstanceOf(ManageDevices.Refused.class);
        assertThat(world.devices.set("001565ffffff", new DeviceChanges("x", null, null, null, null), "cli"))
                .isInstanceOfSatisfying(ManageDevices.Refused.class, r -> assertThat(r.why()).startsWith("no device"));
        assertThat(ledger.read((LedgerTx tx) -> tx.device(Mac.parse(MAC)))).map(d -> d.label()).contains("Hot desk 1234ab");
        assertThat(ledger.read((LedgerTx tx) -> tx.occupancyOfLine(desk(MAC)))).isPresent();
    }

    @Test
    void the_audit_reads_a_users_lines_including_refusals_filed_under_the_desk() {
        world.pinLogin(MAC2, "101", "9999");
        world.users.set("102", new UserChanges("Robert", null, null, null, null, null), "cli");
        ReadAudit audit = new ReadAudit(ledger);

        var page = (ReadAudit.Page) audit.read(new ReadAudit.Filter(null, "101", null, null, 0, 50));
        assertThat(page.lines()).extracting(l -> l.entry().action()).containsExactly("login.rejected", "login", "user.add");
        assertThat(page.more()).isFalse();

        var deskPage = (ReadAudit.Page) audit.read(new ReadAudit.Filter(null, null, MAC2, null, 0, 50));
        assertThat(deskPage.lines()).extracting(l -> l.entry().action()).containsExactly("login.rejected", "device.add");

        var both = (ReadAudit.Page) audit.read(new ReadAudit.Filter(null, "101", MAC, null, 0, 50));
        assertThat(both.lines()).extracting(l -> l.entry().action()).containsExactly("login");

        var first = (ReadAudit.Page) audit.read(new ReadAudit.Filter(null, null, null, null, 0, 2));
        assertThat(first.lines()).hasSize(2);
        assertThat(first.more()).isTrue();
        var second = (ReadAudit.Page) audit.read(new ReadAudit.Filter(null, null, null, null, first.lines().get(1).id(), 2));
        assertThat(second.lines().get(0).id()).isLessThan(first.lines().get(1).id());

        assertThat(audit.read(new ReadAudit.Filter(null, "abc", null, null, 0, 50))).isInstanceOf(ReadAudit.Refused.class);
        assertThat(audit.read(new ReadAudit.Filter(null, null, "zz", null, 0, 50))).isInstanceOf(ReadAudit.Refused.class);
        assertThat(audit.read(new ReadAudit.Filter(null, null, null, "drop table", 0, 50))).isInstanceOf(ReadAudit.Refused.class);
        assertThat(audit.read(new ReadAudit.Filter(null, null, null, null, 0, 0))).isInstanceOf(ReadAudit.Refused.class);
    }
}
