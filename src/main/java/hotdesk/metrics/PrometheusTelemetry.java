package hotdesk.metrics;

import hotdesk.core.model.Target;
import hotdesk.core.port.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;

/**
 * {@link Telemetry} on a Prometheus registry. Meters:
 * <ul>
 *   <li>{@code hotdesk_logins_total{result}} and {@code hotdesk_login_duration_seconds} (a histogram of
 *       the use case's time, PIN hashing and the apply wait included);</li>
 *   <li>{@code hotdesk_pushes_total{kind,result}}: pushes of desk lines and users to Asterisk,
 *       {@code ok} or {@code failed};</li>
 *   <li>{@code hotdesk_fetches_total{result}}: provisioning answers, {@code served} or the refusal's
 *       reason;</li>
 *   <li>gauges the application adds with {@link #gauge} and {@link #state}: the reconciler's lag, the
 *       AMI and ARI connection state.</li>
 * </ul>
 * Counters are looked up once per result and kept, so counting costs a map read and an add.
 * Thread-safe.
 */
public final class PrometheusTelemetry implements Telemetry {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> logins = new ConcurrentHashMap<>();
    private final Map<String, Timer> loginTimes = new ConcurrentHashMap<>();
    private final Map<String, Counter> pushes = new ConcurrentHashMap<>();
    private final Map<String, Counter> fetches = new ConcurrentHashMap<>();

    @Override
    public Login loginStarted() {
        Timer.Sample sample = Timer.start(registry);
        return result -> {
            logins.computeIfAbsent(result, r -> Counter.builder("hotdesk.logins").description("Logins by result")
                    .tag("result", r).register(registry)).increment();
            sample.stop(loginTimes.computeIfAbsent(result, r -> Timer.builder("hotdesk.login.duration")
                    .description("Time a login took in hotdesk, from the AGI request to its result")
                    .publishPercentileHistogram().tag("result", r).register(registry)));
        };
    }

    @Override
    public void pushed(Target.Kind kind, boolean ok) {
        String k = kind.name().toLowerCase(Locale.ROOT);
        String result = ok ? "ok" : "failed";
        pushes.computeIfAbsent(k + "/" + result, x -> Counter.builder("hotdesk.pushes")
                .description("Pushes of desk lines and users to Asterisk by result").tag("kind", k).tag("result", result)
                .register(registry)).increment();
    }

    @Override
    public void fetched(String result) {
        fetches.computeIfAbsent(result, r -> Counter.builder("hotdesk.fetches")
                .description("Provisioning answers by result: served, or the reason of the refusal").tag("result", r)
                .register(registry)).increment();
    }

    /** A gauge read at every scrape; {@code unit} as Prometheus names it ({@code seconds}), or null. */
    public void gauge(String name, String description, String unit, DoubleSupplier value) {
        // strongly held: Micrometer keeps a gauge's object weakly by default, and the lambdas passed here live nowhere
        // else, so after a garbage collection the gauge read NaN (seen in CI as hotdesk_ami_connected NaN)
        Gauge.Builder<DoubleSupplier> b = Gauge.builder(name, value, DoubleSupplier::getAsDouble).description(description)
                .strongReference(true);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(registry);
    }

    /** A gauge that is 1 while {@code up} says so, else 0. */
    public void state(String name, String description, BooleanSupplier up) {
        gauge(name, description, null, () -> up.getAsBoolean() ? 1 : 0);
    }

    /** Every meter in the Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }
}
