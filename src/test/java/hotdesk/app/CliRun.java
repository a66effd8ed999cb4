package hotdesk.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    /** Runs the command and returns its output; a non-zero exit is an {@link AssertionError} naming it. */
    static String ok(Map<String, String> settings, String... command) {
        CliRun r = of(settings, Map.of(), command);
        if (r.code() != 0) {
            throw new AssertionError("hotdesk " + String.join(" ", command) + " exited " + r.code() + ": " + r.err());
        }
        return r.out();
    }
}
