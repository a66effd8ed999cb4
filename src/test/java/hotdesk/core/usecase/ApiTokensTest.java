package hotdesk.core.usecase;

import hotdesk.core.model.ApiToken;
import hotdesk.core.model.AuditEntry;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ApiTokensTest {

    private final InMemoryLedger ledger = new InMemoryLedger();
    private final TestWorld world = new TestWorld(ledger).user("101", "Alice", "3865").user("102", "Bob", "5197");
    private final ApiTokens tokens = new ApiTokens(ledger, new SecureRandom(), world.clock);

    @Test
    void a_user_token_is_256_random_bits_shown_once_kept_as_its_sha256_and_audited_by_id() {
        ApiTokens.Created c = (ApiTokens.Created) tokens.createForUser("101", "cli");

        assertThat(c.secret()).matches("hdt_[A-Za-z0-9_-]{43}");
        assertThat(c.token().tokenHash()).isEqualTo(BoardSignIn.hash(c.secret())).doesNotContain(c.secret());
        assertThat(c.token().scope()).isEqualTo(ApiToken.Scope.USER);
        assertThat(c.toString()).doesNotContain(c.secret());
        AuditEntry audit = ledger.audit().get(ledger.audit().size() - 1);
        assertThat(audit.action()).isEqualTo("api-token.create");
        assertThat(audit.detail()).contains("id=" + c.token().id()).doesNotContain(c.secret());
        assertThat(((ApiTokens.Created) tokens.createForUser("101", "cli")).secret()).isNotEqualTo(c.secret());
    }

    @Test
    void a_token_for_an_unknown_or_malformed_extension_or_a_bad_integration_name_is_refused() {
        assertThat(tokens.createForUser("199", "cli")).isEqualTo(new ApiTokens.Refused("no user 199"));
        assertThat(tokens.createForUser("1x", "cli")).isInstanceOf(ApiTokens.Refused.class);
        assertThat(tokens.createForIntegration("Intranet Page", "cli")).isInstanceOf(ApiTokens.Refused.class);
        assertThat(tokens.list(ApiToken.Scope.USER, Optional.empty())).isEmpty();
        assertThat(tokens.list(ApiToken.Scope.ADMIN, Optional.empty())).isEmpty();
    }

    @Test
    void authenticate_finds_the_active_token_records_its_use_and_refuses_malformed_unknown_and_revoked_alike() {
        ApiTokens.Created c = (ApiTokens.Created) tokens.createForUser("101", "cli");
        world.clock.advance(Duration.ofSeconds(30));

        Optional<ApiToken> found = tokens.authenticate(c.secret());

        assertThat(found).map(ApiToken::id).contains(c.token().id());
        assertThat(tokens.list(ApiToken.Scope.USER, Optional.of("101")).get(0).lastUsed()).contains(world.clock.instant());
        assertThat(tokens.authenticate("hdt_" + "A".repeat(43))).isEmpty();
        assertThat(tokens.authenticate(c.secret() + "x")).isEmpty();
        assertThat(tokens.authenticate("")).isEmpty();
        assertThat(tokens.authenticate(null)).isEmpty();
        assertThat(tokens.revoke(c.token().id(), ApiToken.Scope.USER, Optional.of("101"), "cli")).isInstanceOf(ApiTokens.Revoked.class);
        assertThat(tokens.authenticate(c.secret())).isEmpty();
    }

    @Test
    void a_token_is_revoked_only_through_its_own_scope_and_user_and_only_once() {
        ApiTokens.Created alice = (ApiTokens.Created) tokens.createForUser("101", "cli");
        ApiTokens.Created intranet = (ApiTokens.Created) tokens.createForIntegration("intranet", "cli");
        long a = alice.token().id();

        assertThat(tokens.revoke(a, ApiToken.Scope.USER, Optional.of("102"), "cli")).isInstanceOf(ApiTokens.Refused.class);
        assertThat(tokens.revoke(a, ApiToken.Scope.ADMIN, Optional.empty(), "cli")).isInstanceOf(ApiTokens.Refused.class);
        assertThat(tokens.revoke(intranet.token().id(), ApiToken.Scope.USER, Optional.of("101"), "cli")).isInstanceOf(ApiTokens.Refused.class);
        assertThat(tokens.authenticate(alice.secret())).isPresent();
        assertThat(tokens.revoke(a, ApiToken.Scope.USER, Optional.of("101"), "cli")).isInstanceOf(ApiTokens.Revoked.class);
        assertThat(tokens.revoke(a, ApiToken.Scope.USER, Optional.of("101"), "cli"))
                .isEqualTo(new ApiTokens.Refused("token " + a + " is revoked already"));
        assertThat(ledger.audit()).extracting(AuditEntry::action).containsOnlyOnce("api-token.revoke");
        assertThat(tokens.list(ApiToken.Scope.USER, Optional.of("101"))).singleElement()
                .satisfies(t -> assertThat(t.revoked()).isPresent());
        assertThat(tokens.list(ApiToken.Scope.ADMIN, Optional.empty())).extracting(ApiToken::subject).containsExactly("intranet");
    }
}
