/**
 * Pure decisions: lockout, PIN rules, value checks, and what Asterisk must hold for a desk or a user.
 * Depends on the JDK, the core model and port value types only.
 */
package hotdesk.core.policy;
