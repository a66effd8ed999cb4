package hotdesk.core.usecase;

import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Occupancy;
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

class LogInTest {

    static final String MAC = "0015651234ab";
    static final String OTHER_MAC = "00156599cccc";
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
        assertThat(ep).containsEntry("callerid", "\"Alice\" <101>").containsEntry("context", "internal")
                .containsEntry("mailboxes", "101@default").containsEntry("accountcode", "101")
                .containsEntry("auth", desk(MAC) + "-auth").doesNotContainKey("set_var");
        assertThat(world.asterisk.endpoint("101")).containsEntry("aors", desk(MAC) + ",101");
        assertThat(world.asterisk.astdb()).containsEntry("desk/" + desk(MAC) + "/occupant", "101")
                .containsEntry("user/101/desk", desk(MAC));
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
        assertThat(ledger.history()).singleElement().satisfies(h -> assertThat(h.reason()).isEqualTo(EndReason.MOVED));
    }

    @Test
    void a_wrong_pin_is_rejected_and_counted_against_the_user_and_the_desk() {
        LogIn.Result r = world.pinLogin(MAC, "101", "9999");

        assertThat(r).isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));
        assertThat(world.ledger.<Integer>read(tx -> tx.failuresSince("user:101", java.time.Instant.EPOCH))).isEqualTo(1);
        assertThat(world.ledger.<Integer>read(tx -> tx.failuresSince("desk:" + desk(MAC), java.time.Instant.EPOCH))).isEqualTo(1);
        assertThat(world.ledger.<java.util.List<hotdesk.core.model.Occupancy>>read(tx -> tx.occupancies())).isEmpty();
        assertThat(world.asterisk.operations()).isEmpty();
    }

    @Test
    void an_unknown_extension_gets_the_same_answer_as_a_wrong_pin() {
        assertThat(world.pinLogin(MAC, "555", "4711")).isEqualTo(world.pinLogin(MAC, "101", "0000"));
    }

    @Test
    void five_wrong_pins_lock_the_user_out_even_with_the_right_pin_until_the_lockout_ends() {
        for (int i = 0; i < 3; i++) {
            world.pinLogin(MAC, "101", "1111");
        }
        for (int i = 0; i < 2; i++) {
            world.pinLogin(OTHER_MAC, "101", "1111");
        }

        assertThat(world.pinLogin(OTHER_MAC, "101", "4711")).isEqualTo(new LogIn.Rejected(LogIn.Reason.LOCKED));
        world.clock.advance(Duration.ofMinutes(16));
        assertThat(world.pinLogin(OTHER_MAC, "101", "4711")).isInstanceOf(LogIn.LoggedIn.class);
    }

    @Test
    void a_desk_that_sees_many_failures_is_locked_for_every_user() {
        for (int i = 0; i < 5; i++) {
            world.pinLogin(MAC, "5" + i + "0", "1234");
        }

        assertThat(world.pinLogin(MAC, "102", "8256")).isEqualTo(new LogIn.Rejected(LogIn.Reason.LOCKED));
        assertThat(world.pinLogin(OTHER_MAC, "102", "8256")).isInstanceOf(LogIn.LoggedIn.class);
    }

    @Test
    void a_success_clears_earlier_failures() {
        for (int i = 0; i < 4; i++) {
            world.pinLogin(MAC, "101", "1111");
        }
        world.pinLogin(MAC, "101", "4711");
        world.pinLogin(MAC, "101", "1111");

        assertThat(world.pinLogin(MAC, "101", "4711")).isInstanceOf(LogIn.LoggedIn.class);
    }

    @Test
    void a_call_from_an_endpoint_that_is_not_a_desk_is_refused() {
        LogIn.Result r = world.logIn.execute("101", new LogIn.Pin(Extension.of("101"), "4711"), "test");

        assertThat(r).isEqualTo(new LogIn.Rejected(LogIn.Reason.NOT_A_DESK));
        assertThat(world.ledger.<java.util.List<hotdesk.core.model.Occupancy>>read(tx -> tx.occupancies())).isEmpty();
    }

    @Test
    void a_user_without_hot_desking_rights_is_refused_after_a_right_pin() {
        world.users.add(new ManageUsers.NewUser("103", "Carol", "2580", null, null, null, false), "test");

        assertThat(world.pinLogin(MAC, "103", "2580")).isEqualTo(new LogIn.Rejected(LogIn.Reason.NOT_ALLOWED));
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
        return new LogIn(l, world.hasher, world.lockout, world.reconcile, world.clock);
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
        assertThat(ledger.read(tx -> tx.occupancyOfUser(Extension.of("102"))).orElseThrow().endpointId())
                .isEqualTo(desk(OTHER_MAC));
    }

    @Test
    void a_lockout_reached_while_a_right_pin_was_being_checked_wins() {
        LogIn logIn = logInOn(interleaved(() -> {
            for (int i = 0; i < 5; i++) {
                world.pinLogin(OTHER_MAC, "101", "0000");
            }
        }));

        LogIn.Result r = logIn.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "test");

        Optional<Occupancy> seated = ledger.read(tx -> tx.occupancyOfUser(Extension.of("101")));
        assertThat(r).isEqualTo(new LogIn.Rejected(LogIn.Reason.LOCKED));
        assertThat(seated).isEmpty();
    }
}
