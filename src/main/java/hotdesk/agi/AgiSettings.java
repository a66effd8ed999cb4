package hotdesk.agi;

import java.time.Duration;

/**
 * Settings of the FastAGI listener and its scripts, validated when built.
 *
 * @param bindAddress  address to listen on ({@code agi.bind}); a literal IP or host name, never implied
 * @param port         TCP port ({@code agi.port}), 0 picks a free one (tests)
 * @param poolSize     worker threads kept while idle ({@code agi.pool-size})
 * @param maxPoolSize  concurrent calls at most ({@code agi.max-pool-size}); a call beyond it is refused
 *                     (Asterisk continues the dialplan with AGISTATUS=FAILURE)
 * @param pinAttempts  PIN tries per login call ({@code agi.pin-attempts})
 * @param digitTimeout how long GET DATA waits for the caller's digits ({@code agi.digit-timeout})
 */
public record AgiSettings(String bindAddress, int port, int poolSize, int maxPoolSize, int pinAttempts,
                          Duration digitTimeout) {

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
    }
}
