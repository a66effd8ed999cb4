package hotdesk.asteriskconf;

import hotdesk.core.policy.DialCodePlan;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the generated Asterisk configuration is made from, validated when built.
 *
 * <p>Every value ends up inside an Asterisk config file, where a {@code ;} starts a comment, a line
 * break starts a new setting and a section name in brackets starts a new section. So nothing here may
 * hold control characters or {@code ;}, names are restricted to letters, digits and {@code _ . -}, and
 * a user may not be called {@code general} (that section configures the whole module). Errors are
 * IllegalArgumentException naming the key ({@code asterisk.agi-url}, {@code pjsip.idle-context},
 * {@code asterisk.internal-pattern}, {@code ami.user}, {@code ami.secret}, {@code ari.user},
 * {@code ari.password}, {@code ami.test-user}, {@code ami.test-secret}); secrets are never echoed, not even in {@link #toString()}.
 *
 * @param codes             feature codes and emergency numbers ({@code codes.*}, {@code emergency.numbers})
 * @param agiUrl            where Asterisk reaches hotdesk's FastAGI server, {@code agi://host[:port]}
 * @param idleContext       dialplan context hotdesk gives a free desk ({@code pjsip.idle-context})
 * @param idleInternalCalls whether free desks may call internal numbers ({@code asterisk.idle-internal-calls})
 * @param internalPattern   the internal numbers, an Asterisk extension or pattern ({@code asterisk.internal-pattern});
 *                          it may not match anything that begins with a feature code
 * @param amiUser           AMI user hotdesk logs in as
 * @param amiSecret         its secret
 * @param ariUser           ARI user hotdesk pushes PJSIP objects as
 * @param ariPassword       its password
 * @param pjsipWizard       where Asterisk keeps the PJSIP objects hotdesk pushes ({@code asterisk.pjsip-wizard})
 * @param amiTestUser       AMI user {@code hotdesk emergency test} logs in as to place a test call ({@code ami.test-user}):
 *                          a user of its own, because a user that may both {@code originate} and write {@code system}
 *                          (as {@code amiUser} must) can make Asterisk run programs (Originate of {@code System()});
 *                          empty: no such user, test calls are off
 * @param amiTestSecret     its secret ({@code ami.test-secret}); not checked when {@code amiTestUser} is empty
 * @param defaultContext    where a seated desk's other calls go when AstDB names no context of its occupant
 *                          ({@code users.default-context}); none of the contexts the generated dialplan defines
 */
public record AsteriskConfSettings(DialCodePlan codes, String agiUrl, String idleContext, boolean idleInternalCalls,
                                   String internalPattern, String amiUser, String amiSecret, String ariUser,
                                   String ariPassword, PjsipWizard pjsipWizard, String amiTestUser, String amiTestSecret,
                                   String defaultContext) {

    /** The context a seated desk's calls go on to when hotdesk wrote none for it ({@code users.default-context}). */
    public static final String DEFAULT_CONTEXT = "internal";

    /** The settings with the shipped {@code users.default-context} ({@link #DEFAULT_CONTEXT}). */
    public AsteriskConfSettings(DialCodePlan codes, String agiUrl, String idleContext, boolean idleInternalCalls,
                                String internalPattern, String amiUser, String amiSecret, String ariUser, String ariPassword,
                                PjsipWizard pjsipWizard, String amiTestUser, String amiTestSecret) {
        this(codes, agiUrl, idleContext, idleInternalCalls, internalPattern, amiUser, amiSecret, ariUser, ariPassword,
                pjsipWizard, amiTestUser, amiTestSecret, DEFAULT_CONTEXT);
    }

    /** The AMI user and secret of {@code hotdesk emergency test} that hotdesk ships ({@code ami.test-user}, {@code ami.test-secret}). */
    public static final String DEFAULT_TEST_USER = "hotdesk-test";
    public static final String DEFAULT_TEST_SECRET = "hotdesk-ami-test-change-me";

    /** The settings with the shipped test-call AMI user ({@link #DEFAULT_TEST_USER}). */
    public AsteriskConfSettings(DialCodePlan codes, String agiUrl, String idleContext, boolean idleInternalCalls,
                                String internalPattern, String amiUser, String amiSecret, String ariUser, String ariPassword,
                                PjsipWizard pjsipWizard) {
        this(codes, agiUrl, idleContext, idleInternalCalls, internalPattern, amiUser, amiSecret, ariUser, ariPassword,
                pjsipWizard, DEFAULT_TEST_USER, DEFAULT_TEST_SECRET);
    }

    /**
     * The writable sorcery wizard after the config wizard, which takes what ARI creates.
     * {@code MEMORY}: objects vanish when Asterisk restarts, and desks cannot
     * call (emergency included) until hotdesk pushes them again. {@code ASTDB} keeps them in Asterisk's
     * own database across restarts, so a desk keeps working, as it was last pushed, through an
     * Asterisk restart while hotdesk is down (RealAsteriskRestartTest checks both on Asterisk 22.10.1).
     */
    public enum PjsipWizard {
        MEMORY("memory"), ASTDB("astdb,hotdesk-pjsip");

        private final String sorcery;

        PjsipWizard(String sorcery) {
            this.sorcery = sorcery;
        }

        /** The right-hand side of the sorcery.conf line, e.g. {@code astdb,hotdesk-pjsip}. */
        public String sorcery() {
            return sorcery;
        }

        /** The setting's value, {@code memory} or {@code astdb}; anything else fails naming the key. */
        public static PjsipWizard of(String value) {
            for (PjsipWizard w : values()) {
                if (w.name().equalsIgnoreCase(value == null ? "" : value.strip())) {
                    return w;
                }
            }
            throw new IllegalArgumentException("asterisk.pjsip-wizard must be memory or astdb, got '" + shown(value) + "'");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The settings with the {@link PjsipWizard#MEMORY} wizard (the shipped default is {@link PjsipWizard#ASTDB}, see {@link #defaults()}). */
    public AsteriskConfSettings(DialCodePlan codes, String agiUrl, String idleContext, boolean idleInternalCalls,
                                String internalPattern, String amiUser, String amiSecret, String ariUser, String ariPassword) {
        this(codes, agiUrl, idleContext, idleInternalCalls, internalPattern, amiUser, amiSecret, ariUser, ariPassword,
                PjsipWizard.MEMORY);
    }

    /** Contexts the generated dialplan defines itself; the idle context must be none of them. */
    static final Set<String> OWN_CONTEXTS = Set.of("hotdesk-codes", "hotdesk-emergency", "hotdesk-emergency-out",
            "hotdesk-run", "hotdesk-result", "hotdesk-dial", "hotdesk-seated", "hotdesk-emergency-fallback",
            "hotdesk-emergency-test", "hotdesk-emergency-test-answer", "hotdesk-security-announce");

    private static final Set<String> RESERVED_SECTIONS = Set.of("general", "globals");
    private static final Pattern AGI_URL = Pattern.compile(
            "agi://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
                    + "|\\[[0-9A-Fa-f:.]{2,45}\\])(?::([0-9]{1,5}))?");
    private static final Pattern CONTEXT = Pattern.compile("[A-Za-z0-9_-]{1,79}");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern SECRET = Pattern.compile("[\\x21-\\x7e&&[^;\\\\]]{8,128}");

    public AsteriskConfSettings {
        if (codes == null) {
            throw new IllegalArgumentException("codes.* and emergency.numbers must be given");
        }
        agiUrl = agiUrl(agiUrl);
        idleContext = context("pjsip.idle-context", idleContext);
        defaultContext = context("users.default-context", defaultContext);
        internalPattern = internalPattern(internalPattern, codes);
        amiUser = user("ami.user", amiUser);
        amiSecret = secret("ami.secret", amiSecret);
        ariUser = user("ari.user", ariUser);
        ariPassword = secret("ari.password", ariPassword);
        if (pjsipWizard == null) {
            throw new IllegalArgumentException("asterisk.pjsip-wizard must be memory or astdb");
        }
        amiTestUser = amiTestUser == null || amiTestUser.isEmpty() ? "" : user("ami.test-user", amiTestUser);
        amiTestSecret = amiTestUser.isEmpty() ? "" : secret("ami.test-secret", amiTestSecret);
        if (amiTestUser.equalsIgnoreCase(amiUser)) {
            // Asterisk looks manager users up without case; one section cannot hold both sets of rights
            throw new IllegalArgumentException("ami.test-user must differ from ami.user ('" + amiUser + "'): the test-call"
                    + " user may originate, and a user that may also write system can make Asterisk run programs");
        }
    }

    /** The defaults hotdesk ships, the ones asterisk-conf/ in the repository is generated with. */
    public static AsteriskConfSettings defaults() {
        return new AsteriskConfSettings(DialCodePlan.defaults(), "agi://127.0.0.1:4573", "hotdesk-idle", false, "_1XX",
                "hotdesk", "hotdesk-ami-change-me", "hotdesk", "hotdesk-ari-change-me", PjsipWizard.ASTDB, DEFAULT_TEST_USER,
                DEFAULT_TEST_SECRET, DEFAULT_CONTEXT);
    }

    private static String agiUrl(String value) {
        var m = value == null ? null : AGI_URL.matcher(value);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("asterisk.agi-url must look like agi://host[:port] (no path), got '"
                    + shown(value) + "'");
        }
        if (m.group(1) != null) {
            int port = Integer.parseInt(m.group(1));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("asterisk.agi-url port must be 1..65535, got " + port);
            }
        }
        return value;
    }

    private static String context(String key, String value) {
        if (value == null || !CONTEXT.matcher(value).matches()) {
            throw new IllegalArgumentException(key + " must be a dialplan context name (1 to 79 letters, digits, _ and -), got '"
                    + shown(value) + "'");
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (RESERVED_SECTIONS.contains(lower) || OWN_CONTEXTS.contains(lower)) {
            throw new IllegalArgumentException(key + " cannot be '" + value + "': that name is taken ("
                    + (RESERVED_SECTIONS.contains(lower) ? "an extensions.conf section" : "a context the generated dialplan defines") + ")");
        }
        return value;
    }

    private static String internalPattern(String value, DialCodePlan codes) {
        String key = "asterisk.internal-pattern";
        if (value == null) {
            throw new IllegalArgumentException(key + " must be given");
        }
        DialPattern.DialPatternResult parsed = DialPattern.parse(value);
        if (parsed.problem() != null) {
            throw new IllegalArgumentException(key + " must be an Asterisk extension like 100 or pattern like _1XX: "
                    + parsed.problem() + ", got '" + shown(value) + "'");
        }
        DialPattern p = parsed.pattern();
        for (String code : codes.prefixCodes()) {
            if (p.matchesLongerThan(code)) {
                throw new IllegalArgumentException(key + " " + value + " also matches numbers that begin with the feature code "
                        + code + " (" + keyOf(codes, code) + "): choose a pattern no feature code can begin");
            }
        }
        if (p.isExact()) {
            for (String code : exactNumbers(codes)) {
                if (p.matches(code)) {
                    throw new IllegalArgumentException(key + " " + value + " is also a feature code or emergency number");
                }
            }
        }
        return value;
    }

    private static List<String> exactNumbers(DialCodePlan codes) {
        List<String> all = new java.util.ArrayList<>(codes.login());
        all.addAll(codes.loginStar());
        all.addAll(codes.logout());
        all.addAll(codes.emergency());
        return all;
    }

    private static String keyOf(DialCodePlan codes, String code) {
        if (codes.login().contains(code)) {
            return DialCodePlan.LOGIN_KEY;
        }
        return codes.loginStar().contains(code) ? DialCodePlan.LOGIN_STAR_KEY : DialCodePlan.OTP_KEY;
    }

    private static String user(String key, String value) {
        if (value == null || !USER.matcher(value).matches()) {
            throw new IllegalArgumentException(key + " must be 1 to 64 letters, digits, _ . -, got '" + shown(value) + "'");
        }
        if (RESERVED_SECTIONS.contains(value.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(key + " cannot be '" + value + "': [" + value
                    + "] is the section that configures the whole module");
        }
        return value;
    }

    private static String secret(String key, String value) {
        if (value == null || !SECRET.matcher(value).matches()) {
            throw new IllegalArgumentException(key + " must be 8 to 128 printable ASCII characters without spaces, ; or \\"
                    + " (Asterisk config files read ; as a comment)");
        }
        return value;
    }

    private static String shown(String value) {
        if (value == null) {
            return "null";
        }
        String v = value.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]", "?");
        return v.length() > 60 ? v.substring(0, 60) + "…" : v;
    }

    /** Whether a test-call user is configured ({@code ami.test-user} not empty). */
    public boolean testCalls() {
        return !amiTestUser.isEmpty();
    }

    /** The settings as a header comment shows them: secrets left out. */
    String describe() {
        return codes + " asterisk.agi-url=" + agiUrl + " pjsip.idle-context=" + idleContext
                + " asterisk.idle-internal-calls=" + idleInternalCalls + " asterisk.internal-pattern=" + internalPattern
                + " ami.user=" + amiUser + " ari.user=" + ariUser + " asterisk.pjsip-wizard=" + pjsipWizard
                + " users.default-context=" + defaultContext;
    }

    @Override
    public String toString() {
        return "AsteriskConfSettings[" + describe() + " ami.test-user=" + amiTestUser
                + " ami.secret=**** ari.password=**** ami.test-secret=****]";
    }
}
