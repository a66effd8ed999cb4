package hotdesk.report;

import hotdesk.core.policy.OccupancyStats.DeskRow;
import hotdesk.core.policy.OccupancyStats.Report;
import hotdesk.core.policy.OccupancyStats.SiteRow;
import hotdesk.core.port.OccupancyCharts;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.svg.SVGGraphics2D;

import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@link OccupancyCharts} drawn with JFreeChart: two heat maps (desk × hour of the day, site ×
 * weekday) and a utilisation bar chart. A chart shows at most {@value #MAX_ROWS} desks (the most used,
 * named in the subtitle) so it stays readable; narrow a larger floor by site. Thread-safe: every
 * render builds its own chart.
 */
public final class JFreeOccupancyCharts implements OccupancyCharts {

    static final int MAX_ROWS = 60;
    private static final int WIDTH = 960;
    private static final String[] HOURS = new String[24];
    private static final String[] WEEKDAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    static {
        for (int h = 0; h < 24; h++) {
            HOURS[h] = String.format(Locale.ROOT, "%02d", h);
        }
        // charts are drawn off screen: a server has no display
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    @Override
    public byte[] render(Report report, Chart chart, Format format) {
        Drawn drawn = switch (chart) {
            case DESK_HOUR -> deskHour(report);
            case SITE_WEEKDAY -> siteWeekday(report);
            case UTILISATION -> utilisation(report);
        };
        return format == Format.SVG ? svg(drawn) : png(drawn);
    }

    private record Drawn(JFreeChart chart, int width, int height) {
    }

    private Drawn deskHour(Report report) {
        List<DeskRow> rows = mostUsed(report.desks());
        DefaultXYZDataset data = new DefaultXYZDataset();
        int n = rows.size() * 24;
        double[][] xyz = new double[3][n];
        for (int r = 0; r < rows.size(); r++) {
            for (int h = 0; h < 24; h++) {
                int i = r * 24 + h;
                xyz[0][i] = h;
                xyz[1][i] = r;
                xyz[2][i] = rows.get(r).hourShare()[h] * 100;
            }
        }
        data.addSeries("occupied", xyz);
        String[] labels = uniqueLabels(rows.stream().map(d -> d.desk().label()).toList(),
                rows.stream().map(d -> d.desk().endpointId()).toList());
        JFreeChart chart = heatMap(data, HOURS, labels, "hour of the day", "", 100, "% of the hour occupied");
        chart.setTitle(new TextTitle("Desk occupancy by hour of the day", new Font(Font.SANS_SERIF, Font.BOLD, 15)));
        chart.addSubtitle(new TextTitle(range(report) + shown(rows.size(), report.desks().size()), TEXT));
        return new Drawn(chart, WIDTH, height(rows.size()));
    }

    private Drawn siteWeekday(Report report) {
        List<SiteRow> sites = report.sites();
        DefaultXYZDataset data = new DefaultXYZDataset();
        double[][] xyz = new double[3][sites.size() * 7];
        int max = 1;
        List<XYTextAnnotation> values = new ArrayList<>();
        for (int s = 0; s < sites.size(); s++) {
            for (int d = 0; d < 7; d++) {
                int i = s * 7 + d;
                int peak = sites.get(s).peakByWeekday()[d];
                xyz[0][i] = d;
                xyz[1][i] = s;
                xyz[2][i] = peak;
                max = Math.max(max, peak);
                XYTextAnnotation a = new XYTextAnnotation(Integer.toString(peak), d, s);
                a.setFont(TEXT);
                values.add(a);
            }
        }
        data.addSeries("peak", xyz);
        String[] labels = sites.stream().map(s -> s.site() + " (" + s.desks() + ")").toArray(String[]::new);
        JFreeChart chart = heatMap(data, WEEKDAYS, labels, "weekday", "site (desks)", max, "most desks occupied at once");
        XYPlot plot = chart.getXYPlot();
        values.forEach(plot::addAnnotation);
        chart.setTitle(new TextTitle("Peak desk occupancy by weekday", new Font(Font.SANS_SERIF, Font.BOLD, 15)));
        chart.addSubtitle(new TextTitle(range(report), TEXT));
        return new Drawn(chart, WIDTH, height(sites.size()));
    }

    private Drawn utilisation(Report report) {
        List<DeskRow> rows = mostUsed(report.desks());
        String[] labels = uniqueLabels(rows.stream().map(d -> d.desk().label()).toList(),
                rows.stream().map(d -> d.desk().endpointId()).toList());
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int r = 0; r < rows.size(); r++) {
            data.addValue(rows.get(r).utilisation() * 100, "utilisation", labels[r]);
        }
        CategoryAxis desks = new CategoryAxis("");
        desks.setTickLabelFont(TEXT);
        NumberAxis percent = new NumberAxis("% of the time occupied");
        percent.setRange(0, 100);
        percent.setTickLabelFont(TEXT);
        BarRenderer bars = new BarRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setSeriesPaint(0, new Color(0x2b, 0x6c, 0xb0));
        CategoryPlot plot = new CategoryPlot(data, desks, percent, bars);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        JFreeChart chart = new JFreeChart("Desk utilisation", new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(new TextTitle(range(report) + String.format(Locale.ROOT, "; all desks: %.1f%%",
                report.all().utilisation() * 100) + shown(rows.size(), report.desks().size()), TEXT));
        return new Drawn(chart, WIDTH, height(rows.size()));
    }

    private static JFreeChart heatMap(DefaultXYZDataset data, String[] columns, String[] rows, String xLabel,
                                      String yLabel, double max, String legend) {
        SymbolAxis x = new SymbolAxis(xLabel, columns);
        x.setTickLabelFont(TEXT);
        x.setGridBandsVisible(false);
        SymbolAxis y = new SymbolAxis(yLabel, rows.length == 0 ? new String[]{"(no desks)"} : rows);
        y.setTickLabelFont(TEXT);
        y.setGridBandsVisible(false);
        y.setInverted(true);
        LookupPaintScale scale = new LookupPaintScale(0, max + 1e-9, Color.WHITE);
        int steps = 10;
        for (int i = 0; i < steps; i++) {
            float t = (float) i / (steps - 1);
            scale.add(max * i / steps, new Color(1f - 0.85f * t, 1f - 0.55f * t, 1f - 0.25f * t));
        }
        XYBlockRenderer cells = new XYBlockRenderer();
        cells.setPaintScale(scale);
        XYPlot plot = new XYPlot(data, x, y, cells);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setAxisOffset(new RectangleInsets(2, 2, 2, 2));
        JFreeChart chart = new JFreeChart(null, null, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        NumberAxis legendAxis = new NumberAxis(legend);
        legendAxis.setRange(0, max);
        if (max > 1 && max < 100) { // a count of desks: whole numbers only
            legendAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
        legendAxis.setTickLabelFont(TEXT);
        PaintScaleLegend key = new PaintScaleLegend(scale, legendAxis);
        key.setPosition(RectangleEdge.BOTTOM);
        key.setAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
        key.setMargin(new RectangleInsets(4, 60, 4, 60));
        key.setStripWidth(10);
        chart.addSubtitle(key);
        return chart;
    }

    /** The {@value #MAX_ROWS} most used desks, in the report's order (site, label). */
    private static List<DeskRow> mostUsed(List<DeskRow> desks) {
        if (desks.size() <= MAX_ROWS) {
            return desks;
        }
        Set<DeskRow> keep = new HashSet<>(desks.stream()
                .sorted(Comparator.comparingDouble(DeskRow::utilisation).reversed()).limit(MAX_ROWS).toList());
        return desks.stream().filter(keep::contains).toList();
    }

    /** Labels as given, with the endpoint added where two desks share a label. */
    private static String[] uniqueLabels(List<String> labels, List<String> ids) {
        String[] out = new String[labels.size()];
        Set<String> seen = new HashSet<>();
        Set<String> twice = new HashSet<>();
        labels.forEach(l -> {
            if (!seen.add(l)) {
                twice.add(l);
            }
        });
        for (int i = 0; i < out.length; i++) {
            out[i] = twice.contains(labels.get(i)) ? labels.get(i) + " (" + ids.get(i) + ")" : labels.get(i);
        }
        return out;
    }

    private static String range(Report r) {
        return DAY.format(r.from().atZone(r.zone())) + " to " + DAY.format(r.to().atZone(r.zone())) + " (" + r.zone() + ")";
    }

    private static String shown(int shown, int all) {
        return shown < all ? "; the " + shown + " most used of " + all + " desks (narrow with --site)" : "";
    }

    private static int height(int rows) {
        return Math.max(320, 170 + 18 * Math.max(rows, 1));
    }

    private static byte[] svg(Drawn d) {
        SVGGraphics2D g = new SVGGraphics2D(d.width(), d.height());
        d.chart().draw(g, new Rectangle2D.Double(0, 0, d.width(), d.height()));
        return g.getSVGDocument().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] png(Drawn d) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(out, d.chart(), d.width(), d.height());
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart as PNG: " + e.getMessage(), e);
        }
    }

    /** For tests: the chart's size for a report, as drawn. */
    static int[] size(Report report, Chart chart) {
        int rows = switch (chart) {
            case SITE_WEEKDAY -> report.sites().size();
            default -> Math.min(report.desks().size(), MAX_ROWS);
        };
        return new int[]{WIDTH, height(rows)};
    }
}
