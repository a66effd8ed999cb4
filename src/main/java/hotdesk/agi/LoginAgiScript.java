package hotdesk.agi;

import hotdesk.core.model.Extension;
import hotdesk.core.usecase.LogIn;
import org.asteriskjava.fastagi.AgiException;

import java.time.Duration;

/**
 * {@code hotdesk-login}: extension (AGI argument 1, or asked for) and PIN (asked for, up to
 * {@code pinAttempts} tries), then {@link LogIn}. The desk is the calling channel's endpoint only.
 * A malformed extension is a bad credential like any other. Stateless, thread-safe.
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
        String endpoint = call.endpoint();
        String typed = withoutTerminator(call.firstArgument());
        if (endpoint.isEmpty() || !logIn.isDesk(endpoint)) {
            notADesk(call, "pin", typed, endpoint);
            return;
        }
        if (typed.isEmpty()) {
            typed = withoutTerminator(call.ask(prompts.enterExtension(), digitTimeout, MAX_EXTENSION_DIGITS));
            if (typed.isEmpty()) {
                noInput(call);
                return;
            }
        }
        Extension extension = Extension.isValid(typed) ? new Extension(typed) : null;
        for (int attempt = 1; attempt <= pinAttempts; attempt++) {
            String pin = call.ask(prompts.enterPin(), digitTimeout, MAX_PIN_DIGITS);
            if (pin.isEmpty()) {
                noInput(call);
                return;
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
