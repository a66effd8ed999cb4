package hotdesk.cli;

/** Exit codes of every hotdesk command, listed in {@code --help}. */
public final class ExitCodes {
    public static final int OK = 0;
    /** A bug or an unexpected failure. */
    public static final int SOFTWARE = 1;
    /** Wrong options or arguments. */
    public static final int USAGE = 2;
    /** The request was refused: invalid value, unknown or existing user/device. */
    public static final int REFUSED = 3;
    /** The ledger (database) is unreachable or failed. */
    public static final int LEDGER = 4;
    /** Nothing to do: e.g. logout of a desk nobody is logged in at. */
    public static final int NOTHING = 5;
    /**
     * {@code hotdesk doctor}: at least one check failed (each failure is printed with its fix);
     * {@code hotdesk emergency test}: the test call failed or timed out (the reason is printed).
     */
    public static final int CHECK_FAILED = 6;

    public static final String[] HELP = {
            "0:ok",
            "1:software error (a bug; see the log)",
            "2:usage error (wrong options or arguments)",
            "3:refused (invalid value, unknown or existing user/device)",
            "4:ledger unreachable or failed",
            "5:nothing to do (e.g. nobody logged in)",
            "6:a check or test failed (doctor, emergency test)"};

    private ExitCodes() {
    }
}
