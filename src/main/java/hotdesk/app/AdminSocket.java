package hotdesk.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The admin socket: {@code serve} answers the read-only listings ({@code status}, {@code device list}, {@code user list},
 * each also with {@code --json}) over a Unix domain socket, so that a command run while {@code serve} is up needs neither
 * to open the ledger nor to start the command line's machinery: it asks, prints what it is told and exits.
 *
 * <p>Where: {@code admin.socket}; {@code auto} (the default) puts it beside the embedded ledger,
 * {@code hotdesk.sock} in {@code db.path}, and turns it off for a ledger in PostgreSQL; {@code off} turns it off; anything else is
 * its path. Who: the socket file is made {@code 0600} in a directory that must not be writable by others, and every
 * connection's peer is checked with {@code SO_PEERCRED}: only the user {@code serve} runs as (or root) is answered.
 * What: one request per connection, one line of at most {@value #MAX_REQUEST} bytes:
 * {@code hotdesk-admin/1 <settings fingerprint> <word>\t<word>…}; the fingerprint ({@link #fingerprint}) is of every
 * setting but the secrets, so a command run with other settings (another {@code --config}, another node) is refused and
 * runs as usual. The answer is {@code refused <why>\n}, or {@code ok\n} and frames, each a kind byte and a 4-byte
 * length: {@code O} and that many bytes of standard output (written as the command writes them, so a status of
 * 10,000 desks is not held in serve's heap a second time), {@code E} and standard error, then {@code X} whose length is
 * the exit code. The client prints nothing before the {@code X}. The command runs through the same command-line code as when run on its own (the output is the
 * same byte for byte), one at a time; two connections are served at once and a few more wait, the rest are closed (their
 * command then runs as usual).
 */
final class AdminSocket implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdminSocket.class);

    static final String PROTOCOL = "hotdesk-admin/2";
    static final int MAX_REQUEST = 4096;
    /** How long a connection may take to send its request. */
    static final int READ_TIMEOUT_MS = 2_000;
    /** The requests answered here: read-only listings whose output depends on the ledger and the settings only. */
    static final Set<List<String>> ALLOWED = Set.of(
            List.of("status"), List.of("status", "--json"),
            List.of("device", "list"), List.of("device", "list", "--json"),
            List.of("user", "list"), List.of("user", "list", "--json"));

    /** Runs one allowed command line, its output to the two writers; returns its exit code. */
    interface Runner {
        int run(String[] args, PrintWriter out, PrintWriter err);
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final String fingerprint;
    private final Runner runner;
    private final UserPrincipal owner;
    private final ThreadPoolExecutor workers;
    private final ReentrantLock oneAtATime = new ReentrantLock();
    private final Thread acceptor;
    private volatile boolean closed;

    private AdminSocket(Path path, ServerSocketChannel server, String fingerprint, Runner runner, UserPrincipal owner) {
        this.path = path;
        this.server = server;
        this.fingerprint = fingerprint;
        this.runner = runner;
        this.owner = owner;
        this.workers = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(4), r -> {
            Thread t = new Thread(r, "hotdesk-admin-socket");
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::accept, "hotdesk-admin-accept");
        this.acceptor.setDaemon(true);
    }

    /**
     * Where {@code admin.socket} puts the socket for these settings; empty when it is off.
     *
     * @throws IllegalArgumentException for a value that is neither {@code auto}, {@code off} nor a path
     */
    static Optional<Path> where(Config c) {
        String v = c.string("admin.socket").strip();
        if (v.equals("off")) {
            return Optional.empty();
        }
        if (v.equals("auto")) {
            if (!c.string("db.url").isBlank() || c.string("db.path").isBlank()) {
                return Optional.empty();
            }
            return Optional.of(Path.of(c.string("db.path").strip()).toAbsolutePath().normalize().resolve("hotdesk.sock"));
        }
        if (v.isEmpty()) {
            throw new IllegalArgumentException("admin.socket must be auto, off or the path of the socket, got an empty value");
        }
        return Optional.of(Path.of(v).toAbsolutePath().normalize());
    }

    /** A digest of every setting but the secrets: a command with other settings must not get serve's answers. */
    static String fingerprint(Config c) {
        Map<String, String> values = new TreeMap<>();
        for (String key : c.keys()) {
            if (!Config.isSecret(key)) {
                values.put(key, c.string(key));
            }
        }
        // the node a status reports on: node.name, else the host name from the environment (see Services.node)
        String host = System.getenv("HOSTNAME");
        values.put("(node)", c.string("node.name").isBlank() ? host == null || host.isBlank() ? "local" : host : c.string("node.name"));
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            values.forEach((k, v) -> {
                sha.update(k.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(v.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            });
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    /**
     * Binds the socket at {@code path} and starts answering.
     *
     * @throws IllegalStateException when the directory is missing or writable by others, or another process answers on
     *                               the socket already (another serve on the same ledger)
     */
    static AdminSocket open(Path path, String fingerprint, Runner runner) throws IOException {
        Path dir = path.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalStateException("admin.socket: the directory of " + path + " does not exist");
        }
        Set<PosixFilePermission> dirPerms = Files.getPosixFilePermissions(dir);
        if (dirPerms.contains(PosixFilePermission.OTHERS_WRITE) || dirPerms.contains(PosixFilePermission.GROUP_WRITE)) {
            throw new IllegalStateException("admin.socket: " + dir + " is writable by others (" + PosixFilePermissions.toString(dirPerms)
                    + "): another user could put a socket of their own there; chmod go-w it, or set admin.socket=off");
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (answers(path)) {
                throw new IllegalStateException("admin.socket: another process answers on " + path
                        + " (another hotdesk serve on this ledger?); stop it, or set admin.socket to another path");
            }
            Files.delete(path); // left by a serve that did not stop cleanly
            LOG.info("admin socket: removed the stale {}", path);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            UserPrincipal owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS);
            AdminSocket socket = new AdminSocket(path, server, fingerprint, runner, owner);
            socket.acceptor.start();
            LOG.info("admin socket: answering status and lists on {}", path);
            return socket;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Whether something accepts a connection at {@code path} now. */
    private static boolean answers(Path path) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return ch.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private void accept() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("admin socket: accept failed: {}", e.toString());
                }
                return;
            }
            try {
                workers.execute(() -> serve(ch));
            } catch (RejectedExecutionException busy) {
                refuse(ch, "busy");
            }
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            Optional<String> peer = peerAllowed(ch);
            if (peer.isPresent()) {
                LOG.warn("admin socket: refused a connection from {}: only {} (or root) is answered", peer.get(), owner.getName());
                return;
            }
            String line = readRequest(ch);
            Request request = Request.parse(line);
            if (request == null) {
                reply(ch, "refused malformed\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            if (!request.fingerprint().equals(fingerprint)) {
                reply(ch, "refused other-settings\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            if (!ALLOWED.contains(request.args())) {
                reply(ch, "refused not-answered-here\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            answer(ch, request.args());
        } catch (IOException | RuntimeException e) {
            LOG.debug("admin socket: a connection ended early: {}", e.toString());
        }
    }

    /** Runs the command, one at a time, its output framed onto the connection as it is written. */
    private void answer(SocketChannel ch, List<String> args) throws IOException {
        OutputStream raw = Channels.newOutputStream(ch);
        raw.write("ok\n".getBytes(StandardCharsets.US_ASCII));
        Frames frames = new Frames(raw);
        StringWriter err = new StringWriter();
        int code;
        oneAtATime.lock();
        try {
            PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(frames, StandardCharsets.UTF_8));
            code = runner.run(args.toArray(String[]::new), o, new PrintWriter(err));
            o.flush();
        } finally {
            oneAtATime.unlock();
        }
        frames.flush();
        if (frames.failed != null) {
            throw frames.failed;
        }
        frame(raw, 'E', err.toString().getBytes(StandardCharsets.UTF_8));
        raw.write('X');
        raw.write(java.nio.ByteBuffer.allocate(4).putInt(code).array());
        raw.flush();
    }

    private static void frame(OutputStream out, char kind, byte[] bytes) throws IOException {
        out.write(kind);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.write(bytes);
    }

    /**
     * Standard output as {@code O} frames of up to 64 KiB. A client gone away does not stop the command (it holds the
     * lock only as long as it runs anyway): what it writes then is dropped and the failure reported at the end.
     */
    private static final class Frames extends OutputStream {
        private final OutputStream out;
        private final byte[] buffer = new byte[64 * 1024];
        private int used;
        IOException failed;

        Frames(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            if (used == buffer.length) {
                flush();
            }
            buffer[used++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (used == buffer.length) {
                    flush();
                }
                int n = Math.min(len, buffer.length - used);
                System.arraycopy(b, off, buffer, used, n);
                used += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() {
            if (used == 0 || failed != null) {
                used = 0;
                return;
            }
            try {
                frame(out, 'O', java.util.Arrays.copyOf(buffer, used));
            } catch (IOException e) {
                failed = e;
            }
            used = 0;
        }
    }

    /** Empty when the peer runs as the owner of the socket or as root; else who it is, for the log. */
    private Optional<String> peerAllowed(SocketChannel ch) throws IOException {
        jdk.net.UnixDomainPrincipal peer = ch.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
        return allowed(peer.user(), owner) ? Optional.empty() : Optional.of(peer.user().getName());
    }

    /** Whether a peer running as {@code peer} may ask a serve whose socket {@code owner} owns: the same user, or root. */
    static boolean allowed(UserPrincipal peer, UserPrincipal owner) {
        return peer.equals(owner) || peer.getName().equals("root");
    }

    private static String readRequest(SocketChannel ch) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(512);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READ_TIMEOUT_MS);
        ch.configureBlocking(false);
        try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
            ch.register(selector, java.nio.channels.SelectionKey.OP_READ);
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new IOException("no request within " + READ_TIMEOUT_MS + " ms");
                }
                selector.select(left);
                selector.selectedKeys().clear();
                one.clear();
                int n = ch.read(one);
                if (n < 0) {
                    throw new IOException("closed before the end of the request");
                }
                for (int i = 0; i < n; i++) {
                    byte b = one.get(i);
                    if (b == '\n') {
                        return line.toString(StandardCharsets.UTF_8);
                    }
                    line.write(b);
                    if (line.size() > MAX_REQUEST) {
                        throw new IOException("request longer than " + MAX_REQUEST + " bytes");
                    }
                }
            }
        } finally {
            ch.configureBlocking(true);
        }
    }

    private static void reply(SocketChannel ch, byte[] bytes) throws IOException {
        OutputStream out = Channels.newOutputStream(ch);
        out.write(bytes);
        out.flush();
    }

    private static void refuse(SocketChannel ch, String why) {
        try (ch) {
            reply(ch, ("refused " + why + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // the client runs the command itself
        }
    }

    /** One request line: the client's settings fingerprint and its command words. */
    record Request(String fingerprint, List<String> args) {
        static Request parse(String line) {
            String[] parts = line.split(" ", 3);
            if (parts.length != 3 || !parts[0].equals(PROTOCOL) || !parts[1].matches("[0-9a-f]{32}") || parts[2].isEmpty()) {
                return null;
            }
            return new Request(parts[1], List.of(parts[2].split("\t", -1)));
        }

        String line() {
            return PROTOCOL + " " + fingerprint + " " + String.join("\t", args) + "\n";
        }
    }

    /**
     * The client side: asks the serve at {@code path} to run {@code args} and returns its answer; empty when it cannot
     * (no socket, refused, busy, a malformed or short answer): the caller then runs the command itself. Writes nothing.
     */
    static Optional<Answer> ask(Path path, String fingerprint, List<String> args) {
        if (!ALLOWED.contains(args) || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            reply(ch, new Request(fingerprint, args).line().getBytes(StandardCharsets.UTF_8));
            InputStream in = new java.io.BufferedInputStream(Channels.newInputStream(ch), 64 * 1024);
            if (!readHead(in).equals("ok")) {
                return Optional.empty();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            java.io.DataInputStream frames = new java.io.DataInputStream(in);
            while (true) {
                int kind = frames.read();
                int length = frames.readInt();
                if (kind == 'X') {
                    return Optional.of(new Answer(length, out.toByteArray(), err.toByteArray()));
                }
                if ((kind != 'O' && kind != 'E') || length < 0) {
                    return Optional.empty();
                }
                byte[] bytes = frames.readNBytes(length);
                if (bytes.length != length) {
                    return Optional.empty();
                }
                (kind == 'O' ? out : err).write(bytes);
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0 || b.length() > 100) {
                throw new IOException("no answer head");
            }
            b.append((char) c);
        }
        return b.toString();
    }

    /** What serve answered: the exit code and the bytes the command wrote to standard output and error. */
    record Answer(int code, byte[] out, byte[] err) {
    }

    /** Where this socket is. */
    Path path() {
        return path;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        // a command under way may be writing the ledger: let it finish rather than interrupt it there
        Stopping.gently(workers, java.time.Duration.ofSeconds(3), "admin socket commands");
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("admin socket: could not remove {}: {}", path, e.toString());
        }
    }
}
