package hotdesk.provisioning;

import hotdesk.core.model.NetworkRange;
import hotdesk.core.model.UrlKeyHash;
import hotdesk.web.HttpListeners;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What keeps desk files (they hold SIP passwords) to their phones, beyond the network, User-Agent and
 * rate checks of {@link ProvisioningSettings}; validated when constructed, IllegalArgumentException
 * naming the key otherwise (never a secret's value). Immutable.
 *
 * @param tls               the listener's key and certificate; empty: plain HTTP
 * @param plainHttpNetworks CIDRs whose phones may fetch over plain HTTP when there is no TLS
 *                          ({@code provisioning.plain-http-networks}); loopback clients always may
 * @param urlKey            the path segment every request must carry, {@code /provision/<key>/<file>}
 *                          ({@code provisioning.url-key}); empty: none
 * @param deviceAuth        whether a desk file needs the device's own credentials, HTTP Basic
 *                          ({@code provisioning.device-auth=basic})
 */
public record ProvisioningSecurity(Optional<Tls> tls, List<String> plainHttpNetworks, Optional<String> urlKey,
                                   boolean deviceAuth) {

    /** The realm of the Basic challenge. */
    public static final String REALM = "hotdesk provisioning";

    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    /**
     * The listener's TLS key and certificate chain, loaded into a key store (a PKCS#12 or JKS file, or a PEM
     * certificate chain and PKCS#8 key) once, when the settings are made, so a wrong password or file fails
     * the start. Its password never appears in {@link #toString}.
     *
     * @param source   what it was loaded from, for the log
     * @param keyStore the loaded key store
     * @param password the key store's (and key's) password
     */
    public record Tls(String source, KeyStore keyStore, String password) {
        @Override
        public String toString() {
            return "Tls[" + source + "]";
        }

        /**
         * From {@code provisioning.tls-keystore}: a PKCS#12 or JKS file (the JDK tells them apart) whose key
         * entry's password is the store's.
         */
        public static Tls keystore(Path file, String password) {
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("provisioning.tls-keystore is not a readable file: " + file);
            }
            KeyStore ks;
            try {
                ks = KeyStore.getInstance(file.toFile(), password.toCharArray());
                if (!hasKey(ks)) {
                    throw new IllegalArgumentException("provisioning.tls-keystore " + file + " holds no private key entry");
                }
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("provisioning.tls-keystore " + file + " cannot be read with "
                        + "provisioning.tls-password: " + e.getClass().getSimpleName()
                        + " (a wrong password, or not a PKCS#12 or JKS file)", e);
            }
            return new Tls("keystore " + file, ks, password);
        }

        /**
         * From {@code provisioning.tls-cert} (PEM, the server's certificate first, then its chain) and
         * {@code provisioning.tls-key} (PEM, unencrypted PKCS#8 {@code BEGIN PRIVATE KEY}, RSA or EC).
         */
        public static Tls pem(Path certFile, Path keyFile) {
            for (var f : List.of(java.util.Map.entry("provisioning.tls-cert", certFile),
                    java.util.Map.entry("provisioning.tls-key", keyFile))) {
                if (!Files.isReadable(f.getValue())) {
                    throw new IllegalArgumentException(f.getKey() + " is not a readable file: " + f.getValue());
                }
            }
            Collection<? extends Certificate> chain;
            try (InputStream in = Files.newInputStream(certFile)) {
                chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("provisioning.tls-cert " + certFile + " is not a PEM certificate chain: "
                        + e.getMessage(), e);
            }
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("provisioning.tls-cert " + certFile + " holds no certificate");
            }
            PrivateKey key = privateKey(keyFile, chain.iterator().next().getPublicKey().getAlgorithm());
            String password = randomPassword();
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("hotdesk", key, password.toCharArray(), chain.toArray(Certificate[]::new));
                return new Tls("PEM " + certFile + " + " + keyFile, ks, password);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("provisioning.tls-key " + keyFile + " does not belong to the certificate of "
                        + "provisioning.tls-cert " + certFile + ": " + e.getMessage(), e);
            }
        }

        private static PrivateKey privateKey(Path keyFile, String algorithm) {
            String text;
            try {
                text = Files.readString(keyFile, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new IllegalArgumentException("provisioning.tls-key " + keyFile + " cannot be read: " + e.getMessage(), e);
            }
            Matcher m = PEM_KEY.matcher(text);
            if (!m.find()) {
                throw new IllegalArgumentException("provisioning.tls-key " + keyFile + " is not an unencrypted PKCS#8 PEM key "
                        + "(-----BEGIN PRIVATE KEY-----); convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
            }
            try {
                byte[] der = Base64.getMimeDecoder().decode(m.group(1));
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (IllegalArgumentException | GeneralSecurityException e) {
                throw new IllegalArgumentException("provisioning.tls-key " + keyFile + " is not a " + algorithm
                        + " private key matching provisioning.tls-cert", e);
            }
        }

        private static boolean hasKey(KeyStore ks) throws GeneralSecurityException {
            for (var aliases = ks.aliases(); aliases.hasMoreElements(); ) {
                if (ks.isKeyEntry(aliases.nextElement())) {
                    return true;
                }
            }
            return false;
        }

        private static String randomPassword() {
            byte[] b = new byte[18];
            new SecureRandom().nextBytes(b);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        }
    }

    public ProvisioningSecurity {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(urlKey, "urlKey");
        plainHttpNetworks = List.copyOf(plainHttpNetworks);
        for (String cidr : plainHttpNetworks) {
            try {
                NetworkRange.parse(cidr);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("provisioning.plain-http-networks: " + e.getMessage(), e);
            }
        }
        if (tls.isPresent() && !plainHttpNetworks.isEmpty()) {
            throw new IllegalArgumentException("provisioning.plain-http-networks is for a listener without TLS; with "
                    + "provisioning.tls-keystore or provisioning.tls-cert set every phone fetches over HTTPS: empty it");
        }
        urlKey.ifPresent(k -> UrlKeyHash.checkKey("provisioning.url-key", k));
    }

    /** Nothing beyond the network and User-Agent checks: plain HTTP, no URL key, no device credentials. */
    public static ProvisioningSecurity none() {
        return new ProvisioningSecurity(Optional.empty(), List.of(), Optional.empty(), false);
    }

    /**
     * Checks these settings against the listener's bind address: a listener without TLS on an address
     * other than loopback needs {@code provisioning.plain-http-networks} (the admin's say-so that desk
     * files, SIP passwords in them, may cross those networks in clear), and device credentials (HTTP
     * Basic sends the password in clear) need TLS or a loopback listener behind a TLS proxy.
     */
    public ProvisioningSecurity checkedFor(String bindAddress) {
        boolean loopback = HttpListeners.loopback(bindAddress);
        if (tls.isEmpty() && !loopback && plainHttpNetworks.isEmpty()) {
            throw new IllegalArgumentException("provisioning.bind is " + bindAddress + ", not a loopback address, and no "
                    + "TLS is configured: desk files hold SIP passwords and would cross the network in clear. Set "
                    + "provisioning.tls-keystore (or provisioning.tls-cert and provisioning.tls-key), or name the networks "
                    + "whose phones may fetch over plain HTTP in provisioning.plain-http-networks");
        }
        if (deviceAuth && tls.isEmpty() && !loopback) {
            throw new IllegalArgumentException("provisioning.device-auth=basic sends each phone's password in clear "
                    + "without TLS: set provisioning.tls-keystore (or provisioning.tls-cert and provisioning.tls-key), or "
                    + "keep provisioning.bind on loopback behind a TLS proxy");
        }
        return this;
    }

    /** The CIDRs of {@link #plainHttpNetworks}, parsed. */
    List<NetworkRange> plainHttpRanges() {
        return plainHttpNetworks.stream().map(NetworkRange::parse).toList();
    }

    /** Whether a presented URL key is this one: compared in constant time, over digests of equal length. */
    boolean urlKeyMatches(String presented) {
        return urlKey.isEmpty() || urlKeyHash().orElseThrow().matches(UrlKeyHash.digest(presented));
    }

    /** The hash of {@code provisioning.url-key}, which the provisioning server makes once and keeps. */
    Optional<UrlKeyHash> urlKeyHash() {
        return urlKey.map(UrlKeyHash::of);
    }

    @Override
    public String toString() {
        return "ProvisioningSecurity[" + tls.map(Tls::toString).orElse("plain HTTP") + ", plain HTTP for " + plainHttpNetworks
                + ", url key " + (urlKey.isPresent() ? "set" : "none") + ", device auth " + (deviceAuth ? "basic" : "off") + "]";
    }
}
