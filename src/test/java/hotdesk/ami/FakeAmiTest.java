package hotdesk.ami;

import hotdesk.testing.FakeAmi;
import hotdesk.testing.FakeAmi.Notify;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The fake itself, over raw sockets with no hotdesk code involved, checked against the bytes a
 * real Asterisk 22.10.1 sent in the recorded AMI transcripts (ami-01, ami-02, ami-03, ami-05, the
 * restart run of validation exp6) and against Asterisk's manager rules.
 */
class FakeAmiTest {

    private static final String SECRET = "amisecret";

    private final FakeAmi ami = new FakeAmi("hotdesk", SECRET).start();

    @AfterEach
    void stop() {
        ami.close();
    }

    // ---- the recorded sessions

    @Test
    void ami_03_notify_by_option_is_answered_byte_for_byte_as_recorded() throws Exception {
        String sent = crlf("""
                Action: Login
                Username: hotdesk
                Secret: amisecret
                Events: off
                ActionID: l

                Action: PJSIPNotify
                Endpoint: hd-0015651234ab
                Option: check-sync
                ActionID: notify-opt

                Action: PJSIPNotify
                Endpoint: hd-0015651234ab
                Option: check-sync-reboot
                ActionID: notify-opt-reboot

                Action: Logoff

                """);
        // ami-03-notify-option.txt.raw, all 291 bytes
        String recorded = "Asterisk Call Manager/11.0.0\r\n"
                + "Response: Success\r\nActionID: l\r\nMessage: Authentication accepted\r\n\r\n"
                + "Response: Success\r\nActionID: notify-opt\r\nMessage: NOTIFY sent\r\n\r\n"
                + "Response: Success\r\nActionID: notify-opt-reboot\r\nMessage: NOTIFY sent\r\n\r\n"
                + "Response: Goodbye\r\nMessage: Thanks for all the fish.\r\n\r\n";

        String answered = exchangeUntilClosed(sent);

        assertThat(recorded).hasSize(291);
        assertThat(answered).isEqualTo(recorded);
        assertThat(ami.notifies()).containsExactly(new Notify("hd-0015651234ab", "check-sync"),
                new Notify("hd-0015651234ab", "check-sync;reboot=true"));
    }

    @Test
    void ami_05_notify_of_a_pushed_endpoint_without_action_ids_on_login_and_logoff() throws Exception {
        String sent = crlf("""
                Action: Login
                Username: hotdesk
                Secret: amisecret
                Events: off

                Action: PJSIPNotify
                Endpoint: hd-00156599aaaa
                Variable: Event=check-sync
                ActionID: n1

                Action: Logoff

                """);
        // ami-05: received 30, 55, 57 and 56 bytes
        String recorded = "Asterisk Call Manager/11.0.0\r\n"
                + "Response: Success\r\nMessage: Authentication accepted\r\n\r\n"
                + "Response: Success\r\nActionID: n1\r\nMessage: NOTIFY sent\r\n\r\n"
                + "Response: Goodbye\r\nMessage: Thanks for all the fish.\r\n\r\n";

        assertThat(exchangeUntilClosed(sent)).isEqualTo(recorded);
        assertThat(recorded.length()).isEqualTo(30 + 55 + 57 + 56);
        assertThat(ami.notifies()).containsExactly(new Notify("hd-00156599aaaa", "check-sync"));
    }

    @Test
    void ami_01_default_events_bring_fully_booted_and_successful_auth_and_notify_errors_are_verbatim() throws Exception {
        ami.knownEndpoints("hd-0015651234ab"::equals);
        String sent = crlf("""
                Action: Login
                Username: hotdesk
                Secret: amisecret
                ActionID: login-1

                Action: PJSIPNotify
                Endpoint: hd-0015651234ab
                Variable: Event=check-sync
                ActionID: notify-1

                Action: PJSIPNotify
                Endpoint: nosuch
                Variable: Event=check-sync
                ActionID: notify-2

                Action: PJSIPNotify
                Endpoint: hd-0015651234ab
                Option: no-such-option
                ActionID: notify-3

                Action: Logoff
                ActionID: bye

                """);
        // the tail of ami-01-basic.txt.raw, from notify-1 on, including Asterisk's stray LF after notify-3's message
        String recordedTail = "Response: Success\r\nActionID: notify-1\r\nMessage: NOTIFY sent\r\n\r\n"
                + "Response: Error\r\nActionID: notify-2\r\nMessage: Unable to retrieve endpoint nosuch\r\n\r\n"
                + "Response: Error\r\nActionID: notify-3\r\nMessage: Unable to find notify type 'no-such-option'\n\r\n\r\n"
                + "Response: Goodbye\r\nActionID: bye\r\nMessage: Thanks for all the fish.\r\n\r\n";

        String answered = exchangeUntilClosed(sent);

        String head = "Asterisk Call Manager/11.0.0\r\n"
                + "Response: Success\r\nActionID: login-1\r\nMessage: Authentication accepted\r\n\r\n"
                + "Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 5\r\nLastReload: 5\r\nStatus: Fully Booted\r\n\r\n"
                + "Event: SuccessfulAuth\r\nPrivilege: security,all\r\n";
        assertThat(answered.replaceAll("(Uptime|LastReload): \\d+", "$1: 5")).startsWith(head).endsWith(recordedTail);
        String successfulAuth = answered.substring(answered.indexOf("Event: SuccessfulAuth"), answered.indexOf(recordedTail));
        assertThat(names(successfulAuth)).isEqualTo("Event Privilege EventTV Severity Service EventVersion AccountID SessionID"
                + " LocalAddress RemoteAddress UsingPassword SessionTV");
        assertThat(ami.notifies()).containsExactly(new Notify("hd-0015651234ab", "check-sync"));
    }

    @Test
    void ami_02_system_events_bring_fully_booted_only_and_uri_notifies_are_accepted() throws Exception {
        String sent = crlf("""
                Action: Login
                Username: hotdesk
                Secret: amisecret
                Events: system,call,reporting
                ActionID: login-1

                Action: PJSIPNotify
                Endpoint: hd-0015651234ab
                Variable: Event=check-sync
                ActionID: notify-var

                Action: PJSIPNotify
                Endpoint: hd-0015651234ab
                Option: check-sync
                ActionID: notify-opt

                Action: PJSIPNotify
                URI: sip:hd-0015651234ab@127.0.0.1:5070
                Variable: Event=check-sync
                ActionID: notify-uri

                Action: Logoff

                """);
        String recorded = "Asterisk Call Manager/11.0.0\r\n"
                + "Response: Success\r\nActionID: login-1\r\nMessage: Authentication accepted\r\n\r\n"
                + "Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 126\r\nLastReload: 77\r\nStatus: Fully Booted\r\n\r\n"
                + "Response: Success\r\nActionID: notify-var\r\nMessage: NOTIFY sent\r\n\r\n"
                + "Response: Success\r\nActionID: notify-opt\r\nMessage: NOTIFY sent\r\n\r\n"
                + "Response: Success\r\nActionID: notify-uri\r\nMessage: NOTIFY sent\r\n\r\n"
                + "Response: Goodbye\r\nMessage: Thanks for all the fish.\r\n\r\n";

        String answered = exchangeUntilClosed(sent);

        assertThat(answered.replaceAll("(Uptime|LastReload): \\d+", "$1: 0"))
                .isEqualTo(recorded.replaceAll("(Uptime|LastReload): \\d+", "$1: 0"));
        assertThat(ami.notifies()).containsExactly(new Notify("hd-0015651234ab", "check-sync"),
                new Notify("hd-0015651234ab", "check-sync"), new Notify("sip:hd-0015651234ab@127.0.0.1:5070", "check-sync"));
    }

    // ---- login

    @Test
    void challenge_and_md5_key_log_in_without_the_secret_on_the_wire() throws Exception {
        try (Raw c = new Raw(ami.port())) {
            c.send("Action: Challenge\r\nAuthType: MD5\r\nActionID: c1\r\n\r\n");
            String challenge = c.readMessage();
            Matcher m = Pattern.compile("\\AResponse: Success\r\nActionID: c1\r\nChallenge: (\\d+)\r\n\r\n\\z").matcher(challenge);
            assertThat(m.matches()).as(challenge).isTrue();

            c.send("Action: Login\r\nActionID: l1\r\nUsername: hotdesk\r\nAuthType: MD5\r\nKey: " + md5(m.group(1) + SECRET)
                    + "\r\nEvents: system\r\n\r\n");

            assertThat(c.readMessage()).isEqualTo("Response: Success\r\nActionID: l1\r\nMessage: Authentication accepted\r\n\r\n");
            assertThat(c.readMessage()).startsWith("Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: ");
        }
        assertThat(ami.logins()).isEqualTo(1);
        assertThat(ami.received()).doesNotContain(SECRET);
    }

    @Test
    void a_wrong_md5_key_or_secret_or_user_is_refused_after_the_delay_and_the_connection_closed() throws Exception {
        ami.loginFailureDelay(Duration.ZERO);
        String[] logins = {
            "Action: Challenge\r\nAuthType: MD5\r\n\r\nAction: Login\r\nActionID: x\r\nUsername: hotdesk\r\nAuthType: MD5\r\n"
                    + "Key: 00000000000000000000000000000000\r\n\r\n",
            "Action: Login\r\nActionID: x\r\nUsername: hotdesk\r\nSecret: wrong\r\n\r\n",
            "Action: Login\r\nActionID: x\r\nUsername: nobody\r\nSecret: amisecret\r\n\r\n",
            "Action: Login\r\nActionID: x\r\nUsername: hotdesk\r\nAuthType: MD5\r\nKey: abc\r\n\r\n", // no challenge asked
        };
        for (String login : logins) {
            String answered = exchangeUntilClosed(login);
            assertThat(answered).endsWith("Response: Error\r\nActionID: x\r\nMessage: Authentication failed\r\n\r\n");
        }
        assertThat(ami.logins()).isZero();
    }

    @Test
    void a_refused_login_waits_like_asterisk_before_answering() throws Exception {
        // Asterisk sleeps 1 s before "Authentication failed"; the default delay must keep the answer back
        try (Raw c = new Raw(ami.port())) {
            c.socket.setSoTimeout(300);
            c.send("Action: Login\r\nUsername: hotdesk\r\nSecret: wrong\r\n\r\n");
            assertThatThrownBy(c::readMessage).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void before_login_only_login_challenge_and_logoff_are_allowed() throws Exception {
        try (Raw c = new Raw(ami.port())) {
            c.send("Action: PJSIPNotify\r\nActionID: a\r\nEndpoint: x\r\nVariable: Event=check-sync\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Error\r\nActionID: a\r\nMessage: Permission denied\r\n\r\n");
            c.send("Action: Challenge\r\nAuthType: plain\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Error\r\nMessage: Must specify AuthType\r\n\r\n");
        }
        assertThat(ami.notifies()).isEmpty();
    }

    @Test
    void a_second_login_is_already_authenticated() throws Exception {
        try (Raw c = loggedIn("off")) {
            c.send("Action: Login\r\nUsername: hotdesk\r\nSecret: amisecret\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Success\r\nMessage: Already authenticated\r\n\r\n");
        }
    }

    // ---- other actions

    @Test
    void ping_pong_unknown_actions_and_a_message_without_action() throws Exception {
        try (Raw c = loggedIn("off")) {
            c.send("Action: Ping\r\nActionID: p\r\n\r\n");
            assertThat(c.readMessage()).matches("Response: Success\r\nActionID: p\r\nPing: Pong\r\nTimestamp: \\d+\\.\\d{6}\r\n\r\n");
            c.send("Action: CoreStatus\r\nActionID: cs\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Error\r\nActionID: cs\r\nMessage: Invalid/unknown command: CoreStatus."
                    + " Use Action: ListCommands to show available commands.\r\n\r\n");
            c.send("\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Error\r\nMessage: Missing action in request\r\n\r\n");
        }
        assertThat(ami.actions()).containsExactly("Login", "Ping", "CoreStatus", "");
    }

    @Test
    void pjsip_notify_argument_errors_are_asterisks() throws Exception {
        try (Raw c = loggedIn("off")) {
            c.send("Action: PJSIPNotify\r\nVariable: Event=check-sync\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo(
                    "Response: Error\r\nMessage: PJSIPNotify requires either an endpoint name or a SIP URI.\r\n\r\n");
            c.send("Action: PJSIPNotify\r\nEndpoint: a\r\nURI: sip:a@b\r\nVariable: Event=check-sync\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Error\r\nMessage: PJSIPNotify action can not handle a request"
                    + " specifying both 'URI' and 'Endpoint'. You must use only one of the two.\n\r\n\r\n");
            c.send("Action: PJSIPNotify\r\nEndpoint: PJSIP/hd-1\r\nVariable: X=1,Event=check-sync;reboot=false\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Success\r\nMessage: NOTIFY sent\r\n\r\n");
        }
        assertThat(ami.notifies()).containsExactly(new Notify("hd-1", "check-sync;reboot=false"));
    }

    @Test
    void astdb_put_get_del_and_del_tree_on_present_and_absent_keys_answer_byte_for_byte_like_asterisk_22() throws Exception {
        // every answer below is what Asterisk 22.10.1 sent for the same request (2026-12-01)
        try (Raw c = loggedIn("off")) {
            c.send("Action: DBDel\r\nActionID: d1\r\nFamily: hotdesk\r\nKey: nope\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Error\r\nActionID: d1\r\nMessage: Database entry could not be deleted"
                    + "\r\n\r\n");
            c.send("Action: DBDelTree\r\nActionID: d2\r\nFamily: nofam\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Error\r\nActionID: d2\r\nMessage: Database entry not found\r\n\r\n");
            c.send("Action: DBGet\r\nActionID: d3\r\nFamily: hotdesk\r\nKey: nope\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Error\r\nActionID: d3\r\nMessage: Database entry not found\r\n\r\n");
            c.send("Action: DBPut\r\nActionID: d4\r\nFamily: hotdesk\r\nKey: k1\r\nVal: v1\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Success\r\nActionID: d4\r\nMessage: Updated database successfully"
                    + "\r\n\r\n");
            c.send("Action: DBGet\r\nActionID: d5\r\nFamily: hotdesk\r\nKey: k1\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Success\r\nActionID: d5\r\nEventList: start\r\nMessage: Result will"
                    + " follow\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Event: DBGetResponse\r\nFamily: hotdesk\r\nKey: k1\r\nVal: v1\r\nActionID: d5"
                    + "\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Event: DBGetComplete\r\nActionID: d5\r\nEventList: Complete\r\nListItems: 1"
                    + "\r\n\r\n");
            c.send("Action: DBDel\r\nActionID: d6\r\nFamily: hotdesk\r\nKey: k1\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Success\r\nActionID: d6\r\nMessage: Key deleted successfully\r\n\r\n");
            c.send("Action: DBPut\r\nActionID: d7\r\nFamily: fam2\r\nKey: a/b\r\nVal: 1\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Success\r\nActionID: d7\r\nMessage: Updated database successfully"
                    + "\r\n\r\n");
            c.send("Action: DBPut\r\nActionID: d8\r\nFamily: fam2\r\nKey: c\r\nVal: 2\r\n\r\n");
            c.readMessage();
            c.send("Action: DBDelTree\r\nActionID: d9\r\nFamily: fam2\r\nKey: a\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Success\r\nActionID: d9\r\nMessage: Key tree deleted successfully"
                    + "\r\n\r\n");
            assertThat(ami.astdb()).containsOnlyKeys("/fam2/c");
            c.send("Action: DBDelTree\r\nActionID: d10\r\nFamily: fam2\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Success\r\nActionID: d10\r\nMessage: Key tree deleted successfully"
                    + "\r\n\r\n");
            c.send("Action: DBDelTree\r\nActionID: d11\r\nFamily: fam2\r\nKey: zz\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Error\r\nActionID: d11\r\nMessage: Database entry not found\r\n\r\n");
            c.send("Action: DBPut\r\nActionID: d12\r\nFamily: hotdesk\r\nKey: k2\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Success\r\nActionID: d12\r\nMessage: Updated database successfully"
                    + "\r\n\r\n");
            c.send("Action: DBGet\r\nActionID: d13\r\nFamily: hotdesk\r\nKey: k2\r\n\r\n");
            c.readMessage();
            assertThat(c.readMessage()).isEqualTo("Event: DBGetResponse\r\nFamily: hotdesk\r\nKey: k2\r\nVal: \r\nActionID: d13"
                    + "\r\n\r\n");
            c.readMessage();
            c.send("Action: DBDel\r\nActionID: d14\r\nFamily: hotdesk\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Error\r\nActionID: d14\r\nMessage: No key specified.\r\n\r\n");
            c.send("Action: DBDelTree\r\nActionID: d15\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Error\r\nActionID: d15\r\nMessage: No family specified.\r\n\r\n");
            c.send("Action: DBPut\r\nFamily: hotdesk\r\nVal: 1\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Error\r\nMessage: No key specified\r\n\r\n");
            c.send("Action: DBDel\r\nKey: k\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Error\r\nMessage: No family specified.\r\n\r\n");
        }
        assertThat(ami.astdb()).containsOnlyKeys("/hotdesk/k2");
    }

    @Test
    void module_check_answers_like_asterisk_22_with_or_without_so_and_without_case() throws Exception {
        ami.unloadModules("app_exec");
        // every answer below is what Asterisk 22.10.1 sent for the same request (2026-12-01), app_exec
        // there loaded and res_ari_events not (noload)
        try (Raw c = loggedIn("off")) {
            c.send("Action: ModuleCheck\r\nActionID: m1\r\nModule: func_db\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Success\r\nActionID: m1\r\nVersion: \r\n\r\n");
            c.send("Action: ModuleCheck\r\nActionID: m2\r\nModule: func_db.so\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Success\r\nActionID: m2\r\nVersion: \r\n\r\n");
            c.send("Action: ModuleCheck\r\nActionID: m3\r\nModule: FUNC_DB\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Success\r\nActionID: m3\r\nVersion: \r\n\r\n");
            c.send("Action: ModuleCheck\r\nActionID: n1\r\nModule: app_exec\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Error\r\nActionID: n1\r\nMessage: Module not loaded\r\n\r\n");
            c.send("Action: ModuleCheck\r\nActionID: n2\r\nModule: func_db \r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Error\r\nActionID: n2\r\nMessage: Module not loaded\r\n\r\n");
            c.send("Action: ModuleCheck\r\nActionID: n3\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Error\r\nActionID: n3\r\nMessage: Module not loaded\r\n\r\n");
            ami.loadModules("app_exec");
            c.send("Action: ModuleCheck\r\nActionID: m4\r\nModule: app_exec.so\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Success\r\nActionID: m4\r\nVersion: \r\n\r\n");
        }
    }

    @Test
    void fail_next_answers_one_error_for_that_action_only() throws Exception {
        ami.failNext("dbput", "Failed to update entry");
        try (Raw c = loggedIn("off")) {
            c.send("Action: DBPut\r\nActionID: 1\r\nFamily: f\r\nKey: k\r\nVal: v\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Error\r\nActionID: 1\r\nMessage: Failed to update entry\r\n\r\n");
            c.send("Action: DBPut\r\nActionID: 2\r\nFamily: f\r\nKey: k\r\nVal: v\r\n\r\n");
            assertThat(c.readMessage()).isEqualTo("Response: Success\r\nActionID: 2\r\nMessage: Updated database successfully\r\n\r\n");
        }
        assertThat(ami.astdb()).containsExactly(java.util.Map.entry("/f/k", "v"));
    }

    // ---- faults

    @Test
    void restart_sends_shutdown_closes_refuses_then_boots_again_on_the_same_port_with_astdb_kept() throws Exception {
        ami.putDb("hotdesk", "desk/hd-1/occupant", "101");
        int port = ami.port();
        try (Raw c = loggedIn("system")) {
            c.readMessage(); // FullyBooted of the first boot

            ami.restart(Duration.ofSeconds(30));

            assertThat(c.readMessage()).isEqualTo("Event: Shutdown\r\nPrivilege: system,all\r\nShutdown: Cleanly\r\nRestart: False\r\n\r\n");
            assertThat(c.readToEnd()).isEmpty();
        }
        assertThatThrownBy(() -> new Raw(port)).isInstanceOf(ConnectException.class);

        ami.up();

        assertThat(ami.port()).isEqualTo(port);
        try (Raw c = loggedIn("system")) {
            assertThat(c.readMessage()).isEqualTo("Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 0\r\nLastReload: 0\r\n"
                    + "Status: Fully Booted\r\n\r\n");
            c.send("Action: DBGet\r\nFamily: hotdesk\r\nKey: desk/hd-1/occupant\r\n\r\n");
            c.readMessage();
            assertThat(c.readMessage()).contains("Val: 101\r\n");
        }
    }

    @Test
    void restart_comes_back_by_itself_after_the_gap() throws Exception {
        ami.restart(Duration.ofMillis(200));

        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Raw c = new Raw(ami.port())) {
                return true;
            }
        });
        assertThat(ami.connections()).isPositive();
    }

    @Test
    void down_cuts_connections_without_shutdown_and_refuses_until_up() throws Exception {
        try (Raw c = loggedIn("system")) {
            c.readMessage();

            ami.down();

            assertThat(c.readToEnd()).isEmpty();
        }
        assertThatThrownBy(() -> new Raw(ami.port())).isInstanceOf(ConnectException.class);
        ami.up();
        try (Raw c = new Raw(ami.port())) {
            assertThat(c.socket.isConnected()).isTrue();
        }
    }

    @Test
    void mute_stops_answers_on_open_connections_only() throws Exception {
        try (Raw c = loggedIn("off")) {
            ami.mute();
            c.socket.setSoTimeout(300);
            c.send("Action: Ping\r\n\r\n");
            assertThatThrownBy(c::readMessage).isInstanceOf(SocketTimeoutException.class);
        }
        try (Raw c = loggedIn("off")) {
            c.send("Action: Ping\r\n\r\n");
            assertThat(c.readMessage()).contains("Ping: Pong");
        }
    }

    // ---- helpers

    private Raw loggedIn(String events) throws IOException {
        Raw c = new Raw(ami.port());
        c.send("Action: Login\r\nUsername: hotdesk\r\nSecret: " + SECRET + "\r\nEvents: " + events + "\r\n\r\n");
        assertThat(c.readMessage()).isEqualTo("Response: Success\r\nMessage: Authentication accepted\r\n\r\n");
        return c;
    }

    /** Connects, sends everything at once and returns all bytes Asterisk sent until it closed. */
    private String exchangeUntilClosed(String sent) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ami.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(sent.getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String crlf(String lines) {
        return lines.replace("\n", "\r\n");
    }

    private static String names(String message) {
        StringBuilder b = new StringBuilder();
        for (String line : message.split("\r\n")) {
            if (!line.isEmpty()) {
                b.append(b.length() == 0 ? "" : " ").append(line, 0, line.indexOf(':'));
            }
        }
        return b.toString();
    }

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** A raw client: reads the banner on connect, then whole messages (up to CRLF CRLF). */
    private static final class Raw implements AutoCloseable {

        final Socket socket;
        private final InputStream in;

        Raw(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            assertThat(readUntil("\r\n")).isEqualTo(FakeAmi.BANNER);
        }

        void send(String text) throws IOException {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        }

        String readMessage() throws IOException {
            return readUntil("\r\n\r\n");
        }

        String readToEnd() throws IOException {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        private String readUntil(String end) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (!b.toString(StandardCharsets.UTF_8).endsWith(end)) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("closed after '" + b.toString(StandardCharsets.UTF_8) + "'");
                }
                b.write(c);
            }
            return b.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
