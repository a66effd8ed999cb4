package hotdesk.selfservice;

import hotdesk.core.usecase.ApiTokens;
import hotdesk.core.usecase.DeskKeys;
import hotdesk.core.usecase.SelfServiceCodes;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/openapi.yaml names exactly the routes the self-service listener registers. */
class OpenApiRoutesTest {

    private static final Pattern PATH = Pattern.compile("^  (/\\S*):\\s*$");
    private static final Pattern METHOD = Pattern.compile("^    (get|put|post|delete|patch|head|options):\\s*$");

    /** {@code POST /api/v1/otp} for every operation under {@code paths:} of the file. */
    static Set<String> documented(String yaml) {
        Set<String> out = new TreeSet<>();
        boolean inPaths = false;
        String path = null;
        for (String line : yaml.split("\n")) {
            if (!line.startsWith(" ") && !line.isBlank()) {
                inPaths = line.startsWith("paths:");
                path = null;
                continue;
            }
            if (!inPaths) {
                continue;
            }
            Matcher p = PATH.matcher(line);
            if (p.matches()) {
                path = p.group(1);
                continue;
            }
            Matcher m = METHOD.matcher(line);
            if (m.matches() && path != null) {
                out.add(m.group(1).toUpperCase(Locale.ROOT) + " " + path);
            }
        }
        return out;
    }

    @Test
    void every_registered_route_is_documented_and_every_documented_route_is_registered() throws IOException {
        TestWorld world = new TestWorld();
        SelfServiceServer server = new SelfServiceServer(new SelfServiceSettings("127.0.0.1", 0, Optional.empty(), "", 10, 60),
                new SelfServiceServer.Uses(new ApiTokens(world.ledger, new SecureRandom(), world.clock),
                        new SelfServiceCodes(world.issueOtp, world.ledger, world.clock),
                        new DeskKeys(world.ledger, new SecureRandom(), world.clock), world.logIn, world.logOut, world.clock));
        Set<String> registered = new TreeSet<>();
        try (server) {
            server.start();
            server.routes().forEach(r -> registered.add(r.method() + " " + r.path()));
        }

        Set<String> documented = documented(Files.readString(Path.of("docs/openapi.yaml")));

        assertThat(registered).isNotEmpty().contains("POST /api/v1/otp", "GET /api/v1/me", "GET /desk/{key}");
        assertThat(documented).isEqualTo(registered);
    }

    @Test
    void the_reader_finds_operations_under_paths_only() {
        String yaml = """
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      summary: x
                    parameters:
                      - name: y
                  /b/{k}:
                    post:
                      responses: {}
                components:
                  schemas:
                    get:
                      type: object
                """;

        assertThat(documented(yaml)).containsExactly("GET /a", "POST /b/{k}");
    }
}
