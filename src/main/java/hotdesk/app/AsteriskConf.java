package hotdesk.app;

import hotdesk.asteriskconf.AsteriskConfSettings;
import hotdesk.asteriskconf.AsteriskConfWriter;
import hotdesk.core.policy.DialCodePlan;
import hotdesk.core.policy.TrustedNetworks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code hotdesk asterisk-conf --out DIR}: writes the drop-in Asterisk config for the configured codes. */
@Command(name = "asterisk-conf", mixinStandardHelpOptions = true,
        description = "Write the drop-in Asterisk configuration (dialplan with the configured feature codes and "
                + "emergency numbers, sorcery, manager, ARI, HTTP and NOTIFY fragments, and the ACLs of the desks' networks: "
                + "provisioning.allowed-networks and each site's, read from the ledger) into DIR.")
final class AsteriskConf implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    private final Services services;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory to write into (created if missing)")
    Path out;

    AsteriskConf(Services services) {
        this.services = services;
    }

    static AsteriskConfSettings settings(Config c) {
        DialCodePlan codes = new DialCodePlan(c.list("codes.login"), c.list("codes.login-star"), c.list("codes.otp"),
                c.list("codes.logout"), c.list("emergency.numbers"));
        return new AsteriskConfSettings(codes, c.string("asterisk.agi-url"), c.string("pjsip.idle-context"),
                c.bool("asterisk.idle-internal-calls"), c.string("asterisk.internal-pattern"), c.string("ami.user"),
                c.string("ami.secret"), c.string("ari.user"), c.string("ari.password"),
                AsteriskConfSettings.PjsipWizard.of(c.string("asterisk.pjsip-wizard")), c.string("ami.test-user"),
                c.string("ami.test-secret"), c.string("users.default-context"));
    }

    /** The ACLs of acl_hotdesk.conf: provisioning.allowed-networks and every site of the ledger that has networks. */
    static java.util.List<TrustedNetworks.Acl> acls(Config c, java.util.List<hotdesk.core.model.Site> sites) {
        return TrustedNetworks.acls(Server.provisioningSettings(c).allowedNetworks(), sites);
    }

    @Override
    public Integer call() {
        AsteriskConfWriter.write(settings(services.config()), acls(services.config(), services.sites().list()), out);
        spec.commandLine().getOut().println("wrote Asterisk configuration to " + out + " (see README.md there)");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
