/**
 * The drop-in Asterisk 22 configuration hotdesk needs (dialplan, sorcery, AMI and ARI users, HTTP,
 * NOTIFY entries), rendered from settings so admins can regenerate it for their own feature codes.
 * Depends on the JDK and the core policy (DialCodePlan) only; no other adapter.
 */
package hotdesk.asteriskconf;
