package hotdesk.core.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class LockoutPolicyTest {

    static final Instant T = Instant.parse("2026-03-02T09:00:00Z");
    static final LockoutPolicy FIVE = new LockoutPolicy(5, Duration.ofMinutes(15), Duration.ofMinutes(15));

    static List<Instant> at(long... secondsAfterT) {
        List<Instant> out = new ArrayList<>();
        for (long s : secondsAfterT) {
            out.add(T.plusSeconds(s));
        }
        return out;
    }

    static Stream<Arguments> locks() {
        return Stream.of(
                // failures, now (s after T), locked until (s after T) or null
                arguments("none", at(), 0, null),
                arguments("four", at(0, 1, 2, 3), 10, null),
                arguments("five: locked for the window after the fifth", at(0, 1, 2, 3, 4), 10, 904L),
                arguments("five: open once the oldest left the window and lockFor passed", at(0, 1, 2, 3, 4), 904, null),
                arguments("five spread over the window", at(0, 200, 400, 600, 800), 850, 1700L),
                arguments("five, but the oldest out of the window", at(0, 200, 400, 600, 900), 901, null),
                arguments("failures in the future do not count", at(100, 101, 102, 103, 104), 50, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locks")
    void a_key_is_locked_while_the_window_holds_the_limit(String rule, List<Instant> failures, long now, Long until) {
        assertThat(FIVE.lockedUntil(failures, T.plusSeconds(now)))
                .isEqualTo(Optional.ofNullable(until).map(T::plusSeconds));
    }

    @Test
    void a_lock_lasts_at_least_lock_for_after_the_failure_that_caused_it() {
        LockoutPolicy longLock = new LockoutPolicy(5, Duration.ofMinutes(15), Duration.ofHours(1));

        assertThat(longLock.lockedUntil(at(0, 1, 2, 3, 4), T.plusSeconds(1800))).contains(T.plusSeconds(3604));
        assertThat(longLock.lockedUntil(at(0, 1, 2, 3, 4), T.plusSeconds(3604))).isEmpty();
    }

    @Test
    void bad_settings_are_refused_naming_the_key() {
        assertThatThrownBy(() -> new LockoutPolicy(0, Duration.ofMinutes(1), Duration.ofMinutes(1)))
                .hasMessageContaining("lockout.max-failures");
        assertThatThrownBy(() -> new LockoutPolicy(1, Duration.ZERO, Duration.ofMinutes(1))).hasMessageContaining("lockout.window");
        assertThatThrownBy(() -> new LockoutPolicy(1, Duration.ofMinutes(1), Duration.ZERO)).hasMessageContaining("lockout.duration");
    }

    /**
     * An attacker who tries once a second whenever the key is open, for ten hours: with lockFor equal to
     * the window (the defaults) the worst hour holds exactly the bound, never more.
     */
    @ParameterizedTest
    @ValueSource(strings = {"5,15m,15m", "10,15m,15m", "12,15m,15m", "3,10m,10m", "5,7m,7m"})
    void a_greedy_attacker_reaches_the_bound_and_never_exceeds_it(String setting) {
        LockoutPolicy p = policy(setting);
        List<Instant> failures = attack(p, second -> true, 10 * 3600);

        assertThat(worstHour(failures)).isEqualTo(p.mostFailuresIn(Duration.ofHours(1)));
    }

    /** Seeded random attackers (any pace, pauses, bursts) never beat the bound, also with a longer lockFor. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void random_attackers_never_exceed_the_bound(long seed) {
        Random random = new Random(seed);
        for (String setting : List.of("5,15m,15m", "10,15m,15m", "4,5m,1h", "6,10m,2m")) {
            LockoutPolicy p = policy(setting);
            double pace = 0.05 + random.nextDouble() * 0.9;
            List<Instant> failures = attack(p, second -> random.nextDouble() < pace, 6 * 3600);

            assertThat(worstHour(failures)).as(setting + " seed " + seed).isLessThanOrEqualTo(p.mostFailuresIn(Duration.ofHours(1)));
        }
    }

    @Test
    void the_bound_is_the_limit_for_each_window_an_hour_meets() {
        assertThat(FIVE.mostFailuresIn(Duration.ofHours(1))).isEqualTo(20);
        assertThat(new LockoutPolicy(5, Duration.ofMinutes(25), Duration.ofMinutes(1)).mostFailuresIn(Duration.ofHours(1)))
                .isEqualTo(15);
    }

    static LockoutPolicy policy(String setting) {
        String[] s = setting.split(",");
        return new LockoutPolicy(Integer.parseInt(s[0]), duration(s[1]), duration(s[2]));
    }

    static Duration duration(String d) {
        long n = Long.parseLong(d.substring(0, d.length() - 1));
        return d.endsWith("h") ? Duration.ofHours(n) : Duration.ofMinutes(n);
    }

    interface Wants {
        boolean at(long second);
    }

    /** Each second the attacker may try; a try on an open key is a failure (all guesses wrong). */
    static List<Instant> attack(LockoutPolicy p, Wants wants, long seconds) {
        List<Instant> failures = new ArrayList<>();
        for (long s = 0; s < seconds; s++) {
            Instant now = T.plusSeconds(s);
            if (wants.at(s) && !p.locked(recent(failures, now, p), now)) {
                failures.add(now);
            }
        }
        return failures;
    }

    /** What the use case loads: the failures within lookBack. */
    static List<Instant> recent(List<Instant> failures, Instant now, LockoutPolicy p) {
        Instant since = now.minus(p.lookBack());
        int from = Collections.binarySearch(failures, since);
        return failures.subList(from < 0 ? -from - 1 : from, failures.size());
    }

    static int worstHour(List<Instant> failures) {
        int worst = 0;
        for (int i = 0; i < failures.size(); i++) {
            Instant end = failures.get(i).plus(Duration.ofHours(1));
            int n = 0;
            for (int j = i; j < failures.size() && failures.get(j).isBefore(end); j++) {
                n++;
            }
            worst = Math.max(worst, n);
        }
        return worst;
    }
}
