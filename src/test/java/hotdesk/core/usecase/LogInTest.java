package hotdesk.core.usecase;

import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.OtpRecord;
import hotdesk.core.model.SecretHash;
import hotdesk.core.policy.LoginLimits;
import hotdesk.core.policy.SeatingPolicy;
import hotdesk.core.port.Ledger;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.RecordingAsterisk;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static hotdesk.testing.TestWorld.desk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogInTest {

    static final String MAC = "0015651234ab";
    static final String OTHER_MAC = "00156599cccc";
    static final String THIRD_MAC = "0015659fffff";
    final InMemoryLedger ledger = new InMemoryLedger();
    TestWorld world;

    @BeforeEach
    void scene() {
        world = new TestWorld(ledger).user("101", "Alice", "4711").user("102", "Bob", "8256").device(MAC).device(OTHER_MAC);
        world.reconcile.runOnce();
        world.asterisk.clearLog();
    }

    @Test
    void pin_login_seats_the_user_and_makes_the_desk_theirs_in_asterisk() {
        LogIn.Result r = world.pinLogin(MAC, "101", "4711");

        assertThat(r).isInstanceOfSatisfying(LogIn.LoggedIn.class, in -> {
            assertThat(in.user().extension()).isEqualTo(Extension.of("101"));
            assertThat(in.applied()).isTrue();
            assertThat(in.replaced()).isEmpty();
        });
        var ep = world.asterisk.endpoint(desk(MAC));
        // the desk's context tries emergency numbers and codes first, then the user's own (AstDB fact)
        assertThat(ep).containsEntry("callerid", "\"Alice\" <101>").containsEntry("context", "hotdesk-seated")
                .containsEntry("mailboxes", "101@default").containsEntry("accountcode", "101")
                .containsEntry("auth", desk(MAC) + "-auth").doesNotContainKey("set_var");
        assertThat(world.asterisk.endpoint("101")).containsEntry("aors", desk(MAC) + ",101");
        assertThat(world.asterisk.astdb()).containsEntry("desk/" + desk(MAC) + "/occupant", "101")
                .containsEntry("desk/" + desk(MAC) + "/context", "internal")
                .containsEntry("user/101/desk", desk(MAC));
        // the context fact is there before the desk gets hotdesk-seated: its first call already finds it
        List<String> timeline = world.asterisk.timeline();
        assertThat(timeline.indexOf("DBPut desk/" + desk(MAC) + "/context"))
                .isNotNegative().isLessThan(timeline.lastIndexOf("PUT endpoint/" + desk(MAC)));
        assertThat(world.asterisk.notifies()).containsExactly(new RecordingAsterisk.Notify(desk(MAC), "yealink"));
        assertThat(ledger.audit()).anyMatch(a -> a.action().equals("login") && a.subject().equals("101"));
    }

    @Test
    void login_on_an_occupied_desk_logs_the_previous_user_out() {
        world.pinLogin(MAC, "101", "4711");

        LogIn.Result r = world.pinLogin(MAC, "102", "8256");

        assertThat(r).isInstanceOfSatisfying(LogIn.LoggedIn.class,
                in -> assertThat(in.replaced()).contains(Extension.of("101")));
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("callerid", "\"Bob\" <102>");
        assertThat(world.asterisk.endpoint("101")).containsEntry("aors", "101");
        assertThat(world.asterisk.endpoint("102")).containsEntry("aors", desk(MAC) + ",102");
        assertThat(ledger.history()).singleElement().satisfies(h -> {
            assertThat(h.extension()).isEqualTo(Extension.of("101"));
            assertThat(h.reason()).isEqualTo(EndReason.REPLACED);
        });
    }

    @Test
    void logging_in_at_a_second_desk_ends_the_session_at_the_first() {
        world.pinLogin(MAC, "101", "4711");

        LogIn.Result r = world.pinLogin(OTHER_MAC, "101", "4711");

        assertThat(r).isInstanceOfSatisfying(LogIn.LoggedIn.class, in -> assertThat(in.movedFrom()).contains(desk(MAC)));
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("context", "hotdesk-idle").containsEntry("accountcode", "")
                .containsEntry("mailboxes", "");
        assertThat(world.asterisk.endpoint("101")).containsEntry("aors", desk(OTHER_MAC) + ",101");
        // the free desk's fact of its former occupant's context is gone, the new desk has it
        assertThat(world.asterisk.astdb()).doesNotContainKey("desk/" + desk(MAC) + "/context")
                .containsEntry("desk/" + desk(OTHER_MAC) + "/context", "internal");
        assertThat(ledger.history()).singleElement().satisfies(h -> assertThat(h.reason()).isEqualTo(EndReason.MOVED));
    }

    @Test
    void a_wrong_pin_is_rejected_and_counted_against_the_extension_here_everywhere_and_the_desk() {
        LogIn.Result r = world.pinLogin(MAC, "101", "9999");

        assertThat(r).isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));
        assertThat(failures("user:101")).isEqualTo(1);
        assertThat(failures("at:101@" + desk(MAC))).isEqualTo(1);
        assertThat(failures("desk:" + desk(MAC))).isEqualTo(1);
        assertThat(world.ledger.<java.util.List<hotdesk.core.model.Occupancy>>read(tx -> tx.occupancies())).isEmpty();
        assertThat(world.asterisk.operations()).isEmpty();
        assertThat(ledger.audit()).anyMatch(a -> a.action().equals("login.rejected") && a.detail().startsWith("WRONG_PIN"));
    }

    @Test
    void digits_no_pin_has_are_refused_like_a_wrong_pin_but_charged_to_nobody() {
        // digits lost under load (typed before the prompt listened) must not lock the user or the desk
        for (String digits : List.of("47", "", "471", "123456789", "47x1", "47", "47", "47", "47", "47", "47")) {
            assertThat(world.pinLogin(MAC, "101", digits)).as(digits).isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));
        }
        assertThat(world.pinLogin(MAC, "555", "12")).isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));

        assertThat(failures("user:101")).isZero();
        assertThat(failures("at:101@" + desk(MAC))).isZero();
        assertThat(failures("desk:" + desk(MAC))).isZero();
        assertThat(ledger.audit()).filteredOn(a -> a.action().equals("login.rejected"))
                .hasSize(12).allMatch(a -> a.detail().startsWith("NOT_A_PIN"));
        assertThat(world.pinLogin(MAC, "101", "4711")).isInstanceOf(LogIn.LoggedIn.class);
    }

    @Test
    void an_extension_of_a_length_nobody_has_is_refused_like_a_wrong_pin_but_charged_to_nobody() {
        // "1" lost from "101" leaves "01": no user has two digits, so it names nobody and guesses no PIN
        for (int i = 0; i < 12; i++) {
            assertThat(world.pinLogin(MAC, "01", "4711")).isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));
        }
        assertThat(world.pinLogin(MAC, "1010101", "4711")).isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));

        assertThat(failures("desk:" + desk(MAC))).isZero();
        assertThat(failures("user:01")).isZero();
        assertThat(failures("at:01@" + desk(MAC))).isZero();
        assertThat(ledger.audit()).filteredOn(a -> a.action().equals("login.rejected"))
                .hasSize(13).allMatch(a -> a.detail().startsWith("NOT_AN_EXTENSION"));
        assertThat(world.pinLogin(MAC, "101", "4711")).isInstanceOf(LogIn.LoggedIn.class);
    }

    @Test
    void an_unknown_extension_of_a_length_in_use_is_still_charged_to_the_desk() {
        assertThat(world.pinLogin(MAC, "103", "4711")).isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));

        assertThat(failures("desk:" + desk(MAC))).isEqualTo(1);
        assertThat(failures("user:103")).isEqualTo(1);
        assertThat(ledger.audit()).anyMatch(a -> a.action().equals("login.rejected") && a.detail().startsWith("UNKNOWN_EXTENSION"));
    }

    @Test
    void a_locked_desk_answers_locked_even_to_digits_no_pin_has() {
        for (int i = 0; i < 20; i++) {
            world.pinLogin(MAC, "9" + i, "1357");
        }
        assertThat(world.pinLogin(MAC, "101", "47")).isEqualTo(new LogIn.Rejected(LogIn.Reason.LOCKED));
    }

    @Test
    void an_unknown_extension_gets_the_same_answer_as_a_wrong_pin() {
        assertThat(world.pinLogin(MAC, "555", "4711")).isEqualTo(world.pinLogin(MAC, "101", "0000"));
        assertThat(ledger.audit()).anyMatch(a -> a.detail().startsWith("UNKNOWN_EXTENSION"));
    }

    @Test
    void five_wrong_pins_at_one_desk_lock_that_extension_at_that_desk_only_until_they_age_out_of_the_window() {
        for (int i = 0; i < 5; i++) {
            world.pinLogin(MAC, "101", "1111");
        }

        assertThat(world.pinLogin(MAC, "101", "4711")).isEqualTo(new LogIn.Rejected(LogIn.Reason.LOCKED));
        assertThat(world.pinLogin(MAC, "102", "8256")).isInstanceOf(LogIn.LoggedIn.class);
        assertThat(world.pinLogin(OTHER_MAC, "101", "4711")).isInstanceOf(LogIn.LoggedIn.class);
        world.clock.advance(Duration.ofMinutes(16));
        assertThat(world.pinLogin(MAC, "101", "4711")).isInstanceOf(LogIn.LoggedIn.class);
    }

    @Test
    void an_unknown_extension_is_counted_and_locked_exactly_like_an_existing_one() {
        for (int i = 0; i < 5; i++) {
            world.pinLogin(MAC, "555", "1111");
            world.pinLogin(OTHER_MAC, "101", "1111");
        }

        LogIn.Result unknown = world.pinLogin(MAC, "555", "4711");
        LogIn.Result known = world.pinLogin(OTHER_MAC, "101", "4711");

        assertThat(unknown).isEqualTo(known).isEqualTo(new LogIn.Rejected(LogIn.Reason.LOCKED));
        assertThat(failures("user:555")).isEqualTo(failures("user:101")).isEqualTo(5);
    }

    @Test
    void an_attacker_at_one_desk_cannot_lock_the_victim_out_of_another_desk() {
        // as many wrong PINs for 101 as the attacker's desk lets through in one window, and more
        for (int i = 0; i < 20; i++) {
            world.pinLogin(MAC, "101", "1111");
        }

        assertThat(failures("user:101")).isEqualTo(5);
        assertThat(world.pinLogin(OTHER_MAC, "101", "4711")).isInstanceOf(LogIn.LoggedIn.class);
    }

    @Test
    void an_attacker_roaming_three_desks_locks_the_victim_out_of_new_desks_but_not_out_of_their_own_recent_ones() {
        // the victim's history: desk MAC yesterday, OTHER_MAC earlier today
        world.pinLogin(MAC, "101", "4711");
        world.logOut.fromDesk(desk(MAC), "test");
        world.clock.advance(java.time.Duration.ofHours(20));
        world.pinLogin(OTHER_MAC, "101", "4711");
        world.logOut.fromDesk(desk(OTHER_MAC), "test");
        world.clock.advance(java.time.Duration.ofHours(1));
        List<String> roamed = List.of("00156533aaaa", "00156533bbbb", "00156533cccc");
        for (String mac : roamed) {
            world.device(mac);
        }
        world.device("00156544dddd");
        for (String mac : roamed) {
            for (int i = 0; i < 4; i++) {
                world.pinLogin(mac, "101", "1111");
            }
        }

        // 12 failures across desks: a new desk is locked for 101, and an alert says so
        assertThat(world.pinLogin("00156544dddd", "101", "4711")).isEqualTo(new LogIn.Rejected(LogIn.Reason.LOCKED));
        assertThat(ledger.audit()).filteredOn(a -> a.action().equals("login.alert")).last()
                .satisfies(a -> assertThat(a.detail()).contains("now locked at every desk but the user's 2 most recent ones"));
        // both of the victim's recent desks still take the right PIN
        assertThat(world.pinLogin(MAC, "101", "4711")).isInstanceOf(LogIn.LoggedIn.class);
        assertThat(world.pinLogin(OTHER_MAC, "101", "4711")).isInstanceOf(LogIn.LoggedIn.class);
        assertThat(ledger.audit()).filteredOn(a -> a.action().equals("login.rejected")).last()
                .satisfies(a -> assertThat(a.detail()).startsWith("USER_LOCKED"));
    }

    @Test
    void with_no_trusted_desks_a_roaming_attacker_locks_the_victim_out_everywhere() {
        TestWorld strict = new TestWorld(new InMemoryLedger(), new SeatingPolicy(
                LoginLimits.of(5, 10, 8, 12, java.time.Duration.ofMinutes(15), java.time.Duration.ofMinutes(15), 0,
                        java.time.Duration.ofDays(30)), MultiLogin.SINGLE))
                .user("101", "Alice", "4711").device(MAC).device("00156533aaaa").device("00156533bbbb").device("00156533cccc");
        strict.pinLogin(MAC, "101", "4711");
        strict.logOut.fromDesk(desk(MAC), "test");
        for (String mac : List.of("00156533aaaa", "00156533bbbb", "00156533cccc")) {
            for (int i = 0; i < 4; i++) {
                strict.pinLogin(mac, "101", "1111");
            }
        }

        assertThat(strict.pinLogin(MAC, "101", "4711")).isEqualTo(new LogIn.Rejected(LogIn.Reason.LOCKED));
    }

    @Test
    void failures_of_one_extension_across_desks_alert_first_then_lock_it_at_every_desk() {
        world.device("00156533aaaa");
        List<LogIn.Result> results = new ArrayList<>();
        for (String mac : List.of(MAC, OTHER_MAC, "00156533aaaa")) {
            for (int i = 0; i < 4; i++) {
                results.add(world.pinLogin(mac, "101", "1111"));
            }
        }

        assertThat(results.subList(0, 7)).allSatisfy(r -> assertThat(((LogIn.Rejected) r).alerts()).isEmpty());
        assertThat(((LogIn.Rejected) results.get(7)).alerts()).singleElement()
                .isEqualTo(new SeatingPolicy.Alert(Extension.of("101"), SeatingPolicy.Via.PIN, 8, false));
        assertThat(((LogIn.Rejected) results.get(11)).alerts()).singleElement()
                .isEqualTo(new SeatingPolicy.Alert(Extension.of("101"), SeatingPolicy.Via.PIN, 12, true));
        assertThat(ledger.audit()).filteredOn(a -> a.action().equals("login.alert")).hasSize(5);
        world.device("00156544bbbb");
        assertThat(world.pinLogin("00156544bbbb", "101", "4711")).isEqualTo(new LogIn.Rejected(LogIn.Reason.LOCKED));
        assertThat(world.status.security().alerts()).containsExactly(
                new DeskStatus.Alert(Extension.of("101"), SeatingPolicy.Via.PIN, 12, true));
    }

    @Test
    void a_desk_that_sees_ten_failures_is_locked_for_every_user() {
        for (int i = 0; i < 10; i++) {
            world.pinLogin(MAC, "5" + i + "0", "1234");
        }

        assertThat(world.pinLogin(MAC, "102", "8256")).isEqualTo(new LogIn.Rejected(LogIn.Reason.LOCKED));
        assertThat(world.pinLogin(OTHER_MAC, "102", "8256")).isInstanceOf(LogIn.LoggedIn.class);
        assertThat(world.status.security().locks()).extracting(DeskStatus.Lock::endpointId)
                .containsExactly(Optional.of(desk(MAC)));
    }

    @Test
    void a_success_does_not_reset_the_counters_that_bound_guessing() {
        for (int i = 0; i < 4; i++) {
            world.pinLogin(MAC, "101", "1111");
        }
        assertThat(world.pinLogin(MAC, "101", "4711")).isInstanceOf(LogIn.LoggedIn.class);
        world.pinLogin(MAC, "101", "1111");

        assertThat(failures("at:101@" + desk(MAC))).isEqualTo(5);
        assertThat(world.pinLogin(MAC, "101", "4711")).isEqualTo(new LogIn.Rejected(LogIn.Reason.LOCKED));
    }

    @Test
    void a_locked_desk_refuses_before_any_hashing() {
        for (int i = 0; i < 10; i++) {
            world.pinLogin(MAC, "5" + i + "0", "1234");
        }
        // hashes that cannot be read: the PIN's is an error as soon as anything reaches the PIN check
        ledger.transact(tx -> {
            tx.updateUser(tx.user(Extension.of("101")).orElseThrow().withPin(UNHASHABLE));
            tx.replaceOtp(Extension.of("102"), new OtpRecord(0, Extension.of("102"), UNHASHABLE, world.clock.instant()
                    .plusSeconds(60)));
            return null;
        });

        assertThat(world.pinLogin(MAC, "101", "4711")).isEqualTo(new LogIn.Rejected(LogIn.Reason.LOCKED));
        assertThat(world.logIn.execute(desk(MAC), new LogIn.OneTimeCode("123456"), "test"))
                .isEqualTo(new LogIn.Rejected(LogIn.Reason.LOCKED));
        assertThatThrownBy(() -> world.pinLogin(OTHER_MAC, "101", "4711")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_damaged_pin_hash_is_an_error_that_names_the_fix_and_charges_nobody() {
        ledger.transact(tx -> {
            tx.updateUser(tx.user(Extension.of("101")).orElseThrow().withPin(UNHASHABLE));
            return null;
        });

        for (int i = 0; i < 6; i++) {
            assertThatThrownBy(() -> world.pinLogin(MAC, "101", "4711")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("user 101's stored PIN hash is unreadable").hasMessageContaining("hotdesk user set-pin 101");
        }
        // not taken for wrong PINs: nobody is locked out for a row they did not damage, and nothing is seated
        assertThat(failures("user:101")).isZero();
        assertThat(failures("desk:" + desk(MAC))).isZero();
        assertThat(world.ledger.<java.util.List<hotdesk.core.model.Occupancy>>read(tx -> tx.occupancies())).isEmpty();
        assertThat(world.pinLogin(MAC, "102", "8256")).isInstanceOf(LogIn.LoggedIn.class);
    }

    @Test
    void a_damaged_code_among_the_live_codes_matches_nothing_and_the_others_still_log_in() {
        var issued = (IssueOtp.Issued) world.issueOtp.issue(Extension.of("102"), "test");
        ledger.transact(tx -> {
            tx.replaceOtp(Extension.of("101"), new OtpRecord(0, Extension.of("101"), UNHASHABLE,
                    world.clock.instant().plusSeconds(60)));
            return null;
        });

        String wrong = issued.code().substring(0, 5) + (char) ('0' + (issued.code().charAt(5) - '0' + 1) % 10);
        assertThat(world.logIn.execute(desk(MAC), new LogIn.OneTimeCode(wrong), "test"))
                .isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));
        assertThat(world.logIn.execute(desk(MAC), new LogIn.OneTimeCode(issued.code()), "test"))
                .isInstanceOfSatisfying(LogIn.LoggedIn.class, in -> assertThat(in.user().extension()).isEqualTo(Extension.of("102")));
        // and a new code can still be issued beside it
        assertThat(world.issueOtp.issue(Extension.of("102"), "test")).isInstanceOf(IssueOtp.Issued.class);
    }

    @Test
    void a_call_from_an_endpoint_that_is_not_a_desk_is_refused() {
        LogIn.Result r = world.logIn.execute("101", new LogIn.Pin(Extension.of("101"), "4711"), "test");

        assertThat(r).isEqualTo(new LogIn.Rejected(LogIn.Reason.NOT_A_DESK));
        assertThat(world.ledger.<java.util.List<hotdesk.core.model.Occupancy>>read(tx -> tx.occupancies())).isEmpty();
    }

    @Test
    void a_user_without_hot_desking_rights_hears_a_wrong_pin_is_counted_alike_and_the_audit_says_why() {
        world.users.add(new ManageUsers.NewUser("103", "Carol", "3865", null, null, null, false), "test");

        assertThat(world.pinLogin(MAC, "103", "3865")).isEqualTo(world.pinLogin(MAC, "103", "9999"))
                .isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));
        assertThat(failures("user:103")).isEqualTo(2);
        assertThat(ledger.audit()).filteredOn(a -> a.action().equals("login.rejected")).extracting(a -> a.detail())
                .containsExactly("NOT_ALLOWED pin ext=103", "WRONG_PIN pin ext=103");
    }

    // ---- multi-login

    @Test
    void with_multi_login_deny_a_second_desk_is_refused_and_the_first_keeps_the_user() {
        TestWorld deny = denyWorld();
        deny.pinLogin(MAC, "101", "4711");

        LogIn.Result r = deny.pinLogin(OTHER_MAC, "101", "4711");

        assertThat(r).isEqualTo(new LogIn.Rejected(LogIn.Reason.ALREADY_SEATED));
        assertThat(deny.ledger.read(tx -> tx.seatsOfUser(Extension.of("101"))).get(0).endpointId())
                .isEqualTo(desk(MAC));
        Optional<Occupancy> second = deny.ledger.read(tx -> tx.occupancyOfLine(desk(OTHER_MAC)));
        assertThat(second).isEmpty();
        assertThat(deny.ledger.<Integer>read(tx -> tx.failuresSince("user:101", Instant.EPOCH))).isZero();
    }

    @Test
    void with_multi_login_deny_logging_in_again_at_the_same_desk_is_fine() {
        TestWorld deny = denyWorld();
        deny.pinLogin(MAC, "101", "4711");

        assertThat(deny.pinLogin(MAC, "101", "4711")).isInstanceOf(LogIn.LoggedIn.class);
    }

    @Test
    void a_users_own_policy_wins_over_the_global_one_both_ways() {
        world.users.add(new ManageUsers.NewUser("103", "Carol", "3865", null, null, null, true, "deny"), "test");
        world.pinLogin(MAC, "103", "3865");
        assertThat(world.pinLogin(OTHER_MAC, "103", "3865")).isEqualTo(new LogIn.Rejected(LogIn.Reason.ALREADY_SEATED));

        TestWorld deny = denyWorld();
        deny.users.add(new ManageUsers.NewUser("103", "Carol", "3865", null, null, null, true, "single"), "test");
        deny.pinLogin(MAC, "103", "3865");
        assertThat(deny.pinLogin(OTHER_MAC, "103", "3865")).isInstanceOfSatisfying(LogIn.LoggedIn.class,
                in -> assertThat(in.movedFrom()).contains(desk(MAC)));
    }

    @Test
    void with_multi_login_deny_a_one_time_code_at_a_second_desk_is_refused_and_stays_usable() {
        TestWorld deny = denyWorld();
        deny.pinLogin(MAC, "102", "8256");
        var issued = (IssueOtp.Issued) deny.issueOtp.issue(Extension.of("102"), "test");

        assertThat(deny.logIn.execute(desk(OTHER_MAC), new LogIn.OneTimeCode(issued.code()), "test"))
                .isEqualTo(new LogIn.Rejected(LogIn.Reason.ALREADY_SEATED));
        deny.logOut.fromDesk(desk(MAC), "test");
        assertThat(deny.logIn.execute(desk(OTHER_MAC), new LogIn.OneTimeCode(issued.code()), "test"))
                .isInstanceOf(LogIn.LoggedIn.class);
    }

    @Test
    void with_multi_login_allow_the_user_sits_at_every_desk_and_their_endpoint_rings_them_all() {
        TestWorld allow = allowWorld();
        allow.pinLogin(MAC, "101", "4711");

        LogIn.Result second = allow.pinLogin(OTHER_MAC, "101", "4711");
        LogIn.Result third = allow.pinLogin(THIRD_MAC, "101", "4711");

        assertThat(second).isInstanceOfSatisfying(LogIn.LoggedIn.class, in -> {
            assertThat(in.movedFrom()).isEmpty();
            assertThat(in.alongside()).isTrue();
            assertThat(in.applied()).isTrue();
        });
        assertThat(third).isInstanceOf(LogIn.LoggedIn.class);
        assertThat(allow.ledger.<List<Occupancy>>read(tx -> tx.seatsOfUser(Extension.of("101")))).extracting(Occupancy::endpointId)
                .containsExactly(desk(MAC), desk(OTHER_MAC), desk(THIRD_MAC));
        for (String mac : List.of(MAC, OTHER_MAC, THIRD_MAC)) {
            assertThat(allow.asterisk.endpoint(desk(mac))).as(mac).containsEntry("callerid", "\"Alice\" <101>")
                    .containsEntry("context", "hotdesk-seated").containsEntry("mailboxes", "101@default");
        }
        assertThat(allow.asterisk.endpoint("101")).containsEntry("aors",
                desk(MAC) + "," + desk(OTHER_MAC) + "," + desk(THIRD_MAC) + ",101");
        assertThat(allow.asterisk.astdb()).containsEntry("user/101/desk", desk(MAC) + "," + desk(OTHER_MAC) + "," + desk(THIRD_MAC));
        assertThat(((InMemoryLedger) allow.ledger).history()).isEmpty();
        assertThat(allow.ledger.<List<hotdesk.core.model.AuditEntry>>read(tx -> tx.auditTail(10))).filteredOn(a -> a.action().equals("login")).last()
                .satisfies(a -> assertThat(a.detail()).contains("also-at=" + desk(MAC) + "," + desk(OTHER_MAC)));
    }

    @Test
    void with_multi_login_allow_each_desk_is_left_on_its_own_and_an_admin_ends_them_all() {
        TestWorld allow = allowWorld();
        allow.pinLogin(MAC, "101", "4711");
        allow.pinLogin(OTHER_MAC, "101", "4711");
        allow.pinLogin(THIRD_MAC, "101", "4711");

        allow.logOut.fromDesk(desk(MAC), "test");
        allow.pinLogin(OTHER_MAC, "102", "8256");

        assertThat(allow.ledger.<List<Occupancy>>read(tx -> tx.seatsOfUser(Extension.of("101")))).extracting(Occupancy::endpointId)
                .containsExactly(desk(THIRD_MAC));
        assertThat(allow.asterisk.endpoint("101")).containsEntry("aors", desk(THIRD_MAC) + ",101");
        assertThat(allow.asterisk.endpoint(desk(MAC))).containsEntry("context", "hotdesk-idle");
        assertThat(allow.asterisk.endpoint(desk(OTHER_MAC))).containsEntry("callerid", "\"Bob\" <102>");
        allow.pinLogin(MAC, "101", "4711");

        assertThat(allow.logOut.forceUser(Extension.of("101"), "cli")).isInstanceOf(LogOut.LoggedOut.class);

        assertThat(allow.ledger.<List<Occupancy>>read(tx -> tx.seatsOfUser(Extension.of("101")))).isEmpty();
        assertThat(allow.asterisk.endpoint("101")).containsEntry("aors", "101");
        assertThat(allow.asterisk.endpoint(desk(THIRD_MAC))).containsEntry("context", "hotdesk-idle");
        assertThat(allow.asterisk.endpoint(desk(OTHER_MAC))).containsEntry("callerid", "\"Bob\" <102>");
    }

    @Test
    void a_user_seated_at_several_desks_under_allow_moves_from_all_of_them_once_their_policy_is_single() {
        TestWorld allow = allowWorld();
        allow.pinLogin(MAC, "101", "4711");
        allow.pinLogin(OTHER_MAC, "101", "4711");
        allow.users.set("101", new ManageUsers.UserChanges(null, null, null, null, null, "single"), "test");

        LogIn.Result r = allow.pinLogin(THIRD_MAC, "101", "4711");

        assertThat(r).isInstanceOfSatisfying(LogIn.LoggedIn.class, in -> {
            assertThat(in.movedFrom()).containsExactly(desk(MAC), desk(OTHER_MAC));
            assertThat(in.alongside()).isFalse();
        });
        assertThat(allow.ledger.<List<Occupancy>>read(tx -> tx.seatsOfUser(Extension.of("101")))).extracting(Occupancy::endpointId)
                .containsExactly(desk(THIRD_MAC));
        assertThat(allow.asterisk.endpoint("101")).containsEntry("aors", desk(THIRD_MAC) + ",101");
    }

    // ---- one-time codes: wrong codes count per desk and per user whose code is live

    @Test
    void wrong_codes_count_against_the_desk_and_every_user_with_a_live_code() {
        world.issueOtp.issue(Extension.of("101"), "test");
        world.issueOtp.issue(Extension.of("102"), "test");

        world.logIn.execute(desk(MAC), new LogIn.OneTimeCode("000000"), "test");

        assertThat(failures("desk:" + desk(MAC))).isEqualTo(1);
        assertThat(failures("code:101")).isEqualTo(1);
        assertThat(failures("code:102")).isEqualTo(1);
        assertThat(failures("user:101")).isZero();
    }

    @Test
    void a_users_code_locked_by_wrong_codes_from_many_desks_is_not_accepted_while_the_desk_and_their_pin_still_work() {
        var issued = (IssueOtp.Issued) world.issueOtp.issue(Extension.of("102"), "test");
        String wrong = issued.code().equals("000000") ? "000001" : "000000";
        world.device("00156533aaaa");
        for (String mac : List.of(MAC, OTHER_MAC)) {
            for (int i = 0; i < 6; i++) {
                world.logIn.execute(desk(mac), new LogIn.OneTimeCode(wrong), "test");
            }
        }

        assertThat(world.logIn.execute(desk("00156533aaaa"), new LogIn.OneTimeCode(issued.code()), "test"))
                .isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));
        assertThat(world.pinLogin("00156533aaaa", "102", "8256")).isInstanceOf(LogIn.LoggedIn.class);
        assertThat(world.status.security().alerts()).contains(
                new DeskStatus.Alert(Extension.of("102"), SeatingPolicy.Via.CODE, 12, true));
    }

    @Test
    void a_one_time_code_logs_in_once_only() {
        var issued = (IssueOtp.Issued) world.issueOtp.issue(Extension.of("102"), "test");

        LogIn.Result first = world.logIn.execute(desk(MAC), new LogIn.OneTimeCode(issued.code()), "test");
        LogIn.Result again = world.logIn.execute(desk(OTHER_MAC), new LogIn.OneTimeCode(issued.code()), "test");

        assertThat(first).isInstanceOfSatisfying(LogIn.LoggedIn.class,
                in -> assertThat(in.user().extension()).isEqualTo(Extension.of("102")));
        assertThat(again).isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));
    }

    @Test
    void a_one_time_code_expires_after_two_minutes() {
        var issued = (IssueOtp.Issued) world.issueOtp.issue(Extension.of("102"), "test");
        world.clock.advance(Duration.ofSeconds(121));

        assertThat(world.logIn.execute(desk(MAC), new LogIn.OneTimeCode(issued.code()), "test"))
                .isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));
    }

    @Test
    void issuing_a_new_code_voids_the_old_one() {
        var old = (IssueOtp.Issued) world.issueOtp.issue(Extension.of("102"), "test");
        var fresh = (IssueOtp.Issued) world.issueOtp.issue(Extension.of("102"), "test");

        if (!old.code().equals(fresh.code())) {
            assertThat(world.logIn.execute(desk(MAC), new LogIn.OneTimeCode(old.code()), "test"))
                    .isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));
        }
        assertThat(world.logIn.execute(desk(MAC), new LogIn.OneTimeCode(fresh.code()), "test")).isInstanceOf(LogIn.LoggedIn.class);
        assertThat(ledger.audit()).noneMatch(a -> a.detail().contains(fresh.code()));
    }

    @Test
    void with_asterisk_unreachable_the_login_stands_and_the_reconciler_applies_it_later() {
        world.asterisk.down(true);

        LogIn.Result r = world.pinLogin(MAC, "101", "4711");

        assertThat(r).isInstanceOfSatisfying(LogIn.LoggedIn.class, in -> assertThat(in.applied()).isFalse());
        world.asterisk.down(false);
        world.clock.advance(Duration.ofSeconds(2));
        Reconcile.Pass pass = world.reconcile.runOnce();
        assertThat(pass.failed()).isZero();
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("callerid", "\"Alice\" <101>");
        assertThat(world.asterisk.endpoint("101")).containsEntry("aors", desk(MAC) + ",101");
        assertThat(world.asterisk.notifies()).extracting(RecordingAsterisk.Notify::endpointId).contains(desk(MAC));
    }

    // ---- a commit cut off (the database's session broke during the COMMIT): the answer is what the ledger holds

    /** A ledger whose next write's commit is cut off: it took effect ({@code committed}) or not, and the caller is told neither. */
    private Ledger cutOff(boolean committed, boolean readBackFails) {
        AtomicBoolean done = new AtomicBoolean();
        AtomicBoolean doubted = new AtomicBoolean();
        return new Ledger() {
            @Override
            public <T> T transact(Work<T> work) {
                if (done.getAndSet(true)) {
                    return ledger.transact(work);
                }
                doubted.set(true);
                hotdesk.core.port.CommitInDoubtException doubt = new hotdesk.core.port.CommitInDoubtException(
                        "ledger: the connection broke during the commit", null);
                if (committed) {
                    ledger.transact(work);
                } else {
                    assertThatThrownBy(() -> ledger.transact(tx -> {
                        work.run(tx);
                        throw new IllegalStateException("rolled back"); // InMemoryLedger keeps nothing of a failed work
                    })).hasMessage("rolled back");
                }
                throw doubt;
            }

            @Override
            public <T> T read(Work<T> work) {
                if (readBackFails && doubted.get()) {
                    throw new hotdesk.core.port.LedgerException("no connection to the ledger database", null);
                }
                return ledger.read(work);
            }
        };
    }

    @Test
    void a_login_whose_commit_was_cut_off_but_took_effect_is_answered_as_a_login_and_applied() {
        LogIn logIn = logInOn(cutOff(true, false));

        LogIn.Result r = logIn.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "test");

        assertThat(r).isInstanceOfSatisfying(LogIn.LoggedIn.class, in -> {
            assertThat(in.user().extension()).isEqualTo(Extension.of("101"));
            assertThat(in.applied()).isTrue();
        });
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("callerid", "\"Alice\" <101>");
        assertThat(world.asterisk.endpoint("101")).containsEntry("aors", desk(MAC) + ",101");
    }

    @Test
    void a_login_whose_commit_was_cut_off_and_lost_is_an_error_and_seats_nobody() {
        LogIn logIn = logInOn(cutOff(false, false));

        assertThatThrownBy(() -> logIn.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "test"))
                .isInstanceOf(hotdesk.core.port.LedgerException.class)
                .isNotInstanceOf(hotdesk.core.port.CommitInDoubtException.class)
                .hasMessageContaining("did not take effect").hasMessageContaining("101");

        Optional<Occupancy> seated = ledger.read(tx -> tx.occupancyOfLine(desk(MAC)));
        assertThat(seated).isEmpty();
        assertThat(world.asterisk.operations()).isEmpty();
        // nothing was counted against the user: the next try logs in
        assertThat(failures("user:101")).isZero();
        assertThat(world.pinLogin(MAC, "101", "4711")).isInstanceOf(LogIn.LoggedIn.class);
    }

    @Test
    void when_the_ledger_cannot_be_read_back_either_the_doubt_is_the_answer() {
        LogIn logIn = logInOn(cutOff(true, true));

        assertThatThrownBy(() -> logIn.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "test"))
                .isInstanceOf(hotdesk.core.port.CommitInDoubtException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                        .satisfies(s -> assertThat(s).hasMessageContaining("no connection")));
    }

    @Test
    void a_refusal_whose_commit_was_cut_off_stands() {
        LogIn logIn = logInOn(cutOff(false, true));

        assertThat(logIn.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "9999"), "test"))
                .isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));
    }

    // ---- the secret is checked before the write transaction: what changes in between must count

    /** A ledger that runs {@code meanwhile} once, just before the next write transaction starts. */
    private Ledger interleaved(Runnable meanwhile) {
        AtomicBoolean done = new AtomicBoolean();
        return new Ledger() {
            @Override
            public <T> T transact(Work<T> work) {
                if (!done.getAndSet(true)) {
                    meanwhile.run();
                }
                return ledger.transact(work);
            }

            @Override
            public <T> T read(Work<T> work) {
                return ledger.read(work);
            }
        };
    }

    private LogIn logInOn(Ledger l) {
        return new LogIn(l, world.hasher, world.seating, world.reconcile, world.clock);
    }

    @Test
    void a_login_turned_away_at_a_full_gate_does_nothing_and_counts_nothing() {
        LoginGate gate = new LoginGate(1, Duration.ofMillis(20));
        LogIn logIn = new LogIn(ledger, world.hasher, world.seating, world.reconcile, world.clock, hotdesk.core.port.DeskEvents.none(),
                hotdesk.core.port.Telemetry.none(), gate);
        int auditBefore = ledger.audit().size();

        try (LoginGate.Entry busy = gate.enter()) {
            // a wrong PIN too: an overload must not cost the user or the desk a failure
            assertThatThrownBy(() -> logIn.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "0000"), "test"))
                    .isInstanceOf(LoginGate.Busy.class);
            assertThatThrownBy(() -> logIn.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "test"))
                    .isInstanceOf(LoginGate.Busy.class);
        }

        assertThat(failures("user:101")).isZero();
        assertThat(failures("desk:" + desk(MAC))).isZero();
        assertThat(ledger.audit()).hasSize(auditBefore);
        Optional<Occupancy> seated = ledger.read(tx -> tx.occupancyOfLine(desk(MAC)));
        assertThat(seated).isEmpty();
        // the turn given back, the same gate lets the login through
        assertThat(logIn.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "test")).isInstanceOf(LogIn.LoggedIn.class);
    }

    @Test
    void a_pin_changed_while_the_old_one_was_being_checked_does_not_log_in() {
        LogIn logIn = logInOn(interleaved(() -> assertThat(world.users.setPin("101", "9035", "admin"))
                .isInstanceOf(ManageUsers.Done.class)));

        LogIn.Result r = logIn.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "test");

        Optional<Occupancy> seated = ledger.read(tx -> tx.occupancyOfLine(desk(MAC)));
        int failures = ledger.read(tx -> tx.failuresSince(LogIn.userKey(Extension.of("101")), Instant.EPOCH));
        assertThat(r).isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));
        assertThat(seated).isEmpty();
        assertThat(failures).isEqualTo(1);
        assertThat(world.pinLogin(MAC, "101", "9035")).isInstanceOf(LogIn.LoggedIn.class);
    }

    @Test
    void a_one_time_code_used_elsewhere_while_it_was_being_checked_logs_in_only_once() {
        var issued = (IssueOtp.Issued) world.issueOtp.issue(Extension.of("102"), "test");
        List<LogIn.Result> elsewhere = new ArrayList<>();
        LogIn logIn = logInOn(interleaved(() -> elsewhere.add(
                world.logIn.execute(desk(OTHER_MAC), new LogIn.OneTimeCode(issued.code()), "test"))));

        LogIn.Result here = logIn.execute(desk(MAC), new LogIn.OneTimeCode(issued.code()), "test");

        assertThat(elsewhere).singleElement().isInstanceOf(LogIn.LoggedIn.class);
        assertThat(here).isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));
        assertThat(ledger.read(tx -> tx.seatsOfUser(Extension.of("102"))).get(0).endpointId())
                .isEqualTo(desk(OTHER_MAC));
    }

    @Test
    void a_lockout_reached_while_a_right_pin_was_being_checked_wins() {
        LogIn logIn = logInOn(interleaved(() -> {
            for (int i = 0; i < 5; i++) {
                world.pinLogin(MAC, "101", "0000");
            }
        }));

        LogIn.Result r = logIn.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "test");

        List<Occupancy> seated = ledger.read(tx -> tx.seatsOfUser(Extension.of("101")));
        assertThat(r).isEqualTo(new LogIn.Rejected(LogIn.Reason.LOCKED));
        assertThat(seated).isEmpty();
    }

    // ---- helpers

    /** Parses as a hash but throws NumberFormatException when anything tries to compute it. */
    static final SecretHash UNHASHABLE = new SecretHash("pbkdf2-sha256$not-a-number$AAAA$AAAA");

    private int failures(String key) {
        return ledger.read(tx -> tx.failuresSince(key, Instant.EPOCH));
    }

    /** Every user may sit at several desks (login.multi-login=allow), three desks. */
    private static TestWorld allowWorld() {
        TestWorld w = new TestWorld(new InMemoryLedger(), new SeatingPolicy(LoginLimits.defaults(), MultiLogin.ALLOW))
                .user("101", "Alice", "4711").user("102", "Bob", "8256").device(MAC).device(OTHER_MAC).device(THIRD_MAC);
        w.reconcile.runOnce();
        return w;
    }

    private static TestWorld denyWorld() {
        TestWorld w = new TestWorld(new InMemoryLedger(), new SeatingPolicy(LoginLimits.defaults(), MultiLogin.DENY))
                .user("101", "Alice", "4711").user("102", "Bob", "8256").device(MAC).device(OTHER_MAC);
        w.reconcile.runOnce();
        return w;
    }
}
