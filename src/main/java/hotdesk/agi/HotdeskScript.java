package hotdesk.agi;

import hotdesk.core.policy.SeatingPolicy;
import hotdesk.core.usecase.LogIn;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiHangupException;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What every hotdesk script does around its own work: MDC per call, a caller hanging up is a normal
 * end, anything unexpected becomes {@code HOTDESK_RESULT=ERROR} with its stack trace in the log.
 * Subclasses are stateless and thread-safe: one instance serves every call.
 */
abstract class HotdeskScript implements AgiScript {

    private static final Logger LOG = LoggerFactory.getLogger(HotdeskScript.class);

    private final String name;
    protected final Prompts prompts;

    HotdeskScript(String name, Prompts prompts) {
        this.name = name;
        this.prompts = prompts;
    }

    String name() {
        return name;
    }

    /** The script's own work; may throw AgiHangupException at any command once the caller is gone. */
    abstract void run(Call call) throws AgiException;

    @Override
    public final void service(AgiRequest request, AgiChannel channel) {
        Call call = new Call(name, request, channel);
        MDC.put("uniqueid", call.uniqueId());
        try {
            run(call);
        } catch (AgiHangupException e) {
            LOG.info("{}: caller hung up", name);
        } catch (hotdesk.core.usecase.LoginGate.Busy e) {
            // an overload, not a fault: nothing was done, and the caller hears the error prompt (try again later)
            LOG.warn("{}: turned away, too many logins at once ({})", name, e.getMessage());
            reportError(call);
        } catch (AgiException | RuntimeException e) {
            LOG.error("{} failed", name, e);
            reportError(call);
        } finally {
            MDC.remove("uniqueid");
            MDC.remove("desk");
            MDC.remove("user");
        }
    }

    private void reportError(Call call) {
        try {
            call.result(AgiResult.ERROR);
            call.play(prompts.error());
        } catch (AgiHangupException e) {
            LOG.debug("{}: caller hung up before hearing the error", name);
        } catch (AgiException | RuntimeException e) {
            LOG.warn("{}: cannot report the error to Asterisk: {}", name, e.toString());
        }
    }

    /** Refuses a call from a channel that is not a desk line; the security log gets a line. */
    void notADesk(Call call, String via, String extension, String endpoint) throws AgiException {
        SecurityLog.loginFailed(call, AgiResult.NOT_A_DESK, via, extension, endpoint);
        call.result(AgiResult.NOT_A_DESK);
        call.play(prompts.notADesk());
    }

    /** Strips the one {@code *} or {@code #} the dialplan may leave after the digits ({@code *77*101*}). */
    static String withoutTerminator(String digits) {
        return digits.endsWith("*") || digits.endsWith("#") ? digits.substring(0, digits.length() - 1) : digits;
    }

    /**
     * Tells the caller and the dialplan how a login ended, except a bad credential with tries left.
     *
     * @return true when the call is over, false when the caller may try again
     */
    boolean concluded(Call call, LogIn.Result result, String via, String extension, String endpoint,
                      boolean lastTry) throws AgiException {
        if (result instanceof LogIn.LoggedIn in) {
            call.user(in.user().extension().value());
            call.result(in.applied() ? AgiResult.OK : AgiResult.OK_PENDING);
            call.play(in.applied() ? prompts.loginOk() : prompts.loginPending());
            return true;
        }
        LogIn.Rejected rejected = (LogIn.Rejected) result;
        for (SeatingPolicy.Alert alert : rejected.alerts()) {
            SecurityLog.alert(call, alert, endpoint);
        }
        switch (rejected.reason()) {
            case BAD_CREDENTIALS -> {
                SecurityLog.loginFailed(call, AgiResult.BAD_PIN, via, extension, endpoint);
                if (lastTry) {
                    call.result(AgiResult.BAD_PIN);
                }
                call.play(prompts.badPin());
                return lastTry;
            }
            case LOCKED -> {
                SecurityLog.loginFailed(call, AgiResult.LOCKED, via, extension, endpoint);
                call.result(AgiResult.LOCKED);
                call.play(prompts.locked());
            }
            case NOT_A_DESK -> notADesk(call, via, extension, endpoint);
            case DESK_DISABLED -> {
                call.result(AgiResult.DESK_DISABLED);
                call.play(prompts.deskDisabled());
            }
            case ALREADY_SEATED -> {
                call.result(AgiResult.ALREADY_SEATED);
                call.play(prompts.alreadySeated());
            }
        }
        return true;
    }

    void noInput(Call call) throws AgiException {
        call.result(AgiResult.NO_INPUT);
        call.play(prompts.noInput());
    }
}
