package hotdesk.board;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A browser-like HTTP client of the board on real loopback sockets: keeps cookies, follows no redirect. */
final class BoardClient {

    private final HttpClient http;
    private final String base;
    final Map<String, String> cookies = new LinkedHashMap<>();
    final java.util.List<String> setCookies = new java.util.ArrayList<>();

    BoardClient(String base) {
        this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    }

    BoardClient(String base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (!cookies.isEmpty()) {
            b.header("Cookie", String.join("; ", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest r) {
        try {
            HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
            keep(response.headers().allValues("set-cookie"));
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void keep(List<String> headers) {
        for (String h : headers) {
            setCookies.add(h);
            String pair = h.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String name = pair.substring(0, eq);
            String value = pair.substring(eq + 1);
            if (value.isEmpty() || h.contains("Max-Age=0")) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    HttpResponse<String> post(String path, Map<String, String> form, Map<String, String> headers) {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        headers.forEach(b::header);
        return send(b.build());
    }

    /** The sign-in form, then the POST of it; the response of the POST. */
    HttpResponse<String> signIn(String name, String password) {
        String form = get("/signin").body();
        return post("/signin", Map.of("csrf", hidden(form, "csrf"), "name", name, "password", password), Map.of());
    }

    static String hidden(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        if (!m.find()) {
            throw new AssertionError("no hidden field " + name + " in " + html);
        }
        return m.group(1);
    }

    static String meta(String html, String name) {
        Matcher m = Pattern.compile("<meta name=\"" + name + "\" content=\"([^\"]*)\">").matcher(html);
        if (!m.find()) {
            throw new AssertionError("no meta " + name);
        }
        return m.group(1);
    }

    /** Opens the live view; its lines arrive in the returned queue until the stream ends. */
    Events events(String path) {
        HttpRequest r = request(path).timeout(Duration.ofMinutes(5)).header("Accept", "text/event-stream").GET().build();
        try {
            HttpResponse<Stream<String>> response = http.send(r, HttpResponse.BodyHandlers.ofLines());
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try {
                    response.body().forEach(lines::add);
                } catch (RuntimeException e) {
                    lines.add("#closed " + e);
                }
                lines.add("#end");
            }, "sse-reader");
            reader.setDaemon(true);
            if (response.statusCode() == 200) {
                reader.start();
            }
            return new Events(response.statusCode(), lines, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Events(int status, BlockingQueue<String> lines, HttpResponse<Stream<String>> response) {
        /** Everything received so far, as one text. */
        String drained(StringBuilder into) {
            lines.drainTo(new java.util.AbstractList<>() {
                @Override
                public String get(int i) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int size() {
                    return 0;
                }

                @Override
                public boolean add(String s) {
                    into.append(s).append('\n');
                    return true;
                }
            });
            return into.toString();
        }

        void close() {
            response.body().close();
        }
    }
}
