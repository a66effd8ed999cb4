package hotdesk.agi;

import org.asteriskjava.util.SocketConnectionFacade;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * One FastAGI connection from Asterisk, line by line (Asterisk ends lines with {@code \n}). Reads time
 * out after the configured idle time, which asterisk-java then treats as a hang-up. Registered while
 * open so that shutdown can close connections whose scripts overstay.
 */
final class AgiConnection implements SocketConnectionFacade {

    private final Socket socket;
    private final Set<AgiConnection> open;
    private final BufferedReader reader;
    private final BufferedWriter writer;

    AgiConnection(Socket socket, int readTimeoutMillis, Set<AgiConnection> open) throws IOException {
        this.socket = socket;
        this.open = open;
        socket.setSoTimeout(readTimeoutMillis);
        socket.setTcpNoDelay(true);
        this.reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.writer = new BufferedWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8));
        open.add(this);
    }

    @Override
    public String readLine() throws IOException {
        return reader.readLine();
    }

    @Override
    public void write(String s) throws IOException {
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
        return socket.getInetAddress();
    }

    @Override
    public int getRemotePort() {
        return socket.getPort();
    }
}
