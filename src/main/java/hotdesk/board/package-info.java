/**
 * The admin HTTP listener: the live desk board ({@code /board}, server-sent events), its usage page,
 * sign-in for admins and viewers. Javalin/Jetty, on its own bind address, port and TLS settings.
 * Depends on the core only (never on another adapter); the application hands it the use cases and
 * the occupancy chart renderer.
 */
package hotdesk.board;
