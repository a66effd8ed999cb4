package hotdesk.selfservice;

import hotdesk.web.HttpListeners;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the self-service HTTP listener ({@code self-service.*}).
 *
 * @param bindAddress          {@code self-service.bind}
 * @param port                 {@code self-service.port}; 0 picks a free port
 * @param tlsKeystore          {@code self-service.tls-keystore}: PKCS#12; empty: plain HTTP, loopback only
 * @param tlsPassword          {@code self-service.tls-password}
 * @param perTokenPerMinute    {@code self-service.max-requests-per-token}
 * @param perAddressPerMinute  {@code self-service.max-requests-per-address}
 */
public record SelfServiceSettings(String bindAddress, int port, Optional<Path> tlsKeystore, String tlsPassword,
                                  int perTokenPerMinute, int perAddressPerMinute) {

    public SelfServiceSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(tlsKeystore, "tlsKeystore");
        tlsPassword = tlsPassword == null ? "" : tlsPassword;
        HttpListeners.check("self-service", bindAddress, port, tlsKeystore, "API tokens, one-time codes and PINs");
        if (perTokenPerMinute < 1) {
            throw new IllegalArgumentException("self-service.max-requests-per-token must be at least 1, got " + perTokenPerMinute);
        }
        if (perAddressPerMinute < 1) {
            throw new IllegalArgumentException("self-service.max-requests-per-address must be at least 1, got " + perAddressPerMinute);
        }
    }

    public boolean tls() {
        return tlsKeystore.isPresent();
    }

    @Override
    public String toString() {
        return "SelfServiceSettings[" + bindAddress + ":" + port + (tls() ? " TLS " + tlsKeystore.get() : " plain HTTP") + "]";
    }
}
