package hotdesk.core.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The feature codes a desk phone dials and the emergency numbers it may always call, and the Asterisk
 * extensions they become in the generated dialplan.
 *
 * <p>Dialled forms: PIN login {@code <login>EXT} (or the bare code: the script then asks for the
 * extension), {@code <login-star>EXT*} (3CX style; the script strips the one trailing {@code *} or
 * {@code #}); one-time-code login {@code <otp>DDDDDD} with or without a trailing {@code #} (exactly
 * {@value #OTP_DIGITS} digits); logout and emergency numbers are dialled exactly as listed.
 *
 * <p>The unpleasant facts this validation handles:
 * <ul>
 * <li>Asterisk picks an exact extension before any pattern, and among patterns the most specific one,
 *     character by character. So an exact code inside another code's pattern silently takes that
 *     dialled form away: logout {@code *77*5*} inside login {@code *77*X.} is fine (extension 5 cannot
 *     exist, extensions have at least two digits), but a logout {@code *7012} would make extension 12
 *     unable to log in with {@code *70}: refused. Two prefix codes where one begins the other
 *     ({@code *7}, {@code *70}) make the longer one's pattern win for some extensions: refused.</li>
 * <li>The same code in two lists is a collision, except that a logout code may equal a one-time-code
 *     prefix: the OTP form always carries six more digits, so {@code 00#} logs out and
 *     {@code 00#123456} logs in (that is the default plan).</li>
 * <li>An emergency number must never be reachable only after a feature code or be the start of one:
 *     phones that dial as soon as the digits match a known number would otherwise call one when the
 *     caller meant the other. So emergency numbers and feature codes must not begin one another.</li>
 * <li>{@code *} and {@code #} are ordinary characters in Asterisk patterns (only {@code X Z N . ! [ ] -}
 *     and spaces are special, and codes may contain none of them), so a code goes into a pattern
 *     verbatim; {@link #pattern(String, String)} refuses anything else rather than escaping it.</li>
 * </ul>
 *
 * <p>Errors are IllegalArgumentException naming the configuration key ({@code codes.login},
 * {@code codes.login-star}, {@code codes.otp}, {@code codes.logout}, {@code emergency.numbers}).
 * Immutable and thread-safe.
 */
public record DialCodePlan(List<String> login, List<String> loginStar, List<String> otp, List<String> logout,
                           List<String> emergency) {

    /** Digits of a one-time code. */
    public static final int OTP_DIGITS = 6;

    public static final String LOGIN_KEY = "codes.login";
    public static final String LOGIN_STAR_KEY = "codes.login-star";
    public static final String OTP_KEY = "codes.otp";
    public static final String LOGOUT_KEY = "codes.logout";
    public static final String EMERGENCY_KEY = "emergency.numbers";

    private static final Pattern CODE = Pattern.compile("[0-9*#]{1,8}");
    private static final Pattern EMERGENCY = Pattern.compile("[0-9]{2,6}");
    private static final Pattern EXTENSION = Pattern.compile("[0-9]{2,10}");
    private static final Pattern PATTERN_SAFE = Pattern.compile("[0-9*#]*");
    private static final int MAX_CODES = 16;

    /** What a dialled form does. */
    public enum Action {
        /** PIN login: the argument is the extension (empty: the script asks for it). */
        LOGIN,
        /** One-time-code login: the argument is the six digits. */
        OTP_LOGIN,
        /** Logout of whoever sits at the calling desk: no argument. */
        LOGOUT
    }

    /**
     * One dialplan extension of a feature code.
     *
     * @param exten          the Asterisk extension: an exact string ({@code *71}) or a pattern ({@code _*70X.})
     * @param action         what it does
     * @param code           the feature code it was made from
     * @param key            the configuration key that code came from
     * @param argumentStart  where the AGI argument starts in the dialled string ({@code ${EXTEN:start}})
     * @param argumentLength characters of the argument: -1 to the end, 0 for no argument at all
     */
    public record Route(String exten, Action action, String code, String key, int argumentStart, int argumentLength) {

        public boolean isPattern() {
            return exten.startsWith("_");
        }

        public boolean hasArgument() {
            return argumentLength != 0;
        }
    }

    public DialCodePlan {
        login = codes(LOGIN_KEY, login);
        loginStar = codes(LOGIN_STAR_KEY, loginStar);
        otp = codes(OTP_KEY, otp);
        logout = codes(LOGOUT_KEY, logout);
        emergency = emergencyNumbers(emergency);
        checkCollisions(login, loginStar, otp, logout, emergency);
    }

    /** The defaults: {@code *70}, {@code *77*}, {@code 00* 00#}, {@code *71 *77*5* 00# 00}, {@code 911 112 999}. */
    public static DialCodePlan defaults() {
        return new DialCodePlan(List.of("*70"), List.of("*77*"), List.of("00*", "00#"), List.of("*71", "*77*5*", "00#", "00"),
                List.of("911", "112", "999"));
    }

    /** From configuration values: comma-separated lists, spaces around entries ignored. */
    public static DialCodePlan of(String login, String loginStar, String otp, String logout, String emergency) {
        return new DialCodePlan(split(LOGIN_KEY, login), split(LOGIN_STAR_KEY, loginStar), split(OTP_KEY, otp),
                split(LOGOUT_KEY, logout), split(EMERGENCY_KEY, emergency));
    }

    /**
     * Every feature-code extension, in a stable order: login codes (bare code, then code + extension),
     * login-star codes, one-time-code patterns (without and with the trailing {@code #}), logout codes.
     * Emergency numbers are not here: they are {@link #emergency()}, dialled exactly.
     */
    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        for (String c : login) {
            routes.add(new Route(c, Action.LOGIN, c, LOGIN_KEY, c.length(), 0));
            routes.add(new Route(pattern(c, "X."), Action.LOGIN, c, LOGIN_KEY, c.length(), -1));
        }
        for (String c : loginStar) {
            routes.add(new Route(c, Action.LOGIN, c, LOGIN_STAR_KEY, c.length(), 0));
            routes.add(new Route(pattern(c, "X."), Action.LOGIN, c, LOGIN_STAR_KEY, c.length(), -1));
        }
        String digits = "X".repeat(OTP_DIGITS);
        for (String c : otp) {
            routes.add(new Route(pattern(c, digits), Action.OTP_LOGIN, c, OTP_KEY, c.length(), OTP_DIGITS));
            routes.add(new Route(pattern(c, digits + "#"), Action.OTP_LOGIN, c, OTP_KEY, c.length(), OTP_DIGITS));
        }
        for (String c : logout) {
            routes.add(new Route(c, Action.LOGOUT, c, LOGOUT_KEY, 0, 0));
        }
        return List.copyOf(routes);
    }

    /** Codes that take digits after them: login, login-star and one-time-code prefixes. */
    public List<String> prefixCodes() {
        List<String> all = new ArrayList<>(login);
        all.addAll(loginStar);
        all.addAll(otp);
        return List.copyOf(all);
    }

    /**
     * An Asterisk pattern: {@code _}, the literal code, then {@code tail} (pattern syntax). A code holds
     * only {@code 0-9 * #}, none of which is special in a pattern, so it is written as it is.
     *
     * @throws IllegalArgumentException if {@code literal} holds anything else
     */
    public static String pattern(String literal, String tail) {
        if (literal == null || !PATTERN_SAFE.matcher(literal).matches()) {
            throw new IllegalArgumentException("only 0-9 * # can be written literally into an Asterisk pattern, got '" + literal + "'");
        }
        return "_" + literal + tail;
    }

    private static List<String> split(String key, String value) {
        if (value == null) {
            throw new IllegalArgumentException(key + " must be given");
        }
        List<String> out = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            out.add(part.strip());
        }
        return out;
    }

    private static List<String> codes(String key, List<String> codes) {
        return entries(key, codes, CODE, "1 to 8 of 0-9 * #");
    }

    private static List<String> emergencyNumbers(List<String> numbers) {
        return entries(EMERGENCY_KEY, numbers, EMERGENCY, "2 to 6 digits");
    }

    /** A list of at least one entry, each matching {@code form}, none twice. */
    private static List<String> entries(String key, List<String> list, Pattern form, String formText) {
        checkList(key, list);
        Set<String> seen = new LinkedHashSet<>();
        for (String e : list) {
            if (e == null || !form.matcher(e).matches()) {
                throw new IllegalArgumentException(key + " entries must be " + formText + ", got '" + shown(e) + "'");
            }
            if (!seen.add(e)) {
                throw new IllegalArgumentException(key + " lists " + e + " twice");
            }
        }
        return List.copyOf(list);
    }

    private static void checkList(String key, List<String> list) {
        if (list == null || list.isEmpty()) {
            throw new IllegalArgumentException(key + " must list at least one entry");
        }
        if (list.size() > MAX_CODES) {
            throw new IllegalArgumentException(key + " may list at most " + MAX_CODES + " entries, got " + list.size());
        }
    }

    private record Code(String value, String key) {
    }

    private static void checkCollisions(List<String> login, List<String> loginStar, List<String> otp, List<String> logout,
                                        List<String> emergency) {
        List<Code> prefix = new ArrayList<>();
        login.forEach(c -> prefix.add(new Code(c, LOGIN_KEY)));
        loginStar.forEach(c -> prefix.add(new Code(c, LOGIN_STAR_KEY)));
        otp.forEach(c -> prefix.add(new Code(c, OTP_KEY)));
        List<Code> exact = new ArrayList<>();
        logout.forEach(c -> exact.add(new Code(c, LOGOUT_KEY)));

        // Prefix codes must not begin one another (equality included): their dialled forms would overlap.
        for (int i = 0; i < prefix.size(); i++) {
            for (int j = i + 1; j < prefix.size(); j++) {
                Code a = prefix.get(i);
                Code b = prefix.get(j);
                if (b.value.startsWith(a.value) || a.value.startsWith(b.value)) {
                    Code shorter = a.value.length() <= b.value.length() ? a : b;
                    Code longer = shorter == a ? b : a;
                    throw new IllegalArgumentException(longer.key + ": " + longer.value + (longer.value.equals(shorter.value)
                            ? " is also in " + shorter.key
                            : " begins with " + shorter.value + " of " + shorter.key)
                            + "; codes that take digits after them must not begin one another");
                }
            }
        }
        // A bare login code is an exact extension too (the script then asks for the extension).
        for (Code e : exact) {
            for (Code p : prefix) {
                if (!p.key.equals(OTP_KEY) && e.value.equals(p.value)) {
                    throw new IllegalArgumentException(e.key + ": " + e.value + " is also in " + p.key);
                }
                String rest = e.value.startsWith(p.value) ? e.value.substring(p.value.length()) : null;
                if (rest == null || rest.isEmpty()) {
                    continue;
                }
                if (p.key.equals(OTP_KEY)) {
                    if (rest.matches("[0-9]{" + OTP_DIGITS + "}#?")) {
                        throw new IllegalArgumentException(e.key + ": " + e.value + " is a one-time-code login with "
                                + p.value + " of " + p.key + "; choose codes that do not overlap");
                    }
                } else {
                    String extension = withoutTerminator(rest);
                    if (rest.length() >= 2 && Character.isDigit(rest.charAt(0)) && EXTENSION.matcher(extension).matches()) {
                        throw new IllegalArgumentException(e.key + ": " + e.value + " would take the place of logging in extension "
                                + extension + " with " + p.value + " of " + p.key + "; choose codes that do not overlap");
                    }
                }
            }
        }
        // Emergency numbers and feature codes must not begin one another.
        List<Code> all = new ArrayList<>(prefix);
        all.addAll(exact);
        for (String n : emergency) {
            for (Code c : all) {
                if (n.startsWith(c.value) || c.value.startsWith(n)) {
                    throw new IllegalArgumentException(EMERGENCY_KEY + ": " + n + (n.equals(c.value) ? " is also the feature code "
                            : n.startsWith(c.value) ? " begins with the feature code " : " begins the feature code ")
                            + c.value + " of " + c.key + "; an emergency number must never be mistaken for a feature code");
                }
            }
        }
    }

    private static String withoutTerminator(String digits) {
        return digits.endsWith("*") || digits.endsWith("#") ? digits.substring(0, digits.length() - 1) : digits;
    }

    private static String shown(String value) {
        if (value == null) {
            return "null";
        }
        String v = value.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]", "?");
        return v.length() > 20 ? v.substring(0, 20) + "…" : v;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "codes.login=%s codes.login-star=%s codes.otp=%s codes.logout=%s emergency.numbers=%s",
                String.join(",", login), String.join(",", loginStar), String.join(",", otp), String.join(",", logout),
                String.join(",", emergency));
    }
}
