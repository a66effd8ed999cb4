package hotdesk.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hotdesk.cli.ExitCodes;
import hotdesk.cli.SecretInput;
import hotdesk.store.DatabaseSettings;
import hotdesk.testing.LogCapture;
import hotdesk.testing.RealAsterisk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hotdesk site …}, {@code device location(s) …} and the emergency warnings of {@code device add},
 * {@code status} and {@code doctor}, run as a shell would run them on a real H2 file.
 */
class SiteCommandLineTest {

    static final String MAC = "00:15:65:12:34:AB";
    static final String MAC2 = "00:15:65:12:34:AC";

    @TempDir
    Path dir;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, String> settings = new LinkedHashMap<>();

    @BeforeEach
    void setUp() {
        settings.put("db.url", DatabaseSettings.h2(dir.resolve("ledger")).url());
    }

    private CliRun run(String... command) {
        return CliRun.of(settings, Map.of(), command);
    }

    /** As {@link #run}, a secret option written without a value read from {@code secrets}. */
    private CliRun run(SecretInput secrets, String... command) {
        List<String> args = new ArrayList<>();
        settings.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
        args.addAll(List.of(command));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), Map.of(), secrets, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** No terminal; {@code text} on standard input. */
    private static SecretInput piped(String text) {
        return new SecretInput(null, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private String ok(String... command) {
        CliRun r = run(command);
        assertThat(r.code()).as(String.join(" ", command) + ": " + r.err()).isZero();
        return r.out();
    }

    private Path file(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private JsonNode sites() throws IOException {
        return json.readTree(ok("site", "list", "--json"));
    }

    private JsonNode status() throws IOException {
        return json.readTree(ok("status", "--json"));
    }

    // ---- sites

    @Test
    void a_site_is_added_listed_changed_and_removed() throws IOException {
        assertThat(ok("site", "add", "HQ", "--elin", "+15551230000", "--country", "us", "--state", "NY", "--city",
                "New York", "--street", "Main Street", "--number", "100", "--postal-code", "10001", "--time-zone",
                "America/New_York")).isEqualTo("added site HQ\n");

        JsonNode hq = sites().get(0);
        assertThat(hq.get("name").asText()).isEqualTo("HQ");
        assertThat(hq.get("country").asText()).isEqualTo("US");
        assertThat(hq.get("postalCode").asText()).isEqualTo("10001");
        assertThat(hq.get("timeZone").asText()).isEqualTo("America/New_York");
        assertThat(hq.get("civic").asText()).isEqualTo("country=US,A1=NY,A3=New York,RD=Main Street,HNO=100,PC=10001");
        assertThat(ok("site", "list")).contains("NAME", "HQ", "+15551230000", "America/New_York", "A3=New York");

        assertThat(ok("site", "set", "HQ", "--city", "Boston", "--street", ""))
                .isEqualTo("changed site HQ: city: 'New York' -> 'Boston'; street: 'Main Street' -> ''\n");
        assertThat(sites().get(0).get("elin").asText()).isEqualTo("+15551230000");
        assertThat(sites().get(0).get("street").asText()).isEmpty();
        assertThat(ok("site", "set", "HQ", "--city", "Boston")).contains("unchanged");

        assertThat(ok("site", "remove", "HQ")).isEqualTo("removed site HQ\n");
        assertThat(sites()).isEmpty();
    }

    @Test
    void bad_site_values_are_refused_on_one_line_naming_the_field_and_nothing_changes() throws IOException {
        ok("site", "add", "HQ", "--city", "New York");

        CliRun country = run("site", "add", "Annex", "--country", "USA");
        CliRun street = run("site", "set", "HQ", "--street", "Main St; DROP");
        CliRun zone = run("site", "set", "HQ", "--time-zone", "CET+1");
        CliRun missing = run("site", "set", "Nowhere", "--city", "X");
        CliRun nothing = run("site", "set", "HQ");
        CliRun twice = run("site", "add", "HQ");

        assertThat(country.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(country.err()).isEqualTo("hotdesk: country must be a 2-letter ISO 3166 country code such as US, DE or GB, "
                + "got 'USA'\n");
        assertThat(street.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(street.err()).startsWith("hotdesk: street (RD) must be at most 64 characters");
        assertThat(zone.err()).startsWith("hotdesk: time-zone must be an IANA time zone id");
        assertThat(missing.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(missing.err()).contains("no site Nowhere");
        assertThat(nothing.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(nothing.err()).contains("give at least one of --elin");
        assertThat(twice.err()).contains("site HQ exists already");
        for (CliRun r : new CliRun[]{country, street, zone, missing, nothing, twice}) {
            assertThat(r.err().strip()).doesNotContain("\n");
            assertThat(r.out()).isEmpty();
        }
        assertThat(sites()).hasSize(1);
        assertThat(sites().get(0).get("civic").asText()).isEqualTo("A3=New York");
    }

    @Test
    void a_site_in_use_is_not_removed_and_the_refusal_names_its_desks() throws IOException {
        ok("site", "add", "HQ", "--elin", "+15551230000");
        ok("device", "add", MAC, "--model", "T54W", "--label", "Desk 3.14", "--site", "HQ");

        CliRun r = run("site", "remove", "HQ");

        assertThat(r.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.err()).isEqualTo("hotdesk: site HQ is the site of 1 device(s): 00:15:65:12:34:AB (Desk 3.14); give them "
                + "another site or remove them first\n");
        assertThat(sites()).hasSize(1);
    }

    // ---- a desk's location and the warnings

    @Test
    void device_add_warns_on_stderr_when_the_desk_has_no_elin_or_location_and_still_adds_it() throws IOException {
        CliRun bare = run("device", "add", MAC, "--model", "T54W");
        CliRun unknownSite = run("device", "add", MAC2, "--model", "T54W", "--site", "Lab", "--elin", "+15550000002",
                "--floor", "2");

        assertThat(bare.code()).isZero();
        assertThat(bare.out()).isEqualTo("added device 00:15:65:12:34:AB as endpoint hd-0015651234ab\n");
        assertThat(bare.err().lines()).containsExactly(
                "hotdesk: warning: desk 00:15:65:12:34:AB: no ELIN: neither the desk, its site nor emergency.default-elin has"
                        + " one, so emergency calls carry no callback number of this desk (the trunk's own number at best) "
                        + "(give one: device add --elin, hotdesk site set SITE --elin, or emergency.default-elin)",
                "hotdesk: warning: desk 00:15:65:12:34:AB: no civic location: emergency calls carry no address (hotdesk "
                        + "site add/set with an address, hotdesk device location 00:15:65:12:34:AB --floor … --room …)");
        assertThat(unknownSite.code()).isZero();
        assertThat(unknownSite.err().lines()).singleElement().asString()
                .contains("its site is not in the site list", "(hotdesk site add Lab …)");
    }

    @Test
    void a_desk_with_a_known_site_and_an_elin_is_added_without_a_word_on_stderr() throws IOException {
        ok("site", "add", "HQ", "--elin", "+15551230000", "--country", "US", "--city", "New York");

        CliRun add = run("device", "add", MAC, "--model", "T54W", "--label", "Desk 3.14", "--site", "HQ", "--floor", "3",
                "--room", "301", "--seat", "3-01", "--location-note", "by the window");

        assertThat(add.code()).isZero();
        assertThat(add.err()).isEmpty();
        String shown = ok("device", "location", MAC);
        assertThat(shown).contains("elin      +15551230000 (from its site)",
                "civic     country=US,A3=New York,FLR=3,ROOM=301,SEAT=3-01,LOC=by the window",
                "where     HQ Fl 3 Rm 301 Seat 3-01 - Desk 3.14", "desk      FLR=3,ROOM=301,SEAT=3-01,LOC=by the window");
    }

    @Test
    void device_location_changes_only_the_given_fields_and_refuses_bad_input() throws IOException {
        ok("site", "add", "HQ", "--elin", "+15551230000", "--country", "US", "--building", "1");
        ok("device", "add", MAC, "--model", "T54W", "--site", "HQ", "--floor", "3");

        JsonNode moved = json.readTree(ok("device", "location", MAC, "--building", "2", "--room", "201", "--json"));
        CliRun bad = run("device", "location", MAC, "--room", "2\"01");
        CliRun unknown = run("device", "location", "00:15:65:99:99:99", "--room", "1");
        CliRun unknownShow = run("device", "location", "00:15:65:99:99:99");
        CliRun notAMac = run("device", "location", "desk-1");

        assertThat(moved.get("civic").asText()).isEqualTo("country=US,BLD=2,FLR=3,ROOM=201");
        assertThat(moved.get("elin").asText()).isEqualTo("+15551230000");
        assertThat(moved.get("elinSource").asText()).isEqualTo("site");
        assertThat(moved.get("desk").get("floor").asText()).isEqualTo("3");
        assertThat(moved.get("warnings")).isEmpty();
        assertThat(bad.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(bad.err()).startsWith("hotdesk: room (ROOM) must be at most 32 characters");
        assertThat(unknown.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(unknown.err()).isEqualTo("hotdesk: no device 00:15:65:99:99:99\n");
        assertThat(unknownShow.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(notAMac.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(notAMac.err()).contains("invalid MAC 'desk-1'");
        assertThat(json.readTree(ok("device", "location", MAC, "--json")).get("civic").asText())
                .isEqualTo("country=US,BLD=2,FLR=3,ROOM=201");
    }

    @Test
    void status_shows_each_desks_effective_elin_and_what_its_emergency_calls_lack() throws IOException {
        ok("site", "add", "HQ", "--elin", "+15551230000", "--country", "US");
        ok("device", "add", MAC, "--model", "T54W", "--site", "HQ");
        ok("device", "add", MAC2, "--model", "T54W");

        JsonNode desks = status();
        String table = ok("status");

        assertThat(desks.get(0).get("elin").asText()).isEqualTo("+15551230000");
        assertThat(desks.get(0).get("elinSource").asText()).isEqualTo("site");
        assertThat(desks.get(0).get("civic").asText()).isEqualTo("country=US");
        assertThat(desks.get(0).get("warnings")).isEmpty();
        assertThat(desks.get(1).get("elin").asText()).isEmpty();
        assertThat(desks.get(1).get("elinSource").asText()).isEqualTo("none");
        assertThat(desks.get(1).get("warnings").toString()).isEqualTo("[\"no-elin\",\"no-location\"]");
        assertThat(table).contains("ELIN", "WARNINGS", "+15551230000 (site)", "NONE", "no-elin,no-location");

        settings.put("emergency.default-elin", "+15559990000");
        assertThat(status().get(1).get("elin").asText()).isEqualTo("+15559990000");
        assertThat(status().get(1).get("elinSource").asText()).isEqualTo("default");
        assertThat(ok("status")).contains("+15559990000 (default)");
    }

    @Test
    void a_bad_default_elin_is_a_configuration_error_naming_the_key() {
        settings.put("emergency.default-elin", "nine-one-one");

        CliRun r = run("status");

        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).startsWith("hotdesk: emergency.default-elin must be digits");
    }

    // ---- CSV

    @Test
    void a_site_file_is_imported_in_one_go_and_importing_it_again_changes_nothing() throws IOException {
        Path f = file("sites.csv", "\uFEFFName, ELIN ,country,state,city,street,number,postal_code,time-zone\r\n"
                + "HQ,+15551230000,US,NY,New York,Main Street,100,10001,America/New_York\r\n"
                + "\r\n"
                + "\"Zürich Süd\",,ch,,Zürich,\"Bahnhofstraße\",1,8001,Europe/Zurich\r\n");

        CliRun first = run("site", "import", f.toString());
        CliRun again = run("site", "import", f.toString());

        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("added site HQ: elin=+15551230000, country=US, state=NY, city=New York",
                "added site Zürich Süd: country=CH", f + ": 2 added, 0 changed, 0 unchanged");
        assertThat(again.out()).isEqualTo(f + ": 0 added, 0 changed, 2 unchanged\n");
        assertThat(sites()).hasSize(2);
        assertThat(sites().get(1).get("civic").asText()).isEqualTo("country=CH,A3=Zürich,RD=Bahnhofstraße,HNO=1,PC=8001");
    }

    @Test
    void a_dry_run_prints_what_would_change_and_writes_nothing() throws IOException {
        ok("site", "add", "HQ", "--city", "Old Town");
        Path f = file("sites.csv", "name,city\nHQ,New Town\nAnnex,Newark\n");

        CliRun dry = run("site", "import", f.toString(), "--dry-run");

        assertThat(dry.code()).isZero();
        assertThat(dry.out()).isEqualTo("would change site HQ: city: 'Old Town' -> 'New Town'\n"
                + "would add site Annex: city=Newark, time-zone=UTC\n"
                + f + ": 1 added, 1 changed, 0 unchanged (dry run: nothing written)\n");
        assertThat(sites()).hasSize(1);
        assertThat(sites().get(0).get("city").asText()).isEqualTo("Old Town");
    }

    @Test
    void every_bad_row_of_a_file_is_reported_with_line_and_column_and_nothing_is_imported() throws IOException {
        Path f = file("sites.csv", """
                name,elin,country,city
                Good,911,US,Springfield
                Bad,call-me,USA,Shelbyville
                ,112,DE,Berlin
                Good,999,GB,London
                Short,1
                "Comma, Inc",1,US,"Ogdenville, North"
                """);

        CliRun r = run("site", "import", f.toString());

        assertThat(r.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).containsExactly(
                "hotdesk: " + f + ":6: has 2 cell(s), the header names 4 column(s)",
                "hotdesk: " + f + ": nothing imported (1 problem(s))");
        Files.writeString(f, Files.readString(f).replace("Short,1\n", ""));

        CliRun cells = run("site", "import", f.toString());

        assertThat(cells.err().lines()).containsExactly(
                "hotdesk: " + f + ":3: column elin: elin must be digits (with + * #), at most 32, got 'call-me'",
                "hotdesk: " + f + ":3: column country: country must be a 2-letter ISO 3166 country code such as US, DE or GB, "
                        + "got 'USA'",
                "hotdesk: " + f + ":4: column name: site name must be 1 to 64 characters: letters, digits, spaces and "
                        + ". - _ / # ' + : @, got ''",
                "hotdesk: " + f + ":5: column name: site Good is on line 2 already",
                "hotdesk: " + f + ":6: column name: site name must be 1 to 64 characters: letters, digits, spaces and "
                        + ". - _ / # ' + : @, got 'Comma, Inc'",
                "hotdesk: " + f + ": nothing imported (5 problem(s))");
        assertThat(sites()).isEmpty();
    }

    @Test
    void a_file_whose_header_or_text_is_wrong_is_refused_whole() throws IOException {
        CliRun unknownColumn = run("site", "import", file("a.csv", "name,colour\nHQ,blue\n").toString());
        CliRun noName = run("site", "import", file("b.csv", "city\nSpringfield\n").toString());
        CliRun empty = run("site", "import", file("c.csv", "").toString());
        CliRun brokenQuote = run("site", "import", file("d.csv", "name,city\nHQ,\"Spring\nfield\n").toString());
        Path latin1 = dir.resolve("e.csv");
        Files.write(latin1, "name,city\nHQ,Z\u00fcrich\n".getBytes(StandardCharsets.ISO_8859_1));
        CliRun notUtf8 = run("site", "import", latin1.toString());
        CliRun missing = run("site", "import", dir.resolve("nope.csv").toString());

        assertThat(unknownColumn.err()).contains(":1: column colour: unknown column: known are name, elin, country");
        assertThat(noName.err()).contains(":1: column name: the header has no column name");
        assertThat(empty.err()).contains(":1: the file is empty: its first line must name the columns");
        assertThat(brokenQuote.err()).contains("not readable as CSV").contains("nothing imported");
        for (CliRun r : new CliRun[]{unknownColumn, noName, empty, brokenQuote}) {
            assertThat(r.code()).isEqualTo(ExitCodes.REFUSED);
        }
        assertThat(notUtf8.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(notUtf8.err()).contains("is not UTF-8 text");
        assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("cannot read").contains("nope.csv");
        assertThat(sites()).isEmpty();
    }

    @Test
    void an_export_imports_back_unchanged() throws IOException {
        ok("site", "add", "HQ", "--elin", "+15551230000", "--country", "US", "--city", "New York", "--location-name",
                "Acme O'Neil + Sons");
        ok("site", "add", "Annex", "--time-zone", "Europe/Berlin");

        String csv = ok("site", "export");
        CliRun back = run("site", "import", file("export.csv", csv).toString());

        assertThat(csv.lines().findFirst().orElseThrow()).isEqualTo("name,elin,country,state,county,city,district,street,number,"
                + "number-suffix,postal-code,location-name,building,time-zone,sip-server,sip-port,sip-transport,ntp-server,"
                + "registration-expiry,networks");
        assertThat(csv).contains("Annex,,,,,,,,,,,,,Europe/Berlin");
        assertThat(back.out()).endsWith(": 0 added, 0 changed, 2 unchanged\n");
    }

    // ---- a site's own provisioning URL key

    /** The key a command printed once: {@code url key of site NAME: KEY   (shown once: …)}. */
    private static String shownKey(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("url key of site [^:]+: ([A-Za-z0-9_-]{22}) ").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1);
    }

    @Test
    void a_sites_url_key_is_printed_once_listed_only_as_set_and_never_exported_or_audited() throws IOException {
        String added = ok("site", "add", "Branch", "--new-url-key");
        String key = shownKey(added);
        ok("site", "add", "HQ");

        assertThat(added).startsWith("added site Branch\n").contains("/provision/" + key + "/");
        assertThat(sites().get(0).get("urlKeySet").asBoolean()).isTrue();
        assertThat(sites().get(1).get("urlKeySet").asBoolean()).isFalse();
        String list = ok("site", "list");
        assertThat(list).contains("URL-KEY").doesNotContain(key);
        assertThat(list.lines().filter(l -> l.startsWith("Branch")).findFirst().orElseThrow()).contains("own");
        assertThat(ok("site", "list", "--json")).doesNotContain(key);
        String csv = ok("site", "export");
        assertThat(csv).doesNotContain(key).doesNotContain("url-key");
        assertThat(ok("audit")).contains("url-key: set").doesNotContain(key)
                .doesNotContain(hotdesk.core.model.UrlKeyHash.of(key).hex());

        // an export imports back without touching the key: the column is absent
        assertThat(run("site", "import", file("export.csv", csv).toString()).out()).endsWith(": 0 added, 0 changed, 2 unchanged\n");
        assertThat(sites().get(0).get("urlKeySet").asBoolean()).isTrue();
    }

    @Test
    void a_sites_url_key_is_set_rotated_and_removed_and_the_output_says_only_what_happened() throws IOException {
        ok("site", "add", "Branch");
        String given = "branch-url-key_0123456789ab";

        assertThat(ok("site", "set", "Branch", "--url-key", given)).isEqualTo("changed site Branch: url-key: set\n");
        assertThat(ok("site", "set", "Branch", "--url-key", given)).contains("unchanged");
        String rotated = ok("provision", "url-key", "--site", "Branch");
        String key = shownKey(rotated);
        assertThat(rotated).startsWith("changed site Branch: url-key: replaced\n").doesNotContain(given);
        String again = ok("site", "set", "Branch", "--new-url-key", "--json");
        assertThat(json.readTree(again).get("newUrlKey").asText()).matches("[A-Za-z0-9_-]{22}").isNotEqualTo(key);
        assertThat(ok("site", "set", "Branch", "--no-url-key")).isEqualTo("changed site Branch: url-key: removed\n");
        assertThat(sites().get(0).get("urlKeySet").asBoolean()).isFalse();
        assertThat(ok("audit")).contains("url-key: set", "url-key: replaced", "url-key: removed").doesNotContain(given)
                .doesNotContain(key);
    }

    @Test
    void a_bad_url_key_is_refused_with_the_rules_and_without_its_value_and_two_key_options_are_a_usage_error() throws IOException {
        ok("site", "add", "Branch");

        CliRun shortKey = run("site", "set", "Branch", "--url-key", "too-short-secret");
        CliRun badChars = run("site", "add", "Annex", "--url-key", "has spaces in it 0123456789");
        CliRun both = run("site", "set", "Branch", "--new-url-key", "--no-url-key");
        CliRun noSite = run("provision", "url-key", "--site", "Nowhere");

        assertThat(shortKey.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(shortKey.err()).isEqualTo("hotdesk: url-key must be 22 to 128 of A-Z a-z 0-9 _ - (at least 128 random "
                + "bits; hotdesk provision url-key makes one), got 16 characters\n");
        assertThat(badChars.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(badChars.err()).contains("url-key must be 22 to 128").doesNotContain("has spaces");
        assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("give one of --url-key, --new-url-key and --no-url-key");
        assertThat(noSite.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(noSite.out()).isEmpty();
        assertThat(sites()).hasSize(1);
        assertThat(sites().get(0).get("urlKeySet").asBoolean()).isFalse();
    }

    @Test
    void a_url_key_written_without_a_value_is_read_from_standard_input_or_the_terminal_and_never_printed_or_logged()
            throws IOException {
        String key = "branch-url-key_0123456789ab";
        String other = "annex-url-key_0123456789abc";
        List<String> prompts = new ArrayList<>();
        SecretInput terminal = new SecretInput(prompt -> {
            prompts.add(prompt);
            return key.toCharArray();
        }, null);
        Path keyFile = file("annex.key", other + "\n");

        CliRun added;
        CliRun sameFromTerminal;
        CliRun fromFile;
        CliRun sameFromFile;
        String audit;
        try (LogCapture log = LogCapture.atDebug(LogCapture.EVERYTHING)) {
            added = run(piped(key + "\n"), "site", "add", "Branch", "--url-key", "--city", "Springfield");
            sameFromTerminal = run(terminal, "site", "set", "Branch", "--url-key");
            fromFile = run("site", "add", "Annex", "--url-key-file", keyFile.toString());
            sameFromFile = run("site", "set", "Annex", "--url-key-file", keyFile.toString());
            audit = ok("audit");
            assertThat(log.everything()).doesNotContain(key).doesNotContain(other);
        }

        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out()).isEqualTo("added site Branch\n");
        // the same key again changes nothing: the key stored is the one read
        assertThat(sameFromTerminal.out()).isEqualTo("site Branch unchanged (it had these values already)\n");
        assertThat(prompts).containsExactly("URL key of site Branch: ");
        assertThat(fromFile.out()).isEqualTo("added site Annex\n");
        assertThat(sameFromFile.out()).contains("unchanged");
        assertThat(sites().get(0).get("urlKeySet").asBoolean()).isTrue();
        assertThat(sites().get(1).get("urlKeySet").asBoolean()).isTrue();
        for (CliRun r : List.of(added, sameFromTerminal, fromFile, sameFromFile)) {
            assertThat(r.out() + r.err()).doesNotContain(key).doesNotContain(other);
        }
        assertThat(audit).contains("url-key: set").doesNotContain(key).doesNotContain(other);
    }

    @Test
    void an_empty_missing_or_invalid_url_key_asked_for_is_refused_with_a_clear_error_and_changes_nothing() throws IOException {
        String key = "branch-url-key_0123456789ab";
        ok("site", "add", "Branch", "--url-key", key, "--city", "Springfield");

        CliRun emptyLine;
        CliRun shortKey;
        CliRun badChars;
        CliRun noInput;
        CliRun notTyped;
        CliRun emptyArgument;
        CliRun emptyFile;
        CliRun addEmpty;
        try (LogCapture log = LogCapture.atDebug(LogCapture.EVERYTHING)) {
            emptyLine = run(piped("\n"), "site", "set", "Branch", "--url-key", "--city", "Shelbyville");
            shortKey = run(piped("too-short-secret\n"), "site", "set", "Branch", "--city", "Shelbyville", "--url-key");
            badChars = run(piped("has spaces in it 0123456789\n"), "site", "add", "Annex", "--url-key");
            noInput = run(piped(""), "site", "set", "Branch", "--url-key");
            notTyped = run(new SecretInput(prompt -> null, null), "site", "set", "Branch", "--url-key");
            emptyArgument = run("site", "set", "Branch", "--url-key", "");
            emptyFile = run("site", "set", "Branch", "--url-key-file", file("empty.key", "\n").toString());
            addEmpty = run(piped("\n"), "site", "add", "Annex", "--url-key");
            assertThat(log.everything()).doesNotContain("too-short-secret").doesNotContain("has spaces");
        }

        assertThat(emptyLine.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(emptyLine.err()).isEqualTo("hotdesk: --url-key: the key is empty (to remove the site's key: --no-url-key; "
                + "for a new random one: --new-url-key)\n");
        assertThat(shortKey.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(shortKey.err()).isEqualTo("hotdesk: url-key must be 22 to 128 of A-Z a-z 0-9 _ - (at least 128 random "
                + "bits; hotdesk provision url-key makes one), got 16 characters\n");
        assertThat(badChars.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(badChars.err()).contains("url-key must be 22 to 128").doesNotContain("has spaces");
        assertThat(noInput.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noInput.err()).isEqualTo("hotdesk: --url-key: no terminal to ask for the URL key of site Branch and no "
                + "line for it on standard input\n");
        assertThat(notTyped.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(notTyped.err()).isEqualTo("hotdesk: --url-key: no URL key of site Branch was typed\n");
        for (CliRun r : List.of(emptyArgument, emptyFile, addEmpty)) {
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).startsWith("hotdesk: --url-key: the key is empty");
        }
        for (CliRun r : List.of(emptyLine, shortKey, badChars, noInput, notTyped, emptyArgument, emptyFile, addEmpty)) {
            assertThat(r.out()).isEmpty();
        }
        // nothing changed: one site, its city and its key as they were
        assertThat(sites()).hasSize(1);
        assertThat(sites().get(0).get("city").asText()).isEqualTo("Springfield");
        assertThat(ok("site", "set", "Branch", "--url-key", key)).contains("unchanged");
    }

    @Test
    void a_url_key_and_its_file_or_another_key_option_together_are_a_usage_error() throws IOException {
        ok("site", "add", "Branch");
        Path keyFile = file("branch.key", "branch-url-key_0123456789ab\n");

        CliRun both = run("site", "set", "Branch", "--url-key", "branch-url-key_0123456789ab", "--url-key-file", keyFile.toString());
        CliRun fileAndNew = run("site", "set", "Branch", "--url-key-file", keyFile.toString(), "--new-url-key");
        CliRun askAndNone = run(piped("branch-url-key_0123456789ab\n"), "site", "set", "Branch", "--url-key", "--no-url-key");

        assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).isEqualTo("hotdesk: give --url-key or --url-key-file, not both\n");
        assertThat(fileAndNew.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(fileAndNew.err()).contains("give one of --url-key, --new-url-key and --no-url-key");
        assertThat(askAndNone.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(askAndNone.err()).contains("give one of --url-key, --new-url-key and --no-url-key");
        assertThat(sites().get(0).get("urlKeySet").asBoolean()).isFalse();
    }

    @Test
    void a_site_file_with_a_url_key_column_is_refused_saying_keys_are_not_imported() throws IOException {
        Path f = file("sites.csv", "name,city,url-key\nBranch,Springfield,branch-url-key_0123456789ab\n");

        CliRun r = run("site", "import", f.toString());

        assertThat(r.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.err().lines()).containsExactly(
                "hotdesk: " + f + ":2: column url-key: a site's URL key is a secret and is neither imported nor exported: "
                        + "set it with hotdesk site set NAME --new-url-key (or --url-key, which asks for it)",
                "hotdesk: " + f + ": nothing imported (1 problem(s))");
        assertThat(r.err()).doesNotContain("branch-url-key");
        assertThat(sites()).isEmpty();
    }

    @Test
    void desk_locations_are_imported_exported_and_an_unknown_mac_refuses_the_file() throws IOException {
        ok("device", "add", MAC, "--model", "T54W", "--elin", "911");
        ok("device", "add", MAC2, "--model", "T54W", "--elin", "911", "--room", "old");
        Path f = file("desks.csv", "mac,floor,room\n0015651234ab,3,301\n00-15-65-12-34-ac,4,\n");
        Path withUnknown = file("unknown.csv", "mac,floor\n" + MAC + ",9\n00:15:65:99:99:99,1\nnot-a-mac,2\n");

        CliRun dry = run("device", "locations", "import", f.toString(), "--dry-run");
        CliRun real = run("device", "locations", "import", f.toString());
        CliRun again = run("device", "locations", "import", f.toString());
        CliRun refused = run("device", "locations", "import", withUnknown.toString());
        String exported = ok("device", "locations", "export");

        assertThat(dry.out()).contains("would change desk 00:15:65:12:34:AB: floor: '' -> '3'; room: '' -> '301'",
                "would change desk 00:15:65:12:34:AC: floor: '' -> '4'; room: 'old' -> ''", "(dry run: nothing written)");
        assertThat(real.out()).endsWith(": 0 added, 2 changed, 0 unchanged\n");
        assertThat(again.out()).endsWith(": 0 added, 0 changed, 2 unchanged\n");
        assertThat(refused.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err().lines()).containsExactly(
                "hotdesk: " + withUnknown + ":4: column mac: invalid MAC 'not-a-mac': expected 12 hex digits, e.g. "
                        + "00:15:65:12:34:AB, 00-15-65-12-34-ab or 0015651234ab",
                "hotdesk: " + withUnknown + ": nothing imported (1 problem(s))");
        Files.writeString(withUnknown, "mac,floor\n" + MAC + ",9\n00:15:65:99:99:99,1\n");
        CliRun unknownMac = run("device", "locations", "import", withUnknown.toString());
        assertThat(unknownMac.err()).contains(":3: column mac: no device 00:15:65:99:99:99");
        assertThat(exported).isEqualTo("mac,building,unit,floor,room,seat,location-note\n"
                + "00:15:65:12:34:AB,,,3,301,,\n00:15:65:12:34:AC,,,4,,,\n");
        assertThat(ok("device", "locations", "export")).as("the refused files changed nothing").isEqualTo(exported);
    }

    @Test
    void a_site_keeps_its_phone_settings_lists_them_and_clears_each_back_to_the_global_key() throws IOException {
        assertThat(ok("site", "add", "Branch", "--sip-server", "sip.branch.example", "--sip-port", "5061", "--sip-transport",
                "TLS", "--ntp-server", "10.1.0.1", "--registration-expiry", "500", "--networks", "10.1.0.0/16, fd00:1::/64"))
                .isEqualTo("added site Branch\n");

        JsonNode b = sites().get(0);
        assertThat(b.get("sipServer").asText()).isEqualTo("sip.branch.example");
        assertThat(b.get("sipPort").asText()).isEqualTo("5061");
        assertThat(b.get("sipTransport").asText()).isEqualTo("tls");
        assertThat(b.get("ntpServer").asText()).isEqualTo("10.1.0.1");
        assertThat(b.get("registrationExpiry").asText()).isEqualTo("500s");
        assertThat(b.get("networks").asText()).isEqualTo("10.1.0.0/16,fd00:1::/64");
        assertThat(ok("site", "list")).contains("sip.branch.example:5061/tls 500s", "10.1.0.0/16,fd00:1::/64");
        assertThat(ok("site", "export")).contains("sip.branch.example,5061,tls,10.1.0.1,500s,\"10.1.0.0/16,fd00:1::/64\"");

        assertThat(ok("site", "set", "Branch", "--registration-expiry", "8m", "--networks", ""))
                .isEqualTo("changed site Branch: registration-expiry: '500s' -> '480s'; networks: '10.1.0.0/16,fd00:1::/64' -> ''\n");
        assertThat(ok("site", "list")).contains("(global)");
        assertThat(sites().get(0).get("networks").asText()).isEmpty();
    }

    @Test
    void bad_phone_settings_of_a_site_are_refused_naming_the_field_and_nothing_changes() throws IOException {
        ok("site", "add", "Branch", "--registration-expiry", "500s", "--networks", "10.1.0.0/16");

        CliRun tooLong = run("site", "set", "Branch", "--registration-expiry", "3600");
        CliRun tooShort = run("site", "set", "Branch", "--registration-expiry", "10s");
        CliRun notTime = run("site", "set", "Branch", "--registration-expiry", "5h");
        CliRun net = run("site", "set", "Branch", "--networks", "10.1.0.0/16,intranet");
        CliRun prefix = run("site", "set", "Branch", "--networks", "10.0.0.0/33");
        CliRun port = run("site", "add", "Annex", "--sip-port", "70000");
        CliRun transport = run("site", "set", "Branch", "--sip-transport", "ws");
        CliRun host = run("site", "set", "Branch", "--sip-server", "pbx;evil");

        assertThat(List.of(tooLong, tooShort, notTime, net, prefix, port, transport, host))
                .allSatisfy(r -> assertThat(r.code()).isEqualTo(ExitCodes.REFUSED));
        assertThat(tooLong.err()).startsWith("hotdesk: registration-expiry must be 30s..600s (phones must re-register at "
                + "least every 10 minutes");
        assertThat(tooShort.err()).startsWith("hotdesk: registration-expiry must be 30s..600s");
        assertThat(notTime.err()).startsWith("hotdesk: registration-expiry must be seconds (500 or 500s) or minutes (8m)");
        assertThat(net.err()).startsWith("hotdesk: networks: not an IP network: 'intranet'");
        assertThat(prefix.err()).startsWith("hotdesk: networks: prefix length must be 0..32");
        assertThat(port.err()).startsWith("hotdesk: sip-port must be 1..65535");
        assertThat(transport.err()).startsWith("hotdesk: sip-transport must be one of udp, tcp, tls");
        assertThat(host.err()).startsWith("hotdesk: sip-server must be a host name or IP address");
        JsonNode b = sites().get(0);
        assertThat(b.get("registrationExpiry").asText()).isEqualTo("500s");
        assertThat(b.get("networks").asText()).isEqualTo("10.1.0.0/16");
        assertThat(sites()).hasSize(1);
    }

    @Test
    void help_describes_the_new_commands() {
        assertThat(ok("site", "--help")).contains("add", "set", "list", "remove", "import", "export", "default-elin");
        assertThat(ok("site", "add", "--help")).contains("--elin", "--country", "--state", "--city", "--street", "--number",
                "--postal-code", "--building", "--time-zone", "--location-name", "--sip-server", "--sip-port",
                "--sip-transport", "--ntp-server", "--registration-expiry", "--networks");
        assertThat(ok("site", "set", "--help").replaceAll("\\s+", " ")).contains("--url-key[=KEY]", "--url-key-file=FILE",
                "Write --url-key without a value: it is asked on the terminal without echo, or read as the first line of "
                        + "standard input (keeps it out of ps");
        assertThat(ok("device", "add", "--help")).contains("--floor", "--room", "--seat", "--building", "--location-note");
        assertThat(ok("device", "location", "--help")).contains("effective ELIN");
        assertThat(ok("device", "locations", "import", "--help")).contains("--dry-run", "One transaction");
    }

    // ---- doctor

    private CliRun doctor() throws IOException {
        Map<String, String> s = new LinkedHashMap<>(settings);
        s.put("ami.port", Integer.toString(RealAsterisk.freeTcpPort()));
        s.put("ari.url", "http://127.0.0.1:" + RealAsterisk.freeTcpPort() + "/ari");
        s.put("ami.timeout", "500ms");
        s.put("ari.timeout", "500ms");
        return CliRun.of(s, Map.of(), "doctor");
    }

    private static String emergencyLines(CliRun r) {
        java.util.List<String> lines = r.out().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("(ok  |FAIL|skip)  emergency .*")) {
                return lines.get(i) + (i + 1 < lines.size() && lines.get(i + 1).contains("fix:") ? "\n" + lines.get(i + 1) : "");
            }
        }
        throw new AssertionError("no emergency line in:\n" + r.out());
    }

    @Test
    void doctor_fails_for_desks_without_an_elin_and_for_sites_not_in_the_list() throws IOException {
        ok("device", "add", MAC, "--model", "T54W", "--label", "Desk 1");
        ok("device", "add", MAC2, "--model", "T54W", "--label", "Desk 2", "--site", "Lab", "--elin", "911");

        CliRun r = doctor();

        assertThat(r.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(emergencyLines(r)).startsWith("FAIL  emergency   no ELIN: 00:15:65:12:34:AB (Desk 1); site not in the "
                + "site list: 00:15:65:12:34:AC (site 'Lab'); 2 without a civic location")
                .contains("fix: give each desk an ELIN", "hotdesk site add NAME");
    }

    @Test
    void doctor_passes_the_emergency_check_once_every_desk_has_an_elin_and_a_known_site() throws IOException {
        ok("site", "add", "Lab", "--country", "US", "--elin", "+15551230000");
        ok("device", "add", MAC, "--model", "T54W", "--site", "Lab");
        settings.put("emergency.default-elin", "+15550000000");
        ok("device", "add", MAC2, "--model", "T54W");

        CliRun r = doctor();

        assertThat(r.code()).as("the Asterisk checks fail here").isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(emergencyLines(r)).isEqualTo("ok    emergency   2 desk(s), each with an ELIN and a known site; 1 without "
                + "a civic location (hotdesk device location MAC shows and sets it)");
    }
}
