package hotdesk.agi;

import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiHangupException;
import org.asteriskjava.fastagi.AgiRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;

/**
 * One AGI call as the scripts see it: the few operations they need over asterisk-java's channel, with
 * Asterisk 22's quirks handled in one place. Confined to the worker thread of its call.
 */
final class Call {

    static final String RESULT_VARIABLE = "HOTDESK_RESULT";
    static final String USER_VARIABLE = "HOTDESK_USER";
    /** The channel name of every desk line begins so: PJSIP, then the endpoint's {@code hd-} prefix. */
    static final String DESK_CHANNEL_PREFIX = "PJSIP/hd-";

    private static final Logger LOG = LoggerFactory.getLogger(Call.class);

    private final String script;
    private final AgiRequest request;
    private final AgiChannel channel;
    private String remoteHost;

    Call(String script, AgiRequest request, AgiChannel channel) {
        this.script = script;
        this.request = request;
        this.channel = channel;
    }

    String script() {
        return script;
    }

    String uniqueId() {
        String id = request.getUniqueId();
        return id == null ? "" : SecurityLog.clean(id);
    }

    /** Who acts, for the audit log. */
    String actor() {
        return "agi:" + uniqueId();
    }

    /** The first AGI argument, or empty when the dialplan passed none. */
    String firstArgument() {
        String[] args = request.getArguments();
        return args == null || args.length == 0 || args[0] == null ? "" : args[0].strip();
    }

    void answer() throws AgiException {
        channel.answer();
    }

    /**
     * Whether the channel's name, from the AGI environment, is that of a desk line ({@code PJSIP/hd-…}): a
     * hint that costs no command, so a login can start its prompt at once. Only {@link #endpoint()}
     * decides who the desk is; a name without the prefix is never a desk (desk lines are all {@code hd-…}).
     */
    boolean namedLikeADesk() {
        String name = request.getChannel();
        return name != null && name.startsWith(DESK_CHANNEL_PREFIX);
    }

    /**
     * The calling desk: the channel's PJSIP endpoint as Asterisk reports it. Empty on channels without
     * one (Local channels), never taken from dialled digits or caller ID, which a caller controls.
     */
    String endpoint() throws AgiException {
        String endpoint = channel.getFullVariable("${CHANNEL(endpoint)}");
        endpoint = endpoint == null ? "" : endpoint.strip();
        if (!endpoint.isEmpty()) {
            MDC.put("desk", SecurityLog.clean(endpoint));
        }
        return endpoint;
    }

    /** The caller's IP address, for the security log; {@code unknown} when Asterisk has none. */
    String remoteHost() throws AgiException {
        if (remoteHost == null) {
            remoteHost = SecurityLog.host(channel.getFullVariable("${CHANNEL(pjsip,remote_addr)}"));
        }
        return remoteHost;
    }

    /** Plays a prompt. A missing sound file (Asterisk answers result=-1 endpos=0) is skipped, not fatal. */
    void play(String sound) throws AgiException {
        channel.streamFile(sound);
    }

    /**
     * Plays {@code sound} and collects up to {@code maxDigits} digits ({@code #} ends input early).
     *
     * @return the digits, empty when the caller entered none before the timeout
     * @throws AgiHangupException when the caller hung up: nothing they typed is used
     */
    String ask(String sound, Duration timeout, int maxDigits) throws AgiException {
        String digits = channel.getData(sound, timeout.toMillis(), maxDigits);
        if ("-1".equals(digits)) {
            // GET DATA answers -1 when the caller hung up, and also when the prompt file does not exist
            // (app.c returns the failed ast_streamfile). ANSWER tells them apart: 511 on a dead channel
            // (AgiHangupException), harmless on a live one. Then ask again with no prompt at all.
            channel.answer();
            LOG.warn("{}: prompt '{}' cannot be played (missing sound file?); asking without it", script, sound);
            digits = channel.getData("", timeout.toMillis(), maxDigits);
            if ("-1".equals(digits)) {
                throw new AgiHangupException();
            }
        }
        return digits == null ? "" : digits.strip();
    }

    /** Reports the outcome to the dialplan; set before the last prompt so a hang-up during it loses nothing. */
    void result(AgiResult result) throws AgiException {
        LOG.info("{}: {}", script, result);
        channel.setVariable(RESULT_VARIABLE, result.name());
    }

    void user(String extension) throws AgiException {
        MDC.put("user", extension);
        channel.setVariable(USER_VARIABLE, extension);
    }
}
