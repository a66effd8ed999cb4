package hotdesk.core.port;

import hotdesk.core.model.Target;

/**
 * Where use cases and adapters report what happened, for operational metrics: counts and durations
 * by outcome, never data (no extension, MAC or secret reaches it). Logins by result with their
 * duration, pushes to Asterisk by result, configuration fetches by result.
 *
 * <p>Results are short lower-case words from a fixed set (a login's: {@code ok} or its refusal reason,
 * {@code error} when it failed; a fetch's: {@code served} or the refusal reason of the security log),
 * so a metrics backend keeps a bounded number of series. Implementations must be cheap, must not
 * block and must not throw: they are called on AGI, apply, reconciler and HTTP threads. Thread-safe.
 */
public interface Telemetry {

    /** A login began: tell the returned handle its result once it ended. */
    Login loginStarted();

    /** A push of one target (a desk line or a user) to Asterisk ended; {@code ok} false when it failed. */
    void pushed(Target.Kind kind, boolean ok);

    /** A configuration fetch was answered with this result. */
    void fetched(String result);

    /** One login under way. */
    @FunctionalInterface
    interface Login {
        void ended(String result);
    }

    /** Tells nobody: the CLI, tests, and servers without a metrics listener. */
    static Telemetry none() {
        return NONE;
    }

    Telemetry NONE = new Telemetry() {
        @Override
        public Login loginStarted() {
            return result -> { };
        }

        @Override
        public void pushed(Target.Kind kind, boolean ok) {
        }

        @Override
        public void fetched(String result) {
        }
    };
}
