package hotdesk.app;

import hotdesk.cli.CliContext;
import hotdesk.cli.SecretInput;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.policy.LoginLimits;
import hotdesk.core.policy.SeatingPolicy;
import hotdesk.core.policy.PjsipProfile;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.policy.ValueRules;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.OccupancyCharts;
import hotdesk.core.usecase.ApplyNow;
import hotdesk.core.usecase.DeskStatus;
import hotdesk.core.usecase.IssueOtp;
import hotdesk.core.usecase.LocateDesks;
import hotdesk.core.usecase.LogOut;
import hotdesk.core.usecase.ManageAdmins;
import hotdesk.core.usecase.ManageDevices;
import hotdesk.core.usecase.ManageSites;
import hotdesk.core.usecase.ManageUsers;
import hotdesk.core.usecase.OccupancyReport;
import hotdesk.report.JFreeOccupancyCharts;
import hotdesk.core.usecase.Unlock;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneId;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Typed settings and use cases built from a {@link Config}: shared by {@code serve} and the admin
 * commands. The ledger is opened on first use. Not thread-safe while opening; close it once.
 */
final class Services implements CliContext, AutoCloseable {

    static final Set<String> VENDORS = hotdesk.provisioning.VendorProfiles.vendors();

    private final Supplier<Config> configSource;
    private Config config;
    private Database database;
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();
    private final SecretInput secretInput;

    /** For the server (and checks): the ledger opened as a long-lived process. */
    Services(Supplier<Config> configSource) {
        this(configSource, SecretInput.none(), false);
    }

    /** For one admin command: on the embedded ledger, commands take turns ({@link Database#openForCommand}). */
    Services(Supplier<Config> configSource, SecretInput secretInput) {
        this(configSource, secretInput, true);
    }

    private Services(Supplier<Config> configSource, SecretInput secretInput, boolean forCommand) {
        this.configSource = configSource;
        this.secretInput = secretInput;
        this.forCommand = forCommand;
    }

    private final boolean forCommand;

    @Override
    public SecretInput secretInput() {
        return secretInput;
    }

    Config config() {
        if (config == null) {
            config = configSource.get();
        }
        return config;
    }

    @Override
    public long maxProvisions() {
        return config().integer("provisioning.max-provisions", 0, 1_000_000_000);
    }

    @Override
    public hotdesk.core.model.DeskPhoneSettings phoneDefaults() {
        return Server.provisioningSettings(config()).phoneDefaults();
    }

    @Override
    public Clock clock() {
        return clock;
    }

    SecureRandom random() {
        return random;
    }

    /**
     * {@code db.url} when set (PostgreSQL, or an H2 file URL with every option the ledger needs), else
     * the embedded ledger in the directory {@code db.path}. Setting both is an error: one of them would
     * be ignored.
     */
    static DatabaseSettings databaseSettings(Config c) {
        String url = c.string("db.url");
        String path = c.string("db.path").strip();
        if (url.isBlank()) {
            if (path.isEmpty()) {
                throw new IllegalArgumentException("db.path must name the directory of the embedded ledger (default data), "
                        + "or set db.url");
            }
            try {
                return DatabaseSettings.embedded(Path.of(path).toAbsolutePath());
            } catch (java.nio.file.InvalidPathException e) {
                throw new IllegalArgumentException("db.path is not a directory name this system accepts: " + e.getMessage(), e);
            }
        }
        if (!c.origin("db.path").equals("default")) {
            throw new IllegalArgumentException("db.path (from " + c.origin("db.path") + ") and db.url (from " + c.origin("db.url")
                    + ") are both set: db.path places the embedded ledger, db.url names another database; set one of them");
        }
        String user = c.string("db.user");
        return new DatabaseSettings(url, user, c.string("db.password"), c.integer("db.pool-size", 1, 64));
    }

    Ledger ledger() {
        if (database == null) {
            DatabaseSettings settings = databaseSettings(config());
            database = forCommand ? Database.openForCommand(settings) : Database.open(settings);
        }
        return database.ledger();
    }

    /** Sets again what hotdesk sets on an embedded ledger after an open ({@link Database#keepSettings}). */
    void keepLedgerSettings() {
        ledger();
        database.keepSettings();
    }

    /** The settings of the open ledger's database (opens it first when needed). */
    hotdesk.store.DatabaseSettings databaseSettings() {
        ledger();
        return database.settings();
    }

    SecretHasher pinHasher() {
        return new SecretHasher(iterations(config(), "security.pin-iterations"), random);
    }

    SecretHasher otpHasher() {
        return new SecretHasher(iterations(config(), "security.otp-iterations"), random);
    }

    /** PBKDF2 iterations of a {@code security.*-iterations} key (checked without hashing anything). */
    static int iterations(Config c, String key) {
        return c.integer(key, 1000, 10_000_000);
    }

    LoginLimits lockout() {
        Config c = config();
        Duration window = c.duration("lockout.window");
        Duration lockFor = c.duration("lockout.duration");
        if (window.isZero()) {
            throw new IllegalArgumentException("lockout.window must be more than 0, got " + c.string("lockout.window"));
        }
        if (lockFor.isZero()) {
            throw new IllegalArgumentException("lockout.duration must be more than 0, got " + c.string("lockout.duration"));
        }
        return LoginLimits.of(c.integer("lockout.max-failures", 1, 1000), c.integer("lockout.desk-max-failures", 1, 1000),
                c.integer("lockout.user-alert-failures", 1, 1000), c.integer("lockout.user-max-failures", 1, 1000),
                window, lockFor, c.integer("lockout.trusted-desks", 0, 10), c.duration("lockout.trusted-for"));
    }

    /** The seating decisions with this configuration's limits and {@code login.multi-login}. */
    SeatingPolicy seatingPolicy() {
        return new SeatingPolicy(lockout(), MultiLogin.parse("login.multi-login", config().string("login.multi-login")));
    }

    PjsipProfile pjsipProfile() {
        Config c = config();
        var extras = new java.util.LinkedHashMap<>(PjsipProfile.defaults().endpointExtras());
        extras.putAll(c.family("pjsip.endpoint."));
        return new PjsipProfile(c.string("pjsip.transport"), c.string("pjsip.allow"), c.string("pjsip.idle-context"),
                c.integer("pjsip.user-max-contacts", 1, 20), extras);
    }

    /** {@code emergency.default-elin}: the ELIN of desks whose device and site have none (empty: none). */
    String defaultElin() {
        return ValueRules.number("emergency.default-elin", config().string("emergency.default-elin").strip());
    }

    @Override
    public String node() {
        String n = config().string("node.name");
        if (!n.isBlank()) {
            return n;
        }
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "local" : host;
    }

    @Override
    public hotdesk.core.usecase.ManageKeys keys() {
        return new hotdesk.core.usecase.ManageKeys(ledger(), clock);
    }

    @Override
    public ManageUsers users() {
        return new ManageUsers(ledger(), pinHasher(), random, config().string("users.default-context"), clock);
    }

    @Override
    public ManageAdmins admins() {
        return new ManageAdmins(ledger(), pinHasher(), clock);
    }

    @Override
    public ManageDevices devices() {
        return new ManageDevices(ledger(), random, VENDORS, clock);
    }

    @Override
    public IssueOtp otp() {
        return new IssueOtp(ledger(), otpHasher(), random, config().duration("otp.validity"), clock);
    }

    @Override
    public LogOut logOut() {
        return new LogOut(ledger(), ApplyNow.later(), clock);
    }

    @Override
    public DeskStatus status() {
        return new DeskStatus(ledger(), lockout(), clock, defaultElin());
    }

    @Override
    public Unlock unlock() {
        return new Unlock(ledger(), clock);
    }

    @Override
    public OccupancyReport occupancy() {
        return new OccupancyReport(ledger(), clock);
    }

    @Override
    public OccupancyCharts charts() {
        return new JFreeOccupancyCharts();
    }

    @Override
    public ZoneId zone() {
        String zone = config().string("provisioning.timezone");
        try {
            return ZoneId.of(zone);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("provisioning.timezone: not a time zone: '" + zone + "' (an IANA id such as Europe/Berlin)");
        }
    }

    @Override
    public ManageSites sites() {
        return new ManageSites(ledger(), clock);
    }

    @Override
    public hotdesk.core.usecase.AutoLogout autoLogout() {
        // the CLI only reads and sets rules: the server's passes ask Asterisk, this one never runs a pass
        return new hotdesk.core.usecase.AutoLogout(ledger(), java.util.Optional::empty, logOut(), Server.autoLogoutRules(config()),
                Server.zone(config()), clock);
    }

    @Override
    public hotdesk.core.usecase.ReadAudit audit() {
        return new hotdesk.core.usecase.ReadAudit(ledger());
    }

    @Override
    public LocateDesks locations() {
        return new LocateDesks(ledger(), defaultElin(), clock);
    }

    @Override
    public void close() {
        if (database != null) {
            database.close();
            database = null;
        }
    }

    @Override
    public hotdesk.core.usecase.ApiTokens apiTokens() {
        return new hotdesk.core.usecase.ApiTokens(ledger(), random, clock);
    }

    @Override
    public hotdesk.core.usecase.DeskKeys deskKeys() {
        return new hotdesk.core.usecase.DeskKeys(ledger(), random, clock);
    }

    @Override
    public hotdesk.core.usecase.DeviceLogins deviceLogins() {
        return new hotdesk.core.usecase.DeviceLogins(ledger(), random, clock);
    }

    @Override
    public hotdesk.core.port.QrStickers qrStickers() {
        return new hotdesk.selfservice.ZxingQrStickers();
    }

    @Override
    public hotdesk.core.usecase.PreviewDeskFile deskFiles() {
        return new hotdesk.core.usecase.PreviewDeskFile(ledger(), clock,
                new hotdesk.provisioning.DeskFiles(Server.provisioningSettings(config())));
    }

    @Override
    public java.util.Optional<String> selfServiceUrl() {
        return Server.publicUrl(config());
    }
}
