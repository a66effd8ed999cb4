package hotdesk.provisioning;

import hotdesk.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RefusalLimiterTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-03T08:00:05Z"));

    @Test
    void an_address_is_blocked_after_max_refusals_until_the_clock_minute_ends() {
        // given
        RefusalLimiter limiter = new RefusalLimiter(clock, 2, 100);
        limiter.refused("10.0.0.1");
        assertThat(limiter.check("10.0.0.1").blocked()).isFalse();

        // when
        limiter.refused("10.0.0.1");

        // then
        RefusalLimiter.Verdict first = limiter.check("10.0.0.1");
        assertThat(first).isEqualTo(new RefusalLimiter.Verdict(true, true, 55));
        assertThat(limiter.check("10.0.0.1").firstBlock()).isFalse();
        assertThat(limiter.check("10.0.0.2").blocked()).isFalse();
        clock.advance(Duration.ofSeconds(55));
        assertThat(limiter.check("10.0.0.1").blocked()).isFalse();
    }

    @Test
    void asking_whether_an_address_is_blocked_leaves_the_first_block_to_check() {
        // given
        RefusalLimiter limiter = new RefusalLimiter(clock, 2, 100);
        limiter.refused("10.0.0.1");
        assertThat(limiter.blocks("10.0.0.1")).isFalse();
        limiter.refused("10.0.0.1");

        // when
        boolean blocks = limiter.blocks("10.0.0.1");
        boolean again = limiter.blocks("10.0.0.1");

        // then
        assertThat(blocks).isTrue();
        assertThat(again).isTrue();
        assertThat(limiter.check("10.0.0.1")).isEqualTo(new RefusalLimiter.Verdict(true, true, 55));
        assertThat(limiter.blocks("10.0.0.2")).isFalse();
        assertThat(limiter.tracked()).as("asking tracks nobody").isEqualTo(1);
        clock.advance(Duration.ofSeconds(55));
        assertThat(limiter.blocks("10.0.0.1")).isFalse();
    }

    @Test
    void a_scan_from_100000_addresses_keeps_the_table_at_its_capacity() {
        // given
        RefusalLimiter limiter = new RefusalLimiter(clock, 1, 1000);

        // when
        for (int i = 0; i < 100_000; i++) {
            limiter.refused(address(i));
        }

        // then
        assertThat(limiter.tracked()).isEqualTo(1000);
    }

    @Test
    void when_the_table_is_full_tracked_addresses_stay_blocked_and_new_ones_are_answered_as_usual() {
        // given a scanner blocked early, then a wide scan that fills the table
        RefusalLimiter limiter = new RefusalLimiter(clock, 1, 100);
        assertThat(limiter.refused("192.0.2.66")).isEqualTo(RefusalLimiter.Tracking.COUNTED);
        List<RefusalLimiter.Tracking> outcomes = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            outcomes.add(limiter.refused(address(i)));
        }

        // then cycling through fresh addresses did not evict the blocked one
        assertThat(limiter.check("192.0.2.66").blocked()).isTrue();
        // and a phone that was never refused is not blocked, however full the table is
        assertThat(limiter.check("10.20.30.40").blocked()).isFalse();
        // and the first address that found the table full is reported once, so the server can log it once
        assertThat(outcomes.subList(0, 99)).containsOnly(RefusalLimiter.Tracking.COUNTED);
        assertThat(outcomes.get(99)).isEqualTo(RefusalLimiter.Tracking.FIRST_UNTRACKED);
        assertThat(outcomes.subList(100, 5000)).containsOnly(RefusalLimiter.Tracking.UNTRACKED);
        assertThat(limiter.tracked()).isEqualTo(100);
    }

    @Test
    void a_new_minute_starts_from_an_empty_table_without_visiting_the_old_one() {
        // given a full table
        RefusalLimiter limiter = new RefusalLimiter(clock, 1, 100);
        for (int i = 0; i < 100; i++) {
            limiter.refused(address(i));
        }
        assertThat(limiter.tracked()).isEqualTo(100);

        // when the minute turns
        clock.advance(Duration.ofSeconds(55));
        boolean blocked = limiter.check(address(0)).blocked();

        // then the whole past minute is gone at once, and the table takes new addresses again
        assertThat(blocked).isFalse();
        assertThat(limiter.tracked()).isZero();
        assertThat(limiter.refused(address(100_000))).isEqualTo(RefusalLimiter.Tracking.COUNTED);
        assertThat(limiter.check(address(100_000)).blocked()).isTrue();
    }

    @Test
    void concurrent_refusals_never_track_more_addresses_than_the_capacity() throws Exception {
        // given
        RefusalLimiter limiter = new RefusalLimiter(clock, 3, 500);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Callable<Void>> scans = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int base = t * 10_000;
            scans.add(() -> {
                for (int i = 0; i < 10_000; i++) {
                    limiter.refused(address(base + i));
                    limiter.refused(address(i));
                }
                return null;
            });
        }

        // when
        try {
            for (Future<Void> f : pool.invokeAll(scans)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }

        // then
        assertThat(limiter.tracked()).isEqualTo(500);
    }

    /** A distinct IPv6 address per number, as one host with a /64 can use. */
    private static String address(int i) {
        return "2001:db8::" + Integer.toHexString(i >>> 16) + ":" + Integer.toHexString(i & 0xffff);
    }
}
