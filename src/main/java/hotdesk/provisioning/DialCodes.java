package hotdesk.provisioning;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The feature codes a user dials at a desk ({@code codes.*}), so that a profile can make sure the phone lets
 * every one of them be dialled as documented: a phone that sends the number at the first {@code #} turns
 * {@code 00#} + code + {@code #} into a call to {@code 00}.
 *
 * <p>{@link #forms()} gives each code in the form a user dials it, with sample digits where the user adds
 * some: {@code <login><EXT>}, {@code <login-star><EXT>*}, {@code <otp><6 digits>#}, {@code <logout>}.
 * Immutable.
 */
public record DialCodes(List<String> login, List<String> loginStar, List<String> otp, List<String> logout) {

    /** What a sample extension looks like in a dial form. */
    public static final String SAMPLE_EXTENSION = "101";
    /** What a sample one-time code looks like in a dial form. */
    public static final String SAMPLE_OTP = "123456";

    private static final Pattern CODE = Pattern.compile("[0-9*#]{1,20}");

    public DialCodes {
        login = checked("codes.login", login);
        loginStar = checked("codes.login-star", loginStar);
        otp = checked("codes.otp", otp);
        logout = checked("codes.logout", logout);
    }

    /** Only a logout code (what older callers know). */
    public static DialCodes logoutOnly(String logoutCode) {
        return new DialCodes(List.of(), List.of(), List.of(), List.of(logoutCode));
    }

    /** Every code in the form a user dials it, login codes first. */
    public List<String> forms() {
        List<String> forms = new ArrayList<>();
        login.forEach(c -> forms.add(c + SAMPLE_EXTENSION));
        loginStar.forEach(c -> forms.add(c + SAMPLE_EXTENSION + "*"));
        otp.forEach(c -> forms.add(c + SAMPLE_OTP + "#"));
        forms.addAll(logout);
        return List.copyOf(forms);
    }

    /**
     * Codes complete as soon as their last key is pressed, which a phone may dial at once: the logout codes
     * and the one-time code forms ending in {@code #}, each only when no other code's dial form continues it
     * (dialling {@code 00} at once would make {@code 00#…} impossible). In the phone's pattern language
     * {@code x} stands for one digit.
     */
    public List<String> dialNowPatterns() {
        List<String> forms = forms();
        List<String> patterns = new ArrayList<>();
        for (String code : logout) {
            if (forms.stream().noneMatch(f -> f.length() > code.length() && f.startsWith(code))) {
                patterns.add(code);
            }
        }
        for (String code : otp) {
            String form = code + SAMPLE_OTP + "#";
            if (forms.stream().noneMatch(f -> f.length() > form.length() && f.startsWith(code))) {
                patterns.add(code + "x".repeat(SAMPLE_OTP.length()) + "#");
            }
        }
        return List.copyOf(patterns);
    }

    private static List<String> checked(String key, List<String> codes) {
        Objects.requireNonNull(codes, key);
        for (String c : codes) {
            if (c == null || !CODE.matcher(c).matches()) {
                throw new IllegalArgumentException(key + ": a code must be 1 to 20 of 0-9 * #, got '" + c + "'");
            }
        }
        return List.copyOf(codes);
    }
}
