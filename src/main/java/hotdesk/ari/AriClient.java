package hotdesk.ari;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hotdesk.web.JsonText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A thin client for ARI push configuration ({@code /asterisk/config/dynamic/res_pjsip/{type}/{id}})
 * and {@code /asterisk/info}.
 *
 * <p>Requests go through the JDK's {@link HttpURLConnection} (HTTP/1.1, keep-alive connections reused; Asterisk
 * serves several times more requests per second on a kept connection): it costs less than half the CPU per request
 * of the JDK's asynchronous {@code java.net.http.HttpClient}, whose threads took 8-10 s of CPU in a re-push of 10,000
 * desks (BENCHMARKS.md, "ARI transport"). No proxy. Basic auth sent with every request; {@link AriSettings#timeout()}
 * bounds the connect and each wait for the answer's bytes. How many idle connections the JDK keeps per Asterisk is its
 * {@code http.maxConnections} ({@code Main} raises it for the push connections). Path segments are percent-encoded.
 * Every failure is an {@link AriException}: no answer, timeouts and 5xx are retryable; 400, 401, 403 and 404 (where
 * 404 is not "no such object") are not.
 *
 * <p>Blocking: an interrupt is honoured before a request is sent, not while it waits (at most the timeout); thread-safe
 * (immutable). Logs method, path, status and duration at debug, never a body.
 */
public final class AriClient {

    private static final Logger LOG = LoggerFactory.getLogger(AriClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG_PATH = "/asterisk/config/dynamic/res_pjsip/";
    private static final int MAX_MESSAGE = 200;

    private static final byte[] NOTHING = new byte[0];

    private final AriSettings settings;
    private final String authorization;
    private final String base;
    private final int timeoutMillis;

    public AriClient(AriSettings settings) {
        this.settings = settings;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (settings.user() + ":" + settings.password()).getBytes(StandardCharsets.UTF_8));
        this.base = settings.baseUrl().toString();
        this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, settings.timeout().toMillis()));
    }

    /**
     * Creates the object or updates it. Asterisk <em>merges</em> an update: attributes not in
     * {@code fields} keep their value, so callers pass the complete field set.
     *
     * @return the object's attributes as Asterisk answered them (defaults included, values
     *         normalised, e.g. {@code yes} → {@code true}); for {@code auth} this holds the password
     * @throws IllegalArgumentException before any request when {@code fields} is empty, names
     *                                  {@code set_var} (it makes every later update of the object
     *                                  fail on Asterisk 22), or an id is unusable
     */
    public Map<String, String> put(String type, String id, Map<String, String> fields) {
        Exchange ex = sendPut(type, id, fields);
        if (ex.status() == 200) {
            return attributes(ex);
        }
        throw failure(ex, type, id);
    }

    /**
     * As {@link #put}, without reading Asterisk's answer into a map: for a caller that needs only the write done
     * (parsing the ~100 attributes of every endpoint answered was about a tenth of serve's CPU re-pushing 10,000 desks).
     */
    public void write(String type, String id, Map<String, String> fields) {
        Exchange ex = sendPut(type, id, fields);
        if (ex.status() != 200) {
            throw failure(ex, type, id);
        }
    }

    private Exchange sendPut(String type, String id, Map<String, String> fields) {
        checkFields(type, id, fields);
        return send("PUT", configPath(type, id), body(fields));
    }

    /**
     * {@code {"fields":[{"attribute":K,"value":V},…]}} in UTF-8, written directly: building Jackson's tree of it for each
     * of a re-push's 60,000 requests was work for the pushers and, once per restart, for the compiler.
     */
    static byte[] body(Map<String, String> fields) {
        StringBuilder b = new StringBuilder(64 + 48 * fields.size()).append("{\"fields\":[");
        boolean first = true;
        for (Map.Entry<String, String> f : fields.entrySet()) {
            b.append(first ? "" : ",").append("{\"attribute\":");
            JsonText.quote(b, f.getKey());
            b.append(",\"value\":");
            JsonText.quote(b, f.getValue());
            b.append('}');
            first = false;
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The object's attributes, or empty when Asterisk has no object with this id. */
    public Optional<Map<String, String>> get(String type, String id) {
        checkId(type, id);
        String path = configPath(type, id);
        Exchange ex = send("GET", path, null);
        if (ex.status() == 200) {
            return Optional.of(attributes(ex));
        }
        if (ex.status() == 404 && isNoSuchObject(ex)) {
            return Optional.empty();
        }
        throw failure(ex, null, null);
    }

    /** Deletes the object; false when there was none (404 "Object with id … not found"). */
    public boolean delete(String type, String id) {
        checkId(type, id);
        String path = configPath(type, id);
        Exchange ex = send("DELETE", path, null);
        if (ex.status() == 204 || ex.status() == 200) {
            return true;
        }
        if (ex.status() == 404 && isNoSuchObject(ex)) {
            return false;
        }
        throw failure(ex, type, id);
    }

    /** Asterisk's version ({@code system.version} of {@code GET /asterisk/info}), e.g. {@code 22.10.1}. */
    public String asteriskVersion() {
        String path = "/asterisk/info";
        Exchange ex = send("GET", path, null);
        if (ex.status() != 200) {
            throw failure(ex, null, null);
        }
        JsonNode version = parse(ex).path("system").path("version");
        if (!version.isTextual()) {
            throw new AriException(describe(ex) + ": answer has no system.version", ex.status(), false);
        }
        return version.asText();
    }

    // ---- requests

    private record Exchange(String method, String path, int status, byte[] body, long millis) {
    }

    /** @param body the request's JSON body, null for none */
    private Exchange send(String method, String path, byte[] body) {
        String shown = settings.baseUrl().getRawPath() + path;
        long start = System.nanoTime();
        if (Thread.currentThread().isInterrupted()) {
            LOG.debug("ARI {} {} → interrupted before it was sent", method, shown);
            throw new AriException("ARI " + method + " " + shown + " → interrupted after 0 ms", 0, true,
                    new InterruptedException("interrupted before the request was sent"));
        }
        try {
            // Asterisk closing a kept-alive connection as a request goes out on it leaves the request unanswered; the JDK
            // then sends it once more on a new connection (not in streaming mode; every ARI request here is idempotent:
            // PUT, GET, DELETE), a second such close fails. Counted as Asterisk away, one such close stopped a full pass.
            Answer r = exchange(method, path, body);
            long ms = millisSince(start);
            LOG.debug("ARI {} {} → {} in {} ms", method, shown, r.status(), ms);
            return new Exchange(method, shown, r.status(), r.body(), ms);
        } catch (IOException e) {
            long ms = millisSince(start);
            String why = reason(e);
            LOG.debug("ARI {} {} → no answer after {} ms: {}", method, shown, ms, why);
            throw new AriException("ARI " + method + " " + shown + " → no answer after " + ms + " ms: " + why
                    + " (" + settings.baseUrl().getRawAuthority() + ")", 0, true, e);
        }
    }

    private record Answer(int status, byte[] body) {
    }

    /** Connecting timed out (as opposed to waiting for the answer). */
    private static final class ConnectTimeout extends SocketTimeoutException {
        ConnectTimeout(SocketTimeoutException cause) {
            super("connect timed out");
            initCause(cause);
        }
    }

    /** One request and its answer, read whole: a connection read to its end goes back to the JDK's keep-alive pool. */
    private Answer exchange(String method, String path, byte[] body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(base + path).toURL().openConnection(Proxy.NO_PROXY);
        try {
            c.setConnectTimeout(timeoutMillis);
            c.setReadTimeout(timeoutMillis);
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setRequestMethod(method);
            c.setRequestProperty("Authorization", authorization);
            c.setRequestProperty("Accept", "application/json");
            if (body != null) {
                c.setRequestProperty("Content-Type", "application/json");
                // not in streaming mode: the JDK then keeps a 401's body (Asterisk's message) for getErrorStream, and
                // sends the request again once when a kept-alive connection closes unanswered
                c.setDoOutput(true);
            }
            try {
                c.connect();
            } catch (SocketTimeoutException e) {
                throw new ConnectTimeout(e);
            }
            if (body != null) {
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = c.getResponseCode();
            if (status < 0) {
                throw new IOException("the answer is not HTTP");
            }
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            if (in == null) {
                return new Answer(status, NOTHING);
            }
            try (in) {
                return new Answer(status, in.readAllBytes());
            }
        } catch (IOException | RuntimeException e) {
            c.disconnect(); // a connection that failed mid-exchange must not be used again
            throw e;
        }
    }

    private static String reason(IOException e) {
        if (e instanceof ConnectTimeout) {
            return "connect timed out";
        }
        if (e instanceof SocketTimeoutException) {
            return "timed out";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + clip(m));
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    // ---- answers

    private static Map<String, String> attributes(Exchange ex) {
        JsonNode root = parse(ex);
        if (!root.isArray()) {
            throw new AriException(describe(ex) + ": answer is not an attribute list", ex.status(), false);
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        for (JsonNode a : root) {
            JsonNode name = a.get("attribute");
            if (name == null || !name.isTextual()) {
                throw new AriException(describe(ex) + ": answer is not an attribute list", ex.status(), false);
            }
            attrs.put(name.asText(), a.path("value").asText(""));
        }
        return attrs;
    }

    private static JsonNode parse(Exchange ex) {
        try {
            return JSON.readTree(ex.body());
        } catch (IOException e) {
            // never include the body: an auth object's answer holds the password in clear
            throw new AriException(describe(ex) + ": answer is not JSON", ex.status(), false);
        }
    }

    /** Asterisk's own short error text ({@code message}, or {@code error} for 500s), never the body. */
    private static String message(Exchange ex) {
        try {
            JsonNode root = JSON.readTree(ex.body());
            if (root != null && root.isObject()) {
                for (String field : new String[] {"message", "error"}) {
                    JsonNode m = root.get(field);
                    if (m != null && m.isTextual()) {
                        return clip(m.asText());
                    }
                }
            }
        } catch (IOException e) {
            // not JSON (a proxy's page?): say nothing of it
        }
        return "(no message)";
    }

    private static boolean isNoSuchObject(Exchange ex) {
        // Asterisk also answers 404 for an unknown type or class; those are configuration errors
        String m = message(ex);
        return !(m.startsWith("objectType ") || m.startsWith("configClass "));
    }

    private static AriException failure(Exchange ex, String type, String id) {
        int s = ex.status();
        boolean retryable = s >= 500 || s == 408 || s == 429;
        String message = message(ex);
        String hint = "";
        if (s == 403 && type != null) {
            hint = " — " + type + " '" + id + "' is defined in pjsip.conf; remove it there or let hotdesk own it";
        } else if (s == 401) {
            hint = " — check ari.user and ari.password";
        } else if (s == 500 && message.equals("Allocation failed")) {
            hint = " — Asterisk 22 cannot update an object that carries set_var; delete it and push again";
        }
        return new AriException(describe(ex) + ": " + message + hint, s, retryable);
    }

    private static String describe(Exchange ex) {
        return "ARI " + ex.method() + " " + ex.path() + " → " + ex.status() + " after " + ex.millis() + " ms";
    }

    // ---- arguments

    private static void checkFields(String type, String id, Map<String, String> fields) {
        checkId(type, id);
        if (fields == null || fields.isEmpty()) {
            throw new IllegalArgumentException("ARI PUT of " + type + " '" + id + "' needs at least one field");
        }
        fields.forEach((k, v) -> {
            if (k == null || k.isBlank() || v == null) {
                throw new IllegalArgumentException("ARI PUT of " + type + " '" + id + "': field names and values must be"
                        + " non-empty names and non-null values, got attribute '" + k + "'");
            }
            if (k.trim().toLowerCase(Locale.ROOT).equals("set_var")) {
                throw new IllegalArgumentException("ARI PUT of " + type + " '" + id + "' refused: set_var makes every"
                        + " later update of the object fail on Asterisk 22 (500 Allocation failed)");
            }
        });
    }

    private static void checkId(String type, String id) {
        for (String s : new String[] {type, id}) {
            if (s == null || s.isEmpty() || s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException("ARI object type and id must be non-empty path segments, got "
                        + type + "/" + id);
            }
        }
    }

    private static String configPath(String type, String id) {
        return CONFIG_PATH + segment(type) + "/" + segment(id);
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters (URLEncoder's '+' is wrong in paths). */
    static String segment(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }

    private static String clip(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", " ");
        return clean.length() <= MAX_MESSAGE ? clean : clean.substring(0, MAX_MESSAGE) + "…";
    }
}
