package hotdesk.cli;

import hotdesk.core.model.MultiLogin;
import hotdesk.core.model.User;
import hotdesk.core.usecase.ManageUsers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hotdesk user add|set|set-pin|list|remove|unlock|token|import|export|keys|keys-import|keys-export}. */
@Command(name = "user", description = "Manage the people who can hot-desk.", mixinStandardHelpOptions = true,
        subcommands = {UserCommand.Add.class, UserCommand.SetUser.class, UserCommand.SetPin.class, UserCommand.ListUsers.class, UserCommand.Remove.class,
                UserCommand.UnlockUser.class, TokenCommands.UserToken.class, BulkCommands.ImportUsers.class,
                BulkCommands.ExportUsers.class, KeysCommand.Keys.class, KeysCommand.Import.class, KeysCommand.Export.class})
public final class UserCommand {

    @Command(name = "add", description = "Add a user. The PIN is stored only as a salted hash.", mixinStandardHelpOptions = true)
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "EXT", description = "extension, 2 to 10 digits")
        String extension;
        @Option(names = "--name", required = true, description = "display name (caller ID, phone screen)")
        String name;
        @Option(names = "--pin", arity = "0..1", fallbackValue = SecretInput.ASK, paramLabel = "PIN",
                description = "login PIN, 4 to 8 digits; without a value it is asked on the terminal, or read as the "
                        + "first line of standard input (keeps it out of ps). " + PIN_RULES)
        String pin;
        @Option(names = "--pin-file", paramLabel = "FILE", description = "read the PIN from the first line of FILE")
        Path pinFile;
        @Option(names = "--policy", paramLabel = "single|deny|allow",
                description = "multi-login policy of this user: single (a login at another desk ends the first), deny "
                        + "(a second desk is refused) or allow (seated at several desks at once, inbound calls ring them all); "
                        + "default: the global login.multi-login")
        String policy;
        @Option(names = "--context", description = "dialplan context of the user's calls (default: users.default-context)")
        String context;
        @Option(names = "--mailbox", description = "voicemail box for the message light, e.g. 101@default")
        String mailbox;
        @Option(names = "--sip-secret", arity = "0..1", fallbackValue = SecretInput.ASK, paramLabel = "SECRET",
                description = "password (16 to 128 characters) for the user's own phone/softphone registering as EXT; "
                        + "without a value it is asked on the terminal, or read from standard input after the PIN")
        String sipSecret;
        @Option(names = "--sip-secret-file", paramLabel = "FILE", description = "read the SIP secret from the first line of FILE")
        Path sipSecretFile;
        @Option(names = "--no-hotdesk", description = "create the user without hot-desking rights")
        boolean noHotdesk;
        @Option(names = "--json", description = "print the result as JSON")
        boolean json;

        Add(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            String thePin = required(ctx.secretInput().read("--pin", "PIN for " + extension, pin, pinFile));
            String theSecret = ctx.secretInput().read("--sip-secret", "SIP secret for " + extension, sipSecret, sipSecretFile);
            ManageUsers.Result r = ctx.users().add(new ManageUsers.NewUser(extension, name, thePin, context, mailbox, theSecret,
                    !noHotdesk, policy), "cli");
            if (r instanceof ManageUsers.Refused refused) {
                return Output.refused(spec, refused.why());
            }
            User u = ((ManageUsers.Done) r).user();
            return Output.done(spec, json ? Output.json(describe(u))
                    : "added user " + u.extension() + " (" + u.name() + ")");
        }
    }

    @Command(name = "set", description = {"Change a user: only the options given change. A running server applies it "
            + "within about a second.", "--enabled off disables the account: the user is logged out of every desk at once, "
            + "their logins are refused (they hear the wrong-PIN prompt; the audit says why) and their own endpoint is taken "
            + "off Asterisk; their history stays. --hotdesk off logs them out of their desk and refuses their logins the same "
            + "way, but keeps their own endpoint."}, mixinStandardHelpOptions = true)
    static final class SetUser implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "EXT")
        String extension;
        @Option(names = "--name", description = "display name (caller ID, phone screen)")
        String name;
        @Option(names = "--context", description = "dialplan context of the user's calls")
        String context;
        @Option(names = "--mailbox", description = "voicemail box for the message light, e.g. 101@default; empty for none")
        String mailbox;
        @Option(names = "--hotdesk", arity = "1", paramLabel = "on|off", converter = OnOff.class, description = "may log in to desk phones")
        Boolean hotdesk;
        @Option(names = "--enabled", arity = "1", paramLabel = "on|off", converter = OnOff.class, description = "the account is active")
        Boolean enabled;
        @Option(names = "--policy", paramLabel = "single|deny|allow|global", description = "their own multi-login policy; "
                + "global: the global login.multi-login again")
        String policy;
        @Option(names = "--json", description = "print the user as changed as JSON")
        boolean json;

        SetUser(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            if (name == null && context == null && mailbox == null && hotdesk == null && enabled == null && policy == null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "nothing to change: give at least one of --name, --context, --mailbox, --hotdesk, --enabled, --policy");
            }
            ManageUsers.Result r = ctx.users().set(extension,
                    new ManageUsers.UserChanges(name, context, mailbox, hotdesk, enabled, policy), "cli");
            if (r instanceof ManageUsers.Refused refused) {
                return Output.refused(spec, refused.why());
            }
            if (r instanceof ManageUsers.Unchanged same) {
                Output.done(spec, json ? Output.json(describe(same.user())) : "user " + extension + " is like that already: nothing changed");
                return ExitCodes.NOTHING;
            }
            User u = ((ManageUsers.Done) r).user();
            return Output.done(spec, json ? Output.json(describe(u)) : "changed user " + u.extension() + " (" + u.name() + ")"
                    + (u.enabled() ? "" : ": disabled"));
        }
    }

    /** {@code on|off} (also yes/no, true/false) as a Boolean. */
    static final class OnOff implements picocli.CommandLine.ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String value) {
            return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "on", "yes", "true" -> Boolean.TRUE;
                case "off", "no", "false" -> Boolean.FALSE;
                default -> throw new picocli.CommandLine.TypeConversionException("expected on or off, got '" + value + "'");
            };
        }
    }

    @Command(name = "set-pin", description = "Change a user's PIN (clears the failure counters of their PIN: at every desk "
            + "and at each desk).", mixinStandardHelpOptions = true)
    static final class SetPin implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "EXT")
        String extension;
        @Option(names = "--pin", arity = "0..1", fallbackValue = SecretInput.ASK, paramLabel = "PIN",
                description = "new PIN, 4 to 8 digits; without a value it is asked on the terminal, or read as the "
                        + "first line of standard input (keeps it out of ps). " + PIN_RULES)
        String pin;
        @Option(names = "--pin-file", paramLabel = "FILE", description = "read the PIN from the first line of FILE")
        Path pinFile;

        SetPin(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            ManageUsers.Result r = ctx.users().setPin(extension,
                    required(ctx.secretInput().read("--pin", "new PIN for " + extension, pin, pinFile)), "cli");
            if (r instanceof ManageUsers.Refused refused) {
                return Output.refused(spec, refused.why());
            }
            return Output.done(spec, "PIN of " + extension + " changed");
        }
    }

    @Command(name = "list", description = "List users.", mixinStandardHelpOptions = true)
    static final class ListUsers implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Option(names = "--json", description = "print as JSON")
        boolean json;

        ListUsers(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            List<User> users = ctx.users().list();
            return Output.listing(spec, json, users, UserCommand::describe,
                    List.of("EXT", "NAME", "ENABLED", "HOTDESK", "CONTEXT", "MAILBOX", "OWN-DEVICE", "POLICY"),
                    u -> List.of(u.extension().value(), u.name(), u.enabled() ? "yes" : "no", u.hotdeskEnabled() ? "yes" : "no",
                            u.context(), u.mailbox(), u.ownDevice() ? "yes" : "no",
                            u.multiLogin().map(MultiLogin::value).orElse("(global)")));
        }
    }

    @Command(name = "remove", description = "Remove a user, logging them out first.", mixinStandardHelpOptions = true)
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "EXT")
        String extension;

        Remove(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            ManageUsers.Result r = ctx.users().remove(extension, "cli");
            if (r instanceof ManageUsers.Refused refused) {
                return Output.refused(spec, refused.why());
            }
            return Output.done(spec, "removed user " + extension);
        }
    }

    @Command(name = "unlock", description = "Clear the failure counters of an extension (a user or not): at every desk, "
            + "at each desk, and of their one-time codes. Lifts the lockouts they hold; audited.",
            mixinStandardHelpOptions = true)
    static final class UnlockUser implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "EXT")
        String extension;

        UnlockUser(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return Output.unlocked(spec, ctx.unlock().user(extension, "cli"), "extension " + extension);
        }
    }

    /** What --help says about the PINs refused. */
    static final String PIN_RULES = "Refused: one digit or group repeated (1111, 1212, 123123), runs (1234, 9876), years "
            + "1900-2099, dates (DDMM, MMDD, DDMMYY, MMDDYY, DDMMYYYY, MMDDYYYY, YYYYMMDD), keypad shapes and favourites "
            + "of the bundled list (2580, 1470, 1379, 2468...), the extension itself or reversed.";

    private static String required(String pin) {
        if (pin == null) {
            throw new IllegalArgumentException("a PIN is required: --pin (asks for it), --pin-file FILE or --pin PIN");
        }
        return pin;
    }

    static Map<String, Object> describe(User u) {
        Map<String, Object> m = Output.object();
        m.put("extension", u.extension().value());
        m.put("name", u.name());
        m.put("enabled", u.enabled());
        m.put("hotdesk", u.hotdeskEnabled());
        m.put("context", u.context());
        m.put("mailbox", u.mailbox());
        m.put("ownDevice", u.ownDevice());
        m.put("loginPolicy", u.multiLogin().map(MultiLogin::value).orElse(null));
        return m;
    }
}
