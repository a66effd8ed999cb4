package hotdesk.provisioning;

import hotdesk.core.model.Mac;
import hotdesk.core.usecase.ProvisionDesk.DeskView;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Grandstream GXP desk phones and HT8xx analog gateways: XML {@code <gs_provision>} files of P-values.
 *
 * <p>Files: {@code cfg<mac>.xml}; the binary {@code cfg<mac>}, {@code cfg<model>.xml} and {@code cfg.xml} the
 * phones also ask for get a 404 that is not counted as a refusal. The User-Agent carries the MAC
 * ({@code Grandstream Model HW GXP2170 SW 1.0.11.3 DevId 000b82123456}); re-fetch on NOTIFY
 * {@code check-sync}. P26015 is written 0: Grandstream's configuration templates name it "Allow SIP Reset"
 * (GXP21xx) and "Allow SIP Factory Reset" (HT80x/HT81x), default No, so it lets a NOTIFY wipe the phone and
 * has nothing to do with the re-fetch; a phone an earlier version set to 1 is turned back.
 *
 * <p>Accounts: a desk phone's account 1 is P271 (active), P270 (name), P47 (server), P35 (user), P36 (auth
 * id), P34 (password), P3 (display name), P32 (expiry in minutes), P130 (transport); gateways lay their ports
 * out by family ({@link Family}). {@code #} is not the dial key (P72 = 0, on an HT802's second port P772)
 * and the dial plan (P290 on phones, P4200/P4201 on gateways) admits {@code *} and {@code #}, so every
 * feature code can be dialled. The time zone is self-defined: P64 = {@code customize} and the POSIX string in P246 (P64 itself
 * takes only the templates' listed zones). The logout key is multi-purpose key 1: P323 mode 0 (speed dial), P301 account, P302 name,
 * P303 value; BLF is mode 1. A gateway has no keys: its ports log out by code. Stateless and thread-safe.
 */
public final class GrandstreamProfile implements VendorProfile {

    /** Multi-purpose key modes. */
    static final int SPEED_DIAL = 0;
    static final int BLF = 1;

    private static final MacFileName DESK_FILE = new MacFileName("cfg", ".xml");
    /** The binary {@code cfg<mac>} asked for first, the per-model {@code cfg<model>.xml} and the generic {@code cfg.xml}. */
    private static final Pattern UNSERVED = Pattern.compile("cfg[0-9A-Fa-f]{12}|cfg[a-z0-9]{0,20}\\.xml");

    /** One account's P-values. */
    public record Account(int index, String active, String server, String user, String auth, String password,
                          String displayName, String name) {
        @Override
        public String toString() {
            return "Account[" + index + " " + user + " ***]";
        }
    }

    /** One P-value. */
    public record Value(String p, String value) {
    }

    /**
     * The P-values of physical multi-purpose key N (1..24): mode, account, name, value, as Grandstream's
     * configuration template (GXP21xx, firmware 1.0.11) lists them.
     */
    static String[] mpk(int n) {
        if (n < 1 || n > hotdesk.core.policy.KeyLayout.GRANDSTREAM_MPKS) {
            throw new IllegalArgumentException("no multi-purpose key " + n);
        }
        if (n <= 7) {
            return new String[] {"P" + (322 + n), "P" + (298 + 3 * n), "P" + (299 + 3 * n), "P" + (300 + 3 * n)};
        }
        int base = n <= 18 ? 353 + 4 * (n - 8) : 1440 + 4 * (n - 19);
        return new String[] {"P" + base, "P" + (base + 1), "P" + (base + 2), "P" + (base + 3)};
    }

    /** A dial plan that takes {@code *} and {@code #} as digits, so every feature code can be dialled. */
    static final String DIAL_PLAN = "{ [x*#]+ }";

    /**
     * How a model lays out its accounts, after Grandstream's configuration templates: desk phones (GXP); HT801
     * and HT802, where FXS port 1 is account P271/P47/P35… and port 2 account P401/P747/P735…; HT812, HT814
     * and HT818, where profile 1 (P271/P47…) holds the server and each FXS port N its own user P(4059+N),
     * authentication id P(4089+N), password P(4119+N), name P(4179+N), profile P(4149+N) and enable P(4594+N).
     */
    enum Family { PHONE, HT80X, HT81X }

    static Family family(String model) {
        String m = model.toUpperCase(java.util.Locale.ROOT);
        return m.startsWith("HT80") ? Family.HT80X : m.startsWith("HT81") ? Family.HT81X : Family.PHONE;
    }

    /** Mode None: the key does nothing. */
    static final int NO_KEY = -1;

    /** Every multi-purpose key after the logout key: speed dial (mode 0) or BLF (mode 1) on account 1, or none (-1). */
    static List<Value> userKeys(hotdesk.core.policy.KeyLayout layout) {
        List<Value> values = new java.util.ArrayList<>();
        for (int i = layout.firstKey(); i <= layout.lastKey(); i++) {
            String[] p = mpk(i);
            java.util.Optional<hotdesk.core.model.UserKey> k = layout.at(i);
            values.add(new Value(p[0], Integer.toString(k.map(x -> x.type() == hotdesk.core.model.UserKey.Type.BLF ? BLF : SPEED_DIAL)
                    .orElse(NO_KEY))));
            values.add(new Value(p[1], "0"));
            values.add(new Value(p[2], k.map(hotdesk.core.model.UserKey::shownLabel).orElse("")));
            values.add(new Value(p[3], k.map(hotdesk.core.model.UserKey::value).orElse("")));
        }
        return values;
    }

    @Override
    public String vendor() {
        return "grandstream";
    }

    @Override
    public String fileKind() {
        return "xml";
    }

    @Override
    public Optional<Mac> deskFile(String fileName) {
        return DESK_FILE.match(fileName);
    }

    @Override
    public boolean askedButUnserved(String fileName) {
        return fileName.startsWith("cfg") && UNSERVED.matcher(fileName).matches() && deskFile(fileName).isEmpty();
    }

    @Override
    public boolean userAgentCarriesMac() {
        return true;
    }

    @Override
    public String checkSyncEvent() {
        return "check-sync";
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> model(DeskView desk, ProvisioningSettings settings, Instant now) {
        Map<String, Object> m = DeskModel.common(desk, settings, now);
        boolean gateway = family(desk.device().model()) != Family.PHONE;
        List<Value> values = new java.util.ArrayList<>();
        String server = settings.sipServer() + ":" + settings.sipPort();
        String expiry = Long.toString(Math.max(1, (settings.registrationExpiry().toSeconds() + 59) / 60));
        String transport = Integer.toString(ProvisioningSettings.TRANSPORTS.indexOf(settings.sipTransport()));
        List<DeskModel.Account> accounts = (List<DeskModel.Account>) m.get("accounts");
        switch (family(desk.device().model())) {
            case PHONE -> {
                DeskModel.Account a = accounts.get(0);
                values.add(new Value("P271", "1"));
                values.add(new Value("P270", a.label()));
                values.add(new Value("P47", server));
                values.add(new Value("P35", a.userName()));
                values.add(new Value("P36", a.authName()));
                values.add(new Value("P34", a.password()));
                values.add(new Value("P3", a.displayName()));
                values.add(new Value("P32", expiry));
                values.add(new Value("P130", transport));
                values.add(new Value("P72", "0"));
                values.add(new Value("P290", DIAL_PLAN));
            }
            case HT80X -> {
                // FXS port 1 and (HT802) port 2 are accounts of their own, each with its own dial settings
                for (DeskModel.Account a : accounts) {
                    boolean first = a.index() == 1;
                    values.add(new Value(first ? "P271" : "P401", "1"));
                    values.add(new Value(first ? "P47" : "P747", server));
                    values.add(new Value(first ? "P35" : "P735", a.userName()));
                    values.add(new Value(first ? "P36" : "P736", a.authName()));
                    values.add(new Value(first ? "P34" : "P734", a.password()));
                    values.add(new Value(first ? "P3" : "P703", a.displayName()));
                    values.add(new Value(first ? "P32" : "P732", expiry));
                    values.add(new Value(first ? "P130" : "P830", transport));
                    values.add(new Value(first ? "P72" : "P772", "0"));
                    values.add(new Value(first ? "P4200" : "P4201", DIAL_PLAN));
                }
            }
            case HT81X -> {
                // profile 1 holds the server and the dial settings; every FXS port is an account on profile 1
                values.add(new Value("P271", "1"));
                values.add(new Value("P47", server));
                values.add(new Value("P32", expiry));
                values.add(new Value("P130", transport));
                values.add(new Value("P72", "0"));
                values.add(new Value("P4200", DIAL_PLAN));
                for (DeskModel.Account a : accounts) {
                    int i = a.index() - 1;
                    values.add(new Value("P" + (4060 + i), a.userName()));
                    values.add(new Value("P" + (4090 + i), a.authName()));
                    values.add(new Value("P" + (4120 + i), a.password()));
                    values.add(new Value("P" + (4180 + i), a.displayName()));
                    values.add(new Value("P" + (4150 + i), "0"));
                    values.add(new Value("P" + (4595 + i), "1"));
                }
            }
        }
        values.add(new Value("P26015", "0"));
        DeskModel.Time t = (DeskModel.Time) m.get("time");
        values.add(new Value("P30", settings.ntpServer()));
        values.add(new Value("P64", "customize"));
        values.add(new Value("P246", t.posix()));
        if (!gateway) {
            boolean occupied = (boolean) m.get("occupied");
            values.add(new Value("P323", Integer.toString(SPEED_DIAL)));
            values.add(new Value("P301", "0"));
            values.add(new Value("P302", occupied ? "Logout" : ""));
            values.add(new Value("P303", occupied ? settings.logoutCode() : ""));
            values.addAll(userKeys(DeskModel.keyLayout(desk)));
        }
        m.put("values", List.copyOf(values));
        m.put("gateway", gateway);
        return m;
    }
}
