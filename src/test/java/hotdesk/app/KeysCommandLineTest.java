package hotdesk.app;

import hotdesk.cli.ExitCodes;
import hotdesk.store.DatabaseSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hotdesk user keys|keys-import|keys-export}, run as a shell would on a real H2 file. */
class KeysCommandLineTest {

    @TempDir
    Path dir;
    private final Map<String, String> settings = new LinkedHashMap<>();

    @BeforeEach
    void setUp() {
        settings.put("db.url", DatabaseSettings.h2(dir.resolve("ledger")).url());
        settings.put("security.pin-iterations", "1000");
        ok("user", "import", file("users.csv", "extension,name,pin\n101,Alice,739164\n102,Bob,583902\n").toString());
    }

    private CliRun run(String... command) {
        return CliRun.of(settings, Map.of(), command);
    }

    private String ok(String... command) {
        CliRun r = run(command);
        assertThat(r.code()).as(String.join(" ", command) + ": " + r.err()).isZero();
        return r.out();
    }

    private Path file(String name, String content) {
        try {
            Path f = dir.resolve(name);
            Files.writeString(f, content, StandardCharsets.UTF_8);
            return f;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void keys_are_set_listed_as_a_table_and_json_removed_and_cleared() {
        assertThat(ok("user", "keys", "101", "--put", "3", "blf", "102", "Bob Müller")).startsWith("set key 3 of 101\n");
        ok("user", "keys", "101", "--put", "1", "speed-dial", "+15551230000");

        assertThat(ok("user", "keys", "101")).isEqualTo("""
                POS  TYPE        VALUE         LABEL
                1    speed-dial  +15551230000
                3    blf         102           Bob Müller
                """);
        assertThat(ok("user", "keys", "101", "--list", "--json")).isEqualTo("{\"extension\":\"101\",\"keys\":["
                + "{\"position\":1,\"type\":\"speed-dial\",\"value\":\"+15551230000\",\"label\":\"\"},"
                + "{\"position\":3,\"type\":\"blf\",\"value\":\"102\",\"label\":\"Bob Müller\"}]}\n");
        CliRun again = run("user", "keys", "101", "--put", "3", "blf", "102", "Bob Müller");
        assertThat(again.code()).isEqualTo(ExitCodes.NOTHING);
        ok("user", "keys", "101", "--remove", "1");
        assertThat(ok("user", "keys", "101", "--clear")).isEqualTo("cleared the keys of 101\nuser 101 has no keys\n");
    }

    @Test
    void bad_keys_are_refused_with_the_reason_and_exit_3() {
        CliRun badType = run("user", "keys", "101", "--put", "1", "park", "700");
        CliRun badLabel = run("user", "keys", "101", "--put", "1", "blf", "102", "<script>");
        CliRun unknown = run("user", "keys", "999");
        CliRun two = run("user", "keys", "101", "--remove", "1", "--clear");

        assertThat(badType.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(badType.err()).contains("key type must be speed-dial or blf, got 'park'");
        assertThat(badLabel.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(badLabel.err()).contains("key label");
        assertThat(unknown.err()).contains("no user 999");
        assertThat(two.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(ok("user", "keys", "101")).isEqualTo("user 101 has no keys\n");
    }

    @Test
    void keys_are_imported_exported_and_the_export_imports_back_unchanged() {
        Path f = file("keys.csv", "Extension,Position,Type,Value,Label\r\n"
                + "101,3,blf,102,\"Bob, desk\"\r\n"
                + "101,1,speed-dial,*97,\r\n"
                + "102,1,blf,101,Alice\r\n");

        CliRun bad = run("user", "keys-import", f.toString());
        assertThat(bad.code()).as("a comma is not a label character").isEqualTo(ExitCodes.REFUSED);
        assertThat(bad.err().lines()).containsExactly(
                "hotdesk: " + f + ":2: column label: key label must be at most 20 letters, digits, spaces and . - _ / +, got 'Bob, desk'",
                "hotdesk: " + f + ": nothing imported (1 problem(s))");

        Path good = file("good.csv", "extension,position,type,value,label\n101,3,blf,102,Bob\n101,1,speed-dial,*97,\n102,1,blf,101,Alice\n");
        CliRun dry = run("user", "keys-import", good.toString(), "--dry-run");
        assertThat(dry.out()).isEqualTo("would add keys of 101: +1 speed-dial *97, +3 blf 102 'Bob'\n"
                + "would add keys of 102: +1 blf 101 'Alice'\n"
                + good + ": 2 added, 0 changed, 0 unchanged (dry run: nothing written)\n");
        assertThat(ok("user", "keys-export")).isEqualTo("extension,position,type,value,label\n");

        ok("user", "keys-import", good.toString());
        String export = ok("user", "keys-export");
        assertThat(export).isEqualTo("extension,position,type,value,label\n101,1,speed-dial,*97,\n101,3,blf,102,Bob\n102,1,blf,101,Alice\n");
        Path back = file("back.csv", export);
        assertThat(ok("user", "keys-import", back.toString())).isEqualTo(back + ": 0 added, 0 changed, 2 unchanged\n");
    }

    @Test
    void a_keys_file_naming_an_unknown_user_or_a_position_twice_imports_nothing() {
        Path f = file("keys.csv", "extension,position,type,value\n101,1,blf,102\n101,1,blf,103\n103,1,blf,101\n");

        CliRun r = run("user", "keys-import", f.toString());

        assertThat(r.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.err()).contains(f + ":3: column position: user 101 has position 1 on line 2 already");
        Path g = file("keys2.csv", "extension,position,type,value\n101,1,blf,102\n103,1,blf,101\n");
        CliRun unknown = run("user", "keys-import", g.toString());
        assertThat(unknown.err()).contains(g + ":3: column extension: no user 103");
        assertThat(ok("user", "keys-export")).isEqualTo("extension,position,type,value,label\n");
    }
}
