package hotdesk.web;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The bind/port/TLS rules and the Jetty connector of a listener configured by {@code <prefix>.bind},
 * {@code <prefix>.port}, {@code <prefix>.tls-keystore} (PKCS#12) and {@code <prefix>.tls-password}.
 */
public final class HttpListeners {

    private HttpListeners() {
    }

    /**
     * Checks a listener's settings; IllegalArgumentException naming the key otherwise. Without a
     * keystore only a loopback bind address is accepted: {@code secrets} says what would cross the
     * network in clear.
     */
    public static void check(String prefix, String bindAddress, int port, Optional<Path> tlsKeystore, String secrets) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(prefix + ".port must be 0..65535, got " + port);
        }
        if (tlsKeystore.isPresent() && !Files.isReadable(tlsKeystore.get())) {
            throw new IllegalArgumentException(prefix + ".tls-keystore is not a readable file: " + tlsKeystore.get());
        }
        if (tlsKeystore.isEmpty() && !loopback(bindAddress)) {
            throw new IllegalArgumentException(prefix + ".bind is " + bindAddress + ", not a loopback address, and " + prefix
                    + ".tls-keystore is empty: " + secrets + " would cross the network in clear; set " + prefix
                    + ".tls-keystore (or keep " + prefix + ".bind on loopback behind a TLS proxy)");
        }
    }

    /** Whether every address {@code host} names is a loopback address; an unknown name is not. */
    public static boolean loopback(String host) {
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

    /** A connector on {@code bindAddress:port}: HTTPS with the PKCS#12 keystore when given, else plain HTTP. */
    public static ServerConnector connector(Server server, HttpConfiguration http, String bindAddress, int port,
                                            Optional<Path> tlsKeystore, String tlsPassword) {
        ServerConnector connector;
        if (tlsKeystore.isPresent()) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(tlsKeystore.get().toString());
            ssl.setKeyStorePassword(tlsPassword);
            ssl.setKeyStoreType("PKCS12");
            HttpConfiguration https = new HttpConfiguration(http);
            // browsers and apps may use an address the certificate does not name: no SNI host check
            https.addCustomizer(new SecureRequestCustomizer(false));
            connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setHost(bindAddress);
        connector.setPort(port);
        return connector;
    }
}
