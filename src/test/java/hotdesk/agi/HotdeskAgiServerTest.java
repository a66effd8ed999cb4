package hotdesk.agi;

import hotdesk.testing.LogCapture;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.Target;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.policy.LoginLimits;
import hotdesk.core.policy.SeatingPolicy;
import hotdesk.core.policy.PjsipProfile;
import hotdesk.core.policy.Projections;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerException;
import hotdesk.core.usecase.IssueOtp;
import hotdesk.core.usecase.LogIn;
import hotdesk.core.usecase.LoginGate;
import hotdesk.core.usecase.LogOut;
import hotdesk.core.usecase.ManageDevices;
import hotdesk.core.usecase.ManageUsers;
import hotdesk.core.usecase.Reconcile;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.RecordingAsterisk;
import hotdesk.testing.ScriptedAsterisk;
import hotdesk.testing.ScriptedAsterisk.Transcript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The FastAGI server and its scripts over real sockets, against a scripted Asterisk 22 and the real
 * LogIn/LogOut/Reconcile on an in-memory ledger.
 */
class HotdeskAgiServerTest {

    private static final String DESK = "hd-0015651234ab";
    private static final String PIN = "3865";
    private static final String WRONG_PIN = "1397";
    private static final Extension ALICE = new Extension("101");

    private final Clock clock = Clock.fixed(Instant.parse("2026-03-02T09:00:00Z"), ZoneOffset.UTC);
    private final SecureRandom random = new SecureRandom();
    private final SecretHasher hasher = new SecretHasher(1000, random);
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final RecordingAsterisk asterisk = new RecordingAsterisk();
    private final AtomicBoolean databaseDown = new AtomicBoolean();
    /** The ledger the use cases see: the in-memory one, unless a test takes the database down. */
    private final Ledger ledgerSeen = new Ledger() {
        @Override
        public <T> T transact(Work<T> work) {
            if (databaseDown.get()) {
                throw new LedgerException("ledger unreachable (test)", null);
            }
            return ledger.transact(work);
        }
    };

    private LogIn logIn;
    private LogOut logOut;
    private HotdeskAgiServer server;
    private LogCapture logs;

    @BeforeEach
    void setUp() {
        Reconcile reconcile = new Reconcile(ledgerSeen, asterisk, asterisk, asterisk,
                new Projections(PjsipProfile.defaults()), clock, "node-1", Duration.ofMinutes(1));
        logIn = new LogIn(ledgerSeen, hasher, new SeatingPolicy(LoginLimits.defaults(), MultiLogin.SINGLE),
                reconcile, clock);
        logOut = new LogOut(ledgerSeen, reconcile, clock);
        ManageUsers users = new ManageUsers(ledger, hasher, random, "users", clock);
        assertThat(users.add(new ManageUsers.NewUser("101", "Alice", PIN, null, "", null, true), "test"))
                .isInstanceOf(ManageUsers.Done.class);
        assertThat(users.add(new ManageUsers.NewUser("102", "Bob", PIN, null, "", null, false), "test"))
                .isInstanceOf(ManageUsers.Done.class);
        assertThat(new ManageDevices(ledger, random, Set.of("yealink"), clock)
                .add(new ManageDevices.NewDevice("00:15:65:12:34:ab", "yealink", "T54W", null, "", "", 1), "test"))
                .isInstanceOf(ManageDevices.Done.class);
        logs = LogCapture.of(LogCapture.EVERYTHING);
        server = start(Prompts.defaults());
    }

    @AfterEach
    void tearDown() {
        server.close();
        logs.close();
    }

    private HotdeskAgiServer start(Prompts prompts) {
        HotdeskAgiServer s = new HotdeskAgiServer(new AgiSettings("127.0.0.1", 0, 2, 8, 3, Duration.ofSeconds(5)),
                prompts, logIn, logOut);
        s.start();
        return s;
    }

    /** The default prompts but {@code key}, which plays {@code sound}. */
    private static Prompts withPrompt(String key, String sound) {
        assertThat(Prompts.KEYS).extracting(Prompts.Key::name).contains(key);
        return Prompts.from(k -> k.equals(key) ? sound
                : Prompts.KEYS.stream().filter(d -> d.name().equals(k)).findFirst().orElseThrow().defaultSound());
    }

    private Optional<Occupancy> seatAtDesk() {
        return ledger.read(tx -> tx.occupancyOfLine(DESK));
    }

    private int failures(String key) {
        return ledger.read(tx -> tx.failuresSince(key, Instant.EPOCH));
    }

    private static ScriptedAsterisk login(String... args) {
        return ScriptedAsterisk.call("hotdesk-login").args(args);
    }

    // --- PIN login ------------------------------------------------------------------------------

    @Test
    void pin_login_right_first_time_seats_the_user_and_reports_OK() {
        Transcript t = login("101").enters(PIN + "#").run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK");
        assertThat(t.variable("HOTDESK_USER")).isEqualTo("101");
        assertThat(t.commands()).contains("ANSWER", "GET FULL VARIABLE \"${CHANNEL(endpoint)}\"",
                "GET DATA \"agent-pass\" 5000 8");
        assertThat(t.prompted()).containsExactly("agent-pass");
        assertThat(t.played()).containsExactly("activated");
        assertThat(seatAtDesk()).map(Occupancy::extension).contains(ALICE);
        assertThat(asterisk.endpoint(DESK)).containsEntry("accountcode", "101");
        assertThat(t.variable("AJ_AGISTATUS")).isEqualTo("SUCCESS");
        assertThat(t.closedByServer()).isTrue();
    }

    @Test
    void the_result_is_set_before_the_last_prompt_plays() {
        Transcript t = login("101").enters(PIN).run(server.port());

        int setResult = t.commands().indexOf("SET VARIABLE \"HOTDESK_RESULT\" \"OK\"");
        int playOk = t.commands().indexOf("STREAM FILE \"activated\" \"\"");
        assertThat(setResult).isNotNegative().isLessThan(playOk);
    }

    @Test
    void three_wrong_pins_give_BAD_PIN_and_every_failure_is_recorded() {
        Transcript t = login("101").enters(WRONG_PIN).enters(WRONG_PIN).enters(WRONG_PIN).run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("BAD_PIN");
        assertThat(t.variables()).doesNotContainKey("HOTDESK_USER");
        assertThat(t.prompted()).containsExactly("agent-pass", "agent-pass", "agent-pass");
        assertThat(t.played()).containsExactly("vm-incorrect", "vm-incorrect", "vm-incorrect");
        assertThat(failures(LogIn.userKey(ALICE))).isEqualTo(3);
        assertThat(failures(LogIn.deskKey(DESK))).isEqualTo(3);
        assertThat(seatAtDesk()).isEmpty();
    }

    @Test
    void failed_logins_go_to_the_security_log_with_the_remote_address_and_never_the_pin() {
        login("101").remoteAddress("198.51.100.23:5062").enters(WRONG_PIN).enters(WRONG_PIN).enters(WRONG_PIN)
                .run(server.port());

        List<ILoggingEvent> security = logs.events("hotdesk.security");
        assertThat(security).hasSize(3);
        assertThat(security).allSatisfy(e -> assertThat(e.getFormattedMessage())
                .startsWith("login failed from 198.51.100.23 reason=BAD_PIN via=pin ext=101 desk=" + DESK));
        assertThat(logs.everything()).doesNotContain(WRONG_PIN);
    }

    @Test
    void a_wrong_then_right_pin_logs_in_and_the_failure_stays_counted() {
        Transcript t = login("101").enters(WRONG_PIN).enters(PIN).run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK");
        assertThat(t.played()).containsExactly("vm-incorrect", "activated");
        assertThat(seatAtDesk()).map(Occupancy::extension).contains(ALICE);
        assertThat(failures(LogIn.userKey(ALICE))).isEqualTo(1);
    }

    @Test
    void an_unknown_extension_answers_BAD_PIN_like_a_wrong_pin() {
        Transcript t = login("999").enters(PIN).enters(PIN).enters(PIN).run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("BAD_PIN");
        assertThat(t.played()).containsExactly("vm-incorrect", "vm-incorrect", "vm-incorrect");
        assertThat(failures(LogIn.deskKey(DESK))).isEqualTo(3);
    }

    @Test
    void the_extension_may_end_with_the_star_the_dialplan_leaves() {
        Transcript t = login("101*").enters(PIN).run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK");
        assertThat(t.variable("HOTDESK_USER")).isEqualTo("101");
    }

    @Test
    void without_an_extension_argument_the_caller_is_asked_for_it() {
        Transcript t = login().enters("101#").enters(PIN).run(server.port());

        assertThat(t.commands()).contains("GET DATA \"extension\" 5000 10");
        assertThat(t.prompted()).containsExactly("extension", "agent-pass");
        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK");
    }

    @Test
    void a_malformed_extension_is_a_bad_credential_not_an_error() {
        Transcript t = login("1a1;x").enters(PIN).enters(PIN).enters(PIN).run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("BAD_PIN");
        assertThat(logs.atLeast(Level.ERROR)).isEmpty();
        assertThat(logs.events("hotdesk.security")).first()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("ext=1a1?x "));
    }

    @Test
    void silence_at_the_pin_prompt_is_NO_INPUT_and_no_failure() {
        Transcript t = login("101").staysSilent().run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("NO_INPUT");
        assertThat(t.played()).containsExactly("vm-goodbye");
        assertThat(failures(LogIn.userKey(ALICE))).isZero();
    }

    @Test
    void silence_at_the_extension_prompt_is_NO_INPUT_and_no_pin_is_asked() {
        Transcript t = login().staysSilent().run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("NO_INPUT");
        assertThat(t.prompted()).containsExactly("extension");
        assertThat(t.played()).containsExactly("vm-goodbye");
    }

    @Test
    void a_locked_desk_hears_locked_and_is_not_asked_again() {
        ledger.transact(tx -> {
            for (int i = 0; i < 10; i++) {
                tx.recordFailure(LogIn.deskKey(DESK), clock.instant());
            }
            return null;
        });

        Transcript t = login("101").enters(PIN).run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("LOCKED");
        assertThat(t.prompted()).hasSize(1);
        assertThat(t.played()).containsExactly("please-try-call-later");
        assertThat(seatAtDesk()).isEmpty();
        assertThat(logs.events("hotdesk.security")).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("reason=LOCKED"));
    }

    @Test
    void a_user_without_hot_desking_hears_BAD_PIN_like_a_wrong_pin_and_the_audit_says_why() {
        Transcript right = login("102").enters(PIN).enters(PIN).enters(PIN).run(server.port());
        assertThat(failures(LogIn.userAtDeskKey(new Extension("102"), DESK))).isEqualTo(3);
        ledger.transact(tx -> {
            // a fresh start for the second call, which would otherwise reach the lockout of 102 at this desk
            tx.clearFailures(LogIn.userAtDeskKey(new Extension("102"), DESK));
            return null;
        });
        Transcript wrong = login("102").enters(WRONG_PIN).enters(WRONG_PIN).enters(WRONG_PIN).run(server.port());

        assertThat(right.variable("HOTDESK_RESULT")).isEqualTo(wrong.variable("HOTDESK_RESULT")).isEqualTo("BAD_PIN");
        assertThat(right.played()).isEqualTo(wrong.played()).containsExactly("vm-incorrect", "vm-incorrect", "vm-incorrect");
        assertThat(right.prompted()).isEqualTo(wrong.prompted());
        assertThat(ledger.audit()).filteredOn(a -> a.action().equals("login.rejected"))
                .extracting(a -> a.detail().split(" ")[0]).containsExactly("NOT_ALLOWED", "NOT_ALLOWED", "NOT_ALLOWED",
                        "WRONG_PIN", "WRONG_PIN", "WRONG_PIN");
    }

    @Test
    void a_second_desk_under_multi_login_deny_is_ALREADY_SEATED() {
        seatCarolElsewhereWithDeny(ledger, logIn);

        Transcript t = login("103").enters(PIN).run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("ALREADY_SEATED");
        assertThat(t.played()).containsExactly("is-in-use");
        assertThat(seatAtDesk()).isEmpty();
    }

    @Test
    void failures_across_desks_reaching_the_alert_level_write_an_alert_line() {
        ledger.transact(tx -> {
            for (int i = 0; i < 7; i++) {
                tx.recordFailure(LogIn.userKey(ALICE), clock.instant());
            }
            return null;
        });

        login("101").remoteAddress("198.51.100.23:5062").enters(WRONG_PIN).enters(PIN).run(server.port());

        assertThat(logs.events("hotdesk.security")).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(m -> m.startsWith("login alert ext=101 via=pin failures=8 locked=no from 198.51.100.23 desk=" + DESK));
    }

    /** Carol (103, own policy deny, PIN as everyone's) sits at another desk. */
    static void seatCarolElsewhereWithDeny(InMemoryLedger ledger, LogIn logIn) {
        Mac other = Mac.parse("00:15:65:88:88:88");
        ledger.transact(tx -> {
            tx.insertDevice(new Device(other, "yealink", "T54W", null, "", "", true),
                    List.of(new DeskLine(other.endpointId(), other, 1, "desk-secret-456")));
            return null;
        });
        assertThat(new ManageUsers(ledger, new SecretHasher(1000, new SecureRandom()), new SecureRandom(), "users",
                Clock.systemUTC()).add(new ManageUsers.NewUser("103", "Carol", PIN, null, "", null, true, "deny"), "test"))
                .isInstanceOf(ManageUsers.Done.class);
        assertThat(logIn.execute(other.endpointId(), new LogIn.Pin(new Extension("103"), PIN), "test"))
                .isInstanceOf(LogIn.LoggedIn.class);
    }

    @Test
    void a_disabled_desk_is_DESK_DISABLED() {
        Mac mac = Mac.parse("00:15:65:99:99:99");
        ledger.transact(tx -> {
            tx.insertDevice(new Device(mac, "yealink", "T54W", null, "", "", false),
                    List.of(new DeskLine(mac.endpointId(), mac, 1, "desk-secret-123")));
            tx.bump(Target.desk(mac.endpointId()));
            return null;
        });

        Transcript t = login("101").fromEndpoint(mac.endpointId()).enters(PIN).run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("DESK_DISABLED");
        assertThat(t.played()).containsExactly("feature-not-avail-line");
    }

    // --- prompts.* ---------------------------------------------------------------------------------

    /** One call that ends in {@code result}, set up in the test's world first. */
    private interface Scenario {
        Transcript run(HotdeskAgiServerTest t);
    }

    static Stream<Arguments> everyPromptKey() {
        return Stream.of(
                arguments("prompts.enter-extension", "OK", (Scenario) t -> login().enters("101").enters(PIN).run(t.server.port())),
                arguments("prompts.enter-pin", "OK", (Scenario) t -> login("101").enters(PIN).run(t.server.port())),
                arguments("prompts.login-ok", "OK", (Scenario) t -> login("101").enters(PIN).run(t.server.port())),
                arguments("prompts.login-pending", "OK_PENDING", (Scenario) t -> {
                    t.asterisk.down(true);
                    return login("101").enters(PIN).run(t.server.port());
                }),
                arguments("prompts.bad-pin", "BAD_PIN",
                        (Scenario) t -> login("101").enters(WRONG_PIN).enters(WRONG_PIN).enters(WRONG_PIN).run(t.server.port())),
                arguments("prompts.locked", "LOCKED", (Scenario) t -> {
                    t.ledger.transact(tx -> {
                        for (int i = 0; i < 10; i++) {
                            tx.recordFailure(LogIn.deskKey(DESK), t.clock.instant());
                        }
                        return null;
                    });
                    return login("101").enters(PIN).run(t.server.port());
                }),
                arguments("prompts.not-a-desk", "NOT_A_DESK", (Scenario) t -> login("101").fromEndpoint("101").run(t.server.port())),
                arguments("prompts.already-seated", "ALREADY_SEATED", (Scenario) t -> {
                    seatCarolElsewhereWithDeny(t.ledger, t.logIn);
                    return login("103").enters(PIN).run(t.server.port());
                }),
                arguments("prompts.desk-disabled", "DESK_DISABLED", (Scenario) t -> {
                    Mac mac = Mac.parse("00:15:65:99:99:99");
                    t.ledger.transact(tx -> {
                        tx.insertDevice(new Device(mac, "yealink", "T54W", null, "", "", false),
                                List.of(new DeskLine(mac.endpointId(), mac, 1, "desk-secret-123")));
                        return null;
                    });
                    return login("101").fromEndpoint(mac.endpointId()).enters(PIN).run(t.server.port());
                }),
                arguments("prompts.no-input", "NO_INPUT", (Scenario) t -> login("101").staysSilent().run(t.server.port())),
                arguments("prompts.logged-out", "LOGGED_OUT", (Scenario) t -> {
                    assertThat(t.logIn.execute(DESK, new LogIn.Pin(ALICE, PIN), "test")).isInstanceOf(LogIn.LoggedIn.class);
                    return ScriptedAsterisk.call("hotdesk-logout").run(t.server.port());
                }),
                arguments("prompts.not-logged-in", "NOT_LOGGED_IN",
                        (Scenario) t -> ScriptedAsterisk.call("hotdesk-logout").run(t.server.port())),
                arguments("prompts.error", "ERROR", (Scenario) t -> {
                    t.databaseDown.set(true);
                    return login("101").enters(PIN).run(t.server.port());
                }));
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("everyPromptKey")
    void each_result_plays_the_sound_of_its_own_prompts_key(String key, String result, Scenario scenario) {
        server.close();
        String sound = "custom/hd-" + key.substring("prompts.".length());
        server = start(withPrompt(key, sound));

        Transcript t = scenario.run(this);

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo(result);
        List<String> heard = new java.util.ArrayList<>(t.prompted());
        heard.addAll(t.played());
        assertThat(heard).as("%s is heard", key).contains(sound);
        if (!key.equals("prompts.enter-extension") && !key.equals("prompts.enter-pin")) {
            assertThat(t.played()).as("the result's prompt is the last thing played").last().isEqualTo(sound);
        }
    }

    @Test
    void the_scenarios_cover_every_prompts_key() {
        assertThat(everyPromptKey().map(a -> (String) a.get()[0]))
                .containsExactlyInAnyOrderElementsOf(Prompts.KEYS.stream().map(Prompts.Key::name).toList());
    }

    // --- desk identity ----------------------------------------------------------------------------

    @Test
    void an_endpoint_that_is_not_a_desk_is_refused() {
        Transcript t = login("101").fromEndpoint("101").enters(PIN).run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("NOT_A_DESK");
        assertThat(t.played()).containsExactly("feature-not-avail-line");
        assertThat(t.prompted()).as("no PIN is asked of a caller that is not a desk").isEmpty();
        List<Occupancy> seated = ledger.read(tx -> tx.seatsOfUser(ALICE));
        assertThat(seated).isEmpty();
        assertThat(logs.events("hotdesk.security")).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("reason=NOT_A_DESK").contains("desk=101 "));
    }

    @Test
    void the_pin_prompt_is_the_first_command_after_answer_so_digits_typed_ahead_are_not_dropped() {
        // Asterisk drops DTMF that arrives while it waits for the next AGI command: nothing may come between
        // ANSWER and GET DATA, the desk's lookup included, which follows the digits
        Transcript t = login("101").enters(PIN + "#").run(server.port());

        assertThat(t.commands()).startsWith("ANSWER", "GET DATA \"agent-pass\" 5000 8");
        assertThat(t.commands()).contains("GET FULL VARIABLE \"${CHANNEL(endpoint)}\"");
        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK");
    }

    @Test
    void a_line_named_like_a_desk_that_is_no_desk_is_refused_once_the_pin_is_in_and_nothing_is_counted() {
        String ghost = "hd-00156500dead";
        int auditBefore = ledger.audit().size();

        Transcript t = login("101").fromEndpoint(ghost).enters(PIN).run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("NOT_A_DESK");
        assertThat(t.prompted()).containsExactly("agent-pass");
        assertThat(t.played()).containsExactly("feature-not-avail-line");
        assertThat(ledger.audit()).hasSize(auditBefore);
        assertThat(failures(LogIn.userKey(ALICE))).isZero();
        assertThat(failures(LogIn.deskKey(ghost))).isZero();
        assertThat(logs.events("hotdesk.security")).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("reason=NOT_A_DESK").contains("desk=" + ghost));
    }

    @Test
    void a_local_channel_is_refused_before_anything_is_asked_or_written() {
        int auditBefore = ledger.audit().size();

        Transcript t = login("101").fromLocalChannel().dialled("*70101").enters(PIN).run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("NOT_A_DESK");
        assertThat(t.prompted()).isEmpty();
        assertThat(ledger.audit()).hasSize(auditBefore);
        assertThat(logs.events("hotdesk.security")).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).startsWith("login failed from unknown "));
    }

    @Test
    void the_desk_is_never_taken_from_dialled_digits_or_caller_id() {
        // a Local channel whose dialled digits and caller ID name the desk is still no desk
        Transcript t = login("101").fromLocalChannel().dialled(DESK).variable("CALLERID(num)", DESK)
                .run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("NOT_A_DESK");
    }

    // --- hang-ups and missing sounds --------------------------------------------------------------

    @Test
    void hanging_up_during_the_pin_prompt_writes_nothing_and_ends_quietly() {
        int auditBefore = ledger.audit().size();

        Transcript t = login("101").hangsUp().run(server.port());

        assertThat(seatAtDesk()).isEmpty();
        assertThat(failures(LogIn.userKey(ALICE))).isZero();
        assertThat(failures(LogIn.deskKey(DESK))).isZero();
        assertThat(ledger.audit()).hasSize(auditBefore);
        assertThat(t.variables()).doesNotContainKey("HOTDESK_RESULT").containsEntry("AJ_AGISTATUS", "SUCCESS");
        assertThat(t.lines()).contains("<< HANGUP", "<< 511 Command Not Permitted on a dead channel or intercept routine");
        assertThat(t.closedByServer()).isTrue();
        assertThat(logs.atLeast(Level.WARN)).isEmpty();
        assertThat(logs.everything()).contains("hotdesk-login: caller hung up");
    }

    @Test
    void hanging_up_during_the_extension_prompt_ends_quietly() {
        int auditBefore = ledger.audit().size();

        Transcript t = login().hangsUp().run(server.port());

        assertThat(t.prompted()).containsExactly("extension");
        assertThat(t.variables()).doesNotContainKey("HOTDESK_RESULT");
        assertThat(ledger.audit()).hasSize(auditBefore);
        assertThat(t.closedByServer()).isTrue();
        assertThat(logs.atLeast(Level.WARN)).isEmpty();
    }

    @Test
    void hanging_up_after_a_wrong_pin_keeps_only_the_completed_attempt() {
        Transcript t = login("101").enters(WRONG_PIN).hangsUp().run(server.port());

        assertThat(failures(LogIn.userKey(ALICE))).isEqualTo(1);
        assertThat(seatAtDesk()).isEmpty();
        assertThat(t.closedByServer()).isTrue();
        assertThat(logs.atLeast(Level.ERROR)).isEmpty();
    }

    @Test
    void hanging_up_during_the_success_prompt_keeps_the_login() {
        Transcript t = login("101").enters(PIN).hangsUpDuring("activated").run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK");
        assertThat(seatAtDesk()).isPresent();
        assertThat(t.closedByServer()).isTrue();
    }

    @Test
    void missing_prompt_files_do_not_break_a_login() {
        Transcript t = login("101").missingFiles("agent-pass", "activated").enters(PIN).run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK");
        assertThat(t.prompted()).containsExactly("agent-pass", "");
        assertThat(t.lines()).contains("<< 200 result=-1 endpos=0");
        assertThat(seatAtDesk()).map(Occupancy::extension).contains(ALICE);
    }

    // --- Asterisk and ledger trouble --------------------------------------------------------------

    @Test
    void with_asterisk_down_the_login_stands_and_reports_OK_PENDING() {
        server.close();
        server = start(withPrompt("prompts.login-pending", "hotdesk/phone-updates-shortly"));
        asterisk.down(true);

        Transcript t = login("101").enters(PIN).run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK_PENDING");
        assertThat(t.played()).containsExactly("hotdesk/phone-updates-shortly");
        assertThat(seatAtDesk()).map(Occupancy::extension).contains(ALICE);
    }

    @Test
    void a_ledger_failure_reports_ERROR_with_its_stack_in_the_log() {
        databaseDown.set(true);

        Transcript t = login("101").enters(PIN).run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("ERROR");
        assertThat(t.played()).containsExactly("please-try-call-later");
        assertThat(logs.atLeast(Level.ERROR)).singleElement().satisfies(e -> {
            assertThat(e.getThrowableProxy().getClassName()).isEqualTo(LedgerException.class.getName());
            assertThat(e.getMDCPropertyMap()).containsEntry("uniqueid", "1795345259.7").containsEntry("desk", DESK);
        });
    }

    @Test
    void a_login_turned_away_by_a_full_gate_hears_the_error_prompt_and_no_stack_is_logged() {
        server.close();
        Reconcile reconcile = new Reconcile(ledgerSeen, asterisk, asterisk, asterisk,
                new Projections(PjsipProfile.defaults()), clock, "node-1", Duration.ofMinutes(1));
        LoginGate gate = new LoginGate(1, Duration.ofMillis(20));
        logIn = new LogIn(ledgerSeen, hasher, new SeatingPolicy(LoginLimits.defaults(), MultiLogin.SINGLE), reconcile, clock,
                hotdesk.core.port.DeskEvents.none(), hotdesk.core.port.Telemetry.none(), gate);
        server = start(Prompts.defaults());
        Transcript t;
        try (LoginGate.Entry full = gate.enter()) {
            t = login("101").enters(PIN).run(server.port());
        }

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("ERROR");
        assertThat(t.played()).containsExactly("please-try-call-later");
        assertThat(logs.atLeast(Level.ERROR)).isEmpty();
        assertThat(logs.atLeast(Level.WARN)).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .startsWith("hotdesk-login: turned away, too many logins at once"));
        assertThat(seatAtDesk()).isEmpty();
        int failures = ledger.read(tx -> tx.failuresSince(LogIn.userKey(ALICE), java.time.Instant.EPOCH));
        assertThat(failures).isZero();
    }

    @Test
    void a_caller_hanging_up_while_hearing_about_an_error_ends_the_call_quietly() {
        databaseDown.set(true);

        Transcript t = login("101").enters(PIN).hangsUpDuring("please-try-call-later").run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("ERROR");
        assertThat(t.closedByServer()).isTrue();
        assertThat(logs.atLeast(Level.WARN)).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).isEqualTo("hotdesk-login failed"));
    }

    @Test
    void log_lines_of_a_call_carry_its_uniqueid_desk_and_user() {
        login("101").uniqueId("1795345311.10").enters(PIN).run(server.port());

        assertThat(logs.events()).filteredOn(e -> e.getFormattedMessage().equals("hotdesk-login: OK")).singleElement()
                .satisfies(e -> assertThat(e.getMDCPropertyMap()).containsEntry("uniqueid", "1795345311.10")
                        .containsEntry("desk", DESK).containsEntry("user", "101"));
    }

    // --- one-time code ----------------------------------------------------------------------------

    @Test
    void a_one_time_code_logs_its_owner_in() {
        IssueOtp.Issued issued = (IssueOtp.Issued) new IssueOtp(ledger, hasher, random, Duration.ofMinutes(2), clock)
                .issue(ALICE, "test");

        Transcript t = ScriptedAsterisk.call("hotdesk-otp").args(issued.code() + "#").run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("OK");
        assertThat(t.variable("HOTDESK_USER")).isEqualTo("101");
        assertThat(t.prompted()).isEmpty();
        assertThat(seatAtDesk()).map(Occupancy::extension).contains(ALICE);
        assertThat(logs.everything()).doesNotContain(issued.code());
    }

    @Test
    void a_wrong_one_time_code_is_BAD_PIN_and_counts_against_the_desk() {
        Transcript t = ScriptedAsterisk.call("hotdesk-otp").args("123456").run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("BAD_PIN");
        assertThat(t.played()).containsExactly("vm-incorrect");
        assertThat(failures(LogIn.deskKey(DESK))).isEqualTo(1);
        assertThat(logs.events("hotdesk.security")).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("via=otp").doesNotContain("123456"));
    }

    @Test
    void a_malformed_one_time_code_is_BAD_PIN_without_an_error() {
        Transcript t = ScriptedAsterisk.call("hotdesk-otp").args("12345678901234").run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("BAD_PIN");
        assertThat(logs.atLeast(Level.ERROR)).isEmpty();
    }

    @Test
    void a_one_time_code_call_without_a_code_is_NO_INPUT() {
        Transcript t = ScriptedAsterisk.call("hotdesk-otp").args("#").run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("NO_INPUT");
        assertThat(failures(LogIn.deskKey(DESK))).isZero();
    }

    @Test
    void a_one_time_code_from_a_local_channel_is_refused() {
        Transcript t = ScriptedAsterisk.call("hotdesk-otp").fromLocalChannel().args("123456").run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("NOT_A_DESK");
    }

    // --- logout -----------------------------------------------------------------------------------

    @Test
    void logout_frees_the_desk() {
        assertThat(logIn.execute(DESK, new LogIn.Pin(ALICE, PIN), "test")).isInstanceOf(LogIn.LoggedIn.class);

        Transcript t = ScriptedAsterisk.call("hotdesk-logout").dialled("*71").run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("LOGGED_OUT");
        assertThat(t.variable("HOTDESK_USER")).isEqualTo("101");
        assertThat(t.played()).containsExactly("de-activated");
        assertThat(seatAtDesk()).isEmpty();
    }

    @Test
    void logout_on_a_free_desk_is_NOT_LOGGED_IN() {
        Transcript t = ScriptedAsterisk.call("hotdesk-logout").run(server.port());

        assertThat(t.variable("HOTDESK_RESULT")).isEqualTo("NOT_LOGGED_IN");
    }

    @Test
    void logout_from_a_local_channel_or_a_non_desk_is_refused() {
        Transcript local = ScriptedAsterisk.call("hotdesk-logout").fromLocalChannel().run(server.port());
        Transcript other = ScriptedAsterisk.call("hotdesk-logout").fromEndpoint("101").run(server.port());

        assertThat(local.variable("HOTDESK_RESULT")).isEqualTo("NOT_A_DESK");
        assertThat(other.variable("HOTDESK_RESULT")).isEqualTo("NOT_A_DESK");
        assertThat(other.played()).containsExactly("feature-not-avail-line");
    }

    // --- the server itself ------------------------------------------------------------------------

    @Test
    void a_script_name_that_is_not_mapped_is_refused_without_instantiating_anything() {
        int before = Tripwire.CREATED.get();

        Transcript t = ScriptedAsterisk.call(Tripwire.class.getName()).run(server.port());

        assertThat(Tripwire.CREATED.get()).isEqualTo(before);
        assertThat(t.variables()).containsEntry("AJ_AGISTATUS", "NOT_FOUND").doesNotContainKey("HOTDESK_RESULT");
        assertThat(t.closedByServer()).isTrue();
    }

    @Test
    void a_request_without_a_script_name_does_not_stop_the_server() {
        Transcript nameless = ScriptedAsterisk.call(null).run(server.port());
        Transcript next = login("101").enters(PIN).run(server.port());

        assertThat(nameless.variables()).containsEntry("AJ_AGISTATUS", "NOT_FOUND");
        assertThat(nameless.closedByServer()).isTrue();
        assertThat(next.variable("HOTDESK_RESULT")).isEqualTo("OK");
    }

    @Test
    void starting_on_a_port_in_use_fails_naming_the_address() {
        HotdeskAgiServer second = new HotdeskAgiServer(
                new AgiSettings("127.0.0.1", server.port(), 1, 1, 3, Duration.ofSeconds(5)), Prompts.defaults(),
                logIn, logOut);

        assertThatThrownBy(second::start).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("127.0.0.1:" + server.port()).hasMessageContaining("agi.bind");
        second.close();
    }

    @Test
    void the_port_is_unknown_before_start_and_start_works_once() {
        HotdeskAgiServer fresh = new HotdeskAgiServer(new AgiSettings("127.0.0.1", 0, 1, 1, 3, Duration.ofSeconds(5)),
                Prompts.defaults(), logIn, logOut);

        assertThatThrownBy(fresh::port).isInstanceOf(IllegalStateException.class);
        fresh.start();
        assertThat(fresh.port()).isPositive();
        assertThatThrownBy(fresh::start).isInstanceOf(IllegalStateException.class);
        fresh.close();
        fresh.close();
    }

    @Test
    void start_and_stop_are_logged_in_pairs() {
        server.close();

        assertThat(logs.events(HotdeskAgiServer.class.getName())).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(m -> m.startsWith("FastAGI stopping"))
                .anyMatch(m -> m.equals("FastAGI stopped"));
    }

    @Test
    void close_ends_a_call_that_overstays_and_stops_accepting() throws Exception {
        int port = server.port();
        try (Socket stuck = new Socket("127.0.0.1", port)) {
            OutputStream out = stuck.getOutputStream();
            out.write(("agi_network: yes\nagi_network_script: hotdesk-login\nagi_request: agi://127.0.0.1:" + port
                    + "/hotdesk-login\nagi_channel: PJSIP/" + DESK + "-00000001\nagi_uniqueid: 1.1\nagi_arg_1: 101\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(stuck.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("ANSWER"); // and this Asterisk never answers

            server.close();

            stuck.setSoTimeout(30_000);
            assertThat(in.readLine()).isNull();
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(java.io.IOException.class);
        assertThat(seatAtDesk()).isEmpty();
    }
}
