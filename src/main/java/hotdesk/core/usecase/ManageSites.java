package hotdesk.core.usecase;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.CivicField;
import hotdesk.core.model.CivicLocation;
import hotdesk.core.model.Device;
import hotdesk.core.model.Site;
import hotdesk.core.model.SitePhoneSettings;
import hotdesk.core.model.Target;
import hotdesk.core.model.UrlKeyHash;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerTx;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Admin changes to sites: their civic address, ELIN, time zone and what their phones are told (SIP server, port
 * and transport, NTP server, registration expiry) and where they may register from (networks). A site's address and ELIN are part
 * of every desk of the site (see {@code EmergencyLocation}), so every change bumps the desk lines of
 * the devices that name the site, and the reconciler rewrites their facts in Asterisk. Fields are
 * named as on the command line and in CSV files ({@link #FIELDS}); a bad value is refused with a
 * message naming the field, and a refused change writes nothing. Thread-safe.
 */
public final class ManageSites {

    public static final String NAME = "name";
    public static final String ELIN = "elin";
    public static final String TIME_ZONE = "time-zone";
    public static final String SIP_SERVER = "sip-server";
    public static final String SIP_PORT = "sip-port";
    public static final String SIP_TRANSPORT = "sip-transport";
    public static final String NTP_SERVER = "ntp-server";
    public static final String REGISTRATION_EXPIRY = "registration-expiry";
    public static final String NETWORKS = "networks";
    /**
     * The site's own provisioning URL key, given to {@link #add} and {@link #set} only: a key (22 to 128 of
     * A-Z a-z 0-9 _ -) to set, or empty to clear. Not one of {@link #FIELDS}: it is a secret, kept as its
     * hash only ({@link UrlKeyHash}), so it is never listed, exported or imported, and an audit or a diff says
     * only that it was set, replaced or removed.
     */
    public static final String URL_KEY = "url-key";
    /** The fields of a site's phones ({@link SitePhoneSettings}); empty means the global key. */
    public static final List<String> PHONE_FIELDS = List.of(SIP_SERVER, SIP_PORT, SIP_TRANSPORT, NTP_SERVER,
            REGISTRATION_EXPIRY, NETWORKS);
    /** Every field of a site but its name, in the order of listings and CSV columns. */
    public static final List<String> FIELDS = fields();

    public sealed interface Result {
    }

    /**
     * @param change what changed ({@link Import.Kind#UNCHANGED} when the given values were already there)
     * @param desks  the desk lines of devices naming the site, which follow the change
     */
    public record Done(Site site, Import.Change change, List<String> desks) implements Result {
    }

    public record Refused(String why) implements Result {
    }

    private final Ledger ledger;
    private final Clock clock;

    public ManageSites(Ledger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    private static List<String> fields() {
        List<String> f = new ArrayList<>();
        f.add(ELIN);
        for (CivicField c : CivicField.values()) {
            if (CivicField.SITE.contains(c)) {
                f.add(c.option());
            }
        }
        f.add(TIME_ZONE);
        f.addAll(PHONE_FIELDS);
        return List.copyOf(f);
    }

    /** A field's value as it is kept, or IllegalArgumentException naming the field (also an unknown one). */
    public static String check(String field, String value) {
        if (field.equals(URL_KEY)) {
            return value == null || value.isEmpty() ? "" : UrlKeyHash.checkKey(URL_KEY, value);
        }
        if (field.equals(ELIN)) {
            return Site.checkElin(value);
        }
        if (field.equals(TIME_ZONE)) {
            return Site.checkTimeZone(value);
        }
        switch (field) {
            case SIP_SERVER, NTP_SERVER -> {
                return SitePhoneSettings.checkHost(field, value);
            }
            case SIP_PORT -> {
                int p = SitePhoneSettings.parsePort(value);
                return p == 0 ? "" : Integer.toString(p);
            }
            case SIP_TRANSPORT -> {
                return SitePhoneSettings.checkTransport(value);
            }
            case REGISTRATION_EXPIRY -> {
                int e = SitePhoneSettings.parseExpiry(value);
                return e == 0 ? "" : e + "s";
            }
            case NETWORKS -> {
                return String.join(",", SitePhoneSettings.parseNetworks(value));
            }
            default -> {
                return CivicLocation.check(civic(field), value);
            }
        }
    }

    private static CivicField civic(String field) {
        return CivicField.byOption(field).filter(CivicField.SITE::contains).orElseThrow(() -> new IllegalArgumentException(
                "a site has no field '" + field + "': its fields are " + String.join(", ", FIELDS)));
    }

    /** The value of one of {@link #FIELDS}. */
    public static String value(Site site, String field) {
        if (field.equals(ELIN)) {
            return site.elin();
        }
        if (field.equals(TIME_ZONE)) {
            return site.timeZone();
        }
        SitePhoneSettings p = site.phones();
        return switch (field) {
            case SIP_SERVER -> p.sipServer();
            case SIP_PORT -> p.sipPort() == 0 ? "" : Integer.toString(p.sipPort());
            case SIP_TRANSPORT -> p.sipTransport();
            case NTP_SERVER -> p.ntpServer();
            case REGISTRATION_EXPIRY -> p.expirySeconds() == 0 ? "" : p.expirySeconds() + "s";
            case NETWORKS -> String.join(",", p.networks());
            default -> site.address().get(civic(field));
        };
    }

    /** {@code base} (or a new site) with the given fields replaced. */
    static Site apply(Optional<Site> base, String name, Map<String, String> changes) {
        String elin = base.map(Site::elin).orElse("");
        String zone = base.map(Site::timeZone).orElse(Site.DEFAULT_TIME_ZONE);
        Map<CivicField, String> address = new EnumMap<>(CivicField.class);
        base.ifPresent(b -> address.putAll(b.address().values()));
        SitePhoneSettings p = base.map(Site::phones).orElse(SitePhoneSettings.NONE);
        String sipServer = p.sipServer();
        int sipPort = p.sipPort();
        String transport = p.sipTransport();
        String ntp = p.ntpServer();
        int expiry = p.expirySeconds();
        List<String> networks = p.networks();
        Optional<UrlKeyHash> urlKey = base.flatMap(Site::urlKey);
        for (Map.Entry<String, String> e : changes.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case URL_KEY -> urlKey = v.isEmpty() ? Optional.empty() : Optional.of(UrlKeyHash.of(v));
                case ELIN -> elin = v;
                case TIME_ZONE -> zone = v;
                case SIP_SERVER -> sipServer = v;
                case SIP_PORT -> sipPort = SitePhoneSettings.parsePort(v);
                case SIP_TRANSPORT -> transport = v;
                case NTP_SERVER -> ntp = v;
                case REGISTRATION_EXPIRY -> expiry = SitePhoneSettings.parseExpiry(v);
                case NETWORKS -> networks = SitePhoneSettings.parseNetworks(v);
                default -> address.put(civic(e.getKey()), v);
            }
        }
        return new Site(name, elin, CivicLocation.of(address), zone,
                new SitePhoneSettings(sipServer, sipPort, transport, ntp, expiry, networks), urlKey);
    }

    static Import.Change change(Optional<Site> before, Site after) {
        List<String> diffs = new ArrayList<>();
        for (String f : FIELDS) {
            String now = value(after, f);
            if (before.isEmpty()) {
                if (!now.isEmpty()) {
                    diffs.add(f + "=" + now);
                }
            } else {
                String d = Import.diff(f, value(before.get(), f), now);
                if (d != null) {
                    diffs.add(d);
                }
            }
        }
        String key = urlKeyChange(before.flatMap(Site::urlKey), after.urlKey());
        if (key != null) {
            diffs.add(key);
        }
        Import.Kind kind = before.isEmpty() ? Import.Kind.ADDED : diffs.isEmpty() ? Import.Kind.UNCHANGED : Import.Kind.CHANGED;
        return new Import.Change(after.name(), kind, diffs);
    }

    /**
     * What happened to the URL key, for the change's diffs and so the audit, never the key nor its hash:
     * {@code url-key: set}, {@code url-key: replaced}, {@code url-key: removed}; null when it stayed.
     */
    private static String urlKeyChange(Optional<UrlKeyHash> before, Optional<UrlKeyHash> after) {
        if (before.equals(after)) {
            return null;
        }
        return URL_KEY + ": " + (before.isEmpty() ? "set" : after.isEmpty() ? "removed" : "replaced");
    }

    /** Checks every given field; IllegalArgumentException naming the first bad one. */
    private static Map<String, String> checked(Map<String, String> fields) {
        Map<String, String> out = new LinkedHashMap<>();
        fields.forEach((f, v) -> out.put(f, check(f, v)));
        return out;
    }

    public Result add(String name, Map<String, String> fields, String actor) {
        Site site;
        try {
            site = apply(Optional.empty(), Site.checkName(name), checked(fields));
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        return ledger.transact(tx -> {
            if (tx.site(site.name()).isPresent()) {
                return new Refused("site " + site.name() + " exists already (hotdesk site set changes it)");
            }
            tx.insertSite(site);
            Import.Change change = change(Optional.empty(), site);
            List<String> desks = follow(tx, site.name());
            tx.audit(new AuditEntry(clock.instant(), actor, "site.add", site.name(), String.join(" ", change.diffs())));
            return new Done(site, change, desks);
        });
    }

    /** Changes the given fields only (an empty value clears one). */
    public Result set(String name, Map<String, String> fields, String actor) {
        Map<String, String> changes;
        String siteName;
        try {
            siteName = Site.checkName(name);
            changes = checked(fields);
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        if (changes.isEmpty()) {
            return new Refused("nothing to change: give at least one of --" + String.join(", --", FIELDS) + ", --" + URL_KEY);
        }
        return ledger.transact(tx -> {
            Optional<Site> before = tx.site(siteName);
            if (before.isEmpty()) {
                return new Refused("no site " + siteName + " (hotdesk site add creates it)");
            }
            Site after = apply(before, siteName, changes);
            Import.Change change = change(before, after);
            if (change.kind() == Import.Kind.UNCHANGED) {
                return new Done(after, change, desksOf(tx, siteName));
            }
            tx.updateSite(after);
            List<String> desks = follow(tx, siteName);
            tx.audit(new AuditEntry(clock.instant(), actor, "site.set", siteName, String.join("; ", change.diffs())));
            return new Done(after, change, desks);
        });
    }

    /** Removes a site that no device names; one that devices name is refused, naming them. */
    public Result remove(String name, String actor) {
        String siteName = name == null ? "" : name.strip();
        return ledger.transact(tx -> {
            Optional<Site> site = tx.site(siteName);
            if (site.isEmpty()) {
                return new Refused("no site " + siteName);
            }
            List<Device> users = tx.devices().stream().filter(d -> d.site().equals(siteName)).toList();
            if (!users.isEmpty()) {
                List<String> named = users.stream().limit(10).map(d -> d.mac().display() + " (" + d.label() + ")").toList();
                return new Refused("site " + siteName + " is the site of " + users.size() + " device(s): "
                        + String.join(", ", named) + (users.size() > named.size() ? " and " + (users.size() - named.size())
                        + " more" : "") + "; give them another site or remove them first");
            }
            tx.deleteSite(siteName);
            tx.audit(new AuditEntry(clock.instant(), actor, "site.remove", siteName, ""));
            return new Done(site.get(), new Import.Change(siteName, Import.Kind.CHANGED, List.of("removed")), List.of());
        });
    }

    public List<Site> list() {
        return ledger.read(LedgerTx::sites);
    }

    /**
     * Upserts the rows (column {@value #NAME} and any of {@link #FIELDS}) in one transaction, or none of
     * them when any row is bad. With {@code dryRun} nothing is written; the result says what would change.
     */
    public Import.Result importRows(List<Import.Row> rows, boolean dryRun, String actor) {
        List<Import.Problem> problems = new ArrayList<>();
        Map<String, Map<String, String>> prepared = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new LinkedHashMap<>();
        for (Import.Row row : rows) {
            String name;
            try {
                name = Site.checkName(row.values().get(NAME));
            } catch (IllegalArgumentException e) {
                problems.add(new Import.Problem(row.line(), NAME, e.getMessage()));
                continue;
            }
            if (lineOf.containsKey(name)) {
                problems.add(new Import.Problem(row.line(), NAME, "site " + name + " is on line " + lineOf.get(name) + " already"));
                continue;
            }
            lineOf.put(name, row.line());
            Map<String, String> values = new LinkedHashMap<>();
            for (String f : FIELDS) { // in column order, so the problems of a row come in reading order
                if (row.values().containsKey(f)) {
                    try {
                        values.put(f, check(f, row.values().get(f)));
                    } catch (IllegalArgumentException e) {
                        problems.add(new Import.Problem(row.line(), f, e.getMessage()));
                    }
                }
            }
            row.values().keySet().stream().filter(k -> !k.equals(NAME) && !FIELDS.contains(k)).sorted().forEach(k ->
                    problems.add(new Import.Problem(row.line(), k, k.equals(URL_KEY)
                            ? "a site's URL key is a secret and is neither imported nor exported: set it with "
                            + "hotdesk site set NAME --new-url-key (or --url-key, which asks for it)"
                            : "a site has no field '" + k + "'")));
            prepared.put(name, values);
        }
        if (!problems.isEmpty()) {
            return new Import.Invalid(problems);
        }
        Ledger.Work<Import.Result> work = tx -> {
            List<Import.Change> changes = new ArrayList<>();
            Set<Target> follow = new LinkedHashSet<>();
            for (Map.Entry<String, Map<String, String>> p : prepared.entrySet()) {
                Optional<Site> before = tx.site(p.getKey());
                Site after = apply(before, p.getKey(), p.getValue());
                Import.Change change = change(before, after);
                changes.add(change);
                if (!dryRun && change.kind() != Import.Kind.UNCHANGED) {
                    if (before.isEmpty()) {
                        tx.insertSite(after);
                    } else {
                        tx.updateSite(after);
                    }
                    follow.addAll(targetsOf(tx, after.name()));
                }
            }
            if (!dryRun) {
                Seating.bump(tx, follow);
                long added = changes.stream().filter(c -> c.kind() == Import.Kind.ADDED).count();
                long changed = changes.stream().filter(c -> c.kind() == Import.Kind.CHANGED).count();
                if (added + changed > 0) {
                    tx.audit(new AuditEntry(clock.instant(), actor, "site.import", "", added + " added, " + changed + " changed"));
                }
            }
            return new Import.Imported(changes, dryRun);
        };
        return dryRun ? ledger.read(work) : ledger.transact(work);
    }

    /** Bumps the desk lines of the site's devices; returns their endpoint ids. */
    private static List<String> follow(LedgerTx tx, String site) {
        Set<Target> targets = targetsOf(tx, site);
        Seating.bump(tx, targets);
        return targets.stream().map(Target::id).toList();
    }

    private static List<String> desksOf(LedgerTx tx, String site) {
        return targetsOf(tx, site).stream().map(Target::id).toList();
    }

    static Set<Target> targetsOf(LedgerTx tx, String site) {
        Set<Target> targets = new LinkedHashSet<>();
        for (Device d : tx.devices()) {
            if (d.site().equals(site)) {
                tx.linesOf(d.mac()).forEach(l -> targets.add(Target.desk(l.endpointId())));
            }
        }
        return targets;
    }
}
