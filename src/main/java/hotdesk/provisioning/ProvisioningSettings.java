package hotdesk.provisioning;

import hotdesk.core.model.DeskPhoneSettings;
import hotdesk.core.model.NetworkRange;
import hotdesk.core.model.Site;
import hotdesk.core.usecase.ProvisionDesk.DeskView;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Settings of the provisioning server, validated when constructed: a bad value throws
 * IllegalArgumentException naming its {@code provisioning.*} key and the value. Immutable.
 *
 * @param bindAddress           address the HTTP listener binds to ({@code provisioning.bind})
 * @param port                  TCP port, 0 for an ephemeral one ({@code provisioning.port})
 * @param allowedNetworks       CIDRs (IPv4 and IPv6) phones may fetch from; any other address gets
 *                              the same 404 as an unknown MAC ({@code provisioning.allowed-networks})
 * @param requireMacInUserAgent whether the User-Agent must carry the requested MAC, as Yealink's does
 *                              ({@code provisioning.require-ua-mac})
 * @param templateDir           user template directory, searched before the bundled templates
 *                              ({@code provisioning.templates})
 * @param sipServer             host name or address phones register to ({@code provisioning.sip-server})
 * @param sipPort               SIP port phones register to ({@code provisioning.sip-port})
 * @param registrationExpiry    registration interval phones ask for ({@code provisioning.registration-expiry})
 * @param ntpServer             time server for the phones ({@code provisioning.ntp-server})
 * @param timezone              IANA zone id, e.g. {@code Europe/Berlin} ({@code provisioning.timezone})
 * @param logoutCode            feature code the logout key dials (the first of {@code codes.logout})
 * @param maxRefusalsPerMinute  refused requests one address may make per minute before every
 *                              request from it is answered 429 ({@code provisioning.max-refusals-per-minute})
 * @param requestTimeout        longest a client may take to send a request's headers, and to stay silent, before
 *                              its connection is closed ({@code provisioning.request-timeout})
 * @param maxFetchesPerDesk     files served for one desk per clock minute before further fetches of it are
 *                              answered 429 ({@code provisioning.max-fetches-per-desk})
 * @param maxFetchesPerAddress  files served to one address per clock minute before further fetches from it
 *                              are answered 429 ({@code provisioning.max-fetches-per-address})
 * @param sipTransport          {@code udp}, {@code tcp} or {@code tls}: how phones reach the SIP server
 *                              ({@code provisioning.sip-transport})
 * @param yealinkHotdeskKey     whether idle Yealink desks show the phone's own hot-desking key (DSS type 34)
 *                              where the logout key goes ({@code provisioning.yealink-hotdesk-key})
 * @param dialCodes             every configured feature code ({@code codes.*}): profiles make each dialable
 */
public record ProvisioningSettings(String bindAddress, int port, List<String> allowedNetworks,
                                   boolean requireMacInUserAgent, Optional<Path> templateDir, String sipServer,
                                   int sipPort, Duration registrationExpiry, String ntpServer, String timezone,
                                   String logoutCode, int maxRefusalsPerMinute, Duration requestTimeout,
                                   int maxFetchesPerDesk, int maxFetchesPerAddress, String sipTransport,
                                   boolean yealinkHotdeskKey, DialCodes dialCodes) {

    /** The transports phones may be told to use. */
    public static final List<String> TRANSPORTS = List.of("udp", "tcp", "tls");

    /** Default of {@code provisioning.max-fetches-per-desk}. */
    public static final int DEFAULT_MAX_FETCHES_PER_DESK = 30;
    /** Default of {@code provisioning.max-fetches-per-address}. */
    public static final int DEFAULT_MAX_FETCHES_PER_ADDRESS = 600;

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:\\[\\]-]{1,253}");
    private static final Pattern DIAL_CODE = Pattern.compile("[0-9*#]{1,20}");
    private static final Duration MIN_EXPIRY = Duration.ofSeconds(30);
    /** Phones re-register at least every 10 minutes, so a hot-desked extension is never out of reach longer. */
    private static final Duration MAX_EXPIRY = Duration.ofMinutes(10);
    private static final Duration MIN_REQUEST_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration MAX_REQUEST_TIMEOUT = Duration.ofMinutes(5);

    public ProvisioningSettings {
        host("provisioning.bind", bindAddress);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("provisioning.port must be 0..65535 (0 = any free port), got " + port);
        }
        Objects.requireNonNull(allowedNetworks, "provisioning.allowed-networks");
        if (allowedNetworks.isEmpty()) {
            throw new IllegalArgumentException("provisioning.allowed-networks must list at least one CIDR "
                    + "(0.0.0.0/0 and ::/0 allow every address)");
        }
        for (String cidr : allowedNetworks) {
            try {
                NetworkRange.parse(cidr);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("provisioning.allowed-networks: " + e.getMessage(), e);
            }
        }
        allowedNetworks = List.copyOf(allowedNetworks);
        Objects.requireNonNull(templateDir, "provisioning.templates");
        if (templateDir.isPresent() && !Files.isDirectory(templateDir.get())) {
            throw new IllegalArgumentException("provisioning.templates must be a directory, got '"
                    + templateDir.get() + "'");
        }
        host("provisioning.sip-server", sipServer);
        if (sipPort < 1 || sipPort > 65535) {
            throw new IllegalArgumentException("provisioning.sip-port must be 1..65535, got " + sipPort);
        }
        if (registrationExpiry == null || registrationExpiry.compareTo(MIN_EXPIRY) < 0
                || registrationExpiry.compareTo(MAX_EXPIRY) > 0) {
            throw new IllegalArgumentException("provisioning.registration-expiry must be 30s..10m (phones re-register at "
                    + "least every 10 minutes), got " + registrationExpiry);
        }
        host("provisioning.ntp-server", ntpServer);
        try {
            ZoneId.of(Objects.requireNonNullElse(timezone, ""));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("provisioning.timezone must be an IANA zone id like Europe/Berlin, got '"
                    + timezone + "'", e);
        }
        if (logoutCode == null || !DIAL_CODE.matcher(logoutCode).matches()) {
            throw new IllegalArgumentException("codes.logout: the logout key's code (the first entry) must be 1 to 20 of 0-9 * #, got '"
                    + logoutCode + "'");
        }
        if (maxRefusalsPerMinute < 1) {
            throw new IllegalArgumentException("provisioning.max-refusals-per-minute must be >= 1, got "
                    + maxRefusalsPerMinute);
        }
        if (requestTimeout == null || requestTimeout.compareTo(MIN_REQUEST_TIMEOUT) < 0
                || requestTimeout.compareTo(MAX_REQUEST_TIMEOUT) > 0) {
            throw new IllegalArgumentException("provisioning.request-timeout must be 1s..5m, got " + requestTimeout);
        }
        if (maxFetchesPerDesk < 1) {
            throw new IllegalArgumentException("provisioning.max-fetches-per-desk must be >= 1, got " + maxFetchesPerDesk);
        }
        if (maxFetchesPerAddress < 1) {
            throw new IllegalArgumentException("provisioning.max-fetches-per-address must be >= 1, got "
                    + maxFetchesPerAddress);
        }
        if (sipTransport == null || !TRANSPORTS.contains(sipTransport)) {
            throw new IllegalArgumentException("provisioning.sip-transport must be one of " + TRANSPORTS + ", got '"
                    + (sipTransport == null ? null : sipTransport.replaceAll("\\p{Cntrl}", "?")) + "'");
        }
        Objects.requireNonNull(dialCodes, "codes.*");
        if (!dialCodes.logout().contains(logoutCode)) {
            dialCodes = new DialCodes(dialCodes.login(), dialCodes.loginStar(), dialCodes.otp(),
                    java.util.stream.Stream.concat(java.util.stream.Stream.of(logoutCode), dialCodes.logout().stream()).toList());
        }
    }

    /** With UDP, no Yealink hot-desking key and only the logout code known. */
    public ProvisioningSettings(String bindAddress, int port, List<String> allowedNetworks, boolean requireMacInUserAgent,
                                Optional<Path> templateDir, String sipServer, int sipPort, Duration registrationExpiry,
                                String ntpServer, String timezone, String logoutCode, int maxRefusalsPerMinute,
                                Duration requestTimeout, int maxFetchesPerDesk, int maxFetchesPerAddress) {
        this(bindAddress, port, allowedNetworks, requireMacInUserAgent, templateDir, sipServer, sipPort, registrationExpiry,
                ntpServer, timezone, logoutCode, maxRefusalsPerMinute, requestTimeout, maxFetchesPerDesk,
                maxFetchesPerAddress, "udp", false, new DialCodes(List.of(), List.of(), List.of(), List.of()));
    }

    /** With the default fetch limits. */
    public ProvisioningSettings(String bindAddress, int port, List<String> allowedNetworks, boolean requireMacInUserAgent,
                                Optional<Path> templateDir, String sipServer, int sipPort, Duration registrationExpiry,
                                String ntpServer, String timezone, String logoutCode, int maxRefusalsPerMinute,
                                Duration requestTimeout) {
        this(bindAddress, port, allowedNetworks, requireMacInUserAgent, templateDir, sipServer, sipPort, registrationExpiry,
                ntpServer, timezone, logoutCode, maxRefusalsPerMinute, requestTimeout, DEFAULT_MAX_FETCHES_PER_DESK,
                DEFAULT_MAX_FETCHES_PER_ADDRESS);
    }

    /**
     * These settings as the desks of {@code site} see them: each phone setting the site has (SIP server,
     * port, transport, NTP server, registration expiry, time zone) replaces the global key; the networks stay
     * the global ones (the server's first gate; a site's own narrow its desks' fetches, see the server).
     */
    public ProvisioningSettings forSite(Optional<Site> site) {
        return site.map(s -> over(DeskPhoneSettings.ofSite(s))).orElse(this);
    }

    /**
     * These settings as one desk's phone sees them: its site's ({@link #forSite}), then each value the desk
     * has of its own (SIP server, port, transport, NTP server, time zone, registration expiry) over them. So a
     * desk's value wins over its site's, and its site's over the global key; the lines of a gateway share them.
     */
    public ProvisioningSettings forDesk(DeskView desk) {
        return forSite(desk.site()).over(desk.device().phones());
    }

    /** These settings with every phone value {@code p} has (not empty, not 0) in place of their own. */
    private ProvisioningSettings over(DeskPhoneSettings p) {
        if (p.isEmpty()) {
            return this;
        }
        return new ProvisioningSettings(bindAddress, port, allowedNetworks, requireMacInUserAgent, templateDir,
                p.sipServer().isEmpty() ? sipServer : p.sipServer(), p.sipPort() == 0 ? sipPort : p.sipPort(),
                p.expirySeconds() == 0 ? registrationExpiry : Duration.ofSeconds(p.expirySeconds()),
                p.ntpServer().isEmpty() ? ntpServer : p.ntpServer(), p.timeZone().isEmpty() ? timezone : p.timeZone(),
                logoutCode, maxRefusalsPerMinute, requestTimeout, maxFetchesPerDesk, maxFetchesPerAddress,
                p.sipTransport().isEmpty() ? sipTransport : p.sipTransport(), yealinkHotdeskKey, dialCodes);
    }

    /**
     * The global phone values ({@code provisioning.sip-server}, {@code -port}, {@code -transport}, {@code ntp-server},
     * {@code timezone}, {@code registration-expiry}) as the defaults of {@link DeskPhoneSettings#effective}.
     */
    public DeskPhoneSettings phoneDefaults() {
        return new DeskPhoneSettings(sipServer, sipPort, sipTransport, ntpServer, timezone,
                (int) registrationExpiry.toSeconds());
    }

    ZoneId zone() {
        return ZoneId.of(timezone);
    }

    private static void host(String key, String value) {
        if (value == null || !HOST.matcher(value).matches()) {
            throw new IllegalArgumentException(key + " must be a host name or IP address, got '"
                    + (value == null ? null : value.replaceAll("\\p{Cntrl}", "?")) + "'");
        }
    }
}
