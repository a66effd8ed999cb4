package hotdesk.app;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.net.URI;

/**
 * {@link AsteriskContract} against an Asterisk you run yourself, configured with {@code asterisk-conf/}.
 * Runs when {@code HOTDESK_IT_ARI_URL} is set; the other variables default to the shipped config
 * (README, "Testing against a real Asterisk"). Reported as skipped otherwise.
 */
@EnabledIfEnvironmentVariable(named = "HOTDESK_IT_ARI_URL", matches = ".+")
class RealAsteriskTest extends AsteriskContract {

    @Override
    Target target() {
        return new Target(URI.create(env("HOTDESK_IT_ARI_URL", "")), env("HOTDESK_IT_ARI_USER", "hotdesk"),
                env("HOTDESK_IT_ARI_PASSWORD", "hotdesk-ari-change-me"), env("HOTDESK_IT_AMI_HOST", "127.0.0.1"),
                Integer.parseInt(env("HOTDESK_IT_AMI_PORT", "5038")), env("HOTDESK_IT_AMI_USER", "hotdesk"),
                env("HOTDESK_IT_AMI_SECRET", "hotdesk-ami-change-me"));
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
