package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.EmergencyAlert;
import hotdesk.core.model.EmergencyCall;
import hotdesk.core.port.EmergencyAlerts;
import hotdesk.core.port.Ledger;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Announces one emergency call that Asterisk's emergency route reported: looks up in the ledger who
 * sits at the desk, writes an audit entry, logs one line (ERROR for a real call, INFO for a test call
 * of {@code hotdesk emergency test}) and hands the alert to {@link EmergencyAlerts} (the webhook).
 *
 * <p>The call itself never waits for any of this: the dialplan announced it and dialled on. Blocking
 * (it reads and writes the ledger): run it off the AMI reader. It never throws: a ledger that cannot be
 * read still gives the log line and the alert, with the occupant unknown; a failing alert sink is
 * logged. Thread-safe.
 */
public final class AnnounceEmergency {

    private static final System.Logger LOG = System.getLogger(AnnounceEmergency.class.getName());

    private final Ledger ledger;
    private final EmergencyAlerts alerts;
    private final Clock clock;
    private final String node;

    public AnnounceEmergency(Ledger ledger, EmergencyAlerts alerts, Clock clock, String node) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.node = node == null ? "" : node;
    }

    /** Looks up, audits, logs and sends one call; returns what was sent. */
    public EmergencyAlert announce(EmergencyCall call) {
        Objects.requireNonNull(call, "call");
        Optional<EmergencyAlert.Occupant> occupant = Optional.empty();
        boolean known = true;
        String ledgerProblem = null;
        try {
            occupant = ledger.transact(tx -> {
                Optional<EmergencyAlert.Occupant> who = call.desk().isEmpty() ? Optional.empty()
                        : tx.occupancyOfLine(call.desk()).map(o -> new EmergencyAlert.Occupant(o.extension().value(),
                                tx.user(o.extension()).map(u -> u.name()).orElse("")));
                tx.audit(new AuditEntry(clock.instant(), "asterisk", call.test() ? "emergency.test" : "emergency.call",
                        call.desk(), "number=" + call.number() + " elin=" + orNone(call.elin()) + " where=" + orNone(call.where())
                                + " occupant=" + who.map(EmergencyAlert.Occupant::extension).orElse("(none)")
                                + " channel=" + call.channel()));
                return who;
            });
        } catch (RuntimeException e) {
            known = false;
            ledgerProblem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        EmergencyAlert alert = new EmergencyAlert(call, occupant, known, clock.instant(), node);
        log(alert, ledgerProblem);
        try {
            alerts.send(alert);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, () -> "emergency alert of desk " + call.desk() + " could not be handed to the"
                    + " webhook: " + e, e);
        }
        return alert;
    }

    private static void log(EmergencyAlert a, String ledgerProblem) {
        EmergencyCall c = a.call();
        String who = !a.occupantKnown() ? "occupant unknown (ledger: " + ledgerProblem + ")"
                : a.occupant().map(o -> "occupant " + o.extension() + (o.name().isEmpty() ? "" : " (" + o.name() + ")"))
                        .orElse("no occupant");
        String line = (c.test() ? "emergency TEST call" : "EMERGENCY CALL") + " from desk " + orNone(c.desk()) + ": dialled "
                + orNone(c.number()) + ", ELIN " + orNone(c.elin()) + ", where '" + c.where() + "', " + who + ", channel "
                + orNone(c.channel()) + (c.civic().isEmpty() ? ", no civic location" : "");
        LOG.log(c.test() ? System.Logger.Level.INFO : System.Logger.Level.ERROR, () -> line);
    }

    private static String orNone(String s) {
        return s.isEmpty() ? "(none)" : s;
    }
}
