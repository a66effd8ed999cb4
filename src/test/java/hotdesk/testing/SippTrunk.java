package hotdesk.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SIPp from the Asterisk kit acting as an emergency trunk: a UAS on 127.0.0.1 that answers every INVITE
 * with 200 OK (and SDP), takes the ACK and waits for the BYE. It runs in the background for a whole test
 * class; every message it receives is written to its message file, so a test reads the INVITEs
 * Asterisk sent (caller ID, Geolocation header, PIDF-LO body) exactly as they were on the wire.
 */
public final class SippTrunk implements AutoCloseable {

    private static final String SCENARIO = """
            <?xml version="1.0" encoding="ISO-8859-1" ?>
            <scenario name="emergency trunk">
              <recv request="INVITE"/>
              <send><![CDATA[
              SIP/2.0 100 Trying
              [last_Via:]
              [last_From:]
              [last_To:]
              [last_Call-ID:]
              [last_CSeq:]
              Content-Length: 0

              ]]></send>
              <send retrans="500"><![CDATA[
              SIP/2.0 200 OK
              [last_Via:]
              [last_From:]
              [last_To:];tag=[pid]SIPpTrunk[call_number]
              [last_Call-ID:]
              [last_CSeq:]
              Contact: <sip:trunk@[local_ip]:[local_port]>
              Content-Type: application/sdp
              Content-Length: [len]

              v=0
              o=trunk 1 1 IN IP4 [local_ip]
              s=-
              c=IN IP4 [media_ip]
              t=0 0
              m=audio [media_port] RTP/AVP 0
              a=rtpmap:0 PCMU/8000
              a=sendrecv
              ]]></send>
              <recv request="ACK"/>
              <recv request="BYE"/>
              <send><![CDATA[
              SIP/2.0 200 OK
              [last_Via:]
              [last_From:]
              [last_To:]
              [last_Call-ID:]
              [last_CSeq:]
              Content-Length: 0

              ]]></send>
            </scenario>
            """;

    private final Process process;
    private final Path messages;
    private final int port;

    private SippTrunk(Process process, Path messages, int port) {
        this.process = process;
        this.messages = messages;
        this.port = port;
    }

    /** Starts the trunk in {@code workDir} on a free UDP port of 127.0.0.1, with the kit's {@code run-asterisk sipp}. */
    public static SippTrunk start(Path kitScript, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path scenario = workDir.resolve("trunk.xml");
        Files.writeString(scenario, SCENARIO);
        Path messages = workDir.resolve("trunk-messages.log");
        int port = RealAsterisk.freeUdpPort();
        int media = 14_000 + (port % 2_000) * 2; // below the kit's RTP range, even
        List<String> cmd = new ArrayList<>(List.of(kitScript.toString(), "sipp", "-sf", scenario.toString(), "-i", "127.0.0.1",
                "-p", Integer.toString(port), "-mi", "127.0.0.1", "-mp", Integer.toString(media), "-m", "100", "-nostdin",
                "-timeout", "600", "-trace_msg", "-message_file", messages.toString()));
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("trunk-sipp.out").toFile()).start();
        return new SippTrunk(p, messages, port);
    }

    /** The UDP port the trunk listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** Every INVITE received so far, each as SIPp logged it (request line, headers, body). */
    public List<String> invites() {
        String text;
        try {
            text = Files.exists(messages) ? Files.readString(messages, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // SIPp logs each message after a line "----------------------------------------------- <time>" and
        // a line "UDP message received [n] bytes :"
        List<String> invites = new ArrayList<>();
        for (String block : text.split("-{20,}[^\n]*\n")) {
            String b = block.replace("\r", "");
            int at = b.indexOf("message received");
            if (at < 0) {
                continue;
            }
            String msg = b.substring(b.indexOf('\n', at) + 1).strip();
            if (msg.startsWith("INVITE ")) {
                invites.add(msg);
            }
        }
        return invites;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
