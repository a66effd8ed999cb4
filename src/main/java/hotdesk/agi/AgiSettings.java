package hotdesk.agi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Settings of the FastAGI listener and its scripts, validated when built.
 *
 * @param bindAddress  address to listen on ({@code agi.bind}); a literal IP or host name, never implied
 * @param port         TCP port ({@code agi.port}), 0 picks a free one (tests)
 * @param poolSize     worker threads kept while idle ({@code agi.pool-size})
 * @param maxPoolSize  concurrent calls at most ({@code agi.max-pool-size}); a call beyond it is refused
 *                     (closed unanswered: Asterisk 22 then reports AGISTATUS=SUCCESS without a HOTDESK_RESULT, and
 *                     the generated dialplan plays please-try-call-later)
 * @param pinAttempts  PIN tries per login call ({@code agi.pin-attempts})
 * @param digitTimeout how long GET DATA waits for the caller's digits ({@code agi.digit-timeout})
 * @param allowedPeers CIDR blocks of the Asterisk servers that may connect ({@code agi.allowed-peers}); any
 *                     other peer is closed before anything is read from it
 * @param handshakeTimeout how long a new connection has to send its whole AGI environment
 *                     ({@code agi.handshake-timeout}); Asterisk sends it at once
 * @param commandTimeout how long Asterisk may take to answer a command that does not wait for the caller
 *                     ({@code agi.command-timeout}: ANSWER, SET VARIABLE…); commands that play sound or
 *                     collect digits may take {@link #waitingCommandTimeout()}
 */
public record AgiSettings(String bindAddress, int port, int poolSize, int maxPoolSize, int pinAttempts,
                          Duration digitTimeout, List<String> allowedPeers, Duration handshakeTimeout,
                          Duration commandTimeout) {

    /** {@code agi.allowed-peers} by default: this host only. */
    public static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1/128");

    /** The defaults of the peer guards: loopback peers, 3 s for the environment, 10 s per quick command. */
    public AgiSettings(String bindAddress, int port, int poolSize, int maxPoolSize, int pinAttempts,
                       Duration digitTimeout) {
        this(bindAddress, port, poolSize, maxPoolSize, pinAttempts, digitTimeout, LOOPBACK, Duration.ofSeconds(3),
                Duration.ofSeconds(10));
    }

    public AgiSettings {
        if (bindAddress == null || bindAddress.isBlank() || !bindAddress.matches("[A-Za-z0-9.:_%\\[\\]-]{1,255}")) {
            throw new IllegalArgumentException("agi.bind must be an IP address or host name, got '" + bindAddress + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("agi.port must be 0..65535, got " + port);
        }
        if (poolSize < 1 || poolSize > 1000) {
            throw new IllegalArgumentException("agi.pool-size must be 1..1000, got " + poolSize);
        }
        if (maxPoolSize < poolSize || maxPoolSize > 10000) {
            throw new IllegalArgumentException("agi.max-pool-size must be agi.pool-size (" + poolSize + ")..10000, got "
                    + maxPoolSize);
        }
        if (pinAttempts < 1 || pinAttempts > 10) {
            throw new IllegalArgumentException("agi.pin-attempts must be 1..10, got " + pinAttempts);
        }
        if (digitTimeout == null || digitTimeout.compareTo(Duration.ofSeconds(1)) < 0
                || digitTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("agi.digit-timeout must be 1s..1m, got " + digitTimeout);
        }
        allowedPeers = allowedPeers == null ? null : Collections.unmodifiableList(new ArrayList<>(allowedPeers));
        PeerFilter.parse(allowedPeers);
        if (handshakeTimeout == null || handshakeTimeout.compareTo(Duration.ofMillis(100)) < 0
                || handshakeTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("agi.handshake-timeout must be 100ms..1m, got " + handshakeTimeout);
        }
        if (commandTimeout == null || commandTimeout.compareTo(Duration.ofMillis(100)) < 0
                || commandTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("agi.command-timeout must be 100ms..5m, got " + commandTimeout);
        }
    }

    /**
     * How long a command that plays sound or collects digits may take: GET DATA waits a digit timeout
     * before each digit after its prompt ends, so a minute for the prompt and twelve digit timeouts.
     */
    public Duration waitingCommandTimeout() {
        return Duration.ofMinutes(1).plus(digitTimeout.multipliedBy(12)).plus(commandTimeout);
    }
}
