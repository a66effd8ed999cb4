package hotdesk.core.port;

/**
 * Asks a phone to fetch its configuration again (SIP NOTIFY check-sync through AMI PJSIPNotify).
 * Success means Asterisk queued the NOTIFY, never that a phone received it: the config fetch is the
 * only receipt. Blocking; throws {@link PbxException}.
 */
public interface PhoneResync {

    void checkSync(String endpointId, String vendor);
}
