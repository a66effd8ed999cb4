package hotdesk.cli;

import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.ServedFile;
import hotdesk.core.usecase.PreviewDeskFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code hotdesk provision render|diff}: the file a desk phone would get now. */
@Command(name = "provision", description = "Show the configuration file a desk phone would get if it fetched now.",
        mixinStandardHelpOptions = true, subcommands = {ProvisionCommand.Render.class, ProvisionCommand.Diff.class,
                CredentialsCommand.UrlKey.class})
public final class ProvisionCommand {

    /** What render and diff share: which desk, as whom. */
    static final class Desk {
        @Parameters(index = "0", paramLabel = "MAC", description = "the desk phone")
        String mac;
        @Option(names = "--as", paramLabel = "EXT", description = "as if this user sat there (the ledger is not changed)")
        String as;
        @Option(names = "--port", paramLabel = "N", defaultValue = "1",
                description = "with --as: the gateway port (desk line) the user sits at (default: ${DEFAULT-VALUE})")
        int port;
    }

    private ProvisionCommand() {
    }

    /** The rendered file, or an exit code after saying why not. */
    private static Object render(CliContext ctx, CommandSpec spec, Desk desk, boolean showSecrets) {
        if (desk.as == null && desk.port != 1) {
            return Output.refused(spec, "--port needs --as");
        }
        PreviewDeskFile.Result r;
        try {
            r = ctx.deskFiles().render(Mac.parse(desk.mac), Optional.ofNullable(desk.as).map(Extension::of),
                    desk.port, showSecrets);
        } catch (IllegalArgumentException e) {
            return Output.refused(spec, e.getMessage());
        } catch (IllegalStateException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("hotdesk: the template failed: " + e.getMessage());
            err.flush();
            return ExitCodes.SOFTWARE;
        }
        if (r instanceof PreviewDeskFile.Unknown u) {
            return Output.refused(spec, "no " + u.what());
        }
        PreviewDeskFile.File f = (PreviewDeskFile.File) r;
        if (f.disabled()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("hotdesk: note: the device is disabled; the provisioning server answers its fetches 404");
            err.flush();
        }
        return f;
    }

    @Command(name = "render", mixinStandardHelpOptions = true, description = {
            "Print the file the phone with this MAC would get if it fetched now: its vendor's profile and template, "
                    + "made exactly as the provisioning server makes it (Polycom: the per-desk file). Records no fetch.",
            "SIP passwords are shown as " + PreviewDeskFile.MASK + " (on every line of a gateway) unless --show-secrets."})
    static final class Render implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @picocli.CommandLine.Mixin
        Desk desk = new Desk();
        @Option(names = "--show-secrets", description = "print the real SIP passwords")
        boolean showSecrets;

        Render(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Object r = render(ctx, spec, desk, showSecrets);
            if (r instanceof Integer code) {
                return code;
            }
            PrintWriter out = Output.out(spec);
            out.print(((PreviewDeskFile.File) r).text());
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true, description = {
            "Show what the next fetch would change: the file as rendered now compared with the file the phone last "
                    + "fetched, unified-diff style (- lines of the last fetch, + lines of now).",
            "The provisioning server keeps what it served per desk and file name with the secrets masked (written by "
                    + "its fetch journal within seconds); a SIP password that changed is reported as 'secrets changed', "
                    + "never shown. A desk that never fetched is said so (exit 5).",
            "--against FILE compares with a file you saved instead (e.g. 'hotdesk provision render MAC > before.cfg'); "
                    + "the desk's SIP passwords in FILE are replaced by " + PreviewDeskFile.MASK + " too.",
            "Exit code 0 with the differences printed, 5 when the next fetch changes nothing (or the desk never fetched)."})
    static final class Diff implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @picocli.CommandLine.Mixin
        Desk desk = new Desk();
        @Option(names = "--against", paramLabel = "FILE",
                description = "compare with this file (UTF-8) instead of what the phone last fetched")
        Path against;

        Diff(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return against == null ? againstServed() : againstFile();
        }

        private Integer againstFile() {
            String before;
            try {
                before = Files.readString(against, StandardCharsets.UTF_8);
            } catch (IOException | java.io.UncheckedIOException e) {
                return Output.refused(spec, "cannot read " + against + ": " + e.getMessage());
            }
            Object r = render(ctx, spec, desk, false);
            if (r instanceof Integer code) {
                return code;
            }
            PreviewDeskFile.File now = (PreviewDeskFile.File) r;
            for (String secret : now.secrets()) {
                before = before.replace(secret, PreviewDeskFile.MASK);
            }
            return print(against.toString(), before, now.text(), false);
        }

        /** The latest file served to the desk (under whichever name) against the file rendered now. */
        private Integer againstServed() {
            Object r = render(ctx, spec, desk, false);
            if (r instanceof Integer code) {
                return code;
            }
            PreviewDeskFile.File now = (PreviewDeskFile.File) r;
            Mac mac = Mac.parse(desk.mac);
            Optional<ServedFile> last = ctx.deskFiles().served(mac).stream()
                    .max(java.util.Comparator.comparing(ServedFile::servedAt));
            if (last.isEmpty()) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("hotdesk: never fetched: no file served to " + mac.display()
                        + " is on record; its first fetch gets the whole file (see 'hotdesk provision render')");
                err.flush();
                return ExitCodes.NOTHING;
            }
            ServedFile f = last.get();
            boolean secretsChanged = !f.secretsDigest().equals(ServedFile.secretsDigest(mac, now.secrets()));
            String name = f.fileName() + " (served " + f.servedAt() + ")";
            if (f.maskedText().isEmpty()) {
                // over the stored limit: only the digests compare
                boolean changed = !f.maskedDigest().equals(ServedFile.sha256(now.text()));
                if (!changed && !secretsChanged) {
                    return same();
                }
                PrintWriter out = Output.out(spec);
                if (changed) {
                    out.println("changed: " + name + " differs from the file now (the served copy was over "
                            + ServedFile.MAX_TEXT + " characters: only its digest was kept)");
                }
                if (secretsChanged) {
                    out.println(SECRETS_CHANGED);
                }
                out.flush();
                return ExitCodes.OK;
            }
            return print(name, f.maskedText().get(), now.text(), secretsChanged);
        }

        private Integer print(String beforeName, String before, String now, boolean secretsChanged) {
            String diff;
            try {
                diff = UnifiedDiff.of(beforeName, before, Mac.parse(desk.mac).display() + " (now)", now);
            } catch (IllegalArgumentException e) {
                return Output.refused(spec, e.getMessage());
            }
            if (diff.isEmpty() && !secretsChanged) {
                return same();
            }
            PrintWriter out = Output.out(spec);
            out.print(diff);
            if (secretsChanged) {
                out.println(SECRETS_CHANGED);
            }
            out.flush();
            return ExitCodes.OK;
        }

        private Integer same() {
            PrintWriter err = spec.commandLine().getErr();
            err.println("hotdesk: no change: the next fetch gets the same file");
            err.flush();
            return ExitCodes.NOTHING;
        }
    }

    /** What diff says when only the SIP passwords differ from what the phone got (they are never shown). */
    public static final String SECRETS_CHANGED = "secrets changed: the desk's SIP password differs from the one the phone "
            + "last got (not shown)";
}
