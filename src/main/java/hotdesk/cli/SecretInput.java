package hotdesk.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Where a command reads a secret (PIN, SIP secret) so that it need not stand on the command line,
 * where {@code ps} shows it to every local user. One scheme for every secret option {@code --x}:
 * <ul>
 *   <li>{@code --x-file FILE}: the first line of FILE;</li>
 *   <li>{@code --x} without a value: asked on the terminal without echo, or, when there is no
 *       terminal, the next line of standard input (several such options read one line each, in the
 *       order the command documents);</li>
 *   <li>{@code --x VALUE}: the value itself (visible in {@code ps}; for throw-away setups).</li>
 * </ul>
 * A wrong combination or a missing answer is an IllegalArgumentException naming the option (a usage
 * error). Not thread-safe: one command uses it.
 */
public final class SecretInput {

    /** The value picocli gives an option written without one; NUL cannot come from a real argument. */
    public static final String ASK = "\u0000ask";

    private final Function<String, char[]> terminal;
    private final InputStream stdin;
    private BufferedReader lines;

    /**
     * @param terminal asks with the given prompt without echo and answers null at end of input; null
     *                 when there is no terminal
     * @param stdin    standard input, read only when there is no terminal
     */
    public SecretInput(Function<String, char[]> terminal, InputStream stdin) {
        this.terminal = terminal;
        this.stdin = stdin;
    }

    /** This process's terminal (when stdin and stdout are one) and standard input. */
    public static SecretInput system() {
        Console console = System.console();
        return new SecretInput(console == null ? null : prompt -> console.readPassword("%s", prompt), System.in);
    }

    /** No terminal and nothing on standard input. */
    public static SecretInput none() {
        return new SecretInput(null, InputStream.nullInputStream());
    }

    /**
     * The secret of {@code option} (e.g. {@code --pin}): {@code given} is the option's value (null if
     * absent, {@link #ASK} if written without a value), {@code file} that of {@code option-file}.
     * Null when neither was given.
     */
    public String read(String option, String what, String given, Path file) {
        if (file != null) {
            if (given != null) {
                throw new IllegalArgumentException("give " + option + " or " + option + "-file, not both");
            }
            return firstLine(option, file);
        }
        if (given == null || !given.equals(ASK)) {
            return given;
        }
        if (terminal != null) {
            char[] answer = terminal.apply(what + ": ");
            if (answer == null) {
                throw new IllegalArgumentException(option + ": no " + what + " was typed");
            }
            return new String(answer);
        }
        try {
            if (lines == null) {
                lines = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
            }
            String line = lines.readLine();
            if (line == null) {
                throw new IllegalArgumentException(option + ": no terminal to ask for the " + what
                        + " and no line for it on standard input");
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + what + " from standard input", e);
        }
    }

    private static String firstLine(String option, Path file) {
        List<String> content;
        try {
            content = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + "-file: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        if (content.isEmpty()) {
            throw new IllegalArgumentException(option + "-file: " + file + " is empty");
        }
        return content.get(0);
    }
}
