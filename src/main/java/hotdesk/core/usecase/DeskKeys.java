package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.DeskKey;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Mac;
import hotdesk.core.port.Ledger;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The keys in desks' QR stickers ({@code <self-service.public-url>/desk/<key>}): 128 random bits,
 * URL-safe, one per desk line. The ledger keeps only the key's SHA-256, so a key is shown once, when
 * made, and a lost sticker needs a new key: {@link #issue} with {@code rotate} replaces the key and
 * the old sticker stops working at once; {@link #revoke} leaves the desk without one. Audited
 * ({@code desk-key.issue}, {@code desk-key.revoke}), never the key. Thread-safe.
 */
public final class DeskKeys {

    static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

    public sealed interface Result {
    }

    /** @param key the sticker's key: print it, keep it nowhere */
    public record Issued(DeskLine line, String label, String key) implements Result {
        @Override
        public String toString() {
            return "Issued[" + line + ", ***]";
        }
    }

    public record Refused(String why) implements Result {
    }

    private final Ledger ledger;
    private final SecureRandom random;
    private final Clock clock;

    public DeskKeys(Ledger ledger, SecureRandom random, Clock clock) {
        this.ledger = ledger;
        this.random = random;
        this.clock = clock;
    }

    /**
     * A key for line {@code port} of the device. Refused when there is no such device or line, or when
     * the line has a key already and {@code rotate} is false (its sticker would silently stop working).
     */
    public Result issue(String mac, int port, boolean rotate, String actor) {
        Optional<Mac> m = parse(mac);
        if (m.isEmpty()) {
            return new Refused("invalid MAC '" + printable(mac) + "': expected 12 hex digits, e.g. 00:15:65:12:34:AB");
        }
        byte[] b = new byte[16];
        random.nextBytes(b);
        String key = URL_SAFE.encodeToString(b);
        Instant now = clock.instant();
        return ledger.transact(tx -> {
            Optional<DeskLine> line = tx.linesOf(m.get()).stream().filter(l -> l.port() == port).findFirst();
            Optional<hotdesk.core.model.Device> device = tx.device(m.get());
            if (device.isEmpty()) {
                return new Refused("no device " + m.get().display());
            }
            if (line.isEmpty()) {
                return new Refused("device " + m.get().display() + " has no line " + port);
            }
            boolean had = tx.deskKeyOf(line.get().endpointId()).isPresent();
            if (had && !rotate) {
                return new Refused("desk " + line.get().endpointId() + " has a sticker key already and only its hash is kept: "
                        + "--rotate makes a new one (the old sticker stops working)");
            }
            tx.putDeskKey(new DeskKey(line.get().endpointId(), BoardSignIn.hash(key), now));
            tx.audit(new AuditEntry(now, actor, "desk-key.issue", line.get().endpointId(), had ? "rotated" : "new"));
            return new Issued(line.get(), device.get().label(), key);
        });
    }

    /** Deletes the key of line {@code port}: its sticker stops working. False when it had none. */
    public boolean revoke(String mac, int port, String actor) {
        Optional<Mac> m = parse(mac);
        if (m.isEmpty()) {
            return false;
        }
        Instant now = clock.instant();
        return ledger.transact(tx -> {
            Optional<DeskLine> line = tx.linesOf(m.get()).stream().filter(l -> l.port() == port).findFirst();
            if (line.isEmpty() || !tx.deleteDeskKey(line.get().endpointId())) {
                return false;
            }
            tx.audit(new AuditEntry(now, actor, "desk-key.revoke", line.get().endpointId(), ""));
            return true;
        });
    }

    /** A desk a sticker names: its line and the device's label (shown on the page). */
    public record Desk(DeskLine line, String label) {
    }

    /** The desk of a sticker key; empty for anything else (malformed keys are not hashed). Read-only. */
    public Optional<Desk> desk(String key) {
        if (key == null || !FORMAT.matcher(key).matches()) {
            return Optional.empty();
        }
        String hash = BoardSignIn.hash(key);
        return ledger.read(tx -> tx.deskKeyByHash(hash).flatMap(k -> tx.line(k.endpointId()))
                .flatMap(l -> tx.device(l.mac()).map(d -> new Desk(l, d.label()))));
    }

    private static Optional<Mac> parse(String mac) {
        return Mac.isValid(mac) ? Optional.of(Mac.parse(mac)) : Optional.empty();
    }

    private static String printable(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
    }
}
