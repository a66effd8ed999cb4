package hotdesk.metrics;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * The metrics listener: {@code GET /metrics} answers every meter in the Prometheus text format,
 * {@code GET /health} a JSON object with one entry per {@link Check} and 200 when all are up, else 503;
 * anything else 404. It binds only the configured address (loopback by default: metrics say how busy
 * the desks are, not for everyone) and serves nothing else: no ledger data, no secrets.
 *
 * <p>Health checks run on the request thread when asked; each must bound its own time (the
 * application's do: the ledger's lock timeout, ARI's request timeout, AMI's state in memory). At most
 * {@value #MAX_CONNECTIONS} connections; silent ones are closed after {@value #IDLE_MILLIS} ms.
 * {@link #start()} returns once listening; {@link #close()} stops it. Thread-safe.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    static final int MAX_CONNECTIONS = 32;
    static final long IDLE_MILLIS = 10_000;
    static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * One part of hotdesk as {@code /health} reports it.
     *
     * @param detail a short explanation (a lag, an error), shown as is; never a secret
     */
    public record Check(String name, boolean up, String detail) {
    }

    private final MetricsSettings settings;
    private final PrometheusTelemetry telemetry;
    private final Supplier<List<Check>> health;
    private Server jetty;
    private ServerConnector connector;

    public MetricsServer(MetricsSettings settings, PrometheusTelemetry telemetry, Supplier<List<Check>> health) {
        this.settings = settings;
        this.telemetry = telemetry;
        this.health = health;
    }

    /** Binds and listens; IllegalStateException when already started or the address cannot be bound. */
    public synchronized void start() {
        if (jetty != null) {
            throw new IllegalStateException("metrics listener already started");
        }
        log.info("metrics listener starting on {}:{}", settings.bindAddress(), settings.port());
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("hotdesk-metrics");
        Server created = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector c = new ServerConnector(created, 1, 1, new HttpConnectionFactory(http));
        c.setHost(settings.bindAddress());
        c.setPort(settings.port());
        c.setIdleTimeout(IDLE_MILLIS);
        created.addConnector(c);
        created.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, created));
        created.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                answer(request, response, callback);
                return true;
            }
        });
        try {
            created.start();
        } catch (Exception e) {
            try {
                created.stop();
            } catch (Exception stop) {
                e.addSuppressed(stop);
            }
            throw new IllegalStateException("metrics listener cannot listen on " + settings.bindAddress() + ":"
                    + settings.port() + ": " + e.getMessage(), e);
        }
        jetty = created;
        connector = c;
        log.info("metrics listener started on {}:{}", settings.bindAddress(), c.getLocalPort());
    }

    /** The port listened on (the ephemeral one when configured 0). */
    public synchronized int port() {
        if (jetty == null) {
            throw new IllegalStateException("metrics listener not started");
        }
        return connector.getLocalPort();
    }

    @Override
    public synchronized void close() {
        if (jetty == null) {
            return;
        }
        log.info("metrics listener stopping");
        try {
            jetty.stop();
        } catch (Exception e) {
            log.warn("metrics listener did not stop cleanly: {}", e.toString());
        }
        jetty = null;
        log.info("metrics listener stopped");
    }

    private void answer(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!HttpMethod.GET.is(request.getMethod())) {
            send(response, callback, 404, "text/plain; charset=utf-8", "not found\n");
        } else if ("/metrics".equals(path)) {
            send(response, callback, 200, PROMETHEUS_TYPE, telemetry.scrape());
        } else if ("/health".equals(path)) {
            List<Check> checks = health.get();
            boolean up = checks.stream().allMatch(Check::up);
            send(response, callback, up ? 200 : 503, "application/json", json(up, checks));
        } else {
            send(response, callback, 404, "text/plain; charset=utf-8", "not found\n");
        }
    }

    /** {@code {"status":"up","checks":{"ledger":{"status":"up","detail":"…"},…}}}. */
    static String json(boolean up, List<Check> checks) {
        StringBuilder b = new StringBuilder("{\"status\":\"").append(up ? "up" : "down").append("\",\"checks\":{");
        for (int i = 0; i < checks.size(); i++) {
            Check c = checks.get(i);
            if (i > 0) {
                b.append(',');
            }
            b.append(quoted(c.name())).append(":{\"status\":\"").append(c.up() ? "up" : "down").append("\",\"detail\":")
                    .append(quoted(c.detail())).append('}');
        }
        return b.append("}}\n").toString();
    }

    private static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : (s == null ? "" : s).toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (ch < 0x20 || ch == 0x2028 || ch == 0x2029) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static void send(Response response, Callback callback, int status, String type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
