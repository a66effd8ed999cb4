package hotdesk.metrics;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusTelemetryTest {

    @Test
    void a_gauge_keeps_reading_its_value_after_garbage_collections() {
        PrometheusTelemetry telemetry = new PrometheusTelemetry();
        AtomicInteger state = new AtomicInteger(1);
        // a capturing lambda held by nothing but the gauge, as the server's are
        telemetry.gauge("hotdesk_test_connected", "test gauge", null, () -> state.get());

        for (int i = 0; i < 5; i++) {
            System.gc();
        }

        Matcher m = Pattern.compile("(?m)^hotdesk_test_connected (\\S+)$").matcher(telemetry.scrape());
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("1.0");
    }
}
