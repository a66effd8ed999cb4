/**
 * AMI adapter: {@link hotdesk.ami.AmiLink}, hotdesk's single supervised connection to Asterisk's
 * manager interface (reconnect, backoff, FullyBooted/Shutdown), built from parts that each read on
 * their own: {@code AmiSession} (one TCP connection: banner, Challenge/MD5 login, action/response
 * correlation by ActionID, events, keep-alive), {@code AmiPhoneResync} (core port {@link
 * hotdesk.core.port.PhoneResync}: PJSIPNotify check-sync), {@code AmiDialplanState} (core port
 * {@link hotdesk.core.port.DialplanState}: AstDB DBPut/DBDel) and {@code AmiModuleCheck}
 * (ModuleCheck of the modules hotdesk needs after every FullyBooted); the link also hands on the
 * emergency route's {@code HotdeskEmergency} user events ({@code AmiEmergencyEvents}).
 * {@link hotdesk.ami.AmiProbe} is a short session for {@code hotdesk doctor}, and {@link
 * hotdesk.ami.AmiTestCall} the test call of {@code hotdesk emergency test} on one. {@code AmiReader}
 * and {@code AmiMessage} speak the wire format.
 *
 * <p>A small AMI client over a plain socket (see {@code AmiLink} for why not asterisk-java's
 * ManagerConnection). Depends on the core ports, the JDK and SLF4J; no other adapter imports it and
 * it imports none. The AMI secret is never logged, never put in an exception and never sent in
 * clear (Challenge/MD5 login).
 */
package hotdesk.ami;
