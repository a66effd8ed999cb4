package hotdesk.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hotdesk man --out DIR}: a man page per command, generated from the same model as {@code --help}. */
@Command(name = "man", mixinStandardHelpOptions = true,
        description = "Write a man page (section 1, troff) for hotdesk and for each of its commands into a directory. "
                + "Install them under a man1 directory, e.g. /usr/local/share/man/man1, and read them with man hotdesk-user-add.")
public final class ManCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory to write the pages to (created if missing)")
    Path out;

    @Override
    public Integer call() {
        String version = spec.root().version().length > 0 ? spec.root().version()[0] : "hotdesk";
        Map<String, String> pages = new ManPages(version).pages(spec.root());
        try {
            Files.createDirectories(out);
            for (Map.Entry<String, String> page : pages.entrySet()) {
                Files.writeString(out.resolve(page.getKey()), page.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write man pages to " + out + ": " + e.getMessage(), e);
        }
        spec.commandLine().getOut().println(pages.size() + " man pages written to " + out);
        return ExitCodes.OK;
    }
}
