package hotdesk.provisioning;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Closes a connection that does not deliver a complete request head in time: within {@code timeout}
 * of opening, and within {@code timeout} of each later check once its last request was answered, so
 * a kept-alive connection that sends nothing more lives at most twice the timeout. While a request is
 * being answered the connection is left alone.
 *
 * <p>Jetty's idle timeout cannot do this on its own: every byte restarts it, so a client trickling
 * one header byte every few seconds would hold its connection forever (slowloris). Jetty 12 has no
 * bound on the time to read the request headers, hence this listener on the connector; it counts
 * requests through {@link Connection#getMessagesIn()}, which Jetty's HTTP/1 connection advances
 * when a request's headers are complete.
 *
 * <p>One scheduled check per open connection, cancelled when it closes. Thread-safe.
 */
final class RequestDeadline implements Connection.Listener {

    private final Scheduler scheduler;
    private final long timeoutMillis;
    private final Consumer<String> onTimeout;
    private final Map<Connection, Watch> watches = new ConcurrentHashMap<>();

    /**
     * @param onTimeout told the remote address of each connection closed by this deadline, before it is closed
     */
    RequestDeadline(Scheduler scheduler, Duration timeout, Consumer<String> onTimeout) {
        this.scheduler = scheduler;
        this.timeoutMillis = timeout.toMillis();
        this.onTimeout = onTimeout;
    }

    @Override
    public void onOpened(Connection connection) {
        Watch w = new Watch(connection);
        watches.put(connection, w);
        w.arm();
    }

    @Override
    public void onClosed(Connection connection) {
        Watch w = watches.remove(connection);
        if (w != null) {
            w.cancel();
        }
    }

    /** Open connections being watched (for tests). */
    int watched() {
        return watches.size();
    }

    private final class Watch implements Runnable {
        private final Connection connection;
        private long requestsSeen;
        private volatile Scheduler.Task task;

        Watch(Connection connection) {
            this.connection = connection;
        }

        void arm() {
            task = scheduler.schedule(this, timeoutMillis, TimeUnit.MILLISECONDS);
        }

        void cancel() {
            Scheduler.Task t = task;
            if (t != null) {
                t.cancel();
            }
        }

        @Override
        public void run() {
            if (!watches.containsKey(connection)) {
                return;
            }
            long in = connection.getMessagesIn();
            boolean headArrived = in > requestsSeen;
            boolean answering = connection.getMessagesOut() < in;
            if (headArrived || answering) {
                requestsSeen = in;
                arm();
                return;
            }
            onTimeout.accept(address(connection.getEndPoint().getRemoteSocketAddress()));
            connection.getEndPoint().close();
        }
    }

    private static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(a);
    }
}
