package hotdesk.agi;

import hotdesk.core.usecase.LogIn;
import hotdesk.core.usecase.LogOut;
import org.asteriskjava.fastagi.AgiScript;
import org.asteriskjava.fastagi.DefaultAgiServer;
import org.asteriskjava.fastagi.SimpleMappingStrategy;
import org.asteriskjava.util.ServerSocketFacade;
import org.asteriskjava.util.SocketConnectionFacade;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The FastAGI server Asterisk calls for the hot-desk feature codes: {@code agi://host:port/hotdesk-login},
 * {@code /hotdesk-otp} and {@code /hotdesk-logout}.
 *
 * <p>Two stages. The {@link AgiGate} accepts on the configured address only, closes peers outside
 * {@code agi.allowed-peers} at once and reads each environment without blocking, within
 * {@code agi.handshake-timeout} and {@link AgiLimits}: idle, silent or flooding peers never hold a worker.
 * A connection with its environment complete goes to asterisk-java's DefaultAgiServer with an explicit
 * script map (a URL naming anything else, a class name included, is refused: nothing is ever instantiated
 * by reflection) and {@code poolSize..maxPoolSize} worker threads; a call beyond the maximum is closed
 * (closed unanswered: Asterisk 22 reports AGISTATUS=SUCCESS without HOTDESK_RESULT, and the generated
 * dialplan plays please-try-call-later) and logged. Replies are bounded by {@link AgiConnection}.
 * Every refused or dropped connection goes to the {@code hotdesk.security} log, rate-limited.
 *
 * <p>{@link #start()} binds on the calling thread (bind errors surface there as UncheckedIOException)
 * and accepts on a background thread; {@link #close()} stops accepting and gives running calls a few
 * seconds to finish before closing their connections. Thread-safe; start once.
 */
public final class HotdeskAgiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HotdeskAgiServer.class);
    private static final int BACKLOG = 200;
    private static final Duration GRACE = Duration.ofSeconds(5);
    /**
     * Stack of a worker thread. A login call holds its worker through ~9 s of prompts, so a rush of 100 logins/s
     * needs ~900 workers (BENCHMARKS.md, login rush): with the platform's default stack (1 MiB reserved) that is a
     * gigabyte of address space; a call's work is a few frames of asterisk-java, the use case and JDBC.
     */
    static final long WORKER_STACK_BYTES = 512 * 1024;

    /** Handed from the gate to the workers' accept loop; this one ends it. */
    private static final Object STOP = new Object();

    private final AgiSettings settings;
    private final Server server;
    private final Set<AgiConnection> open = ConcurrentHashMap.newKeySet();
    private final PeerFilter peers;
    private final RefusalLog refusals;
    private final BlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();

    private AgiGate gate;
    private int port;
    private Thread acceptor;
    private boolean started;
    private boolean closed;

    public HotdeskAgiServer(AgiSettings s, Prompts p, LogIn logIn, LogOut logOut) {
        this(s, p, logIn, logOut, Clock.systemUTC());
    }

    /** With the clock that paces the security log's rate limit (tests). */
    HotdeskAgiServer(AgiSettings s, Prompts p, LogIn logIn, LogOut logOut, Clock clock) {
        this.settings = Objects.requireNonNull(s, "settings");
        this.peers = PeerFilter.parse(s.allowedPeers());
        this.refusals = new RefusalLog(Objects.requireNonNull(clock, "clock"));
        Objects.requireNonNull(p, "prompts");
        Objects.requireNonNull(logIn, "logIn");
        Objects.requireNonNull(logOut, "logOut");
        // A HashMap, not Map.of: a request without a script name looks up null, which Map.of rejects.
        Map<String, AgiScript> scripts = new HashMap<>();
        for (HotdeskScript script : List.of(
                new LoginAgiScript(p, logIn, s.pinAttempts(), s.digitTimeout()),
                new OtpLoginAgiScript(p, logIn),
                new LogoutAgiScript(p, logOut))) {
            scripts.put(script.name(), script);
        }
        SimpleMappingStrategy mapping = new SimpleMappingStrategy();
        mapping.setMappings(scripts);
        this.server = new Server(mapping);
        server.setPoolSize(s.poolSize());
        server.setMaximumPoolSize(s.maxPoolSize());
    }

    /** Binds the listener and returns once it is listening; calls are served on background threads. */
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException("FastAGI server can be started once, and not after close()");
        }
        LOG.info("FastAGI starting on {}:{} (pool {}..{}, peers {})", settings.bindAddress(), settings.port(),
                settings.poolSize(), settings.maxPoolSize(), peers);
        ServerSocketChannel socket = null;
        InetSocketAddress bound;
        try {
            InetAddress address = InetAddress.getByName(settings.bindAddress());
            socket = ServerSocketChannel.open();
            socket.socket().setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, settings.port()), BACKLOG);
            bound = (InetSocketAddress) socket.getLocalAddress();
            server.setAddress(address);
            server.setPort(bound.getPort());
            gate = new AgiGate(socket, peers, settings.handshakeTimeout(), refusals, this::arrived);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("FastAGI cannot listen on " + settings.bindAddress() + ":" + settings.port()
                    + " (agi.bind/agi.port): " + e.getMessage(), e);
        }
        port = bound.getPort();
        acceptor = new Thread(this::acceptLoop, "hotdesk-agi-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        gate.start();
        started = true;
        LOG.info("FastAGI listening on {}:{}", bound.getAddress().getHostAddress(), port);
    }

    /** From the gate: a connection with its environment read. False when too many already wait for a worker. */
    private boolean arrived(AgiGate.Arrival arrival) {
        if (arrivals.size() >= AgiLimits.MAX_HANDSHAKES) {
            return false;
        }
        return arrivals.offer(arrival);
    }

    private void acceptLoop() {
        try {
            server.startup();
        } catch (IOException | RuntimeException e) {
            LOG.error("FastAGI accept loop ended unexpectedly", e);
        }
    }

    /** The bound port: the configured one, or the one the system picked for port 0. */
    public synchronized int port() {
        if (!started) {
            throw new IllegalStateException("FastAGI server not started");
        }
        return port;
    }

    /** Stops accepting; running calls get a few seconds, then their connections are closed. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (!started) {
                return;
            }
        }
        LOG.info("FastAGI stopping…");
        gate.close();
        server.shutdown();
        for (Object waiting; (waiting = arrivals.poll()) != null; ) {
            if (waiting instanceof AgiGate.Arrival a) {
                closeQuietly(a.channel());
            }
        }
        arrivals.offer(STOP);
        try {
            acceptor.join(GRACE.toMillis());
            ThreadPoolExecutor pool = server.pool();
            if (pool != null && !pool.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("FastAGI: {} call(s) still running after {} s; closing their connections",
                        pool.getActiveCount(), GRACE.toSeconds());
                closeConnections();
                pool.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeConnections();
        }
        LOG.info("FastAGI stopped");
    }

    private void closeConnections() {
        for (AgiConnection c : List.copyOf(open)) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.debug("closing an AGI connection failed: {}", e.toString());
            }
        }
    }

    private static void closeQuietly(java.io.Closeable socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                LOG.debug("closing a FastAGI socket failed: {}", e.toString());
            }
        }
    }

    /**
     * DefaultAgiServer fed by the gate instead of a socket of its own, with our own (named, observable)
     * worker pool. Its accept loop takes each arrival and hands it to a worker at once, or, when all
     * {@code agi.max-pool-size} are busy, closes it; we log that refusal.
     */
    private final class Server extends DefaultAgiServer {
        private final AtomicInteger threads = new AtomicInteger();
        private volatile ThreadPoolExecutor pool;
        /** The peer of the connection being handed to the pool; accept loop thread only. */
        private InetAddress handing;

        Server(SimpleMappingStrategy mapping) {
            super(mapping);
        }

        ThreadPoolExecutor pool() {
            return pool;
        }

        @Override
        protected ServerSocketFacade createServerSocket() {
            return new ServerSocketFacade() {
                @Override
                public SocketConnectionFacade accept() throws IOException {
                    Object next;
                    try {
                        next = arrivals.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("FastAGI accept loop interrupted", e);
                    }
                    if (!(next instanceof AgiGate.Arrival arrival)) {
                        arrivals.offer(STOP); // for a second reader, should there be one
                        throw new IOException("FastAGI stopped");
                    }
                    handing = arrival.peer();
                    try {
                        return new AgiConnection(arrival, settings, refusals, open);
                    } catch (IOException e) {
                        closeQuietly(arrival.channel());
                        throw e;
                    }
                }

                @Override
                public void close() {
                    arrivals.offer(STOP);
                }

                @Override
                public void setSocketReadTimeout(int ignored) {
                    // read deadlines are AgiConnection's, from agi.command-timeout and agi.digit-timeout
                }
            };
        }

        @Override
        protected ThreadPoolExecutor createPool() {
            ThreadPoolExecutor p = new ThreadPoolExecutor(getPoolSize(), getMaximumPoolSize(), 60, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), r -> {
                        Thread t = new Thread(null, r, "hotdesk-agi-" + threads.incrementAndGet(), WORKER_STACK_BYTES);
                        t.setDaemon(true);
                        return t;
                    }, (r, executor) -> {
                        if (!executor.isShutdown()) {
                            refusals.refused(handing, "refused: all " + executor.getMaximumPoolSize()
                                    + " FastAGI workers busy (agi.max-pool-size)");
                        }
                        throw new RejectedExecutionException("all FastAGI workers busy");
                    });
            pool = p;
            return p;
        }
    }
}
