package hotdesk.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code Main} tells the JDK about idle ARI connections before anything connects. */
class AriConnectionsKeptTest {

    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty("http.maxConnections");
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty("http.maxConnections");
        } else {
            System.setProperty("http.maxConnections", before);
        }
    }

    @Test
    void every_push_connection_and_every_logins_push_may_stay_open() {
        System.clearProperty("http.maxConnections");

        Main.keepAriConnections();

        // a full pass's connections and as many for logins' pushes, at the most of each
        assertThat(Integer.parseInt(System.getProperty("http.maxConnections")))
                .isEqualTo(2 * hotdesk.core.usecase.Reconcile.MAX_PARALLELISM + 2);
    }

    @Test
    void an_operators_own_setting_stands() {
        System.setProperty("http.maxConnections", "7");

        Main.keepAriConnections();

        assertThat(System.getProperty("http.maxConnections")).isEqualTo("7");
    }
}
