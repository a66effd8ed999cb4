package hotdesk.core.usecase;

import hotdesk.core.model.Extension;
import hotdesk.core.model.OtpRecord;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.port.Ledger;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issuing one-time codes: hashed outside the write lock, still one live code per digits. */
class IssueOtpTest {

    /** Knows whether the current thread is inside a write transaction, and can act just before one starts. */
    static final class WatchedLedger implements Ledger {
        final InMemoryLedger inner = new InMemoryLedger();
        final ThreadLocal<Boolean> writing = ThreadLocal.withInitial(() -> false);
        final Deque<Runnable> beforeNextWrite = new ArrayDeque<>();

        @Override
        public <T> T transact(Work<T> work) {
            Runnable hook = beforeNextWrite.poll();
            if (hook != null) {
                hook.run();
            }
            writing.set(true);
            try {
                return inner.transact(work);
            } finally {
                writing.set(false);
            }
        }

        @Override
        public <T> T read(Work<T> work) {
            return inner.transact(work);
        }
    }

    /** Answers nextInt from a script (the code's digits), then at random. */
    static final class Scripted extends SecureRandom {
        final Deque<Integer> next = new ArrayDeque<>();

        Scripted(int... values) {
            for (int v : values) {
                next.add(v);
            }
        }

        @Override
        public int nextInt(int bound) {
            Integer v = next.poll();
            return v != null ? v : super.nextInt(bound);
        }
    }

    /** A salt source that records, for every salt drawn, whether a write transaction was running. */
    static final class SaltWatch extends SecureRandom {
        final List<Boolean> drawnWhileWriting = new ArrayList<>();
        WatchedLedger ledger;

        @Override
        public void nextBytes(byte[] bytes) {
            if (ledger != null) {
                drawnWhileWriting.add(ledger.writing.get());
            }
            super.nextBytes(bytes);
        }
    }

    WatchedLedger ledger;
    TestWorld world;
    SaltWatch salts;
    SecretHasher hasher;

    @BeforeEach
    void setUp() {
        ledger = new WatchedLedger();
        world = new TestWorld(ledger).user("101", "Alice", "3865").user("102", "Bob", "7291");
        salts = new SaltWatch();
        hasher = new SecretHasher(1000, salts);
        salts.ledger = ledger;
    }

    private IssueOtp issuer(SecureRandom codes) {
        return new IssueOtp(ledger, hasher, codes, Duration.ofMinutes(2), world.clock);
    }

    private List<OtpRecord> live() {
        return ledger.inner.transact(tx -> tx.liveOtps(world.clock.instant()));
    }

    @Test
    void the_code_is_hashed_outside_any_write_transaction() {
        var issued = issuer(new SecureRandom()).issue(Extension.of("101"), "test");

        assertThat(issued).isInstanceOf(IssueOtp.Issued.class);
        assertThat(salts.drawnWhileWriting).containsExactly(false);
        assertThat(live()).singleElement().satisfies(r -> {
            assertThat(r.extension()).isEqualTo(Extension.of("101"));
            assertThat(hasher.verify(((IssueOtp.Issued) issued).code(), r.hash())).isTrue();
        });
    }

    @Test
    void a_code_drawn_twice_is_drawn_again_so_that_digits_name_one_user() {
        issuer(new Scripted(123456)).issue(Extension.of("101"), "test");

        var bob = (IssueOtp.Issued) issuer(new Scripted(123456, 654321)).issue(Extension.of("102"), "test");

        assertThat(bob.code()).isEqualTo("654321");
        assertThat(live()).hasSize(2);
    }

    @Test
    void the_same_digits_issued_to_someone_else_between_the_check_and_the_write_make_the_issue_draw_again() {
        IssueOtp forAlice = issuer(new Scripted(123456));
        ledger.beforeNextWrite.add(() -> {
            // Alice's code is issued and committed after Bob's code was drawn and checked, before Bob's write
            Object alice = forAlice.issue(Extension.of("101"), "test");
            assertThat(alice).isInstanceOf(IssueOtp.Issued.class);
        });

        var bob = (IssueOtp.Issued) issuer(new Scripted(123456, 123456, 777777)).issue(Extension.of("102"), "test");

        assertThat(bob.code()).isEqualTo("777777");
        assertThat(live()).extracting(OtpRecord::extension).containsExactlyInAnyOrder(Extension.of("101"), Extension.of("102"));
        assertThat(live()).noneMatch(r -> r.extension().equals(Extension.of("102")) && hasher.verify("123456", r.hash()));
        assertThat(salts.drawnWhileWriting).doesNotContain(true);
    }

    /** Before each of Bob's next writes, Alice gets the next of these codes (issued past the hooks). */
    private void aliceIssuedBeforeEachWrite(int... codes) {
        IssueOtp forAlice = new IssueOtp(ledger.inner, hasher, new Scripted(codes), Duration.ofMinutes(2), world.clock);
        for (int ignored : codes) {
            ledger.beforeNextWrite.add(() -> assertThat(forAlice.issue(Extension.of("101"), "test"))
                    .isInstanceOf(IssueOtp.Issued.class));
        }
    }

    @Test
    void after_two_attempts_lost_to_codes_issued_meanwhile_the_last_checks_them_in_the_write_and_keeps_its_own() {
        aliceIssuedBeforeEachWrite(900001, 900002, 900003);

        var bob = (IssueOtp.Issued) issuer(new Scripted(111111, 222222, 333333)).issue(Extension.of("102"), "test");

        assertThat(bob.code()).isEqualTo("333333");
        assertThat(ledger.beforeNextWrite).isEmpty();
        assertThat(live()).hasSize(2).anyMatch(r -> r.extension().equals(Extension.of("101")) && hasher.verify("900003", r.hash()));
    }

    @Test
    void a_code_issued_meanwhile_with_the_same_digits_on_the_last_attempt_makes_it_draw_again() {
        aliceIssuedBeforeEachWrite(900001, 900002, 333333);

        var bob = (IssueOtp.Issued) issuer(new Scripted(111111, 222222, 333333, 444444)).issue(Extension.of("102"), "test");

        assertThat(bob.code()).isEqualTo("444444");
        assertThat(live()).filteredOn(r -> hasher.verify("333333", r.hash())).extracting(OtpRecord::extension)
                .containsExactly(Extension.of("101"));
    }

    @Test
    void a_user_disabled_between_the_check_and_the_write_gets_no_code() {
        ledger.beforeNextWrite.add(() -> world.users.set("101",
                new ManageUsers.UserChanges(null, null, null, null, false, null), "test"));

        var r = issuer(new SecureRandom()).issue(Extension.of("101"), "test");

        assertThat(r).isInstanceOf(IssueOtp.NotAllowed.class);
        assertThat(live()).isEmpty();
        assertThat(ledger.inner.audit()).noneMatch(a -> a.action().equals("otp.issue"));
    }

    @Test
    void an_unknown_user_gets_no_code_and_nothing_is_written() {
        var r = issuer(new SecureRandom()).issue(Extension.of("199"), "test");

        assertThat(r).isInstanceOf(IssueOtp.UnknownUser.class);
        assertThat(live()).isEmpty();
        assertThat(salts.drawnWhileWriting).isEmpty();
    }

    @Test
    void codes_issued_while_others_live_share_their_salt_and_each_verifies_only_its_own_digits() {
        IssueOtp longLived = new IssueOtp(ledger, hasher, new Scripted(111111, 222222, 333333), Duration.ofMinutes(30),
                world.clock);
        longLived.issue(Extension.of("101"), "test");
        world.clock.advance(Duration.ofMinutes(1));
        longLived.issue(Extension.of("102"), "test");

        List<OtpRecord> shared = live();
        assertThat(shared).extracting(r -> r.hash().encoded().split("\\$")[2]).containsOnly(
                shared.get(0).hash().encoded().split("\\$")[2]);
        assertThat(shared).filteredOn(r -> hasher.verify("111111", r.hash())).extracting(OtpRecord::extension)
                .containsExactly(Extension.of("101"));
        assertThat(shared).filteredOn(r -> hasher.verify("222222", r.hash())).extracting(OtpRecord::extension)
                .containsExactly(Extension.of("102"));

        // past the salt's lifetime the next code gets a salt of its own, though the others still live
        world.clock.advance(SecretHasher.CODE_SALT_LIFETIME);
        longLived.issue(Extension.of("101"), "test");
        assertThat(live()).hasSize(2).extracting(r -> r.hash().encoded().split("\\$")[2]).doesNotHaveDuplicates();
    }

    @Test
    void the_code_never_reaches_the_audit() {
        var issued = (IssueOtp.Issued) issuer(new SecureRandom()).issue(Extension.of("101"), "test");

        assertThat(ledger.inner.audit()).anySatisfy(a -> assertThat(a.action()).isEqualTo("otp.issue"))
                .noneMatch(a -> a.detail().contains(issued.code()));
    }
}
