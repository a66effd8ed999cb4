/**
 * Operational metrics and health: the {@link hotdesk.core.port.Telemetry} port on a Micrometer
 * Prometheus registry, and the HTTP listener that serves {@code /metrics} (Prometheus text format) and
 * {@code /health} (JSON). Depends on the core's ports, Micrometer and Jetty; Micrometer is used
 * nowhere else. The application hands it the health checks of the other parts as plain suppliers.
 */
package hotdesk.metrics;
