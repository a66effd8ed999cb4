package hotdesk.cli;

import hotdesk.core.usecase.DeviceLogins;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.concurrent.Callable;

/** {@code hotdesk device credentials MAC} and {@code hotdesk provision url-key}: the secrets of provisioning. */
final class CredentialsCommand {

    private CredentialsCommand() {
    }

    @Command(name = "credentials", description = {"Make the provisioning credentials of a desk phone: the user name "
            + "(hd-<mac>) and password it sends when it fetches its file with provisioning.device-auth=basic.",
            "The password is printed once and only its hash is kept, so a device that has credentials needs --rotate for "
                    + "new ones (the phone then needs the new password); --revoke removes them."},
            mixinStandardHelpOptions = true)
    static final class Device implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "MAC")
        String mac;
        @Option(names = "--rotate", description = "replace the device's credentials: the old password stops working")
        boolean rotate;
        @Option(names = "--revoke", description = "remove the device's credentials: with device auth on, its fetches fail")
        boolean revoke;

        Device(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            if (revoke) {
                if (rotate) {
                    return Output.refused(spec, "--revoke goes without --rotate");
                }
                if (!ctx.deviceLogins().revoke(mac, "cli")) {
                    return Output.refused(spec, "no provisioning credentials for device " + printable(mac));
                }
                return Output.done(spec, "revoked the provisioning credentials of " + printable(mac));
            }
            return issue(spec, ctx, mac, rotate);
        }
    }

    /** Issues and prints credentials; the exit code. */
    static int issue(CommandSpec spec, CliContext ctx, String mac, boolean rotate) {
        DeviceLogins.Result r = ctx.deviceLogins().issue(mac, rotate, "cli");
        if (r instanceof DeviceLogins.Refused refused) {
            return Output.refused(spec, refused.why());
        }
        DeviceLogins.Issued issued = (DeviceLogins.Issued) r;
        PrintWriter out = Output.out(spec);
        out.println("provisioning user     " + issued.user());
        out.println("provisioning password " + issued.password() + "   (shown once: only its hash is kept)");
        out.flush();
        return ExitCodes.OK;
    }

    @Command(name = "url-key", description = {"Print a new random provisioning URL key (128 bits) to set as "
            + "provisioning.url-key; phones then fetch from https://<host>:<port>/provision/<key>/.",
            "Nothing is stored: the key lives in the settings (hotdesk logs it masked).",
            "With --site NAME the key becomes that site's own (as site set NAME --new-url-key): stored as its hash only, "
                    + "printed this once, and the site's desks are served under it only; a running server follows within "
                    + "about a second."}, mixinStandardHelpOptions = true)
    static final class UrlKey implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Option(names = "--site", paramLabel = "NAME", description = "make it the site's own URL key (replacing the one it had)")
        String site;

        UrlKey(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            String key = hotdesk.core.model.UrlKeyHash.newKey(new SecureRandom());
            if (site == null) {
                return Output.done(spec, "provisioning.url-key=" + key);
            }
            return SiteCommand.set(spec, ctx, site, java.util.Map.of(hotdesk.core.usecase.ManageSites.URL_KEY, key), key, false);
        }
    }

    private static String printable(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
    }
}
