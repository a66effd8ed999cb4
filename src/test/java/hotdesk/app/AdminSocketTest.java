package hotdesk.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin socket on a real embedded ledger, over real Unix sockets: serve's side, the client's, and both together. */
class AdminSocketTest {

    @TempDir
    Path dir;
    final Map<String, String> env = new HashMap<>();
    Services services;
    AdminSocket socket;
    final AtomicInteger served = new AtomicInteger();

    @BeforeEach
    void ledger() {
        env.put("HOTDESK_DB_PATH", dir.resolve("data").toString());
        for (String[] command : List.of(
                new String[]{"user", "add", "101", "--name", "Alice Example", "--pin", "4711"},
                new String[]{"user", "add", "102", "--name", "Bob", "--pin", "8812"},
                new String[]{"device", "add", "00:15:65:12:34:ab", "--model", "T54W", "--label", "Desk 1"},
                new String[]{"device", "add", "00:15:65:12:34:ac", "--model", "T54W", "--label", "Desk 2"})) {
            StringWriter err = new StringWriter();
            assertThat(Main.run(command, env, new PrintWriter(new StringWriter()), new PrintWriter(err)))
                    .as(String.join(" ", command) + ": " + err).isZero();
        }
    }

    @AfterEach
    void close() {
        if (socket != null) {
            socket.close();
        }
        if (services != null) {
            services.close();
        }
    }

    /** A serve's side on the ledger: its own services, the socket where {@code admin.socket=auto} puts it. */
    private AdminSocket serve() throws IOException {
        Config c = Config.load(null, env, Map.of());
        services = new Services(() -> c);
        services.ledger();
        AdminSocket.Runner runner = Main.inServe(services);
        socket = AdminSocket.open(AdminSocket.where(c).orElseThrow(), AdminSocket.fingerprint(c), (args, out, err) -> {
            served.incrementAndGet();
            return runner.run(args, out, err);
        });
        return socket;
    }

    private CliRun inProcess(String... command) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(command, env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    @Test
    void every_listing_serve_answers_is_byte_for_byte_what_the_command_prints_on_its_own() throws Exception {
        serve();
        assertThat(socket.path()).isEqualTo(dir.resolve("data").resolve("hotdesk.sock"));

        for (List<String> request : AdminSocket.ALLOWED) {
            CliRun own = inProcess(request.toArray(String[]::new));
            AdminSocket.Answer answer = Main.askServe(request.toArray(String[]::new), env).orElseThrow();

            assertThat(new String(answer.out(), StandardCharsets.UTF_8)).as(String.join(" ", request)).isEqualTo(own.out());
            assertThat(new String(answer.err(), StandardCharsets.UTF_8)).isEqualTo(own.err());
            assertThat(answer.code()).isEqualTo(own.code());
        }
        assertThat(served).hasValue(AdminSocket.ALLOWED.size());
        assertThat(inProcess("status").out()).contains("hd-0015651234ab").contains("Desk 2");
        assertThat(inProcess("user", "list").out()).contains("Alice Example");
    }

    @Test
    void serve_keeps_one_command_model_and_no_option_of_one_request_carries_over_to_the_next() throws Exception {
        serve();

        List<List<String>> requests = List.of(List.of("status", "--json"), List.of("status"), List.of("device", "list", "--json"),
                List.of("device", "list"), List.of("user", "list", "--json"), List.of("user", "list"), List.of("status", "--json"),
                List.of("status"));
        for (List<String> request : requests) {
            CliRun own = inProcess(request.toArray(String[]::new));
            AdminSocket.Answer answer = Main.askServe(request.toArray(String[]::new), env).orElseThrow();

            assertThat(new String(answer.out(), StandardCharsets.UTF_8)).as(String.join(" ", request)).isEqualTo(own.out());
            assertThat(answer.code()).isEqualTo(own.code());
        }
        assertThat(served).hasValue(requests.size());
    }

    @Test
    void a_request_that_fails_in_the_kept_command_model_leaves_the_next_one_answered_as_on_its_own() throws Exception {
        serve();
        AdminSocket.Runner runner = Main.inServe(services);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        // an option no listing has (the socket would not pass it; the runner must survive it all the same)
        int failed = runner.run(new String[]{"status", "--no-such-option"}, new PrintWriter(out, true), new PrintWriter(err, true));

        assertThat(failed).isNotZero();
        assertThat(err.toString()).contains("--no-such-option");
        for (List<String> request : List.of(List.of("status", "--json"), List.of("status"), List.of("user", "list"))) {
            StringWriter o = new StringWriter();
            StringWriter e = new StringWriter();
            int code = runner.run(request.toArray(String[]::new), new PrintWriter(o, true), new PrintWriter(e, true));
            CliRun own = inProcess(request.toArray(String[]::new));
            assertThat(o.toString()).as(String.join(" ", request)).isEqualTo(own.out());
            assertThat(e.toString()).isEqualTo(own.err());
            assertThat(code).isEqualTo(own.code());
        }
    }

    @Test
    void the_hotdesk_command_run_as_a_process_gets_its_answer_from_serve() throws Exception {
        serve();
        String own = inProcess("device", "list").out();

        List<String> command = new ArrayList<>(CliRun.javaCommand());
        command.addAll(List.of("device", "list"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).isZero();
        assertThat(out).isEqualTo(own);
        assertThat(served).as("answered by serve, not by opening the ledger").hasValue(1);
    }

    @Test
    void a_command_with_other_settings_or_options_or_of_another_kind_is_not_answered_and_runs_itself() throws Exception {
        serve();

        Map<String, String> otherNode = new HashMap<>(env);
        otherNode.put("HOTDESK_NODE_NAME", "elsewhere");
        assertThat(Main.askServe(new String[]{"status"}, otherNode)).isEmpty();
        assertThat(Main.askServe(new String[]{"status", "--verbose"}, env)).isEmpty();
        assertThat(Main.askServe(new String[]{"--config", dir.resolve("none.properties").toString(), "status"}, env))
                .as("a file that cannot be read").isEmpty();
        assertThat(Main.askServe(new String[]{"--set", "node.name=x", "status"}, env)).isEmpty();
        assertThat(Main.askServe(new String[]{"status", "--config", dir.resolve("none.properties").toString()}, env)).isEmpty();
        assertThat(Main.askServe(new String[]{"user", "remove", "101"}, env)).isEmpty();
        assertThat(served).hasValue(0);

        // serve refuses what a client should not have asked
        Config c = Config.load(null, env, Map.of());
        assertThat(raw(socket.path(), AdminSocket.PROTOCOL + " " + AdminSocket.fingerprint(c) + " user\tremove\t101\n"))
                .isEqualTo("refused not-answered-here\n");
        assertThat(raw(socket.path(), AdminSocket.PROTOCOL + " " + "0".repeat(32) + " status\n")).isEqualTo("refused other-settings\n");
        assertThat(raw(socket.path(), "GET / HTTP/1.0\n")).isEqualTo("refused malformed\n");
        assertThat(raw(socket.path(), "x".repeat(AdminSocket.MAX_REQUEST + 10))).isEmpty(); // closed without an answer
        assertThat(served).hasValue(0);
        // and still answers afterwards
        assertThat(Main.askServe(new String[]{"status"}, env)).isPresent();
    }

    @Test
    void a_config_file_with_the_same_settings_as_serve_is_answered_in_both_spellings() throws Exception {
        serve();
        Path file = dir.resolve("same.properties");
        Files.writeString(file, "node.name=\n");

        assertThat(Main.askServe(new String[]{"--config", file.toString(), "user", "list"}, env)).isPresent();
        assertThat(Main.askServe(new String[]{"--config=" + file, "status", "--json"}, env)).isPresent();
        Files.writeString(file, "node.name=another\n");
        assertThat(Main.askServe(new String[]{"--config", file.toString(), "user", "list"}, env)).isEmpty();
        assertThat(served).hasValue(2);
    }

    @Test
    void without_serve_or_with_the_socket_off_the_command_runs_itself() throws Exception {
        assertThat(Main.askServe(new String[]{"status"}, env)).isEmpty();

        serve();
        Map<String, String> off = new HashMap<>(env);
        off.put("HOTDESK_ADMIN_SOCKET", "off");
        assertThat(Main.askServe(new String[]{"status"}, off)).isEmpty();
        Config pg = Config.load(null, Map.of("HOTDESK_DB_URL", "jdbc:postgresql://127.0.0.1/test"), Map.of());
        assertThat(AdminSocket.where(pg)).as("no socket beside a PostgreSQL ledger unless named").isEmpty();
        assertThatThrownBy(() -> AdminSocket.where(Config.load(null, Map.of("HOTDESK_ADMIN_SOCKET", " "), Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("admin.socket");
    }

    @Test
    void the_socket_is_readable_by_its_user_only_and_gone_after_close() throws Exception {
        serve();
        Path path = socket.path();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-------");
        socket.close();
        socket = null;
        assertThat(path).doesNotExist();
    }

    @Test
    void a_stale_socket_is_replaced_and_a_live_one_refuses_a_second_serve() throws Exception {
        Path path = dir.resolve("data").resolve("hotdesk.sock");
        Files.createDirectories(path.getParent());
        // a serve killed with -9 leaves its socket file behind
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(path));
        dead.close();
        assertThat(path).exists();

        serve();
        assertThat(Main.askServe(new String[]{"status"}, env)).isPresent();

        assertThatThrownBy(() -> AdminSocket.open(path, "f".repeat(32), (a, o, e) -> 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("another process answers on " + path);
        assertThat(Main.askServe(new String[]{"status"}, env)).as("the first one still answers").isPresent();
    }

    @Test
    void an_answer_cut_short_gives_the_client_nothing_so_it_runs_the_command_itself() throws Exception {
        Path path = Files.createDirectories(dir.resolve("cut")).resolve("hotdesk.sock");
        String fingerprint = "a".repeat(32);
        try (AdminSocket cut = AdminSocket.open(path, fingerprint, (args, out, err) -> {
            out.println("half of the table");
            out.flush();
            throw new IllegalStateException("serve stopped mid-answer");
        })) {
            assertThat(AdminSocket.ask(path, fingerprint, List.of("status"))).isEmpty();
        }
        // a long answer arrives whole, in many frames
        String big = "x".repeat(200_000) + "\n";
        try (AdminSocket whole = AdminSocket.open(path, fingerprint, (args, out, err) -> {
            out.print(big);
            err.print("a warning\n");
            return 3;
        })) {
            AdminSocket.Answer answer = AdminSocket.ask(path, fingerprint, List.of("user", "list")).orElseThrow();
            assertThat(new String(answer.out(), StandardCharsets.UTF_8)).isEqualTo(big);
            assertThat(new String(answer.err(), StandardCharsets.UTF_8)).isEqualTo("a warning\n");
            assertThat(answer.code()).isEqualTo(3);
        }
    }

    @Test
    void a_directory_others_may_write_to_is_refused() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> AdminSocket.open(open.resolve("hotdesk.sock"), "f".repeat(32), (a, o, e) -> 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("writable by others");
        assertThatThrownBy(() -> AdminSocket.open(dir.resolve("missing").resolve("hotdesk.sock"), "f".repeat(32), (a, o, e) -> 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not exist");
    }

    @Test
    void only_the_same_user_or_root_is_answered() throws Exception {
        var lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        UserPrincipal root = lookup.lookupPrincipalByName("root");
        UserPrincipal nobody = lookup.lookupPrincipalByName("nobody");
        UserPrincipal daemon = lookup.lookupPrincipalByName("daemon");

        assertThat(AdminSocket.allowed(nobody, nobody)).isTrue();
        assertThat(AdminSocket.allowed(root, nobody)).isTrue();
        assertThat(AdminSocket.allowed(daemon, nobody)).isFalse();
        assertThat(AdminSocket.allowed(nobody, daemon)).isFalse();
    }

    @Test
    void settings_that_differ_in_a_secret_only_share_the_fingerprint_and_any_other_value_changes_it() {
        Config a = Config.load(null, Map.of("HOTDESK_ARI_PASSWORD", "one"), Map.of());
        Config b = Config.load(null, Map.of("HOTDESK_ARI_PASSWORD", "two"), Map.of());
        Config c = Config.load(null, Map.of("HOTDESK_PROVISIONING_MAX_PROVISIONS", "20"), Map.of());

        assertThat(AdminSocket.fingerprint(a)).isEqualTo(AdminSocket.fingerprint(b)).hasSize(32);
        assertThat(AdminSocket.fingerprint(c)).isNotEqualTo(AdminSocket.fingerprint(a));
    }

    /** Sends {@code request} as it is and returns what comes back before the socket closes. */
    private static String raw(Path path, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            OutputStream out = Channels.newOutputStream(ch);
            try {
                out.write(request.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException closedEarly) {
                // serve stopped reading an oversized request
            }
            InputStream in = Channels.newInputStream(ch);
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException reset) {
                return "";
            }
        }
    }
}
