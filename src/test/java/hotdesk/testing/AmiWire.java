package hotdesk.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A raw AMI session for contract tests: sends actions exactly as written and hands back what came
 * over the wire, so the same assertions can run against the fake peer and a real Asterisk without
 * any of hotdesk's own AMI code in between.
 */
public final class AmiWire implements AutoCloseable {

    /** One AMI message: headers in order (first value of a name wins on lookup). */
    public record Message(List<String> lines) {

        public String get(String name) {
            for (String l : lines) {
                int colon = l.indexOf(':');
                if (colon > 0 && l.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return l.substring(colon + 1).trim();
                }
            }
            return null;
        }

        public boolean isEvent(String name) {
            return name.equalsIgnoreCase(get("Event"));
        }

        @Override
        public String toString() {
            return String.join(" | ", lines);
        }
    }

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private final String banner;
    private final List<Message> events = new ArrayList<>();
    private int nextId;

    public AmiWire(String host, int port) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(15_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
            banner = in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String banner() {
        return banner;
    }

    /** Sends {@code Login} with {@code Events: system} and returns the answer to it. */
    public Message login(String user, String secret) {
        return login(user, secret, "system");
    }

    /** Sends {@code Login} asking for the events of these classes (e.g. {@code system,user}) and returns the answer. */
    public Message login(String user, String secret, String events) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("Username", user);
        a.put("Secret", secret);
        a.put("Events", events);
        return action("Login", a);
    }

    /** Sends one action (an ActionID is added) and returns its response; events met on the way are kept. */
    public Message action(String name, Map<String, String> headers) {
        String id = "contract-" + (++nextId);
        StringBuilder b = new StringBuilder("Action: ").append(name).append("\r\n");
        headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        b.append("ActionID: ").append(id).append("\r\n\r\n");
        try {
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        while (true) {
            Message m = read();
            if (m == null) {
                throw new IllegalStateException("connection closed before the answer to " + name);
            }
            if (m.get("Response") != null && id.equals(m.get("ActionID"))) {
                return m;
            }
            events.add(m);
        }
    }

    /** The list events following a response with {@code EventList: start}, up to its Complete event. */
    public List<Message> listFollowing(Message response) {
        List<Message> list = new ArrayList<>();
        String id = response.get("ActionID");
        while (true) {
            Message m = read();
            if (m == null) {
                throw new IllegalStateException("connection closed inside the event list of " + id);
            }
            if (!id.equals(m.get("ActionID"))) {
                events.add(m);
                continue;
            }
            if ("Complete".equalsIgnoreCase(m.get("EventList"))) {
                return list;
            }
            list.add(m);
        }
    }

    /** The first event (already seen or still to come within {@code wait}) that matches; null on timeout or EOF. */
    public Message awaitEvent(Predicate<Message> which, Duration wait) {
        for (Message m : events) {
            if (which.test(m)) {
                events.remove(m);
                return m;
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, Math.min(15_000, (deadline - System.nanoTime()) / 1_000_000)));
                Message m;
                try {
                    m = read();
                } catch (UncheckedIOException e) {
                    if (e.getCause() instanceof SocketTimeoutException) {
                        return null;
                    }
                    return null; // connection cut: no more events will come
                }
                if (m == null) {
                    return null;
                }
                if (which.test(m)) {
                    return m;
                }
                events.add(m);
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the peer closed the connection (EOF) within {@code wait}, other messages skipped. */
    public boolean closedWithin(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                try {
                    if (read() == null) {
                        return true;
                    }
                } catch (UncheckedIOException e) {
                    if (e.getCause() instanceof SocketTimeoutException) {
                        return false;
                    }
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Message read() {
        List<String> lines = new ArrayList<>();
        try {
            while (true) {
                String l = in.readLine();
                if (l == null) {
                    return lines.isEmpty() ? null : new Message(lines);
                }
                if (l.isEmpty()) {
                    if (lines.isEmpty()) {
                        continue;
                    }
                    return new Message(lines);
                }
                lines.add(l);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a test connection: nothing to report
        }
    }
}
