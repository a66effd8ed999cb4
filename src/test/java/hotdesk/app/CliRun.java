package hotdesk.app;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One admin command run in this JVM the way a shell would run {@code hotdesk}: every setting given
 * as {@code --set key=value}, output and errors captured. Tests and the load driver share it.
 */
record CliRun(int code, String out, String err) {

    static CliRun of(Map<String, String> settings, Map<String, String> env, String... command) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>();
        settings.forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        args.addAll(List.of(command));
        int code = Main.run(args.toArray(String[]::new), env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    /**
     * Runs {@code hotdesk} as a process of its own, as a shell or a script would: the shipped logging
     * configuration (not the tests'), {@code stdin} as its standard input (then closed), no terminal.
     * {@code scratch} holds the captured output.
     */
    static CliRun process(Path scratch, Map<String, String> settings, String stdin, String... command)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(javaCommand());
        settings.forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        args.addAll(List.of(command));
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        Process p = new ProcessBuilder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the command did not read its input; what it printed says why
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("hotdesk " + String.join(" ", command) + " did not finish");
        }
        return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** {@code java … hotdesk.app.Main} with the test class path and the shipped logback.xml. */
    static List<String> javaCommand() {
        String logback = Main.class.getResource("/logback.xml").toString(); // the main one; tests have logback-test.xml
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + logback,
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                Main.class.getName());
    }

    /** Runs the command and returns its output; a non-zero exit is an {@link AssertionError} naming it. */
    static String ok(Map<String, String> settings, String... command) {
        CliRun r = of(settings, Map.of(), command);
        if (r.code() != 0) {
            throw new AssertionError("hotdesk " + String.join(" ", command) + " exited " + r.code() + ": " + r.err());
        }
        return r.out();
    }
}
