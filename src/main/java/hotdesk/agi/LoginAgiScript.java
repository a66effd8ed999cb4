package hotdesk.agi;

import hotdesk.core.model.Extension;
import hotdesk.core.usecase.LogIn;
import org.asteriskjava.fastagi.AgiException;

import java.time.Duration;

/**
 * {@code hotdesk-login}: extension (AGI argument 1, or asked for) and PIN (asked for, up to
 * {@code pinAttempts} tries), then {@link LogIn}. The desk is the calling channel's endpoint only,
 * checked after the digits are in (a channel not named like a desk line is refused at once). A malformed
 * extension is a bad credential like any other. Stateless, thread-safe.
 */
final class LoginAgiScript extends HotdeskScript {

    static final String NAME = "hotdesk-login";
    private static final int MAX_PIN_DIGITS = 8;
    private static final int MAX_EXTENSION_DIGITS = 10;

    private final LogIn logIn;
    private final int pinAttempts;
    private final Duration digitTimeout;

    LoginAgiScript(Prompts prompts, LogIn logIn, int pinAttempts, Duration digitTimeout) {
        super(NAME, prompts);
        this.logIn = logIn;
        this.pinAttempts = pinAttempts;
        this.digitTimeout = digitTimeout;
    }

    @Override
    void run(Call call) throws AgiException {
        call.answer();
        String typed = withoutTerminator(call.firstArgument());
        if (!call.namedLikeADesk()) {
            // no desk line is named otherwise: refused before anything is asked, with the endpoint in the log
            notADesk(call, "pin", typed, call.endpoint());
            return;
        }
        // The prompts come first, before any lookup: DTMF that reaches Asterisk while it waits for the next AGI
        // command is dropped, so every command before GET DATA widens the window in which a caller who types
        // ahead loses digits (under load, most of all). Which desk it is, is checked once the digits are in.
        // Sending the PIN's GET DATA early does not close the gap (tried on Asterisk 22.10.1): a command that
        // arrives while GET DATA waits for digits ends it with the digit 1 ("The FD we were waiting for has
        // something waiting. Waitfordigit returning numeric 1"), and commands that arrive in one read wait in
        // Asterisk's stdio buffer until more bytes come.
        if (typed.isEmpty()) {
            typed = withoutTerminator(call.ask(prompts.enterExtension(), digitTimeout, MAX_EXTENSION_DIGITS));
            if (typed.isEmpty()) {
                noInput(call);
                return;
            }
        }
        Extension extension = Extension.isValid(typed) ? new Extension(typed) : null;
        String endpoint = null;
        for (int attempt = 1; attempt <= pinAttempts; attempt++) {
            String pin = call.ask(prompts.enterPin(), digitTimeout, MAX_PIN_DIGITS);
            if (pin.isEmpty()) {
                noInput(call);
                return;
            }
            if (endpoint == null) {
                endpoint = call.endpoint();
                if (endpoint.isEmpty() || !logIn.isDesk(endpoint)) {
                    notADesk(call, "pin", typed, endpoint);
                    return;
                }
            }
            // The login runs only on complete input: a hang-up during GET DATA never gets here.
            LogIn.Result result = extension == null
                    ? new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS)
                    : logIn.execute(endpoint, new LogIn.Pin(extension, pin), call.actor());
            if (concluded(call, result, "pin", typed, endpoint, attempt == pinAttempts)) {
                return;
            }
        }
    }
}
