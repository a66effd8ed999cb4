package hotdesk.core.usecase;

import hotdesk.core.model.Extension;
import hotdesk.core.model.Target;
import hotdesk.core.policy.PjsipProfile;
import hotdesk.core.policy.Projections;
import hotdesk.core.port.DeskEvents;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerException;
import hotdesk.core.port.Telemetry;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static hotdesk.testing.TestWorld.NODE;
import static hotdesk.testing.TestWorld.desk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the use cases tell the {@link Telemetry} port: every login's result once, every push's result. */
class TelemetryTest {

    static final String MAC = "0015651234ab";

    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final Telemetry recording = new Telemetry() {
        @Override
        public Login loginStarted() {
            heard.add("login started");
            return result -> heard.add("login " + result);
        }

        @Override
        public void pushed(Target.Kind kind, boolean ok) {
            heard.add("push " + kind + " " + (ok ? "ok" : "failed"));
        }

        @Override
        public void fetched(String result) {
            heard.add("fetch " + result);
        }
    };

    @Test
    void a_login_reports_its_result_once_ok_or_the_refusal_and_error_when_the_ledger_fails() {
        // given
        InMemoryLedger ledger = new InMemoryLedger();
        TestWorld world = new TestWorld(ledger).user("101", "Alice", "4711").device(MAC);
        LogIn logIn = new LogIn(ledger, world.hasher, world.seating, ApplyNow.later(), world.clock, DeskEvents.none(),
                recording);
        Ledger down = new Ledger() {
            @Override
            public <T> T transact(Work<T> work) {
                throw new LedgerException("ledger unreachable (test)", null);
            }
        };
        LogIn onDown = new LogIn(down, world.hasher, world.seating, ApplyNow.later(), world.clock, DeskEvents.none(), recording);

        // when
        logIn.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "0000"), "test");
        logIn.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "test");
        logIn.execute("not-a-desk", new LogIn.Pin(Extension.of("101"), "4711"), "test");
        assertThatThrownBy(() -> onDown.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "test"))
                .isInstanceOf(LedgerException.class);

        // then
        assertThat(heard).containsExactly("login started", "login bad_credentials", "login started", "login ok",
                "login started", "login not_a_desk", "login started", "login error");
    }

    @Test
    void each_push_reports_ok_or_failed() {
        // given
        InMemoryLedger ledger = new InMemoryLedger();
        TestWorld world = new TestWorld(ledger).user("101", "Alice", "4711").device(MAC);
        Reconcile reconcile = new Reconcile(ledger, world.asterisk, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60), DeskEvents.none(),
                recording);

        // when Asterisk is down (a pass stops at the desk's failed push, so the user is pushed on its own, as a
        // login's apply does), then up
        world.asterisk.down(true);
        reconcile.runOnce();
        reconcile.apply(java.util.List.of(hotdesk.core.model.Target.user(hotdesk.core.model.Extension.of("101"))));
        world.asterisk.down(false);
        world.clock.advance(Duration.ofMinutes(2));
        reconcile.runOnce();

        // then
        assertThat(heard).containsExactly("push DESK failed", "push USER failed", "push DESK ok", "push USER ok");
    }
}
