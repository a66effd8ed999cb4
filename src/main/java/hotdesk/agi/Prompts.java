package hotdesk.agi;

import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What the caller hears: one sound per question and one per {@code HOTDESK_RESULT}, each set by its key
 * {@code prompts.<name>} ({@link #KEYS}). A value is a sound as Asterisk names it, without the file
 * extension: a core sound ({@code vm-incorrect}), a path under the sounds directory
 * ({@code custom/hd-welcome}) or an absolute path. A missing file only makes Asterisk skip it
 * ({@code STREAM FILE} answers {@code result=-1 endpos=0}), it never breaks a login.
 *
 * <p>The defaults are Asterisk core English sounds chosen for what they say: see {@link #KEYS}, whose
 * {@code says} is the sound's transcript. No default names an "agent", a "mailbox" or asks for
 * something the script does not ask for next. The core sounds have nothing for "your phone will update shortly";
 * {@code prompts.login-pending} is the place for a recording of your own.
 */
public record Prompts(String enterExtension, String enterPin, String loginOk, String loginPending, String badPin,
                      String locked, String notADesk, String alreadySeated, String deskDisabled, String noInput,
                      String loggedOut, String notLoggedIn, String error) {

    /** One configurable prompt: its key, its default sound and what that sound says and when it plays. */
    public record Key(String name, String defaultSound, String says) {
    }

    /** Every key, in the order of the record's components. */
    public static final List<Key> KEYS = List.of(
            new Key("prompts.enter-extension", "extension", "\"Extension.\" asks for the extension when none was dialled"),
            new Key("prompts.enter-pin", "agent-pass", "\"Please enter your password followed by the pound key.\" asks for the PIN"),
            new Key("prompts.login-ok", "activated", "\"Activated.\" OK: the desk is now the caller's"),
            new Key("prompts.login-pending", "activated",
                    "\"Activated.\" OK_PENDING: logged in, the phone follows as soon as Asterisk takes the change"),
            new Key("prompts.bad-pin", "vm-incorrect",
                    "\"Login incorrect.\" BAD_PIN, after each wrong PIN or code (the PIN is asked again while tries are left)"),
            new Key("prompts.locked", "please-try-call-later", "\"Please try your call again later.\" LOCKED"),
            new Key("prompts.not-a-desk", "feature-not-avail-line", "\"That feature is not available on this line.\" NOT_A_DESK"),
            new Key("prompts.already-seated", "is-in-use",
                    "\"Is in use.\" ALREADY_SEATED: logged in at another desk, and a second desk is refused (multi-login deny)"),
            new Key("prompts.desk-disabled", "feature-not-avail-line",
                    "\"That feature is not available on this line.\" DESK_DISABLED"),
            new Key("prompts.no-input", "vm-goodbye", "\"Goodbye.\" NO_INPUT"),
            new Key("prompts.logged-out", "de-activated", "\"De-activated.\" LOGGED_OUT"),
            new Key("prompts.not-logged-in", "de-activated", "\"De-activated.\" NOT_LOGGED_IN: the desk was free already"),
            new Key("prompts.error", "please-try-call-later", "\"Please try your call again later.\" ERROR"));

    private static final Pattern SOUND = Pattern.compile("/?[A-Za-z0-9_][A-Za-z0-9_/.+-]{0,254}");
    private static final Pattern AUDIO_EXTENSION =
            Pattern.compile(".*\\.(wav|WAV|gsm|ulaw|alaw|ul|al|sln[0-9]*|g722|g729|g726|mp3|ogg|opus|h264|siren[0-9]*)");

    public Prompts {
        String[] values = {enterExtension, enterPin, loginOk, loginPending, badPin, locked, notADesk, alreadySeated,
                deskDisabled, noInput, loggedOut, notLoggedIn, error};
        int i = 0;
        for (Key key : KEYS) {
            check(key.name(), values[i++]);
        }
    }

    private static void check(String key, String value) {
        if (value == null || !SOUND.matcher(value).matches() || value.contains("..") || value.contains("//")
                || value.endsWith("/")) {
            throw new IllegalArgumentException(key + " must be a sound name such as vm-incorrect or custom/hd-welcome "
                    + "(letters, digits, _ / . + -), got '" + value + "'");
        }
        if (AUDIO_EXTENSION.matcher(value).matches()) {
            throw new IllegalArgumentException(key + " must name the sound without its file extension (Asterisk picks the "
                    + "format), got '" + value + "'");
        }
    }

    /** The prompts from {@code valueOf(key)} for every key of {@link #KEYS}; errors name the key. */
    public static Prompts from(Function<String, String> valueOf) {
        String[] v = KEYS.stream().map(k -> {
            String value = valueOf.apply(k.name());
            return value == null ? null : value.strip();
        }).toArray(String[]::new);
        return new Prompts(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12]);
    }

    public static Prompts defaults() {
        return from(name -> KEYS.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow().defaultSound());
    }
}
