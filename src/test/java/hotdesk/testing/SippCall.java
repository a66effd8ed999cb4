package hotdesk.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One real SIP call from a desk into the kit's Asterisk, played by SIPp: INVITE (answering the digest
 * challenge with the desk's account), ACK, then the caller's steps (pauses, DTMF digits as SIP INFO
 * {@code application/dtmf-relay}, hanging up), then Asterisk's BYE. The scenario is written as SIPp XML
 * for each call; pauses give Asterisk time to start a prompt before digits arrive (digits sent while
 * no prompt listens are lost, as on a phone).
 */
public final class SippCall {

    private sealed interface Step permits Pause, Digits, HangUp {
    }

    private record Pause(Duration length) implements Step {
    }

    private record Digits(String digits) implements Step {
    }

    private record HangUp() implements Step {
    }

    private final String endpoint;
    private final String password;
    private final String dialled;
    private final List<Step> steps = new ArrayList<>();

    private SippCall(String endpoint, String password, String dialled) {
        this.endpoint = endpoint;
        this.password = password;
        this.dialled = dialled;
    }

    /** A call from {@code endpoint} (its SIP account) dialling {@code dialled} ({@code #} allowed). */
    public static SippCall from(String endpoint, String password, String dialled) {
        return new SippCall(endpoint, password, dialled);
    }

    public SippCall pause(Duration length) {
        steps.add(new Pause(length));
        return this;
    }

    /** Sends each digit as one SIP INFO, 250 ms apart (back-to-back INFOs lose digits). */
    public SippCall digits(String digits) {
        steps.add(new Digits(digits));
        return this;
    }

    /** The caller hangs up (BYE) instead of waiting for Asterisk to end the call. */
    public SippCall hangUp() {
        steps.add(new HangUp());
        return this;
    }

    /** Plays the call against {@code asterisk}; returns SIPp's exit code (0: every step as scripted) and output. */
    public RealAsterisk.Result run(RealAsterisk asterisk, Path workDir) {
        try {
            Files.createDirectories(workDir);
            Path scenario = Files.createTempFile(workDir, "call-", ".xml");
            Files.writeString(scenario, scenario());
            int sipPort = RealAsterisk.freeUdpPort();
            int mediaPort = 10_000 + (sipPort % 4_000) * 2; // below the kit's RTP range, even
            return asterisk.sipp(workDir, List.of("127.0.0.1:" + asterisk.sipPort(), "-sf", scenario.toString(),
                    "-s", uriUser(dialled), "-i", "127.0.0.1", "-p", Integer.toString(sipPort), "-mi", "127.0.0.1",
                    "-mp", Integer.toString(mediaPort), "-m", "1", "-timeout", "90", "-timeout_error", "-nostdin",
                    "-trace_err", "-error_file", workDir.resolve("sipp-errors.log").toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String uriUser(String dialled) {
        return dialled.replace("#", "%23");
    }

    String scenario() {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"hotdesk call\">\n");
        String from = "From: <sip:" + endpoint + "@[remote_ip]:[remote_port]>;tag=[pid]SIPpTag[call_number]";
        String to = "To: <sip:[service]@[remote_ip]:[remote_port]>";
        String invite = """
                  INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
                  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                  %s
                  %s
                  Call-ID: [call_id]
                  CSeq: %d INVITE
                  Contact: <sip:%s@[local_ip]:[local_port]>
                  Max-Forwards: 70
                  User-Agent: hotdesk-test-sipp
                  %sContent-Type: application/sdp
                  Content-Length: [len]

                  v=0
                  o=desk 1 1 IN IP4 [local_ip]
                  s=-
                  c=IN IP4 [media_ip]
                  t=0 0
                  m=audio [media_port] RTP/AVP 0 101
                  a=rtpmap:0 PCMU/8000
                  a=rtpmap:101 telephone-event/8000
                  a=sendrecv
                """;
        x.append("  <send retrans=\"500\"><![CDATA[\n").append(invite.formatted(from, to, 1, endpoint, ""))
                .append("  ]]></send>\n");
        x.append("  <recv response=\"100\" optional=\"true\"/>\n");
        x.append("  <recv response=\"401\" auth=\"true\"/>\n");
        x.append("  <send><![CDATA[\n")
                .append("  ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0\n")
                .append("  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n")
                .append("  ").append(from).append("\n  [last_To:]\n  Call-ID: [call_id]\n  CSeq: 1 ACK\n")
                .append("  Max-Forwards: 70\n  Content-Length: 0\n\n  ]]></send>\n");
        x.append("  <send retrans=\"500\"><![CDATA[\n").append(invite.formatted(from, to, 2, endpoint,
                "[authentication username=" + endpoint + " password=" + password + "]\n                  "))
                .append("  ]]></send>\n");
        x.append("  <recv response=\"100\" optional=\"true\"/>\n");
        x.append("  <recv response=\"180\" optional=\"true\"/>\n");
        x.append("  <recv response=\"183\" optional=\"true\"/>\n");
        x.append("  <recv response=\"200\" rrs=\"true\"/>\n");
        x.append("  <send><![CDATA[\n")
                .append("  ACK [next_url] SIP/2.0\n")
                .append("  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n")
                .append("  [routes]\n  ").append(from).append("\n  [last_To:]\n  Call-ID: [call_id]\n  CSeq: 2 ACK\n")
                .append("  Max-Forwards: 70\n  Content-Length: 0\n\n  ]]></send>\n");
        int cseq = 3;
        boolean hungUp = false;
        for (Step s : steps) {
            if (s instanceof Pause p) {
                x.append("  <pause milliseconds=\"").append(p.length().toMillis()).append("\"/>\n");
            } else if (s instanceof Digits d) {
                for (char c : d.digits().toCharArray()) {
                    x.append(inDialog("INFO", cseq++, from, "Content-Type: application/dtmf-relay\n",
                            "Signal=" + c + "\nDuration=160\n"));
                    x.append("  <recv response=\"200\"/>\n");
                    x.append("  <pause milliseconds=\"250\"/>\n");
                }
            } else {
                x.append(inDialog("BYE", cseq++, from, "", ""));
                x.append("  <recv response=\"200\" crlf=\"true\"/>\n");
                hungUp = true;
                break;
            }
        }
        if (!hungUp) {
            x.append("  <recv request=\"BYE\"/>\n");
            x.append("  <send><![CDATA[\n  SIP/2.0 200 OK\n  [last_Via:]\n  [last_From:]\n  [last_To:]\n  [last_Call-ID:]\n")
                    .append("  [last_CSeq:]\n  Content-Length: 0\n\n  ]]></send>\n");
        }
        return x.append("</scenario>\n").toString();
    }

    private static String inDialog(String method, int cseq, String from, String headers, String body) {
        return "  <send retrans=\"500\"><![CDATA[\n"
                + "  " + method + " [next_url] SIP/2.0\n"
                + "  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
                + "  [routes]\n  " + from + "\n  [peer_tag_param]\n".replace("\n  [peer_tag_param]\n", "\n")
                + "  To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]\n"
                + "  Call-ID: [call_id]\n  CSeq: " + cseq + " " + method + "\n  Max-Forwards: 70\n"
                + (headers.isEmpty() ? "" : "  " + headers)
                + "  Content-Length: [len]\n\n"
                + (body.isEmpty() ? "" : body.lines().map(l -> "  " + l + "\n").reduce("", String::concat))
                + "  ]]></send>\n";
    }
}
