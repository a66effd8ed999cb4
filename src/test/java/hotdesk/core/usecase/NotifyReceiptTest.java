package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Notice;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static hotdesk.testing.TestWorld.NODE;
import static hotdesk.testing.TestWorld.desk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The login receipt: a phone told of its desk's change by check-sync answers with a fetch of its file; one
 * that does not is told again with doubling waits, a bounded number of times, and then audited.
 */
class NotifyReceiptTest {

    static final String MAC = "0015651234ab";
    InMemoryLedger ledger;
    TestWorld world;

    @BeforeEach
    void setUp() {
        ledger = new InMemoryLedger();
        world = new TestWorld(ledger).user("101", "Alice", "4711").device(MAC);
        world.reconcile.notifyRetries(3, Duration.ofSeconds(30));
        world.reconcile.runOnce();
        world.asterisk.clearLog();
    }

    private Instant login() {
        Instant at = world.clock.instant();
        assertThat(world.pinLogin(MAC, "101", "4711")).isInstanceOf(LogIn.LoggedIn.class);
        return at;
    }

    private void phoneFetches() {
        ledger.transact(tx -> {
            tx.recordFetch(Mac.parse(MAC), world.clock.instant(), "127.0.0.1", "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ab");
            return null;
        });
    }

    private void after(long seconds) {
        world.clock.advance(Duration.ofSeconds(seconds));
        world.reconcile.runOnce();
    }

    private Notice notice() {
        return ledger.read(tx -> tx.notices(NODE)).get(desk(MAC));
    }

    private List<AuditEntry> unanswered() {
        return ledger.audit().stream().filter(e -> e.action().equals("desk.unanswered")).toList();
    }

    @Test
    void a_login_records_its_check_sync_and_a_phone_that_fetches_is_not_told_again() {
        Instant at = login();
        assertThat(world.asterisk.notifies()).hasSize(1);
        assertThat(notice()).isEqualTo(new Notice(desk(MAC), notice().revision(), at, 1));

        phoneFetches();
        after(30);
        after(600);

        assertThat(world.asterisk.notifies()).hasSize(1);
        assertThat(notice().sends()).isEqualTo(1);
        assertThat(unanswered()).isEmpty();
    }

    @Test
    void a_phone_that_fetched_at_the_instant_of_the_notify_has_answered_it() {
        login();
        phoneFetches(); // the clock has not moved: same instant as the NOTIFY

        after(30);

        assertThat(world.asterisk.notifies()).hasSize(1);
    }

    @Test
    void a_phone_that_does_not_fetch_is_told_again_after_30_60_and_120_seconds_then_audited_and_left_alone() {
        login();

        after(29);
        assertThat(world.asterisk.notifies()).as("the first wait is not over").hasSize(1);
        after(1);
        assertThat(world.asterisk.notifies()).hasSize(2);
        assertThat(notice().sends()).isEqualTo(2);
        after(59);
        assertThat(world.asterisk.notifies()).hasSize(2);
        after(1);
        assertThat(world.asterisk.notifies()).hasSize(3);
        after(120);
        assertThat(world.asterisk.notifies()).hasSize(4);
        assertThat(notice().sends()).isEqualTo(4);
        assertThat(unanswered()).isEmpty();

        after(240);
        assertThat(world.asterisk.notifies()).as("three retries, then no more").hasSize(4);
        assertThat(unanswered()).singleElement().satisfies(e -> {
            assertThat(e.subject()).isEqualTo(desk(MAC));
            assertThat(e.detail()).contains("after 4 check-sync NOTIFYs");
        });
        after(3600);
        assertThat(world.asterisk.notifies()).hasSize(4);
        assertThat(unanswered()).hasSize(1);
        assertThat(world.reconcile.idle()).isTrue();
    }

    @Test
    void a_fetch_from_before_the_notify_is_no_receipt() {
        phoneFetches();
        world.clock.advance(Duration.ofSeconds(5));
        login();

        after(30);

        assertThat(world.asterisk.notifies()).hasSize(2);
    }

    @Test
    void a_fetch_after_a_retry_ends_the_retries_and_the_record_keeps_the_count() {
        login();
        after(30);
        phoneFetches();

        after(60);
        after(120);

        assertThat(world.asterisk.notifies()).hasSize(2);
        assertThat(notice().sends()).isEqualTo(2);
    }

    @Test
    void the_pass_is_not_idle_while_a_retry_is_due() {
        login();
        world.reconcile.runOnce();
        assertThat(world.reconcile.idle()).isTrue();

        world.clock.advance(Duration.ofSeconds(30));

        assertThat(world.reconcile.idle()).isFalse();
    }

    @Test
    void a_newer_change_starts_its_own_count() {
        login();
        after(30);
        assertThat(notice().sends()).isEqualTo(2);
        long first = notice().revision();

        assertThat(world.logOut.fromDesk(desk(MAC), "test")).isInstanceOf(LogOut.LoggedOut.class);

        assertThat(notice().revision()).isGreaterThan(first);
        assertThat(notice().sends()).isEqualTo(1);
        after(30);
        assertThat(notice().sends()).isEqualTo(2);
    }

    @Test
    void without_retries_nothing_is_sent_again_and_nothing_is_audited() {
        world.reconcile.notifyRetries(0, Duration.ofSeconds(30));
        login();

        after(30);
        after(3600);

        assertThat(world.asterisk.notifies()).hasSize(1);
        assertThat(unanswered()).isEmpty();
    }

    @Test
    void a_retry_that_asterisk_refuses_counts_and_the_next_one_still_comes() {
        login();
        world.asterisk.down(true);
        after(30);
        assertThat(world.asterisk.notifies()).hasSize(1);
        assertThat(notice().sends()).isEqualTo(2);

        world.asterisk.down(false);
        after(60);

        assertThat(world.asterisk.notifies()).hasSize(2);
        assertThat(notice().sends()).isEqualTo(3);
    }

    @Test
    void bad_retry_settings_are_refused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> world.reconcile.notifyRetries(-1, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("notify.retries");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> world.reconcile.notifyRetries(3, Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("notify.retry-after");
    }
}
