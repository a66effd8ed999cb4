/**
 * Interfaces the core needs from the outside world: the ledger, Asterisk (PJSIP objects, AstDB,
 * NOTIFY), where emergency calls are announced (the webhook). Depends on the JDK and the core model only.
 */
package hotdesk.core.port;
