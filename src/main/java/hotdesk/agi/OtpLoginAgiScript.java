package hotdesk.agi;

import hotdesk.core.usecase.LogIn;
import org.asteriskjava.fastagi.AgiException;

import java.util.regex.Pattern;

/**
 * {@code hotdesk-otp}: the 6-digit one-time code comes as AGI argument 1 (the digits dialled after the
 * feature code); one try per call. A malformed code is a bad credential. Stateless, thread-safe.
 */
final class OtpLoginAgiScript extends HotdeskScript {

    static final String NAME = "hotdesk-otp";
    private static final Pattern CODE = Pattern.compile("[0-9]{6}");

    private final LogIn logIn;

    OtpLoginAgiScript(Prompts prompts, LogIn logIn) {
        super(NAME, prompts);
        this.logIn = logIn;
    }

    @Override
    void run(Call call) throws AgiException {
        call.answer();
        String endpoint = call.endpoint();
        if (endpoint.isEmpty()) {
            notADesk(call, "otp", "", endpoint);
            return;
        }
        String code = withoutTerminator(call.firstArgument());
        if (code.isEmpty()) {
            noInput(call);
            return;
        }
        LogIn.Result result = CODE.matcher(code).matches()
                ? logIn.execute(endpoint, new LogIn.OneTimeCode(code), call.actor())
                : new LogIn.Rejected(LogIn.Reason.BAD_CREDENTIALS);
        concluded(call, result, "otp", "", endpoint, true);
    }
}
