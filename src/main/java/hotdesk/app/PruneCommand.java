package hotdesk.app;

import hotdesk.core.usecase.PruneLedger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code hotdesk prune [--dry-run]}: the retention run {@code serve} makes every
 * {@code ledger.prune-interval}, now: audit lines older than {@code ledger.audit-retention} and fetch
 * records older than {@code ledger.fetch-retention} are deleted in batches of
 * {@value PruneLedger#BATCH} rows, one short transaction each (a running server keeps answering
 * between them). {@code --dry-run} counts instead, in one read, and deletes nothing.
 */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Delete audit lines and phone config fetch records older than their retention "
                + "(ledger.audit-retention, ledger.fetch-retention) now, as serve does every ledger.prune-interval, "
                + "and print how many rows went. A retention of 0s keeps that kind forever.",
                "Prints: audit lines <n> (before <cut>|kept forever), fetch records <n> (…). Exit 5 when nothing was "
                        + "(or, with --dry-run, would be) deleted."})
final class PruneCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    private final Services services;

    @Option(names = "--dry-run", description = "count what would be deleted; delete nothing")
    boolean dryRun;

    PruneCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() {
        Config c = services.config();
        PruneLedger prune = Server.pruneLedger(c, services.clock(), services.ledger());
        PruneLedger.Pruned p = dryRun ? prune.count() : prune.run();
        PrintWriter out = spec.commandLine().getOut();
        String verb = dryRun ? "would delete" : "deleted";
        out.println(verb + " " + p.auditLines() + " audit lines " + cut(p.auditCut() == null ? null : p.auditCut().toString()));
        out.println(verb + " " + p.fetchRecords() + " fetch records " + cut(p.fetchCut() == null ? null : p.fetchCut().toString()));
        out.flush();
        return p.auditLines() + p.fetchRecords() == 0 ? hotdesk.cli.ExitCodes.NOTHING : hotdesk.cli.ExitCodes.OK;
    }

    private static String cut(String at) {
        return at == null ? "(kept forever: retention 0s)" : "(older than " + at + ")";
    }
}
