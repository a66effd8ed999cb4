package hotdesk.core.usecase;

import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.Target;
import hotdesk.core.model.User;
import hotdesk.core.policy.EmergencyLocation.Located;
import hotdesk.core.policy.ValueRules;
import hotdesk.core.port.Ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads every desk line with its occupant and what the given node last applied. Read-only. */
public final class DeskStatus {

    /**
     * @param revision the ledger's revision of this desk
     * @param appliedRevision what the node last pushed to Asterisk (empty: never)
     * @param lastError the last push error, if the latest attempt failed
     * @param occupantApplied whether the occupant's own endpoint (the desk first in its {@code aors}, so
     *                        calls to them ring here) is pushed too; true when the desk is idle
     * @param occupantError the last push error of the occupant's endpoint, e.g. a 403 because their
     *                      extension is defined in pjsip.conf, where hotdesk cannot change it
     * @param located where the desk is for emergency calls (effective ELIN, civic location, warnings)
     */
    public record Line(Device device, DeskLine line, Optional<Occupancy> occupancy, Optional<User> occupant,
                       long revision, Optional<Long> appliedRevision, Optional<String> lastError,
                       boolean occupantApplied, Optional<String> occupantError, Located located) {
        /** This node pushed the desk's latest revision (its occupant's endpoint aside). */
        public boolean deskApplied() {
            return appliedRevision.isPresent() && appliedRevision.get() >= revision;
        }

        /** Asterisk matches the ledger for this desk and for the person sitting at it. */
        public boolean inSync() {
            return deskApplied() && occupantApplied;
        }
    }

    private final Ledger ledger;
    private final String defaultElin;

    /** Without a global default ELIN. */
    public DeskStatus(Ledger ledger) {
        this(ledger, "");
    }

    /** @param defaultElin {@code emergency.default-elin}, empty for none */
    public DeskStatus(Ledger ledger, String defaultElin) {
        this.ledger = ledger;
        this.defaultElin = ValueRules.number("emergency.default-elin", defaultElin);
    }

    public List<Line> lines(String node) {
        return ledger.read(tx -> {
            Map<Target, Long> revisions = tx.revisions();
            Map<Target, Long> applied = tx.applied(node);
            List<Line> out = new ArrayList<>();
            for (Device d : tx.devices()) {
                Located located = LocateDesks.locate(tx, d, defaultElin);
                for (DeskLine l : tx.linesOf(d.mac())) {
                    Target t = Target.desk(l.endpointId());
                    Optional<Occupancy> o = tx.occupancyOfLine(l.endpointId());
                    Optional<Target> u = o.map(x -> Target.user(x.extension()));
                    boolean occupantApplied = u.map(ut -> applied.containsKey(ut)
                            && applied.get(ut) >= revisions.getOrDefault(ut, 0L)).orElse(true);
                    out.add(new Line(d, l, o, o.flatMap(x -> tx.user(x.extension())),
                            revisions.getOrDefault(t, 0L), Optional.ofNullable(applied.get(t)), tx.lastError(node, t),
                            occupantApplied, u.flatMap(ut -> tx.lastError(node, ut)), located));
                }
            }
            return out;
        });
    }
}
