/**
 * AMI adapter: {@link hotdesk.ami.AmiLink}, hotdesk's single connection to Asterisk's manager
 * interface, which implements the core ports {@link hotdesk.core.port.PhoneResync} (PJSIPNotify
 * check-sync) and {@link hotdesk.core.port.DialplanState} (AstDB DBPut/DBDel) and reports every
 * {@code FullyBooted} so the application reconciles after an Asterisk (re)start.
 *
 * <p>A small AMI client over a plain socket (see {@code AmiLink} for why not asterisk-java's
 * ManagerConnection). Depends on the core ports, the JDK and SLF4J; no other adapter imports it and
 * it imports none. The AMI secret is never logged, never put in an exception and never sent in
 * clear (Challenge/MD5 login).
 */
package hotdesk.ami;
