package hotdesk.cli;

import hotdesk.core.model.Extension;
import hotdesk.core.usecase.IssueOtp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hotdesk otp issue EXT}. */
@Command(name = "otp", description = "One-time login codes.", mixinStandardHelpOptions = true,
        subcommands = OtpCommand.Issue.class)
public final class OtpCommand {

    @Command(name = "issue", description = "Print a fresh 6-digit code for EXT: single use, valid for otp.validity "
            + "(2 minutes by default); it voids the user's previous code.", mixinStandardHelpOptions = true)
    static final class Issue implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "EXT")
        String extension;
        @Option(names = "--json", description = "print as JSON")
        boolean json;

        Issue(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            if (!Extension.isValid(extension)) {
                return Output.refused(spec, "extension must be 2 to 10 digits, got '" + extension + "'");
            }
            IssueOtp.Result r = ctx.otp().issue(Extension.of(extension), "cli");
            if (r instanceof IssueOtp.UnknownUser) {
                return Output.refused(spec, "no user " + extension);
            }
            if (r instanceof IssueOtp.NotAllowed) {
                return Output.refused(spec, "user " + extension + " may not hot-desk (hot-desking off or account disabled: hotdesk user set)");
            }
            IssueOtp.Issued issued = (IssueOtp.Issued) r;
            if (!json) {
                return Output.done(spec, issued.code());
            }
            Map<String, Object> m = Output.object();
            m.put("extension", extension);
            m.put("code", issued.code());
            m.put("expiresAt", issued.expiresAt().toString());
            return Output.done(spec, Output.json(m));
        }
    }
}
