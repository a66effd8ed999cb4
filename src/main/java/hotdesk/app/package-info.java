/**
 * The application: configuration, wiring, lifecycle, the {@code hotdesk} command. Depends on
 * everything; nothing depends on it.
 */
package hotdesk.app;
