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
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The FastAGI server Asterisk calls for the hot-desk feature codes: {@code agi://host:port/hotdesk-login},
 * {@code /hotdesk-otp} and {@code /hotdesk-logout}.
 *
 * <p>asterisk-java's DefaultAgiServer with an explicit script map (a URL naming anything else, a class
 * name included, is refused: nothing is ever instantiated by reflection), listening on the configured
 * address only, with {@code poolSize..maxPoolSize} worker threads (a call beyond the maximum is refused
 * and Asterisk carries on with AGISTATUS=FAILURE). A connection silent for longer than the longest prompt
 * could take is treated as hung up.
 *
 * <p>{@link #start()} binds on the calling thread (bind errors surface there as UncheckedIOException)
 * and accepts on a background thread; {@link #close()} stops accepting and gives running calls a few
 * seconds to finish before closing their connections. Thread-safe; start once.
 */
public final class HotdeskAgiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HotdeskAgiServer.class);
    private static final int BACKLOG = 200;
    private static final Duration GRACE = Duration.ofSeconds(5);

    private final AgiSettings settings;
    private final Server server;
    private final Set<AgiConnection> open = ConcurrentHashMap.newKeySet();
    private final Duration readTimeout;

    private ServerSocket listening;
    private Thread acceptor;
    private boolean started;
    private boolean closed;

    public HotdeskAgiServer(AgiSettings s, Prompts p, LogIn logIn, LogOut logOut) {
        this.settings = Objects.requireNonNull(s, "settings");
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
        // GET DATA may wait a full digit timeout per digit after a prompt; anything longer is a dead peer.
        this.readTimeout = Duration.ofMinutes(2).plus(s.digitTimeout().multipliedBy(12));
    }

    /** Binds the listener and returns once it is listening; calls are served on background threads. */
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException("FastAGI server can be started once, and not after close()");
        }
        LOG.info("FastAGI starting on {}:{} (pool {}..{})", settings.bindAddress(), settings.port(),
                settings.poolSize(), settings.maxPoolSize());
        ServerSocket socket = null;
        try {
            InetAddress address = InetAddress.getByName(settings.bindAddress());
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, settings.port()), BACKLOG);
            server.setAddress(address);
            server.setPort(socket.getLocalPort());
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("FastAGI cannot listen on " + settings.bindAddress() + ":" + settings.port()
                    + " (agi.bind/agi.port): " + e.getMessage(), e);
        }
        listening = socket;
        acceptor = new Thread(this::acceptLoop, "hotdesk-agi-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        started = true;
        LOG.info("FastAGI listening on {}:{}", socket.getInetAddress().getHostAddress(), socket.getLocalPort());
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
        if (listening == null) {
            throw new IllegalStateException("FastAGI server not started");
        }
        return listening.getLocalPort();
    }

    /** Stops accepting; running calls get a few seconds, then their connections are closed. Idempotent. */
    @Override
    public void close() {
        ServerSocket socket;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (!started) {
                return;
            }
            socket = listening;
        }
        LOG.info("FastAGI stopping…");
        server.shutdown();
        closeQuietly(socket);
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

    private static void closeQuietly(ServerSocket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                LOG.debug("closing the FastAGI listener failed: {}", e.toString());
            }
        }
    }

    /** DefaultAgiServer on our own bound socket and with our own (named, observable) worker pool. */
    private final class Server extends DefaultAgiServer {
        private final AtomicInteger threads = new AtomicInteger();
        private volatile ThreadPoolExecutor pool;

        Server(SimpleMappingStrategy mapping) {
            super(mapping);
        }

        ThreadPoolExecutor pool() {
            return pool;
        }

        @Override
        protected ServerSocketFacade createServerSocket() {
            ServerSocket socket = listening;
            int timeout = (int) readTimeout.toMillis();
            return new ServerSocketFacade() {
                @Override
                public SocketConnectionFacade accept() throws IOException {
                    Socket s = socket.accept();
                    try {
                        return new AgiConnection(s, timeout, open);
                    } catch (IOException e) {
                        s.close();
                        throw e;
                    }
                }

                @Override
                public void close() throws IOException {
                    socket.close();
                }

                @Override
                public void setSocketReadTimeout(int ignored) {
                    // the read timeout is ours, derived from agi.digit-timeout
                }
            };
        }

        @Override
        protected ThreadPoolExecutor createPool() {
            ThreadPoolExecutor p = new ThreadPoolExecutor(getPoolSize(), getMaximumPoolSize(), 60, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), r -> {
                        Thread t = new Thread(r, "hotdesk-agi-" + threads.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            pool = p;
            return p;
        }
    }
}
