package hotdesk.core.policy;

import java.time.Duration;

/**
 * The failure counters that bound PIN and code guessing, with their limits. Pure, immutable.
 *
 * <ul>
 *   <li>{@code userAtDesk}: failed logins as one extension at one desk ({@code lockout.max-failures}):
 *       locks that extension at that desk only;</li>
 *   <li>{@code desk}: failed logins at one desk, any extension and wrong one-time codes
 *       ({@code lockout.desk-max-failures}): locks the desk for everyone;</li>
 *   <li>{@code user}: failed logins as one extension at every desk together, and, separately, wrong
 *       one-time codes dialled while the user's code was live ({@code lockout.user-max-failures}):
 *       locks the extension (or their codes) at every desk. It must exceed both limits above, so that
 *       an attacker at one desk can never lock a person out of the desk they sit at or any other;
 *       from {@code userAlertAt} failures on, each one raises an alert first.</li>
 * </ul>
 * The extension's lock across desks does not hold at its user's own recent desks: the last
 * {@code trustedDesks} desks they logged in at within {@code trustedFor} ({@code lockout.trusted-desks},
 * {@code lockout.trusted-for}). So an attacker moving between desks can lock a person out of every
 * desk but the ones they use; there the lock of the extension at that desk still bounds guessing.
 * Unknown extensions are counted exactly like existing ones, so a lockout tells nobody which exist.
 */
public record LoginLimits(LockoutPolicy userAtDesk, LockoutPolicy desk, LockoutPolicy user, int userAlertAt,
                          int trustedDesks, Duration trustedFor) {

    public static final Duration HOUR = Duration.ofHours(1);

    /** The default trusted desks: a user's last 2 desks within 30 days. */
    public static final int TRUSTED_DESKS = 2;
    public static final Duration TRUSTED_FOR = Duration.ofDays(30);

    /** Limits with the default trusted desks. */
    public LoginLimits(LockoutPolicy userAtDesk, LockoutPolicy desk, LockoutPolicy user, int userAlertAt) {
        this(userAtDesk, desk, user, userAlertAt, TRUSTED_DESKS, TRUSTED_FOR);
    }

    public LoginLimits {
        if (trustedDesks < 0 || trustedDesks > 10) {
            throw new IllegalArgumentException("lockout.trusted-desks must be 0 to 10, got " + trustedDesks);
        }
        if (trustedFor == null || trustedFor.isNegative() || (trustedDesks > 0 && trustedFor.isZero())) {
            throw new IllegalArgumentException("lockout.trusted-for must be positive, got " + trustedFor);
        }
        if (!userAtDesk.window().equals(desk.window()) || !desk.window().equals(user.window())
                || !userAtDesk.lockFor().equals(desk.lockFor()) || !desk.lockFor().equals(user.lockFor())) {
            throw new IllegalArgumentException("the lockout counters share lockout.window and lockout.duration");
        }
        if (user.maxFailures() <= userAtDesk.maxFailures() || user.maxFailures() <= desk.maxFailures()) {
            throw new IllegalArgumentException("lockout.user-max-failures (" + user.maxFailures()
                    + ") must be greater than lockout.max-failures (" + userAtDesk.maxFailures()
                    + ") and lockout.desk-max-failures (" + desk.maxFailures()
                    + "): failures from one desk alone must never lock a user out of every desk");
        }
        if (userAlertAt < 1 || userAlertAt >= user.maxFailures()) {
            throw new IllegalArgumentException("lockout.user-alert-failures must be at least 1 and below "
                    + "lockout.user-max-failures (" + user.maxFailures() + ") so that the alert comes before the lock, got "
                    + userAlertAt);
        }
    }

    /**
     * From the settings; each message names its key.
     *
     * @param perUserAtDesk {@code lockout.max-failures}
     * @param perDesk       {@code lockout.desk-max-failures}
     * @param userAlert     {@code lockout.user-alert-failures}
     * @param perUser       {@code lockout.user-max-failures}
     */
    public static LoginLimits of(int perUserAtDesk, int perDesk, int userAlert, int perUser, Duration window,
                                 Duration lockFor) {
        return of(perUserAtDesk, perDesk, userAlert, perUser, window, lockFor, TRUSTED_DESKS, TRUSTED_FOR);
    }

    /**
     * As {@link #of(int, int, int, int, Duration, Duration)} with the trusted desks.
     *
     * @param trustedDesks {@code lockout.trusted-desks}
     * @param trustedFor   {@code lockout.trusted-for}
     */
    public static LoginLimits of(int perUserAtDesk, int perDesk, int userAlert, int perUser, Duration window,
                                 Duration lockFor, int trustedDesks, Duration trustedFor) {
        positive("lockout.max-failures", perUserAtDesk);
        positive("lockout.desk-max-failures", perDesk);
        positive("lockout.user-max-failures", perUser);
        LockoutPolicy base = new LockoutPolicy(perUserAtDesk, window, lockFor);
        return new LoginLimits(base, base.withMaxFailures(perDesk), base.withMaxFailures(perUser), userAlert,
                trustedDesks, trustedFor);
    }

    /** The built-in defaults: 5 per user at a desk, 10 per desk, alert at 8 and lock at 12 per user, 15 min. */
    public static LoginLimits defaults() {
        return of(5, 10, 8, 12, Duration.ofMinutes(15), Duration.ofMinutes(15));
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be >= 1, got " + value);
        }
    }

    /** How far back the use cases load failures. */
    public Duration lookBack() {
        return desk.lookBack();
    }

    public Duration window() {
        return desk.window();
    }

    /** The window as the settings write it: {@code 15m}, {@code 1h}, {@code 90s}. */
    public String windowText() {
        long seconds = window().toSeconds();
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }

    /** The most PINs and codes tried at one desk in any hour, whoever they are for. */
    public int guessesPerHourPerDesk() {
        return desk.mostFailuresIn(HOUR);
    }

    /**
     * The most PINs tried for one extension in any hour, all desks together: the lock across desks bounds
     * the guesses everywhere but at the user's trusted desks, where the lock at that desk bounds them.
     */
    public int guessesPerHourPerUser() {
        return user.mostFailuresIn(HOUR) + trustedDesks * userAtDesk.mostFailuresIn(HOUR);
    }

    /** The most wrong codes counted against one user's live codes in any hour, all desks together. */
    public int codeGuessesPerHourPerUser() {
        return user.mostFailuresIn(HOUR);
    }

    /** The most PINs tried for one extension at one desk in any hour. */
    public int guessesPerHourPerUserAtDesk() {
        return userAtDesk.mostFailuresIn(HOUR);
    }
}
