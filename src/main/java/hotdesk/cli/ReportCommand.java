package hotdesk.cli;

import hotdesk.core.policy.OccupancyStats.DeskRow;
import hotdesk.core.policy.OccupancyStats.Report;
import hotdesk.core.policy.OccupancyStats.SiteRow;
import hotdesk.core.port.OccupancyCharts;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code hotdesk report occupancy}. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Reports from the ledger's history.",
        subcommands = ReportCommand.Occupancy.class)
public final class ReportCommand {

    /** The charts by their command-line names. */
    public enum ChartName {
        desk_hour(OccupancyCharts.Chart.DESK_HOUR), site_weekday(OccupancyCharts.Chart.SITE_WEEKDAY),
        utilisation(OccupancyCharts.Chart.UTILISATION);

        final OccupancyCharts.Chart chart;

        ChartName(OccupancyCharts.Chart chart) {
            this.chart = chart;
        }
    }

    public enum Format { text, csv, json, svg, png }

    @Command(name = "occupancy", mixinStandardHelpOptions = true,
            description = {"How much the desks were used from --from to --to: per desk and per site the hours occupied, "
                    + "utilisation (share of the time occupied), logins, distinct users, and the most desks occupied at "
                    + "once per hour of the day and per weekday. Sessions ended by logout, by another login, by an admin "
                    + "or by a timer all count; a desk still occupied counts up to now.",
                    "",
                    "--format svg or png draws a chart (--chart): desk_hour, a heat map of each desk's share of every "
                            + "hour of the day occupied; site_weekday, a heat map of the most desks occupied at once per "
                            + "site and weekday; utilisation, a bar per desk. Charts show at most 60 desks (the most "
                            + "used): narrow with --site."})
    static final class Occupancy implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;

        @Option(names = "--from", required = true, paramLabel = "WHEN",
                description = "start: a date (YYYY-MM-DD, from its midnight in --zone) or an instant (2026-11-02T08:00:00Z)")
        String from;

        @Option(names = "--to", paramLabel = "WHEN",
                description = "end: a date (that whole day included) or an instant (excluded); default: now")
        String to;

        @Option(names = "--site", paramLabel = "SITE", description = "only the desks of this site")
        String site;

        @Option(names = "--zone", paramLabel = "ZONE",
                description = "time zone of dates, hours and weekdays (IANA id; default: provisioning.timezone)")
        String zone;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
                description = "text, csv, json, svg or png (default: text)")
        Format format;

        @Option(names = "--chart", paramLabel = "CHART", defaultValue = "desk_hour",
                description = "for svg and png: desk_hour, site_weekday or utilisation (default: desk_hour)")
        ChartName chart;

        @Option(names = "--out", paramLabel = "FILE", description = "write to FILE instead of standard output (png needs it)")
        Path out;

        Occupancy(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            if (format == Format.png && out == null) {
                throw new ParameterException(spec.commandLine(), "--format png needs --out FILE (a PNG is not for a terminal)");
            }
            ZoneId z = zone == null ? ctx.zone() : zoneOf(zone);
            Instant start = when(from, z, false, "--from");
            Instant end = to == null ? Instant.now() : when(to, z, true, "--to");
            if (!start.isBefore(end)) {
                throw new ParameterException(spec.commandLine(), "--from (" + start + ") must be before --to (" + end + ")");
            }
            Report report = ctx.occupancy().report(start, end, z, Optional.ofNullable(site));
            byte[] bytes = switch (format) {
                case text -> text(report).getBytes(StandardCharsets.UTF_8);
                case csv -> csv(report).getBytes(StandardCharsets.UTF_8);
                case json -> (Output.json(json(report)) + "\n").getBytes(StandardCharsets.UTF_8);
                case svg -> ctx.charts().render(report, chart.chart, OccupancyCharts.Format.SVG);
                case png -> ctx.charts().render(report, chart.chart, OccupancyCharts.Format.PNG);
            };
            if (out == null) {
                spec.commandLine().getOut().print(new String(bytes, StandardCharsets.UTF_8));
                spec.commandLine().getOut().flush();
                return ExitCodes.OK;
            }
            try {
                Files.write(out, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
            }
            return Output.done(spec, "wrote " + format + " report to " + out);
        }

        private ZoneId zoneOf(String text) {
            try {
                return ZoneId.of(text);
            } catch (DateTimeException e) {
                throw new ParameterException(spec.commandLine(), "--zone: not a time zone: '" + text + "' (an IANA id such as Europe/Berlin)");
            }
        }

        /** A date (its midnight; for an end, the next midnight) or an instant with an offset. */
        private Instant when(String text, ZoneId z, boolean end, String option) {
            try {
                LocalDate day = LocalDate.parse(text);
                return (end ? day.plusDays(1) : day).atStartOfDay(z).toInstant();
            } catch (DateTimeParseException notADate) {
                try {
                    return OffsetDateTime.parse(text).toInstant();
                } catch (DateTimeParseException e) {
                    throw new ParameterException(spec.commandLine(), option + ": '" + text
                            + "' is neither a date (YYYY-MM-DD) nor an instant with an offset (2026-11-02T08:00:00Z)");
                }
            }
        }
    }

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    static String text(Report r) {
        StringWriter w = new StringWriter();
        java.io.PrintWriter p = new java.io.PrintWriter(w);
        p.printf(Locale.ROOT, "Occupancy %s to %s (%s), %.1f h%n%n", MINUTE.format(r.from().atZone(r.zone())),
                MINUTE.format(r.to().atZone(r.zone())), r.zone(), r.hours());
        List<List<String>> sites = new ArrayList<>();
        for (SiteRow s : withAll(r)) {
            sites.add(List.of(name(s), Integer.toString(s.desks()), hours(s.occupiedHours()), percent(s.utilisation()),
                    Integer.toString(s.logins()), Integer.toString(s.distinctUsers()), Integer.toString(s.peak())));
        }
        Output.table(p, List.of("SITE", "DESKS", "HOURS", "UTILISATION", "LOGINS", "USERS", "PEAK"), sites);
        p.println();
        List<List<String>> desks = new ArrayList<>();
        for (DeskRow d : r.desks()) {
            desks.add(List.of(d.desk().endpointId(), d.desk().label(), d.desk().site(), hours(d.occupiedHours()),
                    percent(d.utilisation()), Integer.toString(d.logins()), Integer.toString(d.distinctUsers())));
        }
        Output.table(p, List.of("DESK", "LABEL", "SITE", "HOURS", "UTILISATION", "LOGINS", "USERS"), desks);
        p.println();
        List<String> head = new ArrayList<>(List.of("PEAK BY HOUR"));
        for (int h = 0; h < 24; h++) {
            head.add(String.format(Locale.ROOT, "%02d", h));
        }
        List<List<String>> byHour = new ArrayList<>();
        for (SiteRow s : withAll(r)) {
            List<String> row = new ArrayList<>(List.of(name(s)));
            for (int v : s.peakByHour()) {
                row.add(Integer.toString(v));
            }
            byHour.add(row);
        }
        Output.table(p, head, byHour);
        p.println();
        List<List<String>> byDay = new ArrayList<>();
        for (SiteRow s : withAll(r)) {
            List<String> row = new ArrayList<>(List.of(name(s)));
            for (int v : s.peakByWeekday()) {
                row.add(Integer.toString(v));
            }
            byDay.add(row);
        }
        Output.table(p, List.of("PEAK BY WEEKDAY", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), byDay);
        p.flush();
        return w.toString();
    }

    /**
     * One row per desk, per site and for all desks ({@code scope} desk, site, all); {@code h00..h23}
     * hold a desk's share of each hour occupied and a site's peak of desks occupied at once.
     */
    static String csv(Report r) {
        List<String> header = new ArrayList<>(List.of("scope", "site", "desk", "label", "desks", "hours", "utilisation",
                "logins", "users", "peak"));
        for (int h = 0; h < 24; h++) {
            header.add(String.format(Locale.ROOT, "h%02d", h));
        }
        header.addAll(List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun"));
        StringWriter w = new StringWriter();
        try (CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).get())) {
            for (DeskRow d : r.desks()) {
                List<Object> row = new ArrayList<>(List.of("desk", d.desk().site(), d.desk().endpointId(), d.desk().label(), 1,
                        round(d.occupiedHours()), round(d.utilisation()), d.logins(), d.distinctUsers(), ""));
                for (double share : d.hourShare()) {
                    row.add(round(share));
                }
                for (int i = 0; i < 7; i++) {
                    row.add("");
                }
                csv.printRecord(row);
            }
            for (SiteRow s : withAll(r)) {
                List<Object> row = new ArrayList<>(List.of(s.site().equals("*") ? "all" : "site", s.site(), "", "", s.desks(),
                        round(s.occupiedHours()), round(s.utilisation()), s.logins(), s.distinctUsers(), s.peak()));
                for (int v : s.peakByHour()) {
                    row.add(v);
                }
                for (int v : s.peakByWeekday()) {
                    row.add(v);
                }
                csv.printRecord(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    static Map<String, Object> json(Report r) {
        Map<String, Object> m = Output.object();
        m.put("from", r.from().toString());
        m.put("to", r.to().toString());
        m.put("zone", r.zone().getId());
        m.put("hours", round(r.hours()));
        List<Object> desks = new ArrayList<>();
        for (DeskRow d : r.desks()) {
            Map<String, Object> o = Output.object();
            o.put("endpoint", d.desk().endpointId());
            o.put("label", d.desk().label());
            o.put("site", d.desk().site());
            o.put("hours", round(d.occupiedHours()));
            o.put("utilisation", round(d.utilisation()));
            o.put("logins", d.logins());
            o.put("users", d.distinctUsers());
            List<Object> share = new ArrayList<>();
            for (double v : d.hourShare()) {
                share.add(round(v));
            }
            o.put("hourShare", share);
            desks.add(o);
        }
        m.put("desks", desks);
        List<Object> sites = new ArrayList<>();
        for (SiteRow s : r.sites()) {
            sites.add(site(s));
        }
        m.put("sites", sites);
        m.put("all", site(r.all()));
        return m;
    }

    private static Map<String, Object> site(SiteRow s) {
        Map<String, Object> o = Output.object();
        o.put("site", s.site());
        o.put("desks", s.desks());
        o.put("hours", round(s.occupiedHours()));
        o.put("utilisation", round(s.utilisation()));
        o.put("logins", s.logins());
        o.put("users", s.distinctUsers());
        o.put("peak", s.peak());
        List<Object> byHour = new ArrayList<>();
        for (int v : s.peakByHour()) {
            byHour.add(v);
        }
        o.put("peakByHour", byHour);
        List<Object> byDay = new ArrayList<>();
        for (int v : s.peakByWeekday()) {
            byDay.add(v);
        }
        o.put("peakByWeekday", byDay);
        return o;
    }

    private static String name(SiteRow s) {
        return s.site().equals("*") ? "(all)" : s.site();
    }

    private static List<SiteRow> withAll(Report r) {
        List<SiteRow> rows = new ArrayList<>(r.sites());
        rows.add(r.all());
        return rows;
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    private static String hours(double h) {
        return String.format(Locale.ROOT, "%.1f", h);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }
}
