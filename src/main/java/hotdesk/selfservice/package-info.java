/**
 * The self-service HTTP listener: the JSON API a mobile app or intranet page uses to obtain a user's
 * one-time code with an API token ({@code /api/v1/…}, documented in {@code docs/openapi.yaml}), and the
 * page a desk's QR sticker opens ({@code /desk/<key>}) where a user signs in with extension and PIN.
 * Javalin/Jetty on its own bind address, port and TLS settings; ZXing draws the stickers. Depends on the
 * core and the shared listener rules of {@code hotdesk.web} only (never on another adapter).
 */
package hotdesk.selfservice;
