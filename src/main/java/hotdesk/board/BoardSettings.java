package hotdesk.board;

import hotdesk.web.HttpListeners;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the admin HTTP listener ({@code admin.*}).
 *
 * @param bindAddress      {@code admin.bind}
 * @param port             {@code admin.port}; 0 picks a free port
 * @param tlsKeystore      {@code admin.tls-keystore}: a PKCS#12 file with the key and certificate; empty: plain HTTP,
 *                         allowed only on a loopback bind address (a reverse proxy or SSH tunnel in front)
 * @param tlsPassword      {@code admin.tls-password}
 */
public record BoardSettings(String bindAddress, int port, Optional<Path> tlsKeystore, String tlsPassword) {

    public BoardSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(tlsKeystore, "tlsKeystore");
        tlsPassword = tlsPassword == null ? "" : tlsPassword;
        HttpListeners.check("admin", bindAddress, port, tlsKeystore, "the board's passwords and session cookies");
    }

    public boolean tls() {
        return tlsKeystore.isPresent();
    }

    @Override
    public String toString() {
        return "BoardSettings[" + bindAddress + ":" + port + (tls() ? " TLS " + tlsKeystore.get() : " plain HTTP") + "]";
    }
}
