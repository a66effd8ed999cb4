package hotdesk.agi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Sound files the scripts play, as Asterisk names them (no extension). The defaults are prompts of
 * Asterisk's core English sounds; a missing file only makes Asterisk skip it ({@code STREAM FILE}
 * answers {@code result=-1 endpos=0}), it never breaks a login.
 *
 * <p>Defaults: {@code agent-user} ("login number"), {@code agent-pass} ("password"),
 * {@code agent-loginok} for both a login that reached the phone and one still pending (the core sounds
 * have no "your phone will update shortly"), {@code agent-incorrect}, {@code please-try-call-later}
 * for a locked desk or user, {@code agent-loggedoff} for a logout and also for a logout on a free desk
 * (the caller's goal, a free desk, is reached; the dialplan can tell them apart by HOTDESK_RESULT),
 * {@code feature-not-avail-line} ("this feature is not available on this line") when the call is
 * refused (not a desk, desk disabled, user not allowed, internal error), and {@code goodbye} when the
 * caller entered nothing.
 */
public record Prompts(String enterExtension, String enterPin, String loginOk, String loginPending, String badPin,
                      String locked, String loggedOut, String notLoggedIn, String refused, String goodbye) {

    private static final Pattern SOUND = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_/.+-]{0,127}");

    public Prompts {
        Map<String, String> byKey = new LinkedHashMap<>();
        byKey.put("enter-extension", enterExtension);
        byKey.put("enter-pin", enterPin);
        byKey.put("login-ok", loginOk);
        byKey.put("login-pending", loginPending);
        byKey.put("bad-pin", badPin);
        byKey.put("locked", locked);
        byKey.put("logged-out", loggedOut);
        byKey.put("not-logged-in", notLoggedIn);
        byKey.put("refused", refused);
        byKey.put("goodbye", goodbye);
        byKey.forEach((key, value) -> {
            if (value == null || !SOUND.matcher(value).matches() || value.contains("..")) {
                throw new IllegalArgumentException("agi.prompt." + key
                        + " must be a sound name (letters, digits, _ / . + -), got '" + value + "'");
            }
        });
    }

    public static Prompts defaults() {
        return new Prompts("agent-user", "agent-pass", "agent-loginok", "agent-loginok", "agent-incorrect",
                "please-try-call-later", "agent-loggedoff", "agent-loggedoff", "feature-not-avail-line", "goodbye");
    }
}
