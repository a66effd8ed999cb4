package hotdesk.app;

import hotdesk.core.model.Target;
import hotdesk.core.policy.PjsipProfile;
import hotdesk.core.policy.Projections;
import hotdesk.core.port.PjsipObject;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static hotdesk.testing.TestWorld.desk;
import static org.assertj.core.api.Assertions.assertThat;

/** The scale bench's read-back: what it expects of Asterisk and how it compares what ARI gives back. */
class ReadBackTest {

    static final String MAC_A = "0015651234aa";
    static final String MAC_B = "0015651234ab";

    final InMemoryLedger ledger = new InMemoryLedger();
    final TestWorld world = new TestWorld(ledger).user("101", "Alice", "4711").user("102", "Bob", "4712")
            .device(MAC_B).device(MAC_A);
    final ReadBack readBack = new ReadBack(null, ledger, new Projections(PjsipProfile.defaults()), false);

    @Test
    void expects_every_object_the_reconciler_pushes_in_its_order_every_aor_first() {
        world.pinLogin(MAC_A, "101", "4711");
        world.reconcile.asteriskRestarted();
        world.asterisk.clearLog();
        world.reconcile.runOnce();

        List<ReadBack.Item> items = readBack.all();

        assertThat(items).extracting(i -> "PUT " + i.wanted().type().wire() + "/" + i.wanted().id())
                .containsExactlyElementsOf(world.asterisk.operations());
        for (ReadBack.Item i : items) {
            Map<String, String> pushed = switch (i.wanted().type()) {
                case AUTH -> world.asterisk.auth(i.wanted().id());
                case AOR -> world.asterisk.aor(i.wanted().id());
                case ENDPOINT -> world.asterisk.endpoint(i.wanted().id());
            };
            assertThat(i.wanted().fields()).as(i.wanted().id()).isEqualTo(pushed);
            assertThat(ReadBack.mismatch(i.wanted(), Optional.of(pushed))).isNull();
        }
        assertThat(items).filteredOn(i -> i.wanted().type() == PjsipObject.Type.ENDPOINT && i.wanted().id().equals(desk(MAC_A)))
                .singleElement().satisfies(i -> assertThat(i.wanted().fields()).containsEntry("accountcode", "101"));
    }

    @Test
    void a_login_after_the_read_shows_in_the_targets_own_expectation_and_asterisk_then_differs_until_pushed() {
        world.pinLogin(MAC_A, "101", "4711");
        world.reconcile.runOnce();
        PjsipObject before = readBack.now(Target.desk(desk(MAC_B)), PjsipObject.Type.ENDPOINT).orElseThrow();

        world.logIn.execute(desk(MAC_B), new hotdesk.core.usecase.LogIn.Pin(hotdesk.core.model.Extension.of("101"), "4711"), "test");
        PjsipObject after = readBack.now(Target.desk(desk(MAC_B)), PjsipObject.Type.ENDPOINT).orElseThrow();

        assertThat(before.fields()).containsEntry("accountcode", "");
        assertThat(after.fields()).containsEntry("accountcode", "101");
        // the world's reconciler pushes a login's targets at once: Asterisk holds the new occupant
        assertThat(ReadBack.mismatch(after, Optional.of(world.asterisk.endpoint(desk(MAC_B))))).isNull();
        assertThat(ReadBack.mismatch(before, Optional.of(world.asterisk.endpoint(desk(MAC_B)))))
                .contains("accountcode is '101', ledger says ''");
        assertThat(readBack.now(Target.user(hotdesk.core.model.Extension.of("999")), PjsipObject.Type.AUTH)).isEmpty();
    }

    @Test
    void the_check_reads_every_object_once_when_all_are_right_and_reports_one_still_missing_at_the_deadline() throws Exception {
        world.pinLogin(MAC_A, "101", "4711");
        world.reconcile.runOnce();
        try (hotdesk.testing.FakeAri ari = new hotdesk.testing.FakeAri("hotdesk", "fake-ari-password-0123")) {
            hotdesk.ari.AriClient client = new hotdesk.ari.AriClient(new hotdesk.ari.AriSettings(ari.baseUrl(), "hotdesk",
                    "fake-ari-password-0123", java.time.Duration.ofSeconds(5)));
            ReadBack overAri = new ReadBack(client, ledger, new Projections(PjsipProfile.defaults()), false);
            List<ReadBack.Item> items = overAri.all();
            hotdesk.ari.AriPbx pbx = new hotdesk.ari.AriPbx(client);
            String left = desk(MAC_B);
            items.stream().map(ReadBack.Item::wanted)
                    .filter(o -> !(o.type() == PjsipObject.Type.ENDPOINT && o.id().equals(left)))
                    .forEach(o -> pbx.push(List.of(o)));
            long start = System.nanoTime();

            ReadBack.Result result = overAri.check(items, 2, start, start + 400_000_000L, 0);

            assertThat(result.complete()).isFalse();
            assertThat(result.wrong()).isEqualTo(1);
            assertThat(result.stillWrong()).containsExactly("endpoint " + left + ": missing");
            assertThat(result.retried()).isEqualTo(1);
            assertThat(result.firstProblems()).singleElement().asString().endsWith("endpoint " + left + ": missing");
            assertThat(result.gets()).isGreaterThan(items.size());

            pbx.push(List.of(items.stream().map(ReadBack.Item::wanted)
                    .filter(o -> o.type() == PjsipObject.Type.ENDPOINT && o.id().equals(left)).findFirst().orElseThrow()));
            long again = System.nanoTime();
            ReadBack.Result all = overAri.check(items, 2, again, again + 5_000_000_000L, 0);

            assertThat(all.complete()).isTrue();
            assertThat(all.gets()).isEqualTo(items.size());
            assertThat(all.retried()).isZero();
            assertThat(all.stillWrong()).isEmpty();
        }
    }

    @Test
    void an_asterisk_that_does_not_answer_leaves_every_object_wrong_with_the_reason() throws Exception {
        world.reconcile.runOnce();
        try (hotdesk.testing.FakeAri ari = new hotdesk.testing.FakeAri("hotdesk", "fake-ari-password-0123")) {
            hotdesk.ari.AriClient client = new hotdesk.ari.AriClient(new hotdesk.ari.AriSettings(ari.baseUrl(), "hotdesk",
                    "fake-ari-password-0123", java.time.Duration.ofSeconds(1)));
            ReadBack overAri = new ReadBack(client, ledger, new Projections(PjsipProfile.defaults()), false);
            List<ReadBack.Item> items = overAri.all();
            ari.down();
            long start = System.nanoTime();

            ReadBack.Result result = overAri.check(items, 4, start, start + 300_000_000L, 0);

            assertThat(result.complete()).isFalse();
            assertThat(result.wrong()).isEqualTo(items.size());
            assertThat(result.stillWrong()).isNotEmpty().allSatisfy(p -> assertThat(p).contains("→ no answer"));
        }
    }

    @Test
    void an_object_as_asterisk_gives_it_back_matches_booleans_codecs_and_write_only_fields_aside() {
        PjsipObject wanted = endpoint("disallow", "all", "allow", "ulaw,alaw", "direct_media", "no",
                "callerid", "\"Alice\" <101>");
        Map<String, String> got = Map.of("allow", "(ulaw|alaw)", "direct_media", "false", "callerid", "\"Alice\" <101>",
                "dtmf_mode", "rfc4733");

        assertThat(ReadBack.mismatch(wanted, Optional.of(got))).isNull();
    }

    @Test
    void a_caller_id_without_a_number_matches_as_asterisk_gives_it_back_and_another_name_or_number_does_not() {
        PjsipObject idle = endpoint("callerid", "\"Desk 102\" <>");
        PjsipObject seated = endpoint("callerid", "\"Scale User 7\" <20007>");

        assertThat(ReadBack.mismatch(idle, Optional.of(Map.of("callerid", "Desk 102")))).isNull();
        assertThat(ReadBack.mismatch(idle, Optional.of(Map.of("callerid", "Desk 103")))).contains("callerid is 'Desk 103'");
        assertThat(ReadBack.mismatch(idle, Optional.of(Map.of("callerid", "\"Desk 102\" <20007>")))).isNotNull();
        assertThat(ReadBack.mismatch(seated, Optional.of(Map.of("callerid", "\"Scale User 7\" <20007>")))).isNull();
        assertThat(ReadBack.mismatch(seated, Optional.of(Map.of("callerid", "Scale User 7")))).isNotNull();
    }

    @Test
    void a_missing_object_a_wrong_field_and_an_absent_field_are_each_named() {
        PjsipObject wanted = endpoint("callerid", "\"Alice\" <101>", "allow", "ulaw,alaw", "aors", "hd-1,101");

        assertThat(ReadBack.mismatch(wanted, Optional.empty())).isEqualTo("endpoint 101: missing");
        assertThat(ReadBack.mismatch(wanted, Optional.of(Map.of("callerid", "\"Bob\" <102>", "allow", "(alaw|ulaw)"))))
                .isEqualTo("endpoint 101: callerid is '\"Bob\" <102>', ledger says '\"Alice\" <101>'; "
                        + "allow is '(alaw|ulaw)', ledger says 'ulaw,alaw'; aors is absent, ledger says 'hd-1,101'");
    }

    @Test
    void a_wrong_password_is_reported_without_either_value() {
        PjsipObject wanted = new PjsipObject(PjsipObject.Type.AUTH, "101-auth", Map.of("username", "101", "password", "s3cret-wanted"));

        String problem = ReadBack.mismatch(wanted, Optional.of(Map.of("username", "101", "password", "s3cret-stale")));

        assertThat(problem).isEqualTo("auth 101-auth: password is other").doesNotContain("s3cret");
    }

    /** An endpoint with these fields in this order (name, value, name, value…). */
    private static PjsipObject endpoint(String... fields) {
        Map<String, String> f = new LinkedHashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            f.put(fields[i], fields[i + 1]);
        }
        return new PjsipObject(PjsipObject.Type.ENDPOINT, "101", f);
    }
}
