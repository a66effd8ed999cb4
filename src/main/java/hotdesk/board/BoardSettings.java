package hotdesk.board;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("admin.port must be 0..65535, got " + port);
        }
        if (tlsKeystore.isPresent() && !Files.isReadable(tlsKeystore.get())) {
            throw new IllegalArgumentException("admin.tls-keystore is not a readable file: " + tlsKeystore.get());
        }
        if (tlsKeystore.isEmpty() && !loopback(bindAddress)) {
            throw new IllegalArgumentException("admin.bind is " + bindAddress + ", not a loopback address, and admin.tls-keystore "
                    + "is empty: the board's passwords and session cookies would cross the network in clear; set "
                    + "admin.tls-keystore (or keep admin.bind on loopback behind a TLS proxy)");
        }
    }

    public boolean tls() {
        return tlsKeystore.isPresent();
    }

    static boolean loopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            return all.length > 0 && Arrays.stream(all).allMatch(InetAddress::isLoopbackAddress);
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "BoardSettings[" + bindAddress + ":" + port + (tls() ? " TLS " + tlsKeystore.get() : " plain HTTP") + "]";
    }
}
