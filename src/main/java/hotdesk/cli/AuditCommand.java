package hotdesk.cli;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.AuditLine;
import hotdesk.core.usecase.ReadAudit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code hotdesk audit}: the audit trail, newest first, a page at a time. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"The audit trail, newest first: logins and logouts with their reason, refused logins with the real "
                + "reason, lockout alerts, one-time codes issued, configuration fetches and refusals, emergency calls, and "
                + "every admin change with who made it. Never a PIN, code or SIP secret.",
                "A page holds --limit lines; when there are more, the last line says how to ask for the next page "
                        + "(--before ID)."},
        footer = {"", "Examples:", "  hotdesk audit --since 24h --user 101",
                "  hotdesk audit --desk 00:15:65:12:34:ab --action login",
                "  hotdesk audit --since 2026-11-30 --json --limit 1000"})
public final class AuditCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    private final CliContext ctx;

    @Option(names = "--since", paramLabel = "WHEN",
            description = "only lines from then on: a time ago (90m, 24h, 7d), a date (YYYY-MM-DD, from its midnight in "
                    + "provisioning.timezone) or an instant (2026-11-02T08:00:00Z)")
    String since;
    @Option(names = "--user", paramLabel = "EXT", description = "only lines about this extension (its logins, logouts, "
            + "refused logins, changes)")
    String user;
    @Option(names = "--desk", paramLabel = "MAC", description = "only lines about this desk phone and its lines")
    String desk;
    @Option(names = "--action", paramLabel = "ACTION", description = "only this action and its sub-actions (login matches "
            + "login.rejected and login.alert; user.set, device.set, logout, provision.fetch...)")
    String action;
    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "lines per page, 1 to 10000 "
            + "(default: ${DEFAULT-VALUE})")
    int limit;
    @Option(names = "--before", paramLabel = "ID", defaultValue = "0", description = "the page after: only lines older "
            + "than the line with this id")
    long before;
    @Option(names = "--json", description = "print as JSON: {\"lines\": [...], \"more\": true|false}")
    boolean json;

    AuditCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Instant from = since == null ? null : when(since, ctx.zone(), ctx.clock().instant());
        ReadAudit.Result r = ctx.audit().read(new ReadAudit.Filter(from, user, desk, action, before, limit));
        if (r instanceof ReadAudit.Refused refused) {
            return Output.refused(spec, refused.why());
        }
        ReadAudit.Page page = (ReadAudit.Page) r;
        if (json) {
            Map<String, Object> m = Output.object();
            m.put("lines", page.lines().stream().map(AuditCommand::describe).toList());
            m.put("more", page.more());
            return Output.done(spec, Output.json(m));
        }
        PrintWriter out = Output.out(spec);
        if (page.lines().isEmpty()) {
            out.println("no audit lines match");
            out.flush();
            return ExitCodes.OK;
        }
        DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ctx.zone());
        List<List<String>> rows = new ArrayList<>();
        for (AuditLine l : page.lines()) {
            AuditEntry e = l.entry();
            rows.add(List.of(Long.toString(l.id()), time.format(e.at()), e.actor(), e.action(), e.subject(), e.detail()));
        }
        Output.table(out, List.of("ID", "TIME (" + ctx.zone() + ")", "ACTOR", "ACTION", "SUBJECT", "DETAIL"), rows);
        if (page.more()) {
            out.println("more: add --before " + page.lines().get(page.lines().size() - 1).id());
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** A time ago ({@code 90m}, {@code 24h}, {@code 7d}), a date (its midnight in {@code zone}) or an instant. */
    private Instant when(String text, ZoneId zone, Instant now) {
        Optional<Duration> ago = Output.shortDuration(text);
        if (ago.isPresent()) {
            return now.minus(ago.get());
        }
        try {
            return LocalDate.parse(text.strip()).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException notADate) {
            try {
                return OffsetDateTime.parse(text.strip()).toInstant();
            } catch (DateTimeException e) {
                throw new ParameterException(spec.commandLine(), "--since: '" + text + "' is neither a time ago (90m, 24h, "
                        + "7d), a date (YYYY-MM-DD) nor an instant with an offset (2026-11-02T08:00:00Z)");
            }
        }
    }

    static Map<String, Object> describe(AuditLine l) {
        Map<String, Object> m = Output.object();
        m.put("id", l.id());
        m.put("at", l.entry().at().toString());
        m.put("actor", l.entry().actor());
        m.put("action", l.entry().action());
        m.put("subject", l.entry().subject());
        m.put("detail", l.entry().detail());
        return m;
    }
}
