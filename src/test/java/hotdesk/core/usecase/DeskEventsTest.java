package hotdesk.core.usecase;

import hotdesk.core.model.Extension;
import hotdesk.core.model.Target;
import hotdesk.core.policy.PjsipProfile;
import hotdesk.core.policy.Projections;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static hotdesk.testing.TestWorld.NODE;
import static hotdesk.testing.TestWorld.desk;
import static org.assertj.core.api.Assertions.assertThat;

/** What LogIn, LogOut and Reconcile tell {@link LocalDeskEvents}: the live board's source. */
class DeskEventsTest {

    static final String MAC = "0015651234ab";
    final InMemoryLedger ledger = new InMemoryLedger();
    final TestWorld world = new TestWorld(ledger).user("101", "Alice", "4711").user("102", "Bob", "5197").device(MAC);
    final LocalDeskEvents events = new LocalDeskEvents();
    final List<Set<Target>> heard = new ArrayList<>();
    final Reconcile reconcile = new Reconcile(ledger, world.asterisk, world.asterisk, world.asterisk,
            new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60), events);
    final LogIn logIn = new LogIn(ledger, world.hasher, world.seating, ApplyNow.later(), world.clock, events);
    final LogOut logOut = new LogOut(ledger, ApplyNow.later(), world.clock, events);

    DeskEventsTest() {
        events.subscribe(heard::add);
    }

    @Test
    void a_login_tells_its_desk_and_user_once_committed_and_a_refused_one_tells_nothing() {
        logIn.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "0000"), "agi:test");
        assertThat(heard).isEmpty();

        logIn.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "agi:test");

        assertThat(heard).containsExactly(Set.of(Target.desk(desk(MAC)), Target.user(Extension.of("101"))));
    }

    @Test
    void a_forced_logout_of_a_line_tells_the_desk_and_a_free_desk_tells_nothing() {
        logIn.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "agi:test");
        heard.clear();

        assertThat(logOut.forceLine(desk(MAC), "board:anna")).isInstanceOf(LogOut.LoggedOut.class);
        assertThat(logOut.forceLine(desk(MAC), "board:anna")).isInstanceOf(LogOut.NotLoggedIn.class);
        assertThat(logOut.forceLine("hd-000000000000", "board:anna")).isInstanceOf(LogOut.Unknown.class);

        assertThat(heard).hasSize(1);
        assertThat(heard.get(0)).contains(Target.desk(desk(MAC)));
        assertThat(ledger.audit()).anySatisfy(a -> assertThat(a.actor()).isEqualTo("board:anna"));
    }

    @Test
    void every_push_the_reconciler_makes_or_fails_is_told() {
        reconcile.runOnce();
        assertThat(heard).contains(Set.of(Target.desk(desk(MAC))), Set.of(Target.user(Extension.of("101"))));
        heard.clear();
        logIn.execute(desk(MAC), new LogIn.Pin(Extension.of("102"), "5197"), "agi:test");
        heard.clear();
        world.asterisk.down(true);

        reconcile.runOnce();

        assertThat(heard).contains(Set.of(Target.desk(desk(MAC))));
        java.util.Optional<String> error = ledger.read(tx -> tx.lastError(NODE, Target.desk(desk(MAC))));
        assertThat(error).isPresent();
    }

    @Test
    void a_push_is_told_once_its_mark_is_written_and_a_push_whose_mark_cannot_be_written_is_not() {
        // a ledger whose write transactions are refused while set; watchers read the applied state it holds
        java.util.concurrent.atomic.AtomicBoolean refuse = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Boolean> markedWhenHeard = new ArrayList<>();
        hotdesk.core.port.Ledger refusing = new hotdesk.core.port.Ledger() {
            @Override
            public <T> T transact(Work<T> work) {
                if (refuse.get()) {
                    throw new hotdesk.core.port.LedgerException("ledger gone for a moment", null);
                }
                return ledger.transact(work);
            }

            @Override
            public <T> T read(Work<T> work) {
                return ledger.read(work);
            }
        };
        Reconcile pushing = new Reconcile(refusing, world.asterisk, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60), events);
        // whether, as a watcher heard it, the ledger had every target it names marked applied at its current revision
        events.subscribe(t -> markedWhenHeard.add(ledger.read(tx -> t.stream()
                .allMatch(x -> Long.valueOf(tx.revision(x)).equals(tx.applied(NODE).get(x))))));

        // a single apply and a full pass, both refused their marks
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pushing.apply(List.of(Target.desk(desk(MAC)))))
                .isInstanceOf(hotdesk.core.port.LedgerException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(pushing::runOnce)
                .isInstanceOf(hotdesk.core.port.LedgerException.class);
        assertThat(heard).as("nothing was marked, nothing told").isEmpty();

        // the next full pass marks every target; then a login's own apply marks its desk and user
        refuse.set(false);
        pushing.runOnce();
        assertThat(heard).containsExactly(Set.of(Target.desk(desk(MAC))), Set.of(Target.user(Extension.of("101"))),
                Set.of(Target.user(Extension.of("102"))));
        logIn.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "agi:test");
        assertThat(markedWhenHeard).as("the login's own event comes before its push").endsWith(false);
        heard.clear();
        markedWhenHeard.remove(markedWhenHeard.size() - 1);
        pushing.apply(List.of(Target.desk(desk(MAC)), Target.user(Extension.of("101"))));
        assertThat(heard).containsExactly(Set.of(Target.desk(desk(MAC))), Set.of(Target.user(Extension.of("101"))));
        assertThat(markedWhenHeard).as("each heard once its mark was in the ledger").hasSize(5).containsOnly(true);
    }

    @Test
    void a_subscriber_that_throws_does_not_keep_the_others_from_hearing_and_unsubscribing_stops_it() {
        List<Set<Target>> second = new ArrayList<>();
        events.subscribe(t -> {
            throw new IllegalStateException("broken subscriber");
        });
        Runnable stop = events.subscribe(second::add);

        events.changed(List.of(Target.desk("hd-1")));
        stop.run();
        events.changed(List.of(Target.desk("hd-2")));
        events.changed(List.of());

        assertThat(heard).containsExactly(Set.of(Target.desk("hd-1")), Set.of(Target.desk("hd-2")));
        assertThat(second).containsExactly(Set.of(Target.desk("hd-1")));
    }
}
