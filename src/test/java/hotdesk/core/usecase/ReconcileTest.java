package hotdesk.core.usecase;

import hotdesk.core.model.Extension;
import hotdesk.core.model.Target;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.Pbx;
import hotdesk.core.port.PbxException;
import hotdesk.core.port.PjsipObject;
import hotdesk.core.policy.PjsipProfile;
import hotdesk.core.policy.TrustedNetworks;
import hotdesk.core.port.NamedAcls;
import hotdesk.core.policy.Projections;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.RecordingAsterisk;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.List;
import java.util.Map;

import static hotdesk.testing.TestWorld.NODE;
import static hotdesk.testing.TestWorld.desk;
import static org.assertj.core.api.Assertions.assertThat;

class ReconcileTest {

    static final String MAC = "0015651234ab";
    final InMemoryLedger ledger = new InMemoryLedger();
    TestWorld world;

    @BeforeEach
    void scene() {
        world = new TestWorld(ledger).user("101", "Alice", "4711").device(MAC);
    }

    @Test
    void a_new_device_gets_its_own_sip_account_pushed_every_aor_first_then_auth_and_endpoint_and_no_notify() {
        Reconcile.Pass pass = world.reconcile.runOnce();

        assertThat(pass).isEqualTo(new Reconcile.Pass(2, 0, 0));
        // the first pass pushes everything: every AOR before any endpoint (each new AOR makes Asterisk read every endpoint)
        assertThat(world.asterisk.operations()).containsExactly("PUT aor/" + desk(MAC), "PUT aor/101",
                "PUT auth/" + desk(MAC) + "-auth", "PUT endpoint/" + desk(MAC), "PUT auth/101-auth", "PUT endpoint/101");
        String secret = ledger.read(tx -> tx.line(desk(MAC)).orElseThrow().secret());
        assertThat(secret).hasSizeGreaterThanOrEqualTo(20);
        assertThat(world.asterisk.auth(desk(MAC) + "-auth")).containsEntry("password", secret)
                .containsEntry("username", desk(MAC));
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("context", "hotdesk-idle")
                .containsEntry("transport", "transport-udp");
        assertThat(world.asterisk.auth("101-auth")).containsKey("password");
        assertThat(world.asterisk.notifies()).isEmpty();
    }

    @Test
    void a_target_changed_after_its_aor_went_first_gets_its_aor_again_and_an_unreachable_asterisk_stops_the_aors() {
        AtomicBoolean loginAtFirstAor = new AtomicBoolean(true);
        List<String> aorPushes = new java.util.ArrayList<>();
        List<List<String>> ownPushes = new java.util.ArrayList<>();
        Pbx changing = new Pbx() {
            @Override
            public void push(List<PjsipObject> objects) {
                if (objects.size() > 1) {
                    ownPushes.add(objects.stream().map(o -> o.type().wire() + "/" + o.id()).toList());
                }
                if (objects.size() == 1 && objects.get(0).type() == PjsipObject.Type.AOR) {
                    aorPushes.add(objects.get(0).id());
                    if (loginAtFirstAor.getAndSet(false)) {
                        world.pinLogin(MAC, "101", "4711"); // desk and user change between their AOR and their own push
                    }
                }
                world.asterisk.push(objects);
            }

            @Override
            public void remove(List<PjsipObject.Type> types, List<String> ids) {
                world.asterisk.remove(types, ids);
            }
        };
        Reconcile reconcile = new Reconcile(ledger, changing, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60));
        world.asterisk.clearLog();

        reconcile.runOnce();

        // the login (its own push not through this Pbx) changed the desk and the user after the pass's plan was read: the
        // first step pushes AORs for the revisions the plan read, so each target's own push, finding a newer revision,
        // holds its AOR again
        assertThat(aorPushes).containsExactly(desk(MAC), "101");
        assertThat(ownPushes).containsExactly(
                List.of("auth/" + desk(MAC) + "-auth", "aor/" + desk(MAC), "endpoint/" + desk(MAC)),
                List.of("auth/101-auth", "aor/101", "endpoint/101"));
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("aors", desk(MAC));

        // nothing changed at the next full pass: each AOR once, the targets' own pushes without it
        aorPushes.clear();
        ownPushes.clear();
        reconcile.asteriskRestarted();
        reconcile.runOnce();
        assertThat(aorPushes).containsExactly(desk(MAC), "101");
        assertThat(ownPushes).containsExactly(List.of("auth/" + desk(MAC) + "-auth", "endpoint/" + desk(MAC)),
                List.of("auth/101-auth", "endpoint/101"));

        // Asterisk down at the next full pass: one AOR tried, then the first target's own push finds out and the pass
        // pushes no further: the user is left untried, without a failure, and is due again at once
        aorPushes.clear();
        world.asterisk.down(true);
        reconcile.asteriskRestarted();
        Reconcile.Pass pass = reconcile.runOnce();
        assertThat(aorPushes).hasSize(1);
        assertThat(pass).isEqualTo(new Reconcile.Pass(0, 1, 0, 1));
        assertThat(reconcile.idle()).as("the untried user is due").isFalse();
    }

    @Test
    void an_aor_asterisk_refuses_does_not_stop_the_other_aors_of_a_full_pass() {
        // the desk's objects refused with an answer of Asterisk's own (retryable, as a 500 is)
        Reconcile reconcile = new Reconcile(ledger, refusingDesk(() -> new PbxException("ARI PUT aor/" + desk(MAC) + " → 500", true, true)),
                world.asterisk, world.asterisk, new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60));

        assertThat(reconcile.runOnce()).isEqualTo(new Reconcile.Pass(1, 1, 0, 0));

        // the user's AOR went in the AOR step, before its own auth and endpoint (its own push leaves the AOR out)
        assertThat(world.asterisk.operations()).filteredOn(op -> op.endsWith("/101") || op.endsWith("/101-auth"))
                .containsExactly("PUT aor/101", "PUT auth/101-auth", "PUT endpoint/101");
    }

    @Test
    void a_second_pass_with_nothing_changed_pushes_nothing() {
        world.reconcile.runOnce();
        world.asterisk.clearLog();

        assertThat(world.reconcile.runOnce()).isEqualTo(new Reconcile.Pass(0, 0, 0));
        assertThat(world.reconcile.idle()).isTrue();
        assertThat(world.asterisk.operations()).isEmpty();
    }

    @Test
    void after_an_asterisk_restart_everything_is_pushed_again_without_rebooting_phones() {
        world.reconcile.runOnce();
        world.pinLogin(MAC, "101", "4711");
        world.asterisk.restart();
        world.asterisk.clearLog();

        world.reconcile.asteriskRestarted();
        world.reconcile.runOnce();

        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("callerid", "\"Alice\" <101>");
        assertThat(world.asterisk.endpoint("101")).containsEntry("aors", desk(MAC) + ",101");
        assertThat(world.asterisk.notifies()).isEmpty();
    }

    @Test
    void where_asterisk_keeps_its_objects_a_restart_is_checked_and_only_what_differs_is_written() {
        Reconcile reconcile = new Reconcile(ledger, world.asterisk, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60)).keepsObjects(true);
        reconcile.runOnce();
        world.clock.advance(Duration.ofMinutes(1));
        // the astdb wizard: Asterisk comes back with what it had, but someone edited one object, lost another,
        // changed one fact and left one that should be gone
        world.asterisk.tamper("endpoint/" + desk(MAC), "context", "somewhere-else");
        world.asterisk.lose("auth/101-auth");
        world.asterisk.astdbSet("desk/" + desk(MAC) + "/occupant", "999");
        world.asterisk.astdbSet("user/101/desk", "hd-gone");
        world.asterisk.clearLog();

        reconcile.asteriskRestarted(world.clock.instant().minusSeconds(5));
        Reconcile.Pass pass = reconcile.runOnce();

        assertThat(pass).isEqualTo(new Reconcile.Pass(2, 0, 0));
        assertThat(world.asterisk.operations()).containsExactly("GET aor/" + desk(MAC), "GET aor/101",
                "GET auth/" + desk(MAC) + "-auth", "GET endpoint/" + desk(MAC), "PUT endpoint/" + desk(MAC),
                "GET auth/101-auth", "PUT auth/101-auth", "GET endpoint/101");
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("context", "hotdesk-idle");
        assertThat(world.asterisk.auth("101-auth")).containsKey("password");
        // the facts read once; only the two that differ written (the idle desk's occupant deleted)
        assertThat(world.asterisk.timeline().stream().filter(t -> t.startsWith("DB")).toList())
                .containsExactly("DBGetTree", "DBDel desk/" + desk(MAC) + "/occupant", "DBDel user/101/desk");
        assertThat(world.asterisk.astdb()).doesNotContainKeys("desk/" + desk(MAC) + "/occupant", "user/101/desk");
        assertThat(world.asterisk.notifies()).isEmpty();
    }

    /** A reconciler of its own (Asterisk keeps nothing) that pushed everything a minute ago; Asterisk restarts now. */
    private Reconcile pushedThenLost() {
        Reconcile reconcile = new Reconcile(ledger, world.asterisk, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60));
        reconcile.runOnce();
        world.clock.advance(Duration.ofMinutes(1));
        world.asterisk.restart();
        return reconcile;
    }

    @Test
    void where_asterisk_keeps_nothing_a_restart_with_a_known_start_writes_without_reading_what_was_written_before_it() {
        Reconcile reconcile = pushedThenLost();
        Instant started = world.clock.instant();
        world.clock.advance(Duration.ofSeconds(10));
        world.asterisk.clearLog();

        reconcile.asteriskRestarted(started);
        reconcile.runOnce();

        assertThat(world.asterisk.operations()).containsExactly("CREATE aor/" + desk(MAC), "CREATE aor/101",
                "CREATE auth/" + desk(MAC) + "-auth", "CREATE endpoint/" + desk(MAC), "CREATE auth/101-auth",
                "CREATE endpoint/101");
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("context", "hotdesk-idle");
        // AstDB kept every fact across the restart: read once, none written again
        assertThat(world.asterisk.timeline().stream().filter(t -> t.startsWith("DB")).toList()).containsExactly("DBGetTree");
    }

    @Test
    void a_target_written_after_the_restart_began_or_when_its_start_is_unknown_is_pushed_as_usual() {
        Reconcile reconcile = pushedThenLost();
        Instant started = world.clock.instant();
        // a margin below the start's estimate: a write a second before it may already have reached the new Asterisk
        world.clock.advance(Duration.ofSeconds(1));
        ledger.transact(tx -> {
            tx.bump(Target.user(Extension.of("101")));
            return null;
        });
        reconcile.apply(List.of(Target.user(Extension.of("101"))));
        world.clock.advance(Duration.ofSeconds(10));
        world.asterisk.clearLog();

        reconcile.asteriskRestarted(started.plus(Duration.ofSeconds(2)));
        reconcile.runOnce();

        assertThat(world.asterisk.operations()).containsExactly("CREATE aor/" + desk(MAC), "PUT aor/101",
                "CREATE auth/" + desk(MAC) + "-auth", "CREATE endpoint/" + desk(MAC), "PUT auth/101-auth",
                "PUT endpoint/101");

        world.asterisk.restart();
        world.clock.advance(Duration.ofSeconds(10));
        world.asterisk.clearLog();
        reconcile.asteriskRestarted();
        reconcile.runOnce();
        assertThat(world.asterisk.operations()).allMatch(o -> o.startsWith("PUT "));
    }

    @Test
    void a_fact_written_after_the_pass_read_them_is_written_again_by_the_pass_whatever_it_read() {
        Reconcile[] self = new Reconcile[1];
        AtomicBoolean logoutAtFirstAor = new AtomicBoolean();
        Pbx racing = new Pbx() {
            @Override
            public void push(List<PjsipObject> objects) {
                world.asterisk.push(objects);
            }

            @Override
            public void correct(List<PjsipObject> objects) {
                if (logoutAtFirstAor.getAndSet(false)) {
                    // after the pass read the facts: the user logs out (applied by this reconciler at once), then
                    // back in (committed, not applied yet: the pass has it to do)
                    new LogOut(ledger, self[0], world.clock).fromDesk(desk(MAC), "test");
                    new LogIn(ledger, world.hasher, world.seating, ApplyNow.later(), world.clock)
                            .execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "test");
                }
                world.asterisk.correct(objects);
            }

            @Override
            public void remove(List<PjsipObject.Type> types, List<String> ids) {
                world.asterisk.remove(types, ids);
            }
        };
        Reconcile reconcile = new Reconcile(ledger, racing, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60)).keepsObjects(true);
        self[0] = reconcile;
        world.pinLogin(MAC, "101", "4711");
        reconcile.runOnce();
        world.clock.advance(Duration.ofMinutes(1));
        logoutAtFirstAor.set(true);
        world.asterisk.clearLog();

        reconcile.asteriskRestarted();
        reconcile.runOnce();

        // the pass read occupant=101, the logout's apply deleted it since: the pass must not trust what it read
        assertThat(world.asterisk.astdb()).containsEntry("desk/" + desk(MAC) + "/occupant", "101");
    }

    @Test
    void a_pass_that_pushes_everything_is_not_idle_until_it_ends_and_a_restart_during_it_is_not_lost() {
        List<Boolean> idleDuringPush = new ArrayList<>();
        AtomicBoolean restartAtNextPush = new AtomicBoolean();
        Reconcile[] self = new Reconcile[1];
        Pbx watching = new Pbx() {
            @Override
            public void push(List<PjsipObject> objects) {
                idleDuringPush.add(self[0].idle());
                if (restartAtNextPush.getAndSet(false)) {
                    self[0].asteriskRestarted(); // Asterisk restarts again while this pass pushes
                }
                world.asterisk.push(objects);
            }

            @Override
            public void remove(List<PjsipObject.Type> types, List<String> ids) {
                world.asterisk.remove(types, ids);
            }
        };
        Reconcile reconcile = new Reconcile(ledger, watching, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60));
        self[0] = reconcile;
        reconcile.runOnce();
        assertThat(reconcile.idle()).isTrue();
        idleDuringPush.clear();

        reconcile.asteriskRestarted();
        restartAtNextPush.set(true);
        reconcile.runOnce();

        // two AORs, then the desk and the user
        assertThat(idleDuringPush).hasSize(4).containsOnly(false);
        assertThat(reconcile.idle()).as("the restart that came during the pass is still due").isFalse();
        world.asterisk.clearLog();
        reconcile.runOnce();
        assertThat(world.asterisk.operations()).contains("PUT endpoint/" + desk(MAC), "PUT endpoint/101");
        assertThat(reconcile.idle()).isTrue();
    }

    @Test
    void a_failed_push_is_retried_with_backoff_and_recorded_for_status() {
        world.reconcile.runOnce();
        world.asterisk.down(true);
        world.pinLogin(MAC, "101", "4711");

        assertThat(world.reconcile.runOnce().skipped()).isEqualTo(2);
        assertThat(world.status.lines(NODE)).singleElement().satisfies(l -> {
            assertThat(l.inSync()).isFalse();
            assertThat(l.lastError()).hasValueSatisfying(e -> assertThat(e).contains("connection refused"));
        });

        world.clock.advance(Duration.ofSeconds(1));
        // the desk's retry finds Asterisk unreachable: the pass stops there, the user is left untried (no failure of its own)
        assertThat(world.reconcile.runOnce()).isEqualTo(new Reconcile.Pass(0, 1, 0, 1));
        world.asterisk.down(false);
        world.clock.advance(Duration.ofMillis(1500));
        // the untried user goes at once; the desk waits out its backoff (2 s now)
        assertThat(world.reconcile.runOnce()).isEqualTo(new Reconcile.Pass(1, 0, 1));
        world.clock.advance(Duration.ofMillis(600));
        assertThat(world.reconcile.runOnce()).isEqualTo(new Reconcile.Pass(1, 0, 0));
        assertThat(world.status.lines(NODE)).singleElement().satisfies(l -> {
            assertThat(l.inSync()).isTrue();
            assertThat(l.lastError()).isEmpty();
        });
    }

    /** The test's ledger; after each read, {@code then} runs (and may write to it). */
    private Ledger readingThen(Runnable then) {
        return new Ledger() {
            @Override
            public <T> T transact(Work<T> work) {
                return ledger.transact(work);
            }

            @Override
            public <T> T read(Work<T> work) {
                T result = ledger.read(work);
                then.run();
                return result;
            }
        };
    }

    /** The test's Asterisk; after each push, {@code then} sees the objects just pushed (and may change the ledger). */
    private Pbx pushingThen(java.util.function.Consumer<List<PjsipObject>> then) {
        return new Pbx() {
            @Override
            public void push(List<PjsipObject> objects) {
                world.asterisk.push(objects);
                then.accept(objects);
            }

            @Override
            public void remove(List<PjsipObject.Type> types, List<String> ids) {
                world.asterisk.remove(types, ids);
            }
        };
    }

    /** The test's Asterisk, except that a push naming desk MAC's line throws what {@code refusal} gives (none while null). */
    private Pbx refusingDesk(java.util.function.Supplier<PbxException> refusal) {
        return new Pbx() {
            @Override
            public void push(List<PjsipObject> objects) {
                PbxException e = refusal.get();
                if (e != null && objects.stream().anyMatch(o -> o.id().equals(desk(MAC)))) {
                    throw e;
                }
                world.asterisk.push(objects);
            }

            @Override
            public void remove(List<PjsipObject.Type> types, List<String> ids) {
                world.asterisk.remove(types, ids);
            }
        };
    }

    @Test
    void asterisk_giving_no_answer_ends_a_pass_at_the_first_push_that_finds_it_so_and_a_refusal_does_not() {
        for (String mac : List.of("0015651234c1", "0015651234c2", "0015651234c3", "0015651234c4")) {
            world.device(mac);
        }
        world.asterisk.down(true);

        // five desks and one user: the first push finds Asterisk away, the other five are not tried (no failure, no
        // warning, no ledger write of their own) and are due again at once
        Reconcile.Pass pass = world.reconcile.runOnce();
        assertThat(pass).isEqualTo(new Reconcile.Pass(0, 1, 0, 5));
        assertThat(world.status.lines(NODE)).hasSize(5).filteredOn(l -> l.lastError().isPresent()).hasSize(1);
        assertThat(world.reconcile.idle()).isFalse();

        // Asterisk back: the five go at once (the failed desk waits out its second of backoff), then the desk
        world.asterisk.down(false);
        assertThat(world.reconcile.runOnce()).isEqualTo(new Reconcile.Pass(5, 0, 1));
        assertThat(world.reconcile.runOnce()).isEqualTo(new Reconcile.Pass(1, 0, 0));
        assertThat(world.reconcile.idle()).isTrue();

        // a push Asterisk answers with a refusal of its own says nothing about the others: the pass goes on
        Pbx refusing = refusingDesk(() -> new PbxException("ARI PUT endpoint/" + desk(MAC) + " → 400", false));
        Reconcile other = new Reconcile(ledger, refusing, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, "other-node", Duration.ofSeconds(60));
        assertThat(other.runOnce()).isEqualTo(new Reconcile.Pass(5, 1, 0, 0));
    }

    @Test
    void once_asterisk_answers_again_the_targets_that_failed_during_the_outage_are_retried_at_once_not_after_their_backoff() {
        world.reconcile.runOnce();
        world.clock.advance(Duration.ofSeconds(5));
        world.asterisk.down(true);
        world.pinLogin(MAC, "101", "4711"); // pushed during the outage: desk and user fail
        for (int i = 0; i < 4; i++) {
            world.clock.advance(Duration.ofSeconds(30));
            // the desk's retry finds Asterisk away (backoff 2, 4, 8, then 16 s): the pass stops, the user is left untried
            assertThat(world.reconcile.runOnce()).isEqualTo(new Reconcile.Pass(0, 1, 0, 1));
        }
        world.asterisk.down(false);
        world.clock.advance(Duration.ofSeconds(1));
        // the untried user goes at once and proves Asterisk is back: the desk, 15 s short of its backoff, is due now
        assertThat(world.reconcile.runOnce()).isEqualTo(new Reconcile.Pass(1, 0, 1));
        assertThat(world.reconcile.runOnce()).isEqualTo(new Reconcile.Pass(1, 0, 0));

        // a change pushed now goes through as well
        world.device("0015651234cd");
        world.reconcile.runOnce();
        world.reconcile.runOnce();

        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("callerid", "\"Alice\" <101>");
        assertThat(world.asterisk.endpoint("101")).containsEntry("aors", desk(MAC) + ",101");
        assertThat(world.reconcile.idle()).isTrue();
    }

    @Test
    void pushes_that_end_while_another_records_its_own_are_recorded_together_in_one_transaction() throws Exception {
        for (int i = 0; i < 3; i++) {
            world.device(String.format("00156500%04x", i));
        }
        // the first mark's transaction is held until the three other pushes have queued theirs
        java.util.concurrent.CountDownLatch othersQueued = new java.util.concurrent.CountDownLatch(3);
        java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger marked = new java.util.concurrent.atomic.AtomicInteger();
        hotdesk.core.port.Ledger counting = new hotdesk.core.port.Ledger() {
            @Override
            public <T> T transact(Work<T> work) {
                if (writes.incrementAndGet() == 1) {
                    try {
                        othersQueued.await(20, java.util.concurrent.TimeUnit.SECONDS);
                        Thread.sleep(200); // the last of them is in the queue, not only past its push
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return ledger.transact(work);
            }

            @Override
            public <T> T read(Work<T> work) {
                return ledger.read(work);
            }
        };
        Pbx counted = new Pbx() {
            @Override
            public void push(List<PjsipObject> objects) {
                world.asterisk.push(objects);
                if (marked.incrementAndGet() > 1) {
                    othersQueued.countDown();
                }
            }

            @Override
            public void remove(List<PjsipObject.Type> types, List<String> ids) {
                world.asterisk.remove(types, ids);
            }
        };
        Reconcile reconcile = new Reconcile(counting, counted, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60));
        List<Target> desks = ledger.read(tx -> tx.lines()).stream().map(l -> Target.desk(l.endpointId())).toList();
        assertThat(desks).hasSize(4);
        java.util.concurrent.ExecutorService four = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Boolean>> done = new ArrayList<>();
            for (Target t : desks) {
                done.add(four.submit(() -> reconcile.apply(List.of(t))));
                if (done.size() == 1) {
                    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> writes.get() == 1);
                }
            }
            for (java.util.concurrent.Future<Boolean> f : done) {
                assertThat(f.get(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            four.shutdownNow();
        }

        assertThat(writes).as("one transaction for the first mark, one for the three queued behind it").hasValue(2);
        assertThat(ledger.read(tx -> tx.applied(NODE)).keySet()).containsAll(desks);
    }

    @Test
    void a_push_whose_mark_cannot_be_written_is_reported_and_pushed_again_by_the_next_pass() {
        // the ledger refuses writes for now; reads still work
        AtomicBoolean refuse = new AtomicBoolean();
        Reconcile reconcile = on(refusingWritesWhile(refuse));
        refuse.set(true);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> reconcile.apply(List.of(Target.desk(desk(MAC)))))
                .isInstanceOf(hotdesk.core.port.LedgerException.class).hasMessageContaining("ledger gone");
        assertThat(appliedHere()).doesNotContainKey(Target.desk(desk(MAC)));

        // once the ledger takes writes again, the pass pushes the desk again (not skipped as pushed) and marks it
        refuse.set(false);
        world.asterisk.clearLog();
        reconcile.runOnce();
        assertThat(world.asterisk.operations()).contains("PUT endpoint/" + desk(MAC));
        assertThat(appliedHere()).containsKey(Target.desk(desk(MAC)));
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void a_full_pass_writes_the_marks_of_more_targets_than_one_batch_holds_without_the_pushers_waiting_for_each()
            throws InterruptedException {
        int desks = 2 * Reconcile.MARK_BATCH + 30;
        for (int i = 0; i < desks; i++) {
            world.device(String.format("0015659%05x", i));
        }
        // slow writes: while one worker writes a batch, the others queue more marks than a batch holds
        hotdesk.core.port.Ledger slow = writesAfter(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            Reconcile reconcile = new Reconcile(slow, world.asterisk, world.asterisk, world.asterisk,
                    new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60)).pushing(workers, 4);

            assertThat(reconcile.runOnce().applied()).isEqualTo(desks + 2);

            // every target marked at the revision it was pushed for, none lost between two batches
            Map<Target, Long> revisions = ledger.read(tx -> tx.revisions());
            assertThat(appliedHere()).isEqualTo(revisions).hasSize(desks + 2);
            world.asterisk.clearLog();
            assertThat(reconcile.runOnce().applied()).as("nothing left to push").isZero();
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void a_change_pushed_during_a_full_pass_after_the_pass_pushed_that_desk_stays_marked_at_its_newer_revision() {
        // the pass pushes the desk, then the user; while it pushes the user (the desk's mark still waiting, unwritten)
        // the desk changes and the same reconciler applies it at once, as after a login: its newer mark must win
        AtomicReference<Reconcile> self = new AtomicReference<>();
        AtomicBoolean once = new AtomicBoolean(true);
        Pbx changing = pushingThen(objects -> {
            if (objects.stream().anyMatch(o -> o.type() == PjsipObject.Type.ENDPOINT && o.id().equals("101"))
                    && once.getAndSet(false)) {
                world.devices.set(MAC, new ManageDevices.DeviceChanges("Moved desk", null, null, null, null, null), "test");
                assertThat(self.get().apply(List.of(Target.desk(desk(MAC))))).isTrue();
            }
        });
        Reconcile reconcile = new Reconcile(ledger, changing, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60));
        self.set(reconcile);

        reconcile.runOnce();

        long now = ledger.read(tx -> tx.revision(Target.desk(desk(MAC))));
        assertThat(once).as("the change was made during the pass").isFalse();
        assertThat(appliedHere()).containsEntry(Target.desk(desk(MAC)), now);
        assertThat(reconcile.runOnce().applied()).as("nothing left to push").isZero();
    }

    @Test
    void a_full_pass_whose_marks_cannot_be_written_fails_and_the_next_pass_pushes_everything_again() {
        AtomicBoolean refuse = new AtomicBoolean();
        Reconcile reconcile = on(refusingWritesWhile(refuse));
        refuse.set(true);

        org.assertj.core.api.Assertions.assertThatThrownBy(reconcile::runOnce)
                .isInstanceOf(hotdesk.core.port.LedgerException.class).hasMessageContaining("ledger gone");
        assertThat(appliedHere()).isEmpty();

        // the pass did not count as done: the next one is full again and marks what it pushes
        refuse.set(false);
        world.asterisk.clearLog();
        assertThat(reconcile.runOnce().applied()).isEqualTo(2);
        assertThat(world.asterisk.operations()).contains("PUT endpoint/" + desk(MAC), "PUT endpoint/101");
        assertThat(appliedHere()).containsOnlyKeys(Target.desk(desk(MAC)), Target.user(hotdesk.core.model.Extension.of("101")));
    }

    /** A reconciler of its own on {@code ledger}, pushing to the test's Asterisk as node {@link #NODE}. */
    private Reconcile on(hotdesk.core.port.Ledger ledger) {
        return new Reconcile(ledger, world.asterisk, world.asterisk, world.asterisk, new Projections(PjsipProfile.defaults()),
                world.clock, NODE, Duration.ofSeconds(60));
    }

    /** The test's ledger refusing every write transaction while {@code refuse} is set (the ledger gone for a moment). */
    private hotdesk.core.port.Ledger refusingWritesWhile(AtomicBoolean refuse) {
        return writesAfter(() -> {
            if (refuse.get()) {
                throw new hotdesk.core.port.LedgerException("ledger gone for a moment", null);
            }
        });
    }

    /** The test's ledger with {@code beforeWrite} run (and free to throw) before every write transaction; reads as they are. */
    private hotdesk.core.port.Ledger writesAfter(Runnable beforeWrite) {
        return new hotdesk.core.port.Ledger() {
            @Override
            public <T> T transact(Work<T> work) {
                beforeWrite.run();
                return ledger.transact(work);
            }

            @Override
            public <T> T read(Work<T> work) {
                return ledger.read(work);
            }
        };
    }

    private Map<Target, Long> appliedHere() {
        return ledger.read(tx -> tx.applied(NODE));
    }

    @Test
    void keeping_up_says_whether_asterisk_took_the_last_push_that_ended() {
        assertThat(world.reconcile.keepingUp()).as("before any push").isTrue();
        world.reconcile.runOnce();
        assertThat(world.reconcile.keepingUp()).isTrue();

        world.asterisk.down(true);
        world.pinLogin(MAC, "101", "4711");
        world.reconcile.runOnce();
        assertThat(world.reconcile.keepingUp()).as("Asterisk unreachable").isFalse();

        world.asterisk.down(false);
        world.clock.advance(Duration.ofSeconds(60));
        world.reconcile.runOnce();
        assertThat(world.reconcile.keepingUp()).as("Asterisk took the retries").isTrue();
    }

    @Test
    void a_pass_pushes_as_many_targets_at_once_as_it_may_and_every_desk_before_the_first_user() throws Exception {
        for (int i = 0; i < 11; i++) {
            world.user("2" + i, "User " + i, "4711").device(String.format("00156500%04x", i));
        }
        java.util.concurrent.CountDownLatch fourAtOnce = new java.util.concurrent.CountDownLatch(4);
        java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        List<String> pushed = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger aors = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger aorsAfterAnEndpoint = new java.util.concurrent.atomic.AtomicInteger();
        Pbx slow = new Pbx() {
            @Override
            public void push(List<PjsipObject> objects) {
                most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    fourAtOnce.countDown();
                    fourAtOnce.await(10, java.util.concurrent.TimeUnit.SECONDS); // the first four meet here
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                PjsipObject last = objects.get(objects.size() - 1);
                if (last.type() == PjsipObject.Type.ENDPOINT) {
                    pushed.add(last.id());
                } else {
                    aorsAfterAnEndpoint.addAndGet(pushed.isEmpty() ? 0 : 1);
                    aors.incrementAndGet();
                }
                inFlight.decrementAndGet();
                world.asterisk.push(objects);
            }

            @Override
            public void remove(List<PjsipObject.Type> types, List<String> ids) {
                world.asterisk.remove(types, ids);
            }
        };
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
        try {
            Reconcile reconcile = new Reconcile(ledger, slow, world.asterisk, world.asterisk,
                    new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60)).pushing(pool, 4);

            assertThat(reconcile.runOnce()).isEqualTo(new Reconcile.Pass(24, 0, 0));

            assertThat(most).hasValue(4);
            assertThat(pushed).hasSize(24).doesNotHaveDuplicates();
            assertThat(aors).as("the first pass pushes each AOR alone first").hasValue(24);
            assertThat(aorsAfterAnEndpoint).hasValue(0);
            int firstUser = pushed.indexOf(pushed.stream().filter(id -> !id.startsWith("hd-")).findFirst().orElseThrow());
            assertThat(pushed.subList(0, firstUser)).hasSize(12).allMatch(id -> id.startsWith("hd-"));
            assertThat(reconcile.idle()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_worker_that_cannot_go_on_fails_the_pass_so_the_next_one_does_its_work_again() {
        for (int i = 0; i < 5; i++) {
            world.device(String.format("00156500%04x", i));
        }
        AtomicBoolean broken = new AtomicBoolean(true);
        Pbx breaking = new Pbx() {
            @Override
            public void push(List<PjsipObject> objects) {
                if (broken.get() && objects.stream().anyMatch(o -> o.id().equals(desk("001565000003")))) {
                    throw new IllegalStateException("the ledger went away");
                }
                world.asterisk.push(objects);
            }

            @Override
            public void remove(List<PjsipObject.Type> types, List<String> ids) {
                world.asterisk.remove(types, ids);
            }
        };
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
        try {
            Reconcile reconcile = new Reconcile(ledger, breaking, world.asterisk, world.asterisk,
                    new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60)).pushing(pool, 3);

            org.assertj.core.api.Assertions.assertThatThrownBy(reconcile::runOnce).hasMessage("the ledger went away");
            assertThat(reconcile.idle()).as("the full push is not done").isFalse();

            broken.set(false);
            assertThat(reconcile.runOnce().failed()).isZero();
            assertThat(world.asterisk.endpoint(desk("001565000003"))).isNotNull();
            assertThat(reconcile.idle()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void more_pushers_than_one_need_somewhere_to_run_and_at_most_sixty_four() {
        Reconcile r = world.reconcile;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.pushing(null, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reconcile.push-connections");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.pushing(Runnable::run, 0))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.pushing(Runnable::run, 65))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(r.pushing(null, 1).runOnce()).isEqualTo(new Reconcile.Pass(2, 0, 0));
    }

    @Test
    void a_pass_reads_its_targets_a_run_at_a_time_and_pushes_what_reading_each_alone_would() {
        List<String> macs = java.util.stream.IntStream.range(0, 150).mapToObj(i -> String.format("00156577%04x", i)).toList();
        macs.forEach(world::device);
        world.pinLogin(macs.get(70), "101", "4711");
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        Ledger counting = readingThen(reads::incrementAndGet);
        Reconcile reconcile = new Reconcile(counting, world.asterisk, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60));
        world.asterisk.clearLog();

        assertThat(reconcile.runOnce()).isEqualTo(new Reconcile.Pass(152, 0, 0));

        // the plan, then 152 targets in runs of 64 (three of desks, one of users): read one by one they were 152 reads
        assertThat(reads.get()).isEqualTo(1 + 3 + 1);
        for (String mac : List.of(MAC, macs.get(0), macs.get(69), macs.get(149))) {
            String secret = ledger.read(tx -> tx.line(desk(mac)).orElseThrow().secret());
            assertThat(world.asterisk.auth(desk(mac) + "-auth")).as(mac).containsEntry("password", secret);
            assertThat(world.asterisk.endpoint(desk(mac))).as(mac).containsEntry("context", "hotdesk-idle");
        }
        assertThat(world.asterisk.endpoint(desk(macs.get(70)))).containsEntry("context", PjsipProfile.SEATED_CONTEXT)
                .containsEntry("callerid", "\"Alice\" <101>");
        assertThat(world.asterisk.endpoint("101")).containsEntry("aors", desk(macs.get(70)) + ",101");
    }

    @Test
    void a_desk_a_login_pushes_after_the_pass_read_it_ahead_is_read_again_not_put_back_as_read() {
        String second = "0015651234ac"; // after MAC: in the same run of the pass, pushed after it
        world.device(second);
        AtomicReference<Reconcile> self = new AtomicReference<>();
        AtomicBoolean loginOnce = new AtomicBoolean(true);
        List<String> endpoints = new ArrayList<>();
        Pbx loggingIn = pushingThen(objects -> {
            objects.stream().filter(o -> o.type() == PjsipObject.Type.ENDPOINT)
                    .forEach(o -> endpoints.add(o.id() + " " + o.fields().get("context")));
            if (objects.size() > 1 && objects.stream().anyMatch(o -> o.id().equals(desk(MAC))) && loginOnce.getAndSet(false)) {
                // while the pass pushes the first desk, Alice logs in at the second, which the pass read idle
                new LogIn(ledger, world.hasher, world.seating, self.get(), world.clock)
                        .execute(desk(second), new LogIn.Pin(Extension.of("101"), "4711"), "test");
            }
        });
        Reconcile reconcile = new Reconcile(ledger, loggingIn, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60));
        self.set(reconcile);

        reconcile.runOnce();

        // the login's own push seated the second desk; the pass, reaching it after, read it again: seated, not idle
        assertThat(loginOnce).isFalse();
        assertThat(endpoints).containsSubsequence(desk(MAC) + " hotdesk-idle", desk(second) + " " + PjsipProfile.SEATED_CONTEXT,
                desk(second) + " " + PjsipProfile.SEATED_CONTEXT);
        assertThat(endpoints).doesNotContain(desk(second) + " hotdesk-idle");
        assertThat(world.asterisk.endpoint(desk(second))).containsEntry("context", PjsipProfile.SEATED_CONTEXT);
    }

    @Test
    void a_reconnect_pushes_nothing_again_but_makes_what_failed_while_asterisk_was_unreachable_due_at_once() {
        AtomicBoolean unreachable = new AtomicBoolean();
        AtomicBoolean refuseDesk = new AtomicBoolean();
        Pbx flaky = new Pbx() {
            @Override
            public void push(List<PjsipObject> objects) {
                if (refuseDesk.get() && objects.stream().anyMatch(o -> o.id().equals(desk(MAC)))) {
                    throw new PbxException("ARI PUT endpoint/" + desk(MAC) + " → 400", false);
                }
                if (unreachable.get()) {
                    throw new PbxException("ARI PUT → connection refused", true);
                }
                world.asterisk.push(objects);
            }

            @Override
            public void remove(List<PjsipObject.Type> types, List<String> ids) {
                world.asterisk.remove(types, ids);
            }
        };
        Reconcile reconcile = new Reconcile(ledger, flaky, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60));
        reconcile.runOnce();
        world.clock.advance(Duration.ofSeconds(1));
        unreachable.set(true);
        refuseDesk.set(true);
        new LogIn(ledger, world.hasher, world.seating, reconcile, world.clock)
                .execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "test");
        world.clock.advance(Duration.ofMillis(100));
        assertThat(reconcile.runOnce()).isEqualTo(new Reconcile.Pass(0, 0, 2));
        unreachable.set(false);
        world.asterisk.clearLog();

        reconcile.reconnected();

        // the user, which failed because Asterisk was unreachable, is pushed now; the refused desk keeps its wait
        assertThat(reconcile.runOnce()).isEqualTo(new Reconcile.Pass(1, 0, 1));
        assertThat(world.asterisk.endpoint("101")).containsEntry("aors", desk(MAC) + ",101");
        assertThat(world.asterisk.operations()).noneMatch(o -> o.contains(desk(MAC)));
        assertThat(reconcile.runOnce()).isEqualTo(new Reconcile.Pass(0, 0, 1));
    }

    @Test
    void a_target_that_keeps_failing_on_its_own_is_not_hurried_by_other_targets_succeeding() {
        AtomicBoolean refuseDesk = new AtomicBoolean();
        Pbx picky = refusingDesk(() -> refuseDesk.get() ? new PbxException("ARI PUT endpoint/" + desk(MAC) + " → 500", true) : null);
        Reconcile reconcile = new Reconcile(ledger, picky, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60));
        reconcile.runOnce();
        world.clock.advance(Duration.ofSeconds(1));
        refuseDesk.set(true);
        // the desk starts failing on its own while its user goes through (that success hurries the desk once)
        new LogIn(ledger, world.hasher, world.seating, reconcile, world.clock)
                .execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "test");
        assertThat(reconcile.runOnce()).isEqualTo(new Reconcile.Pass(0, 1, 0));

        // other targets succeed later: the desk's failure began before, so it waits out its backoff (2 s now)
        world.clock.advance(Duration.ofMillis(500));
        world.device("0015651234cd");
        assertThat(reconcile.runOnce()).isEqualTo(new Reconcile.Pass(1, 0, 1));
        assertThat(reconcile.runOnce()).isEqualTo(new Reconcile.Pass(0, 0, 1));
        world.clock.advance(Duration.ofMillis(1600));
        assertThat(reconcile.runOnce()).isEqualTo(new Reconcile.Pass(0, 1, 0));
    }

    @Test
    void a_removed_device_is_deleted_from_asterisk_endpoint_first() {
        world.reconcile.runOnce();
        world.devices.remove(MAC, "test");
        world.asterisk.clearLog();

        world.reconcile.runOnce();

        assertThat(world.asterisk.operations()).containsExactly("DELETE endpoint/" + desk(MAC), "DELETE aor/" + desk(MAC),
                "DELETE auth/" + desk(MAC) + "-auth");
        assertThat(ledger.<java.util.Map<Target, Long>>read(tx -> tx.revisions())).doesNotContainKey(Target.desk(desk(MAC)));
    }

    @Test
    void a_device_removed_while_asterisk_was_down_is_deleted_once_it_is_back_with_its_objects_kept() {
        world.reconcile.runOnce();
        world.asterisk.down(true);
        world.devices.remove(MAC, "test");
        assertThat(world.reconcile.runOnce().failed()).isPositive();
        // the astdb wizard: Asterisk comes back with every object it had (no restart() wiping them)
        world.asterisk.down(false);
        world.asterisk.clearLog();

        world.reconcile.asteriskRestarted();
        world.reconcile.runOnce();

        assertThat(world.asterisk.operations()).containsSubsequence("DELETE endpoint/" + desk(MAC), "DELETE aor/" + desk(MAC),
                "DELETE auth/" + desk(MAC) + "-auth");
        assertThat(world.asterisk.endpoint(desk(MAC))).isNull();
        assertThat(world.asterisk.auth(desk(MAC) + "-auth")).isNull();
        assertThat(ledger.<java.util.Map<Target, Long>>read(tx -> tx.revisions())).doesNotContainKey(Target.desk(desk(MAC)));
    }

    @Test
    void a_device_removed_while_hotdesk_was_down_is_deleted_by_the_next_hotdesk_on_the_same_ledger() {
        world.reconcile.runOnce();
        world.devices.remove(MAC, "test"); // committed by the CLI; no hotdesk running to apply it
        world.asterisk.clearLog();

        Reconcile next = new Reconcile(ledger, world.asterisk, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60));
        next.runOnce();

        assertThat(world.asterisk.operations()).containsSubsequence("DELETE endpoint/" + desk(MAC), "DELETE aor/" + desk(MAC),
                "DELETE auth/" + desk(MAC) + "-auth");
        // its first step (every AOR first) left the gone desk out: nothing written for it before the deletes
        assertThat(world.asterisk.operations()).noneMatch(op -> op.endsWith("/" + desk(MAC)) && !op.startsWith("DELETE "));
        assertThat(world.asterisk.endpoint(desk(MAC))).isNull();
    }

    @Test
    void a_full_pass_pushes_no_aor_first_for_a_disabled_user_whose_objects_it_removes() {
        world.reconcile.runOnce();
        assertThat(world.asterisk.endpoint("101")).isNotNull();
        world.users.set("101", new ManageUsers.UserChanges(null, null, null, null, false, null), "test");
        world.asterisk.clearLog();

        world.reconcile.asteriskRestarted();
        world.reconcile.runOnce();

        assertThat(world.asterisk.operations()).contains("DELETE endpoint/101")
                .noneMatch(op -> (op.endsWith("/101") || op.endsWith("/101-auth")) && !op.startsWith("DELETE "));
        assertThat(world.asterisk.endpoint("101")).isNull();
    }

    /** Named ACLs as Asterisk has them: name → permitted networks. */
    static final class Acls implements NamedAcls {
        final Map<String, List<String>> defined = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public boolean defined(String name, List<String> networks) {
            return networks.equals(defined.get(name));
        }
    }

    @Test
    void a_desk_names_its_acl_only_once_asterisk_has_it_with_the_ledgers_networks_and_is_created_anew_then() {
        Acls acls = new Acls();
        Reconcile r = new Reconcile(ledger, world.asterisk, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60),
                hotdesk.core.port.DeskEvents.none(), hotdesk.core.port.Telemetry.none(), acls, List.of("127.0.0.0/8"));

        // Asterisk lacks the ACL: the desk is pushed all the same (its login applies, emergency calls work), naming
        // none, and counts as failed with what to do
        assertThat(r.runOnce()).isEqualTo(new Reconcile.Pass(1, 1, 0));
        // the desk alone (no other push succeeding after it): Asterisk answered, the ACL is this desk's own matter, so
        // logins still answer OK rather than "your phone follows once Asterisk is back"
        assertThat(r.apply(List.of(hotdesk.core.model.Target.desk(desk(MAC))))).isFalse();
        assertThat(r.keepingUp()).isTrue();
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("context", "hotdesk-idle").doesNotContainKey("acl");
        assertThat(world.status.lines(NODE)).singleElement().satisfies(l -> assertThat(l.lastError()).hasValueSatisfying(
                e -> assertThat(e).contains("no ACL 'hotdesk-default'", "provisioning.allowed-networks", "acl_hotdesk.conf",
                        "module reload acl")));

        // with other rules it is still missing
        acls.defined.put(TrustedNetworks.DEFAULT_ACL, List.of("10.0.0.0/8"));
        world.clock.advance(Duration.ofSeconds(2));
        assertThat(r.runOnce().failed()).isEqualTo(1);

        // once Asterisk has it, the endpoint is created anew naming it (a new endpoint takes the ACL's rules)
        acls.defined.put(TrustedNetworks.DEFAULT_ACL, List.of("127.0.0.0/8"));
        world.clock.advance(Duration.ofSeconds(5));
        world.asterisk.clearLog();
        assertThat(r.runOnce()).isEqualTo(new Reconcile.Pass(1, 0, 0));
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("acl", TrustedNetworks.DEFAULT_ACL);
        assertThat(world.asterisk.operations()).containsSubsequence("DELETE endpoint/" + desk(MAC), "PUT endpoint/" + desk(MAC));
        assertThat(world.status.lines(NODE)).singleElement().satisfies(l -> assertThat(l.inSync()).isTrue());

        // later pushes keep it, without deleting the endpoint
        world.asterisk.clearLog();
        world.pinLogin(MAC, "101", "4711");
        r.asteriskRestarted();
        r.runOnce();
        assertThat(world.asterisk.operations()).contains("PUT endpoint/" + desk(MAC))
                .doesNotContain("DELETE endpoint/" + desk(MAC));
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("acl", TrustedNetworks.DEFAULT_ACL)
                .containsEntry("context", "hotdesk-seated");
    }

    @Test
    void a_desk_of_a_site_with_networks_names_the_sites_acl() {
        Acls acls = new Acls();
        acls.defined.put(TrustedNetworks.DEFAULT_ACL, List.of("127.0.0.0/8"));
        acls.defined.put(TrustedNetworks.siteAcl("HQ"), List.of("10.1.0.0/16", "fd00:1::/64"));
        ledger.transact(tx -> { // the site the world's device names
            tx.insertSite(new hotdesk.core.model.Site("HQ", "", null, null, new hotdesk.core.model.SitePhoneSettings(
                    "", 0, "", "", 0, List.of("10.1.0.0/16", "fd00:1::/64"))));
            return null;
        });
        Reconcile r = new Reconcile(ledger, world.asterisk, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60),
                hotdesk.core.port.DeskEvents.none(), hotdesk.core.port.Telemetry.none(), acls, List.of("127.0.0.0/8"));

        assertThat(r.runOnce().failed()).isZero();
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("acl", "hotdesk-site-HQ");
    }

    @Test
    void a_refused_push_is_not_hammered() {
        var refusing = new RecordingAsterisk();
        var pbx = new hotdesk.core.port.Pbx() {
            int calls;

            @Override
            public void push(List<PjsipObject> objects) {
                calls++;
                throw new PbxException("ARI PUT endpoint/101 → 403: defined in pjsip.conf", false);
            }

            @Override
            public void remove(List<PjsipObject.Type> types, List<String> ids) {
            }
        };
        Reconcile r = new Reconcile(ledger, pbx, refusing, refusing, new Projections(PjsipProfile.defaults()), world.clock,
                NODE, Duration.ofSeconds(60));
        r.runOnce();
        int afterFirst = pbx.calls;
        assertThat(r.keepingUp()).as("Asterisk answers: refusing these targets says nothing about the others").isTrue();
        assertThat(r.idle()).as("nothing is due while the refused targets wait out their backoff").isTrue();
        world.clock.advance(Duration.ofSeconds(30));
        r.runOnce();

        assertThat(pbx.calls).isEqualTo(afterFirst);
        world.clock.advance(Duration.ofSeconds(31));
        assertThat(r.idle()).as("the retry is due").isFalse();
        r.runOnce();
        assertThat(pbx.calls).isGreaterThan(afterFirst);

        // a target that left the ledger meanwhile (another node dropped it) is not retried for ever
        ledger.transact(tx -> {
            tx.revisions().keySet().forEach(tx::dropRevision);
            return null;
        });
        r.runOnce();
        world.clock.advance(Duration.ofMinutes(5));
        assertThat(r.idle()).isTrue();
    }

    @Test
    void a_pass_that_planned_a_target_a_login_pushed_meanwhile_does_not_push_it_or_notify_the_phone_again() {
        // a ledger on which the login's own apply runs right after the pass has read its plan
        AtomicBoolean raceNext = new AtomicBoolean();
        Reconcile[] reconcile = new Reconcile[1];
        List<Target> loginTargets = List.of(Target.desk(desk(MAC)), Target.user(Extension.of("101")));
        Ledger racing = readingThen(() -> {
            if (raceNext.getAndSet(false)) {
                assertThat(reconcile[0].apply(loginTargets)).isTrue();
            }
        });
        reconcile[0] = new Reconcile(racing, world.asterisk, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60));
        reconcile[0].runOnce();
        LogIn committedOnly = new LogIn(ledger, world.hasher, world.seating, ApplyNow.later(), world.clock);
        assertThat(committedOnly.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "t"))
                .isInstanceOf(LogIn.LoggedIn.class);
        world.asterisk.clearLog();

        raceNext.set(true);
        reconcile[0].runOnce();

        assertThat(world.asterisk.operations()).filteredOn(o -> o.equals("PUT endpoint/" + desk(MAC))).hasSize(1);
        assertThat(world.asterisk.operations()).filteredOn(o -> o.equals("PUT endpoint/101")).hasSize(1);
        assertThat(world.asterisk.notifies()).hasSize(1);
    }

    @Test
    void a_full_push_after_fully_booted_that_planned_a_desk_a_login_pushed_meanwhile_notifies_its_phone_once() {
        // given a ledger on which the login's own apply runs right after the full pass has read its plan
        AtomicBoolean raceNext = new AtomicBoolean();
        Reconcile[] reconcile = new Reconcile[1];
        List<Target> loginTargets = List.of(Target.desk(desk(MAC)), Target.user(Extension.of("101")));
        Ledger racing = readingThen(() -> {
            if (raceNext.getAndSet(false)) {
                assertThat(reconcile[0].apply(loginTargets)).isTrue();
            }
        });
        reconcile[0] = new Reconcile(racing, world.asterisk, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60));
        reconcile[0].runOnce();
        LogIn committedOnly = new LogIn(ledger, world.hasher, world.seating, ApplyNow.later(), world.clock);
        assertThat(committedOnly.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "t"))
                .isInstanceOf(LogIn.LoggedIn.class);
        world.asterisk.clearLog();

        // when Asterisk announced FullyBooted, so the pass pushes every target again
        reconcile[0].asteriskRestarted();
        raceNext.set(true);
        reconcile[0].runOnce();

        // then one change, one NOTIFY to the desk's phone, although both paths pushed it
        assertThat(world.asterisk.operations()).contains("PUT endpoint/" + desk(MAC), "PUT endpoint/101");
        assertThat(world.asterisk.notifies()).containsExactly(new RecordingAsterisk.Notify(desk(MAC), "yealink"));
    }

    @Test
    void a_login_committed_while_a_full_push_ran_is_notified_once_although_the_pass_pushed_it_first() {
        // given a ledger on which a login commits right after the full pass has read its plan
        AtomicBoolean loginNext = new AtomicBoolean();
        LogIn committedOnly = new LogIn(ledger, world.hasher, world.seating, ApplyNow.later(), world.clock);
        Ledger racing = readingThen(() -> {
            if (loginNext.getAndSet(false)) {
                assertThat(committedOnly.execute(desk(MAC), new LogIn.Pin(Extension.of("101"), "4711"), "t"))
                        .isInstanceOf(LogIn.LoggedIn.class);
            }
        });
        Reconcile reconcile = new Reconcile(racing, world.asterisk, world.asterisk, world.asterisk,
                new Projections(PjsipProfile.defaults()), world.clock, NODE, Duration.ofSeconds(60));
        reconcile.runOnce();
        world.asterisk.clearLog();

        // when the full pass after a FullyBooted pushes the desk as the login left it, then the login's own apply runs
        reconcile.asteriskRestarted();
        loginNext.set(true);
        reconcile.runOnce();
        reconcile.apply(List.of(Target.desk(desk(MAC)), Target.user(Extension.of("101"))));
        reconcile.runOnce();

        // then the phone is told once about its new occupant
        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("callerid", "\"Alice\" <101>");
        assertThat(world.asterisk.notifies()).containsExactly(new RecordingAsterisk.Notify(desk(MAC), "yealink"));
    }

    @Test
    void a_login_and_a_full_push_after_fully_booted_notify_each_changed_desk_once_and_unchanged_ones_never() {
        world.device("001565aabbcc");
        world.reconcile.runOnce();
        world.pinLogin(MAC, "101", "4711");
        assertThat(world.asterisk.notifies()).containsExactly(new RecordingAsterisk.Notify(desk(MAC), "yealink"));
        world.asterisk.clearLog();

        world.asterisk.restart();
        world.reconcile.asteriskRestarted();
        world.reconcile.runOnce();
        world.reconcile.runOnce();

        assertThat(world.asterisk.endpoint(desk(MAC))).containsEntry("callerid", "\"Alice\" <101>");
        assertThat(world.asterisk.notifies()).isEmpty();
    }
}
