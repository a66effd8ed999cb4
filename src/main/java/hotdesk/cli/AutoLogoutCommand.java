package hotdesk.cli;

import hotdesk.core.model.AutoLogoutOverride;
import hotdesk.core.policy.AutoLogoutRules;
import hotdesk.core.usecase.AutoLogout;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code hotdesk auto-logout show|set|clear}: the rules of sites and desks beside the global settings. */
@Command(name = "auto-logout", mixinStandardHelpOptions = true,
        description = {"Auto-logout rules of sites and desk phones. The settings auto-logout.idle, auto-logout.max and "
                + "auto-logout.daily apply everywhere; a site's own rules replace them for its desks, a desk's own rules "
                + "replace its site's, field by field. A running server applies a change at its next check.",
                "Never during a call: a desk with a call up is logged out when the call ends."},
        subcommands = {AutoLogoutCommand.Show.class, AutoLogoutCommand.Set.class, AutoLogoutCommand.Clear.class})
public final class AutoLogoutCommand {

    /** Which site or desk. */
    static final class Place {
        @Option(names = "--site", paramLabel = "NAME", required = true, description = "a site (hotdesk site add)")
        String site;
        @Option(names = "--desk", paramLabel = "MAC", required = true, description = "a desk phone, all its lines")
        String desk;

        String scope() {
            return site != null ? AutoLogout.SITE : AutoLogout.DESK;
        }

        String name() {
            return site != null ? site : desk;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "The global rules and every site's and desk's own.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Option(names = "--json", description = "print as JSON")
        boolean json;

        Show(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            AutoLogout a = ctx.autoLogout();
            AutoLogoutRules g = a.rules();
            Map<String, Map<String, AutoLogoutOverride>> own = a.overrides();
            if (json) {
                Map<String, Object> m = Output.object();
                m.put("global", describe(g));
                for (String scope : List.of(AutoLogout.SITE, AutoLogout.DESK)) {
                    Map<String, Object> byName = Output.object();
                    own.get(scope).forEach((name, o) -> byName.put(name, describe(o)));
                    m.put(scope.equals(AutoLogout.SITE) ? "sites" : "desks", byName);
                }
                return Output.done(spec, Output.json(m));
            }
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("(settings)", "", AutoLogout.shown(g.idle()), AutoLogout.shown(g.max()),
                    g.daily().map(Object::toString).orElse("off")));
            for (String scope : List.of(AutoLogout.SITE, AutoLogout.DESK)) {
                own.get(scope).forEach((name, o) -> rows.add(List.of(scope, name, o.idle().map(AutoLogout::shown).orElse("inherit"),
                        o.max().map(AutoLogout::shown).orElse("inherit"), o.daily().orElse("inherit"))));
            }
            Output.table(Output.out(spec), List.of("SCOPE", "NAME", "IDLE", "MAX", "DAILY"), rows);
            Output.out(spec).flush();
            return ExitCodes.OK;
        }

        private static Map<String, Object> describe(AutoLogoutRules r) {
            Map<String, Object> m = Output.object();
            m.put("idle", AutoLogout.shown(r.idle()));
            m.put("max", AutoLogout.shown(r.max()));
            m.put("daily", r.daily().map(Object::toString).orElse("off"));
            return m;
        }

        private static Map<String, Object> describe(AutoLogoutOverride o) {
            Map<String, Object> m = Output.object();
            m.put("idle", o.idle().map(AutoLogout::shown).orElse("inherit"));
            m.put("max", o.max().map(AutoLogout::shown).orElse("inherit"));
            m.put("daily", o.daily().orElse("inherit"));
            return m;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = {"Give a site or a desk phone rules of its own. "
            + "Only the options given are set; each replaces what the site or desk had for that rule (use clear to start "
            + "again). off turns a rule off there, inherit takes the site's or the settings' again.",
            "Example: hotdesk auto-logout set --site HQ --idle 30m --daily 19:00"})
    static final class Set implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @ArgGroup(exclusive = true, multiplicity = "1")
        Place place;
        @Option(names = "--idle", paramLabel = "TIME|off|inherit", description = "logout this long after the last call (90s, 5m, 2h)")
        String idle;
        @Option(names = "--max", paramLabel = "TIME|off|inherit", description = "logout this long after the login")
        String max;
        @Option(names = "--daily", paramLabel = "HH:MM|off|inherit", description = "logout at this time of day, in the site's time zone")
        String daily;

        Set(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            if (idle == null && max == null && daily == null) {
                throw new ParameterException(spec.commandLine(), "nothing to set: give --idle, --max or --daily");
            }
            AutoLogout a = ctx.autoLogout();
            AutoLogoutOverride before = a.overrides().get(place.scope()).getOrDefault(key(), AutoLogoutOverride.NONE);
            AutoLogoutOverride now;
            try {
                now = new AutoLogoutOverride(idle == null ? before.idle() : duration("--idle", idle),
                        max == null ? before.max() : duration("--max", max),
                        daily == null ? before.daily() : daily.strip().equalsIgnoreCase("inherit") ? Optional.empty()
                                : Optional.of(checkedDaily(daily)));
            } catch (IllegalArgumentException e) {
                return Output.refused(spec, e.getMessage());
            }
            return outcome(spec, a.set(place.scope(), place.name(), now, "cli"));
        }

        private String key() {
            try {
                return place.scope().equals(AutoLogout.DESK) ? hotdesk.core.model.Mac.parse(place.name()).value() : place.name();
            } catch (IllegalArgumentException e) {
                return place.name();
            }
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true, description = "Remove a site's or desk's own rules: it follows "
            + "its site's or the settings again.")
    static final class Clear implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @ArgGroup(exclusive = true, multiplicity = "1")
        Place place;

        Clear(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return outcome(spec, ctx.autoLogout().set(place.scope(), place.name(), AutoLogoutOverride.NONE, "cli"));
        }
    }

    private static int outcome(CommandSpec spec, AutoLogout.Change c) {
        if (c instanceof AutoLogout.Refused r) {
            return Output.refused(spec, r.why());
        }
        AutoLogout.Changed done = (AutoLogout.Changed) c;
        return Output.done(spec, done.now().isEmpty() ? done.scope() + " " + done.name() + " follows "
                + (done.scope().equals(AutoLogout.DESK) ? "its site and " : "") + "the settings again"
                : done.scope() + " " + done.name() + ": " + AutoLogout.describe(done.now()));
    }

    /** {@code off} (0), {@code inherit} (empty), or a duration such as 90s, 5m, 2h, 1d. */
    static Optional<Duration> duration(String option, String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("inherit")) {
            return Optional.empty();
        }
        if (t.equals("off") || t.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        return Optional.of(Output.shortDuration(t).orElseThrow(() -> new IllegalArgumentException(option
                + " must be a duration (90s, 5m, 2h, 1d), off or inherit, got '" + text + "'")));
    }

    private static String checkedDaily(String text) {
        AutoLogoutOverride.dailyTime(text);
        return text.strip().toLowerCase(Locale.ROOT);
    }
}
