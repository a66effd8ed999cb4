package hotdesk.testing;

import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver on loopback (the JDK's HTTP server) for tests of the emergency webhook: records
 * every request, answers the statuses queued with {@link #respond} in turn and then {@link
 * #otherwise}, and can {@link #hold} requests unanswered (a hung receiver) until {@link #release}.
 * {@link #signatureValid} checks a POST the way the README tells a receiver to.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as received: headers (lower-case names, first value) and the raw body. */
    public record Post(Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "webhook-receiver");
        t.setDaemon(true);
        return t;
    });
    private final List<Post> posts = new ArrayList<>();
    private final Deque<Integer> statuses = new ArrayDeque<>();
    private volatile int otherwise = 200;
    private volatile CountDownLatch hold;

    /** On a free port. */
    public WebhookReceiver() {
        this(0);
    }

    /** On this port of 127.0.0.1. */
    public WebhookReceiver(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
            int status;
            synchronized (this) {
                posts.add(new Post(Map.copyOf(headers), body));
                status = statuses.isEmpty() ? otherwise : statuses.poll();
            }
            CountDownLatch h = hold;
            if (h != null) {
                try {
                    h.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The next requests are answered with these statuses, in turn. */
    public synchronized WebhookReceiver respond(int... next) {
        for (int s : next) {
            statuses.add(s);
        }
        return this;
    }

    /** The status of every request once the queued ones are used up (default 200). */
    public WebhookReceiver otherwise(int status) {
        this.otherwise = status;
        return this;
    }

    /** From now on requests are recorded but not answered until {@link #release()}. */
    public WebhookReceiver hold() {
        hold = new CountDownLatch(1);
        return this;
    }

    /** Answers the held requests and every later one at once. */
    public void release() {
        CountDownLatch h = hold;
        if (h != null) {
            h.countDown();
        }
    }

    public synchronized List<Post> posts() {
        return List.copyOf(posts);
    }

    /** What a receiver does: HMAC-SHA256 of the raw body under the secret, compared in constant time. */
    public static boolean signatureValid(Post p, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] want = ("sha256=" + HexFormat.of().formatHex(mac.doFinal(p.body()))).getBytes(StandardCharsets.US_ASCII);
            String got = p.header("X-Hotdesk-Signature");
            return got != null && MessageDigest.isEqual(want, got.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        threads.shutdownNow();
    }
}
