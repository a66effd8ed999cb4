package hotdesk.core.policy;

import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Occupancy;
import hotdesk.core.policy.AutoLogoutRules.AfterTheCall;
import hotdesk.core.policy.AutoLogoutRules.Due;
import hotdesk.core.policy.AutoLogoutRules.NotDue;
import hotdesk.core.policy.AutoLogoutRules.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class AutoLogoutRulesTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final Instant LOGIN = Instant.parse("2026-11-30T08:00:00Z"); // 09:00 in Berlin

    static Occupancy seat(Instant since, Instant lastCallEnded) {
        return new Occupancy("hd-0015651234ab", Extension.of("101"), since, lastCallEnded);
    }

    static AutoLogoutRules idle(int minutes) {
        return new AutoLogoutRules(Duration.ofMinutes(minutes), Duration.ZERO, Optional.empty());
    }

    static AutoLogoutRules max(int hours) {
        return new AutoLogoutRules(Duration.ZERO, Duration.ofHours(hours), Optional.empty());
    }

    static AutoLogoutRules daily(String at) {
        return new AutoLogoutRules(Duration.ZERO, Duration.ZERO, Optional.of(LocalTime.parse(at)));
    }

    static Stream<Arguments> rules() {
        Occupancy fresh = seat(LOGIN, null);
        Occupancy calledAt0930 = seat(LOGIN, LOGIN.plus(Duration.ofMinutes(90)));
        return Stream.of(
                arguments("off: never", AutoLogoutRules.OFF, fresh, LOGIN.plus(Duration.ofDays(3)), false, new NotDue()),
                arguments("idle 5: 4:59 after login", idle(5), fresh, LOGIN.plusSeconds(299), false, new NotDue()),
                arguments("idle 5: 5:00 after login", idle(5), fresh, LOGIN.plusSeconds(300), false, new Due(EndReason.AUTO_IDLE)),
                arguments("idle 5: counted from the last call's end", idle(5), calledAt0930, LOGIN.plus(Duration.ofMinutes(94)), false,
                        new NotDue()),
                arguments("idle 5: 5 min after the last call", idle(5), calledAt0930, LOGIN.plus(Duration.ofMinutes(95)), false,
                        new Due(EndReason.AUTO_IDLE)),
                arguments("idle due with a call up: after the call", idle(5), fresh, LOGIN.plusSeconds(600), true,
                        new AfterTheCall(EndReason.AUTO_IDLE)),
                arguments("a call up but nothing due", idle(5), fresh, LOGIN.plusSeconds(60), true, new NotDue()),
                arguments("max 10 h: just before", max(10), calledAt0930, LOGIN.plus(Duration.ofHours(10)).minusSeconds(1), false,
                        new NotDue()),
                arguments("max 10 h: whatever the calls", max(10), seat(LOGIN, LOGIN.plus(Duration.ofHours(10))),
                        LOGIN.plus(Duration.ofHours(10)), false, new Due(EndReason.AUTO_MAX)),
                arguments("max during a call: after it", max(10), fresh, LOGIN.plus(Duration.ofHours(11)), true,
                        new AfterTheCall(EndReason.AUTO_MAX)),
                arguments("daily 19:00 Berlin: 18:59", daily("19:00"), fresh, Instant.parse("2026-11-30T17:59:00Z"), false,
                        new NotDue()),
                arguments("daily 19:00 Berlin: 19:00", daily("19:00"), fresh, Instant.parse("2026-11-30T18:00:00Z"), false,
                        new Due(EndReason.AUTO_DAILY)),
                arguments("daily: a login after 19:00 stays till tomorrow's", daily("19:00"), seat(Instant.parse("2026-11-30T18:30:00Z"), null),
                        Instant.parse("2026-12-01T17:59:00Z"), false, new NotDue()),
                arguments("daily: a login after 19:00 goes at tomorrow's", daily("19:00"), seat(Instant.parse("2026-11-30T18:30:00Z"), null),
                        Instant.parse("2026-12-01T18:00:00Z"), false, new Due(EndReason.AUTO_DAILY)),
                arguments("daily 02:00: a login at 23:00 goes at 02:00", daily("02:00"), seat(Instant.parse("2026-11-30T22:00:00Z"), null),
                        Instant.parse("2026-12-01T01:00:00Z"), false, new Due(EndReason.AUTO_DAILY)),
                arguments("daily and max both due: daily names it", new AutoLogoutRules(Duration.ZERO, Duration.ofHours(1),
                        Optional.of(LocalTime.parse("19:00"))), fresh, Instant.parse("2026-11-30T18:00:00Z"), false,
                        new Due(EndReason.AUTO_DAILY)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void each_rule_decides_as_its_row_says(String rule, AutoLogoutRules rules, Occupancy seat, Instant now, boolean callUp,
                                           Verdict expected) {
        assertThat(rules.verdict(seat, BERLIN, now, callUp)).isEqualTo(expected);
    }

    @Test
    void the_daily_time_follows_the_time_zone_across_a_dst_change() {
        // Berlin leaves summer time on 2026-10-25: 19:00 is 17:00Z the day before and 18:00Z that day
        AutoLogoutRules rules = daily("19:00");
        Occupancy seat = seat(Instant.parse("2026-10-25T08:00:00Z"), null);
        assertThat(rules.verdict(seat, BERLIN, Instant.parse("2026-10-25T17:30:00Z"), false)).isEqualTo(new NotDue());
        assertThat(rules.verdict(seat, BERLIN, Instant.parse("2026-10-25T18:00:00Z"), false)).isEqualTo(new Due(EndReason.AUTO_DAILY));
        assertThat(rules.verdict(seat, ZoneId.of("UTC"), Instant.parse("2026-10-25T18:59:00Z"), false)).isEqualTo(new NotDue());
    }

    @Test
    void a_daily_time_inside_the_spring_gap_counts_right_after_it() {
        // Berlin skips 02:00-03:00 on 2026-03-29: 02:30 happens at 03:30 summer time (01:30Z)
        assertThat(AutoLogoutRules.lastOccurrence(LocalTime.parse("02:30"), BERLIN, Instant.parse("2026-03-29T01:30:00Z")))
                .isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
        assertThat(AutoLogoutRules.lastOccurrence(LocalTime.parse("02:30"), BERLIN, Instant.parse("2026-03-29T01:29:00Z")))
                .isEqualTo(Instant.parse("2026-03-28T01:30:00Z"));
    }

    @Test
    void negative_durations_are_refused() {
        assertThatThrownBy(() -> new AutoLogoutRules(Duration.ofMinutes(-1), Duration.ZERO, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThat(AutoLogoutRules.OFF.any()).isFalse();
        assertThat(idle(5).any()).isTrue();
    }
}
