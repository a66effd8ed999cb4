/**
 * ARI push configuration: the {@link hotdesk.core.port.Pbx} adapter that creates, updates and
 * deletes PJSIP {@code auth}, {@code aor} and {@code endpoint} objects in Asterisk's memory sorcery
 * wizard over HTTP ({@code /ari/asterisk/config/dynamic/res_pjsip/…}).
 *
 * <p>Built on the JDK's {@code java.net.http} client and Jackson only. Depends on the core ports and
 * nothing else of hotdesk; no other adapter imports it. Secrets: ARI answers for {@code auth}
 * objects echo the SIP password in clear, so response bodies are never logged nor put in
 * exceptions; only Asterisk's short JSON {@code message} is.
 */
package hotdesk.ari;
