package hotdesk.core.policy;

import hotdesk.core.model.Extension;
import hotdesk.core.model.SessionRecord;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * How much the desks were used in a time range, from the session history: per desk and per site the
 * hours occupied, logins, distinct users and utilisation; per desk the share of each hour of the day
 * it was occupied; per site the peak number of desks occupied at once, per hour of the day and per
 * weekday. Hours and weekdays are those of one time zone. Sessions are clipped to the range; a
 * session still open counts up to {@code now} (or the end of the range if earlier). Pure.
 */
public final class OccupancyStats {

    /** The site name of desks that have none. */
    public static final String NO_SITE = "(no site)";

    /** A desk line and what the report shows of it. */
    public record Desk(String endpointId, String label, String site) {
        public Desk {
            Objects.requireNonNull(endpointId, "endpointId");
            label = label == null ? endpointId : label;
            site = site == null || site.isBlank() ? NO_SITE : site;
        }
    }

    /**
     * One desk's figures. {@code hourShare[h]}: the share (0..1) of hour {@code h} of the day (in the
     * report's zone) the desk was occupied, over every day of the range.
     */
    public record DeskRow(Desk desk, double occupiedHours, int logins, int distinctUsers, double utilisation,
                          double[] hourShare) {
    }

    /**
     * One site's figures (or every site's, as {@code site = "*"}). {@code peakByHour[h]} and
     * {@code peakByWeekday[d]} (Monday = 0): the most desks of the site occupied at the same moment in
     * that hour of the day or on that weekday, over the range.
     */
    public record SiteRow(String site, int desks, double occupiedHours, int logins, int distinctUsers,
                          double utilisation, int peak, int[] peakByHour, int[] peakByWeekday) {
    }

    public record Report(Instant from, Instant to, ZoneId zone, List<DeskRow> desks, List<SiteRow> sites, SiteRow all) {
        /** Length of the range in hours. */
        public double hours() {
            return Duration.between(from, to).toSeconds() / 3600.0;
        }
    }

    private OccupancyStats() {
    }

    /**
     * The report for {@code [from, to)}. {@code desks}: every desk line to report on (sessions of other
     * lines are ignored, so a site filter is a filter of this list); {@code sessions}: finished and
     * open sessions, in any order.
     */
    public static Report compute(Instant from, Instant to, ZoneId zone, Instant now, List<Desk> desks,
                                 List<SessionRecord> sessions) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("the report range is empty: from " + from + " is not before to " + to);
        }
        Map<String, Desk> byId = new LinkedHashMap<>();
        desks.stream().sorted(Comparator.comparing(Desk::site).thenComparing(Desk::label).thenComparing(Desk::endpointId))
                .forEach(d -> byId.put(d.endpointId(), d));
        List<Slot> slots = slots(from, to, zone);
        double[] capacity = new double[24]; // seconds of each hour of the day in the range
        for (Slot s : slots) {
            capacity[s.hour] += Duration.between(s.start, s.end).toMillis() / 1000.0;
        }

        Map<String, List<Span>> spansByDesk = new LinkedHashMap<>();
        byId.keySet().forEach(id -> spansByDesk.put(id, new ArrayList<>()));
        for (SessionRecord r : sessions) {
            if (!byId.containsKey(r.endpointId())) {
                continue;
            }
            Instant end = r.end().orElse(now.isBefore(to) ? now : to);
            Instant a = r.start().isBefore(from) ? from : r.start();
            Instant b = end.isAfter(to) ? to : end;
            boolean loginInRange = !r.start().isBefore(from) && r.start().isBefore(to);
            if (a.isBefore(b) || loginInRange) {
                spansByDesk.get(r.endpointId()).add(new Span(a, a.isBefore(b) ? b : a, r.extension(), loginInRange));
            }
        }

        double rangeHours = Duration.between(from, to).toSeconds() / 3600.0;
        List<DeskRow> deskRows = new ArrayList<>();
        for (Map.Entry<String, List<Span>> e : spansByDesk.entrySet()) {
            List<Span> spans = e.getValue();
            double[] seconds = new double[24];
            for (Span s : spans) {
                for (int i = firstSlotEndingAfter(slots, s.start); i < slots.size() && slots.get(i).start.isBefore(s.end); i++) {
                    Slot slot = slots.get(i);
                    seconds[slot.hour] += overlapSeconds(s.start, s.end, slot.start, slot.end);
                }
            }
            double[] share = new double[24];
            for (int h = 0; h < 24; h++) {
                share[h] = capacity[h] == 0 ? 0 : seconds[h] / capacity[h];
            }
            double occupied = spans.stream().mapToLong(s -> Duration.between(s.start, s.end).toMillis()).sum() / 3_600_000.0;
            deskRows.add(new DeskRow(byId.get(e.getKey()), occupied, (int) spans.stream().filter(s -> s.login).count(),
                    distinctUsers(spans), occupied / rangeHours, share));
        }

        Map<String, List<DeskRow>> bySite = new TreeMap<>();
        deskRows.forEach(r -> bySite.computeIfAbsent(r.desk().site(), k -> new ArrayList<>()).add(r));
        List<SiteRow> siteRows = new ArrayList<>();
        for (Map.Entry<String, List<DeskRow>> e : bySite.entrySet()) {
            siteRows.add(site(e.getKey(), e.getValue(), spansByDesk, slots, rangeHours));
        }
        SiteRow all = site("*", deskRows, spansByDesk, slots, rangeHours);
        return new Report(from, to, zone, List.copyOf(deskRows), List.copyOf(siteRows), all);
    }

    private static SiteRow site(String name, List<DeskRow> rows, Map<String, List<Span>> spansByDesk, List<Slot> slots,
                                double rangeHours) {
        List<Span> spans = new ArrayList<>();
        rows.forEach(r -> spans.addAll(spansByDesk.get(r.desk().endpointId())));
        double occupied = rows.stream().mapToDouble(DeskRow::occupiedHours).sum();
        int logins = rows.stream().mapToInt(DeskRow::logins).sum();
        int[] byHour = new int[24];
        int[] byWeekday = new int[7];
        int[] perSlot = peaks(spans, slots);
        int peak = 0;
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            byHour[s.hour] = Math.max(byHour[s.hour], perSlot[i]);
            byWeekday[s.weekday] = Math.max(byWeekday[s.weekday], perSlot[i]);
            peak = Math.max(peak, perSlot[i]);
        }
        double utilisation = rows.isEmpty() ? 0 : occupied / (rows.size() * rangeHours);
        return new SiteRow(name, rows.size(), occupied, logins, distinctUsers(spans), utilisation, peak, byHour, byWeekday);
    }

    /**
     * The most spans open at the same moment within each slot. Ends sort before starts at the same
     * instant, so a desk handed from one person to the next is not counted twice.
     */
    private static int[] peaks(List<Span> spans, List<Slot> slots) {
        List<long[]> events = new ArrayList<>(); // {epoch millis, +1 or -1}
        for (Span s : spans) {
            if (s.start.isBefore(s.end)) {
                events.add(new long[]{s.start.toEpochMilli(), 1});
                events.add(new long[]{s.end.toEpochMilli(), -1});
            }
        }
        events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        int[] out = new int[slots.size()];
        int open = 0;
        int next = 0;
        for (int i = 0; i < slots.size(); i++) {
            long start = slots.get(i).start.toEpochMilli();
            long end = slots.get(i).end.toEpochMilli();
            while (next < events.size() && events.get(next)[0] <= start) {
                open += (int) events.get(next++)[1];
            }
            int max = open;
            while (next < events.size() && events.get(next)[0] < end) {
                open += (int) events.get(next++)[1];
                max = Math.max(max, open);
            }
            out[i] = max;
        }
        return out;
    }

    /** Index of the first slot whose end is after {@code t} (slots are in order and touch). */
    private static int firstSlotEndingAfter(List<Slot> slots, Instant t) {
        int lo = 0;
        int hi = slots.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (slots.get(mid).end.isAfter(t)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static int distinctUsers(List<Span> spans) {
        Set<Extension> users = new HashSet<>();
        spans.forEach(s -> users.add(s.user));
        return users.size();
    }

    private static double overlapSeconds(Instant a, Instant b, Instant c, Instant d) {
        Instant start = a.isAfter(c) ? a : c;
        Instant end = b.isBefore(d) ? b : d;
        return start.isBefore(end) ? Duration.between(start, end).toMillis() / 1000.0 : 0;
    }

    /** The clock hours of the range in the zone, the first and last cut to the range. */
    private static List<Slot> slots(Instant from, Instant to, ZoneId zone) {
        List<Slot> slots = new ArrayList<>();
        ZonedDateTime hour = from.atZone(zone).truncatedTo(ChronoUnit.HOURS);
        while (hour.toInstant().isBefore(to)) {
            ZonedDateTime next = hour.plusHours(1);
            Instant start = hour.toInstant().isBefore(from) ? from : hour.toInstant();
            Instant end = next.toInstant().isAfter(to) ? to : next.toInstant();
            DayOfWeek day = hour.getDayOfWeek();
            slots.add(new Slot(start, end, hour.getHour(), day.getValue() - 1));
            hour = next;
        }
        return slots;
    }

    private record Slot(Instant start, Instant end, int hour, int weekday) {
    }

    private record Span(Instant start, Instant end, Extension user, boolean login) {
    }
}
