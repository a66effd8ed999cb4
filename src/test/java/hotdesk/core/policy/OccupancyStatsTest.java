package hotdesk.core.policy;

import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.SessionRecord;
import hotdesk.core.policy.OccupancyStats.Desk;
import hotdesk.core.policy.OccupancyStats.DeskRow;
import hotdesk.core.policy.OccupancyStats.Report;
import hotdesk.core.policy.OccupancyStats.SiteRow;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OccupancyStatsTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Desk A = new Desk("hd-a", "Desk A", "HQ");
    private static final Desk B = new Desk("hd-b", "Desk B", "HQ");
    private static final Desk C = new Desk("hd-c", "Desk C", "Annex");
    /** Monday 2026-11-23 in Berlin. */
    private static final Instant MON = at("2026-11-23T00:00");
    private static final Instant TUE = at("2026-11-24T00:00");

    private static Instant at(String local) {
        return LocalDateTime.parse(local).atZone(BERLIN).toInstant();
    }

    private static SessionRecord s(Desk d, String ext, String from, String to) {
        return SessionRecord.ended(d.endpointId(), new Extension(ext), at(from), at(to), EndReason.LOGOUT);
    }

    private static DeskRow row(Report r, Desk d) {
        return r.desks().stream().filter(x -> x.desk().equals(d)).findFirst().orElseThrow();
    }

    private static SiteRow site(Report r, String name) {
        return r.sites().stream().filter(x -> x.site().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void one_session_gives_hours_logins_utilisation_and_the_hours_of_the_day_it_covered() {
        Report r = OccupancyStats.compute(MON, TUE, BERLIN, TUE, List.of(A), List.of(s(A, "101", "2026-11-23T09:00", "2026-11-23T11:30")));

        DeskRow a = row(r, A);
        assertThat(a.occupiedHours()).isCloseTo(2.5, within(1e-9));
        assertThat(a.logins()).isEqualTo(1);
        assertThat(a.distinctUsers()).isEqualTo(1);
        assertThat(a.utilisation()).isCloseTo(2.5 / 24, within(1e-9));
        assertThat(a.hourShare()[8]).isZero();
        assertThat(a.hourShare()[9]).isCloseTo(1.0, within(1e-9));
        assertThat(a.hourShare()[10]).isCloseTo(1.0, within(1e-9));
        assertThat(a.hourShare()[11]).isCloseTo(0.5, within(1e-9));
        assertThat(a.hourShare()[12]).isZero();

        SiteRow hq = site(r, "HQ");
        assertThat(hq.peak()).isEqualTo(1);
        assertThat(hq.peakByHour()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(hq.peakByWeekday()).containsExactly(1, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void sessions_are_clipped_to_the_range_and_an_open_one_counts_up_to_now() {
        Instant now = at("2026-11-23T15:00");
        SessionRecord fromSunday = s(A, "101", "2026-11-22T22:00", "2026-11-23T02:00");
        SessionRecord open = SessionRecord.open(new Occupancy(B.endpointId(), new Extension("102"), at("2026-11-23T13:00"), null));
        SessionRecord before = s(C, "103", "2026-11-22T08:00", "2026-11-22T09:00");

        Report r = OccupancyStats.compute(MON, TUE, BERLIN, now, List.of(A, B, C), List.of(fromSunday, open, before));

        assertThat(row(r, A).occupiedHours()).as("only Monday's two hours").isCloseTo(2.0, within(1e-9));
        assertThat(row(r, A).logins()).as("the login was on Sunday").isZero();
        assertThat(row(r, B).occupiedHours()).as("13:00 until now").isCloseTo(2.0, within(1e-9));
        assertThat(row(r, B).logins()).isEqualTo(1);
        assertThat(row(r, C).occupiedHours()).isZero();
        assertThat(row(r, C).distinctUsers()).isZero();
        assertThat(r.all().logins()).isEqualTo(1);
        assertThat(r.all().distinctUsers()).isEqualTo(2);
    }

    @Test
    void a_desk_handed_over_counts_once_and_overlapping_desks_count_together() {
        List<SessionRecord> sessions = List.of(
                s(A, "101", "2026-11-23T08:00", "2026-11-23T10:00"),
                s(A, "102", "2026-11-23T10:00", "2026-11-23T12:00"),   // handed over at 10:00
                s(B, "101", "2026-11-23T11:00", "2026-11-23T11:30"),   // 101 again, at B, while 102 sits at A
                s(C, "103", "2026-11-24T09:00", "2026-11-24T10:00"));  // Tuesday, other site

        Report r = OccupancyStats.compute(MON, TUE.plusSeconds(86400), BERLIN, TUE.plusSeconds(86400), List.of(A, B, C), sessions);

        SiteRow hq = site(r, "HQ");
        assertThat(hq.peakByHour()[9]).isEqualTo(1);
        assertThat(hq.peakByHour()[10]).as("10:00 handover").isEqualTo(1);
        assertThat(hq.peakByHour()[11]).isEqualTo(2);
        assertThat(hq.peak()).isEqualTo(2);
        assertThat(hq.peakByWeekday()).containsExactly(2, 0, 0, 0, 0, 0, 0);
        assertThat(hq.logins()).isEqualTo(3);
        assertThat(hq.distinctUsers()).isEqualTo(2);
        assertThat(hq.desks()).isEqualTo(2);
        assertThat(hq.utilisation()).isCloseTo(4.5 / (2 * 48), within(1e-9));

        assertThat(site(r, "Annex").peakByWeekday()).containsExactly(0, 1, 0, 0, 0, 0, 0);
        assertThat(r.all().peak()).isEqualTo(2);
        assertThat(r.all().distinctUsers()).isEqualTo(3);
        assertThat(r.sites()).extracting(SiteRow::site).containsExactly("Annex", "HQ");
        assertThat(r.desks()).extracting(d -> d.desk().label()).containsExactly("Desk C", "Desk A", "Desk B");
    }

    @Test
    void the_day_clocks_go_back_has_twenty_five_hours_and_two_two_oclocks() {
        Instant day = at("2026-10-25T00:00");
        Instant next = at("2026-10-26T00:00");
        // 01:30 CEST until 02:30 CET: one hour of 01:xx, two hours of 02:xx minus the last half
        SessionRecord night = SessionRecord.ended("hd-a", new Extension("101"), Instant.parse("2026-10-24T23:30:00Z"),
                Instant.parse("2026-10-25T01:30:00Z"), EndReason.AUTO);

        Report r = OccupancyStats.compute(day, next, BERLIN, next, List.of(A), List.of(night));

        assertThat(r.hours()).isCloseTo(25, within(1e-9));
        DeskRow a = row(r, A);
        assertThat(a.occupiedHours()).isCloseTo(2.0, within(1e-9));
        assertThat(a.hourShare()[1]).isCloseTo(0.5, within(1e-9));
        assertThat(a.hourShare()[2]).as("1.5 of the two hours of 02:xx").isCloseTo(0.75, within(1e-9));
        assertThat(a.utilisation()).isCloseTo(2.0 / 25, within(1e-9));
    }

    @Test
    void sessions_of_desks_not_asked_for_are_left_out_and_a_desk_without_a_site_gets_one() {
        Desk lone = new Desk("hd-d", null, "");
        Report r = OccupancyStats.compute(MON, TUE, BERLIN, TUE, List.of(lone),
                List.of(s(A, "101", "2026-11-23T09:00", "2026-11-23T10:00"),
                        SessionRecord.ended("hd-d", new Extension("104"), at("2026-11-23T09:00"), at("2026-11-23T09:15"), EndReason.MOVED)));

        assertThat(r.desks()).hasSize(1);
        assertThat(r.desks().get(0).desk().label()).isEqualTo("hd-d");
        assertThat(r.sites()).extracting(SiteRow::site).containsExactly(OccupancyStats.NO_SITE);
        assertThat(r.all().occupiedHours()).isCloseTo(0.25, within(1e-9));
    }

    @Test
    void an_empty_or_reversed_range_is_refused() {
        assertThatThrownBy(() -> OccupancyStats.compute(TUE, MON, BERLIN, TUE, List.of(A), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("range is empty");
        assertThatThrownBy(() -> OccupancyStats.compute(MON, MON, BERLIN, TUE, List.of(A), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void no_desks_gives_zeroes_not_a_division_by_zero() {
        Report r = OccupancyStats.compute(MON, TUE, BERLIN, TUE, List.of(), List.of());
        assertThat(r.desks()).isEmpty();
        assertThat(r.sites()).isEmpty();
        assertThat(r.all().utilisation()).isZero();
        assertThat(r.all().peak()).isZero();
    }
}
