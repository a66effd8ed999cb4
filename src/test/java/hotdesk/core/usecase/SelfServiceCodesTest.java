package hotdesk.core.usecase;

import hotdesk.core.model.ApiToken;
import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Extension;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SelfServiceCodesTest {

    private final InMemoryLedger ledger = new InMemoryLedger();
    private final TestWorld world = new TestWorld(ledger).user("101", "Alice", "3865").user("102", "Bob", "5197")
            .device("00:15:65:00:00:01");
    private final ApiTokens tokens = new ApiTokens(ledger, new SecureRandom(), world.clock);
    private final SelfServiceCodes codes = new SelfServiceCodes(world.issueOtp, ledger, world.clock);
    private final ApiToken alice = ((ApiTokens.Created) tokens.createForUser("101", "cli")).token();
    private final ApiToken intranet = ((ApiTokens.Created) tokens.createForIntegration("intranet", "cli")).token();

    private java.util.List<hotdesk.core.model.OtpRecord> live() {
        return ledger.read(tx -> tx.liveOtps(world.clock.instant()));
    }

    private AuditEntry lastAudit() {
        return ledger.audit().get(ledger.audit().size() - 1);
    }

    @Test
    void a_user_token_gets_its_own_code_which_logs_in_once_like_otp_issue_and_is_audited_by_token_id() {
        SelfServiceCodes.Result r = codes.issue(alice, Optional.empty(), "192.0.2.7");

        SelfServiceCodes.Issued issued = (SelfServiceCodes.Issued) r;
        assertThat(issued.extension()).isEqualTo(Extension.of("101"));
        assertThat(issued.code()).matches("\\d{6}");
        assertThat(issued.expiresAt()).isEqualTo(world.clock.instant().plus(Duration.ofMinutes(2)));
        assertThat(lastAudit().action()).isEqualTo("otp.issue");
        assertThat(lastAudit().actor()).isEqualTo("api:" + alice.id());
        assertThat(ledger.audit()).noneMatch(a -> a.detail().contains(issued.code()) || a.subject().contains(issued.code()));
        LogIn.Result first = world.logIn.execute(TestWorld.desk("00:15:65:00:00:01"), new LogIn.OneTimeCode(issued.code()), "test");
        LogIn.Result second = world.logIn.execute(TestWorld.desk("00:15:65:00:00:01"), new LogIn.OneTimeCode(issued.code()), "test");
        assertThat(first).isInstanceOf(LogIn.LoggedIn.class);
        assertThat(second).isEqualTo(new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS));
    }

    @Test
    void a_user_token_may_name_its_own_extension_but_never_another_whether_it_exists_or_not() {
        assertThat(codes.issue(alice, Optional.of("101"), "192.0.2.7")).isInstanceOf(SelfServiceCodes.Issued.class);

        SelfServiceCodes.Result other = codes.issue(alice, Optional.of("102"), "192.0.2.7");
        SelfServiceCodes.Result ghost = codes.issue(alice, Optional.of("199"), "192.0.2.7");

        assertThat(other).isEqualTo(new SelfServiceCodes.Refused(SelfServiceCodes.Refusal.OTHER_USER));
        assertThat(ghost).isEqualTo(other);
        assertThat(lastAudit().action()).isEqualTo("api.otp.refused");
        assertThat(lastAudit().detail()).contains("reason=other-user");
        assertThat(live()).extracting(o -> o.extension().value()).containsExactly("101");
    }

    @Test
    void an_integration_token_picks_the_user_and_must_name_a_valid_extension() {
        assertThat(codes.issue(intranet, Optional.of("102"), "192.0.2.7")).isInstanceOfSatisfying(SelfServiceCodes.Issued.class,
                i -> assertThat(i.extension()).isEqualTo(Extension.of("102")));
        assertThat(codes.issue(intranet, Optional.empty(), "192.0.2.7"))
                .isEqualTo(new SelfServiceCodes.Refused(SelfServiceCodes.Refusal.BAD_REQUEST));
        assertThat(codes.issue(intranet, Optional.of("1x"), "192.0.2.7"))
                .isEqualTo(new SelfServiceCodes.Refused(SelfServiceCodes.Refusal.BAD_REQUEST));
    }

    @Test
    void unknown_extension_disabled_user_and_user_without_rights_get_one_answer_and_the_audit_the_real_reason() {
        world.users.set("102", new ManageUsers.UserChanges(null, null, null, false, null, null), "test");
        world.user("103", "Carl", "7261");
        world.users.set("103", new ManageUsers.UserChanges(null, null, null, null, false, null), "test");

        SelfServiceCodes.Result unknown = codes.issue(intranet, Optional.of("199"), "192.0.2.7");
        String unknownDetail = lastAudit().detail();
        SelfServiceCodes.Result noRights = codes.issue(intranet, Optional.of("102"), "192.0.2.7");
        String noRightsDetail = lastAudit().detail();
        SelfServiceCodes.Result disabled = codes.issue(intranet, Optional.of("103"), "192.0.2.7");

        assertThat(unknown).isEqualTo(new SelfServiceCodes.Refused(SelfServiceCodes.Refusal.NOT_ALLOWED));
        assertThat(noRights).isEqualTo(unknown);
        assertThat(disabled).isEqualTo(unknown);
        assertThat(unknownDetail).contains("reason=unknown-user");
        assertThat(noRightsDetail).contains("reason=not-allowed");
        assertThat(lastAudit().actor()).isEqualTo("api:" + intranet.id());
        assertThat(live()).isEmpty();
    }

    @Test
    void a_user_token_of_a_user_who_lost_the_right_gets_not_allowed() {
        world.users.set("101", new ManageUsers.UserChanges(null, null, null, false, null, null), "test");

        assertThat(codes.issue(alice, Optional.empty(), "192.0.2.7"))
                .isEqualTo(new SelfServiceCodes.Refused(SelfServiceCodes.Refusal.NOT_ALLOWED));
    }
}
