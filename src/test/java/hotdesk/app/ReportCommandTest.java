package hotdesk.app;

import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Occupancy;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hotdesk report occupancy} on a real H2 ledger whose history was written through the ledger:
 * every format, the charts parsed back (SVG as XML, PNG decoded), and each way of asking wrongly.
 */
class ReportCommandTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @TempDir
    Path dir;
    private final Map<String, String> settings = new LinkedHashMap<>();

    private static Instant at(String local) {
        return LocalDateTime.parse(local).atZone(BERLIN).toInstant();
    }

    @BeforeEach
    void floorWithHistory() {
        settings.put("db.url", DatabaseSettings.h2(dir.resolve("ledger")).url());
        settings.put("security.pin-iterations", "1000");
        settings.put("provisioning.timezone", "Europe/Berlin");
        CliRun.ok(settings, "user", "add", "101", "--name", "Alice", "--pin", "4711");
        CliRun.ok(settings, "user", "add", "102", "--name", "Bob", "--pin", "4712");
        CliRun.ok(settings, "device", "add", "00:15:65:00:00:01", "--model", "T54W", "--label", "Desk 1, window", "--site", "HQ");
        CliRun.ok(settings, "device", "add", "00:15:65:00:00:02", "--model", "T54W", "--label", "Desk 2", "--site", "HQ");
        CliRun.ok(settings, "device", "add", "00:15:65:00:00:03", "--model", "T54W", "--label", "Annex 1", "--site", "Annex");
        try (Database db = Database.open(DatabaseSettings.h2(dir.resolve("ledger")))) {
            // Monday 2026-11-23: Alice 09:00-12:00 at desk 1, Bob 11:00-13:00 at desk 2; Tuesday: Alice 10:00-11:00 at the annex
            seat(db, "hd-001565000001", "101", "2026-11-23T09:00", "2026-11-23T12:00", EndReason.LOGOUT);
            seat(db, "hd-001565000002", "102", "2026-11-23T11:00", "2026-11-23T13:00", EndReason.AUTO);
            seat(db, "hd-001565000003", "101", "2026-11-24T10:00", "2026-11-24T11:00", EndReason.MOVED);
        }
    }

    private static void seat(Database db, String desk, String ext, String from, String to, EndReason why) {
        db.ledger().transact(tx -> {
            tx.occupy(new Occupancy(desk, new Extension(ext), at(from), at(from)));
            return null;
        });
        db.ledger().transact(tx -> {
            tx.vacate(desk, at(to), why);
            return null;
        });
    }

    private CliRun report(String... args) {
        String[] command = new String[args.length + 2];
        command[0] = "report";
        command[1] = "occupancy";
        System.arraycopy(args, 0, command, 2, args.length);
        return CliRun.of(settings, Map.of(), command);
    }

    @Test
    void text_shows_sites_desks_and_peaks_in_the_configured_zone() {
        CliRun r = report("--from", "2026-11-23", "--to", "2026-11-24");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Occupancy 2026-11-23 00:00 to 2026-11-25 00:00 (Europe/Berlin), 48.0 h");
        assertThat(r.out()).containsPattern("(?m)^HQ +2 +5\\.0 +5\\.2% +2 +2 +2$")
                .containsPattern("(?m)^Annex +1 +1\\.0 +2\\.1% +1 +1 +1$")
                .containsPattern("(?m)^\\(all\\) +3 +6\\.0 +4\\.2% +3 +2 +2$")
                .containsPattern("(?m)^hd-001565000001 +Desk 1, window +HQ +3\\.0 +6\\.3% +1 +1$");
        // HQ at 11:00 had both desks taken; the annex was used on a Tuesday only
        assertThat(r.out()).containsPattern("(?m)^HQ( +\\d+){9} +1 +1 +2 +1( +0){11}$")
                .containsPattern("(?m)^Annex +0 +1 +0 +0 +0 +0 +0$");
    }

    @Test
    void csv_quotes_labels_and_has_one_row_per_desk_site_and_all() throws Exception {
        CliRun r = report("--from", "2026-11-23", "--to", "2026-11-24", "--format", "csv");
        assertThat(r.code()).as(r.err()).isZero();
        List<CSVRecord> rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(r.out())).getRecords();
        assertThat(rows).extracting(x -> x.get("scope")).containsExactly("desk", "desk", "desk", "site", "site", "all");
        CSVRecord desk1 = rows.stream().filter(x -> x.get("desk").equals("hd-001565000001")).findFirst().orElseThrow();
        assertThat(desk1.get("label")).isEqualTo("Desk 1, window");
        assertThat(desk1.get("hours")).isEqualTo("3.0");
        assertThat(desk1.get("h09")).isEqualTo("0.5");   // occupied one of the two 09:00 hours of the range
        assertThat(desk1.get("h12")).isEqualTo("0.0");
        CSVRecord hq = rows.stream().filter(x -> x.get("scope").equals("site") && x.get("site").equals("HQ")).findFirst().orElseThrow();
        assertThat(hq.get("peak")).isEqualTo("2");
        assertThat(hq.get("h11")).isEqualTo("2");
        assertThat(hq.get("mon")).isEqualTo("2");
        assertThat(hq.get("tue")).isEqualTo("0");
    }

    @Test
    void json_and_a_site_filter() {
        CliRun r = report("--from", "2026-11-23T00:00:00+01:00", "--to", "2026-11-25T00:00:00+01:00", "--site", "Annex", "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("{\"from\":\"2026-11-22T23:00:00Z\",\"to\":\"2026-11-24T23:00:00Z\",\"zone\":\"Europe/Berlin\",\"hours\":48,")
                .contains("\"endpoint\":\"hd-001565000003\"").doesNotContain("hd-001565000001")
                .contains("\"all\":{\"site\":\"*\",\"desks\":1,\"hours\":1,");
    }

    @Test
    void svg_charts_are_well_formed_and_name_what_they_show() throws Exception {
        for (String chart : List.of("desk_hour", "site_weekday", "utilisation")) {
            Path svg = dir.resolve(chart + ".svg");
            CliRun r = report("--from", "2026-11-23", "--to", "2026-11-24", "--format", "svg", "--chart", chart, "--out", svg.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("wrote svg report to " + svg + "\n");
            var factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            // the document names the SVG 1.1 DTD; there is no network here and nothing to validate against it
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            Document doc = factory.newDocumentBuilder().parse(svg.toFile());
            assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
            String text = doc.getDocumentElement().getTextContent();
            assertThat(text).contains("2026-11-23 00:00 to 2026-11-25 00:00 (Europe/Berlin)");
            switch (chart) {
                case "desk_hour" -> assertThat(text).contains("Desk occupancy by hour of the day", "Desk 1, window", "Annex 1");
                case "site_weekday" -> assertThat(text).contains("Peak desk occupancy by weekday", "HQ (2)", "Annex (1)", "Mon", "Sun");
                default -> assertThat(text).contains("Desk utilisation", "Desk 2", "all desks: 4.2%");
            }
        }
    }

    @Test
    void png_is_an_image_of_the_chart_and_needs_a_file() throws Exception {
        Path png = dir.resolve("usage.png");
        CliRun r = report("--from", "2026-11-23", "--format", "png", "--chart", "utilisation", "--out", png.toString());
        assertThat(r.code()).as(r.err()).isZero();
        BufferedImage image = ImageIO.read(png.toFile());
        // kept for people to look at (target/ is not committed)
        Files.createDirectories(Path.of("target/report-samples"));
        Files.copy(png, Path.of("target/report-samples/utilisation.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (String chart : List.of("desk_hour", "site_weekday")) {
            assertThat(report("--from", "2026-11-23", "--to", "2026-11-24", "--format", "png", "--chart", chart,
                    "--out", "target/report-samples/" + chart + ".png").code()).isZero();
        }
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(960);
        assertThat(image.getHeight()).isGreaterThanOrEqualTo(320);

        CliRun noFile = report("--from", "2026-11-23", "--format", "png");
        assertThat(noFile.code()).isEqualTo(2);
        assertThat(noFile.err()).contains("--format png needs --out FILE");
        assertThat(Files.exists(dir.resolve("usage.png"))).isTrue();
    }

    @Test
    void wrong_dates_zones_sites_and_charts_are_clear_errors() {
        CliRun badDate = report("--from", "23.11.2026");
        assertThat(badDate.code()).isEqualTo(2);
        assertThat(badDate.err()).contains("--from: '23.11.2026' is neither a date (YYYY-MM-DD) nor an instant");

        CliRun reversed = report("--from", "2026-11-24", "--to", "2026-11-22");
        assertThat(reversed.code()).isEqualTo(2);
        assertThat(reversed.err()).contains("must be before --to");

        CliRun badZone = report("--from", "2026-11-23", "--zone", "Mars/Olympus");
        assertThat(badZone.code()).isEqualTo(2);
        assertThat(badZone.err()).contains("--zone: not a time zone: 'Mars/Olympus'");

        CliRun noSite = report("--from", "2026-11-23", "--site", "HQ2");
        assertThat(noSite.code()).isEqualTo(2);
        assertThat(noSite.err()).contains("no desk has the site 'HQ2'");

        CliRun badChart = report("--from", "2026-11-23", "--format", "svg", "--chart", "pie");
        assertThat(badChart.code()).isEqualTo(2);
        assertThat(badChart.err()).contains("pie").contains("desk_hour");

        CliRun unwritable = report("--from", "2026-11-23", "--format", "csv", "--out", dir.resolve("no/such/dir/x.csv").toString());
        assertThat(unwritable.code()).isNotZero();
        assertThat(unwritable.err()).contains("cannot write " + dir.resolve("no/such/dir/x.csv"));
    }
}
