package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.policy.AutoLogoutRules;
import hotdesk.core.port.CallState;
import hotdesk.core.port.LedgerTx;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import static hotdesk.testing.TestWorld.desk;
import static org.assertj.core.api.Assertions.assertThat;

/** The auto-logout timers through the use case, on the in-memory ledger and Asterisk, with a channel list we set. */
class AutoLogoutTest {

    static final String MAC = "0015651234ab";
    static final String MAC2 = "0015651234cd";
    static final AutoLogoutRules IDLE_5 = new AutoLogoutRules(Duration.ofMinutes(5), Duration.ZERO, Optional.empty());

    final InMemoryLedger ledger = new InMemoryLedger();
    TestWorld world;
    /** What Asterisk's channel list says; null: Asterisk cannot be asked. */
    Set<String> onCall = new HashSet<>();
    int asked;
    final CallState calls = () -> {
        asked++;
        return onCall == null ? Optional.empty() : Optional.of(Set.copyOf(onCall));
    };

    @BeforeEach
    void scene() {
        world = new TestWorld(ledger).user("101", "Alice", "4711").user("102", "Bob", "4712").device(MAC).device(MAC2);
        world.reconcile.runOnce();
        assertThat(world.pinLogin(MAC, "101", "4711")).isInstanceOf(LogIn.LoggedIn.class);
        world.asterisk.clearLog();
    }

    AutoLogout timers(AutoLogoutRules rules) {
        return new AutoLogout(ledger, calls, world.logOut, rules, ZoneId.of("UTC"), world.clock);
    }

    private boolean seated(String mac) {
        return ledger.read((LedgerTx tx) -> tx.occupancyOfLine(desk(mac))).isPresent();
    }

    @Test
    void an_idle_desk_is_logged_out_when_due_shown_idle_on_asterisk_and_audited_as_auto_idle() {
        AutoLogout timers = timers(IDLE_5);
        world.clock.advance(Duration.ofMinutes(4));
        assertThat(timers.runOnce()).isEqualTo(new AutoLogout.Pass(0, 0, 0));
        assertThat(asked).as("nothing due: Asterisk not asked").isZero();

        world.clock.advance(Duration.ofMinutes(1));
        assertThat(timers.runOnce()).isEqualTo(new AutoLogout.Pass(1, 0, 0));

        assertThat(seated(MAC)).isFalse();
        assertThat(ledger.history()).singleElement().satisfies(h -> assertThat(h.reason()).isEqualTo(EndReason.AUTO_IDLE));
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("context", "hotdesk-idle");
        assertThat(world.asterisk.notifies()).hasSize(1);
        assertThat(ledger.audit()).filteredOn(a -> a.action().equals("logout")).extracting(AuditEntry::actor, AuditEntry::detail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("timer", "desk=" + desk(MAC) + " reason=auto:idle"));
        assertThat(world.status.lines(TestWorld.NODE)).filteredOn(l -> l.line().endpointId().equals(desk(MAC)))
                .singleElement().satisfies(l -> assertThat(l.state()).isEqualTo("idle (auto:idle " + world.clock.instant() + ")"));
    }

    @Test
    void a_desk_with_a_call_up_is_kept_until_the_call_ends_and_its_idle_timer_restarts_after_it() {
        AutoLogout timers = timers(IDLE_5);
        onCall.add(desk(MAC));
        world.clock.advance(Duration.ofMinutes(30));

        assertThat(timers.runOnce()).isEqualTo(new AutoLogout.Pass(0, 1, 0));
        assertThat(seated(MAC)).isTrue();

        world.clock.advance(Duration.ofMinutes(2));
        onCall.clear();
        timers.callEnded(desk(MAC), world.clock.instant());
        world.clock.advance(Duration.ofMinutes(4));
        assertThat(timers.runOnce()).isEqualTo(new AutoLogout.Pass(0, 0, 0));
        assertThat(seated(MAC)).isTrue();

        world.clock.advance(Duration.ofMinutes(1));
        assertThat(timers.runOnce()).isEqualTo(new AutoLogout.Pass(1, 0, 0));
        assertThat(seated(MAC)).isFalse();
    }

    @Test
    void a_missed_hang_up_still_ends_the_session_once_the_channel_list_shows_no_call() {
        AutoLogout timers = timers(IDLE_5);
        onCall.add(desk(MAC));
        world.clock.advance(Duration.ofMinutes(10));
        timers.runOnce();

        onCall.clear(); // the call ended while the AMI link was down: no hang-up reported
        world.clock.advance(Duration.ofMinutes(5));

        assertThat(timers.runOnce().ended()).isEqualTo(1);
    }

    @Test
    void nobody_is_logged_out_while_asterisk_cannot_say_whether_a_call_is_up() {
        AutoLogout timers = timers(IDLE_5);
        onCall = null;
        world.clock.advance(Duration.ofHours(1));

        assertThat(timers.runOnce()).isEqualTo(new AutoLogout.Pass(0, 0, 1));
        assertThat(seated(MAC)).isTrue();

        onCall = new HashSet<>();
        assertThat(timers.runOnce().ended()).isEqualTo(1);
    }

    @Test
    void the_timers_live_in_the_ledger_a_restart_neither_loses_nor_repeats_a_logout_and_two_nodes_end_it_once() {
        world.clock.advance(Duration.ofMinutes(3));
        timers(IDLE_5).callEnded(desk(MAC), world.clock.instant());
        world.clock.advance(Duration.ofMinutes(5));

        // a fresh instance (hotdesk restarted) still knows the call ended at minute 3
        AutoLogout nodeA = timers(IDLE_5);
        AutoLogout nodeB = timers(IDLE_5);
        assertThat(nodeA.runOnce().ended()).isEqualTo(1);
        assertThat(nodeB.runOnce().ended()).isZero();
        assertThat(ledger.history()).hasSize(1);
        assertThat(ledger.audit()).filteredOn(a -> a.action().equals("logout")).hasSize(1);
    }

    @Test
    void a_call_end_on_a_free_line_or_not_a_desk_changes_nothing() {
        AutoLogout timers = timers(IDLE_5);
        timers.callEnded(desk(MAC2), world.clock.instant().plusSeconds(10));
        timers.callEnded("101", world.clock.instant().plusSeconds(10));
        timers.callEnded(desk(MAC), world.clock.instant().minusSeconds(10)); // older than the login: ignored

        assertThat(ledger.read((LedgerTx tx) -> tx.occupancyOfLine(desk(MAC))).orElseThrow().lastActivity())
                .isEqualTo(ledger.read((LedgerTx tx) -> tx.occupancyOfLine(desk(MAC))).orElseThrow().since());
        assertThat(ledger.read((LedgerTx tx) -> tx.occupancyOfLine(desk(MAC2)))).isEmpty();
    }

    @Test
    void the_timer_ends_only_the_session_it_found_due_not_a_newcomers() {
        AutoLogout timers = timers(new AutoLogoutRules(Duration.ZERO, Duration.ofHours(10), Optional.empty()));
        world.clock.advance(Duration.ofHours(10));
        var due = ledger.read((LedgerTx tx) -> tx.occupancyOfLine(desk(MAC))).orElseThrow();
        assertThat(world.pinLogin(MAC, "102", "4712")).isInstanceOf(LogIn.LoggedIn.class);

        assertThat(world.logOut.automatically(due, EndReason.AUTO_MAX)).isInstanceOf(LogOut.NotLoggedIn.class);
        assertThat(timers.runOnce().ended()).isZero();
        assertThat(ledger.read((LedgerTx tx) -> tx.occupancyOfLine(desk(MAC))).orElseThrow().extension())
                .isEqualTo(Extension.of("102"));
    }

    @Test
    void the_daily_logout_uses_the_desks_site_time_zone() {
        var added = world.sites.add("NYC", java.util.Map.of(ManageSites.TIME_ZONE, "America/New_York"), "test");
        assertThat(added).isInstanceOf(ManageSites.Done.class);
        world.devices.set(MAC, new ManageDevices.DeviceChanges(null, "NYC", null, null, null), "test");
        // noon UTC is 07:00 in New York: a 19:00 logout is 00:00Z tomorrow there, 19:00Z in UTC
        AutoLogout timers = timers(new AutoLogoutRules(Duration.ZERO, Duration.ZERO, Optional.of(LocalTime.parse("19:00"))));
        assertThat(world.pinLogin(MAC2, "102", "4712")).isInstanceOf(LogIn.LoggedIn.class);

        world.clock.advance(Duration.ofHours(7));
        assertThat(timers.runOnce().ended()).isEqualTo(1);
        assertThat(seated(MAC2)).isFalse();
        assertThat(seated(MAC)).isTrue();

        world.clock.advance(Duration.ofHours(5));
        assertThat(timers.runOnce().ended()).isEqualTo(1);
        assertThat(seated(MAC)).isFalse();
        assertThat(ledger.history()).extracting(InMemoryLedger.Ended::reason).endsWith(EndReason.AUTO_DAILY, EndReason.AUTO_DAILY);
    }

    @Test
    void the_daily_logout_uses_a_desks_own_time_zone_over_its_sites() {
        world.sites.add("NYC", java.util.Map.of(ManageSites.TIME_ZONE, "America/New_York"), "test");
        var own = world.devices.set(MAC, new ManageDevices.DeviceChanges(null, "NYC", null, null, null,
                java.util.Map.of(hotdesk.core.model.DeskPhoneSettings.TIME_ZONE, "Asia/Tokyo")), "test");
        assertThat(own).isInstanceOf(ManageDevices.Done.class);
        world.devices.set(MAC2, new ManageDevices.DeviceChanges(null, "NYC", null, null, null), "test");
        assertThat(world.pinLogin(MAC2, "102", "4712")).isInstanceOf(LogIn.LoggedIn.class);
        // both seated at 2026-11-23 12:00Z: 19:00 is 00:00Z tomorrow in New York (EST), 10:00Z tomorrow in Tokyo
        AutoLogout timers = timers(new AutoLogoutRules(Duration.ZERO, Duration.ZERO, Optional.of(LocalTime.parse("19:00"))));

        world.clock.advance(Duration.ofHours(12));
        assertThat(timers.runOnce().ended()).isEqualTo(1);
        assertThat(seated(MAC2)).as("the site's zone: 19:00 in New York").isFalse();
        assertThat(seated(MAC)).as("its own zone: 09:00 in Tokyo").isTrue();

        world.clock.advance(Duration.ofHours(9));
        assertThat(timers.runOnce().ended()).as("18:00 in Tokyo").isZero();
        world.clock.advance(Duration.ofHours(1));
        assertThat(timers.runOnce().ended()).isEqualTo(1);
        assertThat(seated(MAC)).isFalse();
        assertThat(ledger.history()).extracting(InMemoryLedger.Ended::reason).containsExactly(EndReason.AUTO_DAILY,
                EndReason.AUTO_DAILY);
    }

    @Test
    void a_desk_whose_own_time_zone_is_cleared_is_logged_out_at_its_sites_time_again() {
        world.sites.add("NYC", java.util.Map.of(ManageSites.TIME_ZONE, "America/New_York"), "test");
        world.devices.set(MAC, new ManageDevices.DeviceChanges(null, "NYC", null, null, null,
                java.util.Map.of(hotdesk.core.model.DeskPhoneSettings.TIME_ZONE, "Asia/Tokyo")), "test");
        world.devices.set(MAC, new ManageDevices.DeviceChanges(null, null, null, null, null,
                java.util.Map.of(hotdesk.core.model.DeskPhoneSettings.TIME_ZONE, "")), "test");
        AutoLogout timers = timers(new AutoLogoutRules(Duration.ZERO, Duration.ZERO, Optional.of(LocalTime.parse("19:00"))));

        world.clock.advance(Duration.ofHours(7));
        assertThat(timers.runOnce().ended()).as("19:00 UTC, the default zone's, is 14:00 in New York").isZero();
        world.clock.advance(Duration.ofHours(5));
        assertThat(timers.runOnce().ended()).isEqualTo(1);
        assertThat(seated(MAC)).isFalse();
    }

    @Test
    void with_many_desks_seated_a_pass_reads_whole_tables_and_still_uses_each_desks_own_site_and_zone() {
        // more seated desks than AutoLogout.BULK_FROM: the pass reads the lines, devices and sites once, not per desk
        int n = AutoLogout.BULK_FROM + 8;
        world.sites.add("NYC", java.util.Map.of(ManageSites.TIME_ZONE, "America/New_York"), "test");
        java.util.List<String> macs = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            String mac = String.format("0015659%05x", i);
            String ext = Integer.toString(3000 + i);
            String pin = pinFor(ext);
            world.user(ext, "Many " + i, pin).device(mac);
            if (i < n / 2) {
                world.devices.set(mac, new ManageDevices.DeviceChanges(null, "NYC", null, null, null), "test");
            }
            assertThat(world.pinLogin(mac, ext, pin)).isInstanceOf(LogIn.LoggedIn.class);
            macs.add(mac);
        }
        // one New York desk has a zone of its own
        world.devices.set(macs.get(0), new ManageDevices.DeviceChanges(null, null, null, null, null,
                java.util.Map.of(hotdesk.core.model.DeskPhoneSettings.TIME_ZONE, "Asia/Tokyo")), "test");
        AutoLogout timers = timers(new AutoLogoutRules(Duration.ZERO, Duration.ZERO, Optional.of(LocalTime.parse("19:00"))));

        // 19:00Z: the desks of no site (the default zone, UTC) and the scene's desk MAC
        world.clock.advance(Duration.ofHours(7));
        assertThat(timers.runOnce().ended()).isEqualTo(n - n / 2 + 1);
        assertThat(macs.subList(n / 2, n)).noneMatch(this::seated);
        assertThat(macs.subList(0, n / 2)).allMatch(this::seated);
        // 00:00Z is 19:00 in New York (EST): the site's desks but the one in Tokyo (09:00 there)
        world.clock.advance(Duration.ofHours(5));
        assertThat(timers.runOnce().ended()).isEqualTo(n / 2 - 1);
        assertThat(macs.stream().filter(this::seated).toList()).containsExactly(macs.get(0));
        // 10:00Z is 19:00 in Tokyo
        world.clock.advance(Duration.ofHours(10));
        assertThat(timers.runOnce().ended()).isEqualTo(1);
        assertThat(seated(macs.get(0))).isFalse();
    }

    /** A 4-digit PIN the PIN rules take for {@code ext}. */
    private static String pinFor(String ext) {
        for (int k = 1; ; k++) {
            String pin = String.format("%04d", (Integer.parseInt(ext) * 7_919 + 104_729 * k) % 10_000);
            if (hotdesk.core.policy.PinRules.problem(pin, Extension.of(ext)).isEmpty()) {
                return pin;
            }
        }
    }

    @Test
    void a_desks_own_rules_replace_its_sites_which_replace_the_settings_field_by_field() {
        world.sites.add("HQ", java.util.Map.of(), "test");
        world.devices.set(MAC, new ManageDevices.DeviceChanges(null, "HQ", null, null, null), "test");
        world.devices.set(MAC2, new ManageDevices.DeviceChanges(null, "HQ", null, null, null), "test");
        assertThat(world.pinLogin(MAC2, "102", "4712")).isInstanceOf(LogIn.LoggedIn.class);
        AutoLogout timers = timers(AutoLogoutRules.OFF);
        var site = new hotdesk.core.model.AutoLogoutOverride(Optional.of(Duration.ofMinutes(30)), Optional.empty(), Optional.empty());
        var desk = new hotdesk.core.model.AutoLogoutOverride(Optional.of(Duration.ZERO), Optional.empty(), Optional.empty());
        assertThat(timers.set(AutoLogout.SITE, "HQ", site, "cli")).isInstanceOf(AutoLogout.Changed.class);
        assertThat(timers.set(AutoLogout.DESK, "00:15:65:12:34:ab", desk, "cli")).isInstanceOf(AutoLogout.Changed.class);

        world.clock.advance(Duration.ofMinutes(31));
        assertThat(timers.runOnce().ended()).isEqualTo(1);
        assertThat(seated(MAC2)).as("the site's 30 min").isFalse();
        assertThat(seated(MAC)).as("the desk's own: idle off").isTrue();

        assertThat(timers.set(AutoLogout.SITE, "nowhere", site, "cli")).isInstanceOf(AutoLogout.Refused.class);
        assertThat(timers.set(AutoLogout.DESK, "00:15:65:ff:ff:ff", desk, "cli")).isInstanceOf(AutoLogout.Refused.class);
        assertThat(timers.set(AutoLogout.DESK, "junk", desk, "cli")).isInstanceOf(AutoLogout.Refused.class);
        assertThat(ledger.audit()).filteredOn(a -> a.action().equals("auto-logout.set")).extracting(AuditEntry::detail)
                .containsExactly("idle=30m max=inherit daily=inherit", "idle=off max=inherit daily=inherit");
    }
}
