package hotdesk.cli;

import hotdesk.core.model.CivicField;
import hotdesk.core.model.Site;
import hotdesk.core.model.UrlKeyHash;
import hotdesk.core.usecase.Import;
import hotdesk.core.usecase.ManageSites;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hotdesk site add|set|list|remove|import|export}: sites with their civic address, ELIN and time zone. */
@Command(name = "site", description = {"Manage sites: the civic address, ELIN and time zone that the desks of a site "
        + "share for emergency calls (a desk's own floor, room and seat: hotdesk device location), and what its phones are "
        + "told (SIP server, port, transport, NTP, registration expiry) and where they may register from (networks).",
        "A desk's ELIN is its own (device add --elin), else its site's, else the setting emergency.default-elin (empty: none)."},
        mixinStandardHelpOptions = true,
        subcommands = {SiteCommand.Add.class, SiteCommand.SetSite.class, SiteCommand.ListSites.class, SiteCommand.Remove.class,
                SiteCommand.ImportSites.class, SiteCommand.ExportSites.class})
public final class SiteCommand {

    /** The options of a site's fields; only those given are set (an empty value clears one). */
    static final class Fields {
        @Option(names = "--elin", paramLabel = "NUMBER", description = "emergency location number of the site's desks "
                + "(digits, + * #) unless a desk has its own")
        String elin;
        @Option(names = "--country", paramLabel = "CC", description = "ISO 3166 country code, e.g. US, DE")
        String country;
        @Option(names = "--state", description = "state, region or province (A1)")
        String state;
        @Option(names = "--county", description = "county or district of a state (A2)")
        String county;
        @Option(names = "--city", description = "city or town (A3)")
        String city;
        @Option(names = "--district", description = "borough or city district (A4)")
        String district;
        @Option(names = "--street", description = "street (RD)")
        String street;
        @Option(names = "--number", description = "house number (HNO)")
        String number;
        @Option(names = "--number-suffix", description = "house number suffix, e.g. A (HNS)")
        String numberSuffix;
        @Option(names = "--postal-code", description = "postal code (PC)")
        String postalCode;
        @Option(names = "--location-name", description = "name of the place, e.g. the company's (NAM)")
        String locationName;
        @Option(names = "--building", description = "building (BLD); a desk may name its own")
        String building;
        @Option(names = "--time-zone", paramLabel = "ZONE", description = "IANA time zone, e.g. Europe/Berlin (default UTC); "
                + "the site's phones show it")
        String timeZone;
        @Option(names = "--sip-server", paramLabel = "HOST", description = "SIP server the site's phones register to "
                + "(empty: provisioning.sip-server)")
        String sipServer;
        @Option(names = "--sip-port", paramLabel = "PORT", description = "its port (empty: provisioning.sip-port)")
        String sipPort;
        @Option(names = "--sip-transport", paramLabel = "udp|tcp|tls", description = "how the phones reach it "
                + "(empty: provisioning.sip-transport)")
        String sipTransport;
        @Option(names = "--ntp-server", paramLabel = "HOST", description = "time server of the site's phones "
                + "(empty: provisioning.ntp-server)")
        String ntpServer;
        @Option(names = "--registration-expiry", paramLabel = "SECONDS", description = "registration expiry the phones "
                + "ask for, 30s..600s (re-register at least every 10 minutes; empty: provisioning.registration-expiry)")
        String registrationExpiry;
        @Option(names = "--networks", paramLabel = "CIDRS", description = "comma-separated IPv4/IPv6 networks the "
                + "site's desks may register and fetch their files from, e.g. 10.1.0.0/16,fd00:1::/64 (empty: "
                + "provisioning.allowed-networks); Asterisk enforces it through the site's ACL in acl_hotdesk.conf")
        String networks;

        Map<String, String> given() {
            Map<String, String> m = new LinkedHashMap<>();
            put(m, ManageSites.ELIN, elin);
            put(m, CivicField.COUNTRY.option(), country);
            put(m, CivicField.A1.option(), state);
            put(m, CivicField.A2.option(), county);
            put(m, CivicField.A3.option(), city);
            put(m, CivicField.A4.option(), district);
            put(m, CivicField.RD.option(), street);
            put(m, CivicField.HNO.option(), number);
            put(m, CivicField.HNS.option(), numberSuffix);
            put(m, CivicField.PC.option(), postalCode);
            put(m, CivicField.NAM.option(), locationName);
            put(m, CivicField.BLD.option(), building);
            put(m, ManageSites.TIME_ZONE, timeZone);
            put(m, ManageSites.SIP_SERVER, sipServer);
            put(m, ManageSites.SIP_PORT, sipPort);
            put(m, ManageSites.SIP_TRANSPORT, sipTransport);
            put(m, ManageSites.NTP_SERVER, ntpServer);
            put(m, ManageSites.REGISTRATION_EXPIRY, registrationExpiry);
            put(m, ManageSites.NETWORKS, networks);
            return m;
        }

        private static void put(Map<String, String> m, String field, String value) {
            if (value != null) {
                m.put(field, value);
            }
        }
    }

    /**
     * The site's own provisioning URL key: one of a key, a new random one (printed once), or none. Only its
     * hash is kept, so a key cannot be shown again: {@code --new-url-key} is the way to rotate one. A given
     * key comes through {@link SecretInput} so that it need not stand on the command line.
     */
    static final class KeyOptions {
        @Option(names = "--url-key", arity = "0..1", fallbackValue = SecretInput.ASK, paramLabel = "KEY",
                description = "the site's own provisioning URL key (22 to 128 of A-Z a-z 0-9 _ -, at least 128 random "
                        + "bits): the site's desks are served under /provision/KEY/ only, not under provisioning.url-key "
                        + "nor another site's key; only its hash is kept. Write --url-key without a value: it is asked "
                        + "on the terminal without echo, or read as the first line of standard input (keeps it out of "
                        + "ps and the shell history); --url-key KEY works too, but ps shows it to every local user")
        String key;
        @Option(names = "--url-key-file", paramLabel = "FILE", description = "read the site's URL key from the first "
                + "line of FILE")
        Path keyFile;
        @Option(names = "--new-url-key", description = "give the site a new random URL key (128 bits) and print it once "
                + "(rotates an existing one: phones with the old key get the 404)")
        boolean generate;
        @Option(names = "--no-url-key", description = "remove the site's own URL key: its desks follow provisioning.url-key again")
        boolean clear;

        /**
         * The key to set ("" to clear), or null when none of the options is given; a usage error for two of
         * them and for an empty given key (which would otherwise read as a removal nobody asked for).
         */
        String chosen(SecureRandom random, SecretInput secrets, String site) {
            boolean given = key != null || keyFile != null;
            if ((given ? 1 : 0) + (generate ? 1 : 0) + (clear ? 1 : 0) > 1) {
                throw new IllegalArgumentException("give one of --url-key, --new-url-key and --no-url-key");
            }
            if (generate) {
                return UrlKeyHash.newKey(random);
            }
            if (clear) {
                return "";
            }
            String k = secrets.read("--url-key", "URL key of site " + site, key, keyFile);
            if (k != null && k.isEmpty()) {
                throw new IllegalArgumentException("--url-key: the key is empty (to remove the site's key: --no-url-key; "
                        + "for a new random one: --new-url-key)");
            }
            return k;
        }
    }

    /** The fields and the URL key to change; the key also in {@code generated} when it was made here. */
    private static Map<String, String> withKey(Map<String, String> given, KeyOptions keys, SecretInput secrets, String site,
                                               String[] generated) {
        String key = keys == null ? null : keys.chosen(new SecureRandom(), secrets, site);
        if (key == null) {
            return given;
        }
        Map<String, String> m = new LinkedHashMap<>(given);
        m.put(ManageSites.URL_KEY, key);
        if (keys.generate) {
            generated[0] = key;
        }
        return m;
    }

    /** The line that shows a new key, the one time it is ever shown. */
    static String shownOnce(String site, String key) {
        return "url key of site " + site + ": " + key + "   (shown once: only its hash is kept; the site's phones fetch "
                + "from https://<host>:<port>/provision/" + key + "/)";
    }

    @Command(name = "add", description = "Add a site. Desks whose device names it (device add --site NAME) take its "
            + "address and ELIN.", mixinStandardHelpOptions = true)
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "NAME", description = "the site's name, e.g. HQ (what devices name with --site)")
        String name;
        @Mixin
        Fields fields;
        @Mixin
        KeyOptions keys;
        @Option(names = "--json", description = "print the site as JSON")
        boolean json;

        Add(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            String[] generated = new String[1];
            ManageSites.Result r = ctx.sites().add(name, withKey(fields.given(), keys, ctx.secretInput(), name, generated), "cli");
            if (r instanceof ManageSites.Refused refused) {
                return Output.refused(spec, refused.why());
            }
            ManageSites.Done done = (ManageSites.Done) r;
            String shown = generated[0] == null ? "" : "\n" + shownOnce(done.site().name(), generated[0]);
            return Output.done(spec, json ? Output.json(describe(done.site(), done.desks().size(), generated[0]))
                    : "added site " + done.site().name() + followers(done.desks()) + shown);
        }
    }

    @Command(name = "set", description = "Change a site: only the options given change (an empty value clears one). "
            + "Its desks follow within seconds (their ELIN, location and where text).", mixinStandardHelpOptions = true)
    static final class SetSite implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Mixin
        Fields fields;
        @Mixin
        KeyOptions keys;
        @Option(names = "--json", description = "print the site as JSON")
        boolean json;

        SetSite(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            String[] generated = new String[1];
            Map<String, String> given = withKey(fields.given(), keys, ctx.secretInput(), name, generated);
            if (given.isEmpty()) {
                throw new IllegalArgumentException("site set " + name + ": give at least one of --"
                        + String.join(", --", ManageSites.FIELDS) + ", --url-key, --new-url-key, --no-url-key");
            }
            return set(spec, ctx, name, given, generated[0], json);
        }
    }

    /** Changes a site and prints what changed (and a new key, once); the exit code. */
    static int set(CommandSpec spec, CliContext ctx, String name, Map<String, String> given, String generated, boolean json) {
        ManageSites.Result r = ctx.sites().set(name, given, "cli");
        if (r instanceof ManageSites.Refused refused) {
            return Output.refused(spec, refused.why());
        }
        ManageSites.Done done = (ManageSites.Done) r;
        if (json) {
            return Output.done(spec, Output.json(describe(done.site(), done.desks().size(), generated)));
        }
        if (done.change().kind() == Import.Kind.UNCHANGED) {
            return Output.done(spec, "site " + done.site().name() + " unchanged (it had these values already)");
        }
        return Output.done(spec, "changed site " + done.site().name() + ": " + String.join("; ", done.change().diffs())
                + followers(done.desks()) + (generated == null ? "" : "\n" + shownOnce(done.site().name(), generated)));
    }

    @Command(name = "list", description = "List sites.", mixinStandardHelpOptions = true)
    static final class ListSites implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Option(names = "--json", description = "print as JSON")
        boolean json;

        ListSites(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            List<Site> sites = ctx.sites().list();
            return Output.listing(spec, json, sites, s -> describe(s, null, null),
                    List.of("NAME", "ELIN", "TIME-ZONE", "SIP", "NETWORKS", "URL-KEY", "ADDRESS"),
                    s -> List.of(s.name(), s.elin().isEmpty() ? "-" : s.elin(), s.timeZone(), sip(s),
                            s.phones().networks().isEmpty() ? "(global)" : String.join(",", s.phones().networks()),
                            s.urlKey().isPresent() ? "own" : "(global)",
                            s.address().isEmpty() ? "-" : s.address().locationInfo()));
        }
    }

    @Command(name = "remove", description = "Remove a site. Refused while devices name it (they are listed).",
            mixinStandardHelpOptions = true)
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        Remove(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            ManageSites.Result r = ctx.sites().remove(name, "cli");
            if (r instanceof ManageSites.Refused refused) {
                return Output.refused(spec, refused.why());
            }
            return Output.done(spec, "removed site " + ((ManageSites.Done) r).site().name());
        }
    }

    @Command(name = "import", description = {"Add or change sites from a CSV file (UTF-8, first line the column names: "
            + "name and any of elin, country, state, county, city, district, street, number, number-suffix, postal-code, "
            + "location-name, building, time-zone, sip-server, sip-port, sip-transport, ntp-server, registration-expiry, "
            + "networks). A column the file lacks leaves that field as it is; an empty cell "
            + "clears it. A site's URL key is a secret: a file with a url-key column is refused (site set --new-url-key).",
            "One transaction: a bad row (each is reported with its line and column) means nothing is imported. "
                    + "Importing the same file again changes nothing."}, mixinStandardHelpOptions = true)
    static final class ImportSites implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;
        @Parameters(index = "0", paramLabel = "FILE", description = "the CSV file")
        Path file;
        @Option(names = "--dry-run", description = "check the file and print what would change; write nothing")
        boolean dryRun;

        ImportSites(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            // url-key is read so that a file carrying keys is refused with the reason (ManageSites), not as unknown
            List<String> columns = new java.util.ArrayList<>(ManageSites.FIELDS);
            columns.add(ManageSites.URL_KEY);
            return Imports.run(spec, file, ManageSites.NAME, columns, "site",
                    rows -> ctx.sites().importRows(rows, dryRun, "cli"));
        }
    }

    @Command(name = "export", description = "Print every site as CSV (the columns site import reads; never the sites' "
            + "URL keys, which are secrets kept as hashes only).",
            mixinStandardHelpOptions = true)
    static final class ExportSites implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext ctx;

        ExportSites(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return Imports.export(spec, ManageSites.NAME, ManageSites.FIELDS, ctx.sites().list(), Site::name,
                    ManageSites::value);
        }
    }

    /** {@code sip.example.com:5061/tls 500s}, with {@code (global)} for what the site leaves to the settings. */
    private static String sip(Site s) {
        var p = s.phones();
        String host = p.sipServer().isEmpty() ? "(global)" : p.sipServer();
        return host + (p.sipPort() == 0 ? "" : ":" + p.sipPort()) + (p.sipTransport().isEmpty() ? "" : "/" + p.sipTransport())
                + (p.expirySeconds() == 0 ? "" : " " + p.expirySeconds() + "s");
    }

    private static String followers(List<String> desks) {
        return desks.isEmpty() ? "" : "; " + desks.size() + " desk line(s) of the site follow";
    }

    /** @param newKey a key made by this command, shown this once; null otherwise */
    static Map<String, Object> describe(Site s, Integer desks, String newKey) {
        Map<String, Object> m = Output.object();
        m.put("name", s.name());
        for (String f : ManageSites.FIELDS) {
            m.put(camel(f), ManageSites.value(s, f));
        }
        m.put("urlKeySet", s.urlKey().isPresent());
        if (newKey != null) {
            m.put("newUrlKey", newKey);
        }
        m.put("civic", s.address().locationInfo());
        if (desks != null) {
            m.put("deskLines", desks);
        }
        return m;
    }

    /** {@code postal-code} → {@code postalCode}, for JSON keys. */
    static String camel(String option) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : option.toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }
}
