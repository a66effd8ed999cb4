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

/** {@code hotdesk user import|export} and {@code hotdesk device import|export}, run as a shell would on a real H2 file. */
class BulkCommandLineTest {

    @TempDir
    Path dir;
    private final Map<String, String> settings = new LinkedHashMap<>();

    @BeforeEach
    void setUp() {
        settings.put("db.url", DatabaseSettings.h2(dir.resolve("ledger")).url());
        settings.put("security.pin-iterations", "1000");
    }

    private CliRun run(String... command) {
        return CliRun.of(settings, Map.of(), command);
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

    @Test
    void users_are_imported_exported_without_pins_and_the_export_imports_as_unchanged() throws IOException {
        Path f = file("users.csv", "Extension,Name,PIN,mailbox,hotdesk,enabled,policy\r\n"
                + "201,\"Lovelace, Ada\",739164,201@default,on,on,\r\n"
                + "202,Bob,583902,,off,on,deny\r\n");

        CliRun first = run("user", "import", f.toString());
        CliRun again = run("user", "import", f.toString());

        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("added user 201: name=Lovelace, Ada, context=internal, mailbox=201@default",
                "added user 202: name=Bob, context=internal, hotdesk=off, policy=deny", f + ": 2 added, 0 changed, 0 unchanged");
        assertThat(first.err()).isEmpty();
        assertThat(again.out()).isEqualTo(f + ": 0 added, 0 changed, 2 unchanged\n");
        String export = ok("user", "export");
        assertThat(export).isEqualTo("extension,name,context,mailbox,hotdesk,enabled,policy\n"
                + "201,\"Lovelace, Ada\",internal,201@default,on,on,\n"
                + "202,Bob,internal,,off,on,deny\n");
        assertThat(export).doesNotContain("pin", "739164", "583902", "pbkdf2");

        Path back = file("export.csv", export);
        CliRun roundTrip = run("user", "import", back.toString());
        assertThat(roundTrip.out()).isEqualTo(back + ": 0 added, 0 changed, 2 unchanged\n");
        assertThat(ok("user", "export")).isEqualTo(export);
    }

    @Test
    void a_bad_user_file_is_refused_with_every_line_and_column_and_nothing_is_imported() throws IOException {
        Path f = file("users.csv", """
                extension,name,pin,hotdesk
                201,Ada,739164,on
                202,Bob,1111,on
                203,,583902,sometimes
                201,Ada again,583902,on
                """);

        CliRun r = run("user", "import", f.toString());

        assertThat(r.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).containsExactly(
                "hotdesk: " + f + ":3: column pin: PIN must not repeat a digit or a group of digits (like 1111, 1212, 123123)",
                "hotdesk: " + f + ":4: column name: name must be 1 to 64 printable characters without \" < > \\ ; , got ''",
                "hotdesk: " + f + ":4: column hotdesk: expected on or off, got 'sometimes'",
                "hotdesk: " + f + ":5: column extension: user 201 is on line 2 already",
                "hotdesk: " + f + ": nothing imported (4 problem(s))");
        assertThat(ok("user", "export")).isEqualTo("extension,name,context,mailbox,hotdesk,enabled,policy\n");
    }

    @Test
    void a_user_dry_run_prints_what_would_change_and_writes_nothing() throws IOException {
        ok("user", "import", file("one.csv", "extension,name,pin\n201,Ada,739164\n").toString());
        Path f = file("users.csv", "extension,name,pin,enabled\n201,Ada,,off\n202,Bob,583902,on\n");

        CliRun dry = run("user", "import", f.toString(), "--dry-run");

        assertThat(dry.code()).isZero();
        assertThat(dry.out()).isEqualTo("would change user 201: enabled=off\n"
                + "would add user 202: name=Bob, context=internal\n"
                + f + ": 1 added, 1 changed, 0 unchanged (dry run: nothing written)\n");
        assertThat(ok("user", "export")).isEqualTo("extension,name,context,mailbox,hotdesk,enabled,policy\n"
                + "201,Ada,internal,,on,on,\n");
    }

    @Test
    void devices_are_imported_with_gateway_lines_and_the_export_imports_as_unchanged() throws IOException {
        Path f = file("devices.csv", """
                mac,vendor,model,label,site,elin,enabled
                00:15:65:12:34:ab,yealink,t54w,Desk 1,HQ,+15551230000,on
                c074ad000814,grandstream,HT814,,,,off
                """);

        CliRun first = run("device", "import", f.toString());

        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("added device 00:15:65:12:34:AB: vendor=yealink, model=T54W, label=Desk 1, site=HQ",
                "added device C0:74:AD:00:08:14: vendor=grandstream, model=HT814, label=Hot desk 000814, enabled=off, lines=4",
                f + ": 2 added, 0 changed, 0 unchanged");
        String export = ok("device", "export");
        assertThat(export).isEqualTo("mac,vendor,model,label,site,elin,enabled,sip-server,sip-port,sip-transport,ntp-server,time-zone,registration-expiry\n"
                + "00:15:65:12:34:AB,yealink,T54W,Desk 1,HQ,+15551230000,on,,,,,,\n"
                + "C0:74:AD:00:08:14,grandstream,HT814,Hot desk 000814,,,off,,,,,,\n");

        Path back = file("export.csv", export);
        assertThat(run("device", "import", back.toString()).out()).isEqualTo(back + ": 0 added, 0 changed, 2 unchanged\n");
        assertThat(run("device", "import", f.toString()).out()).isEqualTo(f + ": 0 added, 0 changed, 2 unchanged\n");
    }

    @Test
    void an_unknown_model_is_refused_with_its_line_and_column_and_nothing_is_imported() throws IOException {
        Path f = file("devices.csv", """
                mac,vendor,model
                0015651234ab,yealink,T54W
                0015651234ac,yealink,T99
                """);

        CliRun r = run("device", "import", f.toString());
        CliRun dry = run("device", "import", f.toString(), "--dry-run");

        assertThat(r.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.err().lines().findFirst().orElseThrow()).startsWith("hotdesk: " + f + ":3: column model: model 'T99' "
                + "is not in the list of supported yealink models and is not eligible");
        assertThat(r.err()).endsWith("hotdesk: " + f + ": nothing imported (1 problem(s))\n");
        assertThat(dry.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(ok("device", "export")).isEqualTo("mac,vendor,model,label,site,elin,enabled,sip-server,sip-port,sip-transport,ntp-server,time-zone,registration-expiry\n");
    }

    @Test
    void the_bulk_commands_have_help() {
        assertThat(ok("user", "import", "--help")).contains("--dry-run", "never", "pin");
        assertThat(ok("user", "export", "--help")).contains("without PINs");
        assertThat(ok("device", "import", "--help")).contains("--dry-run", "supported model");
        assertThat(ok("device", "export", "--help")).contains("no secrets");
    }
}
