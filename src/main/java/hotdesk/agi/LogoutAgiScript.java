package hotdesk.agi;

import hotdesk.core.usecase.LogOut;
import org.asteriskjava.fastagi.AgiException;

/**
 * {@code hotdesk-logout}: whoever sits at the calling desk line logs out ({@link LogOut#fromDesk}).
 * Stateless, thread-safe.
 */
final class LogoutAgiScript extends HotdeskScript {

    static final String NAME = "hotdesk-logout";

    private final LogOut logOut;

    LogoutAgiScript(Prompts prompts, LogOut logOut) {
        super(NAME, prompts);
        this.logOut = logOut;
    }

    @Override
    void run(Call call) throws AgiException {
        call.answer();
        String endpoint = call.endpoint();
        LogOut.Result result = endpoint.isEmpty() ? new LogOut.Unknown("no endpoint") : logOut.fromDesk(endpoint, call.actor());
        if (result instanceof LogOut.LoggedOut out) {
            if (!out.ended().isEmpty()) {
                call.user(out.ended().get(0).value());
            }
            call.result(AgiResult.LOGGED_OUT);
            call.play(prompts.loggedOut());
        } else if (result instanceof LogOut.NotLoggedIn) {
            call.result(AgiResult.NOT_LOGGED_IN);
            call.play(prompts.notLoggedIn());
        } else {
            call.result(AgiResult.NOT_A_DESK);
            call.play(prompts.notADesk());
        }
    }
}
