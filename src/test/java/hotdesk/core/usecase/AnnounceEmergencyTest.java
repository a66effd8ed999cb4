package hotdesk.core.usecase;

import ch.qos.logback.classic.Level;
import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.EmergencyAlert;
import hotdesk.core.model.EmergencyCall;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerException;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.LogCapture;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static hotdesk.testing.TestWorld.desk;
import static org.assertj.core.api.Assertions.assertThat;

class AnnounceEmergencyTest {

    static final String MAC = "0015651234ab";
    static final String LOGGER = AnnounceEmergency.class.getName();

    final InMemoryLedger ledger = new InMemoryLedger();
    final List<EmergencyAlert> sent = new CopyOnWriteArrayList<>();
    TestWorld world;

    @BeforeEach
    void scene() {
        world = new TestWorld(ledger).user("101", "Alice Example", "4711").device(MAC);
    }

    private static EmergencyCall call(String desk, boolean test) {
        return new EmergencyCall(desk, "911", "+15551230314", "HQ Fl 3 Rm 301", "country=US,A1=CA", "PJSIP/" + desk + "-00000007",
                "1796150733.10", test);
    }

    private AnnounceEmergency announce(Ledger l) {
        return new AnnounceEmergency(l, sent::add, world.clock, "node-a");
    }

    @Test
    void a_call_from_an_occupied_desk_is_logged_at_error_with_the_occupant_audited_and_sent() {
        world.pinLogin(MAC, "101", "4711");

        try (LogCapture log = LogCapture.of(LOGGER)) {
            EmergencyAlert a = announce(ledger).announce(call(desk(MAC), false));

            assertThat(a.occupant()).contains(new EmergencyAlert.Occupant("101", "Alice Example"));
            assertThat(a.occupantKnown()).isTrue();
            assertThat(a.seenAt()).isEqualTo(world.clock.instant());
            assertThat(a.node()).isEqualTo("node-a");
            assertThat(sent).containsExactly(a);
            assertThat(log.events()).singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.ERROR);
                assertThat(e.getFormattedMessage()).isEqualTo("EMERGENCY CALL from desk " + desk(MAC) + ": dialled 911, ELIN"
                        + " +15551230314, where 'HQ Fl 3 Rm 301', occupant 101 (Alice Example), channel PJSIP/" + desk(MAC)
                        + "-00000007");
            });
        }
        AuditEntry audit = ledger.audit().get(ledger.audit().size() - 1);
        assertThat(audit.action()).isEqualTo("emergency.call");
        assertThat(audit.actor()).isEqualTo("asterisk");
        assertThat(audit.subject()).isEqualTo(desk(MAC));
        assertThat(audit.detail()).contains("number=911", "elin=+15551230314", "occupant=101", "channel=PJSIP/");
    }

    @Test
    void a_call_from_a_free_desk_says_so_and_one_without_elin_or_location_names_what_is_missing() {
        try (LogCapture log = LogCapture.of(LOGGER)) {
            EmergencyAlert a = announce(ledger).announce(new EmergencyCall(desk(MAC), "112", "", "", "", "PJSIP/x-1", "", false));

            assertThat(a.occupant()).isEmpty();
            assertThat(a.occupantKnown()).isTrue();
            assertThat(log.messages()).singleElement().asString()
                    .contains("dialled 112, ELIN (none), where '', no occupant", "no civic location");
        }
    }

    @Test
    void a_test_call_is_logged_at_info_and_audited_as_a_test() {
        try (LogCapture log = LogCapture.of(LOGGER)) {
            announce(ledger).announce(call(desk(MAC), true));

            assertThat(log.events()).singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.INFO);
                assertThat(e.getFormattedMessage()).startsWith("emergency TEST call from desk " + desk(MAC));
            });
        }
        assertThat(ledger.audit().get(ledger.audit().size() - 1).action()).isEqualTo("emergency.test");
        assertThat(sent).singleElement().satisfies(a -> assertThat(a.call().test()).isTrue());
    }

    @Test
    void a_ledger_that_cannot_be_read_still_gives_the_log_line_and_the_alert_with_the_occupant_unknown() {
        Ledger down = new Ledger() {
            @Override
            public <T> T transact(Work<T> work) {
                throw new LedgerException("connection refused (127.0.0.1:5432)", null);
            }
        };

        try (LogCapture log = LogCapture.of(LOGGER)) {
            EmergencyAlert a = announce(down).announce(call(desk(MAC), false));

            assertThat(a.occupantKnown()).isFalse();
            assertThat(a.occupant()).isEmpty();
            assertThat(sent).containsExactly(a);
            assertThat(log.events()).singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.ERROR);
                assertThat(e.getFormattedMessage()).contains("dialled 911", "occupant unknown (ledger: connection refused");
            });
        }
    }

    @Test
    void an_alert_sink_that_throws_is_logged_and_the_announcement_still_completes() {
        try (LogCapture log = LogCapture.of(LOGGER)) {
            EmergencyAlert a = new AnnounceEmergency(ledger, alert -> {
                throw new IllegalStateException("sink broken");
            }, world.clock, "n").announce(call(desk(MAC), false));

            assertThat(a.call().number()).isEqualTo("911");
            assertThat(log.lines()).hasSize(2).anyMatch(l -> l.startsWith("ERROR EMERGENCY CALL"))
                    .anyMatch(l -> l.contains("could not be handed to the webhook") && l.contains("sink broken"));
        }
    }

    @Test
    void values_from_asterisk_are_kept_printable_and_bounded() {
        EmergencyCall c = new EmergencyCall("hd-1\r\nforged: yes", null, "+1", "x".repeat(400), null, null, null, false);

        assertThat(c.desk()).isEqualTo("hd-1??forged: yes");
        assertThat(c.number()).isEmpty();
        assertThat(c.where()).hasSize(EmergencyCall.MAX_LENGTH);
        assertThat(c.civic()).isEmpty();
    }
}
