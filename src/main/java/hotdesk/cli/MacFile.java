package hotdesk.cli;

import hotdesk.core.model.Mac;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A file of MACs for bulk commands: one per line, blank lines and {@code #} comments skipped. */
final class MacFile {

    private MacFile() {
    }

    /**
     * Reads the file into {@code macs} (each MAC with the number of the line it first appears on);
     * every problem goes to {@code problems} with its line number. Returns whether there was none.
     */
    static boolean read(Path file, Map<Mac, Integer> macs, List<String> problems) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            problems.add("cannot read " + file + ": " + e.getMessage());
            return false;
        }
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (!Mac.isValid(t)) {
                String shown = t.length() > 40 ? t.substring(0, 40) + "…" : t;
                problems.add(file + " line " + (i + 1) + ": '" + shown.replaceAll("\\p{Cntrl}", "?") + "' is not a MAC");
            } else {
                macs.putIfAbsent(Mac.parse(t), i + 1);
            }
        }
        if (problems.isEmpty() && macs.isEmpty()) {
            problems.add(file + " holds no MAC");
        }
        return problems.isEmpty();
    }
}
