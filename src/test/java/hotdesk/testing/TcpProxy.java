package hotdesk.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on a loopback port in front of another loopback port, for tests that take a peer away:
 * {@link #cut()} closes the listening socket (new connections are refused) and every connection through it
 * (both sides see the connection drop); {@link #restore()} listens on the same port again. Byte for byte,
 * no buffering beyond one read; two threads per connection (daemon).
 */
public final class TcpProxy implements AutoCloseable {

    private final int port;
    private final int target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private ServerSocket listener;

    private TcpProxy(int port, int target) {
        this.port = port;
        this.target = target;
    }

    /** A proxy on a free loopback port to 127.0.0.1:{@code target}, listening. */
    public static TcpProxy to(int target) {
        try {
            TcpProxy p = new TcpProxy(RealAsterisk.freeTcpPort(), target);
            p.restore();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** Refuses new connections and drops the existing ones, until {@link #restore()}. */
    public synchronized void cut() {
        if (listener != null) {
            quietly(listener);
            listener = null;
        }
        for (Socket s : open) {
            quietly(s);
        }
        open.clear();
    }

    /** Listens on the same port again. */
    public synchronized void restore() {
        if (listener != null) {
            return;
        }
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            listener = s;
            daemon("proxy-accept-" + port, () -> accept(s));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + port + " again", e);
        }
    }

    @Override
    public void close() {
        cut();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return; // cut
            }
            Socket server = new Socket();
            try {
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 2000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
            } catch (IOException e) {
                quietly(client);
                quietly(server);
                continue;
            }
            synchronized (this) {
                if (listener != s) {
                    quietly(client);
                    quietly(server);
                    return;
                }
                open.add(client);
                open.add(server);
            }
            daemon("proxy-up-" + port, () -> pump(client, server));
            daemon("proxy-down-" + port, () -> pump(server, client));
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // dropped: close both
        } finally {
            quietly(from);
            quietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void quietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing is all we wanted
        }
    }
}
