package hotdesk.cli;

import hotdesk.core.model.ApiToken;
import hotdesk.core.usecase.ApiTokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * API tokens of the self-service listener: {@code hotdesk user token EXT [--list | --revoke ID]} for a
 * user's own token and {@code hotdesk api-token add|list|revoke} for integrations.
 */
public final class TokenCommands {

    private TokenCommands() {
    }

    private static Map<String, Object> describe(ApiToken t) {
        Map<String, Object> m = Output.object();
        m.put("id", t.id());
        m.put("scope", t.scope().label());
        m.put(t.scope() == ApiToken.Scope.USER ? "extension" : "name", t.subject());
        m.put("created", t.created().toString());
        m.put("lastUsed", t.lastUsed().map(Object::toString).orElse(null));
        m.put("revoked", t.revoked().map(Object::toString).orElse(null));
        return m;
    }

    private static List<String> row(ApiToken t) {
        return List.of(Long.toString(t.id()), t.subject(), t.created().toString(), t.lastUsed().map(Object::toString).orElse("-"),
                t.revoked().map(Object::toString).orElse("-"));
    }

    private static int created(CommandSpec spec, ApiTokens.Result r, boolean json) {
        if (r instanceof ApiTokens.Refused refused) {
            return Output.refused(spec, refused.why());
        }
        ApiTokens.Created c = (ApiTokens.Created) r;
        if (json) {
            Map<String, Object> m = describe(c.token());
            m.put("token", c.secret());
            return Output.done(spec, Output.json(m));
        }
        return Output.done(spec, c.secret());
    }

    private static int revoked(CommandSpec spec, ApiTokens.Result r) {
        if (r instanceof ApiTokens.Refused refused) {
            return Output.refused(spec, refused.why());
        }
        ApiToken t = ((ApiTokens.Revoked) r).token();
        return Output.done(spec, "revoked token " + t.id() + " of " + t.scope().label() + " " + t.subject());
    }

    @Command(name = "token", description = {"Create (the default), list or revoke EXT's API tokens for the self-service "
            + "API (POST /api/v1/otp gets the user's own one-time code).",
            "A new token is printed once, alone on standard output (TOKEN=$(hotdesk user token 101)); hotdesk keeps only "
                    + "its SHA-256. --json adds its id."},
            mixinStandardHelpOptions = true)
    static final class UserToken implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "EXT")
        String extension;
        @Option(names = "--list", description = "list EXT's tokens (id, created, last used, revoked) instead of creating one")
        boolean list;
        @Option(names = "--revoke", paramLabel = "ID", description = "revoke EXT's token ID: it is refused (401) from now on")
        Long revoke;
        @Option(names = "--json", description = "print as JSON")
        boolean json;

        UserToken(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            if (list && revoke != null) {
                return Output.refused(spec, "--list and --revoke do not go together");
            }
            if (list) {
                return Output.listing(spec, json, ctx.apiTokens().list(ApiToken.Scope.USER, Optional.of(extension)),
                        TokenCommands::describe, List.of("ID", "EXTENSION", "CREATED", "LAST USED", "REVOKED"), TokenCommands::row);
            }
            if (revoke != null) {
                return revoked(spec, ctx.apiTokens().revoke(revoke, ApiToken.Scope.USER, Optional.of(extension), "cli"));
            }
            return created(spec, ctx.apiTokens().createForUser(extension, "cli"), json);
        }
    }

    @Command(name = "api-token", description = "API tokens for integrations (an intranet page, an app's back end): they may "
            + "obtain any user's one-time code from the self-service API.", mixinStandardHelpOptions = true,
            subcommands = {AddIntegration.class, ListIntegrations.class, RevokeIntegration.class})
    public static final class ApiTokenCommand {
    }

    @Command(name = "add", description = {"Create an integration token named NAME and print it once, alone on standard "
            + "output; hotdesk keeps only its SHA-256. --json adds its id."}, mixinStandardHelpOptions = true)
    static final class AddIntegration implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "NAME", description = "what the integration is: 1 to 40 of a-z 0-9 . _ -")
        String name;
        @Option(names = "--json", description = "print as JSON")
        boolean json;

        AddIntegration(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return created(spec, ctx.apiTokens().createForIntegration(name, "cli"), json);
        }
    }

    @Command(name = "list", description = "List the integration tokens (id, name, created, last used, revoked).",
            mixinStandardHelpOptions = true)
    static final class ListIntegrations implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Option(names = "--json", description = "print as JSON")
        boolean json;

        ListIntegrations(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return Output.listing(spec, json, ctx.apiTokens().list(ApiToken.Scope.ADMIN, Optional.empty()),
                    TokenCommands::describe, List.of("ID", "NAME", "CREATED", "LAST USED", "REVOKED"), TokenCommands::row);
        }
    }

    @Command(name = "revoke", description = "Revoke integration token ID: it is refused (401) from now on.",
            mixinStandardHelpOptions = true)
    static final class RevokeIntegration implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "ID")
        long id;

        RevokeIntegration(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return revoked(spec, ctx.apiTokens().revoke(id, ApiToken.Scope.ADMIN, Optional.empty(), "cli"));
        }
    }
}
