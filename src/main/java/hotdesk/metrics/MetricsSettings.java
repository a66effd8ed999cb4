package hotdesk.metrics;

/**
 * Where the metrics listener listens ({@code metrics.bind}, {@code metrics.port}); port 0 is not
 * allowed here: the application starts no listener then.
 */
public record MetricsSettings(String bindAddress, int port) {
    public MetricsSettings {
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new IllegalArgumentException("metrics.bind must name an address, got '" + bindAddress + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("metrics.port must be 0..65535, got " + port);
        }
    }
}
