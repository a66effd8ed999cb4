package hotdesk.core.usecase;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class LoginGateTest {

    @Test
    void lets_as_many_through_as_its_size_and_turns_the_next_away_after_its_wait() {
        LoginGate gate = new LoginGate(2, Duration.ofMillis(50));
        LoginGate.Entry a = gate.enter();
        LoginGate.Entry b = gate.enter();

        assertThatThrownBy(gate::enter).isInstanceOf(LoginGate.Busy.class)
                .hasMessageContaining("no turn within 50 ms").hasMessageContaining("2 logins at work");

        a.close();
        gate.enter().close(); // a's turn is free again
        b.close();
    }

    @Test
    void a_queued_login_gets_the_turn_given_back_within_its_wait() throws Exception {
        LoginGate gate = new LoginGate(1, Duration.ofSeconds(30));
        LoginGate.Entry held = gate.enter();
        CountDownLatch through = new CountDownLatch(1);
        CompletableFuture<Void> queued = CompletableFuture.runAsync(() -> {
            try (LoginGate.Entry turn = gate.enter()) {
                through.countDown();
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> gate.waiting() == 1);
        assertThat(through.getCount()).isOne();

        held.close();

        assertThat(through.await(10, TimeUnit.SECONDS)).isTrue();
        queued.get(10, TimeUnit.SECONDS);
        assertThat(gate.waiting()).isZero();
    }

    @Test
    void an_interrupted_wait_is_busy_and_keeps_the_interrupt() {
        LoginGate gate = new LoginGate(1, Duration.ofSeconds(30));
        LoginGate.Entry held = gate.enter();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(gate::enter).isInstanceOf(LoginGate.Busy.class).hasMessageContaining("interrupted");
            assertThat(Thread.interrupted()).isTrue();
        } finally {
            held.close();
        }
    }

    @Test
    void refuses_a_size_below_one_and_a_negative_wait() {
        assertThatThrownBy(() -> new LoginGate(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LoginGate(1, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_size_for_a_machine_is_eight_per_core_and_at_least_eight() {
        assertThat(LoginGate.sizeFor(2)).isEqualTo(16);
        assertThat(LoginGate.sizeFor(1)).isEqualTo(8);
        assertThat(LoginGate.sizeFor(0)).isEqualTo(8);
    }
}
