package hotdesk.cli;

import hotdesk.core.model.Extension;
import hotdesk.core.model.UserKey;
import hotdesk.core.usecase.ManageKeys;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hotdesk user keys EXT …}, {@code hotdesk user keys-import FILE} and {@code hotdesk user keys-export}. */
final class KeysCommand {

    private KeysCommand() {
    }

    @Command(name = "keys", description = {"A user's own speed-dial and BLF keys, which follow them to every desk they log in "
            + "at: after the desk's own keys (its line, then the logout key), in the order of their positions with empty "
            + "positions dropped; keys beyond the model's last key are left out (hotdesk status lists them). A change "
            + "reaches the desk they sit at within about a second (check-sync).",
            "Without an action: --list. BLF watches an extension (2 to 10 digits); a speed dial dials up to 32 of "
            + "0-9 * # +; a label is up to 20 letters, digits, spaces and . - _ / + (empty: the value)."},
            mixinStandardHelpOptions = true)
    static final class Keys implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "EXT")
        String extension;

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Action action;

        static final class Action {
            @Option(names = "--list", description = "print the keys (the default)")
            boolean list;
            @Option(names = "--put", arity = "3..4", paramLabel = "POS TYPE VALUE [LABEL]",
                    description = "put a key at position POS (1 to 99; replaces the key there): TYPE speed-dial or blf, VALUE the number or extension")
            List<String> put;
            @Option(names = "--remove", paramLabel = "POS", description = "remove the key at position POS")
            String remove;
            @Option(names = "--clear", description = "remove every key of the user")
            boolean clear;
        }

        @Option(names = "--json", description = "print the keys as JSON")
        boolean json;

        Keys(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            ManageKeys keys = ctx.keys();
            ManageKeys.Result r;
            String did;
            if (action == null || action.list) {
                r = keys.list(extension);
                did = null;
            } else if (action.put != null) {
                List<String> s = action.put;
                r = keys.set(extension, s.get(0), s.get(1), s.get(2), s.size() > 3 ? s.get(3) : "", "cli");
                did = "set key " + s.get(0) + " of " + extension;
            } else if (action.remove != null) {
                r = keys.remove(extension, action.remove, "cli");
                did = "removed key " + action.remove + " of " + extension;
            } else {
                r = keys.clear(extension, "cli");
                did = "cleared the keys of " + extension;
            }
            if (r instanceof ManageKeys.Refused refused) {
                return Output.refused(spec, refused.why());
            }
            if (r instanceof ManageKeys.Unchanged same) {
                print(same.extension(), same.keys(), "the keys of " + extension + " are like that already: nothing changed");
                return ExitCodes.NOTHING;
            }
            ManageKeys.Keys k = (ManageKeys.Keys) r;
            print(k.extension(), k.keys(), did);
            return ExitCodes.OK;
        }

        private void print(Extension ext, List<UserKey> keys, String did) {
            if (json) {
                Map<String, Object> m = Output.object();
                m.put("extension", ext.value());
                m.put("keys", keys.stream().map(KeysCommand::describe).toList());
                Output.done(spec, Output.json(m));
                return;
            }
            if (did != null) {
                Output.out(spec).println(did);
            }
            if (keys.isEmpty()) {
                Output.done(spec, "user " + ext + " has no keys");
                return;
            }
            Output.table(Output.out(spec), List.of("POS", "TYPE", "VALUE", "LABEL"), keys.stream()
                    .map(k -> List.of(Integer.toString(k.position()), k.type().shown(), k.value(), k.label())).toList());
            Output.out(spec).flush();
        }
    }

    static Map<String, Object> describe(UserKey k) {
        Map<String, Object> m = Output.object();
        m.put("position", k.position());
        m.put("type", k.type().shown());
        m.put("value", k.value());
        m.put("label", k.label());
        return m;
    }

    @Command(name = "keys-import", description = {"Set users' keys from a CSV file (UTF-8, first line the column names: "
            + "extension, position, type, value and optionally label). For every extension the file names, its rows are "
            + "all of that user's keys: a key the file does not list for them is removed; users the file does not name "
            + "keep theirs.", "One transaction: a bad row (each is reported with its line and column), an unknown user or "
            + "a position given twice for one user means nothing is imported. Importing the same file again changes "
            + "nothing."}, mixinStandardHelpOptions = true)
    static final class Import implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "FILE", description = "the CSV file")
        Path file;
        @Option(names = "--dry-run", description = "check the file and print what would change; write nothing")
        boolean dryRun;

        Import(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return Imports.run(spec, file, ManageKeys.EXTENSION, ManageKeys.COLUMNS, "keys of",
                    rows -> ctx.keys().importRows(rows, dryRun, "cli"));
        }
    }

    @Command(name = "keys-export", description = "Print every user's keys as CSV (the columns keys-import reads).",
            mixinStandardHelpOptions = true)
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;

        Export(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            List<Map.Entry<Extension, UserKey>> rows = new ArrayList<>();
            ctx.keys().all().forEach((ext, keys) -> keys.forEach(k -> rows.add(Map.entry(ext, k))));
            return Imports.export(spec, ManageKeys.EXTENSION, ManageKeys.COLUMNS, rows, e -> e.getKey().value(),
                    (e, column) -> switch (column) {
                        case ManageKeys.POSITION -> Integer.toString(e.getValue().position());
                        case ManageKeys.TYPE -> e.getValue().type().shown();
                        case ManageKeys.VALUE -> e.getValue().value();
                        case ManageKeys.LABEL -> e.getValue().label();
                        default -> throw new IllegalArgumentException("not a keys column: " + column);
                    });
        }
    }
}
