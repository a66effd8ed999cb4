package hotdesk.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code hotdesk man} and {@code hotdesk completion}: checked by the tools that will read them (groff, man, bash). */
class ShellDocsTest {

    @TempDir
    Path dir;

    @Test
    void every_visible_command_gets_a_man_page_that_names_all_its_options() throws IOException {
        CliRun r = CliRun.of(Map.of(), Map.of(), "man", "--out", dir.resolve("man1").toString());
        assertThat(r.code()).as(r.err()).isZero();

        List<String> expected = new ArrayList<>();
        CommandSpec root = new CommandLine(new Main(Map.of()), new NoServices()).getCommandSpec();
        collect(root, expected);
        assertThat(expected).contains("hotdesk", "hotdesk-user-add", "hotdesk-device-add", "hotdesk-doctor", "hotdesk-man");

        for (String name : expected) {
            Path page = dir.resolve("man1").resolve(name + ".1");
            assertThat(page).as(name).exists();
        }
        try (var files = Files.list(dir.resolve("man1"))) {
            assertThat(files.count()).as("no page for help or aliases").isEqualTo(expected.size());
        }
        assertThat(r.out()).contains(expected.size() + " man pages written");

        // every option of user add, by each of its names, with the hyphens escaped for troff
        String userAdd = Files.readString(dir.resolve("man1/hotdesk-user-add.1"));
        CommandSpec spec = root.subcommands().get("user").getSubcommands().get("add").getCommandSpec();
        for (OptionSpec o : spec.options()) {
            for (String n : o.names()) {
                assertThat(userAdd).contains("\\fB" + n.replace("-", "\\-") + "\\fR");
            }
        }
        assertThat(userAdd).contains(".SH EXIT STATUS").contains(".SH SEE ALSO\n\\fBhotdesk\\-user\\fR(1)");
    }

    @Test
    void groff_renders_every_page_without_a_warning() throws Exception {
        assumeTrue(onPath("groff"), "groff is not installed: the pages were not checked by a renderer");
        assertThat(CliRun.of(Map.of(), Map.of(), "man", "--out", dir.toString()).code()).isZero();
        try (var files = Files.list(dir)) {
            for (Path page : files.toList()) {
                Run g = run(List.of("groff", "-man", "-Tutf8", "-ww", "-z", page.toString()), "");
                assertThat(g.code).as(page.getFileName().toString()).isZero();
                assertThat(g.err).as("groff warnings for " + page.getFileName()).isEmpty();
            }
        }
    }

    @Test
    void man_shows_a_page_as_an_admin_reads_it() throws Exception {
        assumeTrue(onPath("man"), "man is not installed");
        assertThat(CliRun.of(Map.of(), Map.of(), "man", "--out", dir.toString()).code()).isZero();
        Run m = run(List.of("man", "-l", dir.resolve("hotdesk-user-add.1").toString()), "");
        assertThat(m.code).as(m.err).isZero();
        String text = m.out.replaceAll(".\b", ""); // overstrike bold/underline
        assertThat(text).contains("hotdesk-user-add - Add a user").contains("--pin-file=FILE").contains("EXIT STATUS");
    }

    @Test
    void a_directory_that_cannot_be_written_is_a_clear_error() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        CliRun r = CliRun.of(Map.of(), Map.of(), "man", "--out", file.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("cannot write man pages to " + file);
    }

    @Test
    void bash_completion_completes_commands_and_options() throws Exception {
        assumeTrue(onPath("bash"), "bash is not installed");
        CliRun r = CliRun.of(Map.of(), Map.of(), "completion", "bash");
        assertThat(r.code()).as(r.err()).isZero();
        Path script = Files.writeString(dir.resolve("hotdesk.bash"), r.out());

        assertThat(complete(script, "hotdesk", "us")).containsExactly("user");
        assertThat(complete(script, "hotdesk", "user", "")).contains("add", "remove", "set-pin", "list");
        assertThat(complete(script, "hotdesk", "user", "add", "--pin-")).contains("--pin-file");
        assertThat(complete(script, "hotdesk", "device", "add", "--")).contains("--label", "--site", "--elin");
    }

    @Test
    void zsh_gets_the_same_script_which_loads_bash_emulation_itself() {
        CliRun bash = CliRun.of(Map.of(), Map.of(), "completion", "bash");
        CliRun zsh = CliRun.of(Map.of(), Map.of(), "completion", "zsh");
        assertThat(zsh.code()).isZero();
        assertThat(zsh.out()).isEqualTo(bash.out()).contains("bashcompinit");
    }

    @Test
    void an_unknown_shell_is_a_usage_error_naming_the_choices() {
        CliRun r = CliRun.of(Map.of(), Map.of(), "completion", "fish");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("fish").contains("bash").contains("zsh");
    }

    /** What bash's completion offers for the words typed so far (the last one is being completed). */
    private List<String> complete(Path script, String... words) throws Exception {
        StringBuilder arr = new StringBuilder();
        for (String w : words) {
            arr.append('\'').append(w).append("' ");
        }
        String cmd = "source '" + script + "'\n"
                + "COMP_WORDS=(" + arr + ")\nCOMP_CWORD=" + (words.length - 1) + "\n"
                + "COMP_LINE='" + String.join(" ", words) + "'\nCOMP_POINT=${#COMP_LINE}\n"
                + "_complete_hotdesk\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Run b = run(List.of("bash", "--norc", "--noprofile"), cmd);
        assertThat(b.code).as(b.err).isZero();
        return b.out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static void collect(CommandSpec spec, List<String> names) {
        names.add(spec.qualifiedName("-"));
        spec.subcommands().forEach((name, sub) -> {
            CommandSpec s = sub.getCommandSpec();
            if (name.equals(s.name()) && !s.usageMessage().hidden() && !name.equals("help")) {
                collect(s, names);
            }
        });
    }

    private record Run(int code, String out, String err) {
    }

    private Run run(List<String> command, String stdin) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("MANPAGER", "cat");
        pb.environment().put("PAGER", "cat");
        pb.environment().put("MANWIDTH", "100");
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Builds the command model without services: nothing here runs a command. */
    private static final class NoServices implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            for (var c : type.getDeclaredConstructors()) {
                if (c.getParameterCount() == 1) {
                    c.setAccessible(true);
                    return type.cast(c.newInstance(new Object[]{null}));
                }
            }
            return CommandLine.defaultFactory().create(type);
        }
    }
}
