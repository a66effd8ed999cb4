package hotdesk.testing;

import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.policy.LoginLimits;
import hotdesk.core.policy.SeatingPolicy;
import hotdesk.core.policy.PjsipProfile;
import hotdesk.core.policy.Projections;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.port.Ledger;
import hotdesk.core.usecase.DeskStatus;
import hotdesk.core.usecase.IssueOtp;
import hotdesk.core.usecase.LocateDesks;
import hotdesk.core.usecase.LogIn;
import hotdesk.core.usecase.LogOut;
import hotdesk.core.usecase.ManageDevices;
import hotdesk.core.usecase.ManageSites;
import hotdesk.core.usecase.ManageUsers;
import hotdesk.core.usecase.ProvisionDesk;
import hotdesk.core.usecase.Reconcile;
import hotdesk.core.usecase.Unlock;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;

/**
 * The core wired on fakes (or on any ledger): an in-memory Asterisk, a hand-moved clock, cheap hashing.
 * {@code world.user("101", "Alice", "4711")} and {@code world.device("0015651234ab")} set the scene.
 */
public final class TestWorld {

    public static final String NODE = "test-node";

    public final Ledger ledger;
    public final RecordingAsterisk asterisk = new RecordingAsterisk();
    public final MutableClock clock = MutableClock.atNoon();
    public final SecretHasher hasher = new SecretHasher(1000, new SecureRandom());
    /** The default limits (5 per extension at a desk, 10 per desk, alert 8 and lock 12 per extension), single login. */
    public final SeatingPolicy seating;
    public final Reconcile reconcile;
    public final LogIn logIn;
    public final LogOut logOut;
    public final IssueOtp issueOtp;
    public final ManageUsers users;
    public final ManageDevices devices;
    public final DeskStatus status;
    public final Unlock unlock;
    public final ProvisionDesk provision;
    public final ManageSites sites;
    public final LocateDesks locations;

    public TestWorld() {
        this(new InMemoryLedger());
    }

    public TestWorld(Ledger ledger) {
        this(ledger, new SeatingPolicy(LoginLimits.defaults(), MultiLogin.SINGLE));
    }

    public TestWorld(Ledger ledger, SeatingPolicy seating) {
        this.ledger = ledger;
        this.seating = seating;
        SecureRandom random = new SecureRandom();
        this.reconcile = new Reconcile(ledger, asterisk, asterisk, asterisk, new Projections(PjsipProfile.defaults()), clock,
                NODE, Duration.ofSeconds(60));
        this.logIn = new LogIn(ledger, hasher, seating, reconcile, clock);
        this.logOut = new LogOut(ledger, reconcile, clock);
        this.issueOtp = new IssueOtp(ledger, hasher, random, Duration.ofMinutes(2), clock);
        this.users = new ManageUsers(ledger, hasher, random, "internal", clock);
        this.devices = new ManageDevices(ledger, random, Set.of("yealink"), clock);
        this.status = new DeskStatus(ledger, seating.limits(), clock);
        this.unlock = new Unlock(ledger, clock);
        this.provision = new ProvisionDesk(ledger, clock);
        this.sites = new ManageSites(ledger, clock);
        this.locations = new LocateDesks(ledger, "", clock);
    }

    public TestWorld user(String ext, String name, String pin) {
        var r = users.add(new ManageUsers.NewUser(ext, name, pin, "internal", ext + "@default", null, true), "test");
        if (!(r instanceof ManageUsers.Done)) {
            throw new IllegalStateException("could not add user: " + r);
        }
        return this;
    }

    public TestWorld device(String mac) {
        var r = devices.add(new ManageDevices.NewDevice(mac, "yealink", "T54W", null, "HQ", "", 1), "test");
        if (!(r instanceof ManageDevices.Done)) {
            throw new IllegalStateException("could not add device: " + r);
        }
        return this;
    }

    public static String desk(String mac) {
        return Mac.parse(mac).endpointId();
    }

    public LogIn.Result pinLogin(String mac, String ext, String pin) {
        return logIn.execute(desk(mac), new LogIn.Pin(Extension.of(ext), pin), "test");
    }
}
