package hotdesk.app;

import hotdesk.store.DatabaseSettings;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flat, layered configuration: built-in defaults &lt; properties file &lt; environment
 * ({@code ami.secret} → {@code HOTDESK_AMI_SECRET}) &lt; command line ({@code --set key=value}).
 *
 * <p>Only known keys are accepted (a typo is an error naming the key and where it came from), plus the
 * open families {@code pjsip.endpoint.*} and {@code notify.event.*}. Typed getters throw
 * IllegalArgumentException naming the key and the bad value. Immutable and thread-safe.
 */
public final class Config {

    /** Every key with its default and one line of documentation (the README table is checked against it). */
    public record Key(String name, String defaultValue, String doc) {
    }

    public static final List<Key> KEYS = List.of(
            new Key("node.name", "", "name of this hotdesk node in the ledger's applied state (default: host name)"),
            new Key("db.url", "", "JDBC URL of a ledger other than the embedded one: jdbc:postgresql://… for several nodes (empty: the embedded H2 ledger in db.path)"),
            new Key("db.path", "data", "directory of the embedded H2 ledger (hotdesk.mv.db and its credentials; made readable by the service user only)"),
            new Key("db.user", "", "ledger database user for PostgreSQL (the embedded ledger needs none)"),
            new Key("db.password", "", "ledger database password for PostgreSQL (the embedded ledger's is generated)"),
            new Key("db.pool-size", "8", "ledger connection pool size"),
            new Key("agi.bind", "127.0.0.1", "address the FastAGI server listens on"),
            new Key("agi.port", "4573", "FastAGI port"),
            new Key("agi.pool-size", "10", "FastAGI worker threads kept ready"),
            new Key("agi.max-pool-size", "1000", "FastAGI worker threads at most (further calls are refused, the caller hears "
                    + "please-try-call-later); a login call holds one through its prompts, ~9 s"),
            new Key("agi.pin-attempts", "3", "PIN tries per login call"),
            new Key("agi.digit-timeout", "6s", "how long the PIN prompt waits for digits"),
            new Key("agi.apply-wait", "0s", "0: a caller hears the result as soon as the login or logout is committed and "
                    + "Asterisk takes it a moment later (OK_PENDING when Asterisk did not take the last push); 100ms..30s: "
                    + "how long a caller waits for Asterisk to take it before hearing that the phone will update shortly "
                    + "(it still happens)"),
            new Key("agi.login-concurrency", "0", "logins that do their work (read, PIN hash, write) at once; the others queue in arrival order. 0: eight per core. A login is almost all CPU: hundreds at once only slow each, and the one holding the ledger's write turn most"),
            new Key("agi.login-queue-wait", "10s", "the longest a login queues for its turn (agi.login-concurrency) before the caller hears the error prompt (try again later); nothing is counted against the user or the desk"),
            new Key("agi.allowed-peers", "127.0.0.0/8,::1/128", "CIDRs of the Asterisk servers that may connect to FastAGI; "
                    + "any other peer is closed at once, before anything is read (security log WARN)"),
            new Key("agi.handshake-timeout", "3s", "how long a new FastAGI connection has to send its whole AGI environment "
                    + "(Asterisk sends it at once); slower peers are dropped without holding a worker"),
            new Key("agi.command-timeout", "10s", "how long Asterisk may take to answer an AGI command that does not wait for the "
                    + "caller (ANSWER, SET VARIABLE…); prompts and digit input get 1m + 12 × agi.digit-timeout more"),
            new Key("prompts.enter-extension", "extension", "asks for the extension when none was dialled (default says \"Extension.\")"),
            new Key("prompts.enter-pin", "agent-pass", "asks for the PIN (default says \"Please enter your password followed by the pound key.\")"),
            new Key("prompts.login-ok", "activated", "heard on OK: logged in (default says \"Activated.\")"),
            new Key("prompts.login-pending", "activated", "heard on OK_PENDING: logged in, the phone follows shortly (default says \"Activated.\"; a site recording can say more)"),
            new Key("prompts.bad-pin", "vm-incorrect", "heard after each wrong PIN or code, BAD_PIN on the last (default says \"Login incorrect.\")"),
            new Key("prompts.locked", "please-try-call-later", "heard on LOCKED (default says \"Please try your call again later.\")"),
            new Key("prompts.not-a-desk", "feature-not-avail-line", "heard on NOT_A_DESK (default says \"That feature is not available on this line.\")"),
            new Key("prompts.already-seated", "is-in-use", "heard on ALREADY_SEATED: the user is logged in at another desk and login.multi-login (or their own policy) is deny (default says \"Is in use.\")"),
            new Key("prompts.desk-disabled", "feature-not-avail-line", "heard on DESK_DISABLED (default says \"That feature is not available on this line.\")"),
            new Key("prompts.no-input", "vm-goodbye", "heard on NO_INPUT (default says \"Goodbye.\")"),
            new Key("prompts.logged-out", "de-activated", "heard on LOGGED_OUT (default says \"De-activated.\")"),
            new Key("prompts.not-logged-in", "de-activated", "heard on NOT_LOGGED_IN, a logout on a free desk (default says \"De-activated.\")"),
            new Key("prompts.error", "please-try-call-later", "heard on ERROR (default says \"Please try your call again later.\")"),
            new Key("ami.host", "127.0.0.1", "Asterisk manager interface host"),
            new Key("ami.port", "5038", "AMI port"),
            new Key("ami.user", "hotdesk", "AMI user (asterisk-conf/manager_hotdesk.conf)"),
            new Key("ami.secret", "hotdesk-ami-change-me", "AMI secret"),
            new Key("ami.timeout", "3s", "timeout of one AMI action"),
            new Key("ami.test-user", "hotdesk-test", "AMI user that only hotdesk emergency test logs in as, to originate the test "
                    + "call (asterisk-conf/manager_hotdesk.conf); must differ from ami.user; empty: no such user, test calls are off"),
            new Key("ami.test-secret", "hotdesk-ami-test-change-me", "AMI secret of ami.test-user"),
            new Key("ari.url", "http://127.0.0.1:8088/ari", "Asterisk REST interface base URL"),
            new Key("ari.user", "hotdesk", "ARI user (asterisk-conf/ari_hotdesk.conf)"),
            new Key("ari.password", "hotdesk-ari-change-me", "ARI password"),
            new Key("ari.timeout", "3s", "timeout of one ARI request"),
            new Key("provisioning.bind", "127.0.0.1", "address the provisioning HTTP server listens on (phones must reach it)"),
            new Key("provisioning.port", "8089", "provisioning HTTP port"),
            new Key("provisioning.allowed-networks", "127.0.0.0/8,::1/128",
                    "CIDRs (IPv4 and IPv6) that may fetch phone configs (others get 404) and, through the ACL hotdesk-default, "
                    + "register the desks of sites without networks of their own; loopback only until you name your phones' "
                    + "networks (serve refuses a provisioning.bind off loopback until then)"),
            new Key("provisioning.require-ua-mac", "true", "a phone must name its own MAC in its User-Agent (Yealink does)"),
            new Key("provisioning.templates", "", "directory whose templates override the bundled ones, file by file"),
            new Key("provisioning.sip-server", "127.0.0.1", "SIP server host written into phone configs"),
            new Key("provisioning.sip-port", "5060", "SIP server port written into phone configs"),
            new Key("provisioning.registration-expiry", "500s", "SIP registration expiry written into phone configs, 30s..10m "
                    + "(phones re-register at least every 10 minutes); a site's --registration-expiry replaces it"),
            new Key("provisioning.sip-transport", "udp", "SIP transport written into phone configs: udp, tcp or tls"),
            new Key("provisioning.yealink-hotdesk-key", "false", "idle Yealink desks show the phone's own hot-desking key "
                    + "(DSS key type 34) where the logout key goes while occupied"),
            new Key("provisioning.ntp-server", "pool.ntp.org", "NTP server written into phone configs"),
            new Key("provisioning.timezone", "UTC", "time zone written into phone configs (IANA id, e.g. Europe/Berlin)"),
            new Key("provisioning.max-refusals-per-minute", "20", "refused fetches from one address before it gets 429 for the minute"),
            new Key("provisioning.max-fetches-per-desk", "30", "config files served for one desk per minute; further fetches "
                    + "of it get 429 with Retry-After until the minute ends (a phone fetches once per boot or check-sync)"),
            new Key("provisioning.max-fetches-per-address", "600", "config files served to one address per minute; further "
                    + "fetches from it get 429 with Retry-After until the minute ends (raise it for many phones behind one NAT)"),
            new Key("provisioning.max-provisions", "0", "config files served per desk until an admin resets its count "
                    + "(hotdesk device reset-provisions); further fetches get the 404 of an unknown desk; 0: no limit"),
            new Key("provisioning.request-timeout", "10s", "longest a client may take to send its request headers, or stay silent, before its connection is closed"),
            new Key("provisioning.tls-keystore", "", "PKCS#12 or JKS file with the key and certificate of the provisioning "
                    + "listener (HTTPS, TLS 1.2+); empty: see provisioning.tls-cert, else plain HTTP"),
            new Key("provisioning.tls-password", "", "password of provisioning.tls-keystore (and of its key); better given by "
                    + "HOTDESK_PROVISIONING_TLS_PASSWORD or provisioning.tls-password-file"),
            new Key("provisioning.tls-password-file", "", "file whose first line is the password of provisioning.tls-keystore "
                    + "(keep it mode 600)"),
            new Key("provisioning.tls-cert", "", "PEM certificate chain of the provisioning listener (the server's first), with "
                    + "provisioning.tls-key instead of a keystore"),
            new Key("provisioning.tls-key", "", "PEM private key (unencrypted PKCS#8, RSA or EC) of provisioning.tls-cert"),
            new Key("provisioning.plain-http-networks", "", "CIDRs whose phones may fetch desk files over plain HTTP when no TLS "
                    + "is configured (loopback always may); serve refuses plain HTTP on a non-loopback provisioning.bind while it is empty"),
            new Key("provisioning.url-key", "", "secret path segment every provisioning URL must carry (/provision/<key>/<file>), "
                    + "22 to 128 of A-Z a-z 0-9 _ - (hotdesk provision url-key makes one); a wrong or missing key gets the one 404; empty: none; "
                    + "the desks of a site with its own key (hotdesk site set NAME --new-url-key) need that key instead"),
            new Key("provisioning.device-auth", "off", "basic: a desk file is served only to the device's own credentials "
                    + "(HTTP Basic, user hd-<mac>, hotdesk device credentials), over TLS; off: no credentials asked"),
            new Key("admin.bind", "127.0.0.1", "address the admin HTTP listener (desk board) listens on; an address other than "
                    + "loopback needs admin.tls-keystore"),
            new Key("admin.port", "", "port of the admin HTTP listener (desk board at /board); empty: no listener; 0: any free port"),
            new Key("admin.tls-keystore", "", "PKCS#12 file with the key and certificate of the admin listener; empty: plain "
                    + "HTTP, allowed only on loopback (the session cookie is then not marked Secure)"),
            new Key("admin.tls-password", "", "password of admin.tls-keystore"),
            new Key("admin.session-ttl", "12h", "how long a board sign-in lasts (not extended by use); sessions are kept in "
                    + "the ledger, so they survive a restart"),
            new Key("admin.max-failures", "5", "failed board sign-ins of one account name within lockout.window that lock "
                    + "that name for lockout.duration"),
            new Key("self-service.bind", "127.0.0.1", "address the self-service HTTP listener (one-time code API, desk QR "
                    + "pages) listens on; an address other than loopback needs self-service.tls-keystore"),
            new Key("self-service.port", "", "port of the self-service HTTP listener (API at /api/v1, QR pages at /desk/<key>); "
                    + "empty: no listener; 0: any free port"),
            new Key("self-service.tls-keystore", "", "PKCS#12 file with the key and certificate of the self-service listener; "
                    + "empty: plain HTTP, allowed only on loopback (a TLS proxy in front)"),
            new Key("self-service.tls-password", "", "password of self-service.tls-keystore"),
            new Key("self-service.public-url", "", "base URL at which phones' browsers reach the self-service listener (through "
                    + "any proxy), printed in desk QR stickers as <url>/desk/<key> (https://, or http:// for a loopback host); "
                    + "empty: hotdesk device qr refuses"),
            new Key("self-service.max-requests-per-token", "10", "requests per minute one API token may make; more get 429 "
                    + "with Retry-After"),
            new Key("self-service.max-requests-per-address", "60", "requests per minute one client address may make (API and "
                    + "QR pages, checked before any token is looked at); more get 429 with Retry-After"),
            new Key("admin.socket", "auto", "Unix socket on which serve answers status, device list and user list for commands run while it is up (auto: beside the embedded ledger, none with PostgreSQL; off: none; else its path); only serve's own user and root are answered"),
            new Key("metrics.bind", "127.0.0.1", "address the metrics listener (/metrics for Prometheus, /health) listens on"),
            new Key("metrics.port", "0", "port of the metrics listener; 0: no listener"),
            new Key("pjsip.transport", "transport-udp", "transport set on every pushed endpoint"),
            new Key("pjsip.allow", "ulaw,alaw", "codecs of pushed endpoints"),
            new Key("pjsip.idle-context", "hotdesk-idle", "dialplan context of an idle desk"),
            new Key("pjsip.user-max-contacts", "5", "own devices a user may register on their extension"),
            new Key("users.default-context", "internal", "context of a user added without --context; also where an occupied desk's calls go when Asterisk's database names no context for it (generated into the dialplan: hotdesk asterisk-conf)"),
            new Key("security.pin-iterations", "20000", "PBKDF2 iterations for PIN hashes"),
            new Key("security.otp-iterations", "2000", "PBKDF2 iterations for one-time code hashes (short-lived)"),
            new Key("login.multi-login", "single", "what a login at a second desk does: single (the first desk is logged out), "
                    + "deny (the second desk is refused, ALREADY_SEATED) or allow (seated at both; inbound calls ring every desk); "
                    + "a user's own policy (user add --policy) wins"),
            new Key("lockout.max-failures", "5", "failed logins of one extension at one desk (within lockout.window) that lock "
                    + "that extension at that desk; unknown extensions count alike"),
            new Key("lockout.desk-max-failures", "10", "failed logins at one desk, any extension or one-time code, that lock the "
                    + "desk for everyone"),
            new Key("lockout.user-alert-failures", "8", "failed logins of one extension at all desks together that raise an "
                    + "alert (security log, status) before the lock; the same for wrong codes while a user's code is live"),
            new Key("lockout.user-max-failures", "12", "failed logins of one extension at all desks together that lock it at "
                    + "every desk (wrong codes: that user's codes); must exceed lockout.max-failures and lockout.desk-max-failures"),
            new Key("lockout.window", "15m", "window in which failures are counted: a count never resets, failures leave it "
                    + "as they age (a successful login clears nothing)"),
            new Key("lockout.duration", "15m", "how long a lockout lasts at least after the failure that caused it"),
            new Key("lockout.trusted-desks", "2", "a user's most recent desks (0 to 10) where the lock of their extension at "
                    + "every desk does not hold, so an attacker moving between desks cannot keep them out of the desks they use "
                    + "(the lock at that desk still does); 0: the lock holds everywhere"),
            new Key("lockout.trusted-for", "30d", "how far back a desk the user logged in at counts as one of their recent "
                    + "desks (lockout.trusted-desks)"),
            new Key("otp.validity", "2m", "how long a one-time code is valid"),
            new Key("ledger.audit-retention", "90d", "how long audit lines are kept; older ones are deleted by serve every "
                    + "ledger.prune-interval (0s: kept forever)"),
            new Key("ledger.fetch-retention", "30d", "how long phones' config fetch records are kept (0s: kept forever)"),
            new Key("ledger.prune-interval", "1h", "how often serve deletes audit lines and fetch records past their retention, "
                    + "in batches of 1,000 rows per transaction (1s..7d; first run 30 s after the start, or one interval when "
                    + "shorter); hotdesk prune runs it at once"),
            new Key("auto-logout.idle", "0s", "log a desk out this long after its last call ended (or after the login when no "
                    + "call followed); 0s: off. Never during a call: a desk with a call up is logged out when the call ends"),
            new Key("auto-logout.max", "12h", "log a desk out this long after the login, whatever the calls (not during one); "
                    + "0s: off"),
            new Key("auto-logout.daily", "", "log every desk out at this time of day (HH:MM, 24 h; HH:MM:SS also taken) in the desk's time zone: its "
                    + "own (device set --time-zone), else its site's, else provisioning.timezone (not during a call); empty: off"),
            new Key("auto-logout.check-interval", "15s", "how often the server looks for desks due to be logged out (1s..10m)"),
            new Key("reconcile.interval", "1s", "how often the server checks the ledger for changes (CLI edits, other nodes)"),
            new Key("reconcile.max-backoff", "60s", "longest wait between retries of a failed push"),
            new Key("reconcile.push-connections", "4", "desks and users pushed at once, each on its own ARI connection (1..64): "
                    + "by a reconcile pass (a full push after an Asterisk restart goes faster on several) and by logins and "
                    + "logouts (more wait in a queue, 10,000 at most, then the next pass takes them)"),
            new Key("codes.login", "*70", "PIN login: dial <code><EXT>, then the PIN"),
            new Key("codes.login-star", "*77*", "PIN login: dial <code><EXT>*, then the PIN"),
            new Key("codes.otp", "00*,00#", "one-time code login: dial <code><6 digits>[#]"),
            new Key("codes.logout", "*71,*77*5*,00#,00", "logout codes"),
            new Key("emergency.numbers", "911,112,999", "numbers every desk, free or in use, may always call, with the desk's ELIN and location (static dialplan, no hotdesk needed)"),
            new Key("emergency.webhook-url", "", "URL that every emergency call is POSTed to as signed JSON while hotdesk runs "
                    + "(https://, or http:// to a loopback address); empty: no webhook"),
            new Key("emergency.webhook-secret", "", "key of the webhook's HMAC-SHA256 signature (X-Hotdesk-Signature), at least "
                    + "16 characters; required with emergency.webhook-url"),
            new Key("emergency.webhook-timeout", "5s", "how long one webhook POST may take to connect, and then to be answered"),
            new Key("emergency.webhook-retry-for", "10m", "how long a webhook POST that failed is retried (backoff from 1s "
                    + "doubling up to emergency.webhook-max-backoff) before it is given up with an ERROR"),
            new Key("emergency.webhook-max-backoff", "1m", "longest wait between two tries of one webhook POST"),
            new Key("emergency.webhook-queue-size", "1000", "webhook POSTs waiting at most; when full the oldest is dropped "
                    + "with an ERROR"),
            new Key("emergency.default-elin", "", "ELIN of desks whose device and site have none (digits, + * #; empty: such "
                    + "desks have no ELIN and device add, status and doctor warn)"),
            new Key("asterisk.agi-url", "agi://127.0.0.1:4573", "FastAGI URL the generated dialplan calls"),
            new Key("asterisk.idle-internal-calls", "false", "whether idle desks may call internal numbers"),
            new Key("asterisk.internal-pattern", "_1XX", "pattern of internal numbers for idle desks"),
            new Key("asterisk.registration-acl", "true", "desk endpoints name their ACL (acl_hotdesk.conf: hotdesk-default "
                    + "or their site's), so Asterisk takes their requests only from those networks; false: not gated"),
            new Key("asterisk.pjsip-wizard", "astdb", "where Asterisk keeps pushed PJSIP objects: astdb (kept across an Asterisk "
                    + "restart, so desks can call with hotdesk down) or memory (lost on an Asterisk restart until hotdesk pushes again)"),
            new Key("notify.event.yealink", "check-sync;reboot=false", "NOTIFY Event that makes a Yealink re-fetch its config"),
            new Key("notify.event.polycom", "check-sync", "NOTIFY Event that makes a Polycom re-fetch its config (it restarts "
                    + "only when a file changed: the bundled file sets voIpProt.SIP.specialEvent.checkSync.alwaysReboot=0)"),
            new Key("notify.event.grandstream", "check-sync", "NOTIFY Event that makes a Grandstream phone or HT gateway "
                    + "re-fetch its config"),
            new Key("notify.event.snom", "check-sync;reboot=false", "NOTIFY Event that makes a Snom re-fetch its config"),
            new Key("notify.event.fanvil", "check-sync", "NOTIFY Event that makes a Fanvil re-fetch its config"),
            new Key("notify.retries", "3", "check-sync NOTIFYs sent again to a phone that did not fetch its file after a change "
                    + "(0 to 10; 0: never); then the desk is audited as desk.unanswered"),
            new Key("notify.retry-after", "30s", "wait before the first NOTIFY is sent again; each further wait is twice the one before"),
            new Key("notify.event.cisco", "resync", "NOTIFY Event that makes a Cisco MPP phone re-fetch its profile")
    );

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    /** The longest duration any key accepts: ten years, far beyond any sensible setting, far below an overflow. */
    public static final Duration MAX_DURATION = Duration.ofDays(3650);
    private static final Map<String, Key> BY_NAME = new LinkedHashMap<>();
    private static final List<String> OPEN_FAMILIES = List.of("pjsip.endpoint.", "notify.event.");

    static {
        KEYS.forEach(k -> BY_NAME.put(k.name(), k));
    }

    private final Map<String, String> values;
    private final Map<String, String> origins;

    private Config(Map<String, String> values, Map<String, String> origins) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
        this.origins = Collections.unmodifiableMap(new TreeMap<>(origins));
    }

    /**
     * Loads the layers. {@code file} may be null (then {@code HOTDESK_CONFIG} is tried); a named file
     * that does not exist is an error.
     */
    public static Config load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        KEYS.forEach(k -> {
            values.put(k.name(), k.defaultValue());
            origins.put(k.name(), "default");
        });
        Path f = file != null ? file : (env.containsKey("HOTDESK_CONFIG") ? Path.of(env.get("HOTDESK_CONFIG")) : null);
        if (f != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + f + ": " + e.getMessage(), e);
            }
            for (String name : new TreeMap<>(toMap(p)).keySet()) {
                put(values, origins, name, p.getProperty(name).strip(), f.toString());
            }
        }
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String key = keyForEnv(e.getKey());
            if (key != null) {
                put(values, origins, key, e.getValue(), "env " + e.getKey());
            }
        }
        overrides.forEach((k, v) -> put(values, origins, k, v, "command line"));
        return new Config(values, origins);
    }

    public static Config defaults() {
        return load(null, Map.of(), Map.of());
    }

    /** The environment variable for a key: {@code ami.secret} → {@code HOTDESK_AMI_SECRET}. */
    public static String envName(String key) {
        return "HOTDESK_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String keyForEnv(String env) {
        if (!env.startsWith("HOTDESK_") || env.equals("HOTDESK_CONFIG")) {
            return null;
        }
        for (Key k : KEYS) {
            if (envName(k.name()).equals(env)) {
                return k.name();
            }
        }
        for (String family : OPEN_FAMILIES) {
            String prefix = envName(family.substring(0, family.length() - 1)) + "_";
            if (env.startsWith(prefix) && env.length() > prefix.length()) {
                return family + env.substring(prefix.length()).toLowerCase(Locale.ROOT);
            }
        }
        return null; // other HOTDESK_* variables (e.g. test settings) are not ours to judge
    }

    /** The built-in default of one of {@link #KEYS}. */
    static String defaultValue(String key) {
        Key k = BY_NAME.get(key);
        if (k == null) {
            throw new IllegalArgumentException("unknown configuration key '" + key + "'");
        }
        return k.defaultValue();
    }

    /** Whether {@code key} is a configuration key: one of {@link #KEYS} or a member of an open family. */
    static boolean accepts(String key) {
        return BY_NAME.containsKey(key) || OPEN_FAMILIES.stream().anyMatch(key::startsWith);
    }

    private static void put(Map<String, String> values, Map<String, String> origins, String key, String value, String origin) {
        if (!accepts(key)) {
            throw new IllegalArgumentException("unknown configuration key '" + key + "' (from " + origin + ")");
        }
        values.put(key, value);
        origins.put(key, origin);
    }

    private static Map<String, String> toMap(Properties p) {
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(n -> m.put(n, p.getProperty(n)));
        return m;
    }

    public String string(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("configuration key '" + key + "' is not set");
        }
        return v;
    }

    /** A whole number in {@code min..max}; anything else (also a number too large for an int) names the key. */
    public int integer(String key, int min, int max) {
        String v = string(key).strip();
        if (!v.matches("[+-]?\\d+")) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "' (from " + origins.get(key) + ")");
        }
        long i;
        try {
            i = Long.parseLong(v);
        } catch (NumberFormatException e) {
            i = v.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE; // more digits than a long: out of range either way
        }
        if (i < min || i > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + v + " (from " + origins.get(key) + ")");
        }
        return (int) i;
    }

    public boolean bool(String key) {
        String v = string(key).strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got '" + v + "' (from " + origins.get(key) + ")");
        };
    }

    /**
     * {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h}, {@code 1d}; at most {@link #MAX_DURATION} (a value
     * too large for any clock or timer is an error naming the key, not an arithmetic overflow later).
     */
    public Duration duration(String key) {
        String v = string(key).strip();
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException(key + " must be a duration like 500ms, 2s, 5m, 1h, got '" + v + "' (from " + origins.get(key) + ")");
        }
        Duration d;
        try {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            d = null;
        }
        if (d == null || d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(key + " must be at most " + MAX_DURATION.toDays() + "d, got '" + v + "' (from " + origins.get(key) + ")");
        }
        return d;
    }

    /**
     * Comma-separated list, blanks dropped; it must hold at least one entry (every list key needs one:
     * an empty list of codes, numbers or networks is a mistake, not a wish).
     */
    public List<String> list(String key) {
        List<String> out = new ArrayList<>();
        Arrays.stream(string(key).split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(out::add);
        if (out.isEmpty()) {
            throw new IllegalArgumentException(key + " must list at least one value (comma-separated), got '" + string(key).strip()
                    + "' (from " + origins.get(key) + ")");
        }
        return out;
    }

    /** Keys of an open family, with the prefix removed: {@code family("pjsip.endpoint.")}. */
    public Map<String, String> family(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    public String origin(String key) {
        return origins.getOrDefault(key, "unset");
    }

    /** Every key this configuration has a value for (the defaults included). */
    java.util.Set<String> keys() {
        return values.keySet();
    }

    static boolean isSecret(String key) {
        return key.endsWith("secret") || key.endsWith("password") || key.endsWith("url-key");
    }

    /** Every key and value for the start-up log, secrets masked, with where each value came from. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        values.forEach((k, v) -> {
            // a URL may carry a password too (db.url's password=…, ari.url's user:password@, a webhook's ?token=…)
            String shown = isSecret(k) ? (v.isEmpty() ? "(empty)" : "****")
                    : k.equals("emergency.webhook-url") && v.indexOf('?') >= 0 ? v.substring(0, v.indexOf('?')) + "?****"
                    : DatabaseSettings.mask(v);
            lines.add(k + " = " + shown + "  [" + origins.get(k) + "]");
        });
        return lines;
    }
}
