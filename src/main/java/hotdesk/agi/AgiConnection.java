package hotdesk.agi;

import org.asteriskjava.util.SocketConnectionFacade;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One FastAGI connection from Asterisk as asterisk-java reads it, line by line ({@code \n}, a trailing
 * {@code \r} dropped), after {@link AgiGate} has read its environment: those lines are replayed first.
 *
 * <p>Every reply is bounded: at most {@link AgiLimits#MAX_LINE_BYTES} per line and
 * {@link AgiLimits#MAX_REPLY_LINES} lines per command, and it must be complete within the command's
 * deadline, counted from when the command was sent (so a peer trickling a byte at a time gains nothing):
 * {@code agi.command-timeout} for commands Asterisk answers at once, {@link AgiSettings#waitingCommandTimeout()}
 * for those that play sound or wait for digits. A peer that breaks a bound is logged to the security log
 * and closed; asterisk-java then sees a hang-up. Registered while open so that shutdown can close
 * connections whose scripts overstay. Confined to its worker thread, except {@link #close()}.
 */
final class AgiConnection implements SocketConnectionFacade {

    /** Commands Asterisk answers without waiting for the caller. Every other command may take long. */
    private static final List<String> QUICK = List.of("ANSWER", "HANGUP", "SET ", "GET VARIABLE", "GET FULL VARIABLE",
            "VERBOSE", "NOOP", "CHANNEL STATUS", "DATABASE ");

    private final Socket socket;
    private final InetAddress peer;
    private final Set<AgiConnection> open;
    private final RefusalLog refusals;
    private final Duration quickTimeout;
    private final Duration waitingTimeout;
    private final Iterator<String> environment;
    private final InputStream in;
    private final BufferedWriter writer;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    private byte[] buffer;
    private int position;
    private int limit;
    private String command = "(none yet)";
    private Duration timeout;
    private long deadline;
    private int linesSinceCommand;

    AgiConnection(AgiGate.Arrival arrival, AgiSettings settings, RefusalLog refusals, Set<AgiConnection> open)
            throws IOException {
        this.socket = arrival.channel().socket();
        this.peer = arrival.peer();
        this.open = open;
        this.refusals = refusals;
        this.quickTimeout = settings.commandTimeout();
        this.waitingTimeout = settings.waitingCommandTimeout();
        List<String> env = new ArrayList<>(arrival.environment());
        env.add(""); // the blank line that ended it
        this.environment = env.iterator();
        this.buffer = new byte[Math.max(AgiLimits.MAX_LINE_BYTES, arrival.rest().length)];
        System.arraycopy(arrival.rest(), 0, buffer, 0, arrival.rest().length);
        this.limit = arrival.rest().length;
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.writer = new BufferedWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8));
        this.timeout = quickTimeout;
        this.deadline = System.nanoTime() + quickTimeout.toNanos();
        open.add(this);
    }

    /**
     * The next line; null when the peer closed the connection.
     *
     * @throws IOException when the peer broke a bound (the connection is closed by then) or the socket failed
     */
    @Override
    public String readLine() throws IOException {
        if (environment.hasNext()) {
            return environment.next();
        }
        if (++linesSinceCommand > AgiLimits.MAX_REPLY_LINES) {
            throw refuse("sent more than " + AgiLimits.MAX_REPLY_LINES + " lines in answer to " + command);
        }
        line.reset();
        while (true) {
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    line.write(buffer, position, i - position);
                    position = i + 1;
                    if (line.size() > AgiLimits.MAX_LINE_BYTES + 1) { // + 1: a \r before the \n
                        throw refuse("sent a line longer than " + AgiLimits.MAX_LINE_BYTES + " bytes");
                    }
                    return text();
                }
            }
            line.write(buffer, position, limit - position);
            position = 0;
            limit = 0;
            if (line.size() > AgiLimits.MAX_LINE_BYTES) {
                throw refuse("sent a line longer than " + AgiLimits.MAX_LINE_BYTES + " bytes");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw refuse(noAnswer());
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000)));
            int n;
            try {
                n = in.read(buffer, 0, buffer.length);
            } catch (SocketTimeoutException e) {
                throw refuse(noAnswer());
            }
            if (n < 0) {
                return null;
            }
            limit = n;
        }
    }

    private String text() {
        byte[] bytes = line.toByteArray();
        int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private String noAnswer() {
        return "no complete answer to " + command + " within " + timeout.toMillis() + " ms"
                + (timeout == quickTimeout ? " (agi.command-timeout)" : " (derived from agi.digit-timeout)");
    }

    private IOException refuse(String why) {
        refusals.refused(peer, "dropped: " + why);
        try {
            close();
        } catch (IOException e) {
            why = why + "; closing failed: " + e;
        }
        return new IOException("FastAGI peer " + peer.getHostAddress() + " " + why);
    }

    /** Starts the reply deadline of the command being written (asterisk-java writes one command per call). */
    @Override
    public void write(String s) throws IOException {
        String upper = s.strip().toUpperCase(Locale.ROOT);
        String[] words = upper.split(" ", 3);
        command = "'" + (words.length > 1 ? words[0] + " " + words[1] : words[0]) + "'"; // the verb, no arguments
        timeout = QUICK.stream().anyMatch(upper::startsWith) ? quickTimeout : waitingTimeout;
        deadline = System.nanoTime() + timeout.toNanos();
        linesSinceCommand = 0;
        writer.write(s);
    }

    @Override
    public void flush() throws IOException {
        writer.flush();
    }

    @Override
    public void close() throws IOException {
        open.remove(this);
        socket.close();
    }

    @Override
    public boolean isConnected() {
        return socket.isConnected() && !socket.isClosed();
    }

    @Override
    public InetAddress getLocalAddress() {
        return socket.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
        return socket.getLocalPort();
    }

    @Override
    public InetAddress getRemoteAddress() {
        return peer;
    }

    @Override
    public int getRemotePort() {
        return socket.getPort();
    }
}
