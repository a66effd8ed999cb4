package hotdesk.store;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.CivicLocation;
import hotdesk.core.model.Device;
import hotdesk.core.model.EndReason;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.OtpRecord;
import hotdesk.core.model.SecretHash;
import hotdesk.core.model.Site;
import hotdesk.core.model.Target;
import hotdesk.core.model.User;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerException;
import hotdesk.core.port.LedgerTx;
import hotdesk.testing.InMemoryLedger.Ended;
import hotdesk.testing.InMemoryLedger.Fetch;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ledger contract plus what only the JDBC ledger has: read-only views, SQL errors, locks and retries. */
abstract class JdbcLedgerContract extends LedgerContract {

    /** The database of this test class (its ledger is wiped before every test). */
    protected abstract Database database();

    /** Settings for a second Database on the same data whose lock waits give up after about 300 ms. */
    protected abstract DatabaseSettings withShortLockTimeout();

    @Override
    protected Ledger emptyLedger() {
        LedgerTables.wipe(database().dataSource());
        return database().ledger();
    }

    @Override
    protected List<Ended> history() {
        return LedgerTables.history(database().dataSource());
    }

    @Override
    protected List<Fetch> fetches() {
        return LedgerTables.fetches(database().dataSource());
    }

    @Test
    void hashes_changed_outside_hotdesk_read_as_unreadable_and_every_other_row_still_reads() throws SQLException {
        given(tx -> {
            tx.insertUser(user("101"));
            tx.insertUser(user("102"));
            tx.replaceOtp(ext("101"), new OtpRecord(0, ext("101"), hash("a"), T0.plusSeconds(120)));
            tx.replaceOtp(ext("102"), new OtpRecord(0, ext("102"), hash("b"), T0.plusSeconds(120)));
        });
        assertThat(LedgerTables.update(database().dataSource(),
                "UPDATE otp_codes SET code_hash = 'plain 123456' WHERE extension = '101'")).isEqualTo(1);
        assertThat(LedgerTables.update(database().dataSource(), "UPDATE users SET pin_hash = '4711' WHERE extension = '102'"))
                .isEqualTo(1);

        ledger.read(tx -> {
            List<OtpRecord> live = tx.liveOtps(T0);
            assertThat(live).extracting(o -> o.extension().value()).containsExactly("101", "102");
            assertThat(live.get(0).hash()).isSameAs(SecretHash.UNREADABLE);
            assertThat(live.get(1).hash().encoded()).isEqualTo(hash("b").encoded());
            assertThat(tx.users()).extracting(u -> u.extension().value()).containsExactly("101", "102");
            assertThat(tx.user(ext("102")).orElseThrow().pinHash()).isSameAs(SecretHash.UNREADABLE);
            assertThat(tx.user(ext("101")).orElseThrow().pinHash().encoded()).isEqualTo(user("101").pinHash().encoded());
            return null;
        });
        // the user's next code replaces the damaged row
        given(tx -> tx.replaceOtp(ext("101"), new OtpRecord(0, ext("101"), hash("c"), T0.plusSeconds(180))));
        List<OtpRecord> after = ledger.read(tx -> tx.liveOtps(T0));
        assertThat(after).extracting(o -> o.hash().encoded()).containsExactly(hash("b").encoded(), hash("c").encoded());
    }

    @Test
    void devices_read_share_one_string_per_vendor_model_site_and_phone_setting_value() {
        givenUsersAndDesks(0, 1);

        List<Device> devices = ledger.read(LedgerTx::devices);

        assertThat(devices).hasSize(2);
        Device a = devices.get(0);
        Device b = devices.get(1);
        assertThat(a.vendor()).isEqualTo("yealink").isSameAs(b.vendor());
        assertThat(a.model()).isSameAs(b.model());
        assertThat(a.site()).isEqualTo("HQ").isSameAs(b.site());
        assertThat(a.phones().timeZone()).isSameAs(b.phones().timeZone());
    }

    @Test
    void the_latest_known_revision_has_this_processs_commits_at_once_and_anothers_once_read() {
        try (Database mine = Database.open(withShortLockTimeout()); Database other = Database.open(withShortLockTimeout())) {
            // given: a change committed through this process's ledger
            mine.ledger().transact(tx -> {
                tx.bump(Target.desk(desk(MAC_A)));
                return null;
            });
            long committed = other.ledger().read(LedgerTx::latestRevision);
            assertThat(mine.ledger().latestKnownRevision()).hasValue(committed);

            // when another process commits a change
            other.ledger().transact(tx -> {
                tx.bump(Target.desk(desk(MAC_A)));
                return null;
            });

            // then this process does not know it until it reads the latest revision
            assertThat(mine.ledger().latestKnownRevision()).hasValue(committed);
            long latest = mine.ledger().read(LedgerTx::latestRevision);
            assertThat(latest).isEqualTo(committed + 1);
            assertThat(mine.ledger().latestKnownRevision()).hasValue(latest);
        }
    }

    @Test
    void a_rolled_back_bump_is_not_known() {
        try (Database mine = Database.open(withShortLockTimeout())) {
            long before = mine.ledger().read(LedgerTx::latestRevision);
            assertThatThrownBy(() -> mine.ledger().transact(tx -> {
                tx.bump(Target.desk(desk(MAC_A)));
                throw new IllegalStateException("work failed (test)");
            })).isInstanceOf(IllegalStateException.class);

            assertThat(mine.ledger().latestKnownRevision()).hasValue(before);
        }
    }

    @Test
    void every_write_inside_read_is_refused_and_nothing_is_written() {
        givenUsersAndDesks(1, 1);
        Target t = Target.user(ext("101"));
        List<Consumer<LedgerTx>> writes = List.of(
                tx -> tx.insertUser(user("102")),
                tx -> tx.updateUser(user("101")),
                tx -> tx.deleteUser(ext("101")),
                tx -> tx.insertDevice(device("001565000001"), lines("001565000001", 1)),
                tx -> tx.deleteDevice(Mac.parse(MAC_A)),
                tx -> tx.recordFetch(Mac.parse(MAC_A), T0, "10.0.0.1", "ua"),
                tx -> tx.recordFetches(List.of(new hotdesk.core.model.ConfigFetch(Mac.parse(MAC_A), T0, "10.0.0.1", "ua"))),
                tx -> tx.recordFetches(List.of()),
                tx -> tx.recordServedFile(hotdesk.core.model.ServedFile.of(Mac.parse(MAC_A), "a.cfg", T0, "x", List.of())),
                tx -> tx.insertSite(new Site("HQ", "", null, null)),
                tx -> tx.updateSite(new Site("HQ", "911", null, null)),
                tx -> tx.deleteSite("HQ"),
                tx -> tx.setDeskLocation(Mac.parse(MAC_A), CivicLocation.EMPTY),
                tx -> tx.occupy(new Occupancy(desk(MAC_A), ext("101"), T0, T0)),
                tx -> tx.vacate(desk(MAC_A), T0, EndReason.LOGOUT),
                tx -> tx.touch(desk(MAC_A), T0),
                tx -> tx.replaceOtp(ext("101"), new OtpRecord(0, ext("101"), hash("o"), T0)),
                tx -> tx.consumeOtp(1, T0),
                tx -> tx.recordFailure("user:101", T0),
                tx -> tx.clearFailures("user:101"),
                tx -> tx.audit(new AuditEntry(T0, "a", "b", "c", "d")),
                tx -> tx.bump(t),
                tx -> tx.dropRevision(t),
                tx -> tx.markApplied("n", t, 1, T0),
                tx -> tx.markFailed("n", t, T0, "e"));

        for (Consumer<LedgerTx> write : writes) {
            assertThatThrownBy(() -> ledger.read(tx -> {
                write.accept(tx);
                return null;
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("Ledger.read");
        }

        assertThat(ledger.read(LedgerTx::users)).containsExactly(user("101"));
        assertThat(ledger.read(LedgerTx::latestRevision)).isZero();
        assertThat(ledger.read((LedgerTx tx) -> tx.auditTail(5))).isEmpty();
    }

    @Test
    void a_read_sees_one_snapshot_even_when_a_writer_commits_meanwhile() {
        given(tx -> tx.insertUser(user("101")));

        List<List<User>> seen = ledger.read(tx -> {
            List<User> before = tx.users();
            CompletableFuture.runAsync(() -> given(w -> {
                w.insertUser(user("102"));
                w.updateUser(new User(ext("101"), "Renamed", hash("r"), true, "internal", "", "secret-xyz", false));
            })).orTimeout(30, TimeUnit.SECONDS).join();
            return List.of(before, tx.users());
        });

        assertThat(seen.get(1)).isEqualTo(seen.get(0)).containsExactly(user("101"));
        assertThat(ledger.read(LedgerTx::users)).hasSize(2);
    }

    @Test
    void a_transact_inside_a_transact_on_one_thread_is_refused_but_a_read_inside_is_allowed() {
        given(tx -> tx.insertUser(user("101")));

        assertThatThrownBy(() -> ledger.transact(outer -> {
            outer.insertUser(user("102"));
            return ledger.transact(inner -> inner.users());
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("inside another transact");
        List<User> insideRead = ledger.transact(outer -> ledger.read(LedgerTx::users));

        assertThat(ledger.read(LedgerTx::users)).containsExactly(user("101"));
        assertThat(insideRead).containsExactly(user("101"));
        given(tx -> tx.insertUser(user("103")));
        assertThat(ledger.read(LedgerTx::users)).hasSize(2);
    }

    @Test
    void a_transaction_kept_beyond_its_work_is_refused() {
        LedgerTx leaked = ledger.transact(tx -> tx);
        LedgerTx leakedRead = ledger.read(tx -> tx);

        assertThatThrownBy(leaked::users).isInstanceOf(IllegalStateException.class).hasMessageContaining("is over");
        assertThatThrownBy(() -> leaked.insertUser(user("101"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(leakedRead::latestRevision).isInstanceOf(IllegalStateException.class);
        assertThat(ledger.read(LedgerTx::users)).isEmpty();
    }

    @Test
    void an_sql_error_inside_transact_surfaces_as_a_ledger_exception_and_rolls_everything_back() {
        givenUsersAndDesks(1, 1);
        given(tx -> tx.occupy(new Occupancy(desk(MAC_A), ext("101"), T0, T0)));
        long before = ledger.read(LedgerTx::latestRevision);

        assertThatThrownBy(() -> given(tx -> {
            tx.insertUser(user("102"));
            tx.bump(Target.user(ext("102")));
            tx.audit(new AuditEntry(T0, "cli", "device.remove", MAC_A, ""));
            tx.deleteDevice(Mac.parse(MAC_A)); // its line is occupied: the foreign key refuses
        })).isInstanceOf(LedgerException.class)
                .hasMessageContaining("delete device " + MAC_A)
                .hasMessageContaining(database().settings().maskedUrl())
                .hasMessageContaining("23503");

        ledger.read(tx -> {
            assertThat(tx.user(ext("102"))).isEmpty();
            assertThat(tx.device(Mac.parse(MAC_A))).isPresent();
            assertThat(tx.occupancies()).hasSize(1);
            assertThat(tx.latestRevision()).isEqualTo(before);
            assertThat(tx.auditTail(5)).isEmpty();
            return null;
        });
    }

    @Test
    void seating_an_unknown_user_or_at_an_unknown_line_names_the_operation_and_the_database() {
        givenUsersAndDesks(1, 1);

        assertThatThrownBy(() -> given(tx -> tx.occupy(new Occupancy(desk(MAC_A), ext("999"), T0, T0))))
                .isInstanceOf(LedgerException.class)
                .hasMessageStartingWith("ledger: seat user 999 at " + desk(MAC_A) + " refused on " + database().settings().maskedUrl());
        assertThatThrownBy(() -> given(tx -> tx.occupy(new Occupancy("hd-nowhere", ext("101"), T0, T0))))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("hd-nowhere")
                .hasMessageNotContaining("\n");
    }

    @Test
    void a_sites_url_key_is_stored_as_its_sha256_in_hex_and_never_as_the_key() throws SQLException {
        String key = "the-branch-url-key_0123456789";
        given(tx -> tx.insertSite(new Site("Branch", "", null, null).withUrlKey(java.util.Optional.of(
                hotdesk.core.model.UrlKeyHash.of(key)))));

        List<String> stored = new java.util.ArrayList<>();
        try (Connection c = database().dataSource().getConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT * FROM sites WHERE name = 'Branch'")) {
            assertThat(rs.next()).isTrue();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                stored.add(String.valueOf(rs.getObject(i)));
            }
            assertThat(rs.getString("url_key_sha256")).isEqualTo(java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        assertThat(stored).noneMatch(v -> v.contains(key));
    }

    @Test
    void instants_are_kept_to_the_microsecond_and_finer_parts_are_cut_not_rounded() {
        Instant fine = Instant.parse("2026-11-23T12:00:00.123456999Z");

        given(tx -> tx.recordFailure("user:101", fine));

        assertThat(ledger.read((LedgerTx tx) -> tx.lastFailure("user:101"))).contains(Instant.parse("2026-11-23T12:00:00.123456Z"));
        assertThat(ledger.read((LedgerTx tx) -> tx.failuresSince("user:101", fine))).isEqualTo(1);
    }

    @Test
    void a_lock_timeout_inside_the_work_rolls_back_and_runs_the_work_again() throws Exception {
        given(tx -> tx.insertUser(user("101")));
        AtomicInteger runs = new AtomicInteger();
        try (Database quick = Database.open(withShortLockTimeout());
             Connection blocker = lockUser101()) {
            String result = quick.ledger().transact(tx -> {
                if (runs.incrementAndGet() == 2) {
                    rollbackQuietly(blocker); // the other transaction lets go before the second run
                }
                tx.insertUser(user("102"));
                tx.audit(new AuditEntry(T0, "test", "rename", "101", "run " + runs.get()));
                tx.updateUser(new User(ext("101"), "Renamed", hash("r"), true, "internal", "", "secret-xyz", false));
                return "done";
            });

            assertThat(result).isEqualTo("done");
        }
        assertThat(runs).hasValue(2);
        ledger.read(tx -> {
            assertThat(tx.users()).extracting(User::name).containsExactly("Renamed", "User 102");
            assertThat(tx.auditTail(10)).extracting(AuditEntry::detail).containsExactly("run 2");
            return null;
        });
    }

    @Test
    void retries_are_bounded_and_then_a_ledger_exception_names_the_database() throws Exception {
        given(tx -> tx.insertUser(user("101")));
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<DatabaseSettings> used = new AtomicReference<>();
        try (Database quick = Database.open(withShortLockTimeout());
             Connection blocker = lockUser101()) {
            used.set(quick.settings());
            assertThatThrownBy(() -> quick.ledger().transact(tx -> {
                runs.incrementAndGet();
                tx.insertUser(user("102"));
                tx.updateUser(new User(ext("101"), "Renamed", hash("r"), true, "internal", "", "secret-xyz", false));
                return null;
            })).isInstanceOf(LedgerException.class)
                    .hasMessageContaining("gave up after " + JdbcLedger.MAX_ATTEMPTS + " attempts")
                    .hasMessageContaining(used.get().maskedUrl());
            blocker.rollback();
        }
        assertThat(runs).hasValue(JdbcLedger.MAX_ATTEMPTS);
        assertThat(ledger.read(LedgerTx::users)).containsExactly(user("101"));
    }

    @Test
    void a_lock_timeout_that_used_up_the_deadline_is_not_retried() throws Exception {
        given(tx -> tx.insertUser(user("101")));
        AtomicInteger runs = new AtomicInteger();
        try (Database quick = Database.open(withShortLockTimeout());
             Connection blocker = lockUser101()) {
            // the deadline is no longer than the lock wait (~300 ms), as the defaults are (10 s both): one lock timeout uses it up
            JdbcLedger bounded = new JdbcLedger(quick.dataSource(), quick.settings().maskedUrl(), false, Duration.ofMillis(250));
            assertThatThrownBy(() -> bounded.transact(tx -> {
                runs.incrementAndGet();
                tx.updateUser(new User(ext("101"), "Renamed", hash("r"), true, "internal", "", "secret-xyz", false));
                return null;
            })).isInstanceOf(LedgerException.class)
                    .hasMessageContaining("gave up after 1 attempt(s)")
                    .hasMessageContaining("past its deadline of 250 ms")
                    .hasMessageContaining(quick.settings().maskedUrl());
            blocker.rollback();
        }
        assertThat(runs).hasValue(1);
        assertThat(ledger.read(LedgerTx::users)).containsExactly(user("101"));
    }

    @Test
    void a_writer_waiting_for_its_turn_holds_no_connection_so_reads_still_get_one() throws Exception {
        given(tx -> tx.insertUser(user("101")));
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
        try (Database two = Database.open(withShortLockTimeout())) { // a pool of two connections
            JdbcLedger writes = (JdbcLedger) two.ledger();
            com.zaxxer.hikari.HikariPoolMXBean pool = ((com.zaxxer.hikari.HikariDataSource) two.dataSource()).getHikariPoolMXBean();
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> writes.transact(tx -> {
                inside.countDown();
                try {
                    finish.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                tx.insertUser(user("102"));
                return null;
            }));
            assertThat(inside.await(20, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> writes.transact(tx -> {
                tx.insertUser(user("103"));
                return null;
            }));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> writes.writersWaiting() == 1);

            // the second writer waits for its turn without a connection (the first holds one): the other is free
            for (int i = 0; i < 10; i++) {
                assertThat(pool.getActiveConnections()).as("connections in use while a writer waits").isEqualTo(1);
                Thread.sleep(30);
            }
            assertThat(writes.read(LedgerTx::users)).containsExactly(user("101"));
            finish.countDown();
            first.get(20, TimeUnit.SECONDS);
            second.get(20, TimeUnit.SECONDS);
        } finally {
            finish.countDown();
        }
        assertThat(ledger.read(LedgerTx::users)).extracting(User::extension).containsExactly(ext("101"), ext("102"), ext("103"));
    }

    @Test
    void an_interrupted_thread_still_gets_its_turn_to_write_and_keeps_its_interrupt() {
        // a stopping reconciler is interrupted and still records the push it ended with
        Thread.currentThread().interrupt();
        try {
            ledger.transact(tx -> {
                tx.insertUser(user("101"));
                return null;
            });
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept for the caller").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(ledger.read(LedgerTx::users)).containsExactly(user("101"));
    }

    @Test
    void a_writer_whose_turn_does_not_come_before_the_deadline_gives_up_saying_why() throws Exception {
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
        JdbcLedger bounded = new JdbcLedger(database().dataSource(), database().settings().maskedUrl(), false, Duration.ofMillis(250));
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> bounded.transact(tx -> {
            inside.countDown();
            try {
                finish.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        try {
            assertThat(inside.await(20, TimeUnit.SECONDS)).isTrue();
            AtomicInteger runs = new AtomicInteger();
            assertThatThrownBy(() -> bounded.transact(tx -> {
                runs.incrementAndGet();
                tx.insertUser(user("101"));
                return null;
            })).isInstanceOf(LedgerException.class)
                    .hasMessageContaining("for its turn to write, past its deadline of 250 ms")
                    .hasMessageContaining(database().settings().maskedUrl());
            assertThat(runs).as("never started").hasValue(0);
        } finally {
            finish.countDown();
            first.get(20, TimeUnit.SECONDS);
        }
        assertThat(ledger.read(LedgerTx::users)).isEmpty();
    }

    @Test
    void each_committed_write_reports_its_connection_wait_lock_wait_and_hold_and_reads_and_rolled_back_writes_report_nothing() {
        List<long[]> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        JdbcLedger timed = new JdbcLedger(database().dataSource(), database().settings().maskedUrl(), false, JdbcLedger.DEADLINE,
                (connect, wait, hold) -> reported.add(new long[] {connect, wait, hold}));

        timed.transact(tx -> {
            tx.bump(Target.desk("hd-lock-times"));
            return null;
        });
        timed.read(LedgerTx::latestRevision);
        assertThatThrownBy(() -> timed.transact(tx -> {
            tx.bump(Target.desk("hd-rolled-back"));
            throw new IllegalStateException("the work failed");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(reported).hasSize(1);
        assertThat(reported.get(0)[0]).as("connection wait").isNotNegative();
        assertThat(reported.get(0)[1]).as("lock wait: the locking statement's own round trip").isPositive();
        assertThat(reported.get(0)[2]).as("hold: the work and the commit").isPositive();
    }

    @Test
    void the_default_deadline_is_the_lock_timeout_so_a_lock_timeout_is_never_waited_for_again() {
        assertThat(JdbcLedger.DEADLINE).isEqualTo(Duration.ofSeconds(10));
        assertThat(Database.PG_SESSION_OPTIONS).contains("lock_timeout=10s");
        assertThat(DatabaseSettings.h2(java.nio.file.Path.of("ledger")).url()).contains("LOCK_TIMEOUT=10000");
    }

    /** A plain connection of this test's database that holds a row lock on user 101 until rolled back. */
    private Connection lockUser101() throws SQLException {
        Connection c = database().dataSource().getConnection();
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT name FROM users WHERE extension = '101' FOR UPDATE").close();
        }
        return c;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
