package hotdesk.agi;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.policy.LoginLimits;
import hotdesk.core.policy.SeatingPolicy;
import hotdesk.core.policy.PjsipProfile;
import hotdesk.core.policy.Projections;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.port.Ledger;
import hotdesk.core.usecase.LogIn;
import hotdesk.core.usecase.LogOut;
import hotdesk.core.usecase.ManageDevices;
import hotdesk.core.usecase.ManageUsers;
import hotdesk.core.usecase.Reconcile;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.LogCapture;
import hotdesk.testing.MutableClock;
import hotdesk.testing.RecordingAsterisk;
import hotdesk.testing.ScriptedAsterisk;
import hotdesk.testing.ScriptedAsterisk.Transcript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What FastAGI does with peers that are not a well-behaved Asterisk: refused addresses, endless lines,
 * silence, trickling, and idle connections piling up. Real sockets on loopback; outcomes, never timings.
 */
class AgiPeerGuardsTest {

    private static final String DESK = "hd-0015651234ab";
    private static final String PIN = "3865";
    private static final Duration CEILING = Duration.ofSeconds(20);

    private final MutableClock clock = MutableClock.atNoon();
    private final SecureRandom random = new SecureRandom();
    private final SecretHasher hasher = new SecretHasher(1000, random);
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final AtomicInteger ledgerWork = new AtomicInteger();
    /** The ledger the use cases see: counts every transaction, so "no work done" can be checked. */
    private final Ledger counted = new Ledger() {
        @Override
        public <T> T transact(Work<T> work) {
            ledgerWork.incrementAndGet();
            return ledger.transact(work);
        }
    };

    private LogIn logIn;
    private LogOut logOut;
    private HotdeskAgiServer server;
    private LogCapture logs;
    private final List<Socket> clients = new ArrayList<>();

    @BeforeEach
    void setUp() {
        RecordingAsterisk asterisk = new RecordingAsterisk();
        Reconcile reconcile = new Reconcile(counted, asterisk, asterisk, asterisk,
                new Projections(PjsipProfile.defaults()), clock, "node-1", Duration.ofMinutes(1));
        logIn = new LogIn(counted, hasher, new SeatingPolicy(LoginLimits.defaults(), MultiLogin.SINGLE),
                reconcile, clock);
        logOut = new LogOut(counted, reconcile, clock);
        assertThat(new ManageUsers(ledger, hasher, random, "users", clock)
                .add(new ManageUsers.NewUser("101", "Alice", PIN, null, "", null, true), "test"))
                .isInstanceOf(ManageUsers.Done.class);
        assertThat(new ManageDevices(ledger, random, Set.of("yealink"), clock)
                .add(new ManageDevices.NewDevice("00:15:65:12:34:ab", "yealink", "T54W", null, "", "", 1), "test"))
                .isInstanceOf(ManageDevices.Done.class);
        logs = LogCapture.of(LogCapture.EVERYTHING);
    }

    @AfterEach
    void tearDown() throws IOException {
        for (Socket s : clients) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
        logs.close();
    }

    private HotdeskAgiServer start(AgiSettings settings) {
        server = new HotdeskAgiServer(settings, Prompts.defaults(), logIn, logOut, clock);
        server.start();
        return server;
    }

    /** Two workers at most, so that a handful of bad peers would be enough to starve real calls. */
    private static AgiSettings small(List<String> allowedPeers, Duration handshakeTimeout, Duration commandTimeout) {
        return new AgiSettings("127.0.0.1", 0, 1, 2, 3, Duration.ofSeconds(5), allowedPeers, handshakeTimeout,
                commandTimeout);
    }

    private static AgiSettings small() {
        return small(List.of("127.0.0.0/8", "::1/128"), Duration.ofSeconds(3), Duration.ofSeconds(10));
    }

    private Socket connect(String from) throws IOException {
        Socket s = new Socket();
        clients.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        s.setSoTimeout((int) CEILING.toMillis());
        return s;
    }

    private String environment(String script, String... args) {
        StringBuilder b = new StringBuilder();
        b.append("agi_network: yes\nagi_network_script: ").append(script).append('\n');
        b.append("agi_request: agi://127.0.0.1:").append(server.port()).append('/').append(script).append('\n');
        b.append("agi_channel: PJSIP/").append(DESK).append("-00000001\nagi_uniqueid: 1795345259.7\n");
        for (int i = 0; i < args.length; i++) {
            b.append("agi_arg_").append(i + 1).append(": ").append(args[i]).append('\n');
        }
        return b.append('\n').toString();
    }

    /** Reads what the server sends until it closes the connection; a reset counts as closed. */
    private static String readUntilClosed(Socket s) throws IOException {
        StringBuilder seen = new StringBuilder();
        InputStream in = s.getInputStream();
        try {
            int c;
            while ((c = in.read()) >= 0) {
                seen.append((char) c);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for " + CEILING + "; it sent: " + seen, e);
        } catch (IOException reset) {
            // closed with unread data pending: the peer sees a reset, which is a close too
        }
        return seen.toString();
    }

    /** Writes as much as the server takes; stops when it closes the connection. */
    private static long writeUntilRefused(Socket s, byte[] chunk, long atMost) {
        long written = 0;
        try {
            OutputStream out = s.getOutputStream();
            while (written < atMost) {
                out.write(chunk);
                written += chunk.length;
            }
            out.flush();
        } catch (IOException closed) {
            // the server closed the connection: what the test wants
        }
        return written;
    }

    private List<String> securityWarnings() {
        return logs.events("hotdesk.security").stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    private Optional<Occupancy> seatAtDesk() {
        return ledger.read(tx -> tx.occupancyOfLine(DESK));
    }

    private Transcript realLogin() {
        return ScriptedAsterisk.call("hotdesk-login").args("101").enters(PIN).run(server.port(), CEILING);
    }

    // --- agi.allowed-peers ------------------------------------------------------------------------

    @Test
    void a_peer_outside_allowed_peers_is_closed_before_any_command_or_ledger_work() throws IOException {
        start(small(List.of("127.0.0.1/32"), Duration.ofSeconds(3), Duration.ofSeconds(10)));
        int workBefore = ledgerWork.get();
        Socket stranger = connect("127.0.0.2");

        stranger.getOutputStream().write(environment("hotdesk-login", "101").getBytes(StandardCharsets.UTF_8));
        String sent = readUntilClosed(stranger);

        assertThat(sent).as("no AGI command goes to a refused peer").isEmpty();
        assertThat(ledgerWork.get()).isEqualTo(workBefore);
        await().atMost(CEILING).untilAsserted(() -> assertThat(securityWarnings())
                .anyMatch(m -> m.contains("127.0.0.2") && m.contains("agi.allowed-peers")));
        assertThat(realLogin().variable("HOTDESK_RESULT")).as("127.0.0.1 is still served").isEqualTo("OK");
    }

    @Test
    void a_flood_of_refused_connections_writes_a_bounded_number_of_warnings_then_a_count() throws IOException {
        start(small(List.of("127.0.0.1/32"), Duration.ofSeconds(3), Duration.ofSeconds(10)));
        int flood = 60;

        for (int i = 0; i < flood; i++) {
            try (Socket s = connect("127.0.0.2")) {
                readUntilClosed(s);
            }
        }
        await().atMost(CEILING).untilAsserted(() -> assertThat(securityWarnings()).hasSize(RefusalLog.PER_MINUTE));
        clock.advance(Duration.ofMinutes(1));
        readUntilClosed(connect("127.0.0.2"));

        await().atMost(CEILING).untilAsserted(() -> assertThat(securityWarnings()).hasSize(RefusalLog.PER_MINUTE + 2)
                .anyMatch(m -> m.contains((flood - RefusalLog.PER_MINUTE) + " more")));
    }

    // --- bounded lines ----------------------------------------------------------------------------

    @Test
    void an_environment_line_without_end_is_cut_off_at_the_line_limit() throws IOException {
        start(small());
        Socket s = connect("127.0.0.1");
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');

        long written = writeUntilRefused(s, chunk, 64L * 1024 * 1024);
        String sent = readUntilClosed(s);

        assertThat(sent).isEmpty();
        assertThat(written).as("the server stopped reading long before 64 MiB").isLessThan(64L * 1024 * 1024);
        await().atMost(CEILING).untilAsserted(() -> assertThat(securityWarnings())
                .anyMatch(m -> m.contains("127.0.0.1") && m.contains("longer than " + AgiLimits.MAX_LINE_BYTES)));
        assertThat(realLogin().variable("HOTDESK_RESULT")).isEqualTo("OK");
    }

    @Test
    void an_endless_environment_of_short_lines_is_cut_off() throws IOException {
        start(small());
        Socket s = connect("127.0.0.1");
        byte[] chunk = "agi_arg_1: 101\n".repeat(1000).getBytes(StandardCharsets.UTF_8);

        writeUntilRefused(s, chunk, 64L * 1024 * 1024);
        String sent = readUntilClosed(s);

        assertThat(sent).isEmpty();
        await().atMost(CEILING).untilAsserted(() -> assertThat(securityWarnings())
                .anyMatch(m -> m.contains("more than " + AgiLimits.MAX_ENVIRONMENT_LINES)));
    }

    @Test
    void a_reply_line_without_end_ends_the_call_without_a_login() throws IOException {
        start(small());
        Socket s = connect("127.0.0.1");
        s.getOutputStream().write(environment("hotdesk-login", "101").getBytes(StandardCharsets.UTF_8));
        byte[] first = new byte[6];
        assertThat(s.getInputStream().readNBytes(first, 0, 6)).isEqualTo(6);
        assertThat(new String(first, StandardCharsets.US_ASCII)).isEqualTo("ANSWER");
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) '2');

        long written = writeUntilRefused(s, chunk, 64L * 1024 * 1024);
        readUntilClosed(s);

        assertThat(written).isLessThan(64L * 1024 * 1024);
        await().atMost(CEILING).untilAsserted(() -> assertThat(securityWarnings())
                .anyMatch(m -> m.contains("longer than " + AgiLimits.MAX_LINE_BYTES)));
        assertThat(seatAtDesk()).isEmpty();
    }

    @Test
    void endless_reply_lines_to_one_command_end_the_call() throws IOException {
        start(small());
        Socket s = connect("127.0.0.1");
        s.getOutputStream().write(environment("hotdesk-login", "101").getBytes(StandardCharsets.UTF_8));
        byte[] first = new byte[7];
        assertThat(s.getInputStream().readNBytes(first, 0, 7)).isEqualTo(7);
        // asterisk-java reads past every bare HANGUP line for the real reply: a peer could keep it reading forever
        byte[] chunk = "HANGUP\n".repeat(1000).getBytes(StandardCharsets.UTF_8);

        long written = writeUntilRefused(s, chunk, 64L * 1024 * 1024);
        readUntilClosed(s);

        assertThat(written).isLessThan(64L * 1024 * 1024);
        await().atMost(CEILING).untilAsserted(() -> assertThat(securityWarnings())
                .anyMatch(m -> m.contains("more than " + AgiLimits.MAX_REPLY_LINES + " lines in answer to 'ANSWER'")));
        assertThat(seatAtDesk()).isEmpty();
    }

    // --- read timeouts ----------------------------------------------------------------------------

    @Test
    void a_silent_peer_is_dropped_after_the_handshake_timeout() throws IOException {
        start(small(List.of("127.0.0.0/8"), Duration.ofMillis(300), Duration.ofSeconds(10)));
        Socket silent = connect("127.0.0.1");

        assertThat(readUntilClosed(silent)).isEmpty();
        await().atMost(CEILING).untilAsserted(() -> assertThat(securityWarnings())
                .anyMatch(m -> m.contains("127.0.0.1") && m.contains("no AGI environment")));
    }

    @Test
    void a_peer_trickling_its_environment_is_dropped_when_the_handshake_time_is_up() throws Exception {
        start(small(List.of("127.0.0.0/8"), Duration.ofMillis(500), Duration.ofSeconds(10)));
        Socket trickler = connect("127.0.0.1");
        Thread drip = new Thread(() -> {
            try {
                OutputStream out = trickler.getOutputStream();
                for (int i = 0; i < 1000; i++) {
                    out.write('a');
                    out.flush();
                    Thread.sleep(50);
                }
            } catch (IOException | InterruptedException stopped) {
                // the server closed the connection, or the test ended
            }
        });
        drip.start();

        assertThat(readUntilClosed(trickler)).isEmpty();
        drip.interrupt();
        drip.join(CEILING.toMillis());
    }

    @Test
    void a_peer_that_stops_answering_commands_is_dropped_after_the_command_timeout() throws IOException {
        start(small(List.of("127.0.0.0/8"), Duration.ofSeconds(3), Duration.ofMillis(300)));
        Socket mute = connect("127.0.0.1");
        mute.getOutputStream().write(environment("hotdesk-login", "101").getBytes(StandardCharsets.UTF_8));

        String sent = readUntilClosed(mute);

        assertThat(sent).startsWith("ANSWER\n");
        assertThat(seatAtDesk()).isEmpty();
        assertThat(realLogin().variable("HOTDESK_RESULT")).isEqualTo("OK");
    }

    // --- idle connections -------------------------------------------------------------------------

    @Test
    void idle_connections_do_not_occupy_the_workers_real_calls_need() throws IOException {
        start(small());
        for (int i = 0; i < 20; i++) {
            connect("127.0.0.1");
        }

        Transcript first = realLogin();
        Transcript second = ScriptedAsterisk.call("hotdesk-logout").run(server.port(), CEILING);

        assertThat(first.variable("HOTDESK_RESULT")).isEqualTo("OK");
        assertThat(second.variable("HOTDESK_RESULT")).isEqualTo("LOGGED_OUT");
    }

    @Test
    void more_idle_connections_than_the_handshake_stage_holds_drop_the_oldest_not_real_calls() throws IOException {
        start(small());
        int idle = AgiLimits.MAX_HANDSHAKES + 20;
        for (int i = 0; i < idle; i++) {
            connect("127.0.0.1");
        }

        Transcript t = realLogin();

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK");
        assertThat(readUntilClosed(clients.get(0))).as("the oldest idle connection was dropped").isEmpty();
        await().atMost(CEILING).untilAsserted(() -> assertThat(securityWarnings())
                .anyMatch(m -> m.contains("waiting for their AGI environment")));
    }

    @Test
    void a_call_beyond_the_busy_workers_is_refused_with_a_security_warning() throws IOException {
        start(small(List.of("127.0.0.0/8"), Duration.ofSeconds(3), Duration.ofSeconds(30)));
        // two calls that reached a worker and then hang at ANSWER hold both workers
        for (int i = 0; i < 2; i++) {
            Socket s = connect("127.0.0.1");
            s.getOutputStream().write(environment("hotdesk-login", "101").getBytes(StandardCharsets.UTF_8));
            byte[] answer = new byte[7];
            assertThat(s.getInputStream().readNBytes(answer, 0, 7)).isEqualTo(7);
        }
        Socket third = connect("127.0.0.1");
        third.getOutputStream().write(environment("hotdesk-login", "101").getBytes(StandardCharsets.UTF_8));

        assertThat(readUntilClosed(third)).isEmpty();
        await().atMost(CEILING).untilAsserted(() -> assertThat(securityWarnings())
                .anyMatch(m -> m.contains("127.0.0.1") && m.contains("agi.max-pool-size")));
    }
}
