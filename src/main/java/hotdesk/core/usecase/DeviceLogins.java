package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.DeviceCredential;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Target;
import hotdesk.core.port.Ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Per-device provisioning credentials: the user name ({@code hd-<mac>}) and password a desk phone sends
 * with HTTP Basic authentication when it fetches its own file ({@code provisioning.device-auth=basic}).
 * The password is 192 random bits, URL-safe base64 (32 characters); the ledger keeps only its SHA-256,
 * so it is shown once, when made. A fast unsalted hash is enough for a random secret of that entropy
 * (nobody can guess through 2^192) and keeps the fetch path free of a PBKDF2. {@link #issue} with
 * {@code rotate} replaces it: the phone then gets 401 until its settings hold the new one. Every change
 * bumps the desk's lines, so a running server sees it at the next fetch. Audited
 * ({@code device.credentials}), never the password. Thread-safe.
 */
public final class DeviceLogins {

    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

    public sealed interface Result {
    }

    /** @param password the password: print it, keep it nowhere */
    public record Issued(Mac mac, String user, String password) implements Result {
        @Override
        public String toString() {
            return "Issued[" + mac + ", " + user + ", ***]";
        }
    }

    public record Refused(String why) implements Result {
    }

    private final Ledger ledger;
    private final SecureRandom random;
    private final Clock clock;

    public DeviceLogins(Ledger ledger, SecureRandom random, Clock clock) {
        this.ledger = ledger;
        this.random = random;
        this.clock = clock;
    }

    /**
     * New credentials for the device. Refused when there is no such device, or when it has credentials
     * already and {@code rotate} is false (the phone holding them would silently be locked out).
     */
    public Result issue(String mac, boolean rotate, String actor) {
        if (mac == null || !Mac.isValid(mac)) {
            return new Refused("invalid MAC '" + (mac == null ? "" : mac.replaceAll("\\p{Cntrl}", "?"))
                    + "': expected 12 hex digits, e.g. 00:15:65:12:34:AB");
        }
        Mac m = Mac.parse(mac);
        String password = newPassword();
        Instant now = clock.instant();
        return ledger.transact(tx -> {
            if (tx.device(m).isEmpty()) {
                return new Refused("no device " + m.display());
            }
            boolean had = tx.deviceCredential(m).isPresent();
            if (had && !rotate) {
                return new Refused("device " + m.display() + " has provisioning credentials already and only their hash is "
                        + "kept: --rotate makes new ones (the phone then needs the new password)");
            }
            tx.putDeviceCredential(new DeviceCredential(m, hash(password), now));
            tx.linesOf(m).forEach(l -> tx.bump(Target.desk(l.endpointId())));
            tx.audit(new AuditEntry(now, actor, "device.credentials", m.value(), had ? "rotated" : "new"));
            return new Issued(m, DeviceCredential.userFor(m), password);
        });
    }

    /** Deletes the device's credentials (with device auth on, its fetches then get 401). False when it had none. */
    public boolean revoke(String mac, String actor) {
        if (mac == null || !Mac.isValid(mac)) {
            return false;
        }
        Mac m = Mac.parse(mac);
        Instant now = clock.instant();
        return ledger.transact(tx -> {
            if (!tx.deleteDeviceCredential(m)) {
                return false;
            }
            tx.linesOf(m).forEach(l -> tx.bump(Target.desk(l.endpointId())));
            tx.audit(new AuditEntry(now, actor, "device.credentials", m.value(), "revoked"));
            return true;
        });
    }

    /** When the device's credentials were made; empty when it has none. Read-only. */
    public Optional<Instant> created(Mac mac) {
        return ledger.read(tx -> tx.deviceCredential(mac).map(DeviceCredential::created));
    }

    /**
     * Whether {@code password} is the one whose hash is {@code stored}: compared in constant time, and a
     * missing credential costs the same hash and compare as a wrong one.
     */
    public static boolean matches(Optional<DeviceCredential> stored, String password) {
        byte[] given = hash(password == null ? "" : password).getBytes(StandardCharsets.US_ASCII);
        byte[] kept = stored.map(DeviceCredential::secretHash).orElse(NOTHING).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(given, kept) && stored.isPresent();
    }

    /** Compared against when a device has no credential: the SHA-256 of no password is never stored. */
    private static final String NOTHING = "0".repeat(64);

    static String hash(String password) {
        return BoardSignIn.hash(password);
    }

    private String newPassword() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return URL_SAFE.encodeToString(b);
    }
}
