package hotdesk.core.port;

import hotdesk.core.policy.OccupancyStats;

/** Draws an occupancy report as a chart image. Implementations are thread-safe. */
public interface OccupancyCharts {

    enum Chart {
        /** Desk × hour of the day, each cell the share of that hour the desk was occupied. */
        DESK_HOUR,
        /** Site × weekday, each cell the most desks occupied at once. */
        SITE_WEEKDAY,
        /** One bar per desk: its utilisation over the range. */
        UTILISATION
    }

    enum Format { SVG, PNG }

    /** The chart as the bytes of an SVG (UTF-8) or PNG file. */
    byte[] render(OccupancyStats.Report report, Chart chart, Format format);
}
