package hotdesk.app;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The serve command's own signal handlers (ServeProcessTest sends a real SIGTERM to a real serve). */
class SignalHandlingTest {

    @Test
    void a_signal_this_platform_does_not_have_or_will_not_hand_over_is_skipped_and_nothing_is_closed() {
        AtomicInteger closed = new AtomicInteger();
        // an unknown name, and one the JVM keeps for itself: both refused by the JVM, so only the shutdown hook is left
        assertThatCode(() -> Main.closeBeforeExitOn(closed::incrementAndGet, "NO-SUCH-SIGNAL", "KILL"))
                .doesNotThrowAnyException();
        assertThat(closed).hasValue(0);
    }
}
