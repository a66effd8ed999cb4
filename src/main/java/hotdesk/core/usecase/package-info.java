/**
 * Use cases: load through ports, ask the policies, apply the effects. Log in/out, issue codes,
 * administer users and devices, reconcile Asterisk with the ledger, provision desks.
 * Depends on the JDK and the rest of the core only.
 */
package hotdesk.core.usecase;
