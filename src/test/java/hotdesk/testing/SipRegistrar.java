package hotdesk.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The smallest SIP user agent a contract test needs, over UDP on loopback: it REGISTERs an account
 * (answering a digest challenge, as a desk phone does with the credentials of its provisioning file)
 * and answers every request Asterisk sends it with 200, keeping them so a test can see a
 * {@code NOTIFY} with {@code Event: check-sync} arrive. Not a phone: no calls, no media.
 */
public final class SipRegistrar implements AutoCloseable {

    private static final Pattern NONCE = Pattern.compile("nonce=\"([^\"]*)\"");
    private static final Pattern REALM = Pattern.compile("realm=\"([^\"]*)\"");

    private final DatagramSocket socket;
    private final InetSocketAddress asterisk;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> responses = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean closed;

    public SipRegistrar(int asteriskSipPort) {
        try {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        asterisk = new InetSocketAddress(InetAddress.getLoopbackAddress(), asteriskSipPort);
        reader = new Thread(this::readLoop, "sip-registrar");
        reader.setDaemon(true);
        reader.start();
    }

    /** Registers {@code user} with {@code password} for {@code expires}; returns the final status code. */
    public int register(String user, String password, Duration expires) {
        String callId = UUID.randomUUID() + "@127.0.0.1";
        int before = responses.size();
        send(registerRequest(user, callId, 1, expires, null));
        String first = awaitResponse(before);
        int status = status(first);
        if (status != 401 && status != 407) {
            return status;
        }
        String header = status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate";
        String challenge = header(first, header);
        String realm = find(REALM, challenge);
        String nonce = find(NONCE, challenge);
        String uri = "sip:127.0.0.1:" + asterisk.getPort();
        String response = md5(md5(user + ":" + realm + ":" + password) + ":" + nonce + ":" + md5("REGISTER:" + uri));
        String auth = (status == 401 ? "Authorization" : "Proxy-Authorization") + ": Digest username=\"" + user
                + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri + "\", response=\"" + response
                + "\", algorithm=MD5";
        int second = responses.size();
        send(registerRequest(user, callId, 2, expires, auth));
        return status(awaitResponse(second));
    }

    /** Every request Asterisk sent, as text, in order. */
    public List<String> requests() {
        return List.copyOf(received);
    }

    /** The {@code Event} headers of the NOTIFYs received so far. */
    public List<String> notifyEvents() {
        return received.stream().filter(r -> r.startsWith("NOTIFY ")).map(r -> header(r, "Event")).toList();
    }

    public int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
    }

    private String registerRequest(String user, String callId, int cseq, Duration expires, String auth) {
        String host = "127.0.0.1:" + asterisk.getPort();
        String me = "127.0.0.1:" + socket.getLocalPort();
        return "REGISTER sip:" + host + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + me + ";rport;branch=z9hG4bK" + UUID.randomUUID().toString().replace("-", "") + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + user + "@" + host + ">;tag=" + Integer.toHexString(callId.hashCode()) + "\r\n"
                + "To: <sip:" + user + "@" + host + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " REGISTER\r\n"
                + "Contact: <sip:" + user + "@" + me + ">\r\n"
                + "Expires: " + expires.toSeconds() + "\r\n"
                + "User-Agent: hotdesk-test-registrar\r\n"
                + (auth == null ? "" : auth + "\r\n")
                + "Content-Length: 0\r\n\r\n";
    }

    private void send(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        try {
            socket.send(new DatagramPacket(bytes, bytes.length, asterisk));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String awaitResponse(int countBefore) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            // skip provisional answers
            for (int i = countBefore; i < responses.size(); i++) {
                if (status(responses.get(i)) >= 200) {
                    return responses.get(i);
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for a SIP answer", e);
            }
        }
        throw new IllegalStateException("no final SIP answer from 127.0.0.1:" + asterisk.getPort() + " within 10 s");
    }

    private void readLoop() {
        byte[] buf = new byte[65535];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            String msg = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            if (msg.startsWith("SIP/2.0 ")) {
                responses.add(msg);
            } else if (!msg.isBlank()) {
                received.add(msg);
                answer(msg, p.getSocketAddress());
            }
        }
    }

    /** 200 OK to a request, echoing the headers a response must copy. */
    private void answer(String request, java.net.SocketAddress to) {
        StringBuilder r = new StringBuilder("SIP/2.0 200 OK\r\n");
        for (String line : request.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("via:") || lower.startsWith("from:") || lower.startsWith("to:")
                    || lower.startsWith("call-id:") || lower.startsWith("cseq:")) {
                r.append(line).append("\r\n");
            }
        }
        r.append("Content-Length: 0\r\n\r\n");
        byte[] bytes = r.toString().getBytes(StandardCharsets.UTF_8);
        try {
            socket.send(new DatagramPacket(bytes, bytes.length, to));
        } catch (IOException e) {
            // the test sees the missing answer as Asterisk's retransmissions; nothing to do here
        }
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(8, 11));
    }

    /** The value of the first header {@code name} (case-insensitive), "" when absent. */
    public static String header(String message, String name) {
        for (String line : message.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    private static String find(Pattern p, String text) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no " + p + " in the challenge: " + text);
        }
        return m.group(1);
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
