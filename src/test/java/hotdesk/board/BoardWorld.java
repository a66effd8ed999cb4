package hotdesk.board;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.Extension;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.policy.LockoutPolicy;
import hotdesk.core.policy.LoginLimits;
import hotdesk.core.policy.SeatingPolicy;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.port.Ledger;
import hotdesk.core.usecase.ApplyNow;
import hotdesk.core.usecase.BoardSignIn;
import hotdesk.core.usecase.DeskStatus;
import hotdesk.core.usecase.LocalDeskEvents;
import hotdesk.core.usecase.LogIn;
import hotdesk.core.usecase.LogOut;
import hotdesk.core.usecase.ManageAdmins;
import hotdesk.core.usecase.ManageDevices;
import hotdesk.core.usecase.ManageUsers;
import hotdesk.core.usecase.OccupancyReport;
import hotdesk.report.JFreeOccupancyCharts;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A board on a real H2 ledger file with the core use cases the server gives it: users, desks and board
 * accounts made through the use cases, logins through {@link LogIn} (events included), no Asterisk
 * (the applier is {@link ApplyNow#later()}).
 */
final class BoardWorld implements AutoCloseable {

    static final String PIN = "3865";
    static final String USER_SIP_SECRET = "User-Sip-Secret-4b7e19c2d0";
    static final String ADMIN_PASSWORD = "correct horse battery";
    static final String VIEWER_PASSWORD = "viewer password 42";
    static final String MAC = "00:15:65:b5:1f:01";
    static final String DESK = "hd-001565b51f01";

    final Database database;
    final Ledger ledger;
    final Clock clock = Clock.systemUTC();
    final SecureRandom random = new SecureRandom();
    final SecretHasher hasher = new SecretHasher(1000, random);
    final LocalDeskEvents events = new LocalDeskEvents();
    final LogIn logIn;
    final LogOut logOut;
    final BoardSignIn signIn;

    BoardWorld(Path dir) {
        database = Database.open(DatabaseSettings.h2(dir.resolve("ledger")));
        ledger = database.ledger();
        logIn = new LogIn(ledger, hasher, new SeatingPolicy(LoginLimits.defaults(), MultiLogin.SINGLE), ApplyNow.later(), clock, events);
        logOut = new LogOut(ledger, ApplyNow.later(), clock, events);
        signIn = new BoardSignIn(ledger, hasher, new LockoutPolicy(5, Duration.ofMinutes(15), Duration.ofMinutes(15)),
                Duration.ofHours(1), random, clock);
        ManageUsers users = new ManageUsers(ledger, hasher, random, "internal", clock);
        assertThat(users.add(new ManageUsers.NewUser("101", "Alice Example", PIN, null, null, USER_SIP_SECRET, true), "test"))
                .isInstanceOf(ManageUsers.Done.class);
        assertThat(users.add(new ManageUsers.NewUser("102", "Bob Builder", "5197", null, null, null, true), "test"))
                .isInstanceOf(ManageUsers.Done.class);
        addDesk(MAC, "Desk B1", "HQ");
        ManageAdmins admins = new ManageAdmins(ledger, hasher, clock);
        assertThat(admins.add("anna", "admin", ADMIN_PASSWORD, "test")).isInstanceOf(ManageAdmins.Done.class);
        assertThat(admins.add("victor", "viewer", VIEWER_PASSWORD, "test")).isInstanceOf(ManageAdmins.Done.class);
    }

    void addDesk(String mac, String label, String site) {
        assertThat(new ManageDevices(ledger, random, Set.of("yealink"), clock)
                .add(new ManageDevices.NewDevice(mac, "yealink", "T54W", label, site, "911", 1), "test"))
                .isInstanceOf(ManageDevices.Done.class);
    }

    BoardServer.Uses uses() {
        return uses(ledger);
    }

    /** The use cases, the board's desk status reading through {@code statusLedger} (a wrapper of {@link #ledger}). */
    BoardServer.Uses uses(Ledger statusLedger) {
        return new BoardServer.Uses(signIn, new DeskStatus(statusLedger, LoginLimits.defaults(), clock, ""), logOut,
                new OccupancyReport(ledger, clock), new JFreeOccupancyCharts(), ZoneId.of("UTC"), events, "board-test", clock);
    }

    BoardServer start(BoardSettings settings) {
        BoardServer b = new BoardServer(settings, uses());
        b.start();
        return b;
    }

    static BoardSettings plain() {
        return new BoardSettings("127.0.0.1", 0, Optional.empty(), "");
    }

    void logInAlice() {
        assertThat(logIn.execute(DESK, new LogIn.Pin(Extension.of("101"), PIN), "agi:test")).isInstanceOf(LogIn.LoggedIn.class);
    }

    /** Whether someone sits at {@link #DESK}. */
    boolean seated() {
        return ledger.read(tx -> tx.occupancyOfLine(DESK).isPresent());
    }

    /** Every secret this world made that a page must never show: PINs, the SIP secrets, hashes. */
    List<String> secrets() {
        return ledger.read(tx -> {
            List<String> s = new java.util.ArrayList<>(List.of(PIN, "5197", USER_SIP_SECRET, ADMIN_PASSWORD, VIEWER_PASSWORD));
            tx.users().forEach(u -> {
                s.add(u.sipSecret());
                s.add(u.pinHash().encoded());
            });
            tx.lines().forEach(l -> s.add(l.secret()));
            tx.adminAccounts().forEach(a -> s.add(a.passwordHash().encoded()));
            return s;
        });
    }

    List<AuditEntry> audit() {
        return ledger.read(tx -> tx.auditTail(1000));
    }

    @Override
    public void close() {
        database.close();
    }
}
