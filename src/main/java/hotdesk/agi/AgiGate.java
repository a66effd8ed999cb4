package hotdesk.agi;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The handshake stage of FastAGI: one thread that accepts connections and reads their AGI environment
 * without blocking, before any worker thread is committed to them.
 *
 * <ul>
 *   <li>a peer outside {@code agi.allowed-peers} is closed as soon as it is accepted, nothing read;</li>
 *   <li>the environment must arrive whole within {@code agi.handshake-timeout}, in lines of at most
 *       {@link AgiLimits#MAX_LINE_BYTES} bytes, {@link AgiLimits#MAX_ENVIRONMENT_LINES} lines at most;</li>
 *   <li>at most {@link AgiLimits#MAX_HANDSHAKES} connections wait at once; a new one drops the oldest.</li>
 * </ul>
 * Idle or slow peers therefore cost a file descriptor for a few seconds, never a worker. Each refusal goes
 * to the {@link RefusalLog}. A connection with its environment complete is switched to blocking mode and
 * handed to {@code next}, which may decline it (then it is closed and logged too).
 *
 * <p>{@link #start()} once, {@link #close()} from any thread; the rest runs on the gate's own thread.
 */
final class AgiGate implements AutoCloseable {

    /** A connection whose environment is complete: its lines (without the blank line) and any bytes after them. */
    record Arrival(SocketChannel channel, InetAddress peer, List<String> environment, byte[] rest) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(AgiGate.class);

    private final ServerSocketChannel listener;
    private final Selector selector;
    private final PeerFilter peers;
    private final long handshakeNanos;
    private final String handshakeText;
    private final RefusalLog refusals;
    private final Predicate<Arrival> next;
    /** Connections waiting for their environment, oldest first (all have the same timeout). */
    private final Map<SocketChannel, Pending> pending = new LinkedHashMap<>();
    private final List<Arrival> complete = new ArrayList<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
    private final Thread thread;
    private volatile boolean closed;

    /** Takes over a bound listener. */
    AgiGate(ServerSocketChannel listener, PeerFilter peers, Duration handshakeTimeout, RefusalLog refusals,
            Predicate<Arrival> next) throws IOException {
        this.listener = listener;
        this.peers = peers;
        this.handshakeNanos = handshakeTimeout.toNanos();
        this.handshakeText = handshakeTimeout.toMillis() % 1000 == 0 ? handshakeTimeout.toSeconds() + " s"
                : handshakeTimeout.toMillis() + " ms";
        this.refusals = refusals;
        this.next = next;
        this.selector = Selector.open();
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
        this.thread = new Thread(this::run, "hotdesk-agi-gate");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            while (!closed) {
                selector.select(this::ready, untilNextDeadline());
                expire();
                handOff();
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.error("FastAGI accept loop ended unexpectedly", e);
            }
        } finally {
            for (Pending p : List.copyOf(pending.values())) {
                closeQuietly(p.channel);
            }
            pending.clear();
            for (Arrival a : complete) {
                closeQuietly(a.channel());
            }
            complete.clear();
            closeQuietly(listener);
            try {
                selector.close();
            } catch (IOException e) {
                LOG.debug("closing the FastAGI selector failed: {}", e.toString());
            }
        }
    }

    /** Milliseconds until the oldest waiting connection times out; 0 (wait for events only) when none waits. */
    private long untilNextDeadline() {
        Iterator<Pending> oldest = pending.values().iterator();
        if (!oldest.hasNext()) {
            return 0;
        }
        long nanos = oldest.next().deadline - System.nanoTime();
        return Math.max(1, (nanos + 999_999) / 1_000_000);
    }

    private void ready(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            acceptAll();
        } else if (key.isReadable()) {
            read((Pending) key.attachment());
        }
    }

    private void acceptAll() {
        while (!closed) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                // e.g. out of file descriptors: try again on the next select rather than spin
                LOG.warn("FastAGI cannot accept a connection: {}", e.toString());
                pause();
                return;
            }
            if (channel == null) {
                return;
            }
            admit(channel);
        }
    }

    private void admit(SocketChannel channel) {
        InetAddress peer = null;
        try {
            peer = ((InetSocketAddress) channel.getRemoteAddress()).getAddress();
            if (!peers.allows(peer)) {
                closeQuietly(channel);
                refusals.refused(peer, "refused: not in agi.allowed-peers (" + peers + ")");
                return;
            }
            if (pending.size() >= AgiLimits.MAX_HANDSHAKES) {
                Pending oldest = pending.values().iterator().next();
                drop(oldest, "dropped: " + AgiLimits.MAX_HANDSHAKES
                        + " connections were waiting for their AGI environment and this was the oldest");
            }
            channel.configureBlocking(false);
            Pending p = new Pending(channel, peer, System.nanoTime() + handshakeNanos);
            channel.register(selector, SelectionKey.OP_READ, p);
            pending.put(channel, p);
        } catch (IOException e) {
            LOG.debug("FastAGI connection from {} failed at once: {}", peer, e.toString());
            closeQuietly(channel);
        }
    }

    private void read(Pending p) {
        buffer.clear();
        int n;
        try {
            n = p.channel.read(buffer);
        } catch (IOException e) {
            LOG.debug("FastAGI connection from {} failed before its environment: {}", p.peer, e.toString());
            forget(p);
            return;
        }
        if (n < 0) {
            LOG.debug("FastAGI connection from {} closed before its environment was complete", p.peer);
            forget(p);
            return;
        }
        buffer.flip();
        String refusal = p.take(buffer);
        if (refusal != null) {
            drop(p, refusal);
        } else if (p.done) {
            p.channel.keyFor(selector).cancel();
            pending.remove(p.channel);
            byte[] rest = new byte[buffer.remaining()];
            buffer.get(rest);
            complete.add(new Arrival(p.channel, p.peer, List.copyOf(p.lines), rest));
        }
    }

    private void expire() {
        long now = System.nanoTime();
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.deadline - now > 0) {
                return; // the rest are younger
            }
            it.remove();
            closeQuietly(p.channel);
            refusals.refused(p.peer, "dropped: no AGI environment within " + handshakeText + " (agi.handshake-timeout)");
        }
    }

    /**
     * Passes on the connections whose environment is complete. A channel whose key was cancelled can be
     * made blocking only after the next selection has deregistered it, hence the selectNow first (which
     * may complete further connections: they wait for the next round).
     */
    private void handOff() throws IOException {
        while (!complete.isEmpty() && !closed) {
            List<Arrival> batch = List.copyOf(complete);
            complete.clear();
            selector.selectNow(this::ready);
            for (Arrival a : batch) {
                try {
                    a.channel().configureBlocking(true);
                } catch (IOException e) {
                    LOG.debug("FastAGI connection from {} failed at hand-off: {}", a.peer(), e.toString());
                    closeQuietly(a.channel());
                    continue;
                }
                if (!next.test(a)) {
                    closeQuietly(a.channel());
                    refusals.refused(a.peer(), "refused: the FastAGI workers do not keep up");
                }
            }
        }
    }

    private void drop(Pending p, String why) {
        forget(p);
        refusals.refused(p.peer, why);
    }

    private void forget(Pending p) {
        pending.remove(p.channel);
        closeQuietly(p.channel);
    }

    /** Stops accepting and closes every connection still in the handshake. Idempotent. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        if (thread.isAlive() && thread != Thread.currentThread()) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (!thread.isAlive()) {
            closeQuietly(listener);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("closing a FastAGI socket failed: {}", e.toString());
        }
    }

    /** One connection in the handshake: the lines so far and the line being read. Gate thread only. */
    private static final class Pending {
        final SocketChannel channel;
        final InetAddress peer;
        final long deadline;
        final List<String> lines = new ArrayList<>();
        byte[] line = new byte[128];
        int length;
        boolean done;

        Pending(SocketChannel channel, InetAddress peer, long deadline) {
            this.channel = channel;
            this.peer = peer;
            this.deadline = deadline;
        }

        /**
         * Consumes bytes up to and including the blank line that ends the environment (the buffer is left
         * at the first byte after it).
         *
         * @return why the connection is refused, or null
         */
        String take(ByteBuffer in) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                    length = 0;
                    if (end == 0) {
                        done = true;
                        return null;
                    }
                    if (lines.size() == AgiLimits.MAX_ENVIRONMENT_LINES) {
                        return "dropped: sent more than " + AgiLimits.MAX_ENVIRONMENT_LINES + " environment lines";
                    }
                    lines.add(new String(line, 0, end, StandardCharsets.UTF_8));
                } else {
                    if (length == AgiLimits.MAX_LINE_BYTES) {
                        return "dropped: sent a line longer than " + AgiLimits.MAX_LINE_BYTES + " bytes";
                    }
                    if (length == line.length) {
                        line = Arrays.copyOf(line, Math.min(line.length * 2, AgiLimits.MAX_LINE_BYTES));
                    }
                    line[length++] = b;
                }
            }
            return null;
        }
    }
}
