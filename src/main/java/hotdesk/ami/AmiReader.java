package hotdesk.ami;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads AMI lines and messages from a socket stream.
 *
 * <p>Tolerates what Asterisk really sends: a line may end with a bare LF (Asterisk 22 answers an
 * unknown PJSIPNotify option with {@code Message: Unable to find notify type 'x'} + LF + CRLF + CRLF,
 * i.e. a stray empty line after the message), so LF ends a line and a preceding CR is dropped, and
 * empty lines between messages are skipped.
 *
 * <p>A {@link SocketTimeoutException} (the socket's read timeout, used as the keep-alive tick) may
 * interrupt a line or a message at any byte: everything read so far is kept and the next call
 * continues where the last one stopped. Lines longer than {@link #MAX_LINE} bytes are a protocol
 * error. Not thread-safe: one reader thread.
 */
final class AmiReader {

    static final int MAX_LINE = 65_536;

    private final InputStream in;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int len;
    private byte[] line = new byte[256];
    private int lineLen;
    private final List<String> pendingLines = new ArrayList<>();

    AmiReader(InputStream in) {
        this.in = in;
    }

    /** The next line without its terminator; null at end of stream (a partial last line is dropped). */
    String readLine() throws IOException {
        while (true) {
            if (pos == len) {
                int n = in.read(buf, 0, buf.length); // may throw SocketTimeoutException: state stays consistent
                if (n < 0) {
                    return null;
                }
                pos = 0;
                len = n;
            }
            while (pos < len) {
                byte c = buf[pos++];
                if (c == '\n') {
                    int end = lineLen > 0 && line[lineLen - 1] == '\r' ? lineLen - 1 : lineLen;
                    String s = new String(line, 0, end, StandardCharsets.UTF_8);
                    lineLen = 0;
                    return s;
                }
                if (lineLen == MAX_LINE) {
                    throw new IOException("AMI line longer than " + MAX_LINE + " bytes");
                }
                if (lineLen == line.length) {
                    line = Arrays.copyOf(line, Math.min(MAX_LINE, line.length * 2));
                }
                line[lineLen++] = c;
            }
        }
    }

    /** The next message; null at end of stream. Empty lines before a message are skipped. */
    AmiMessage readMessage() throws IOException {
        while (true) {
            String l = readLine();
            if (l == null) {
                pendingLines.clear();
                return null;
            }
            if (l.isEmpty()) {
                if (!pendingLines.isEmpty()) {
                    AmiMessage m = AmiMessage.of(pendingLines);
                    pendingLines.clear();
                    return m;
                }
                continue;
            }
            if (pendingLines.size() == 10_000) {
                throw new IOException("AMI message with more than 10000 lines");
            }
            pendingLines.add(l);
        }
    }
}
