package hotdesk.ami;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AmiReaderTest {

    @Test
    void asterisks_stray_lf_after_an_error_message_neither_breaks_this_message_nor_the_next() throws IOException {
        // as recorded in ami-01 for an unknown notify type
        AmiReader r = reader("Response: Error\r\nActionID: notify-3\r\nMessage: Unable to find notify type 'x'\n\r\n\r\n"
                + "Response: Goodbye\r\nActionID: bye\r\nMessage: Thanks for all the fish.\r\n\r\n");

        AmiMessage first = r.readMessage();
        AmiMessage second = r.readMessage();

        assertThat(first.isError()).isTrue();
        assertThat(first.get("ActionID")).isEqualTo("notify-3");
        assertThat(first.get("Message")).isEqualTo("Unable to find notify type 'x'");
        assertThat(second.get("Response")).isEqualTo("Goodbye");
        assertThat(second.get("ActionID")).isEqualTo("bye");
        assertThat(r.readMessage()).isNull();
    }

    @Test
    void the_banner_is_a_line_of_its_own_and_messages_follow() throws IOException {
        AmiReader r = reader("Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nMessage: Authentication accepted\r\n\r\n"
                + "Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 0\r\n\r\n");

        assertThat(r.readLine()).isEqualTo("Asterisk Call Manager/11.0.0");
        assertThat(r.readMessage().isSuccess()).isTrue();
        AmiMessage event = r.readMessage();
        assertThat(event.isEvent()).isTrue();
        assertThat(event.get("event")).isEqualTo("FullyBooted");
        assertThat(event.get("Uptime")).isEqualTo("0");
    }

    @Test
    void header_names_match_case_insensitively_the_first_repeat_wins_and_leading_blanks_are_skipped() throws IOException {
        AmiMessage m = reader("Response: Success\r\nOutput:   one\r\noutput: two\r\nEmpty:\r\n\r\n").readMessage();

        assertThat(m.get("OUTPUT")).isEqualTo("one");
        assertThat(m.get("Empty")).isEmpty();
        assertThat(m.get("Missing")).isNull();
        assertThat(m.getOrEmpty("Missing")).isEmpty();
    }

    @Test
    void a_read_timeout_in_the_middle_of_a_line_loses_nothing() throws IOException {
        AmiReader r = new AmiReader(new Chunks("Response: Succ", null, "ess\r\nActionID: p", null, "1\r\n", null, "\r\n"));

        int timeouts = 0;
        AmiMessage m = null;
        while (m == null) {
            try {
                m = r.readMessage();
            } catch (SocketTimeoutException e) {
                timeouts++;
            }
        }

        assertThat(timeouts).isEqualTo(3);
        assertThat(m.isSuccess()).isTrue();
        assertThat(m.get("ActionID")).isEqualTo("p1");
    }

    @Test
    void end_of_stream_in_a_message_is_end_of_stream() throws IOException {
        assertThat(reader("Response: Success\r\nActionID: 1\r\n").readMessage()).isNull();
        assertThat(reader("").readLine()).isNull();
    }

    @Test
    void an_endless_line_is_a_protocol_error() {
        AmiReader r = reader("x".repeat(AmiReader.MAX_LINE + 1));

        assertThatThrownBy(r::readLine).isInstanceOf(IOException.class).hasMessageContaining("longer than");
    }

    @Test
    void utf8_values_are_decoded() throws IOException {
        assertThat(reader("Event: X\r\nName: Jürgen\r\n\r\n").readMessage().get("Name")).isEqualTo("Jürgen");
    }

    @Test
    void encode_writes_action_id_and_headers_in_order_with_crlf() {
        byte[] bytes = AmiMessage.encode("PJSIPNotify", "hotdesk-7", "Endpoint", "hd-1", "Variable", "Event=check-sync;reboot=false");

        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("Action: PJSIPNotify\r\nActionID: hotdesk-7\r\n"
                + "Endpoint: hd-1\r\nVariable: Event=check-sync;reboot=false\r\n\r\n");
    }

    @Test
    void encode_refuses_values_that_would_end_the_header_or_the_action() {
        for (String bad : new String[] {"101\r\nAction: Originate", "101\n", "101\r", "a\u0000b", null}) {
            assertThatThrownBy(() -> AmiMessage.encode("DBPut", "1", "Val", bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Val");
        }
        assertThatThrownBy(() -> AmiMessage.encode("DBPut", "1", "Bad Name", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AmiMessage.encode("DBPut", "1", "Odd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void to_string_shows_only_what_the_message_is() throws IOException {
        AmiMessage m = reader("Event: AuthDetail\r\nActionID: ep-1\r\nPassword: hdsecret\r\n\r\n").readMessage();

        assertThat(m.toString()).isEqualTo("AmiMessage[Event=AuthDetail, ActionID=ep-1]").doesNotContain("hdsecret");
    }

    private static AmiReader reader(String text) {
        return new AmiReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Delivers the given chunks one read at a time; a null chunk is a read timeout. */
    private static final class Chunks extends InputStream {

        private final Deque<Object> chunks = new ArrayDeque<>();

        Chunks(String... parts) {
            for (String p : parts) {
                chunks.add(p == null ? (Object) Boolean.FALSE : p.getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Object next = chunks.poll();
            if (next == null) {
                return -1;
            }
            if (next instanceof Boolean) {
                throw new SocketTimeoutException("Read timed out");
            }
            byte[] bytes = (byte[]) next;
            System.arraycopy(bytes, 0, b, off, bytes.length);
            return bytes.length;
        }
    }
}
