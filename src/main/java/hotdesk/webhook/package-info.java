/**
 * Webhook adapter: {@link hotdesk.webhook.EmergencyWebhook} posts every emergency call as signed JSON
 * (HMAC-SHA256 of the body, {@code X-Hotdesk-Signature}) to the URL of {@code emergency.webhook-url},
 * from a bounded queue, retried with backoff, never blocking the caller (core port {@link
 * hotdesk.core.port.EmergencyAlerts}). {@link hotdesk.webhook.WebhookSettings} validates the settings.
 *
 * <p>Depends on the core, the JDK ({@code java.net.http}, {@code javax.crypto}) and SLF4J; no other
 * adapter imports it and it imports none. The secret is never logged nor put in an exception.
 */
package hotdesk.webhook;
