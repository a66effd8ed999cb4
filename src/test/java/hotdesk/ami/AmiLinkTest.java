package hotdesk.ami;

import hotdesk.testing.LogCapture;
import hotdesk.core.port.PbxException;
import hotdesk.testing.FakeAmi;
import hotdesk.testing.FakeAmi.Notify;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** AmiLink against the fake AMI server: login, the two ports, outages, restarts, keep-alive, closing. */
class AmiLinkTest {

    private static final String SECRET = "ami-Secret-Qx71";
    private static final Duration CEILING = Duration.ofSeconds(10);
    private static final Duration NO_PING = Duration.ofMinutes(10);

    private final FakeAmi ami = new FakeAmi("hotdesk", SECRET).start();
    private final AtomicInteger booted = new AtomicInteger();
    private final List<AmiLink> links = new ArrayList<>();
    private final LogCapture log = LogCapture.atDebug("hotdesk.ami");

    @AfterEach
    void stop() {
        links.forEach(AmiLink::close);
        ami.close();
        log.close();
        assertThat(log.lines()).noneMatch(l -> l.contains(SECRET));
        assertThat(ami.received()).doesNotContain(SECRET);
    }

    // ---- connecting

    @Test
    void it_logs_in_with_md5_and_system_user_and_call_events_only_and_calls_back_on_fully_booted() {
        AmiLink link = started();

        assertThat(link.connected()).isTrue();
        assertThat(ami.actions()).containsExactly("Challenge", "Login");
        assertThat(ami.received()).contains("Username: hotdesk\r\nAuthType: MD5\r\nKey: ").contains("Events: system,user,call\r\n")
                .doesNotContain("Secret:");
        assertThat(log.lines()).anyMatch(l -> l.equals("INFO AMI connected to 127.0.0.1:" + ami.port()
                + " as 'hotdesk' (Asterisk Call Manager/11.0.0)"));
    }

    // ---- named ACLs

    @Test
    void named_acls_count_only_with_exactly_hotdesks_rules_and_a_changed_acl_conf_is_reloaded() {
        AmiLink link = started();
        hotdesk.testing.MutableClock clock = hotdesk.testing.MutableClock.atNoon();
        hotdesk.core.port.NamedAcls acls = link.namedAcls(clock);

        assertThat(acls.defined("hotdesk-default", List.of("127.0.0.0/8", "::1/128"))).isTrue();
        assertThat(acls.defined("hotdesk-default", List.of("127.0.0.0/8"))).as("other rules").isFalse();
        assertThat(acls.defined("hotdesk-site-HQ", List.of("10.1.0.0/16"))).as("absent").isFalse();
        assertThat(ami.actions()).containsSubsequence("GetConfig", "Reload").containsOnlyOnce("GetConfig");

        // the admin regenerates acl_hotdesk.conf: read again after a few seconds, and reloaded
        ami.aclConf(java.util.Map.of("hotdesk-default", List.of("deny=0.0.0.0/0", "deny=::/0", "permit=127.0.0.0/8",
                "permit=::1/128"), "hotdesk-site-HQ", List.of("deny=0.0.0.0/0", "deny=::/0", "permit=10.1.0.0/16")));
        assertThat(acls.defined("hotdesk-site-HQ", List.of("10.1.0.0/16"))).as("not read again yet").isFalse();
        clock.advance(Duration.ofSeconds(6));
        assertThat(acls.defined("hotdesk-site-HQ", List.of("10.1.0.0/16"))).isTrue();
        assertThat(ami.actions().stream().filter("Reload"::equals).count()).isEqualTo(2);

        // read again unchanged: no reload
        clock.advance(Duration.ofSeconds(6));
        assertThat(acls.defined("hotdesk-default", List.of("::1/128", "127.0.0.0/8"))).isTrue();
        assertThat(ami.actions().stream().filter("GetConfig"::equals).count()).isEqualTo(3);
        assertThat(ami.actions().stream().filter("Reload"::equals).count()).isEqualTo(2);

        // the rules worked out per list of networks are forgotten past a bound, and answers stay right across it
        for (int i = 0; i <= 1_000; i++) {
            assertThat(acls.defined("hotdesk-site-HQ", List.of("10.2." + i / 256 + "." + i % 256 + "/32"))).isFalse();
        }
        assertThat(acls.defined("hotdesk-site-HQ", List.of("10.1.0.0/16"))).isTrue();
        assertThat(acls.defined("hotdesk-default", List.of("127.0.0.0/8"))).isFalse();
    }

    @Test
    void start_with_asterisk_down_returns_at_once_actions_fail_fast_and_the_link_connects_when_it_is_up() {
        ami.down();
        AmiLink link = link(SECRET, Duration.ofSeconds(60), NO_PING, booted::incrementAndGet);

        // the timeout is 60 s: these calls returning within the ceiling proves nobody waited for it
        assertTimeoutPreemptively(CEILING, () -> {
            link.start();
            assertThatThrownBy(() -> link.phoneResync().checkSync("hd-0015651234ab", "yealink"))
                    .isInstanceOfSatisfying(PbxException.class, e -> {
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.unanswered()).isTrue();
                        assertThat(e.getMessage()).startsWith("AMI PJSIPNotify hd-0015651234ab → not connected to 127.0.0.1:" + ami.port());
                    });
            assertThatThrownBy(() -> link.dialplanState().put(Map.of("desk/hd-1/occupant", "101")))
                    .isInstanceOfSatisfying(PbxException.class, e -> assertThat(e.retryable()).isTrue());
        });
        await().atMost(CEILING).until(() -> log.lines().stream().anyMatch(l -> l.startsWith("DEBUG AMI link to 127.0.0.1:"
                + ami.port() + " still down: connection refused")));
        assertThat(link.connected()).isFalse();
        assertThat(booted).hasValue(0);

        ami.up();

        await().atMost(CEILING).until(() -> booted.get() == 1 && link.connected());
        assertThat(log.lines().stream().filter(l -> l.startsWith("WARN AMI cannot reach 127.0.0.1:" + ami.port()
                + ": connection refused — check ami.host, ami.port and that Asterisk runs"))).hasSize(1);
        link.phoneResync().checkSync("hd-0015651234ab", "yealink");
        assertThat(ami.notifies()).hasSize(1);
    }

    @Test
    void wrong_credentials_keep_the_link_down_and_log_one_clear_line_without_the_secret() {
        ami.loginFailureDelay(Duration.ZERO);
        AmiLink link = link("wrong-Secret-77", Duration.ofSeconds(5), NO_PING, booted::incrementAndGet);

        link.start();

        await().atMost(CEILING).until(() -> ami.connections() >= 3);
        assertThat(link.connected()).isFalse();
        assertThat(ami.logins()).isZero();
        assertThat(booted).hasValue(0);
        List<String> errors = log.lines().stream().filter(l -> l.startsWith("ERROR")).toList();
        assertThat(errors).containsExactly("ERROR AMI login to 127.0.0.1:" + ami.port() + " as 'hotdesk' refused: Authentication"
                + " failed — check ami.user and ami.secret against manager.conf (and its permit/deny); retrying every 200 ms");
        assertThat(log.lines()).noneMatch(l -> l.contains("wrong-Secret-77"));
        assertThat(ami.received()).doesNotContain("wrong-Secret-77");
        assertThatThrownBy(() -> link.phoneResync().checkSync("hd-1", "yealink"))
                .isInstanceOfSatisfying(PbxException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("(Authentication failed)").doesNotContain("wrong-Secret-77");
                });
    }

    @Test
    void a_refused_md5_challenge_is_logged_and_retried() {
        ami.failNext("Challenge", "Must specify AuthType");
        AmiLink link = started();

        assertThat(ami.connections()).isEqualTo(2);
        assertThat(ami.actions()).containsExactly("Challenge", "Challenge", "Login");
        assertThat(log.lines()).contains("WARN AMI cannot reach 127.0.0.1:" + ami.port() + ": Asterisk refused the MD5 challenge:"
                + " Must specify AuthType — check ami.host, ami.port and that Asterisk runs; retrying (at most every 200 ms)"
                + " until it answers");
        assertThat(link.connected()).isTrue();
    }

    @Test
    void a_peer_that_is_not_asterisk_or_says_nothing_is_named_in_the_log_and_never_logged_into() throws Exception {
        try (ServerSocket http = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread peer = new Thread(() -> {
                while (!http.isClosed()) {
                    try (Socket c = http.accept()) {
                        c.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            peer.setDaemon(true);
            peer.start();
            AmiLink toHttp = link(SECRET, http.getLocalPort(), Duration.ofSeconds(5), NO_PING, booted::incrementAndGet);
            AmiLink toSilent = link(SECRET, silent.getLocalPort(), Duration.ofMillis(300), NO_PING, booted::incrementAndGet);

            toHttp.start();
            toSilent.start();

            await().atMost(CEILING).until(() -> log.lines().containsAll(List.of(
                    "WARN AMI cannot reach 127.0.0.1:" + http.getLocalPort() + ": the peer is not an Asterisk manager interface"
                            + " (banner 'HTTP/1.1 400 Bad Request') — check ami.host, ami.port and that"
                            + " Asterisk runs; retrying (at most every 200 ms) until it answers",
                    "WARN AMI cannot reach 127.0.0.1:" + silent.getLocalPort() + ": no answer within 300 ms — check ami.host,"
                            + " ami.port and that Asterisk runs; retrying (at most every 200 ms) until it answers")));
            assertThat(toHttp.connected()).isFalse();
            assertThat(toSilent.connected()).isFalse();
            assertThat(booted).hasValue(0);
        }
    }

    // ---- PhoneResync

    @Test
    void check_sync_sends_the_endpoint_and_the_vendors_event_semicolon_included() {
        AmiLink link = started();

        link.phoneResync().checkSync("hd-0015651234ab", "yealink");
        link.phoneResync().checkSync("hd-00156599aaaa", "Yealink");

        assertThat(ami.notifies()).containsExactly(new Notify("hd-0015651234ab", "check-sync;reboot=false"),
                new Notify("hd-00156599aaaa", "check-sync;reboot=false"));
        assertThat(ami.received()).contains("Action: PJSIPNotify\r\nActionID: hotdesk-pjsipnotify-")
                .contains("\r\nEndpoint: hd-0015651234ab\r\nVariable: Event=check-sync;reboot=false\r\n\r\n");
    }

    @Test
    void an_unknown_vendor_is_not_retryable_names_the_key_to_set_and_sends_nothing() {
        AmiLink link = started();

        assertThatThrownBy(() -> link.phoneResync().checkSync("hd-1", "Snom"))
                .isInstanceOfSatisfying(PbxException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).isEqualTo("no check-sync event for vendor 'Snom': set notify.event.snom"
                            + " (configured vendors: [yealink])");
                });
        assertThat(ami.actions()).doesNotContain("PJSIPNotify");
    }

    @Test
    void an_unknown_endpoint_is_retryable_because_the_next_push_may_create_it() {
        ami.knownEndpoints(id -> false);
        AmiLink link = started();

        assertThatThrownBy(() -> link.phoneResync().checkSync("hd-00156599cccc", "yealink"))
                .isInstanceOfSatisfying(PbxException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.unanswered()).as("Asterisk answered: this endpoint's own error").isFalse();
                    assertThat(e.getMessage()).startsWith("AMI PJSIPNotify hd-00156599cccc → Error: Unable to retrieve endpoint"
                            + " hd-00156599cccc — the endpoint may not be pushed yet");
                });
        assertThat(link.connected()).isTrue();
    }

    @Test
    void an_endpoint_id_that_could_inject_headers_is_refused_before_sending() {
        AmiLink link = started();

        for (String bad : new String[] {"hd-1\r\nAction: Originate", "", " hd-1", null}) {
            assertThatThrownBy(() -> link.phoneResync().checkSync(bad, "yealink")).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(ami.actions()).containsExactly("Challenge", "Login");
    }

    @Test
    void an_action_asterisk_does_not_answer_fails_retryably_after_the_timeout() {
        AmiLink link = link(SECRET, Duration.ofMillis(300), NO_PING, booted::incrementAndGet);
        link.start();
        await().atMost(CEILING).until(link::connected);
        ami.mute();

        assertThatThrownBy(() -> link.phoneResync().checkSync("hd-1", "yealink"))
                .isInstanceOfSatisfying(PbxException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).isEqualTo("AMI PJSIPNotify hd-1 → no answer after 300 ms (127.0.0.1:" + ami.port() + ")");
                });
    }

    // ---- DialplanState

    @Test
    void facts_are_put_in_order_and_empty_values_deleted_a_missing_key_counting_as_deleted() {
        ami.putDb("hotdesk", "desk/hd-1/elin", "5550100");
        AmiLink link = started();
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("desk/hd-1/occupant", "101");
        facts.put("desk/hd-1/elin", "");
        facts.put("user/101/desk", "");

        link.dialplanState().put(facts);

        assertThat(ami.astdb()).containsExactly(Map.entry("/hotdesk/desk/hd-1/occupant", "101"));
        // the missing user/101/desk: Asterisk answers "could not be deleted", a DBGet confirms it is absent
        assertThat(ami.actions()).containsExactly("Challenge", "Login", "DBPut", "DBDel", "DBDel", "DBGet");
        link.dialplanState().put(Map.of()); // nothing to do, nothing sent
        assertThat(ami.actions()).hasSize(6);
    }

    @Test
    void every_fact_is_read_in_one_dbgettree_and_none_when_the_link_is_down_or_asterisk_refuses() {
        ami.putDb("hotdesk", "desk/hd-1/occupant", "101");
        ami.putDb("hotdesk", "user/101/desk", "hd-1,hd-2");
        ami.putDb("other", "desk/hd-1/occupant", "999");
        AmiLink link = started();

        assertThat(link.dialplanState().all()).hasValue(Map.of("desk/hd-1/occupant", "101", "user/101/desk", "hd-1,hd-2"));
        assertThat(ami.actions()).containsExactly("Challenge", "Login", "DBGetTree");

        ami.failNext("DBGetTree", "Permission denied");
        assertThat(link.dialplanState().all()).isEmpty();
        link.close();
        assertThat(link.dialplanState().all()).isEmpty();
    }

    @Test
    void a_new_user_and_an_idle_desk_without_elin_push_cleanly_although_their_keys_were_never_there() {
        AmiLink link = started();

        link.dialplanState().put(Map.of("user/102/desk", ""));
        Map<String, String> idleDesk = new LinkedHashMap<>();
        idleDesk.put("desk/hd-2/occupant", "");
        idleDesk.put("desk/hd-2/elin", "");
        link.dialplanState().put(idleDesk);

        assertThat(ami.astdb()).isEmpty();
        assertThat(log.lines()).noneMatch(l -> l.startsWith("WARN") || l.startsWith("ERROR"));
    }

    @Test
    void a_delete_asterisk_refuses_while_the_key_is_still_there_fails_retryably() {
        ami.putDb("hotdesk", "desk/hd-1/occupant", "101");
        ami.failNext("DBDel", "Database entry could not be deleted"); // the answer of a failed SQLite delete too
        AmiLink link = started();

        assertThatThrownBy(() -> link.dialplanState().put(Map.of("desk/hd-1/occupant", "")))
                .isInstanceOfSatisfying(PbxException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).isEqualTo("AMI DBDel hotdesk/desk/hd-1/occupant → Error: Database entry could"
                            + " not be deleted, and the key is still there (127.0.0.1:" + ami.port() + ")");
                });
        assertThat(ami.astdb()).containsKey("/hotdesk/desk/hd-1/occupant");
    }

    @Test
    void a_refused_db_put_stops_at_that_key_and_is_retryable() {
        ami.failNext("DBPut", "Failed to update entry");
        AmiLink link = started();
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("desk/hd-1/occupant", "101");
        facts.put("desk/hd-1/elin", "5550100");

        assertThatThrownBy(() -> link.dialplanState().put(facts))
                .isInstanceOfSatisfying(PbxException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).isEqualTo("AMI DBPut hotdesk/desk/hd-1/occupant → Error: Failed to update entry"
                            + " (127.0.0.1:" + ami.port() + ")");
                });
        assertThat(ami.astdb()).isEmpty();

        link.dialplanState().put(facts);

        assertThat(ami.astdb()).hasSize(2);
    }

    @Test
    void permission_denied_is_not_retryable_and_names_the_manager_conf_fix() {
        ami.failNext("DBDel", "Permission denied");
        AmiLink link = started();

        assertThatThrownBy(() -> link.dialplanState().put(Map.of("desk/hd-1/occupant", "")))
                .isInstanceOfSatisfying(PbxException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("Error: Permission denied — give the AMI user 'hotdesk' write = system"
                            + " in manager.conf");
                });
    }

    @Test
    void keys_and_values_that_could_inject_headers_or_exceed_astdb_are_refused_before_anything_is_sent() {
        AmiLink link = started();
        List<Map<String, String>> bad = new ArrayList<>();
        bad.add(Map.of("desk/hd-1/occupant", "101\r\nAction: Originate"));
        bad.add(Map.of("desk/hd-1\n/occupant", "101"));
        bad.add(Map.of("", "101"));
        bad.add(Map.of(" desk/hd-1/occupant", "101"));
        bad.add(Map.of("desk/hd-1/occupant", " 101"));
        bad.add(Map.of("k".repeat(246), "1"));
        bad.add(Map.of("desk/hd-1/occupant", "v".repeat(256)));
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("ok", "1");
        nullValue.put("desk/hd-1/occupant", null);
        bad.add(nullValue);

        for (Map<String, String> facts : bad) {
            assertThatThrownBy(() -> link.dialplanState().put(facts)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(ami.actions()).containsExactly("Challenge", "Login");
        link.dialplanState().put(Map.of("k".repeat(245), "v".repeat(255)));
        assertThat(ami.astdb()).hasSize(1);
    }

    // ---- ModuleCheck

    @Test
    void a_missing_module_is_an_error_naming_it_after_connecting_and_again_after_every_fully_booted() {
        ami.unloadModules("app_exec");
        Map<String, String> modules = new LinkedHashMap<>();
        modules.put("func_db", "the dialplan's DB() (the desk's ELIN)");
        modules.put("app_exec", "the emergency route's ExecIf");
        AmiLink link = link(SECRET, Duration.ofSeconds(5), NO_PING, modules, booted::incrementAndGet);
        String missing = "ERROR Asterisk at 127.0.0.1:" + ami.port() + " has no module app_exec loaded, needed for the emergency"
                + " route's ExecIf: install it and load it (module load app_exec.so, and not noload in modules.conf)";

        link.start();

        await().atMost(CEILING).until(() -> booted.get() == 1);
        assertThat(log.lines()).containsOnlyOnce(missing);
        assertThat(log.lines()).filteredOn(l -> l.startsWith("ERROR")).containsExactly(missing);
        assertThat(ami.received()).contains("Action: ModuleCheck\r\nActionID: hotdesk-modulecheck-")
                .contains("\r\nModule: func_db\r\n\r\n").contains("\r\nModule: app_exec\r\n\r\n");

        ami.restart();

        await().atMost(CEILING).until(() -> booted.get() == 2);
        assertThat(log.lines()).filteredOn(missing::equals).hasSize(2);

        ami.loadModules("app_exec");
        ami.restart();

        await().atMost(CEILING).until(() -> booted.get() == 3);
        assertThat(log.lines()).filteredOn(missing::equals).hasSize(2);
        assertThat(log.lines()).contains("INFO Asterisk at 127.0.0.1:" + ami.port() + " has the 2 modules hotdesk needs");
    }

    @Test
    void the_modules_are_checked_before_the_fully_booted_callback_runs() {
        ami.unloadModules("res_agi");
        List<Boolean> errorLoggedBeforeCallback = new ArrayList<>();
        AmiLink link = link(SECRET, Duration.ofSeconds(5), NO_PING, Map.of("res_agi", "AGI()"), () -> {
            errorLoggedBeforeCallback.add(log.lines().stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("res_agi")));
            booted.incrementAndGet();
        });

        link.start();

        await().atMost(CEILING).until(() -> booted.get() == 1);
        assertThat(errorLoggedBeforeCallback).containsExactly(true);
    }

    @Test
    void a_module_check_asterisk_refuses_is_a_warning_and_the_callback_still_runs() {
        ami.failNext("ModuleCheck", "Permission denied");
        AmiLink link = link(SECRET, Duration.ofSeconds(5), NO_PING, Map.of("res_agi", "AGI()"), booted::incrementAndGet);

        link.start();

        await().atMost(CEILING).until(() -> booted.get() == 1);
        assertThat(log.lines()).contains("WARN could not check the Asterisk modules hotdesk needs: AMI ModuleCheck res_agi →"
                + " Error: Permission denied — give the AMI user 'hotdesk' write = system in manager.conf (127.0.0.1:"
                + ami.port() + "); checking again after the next FullyBooted");
        assertThat(log.lines()).noneMatch(l -> l.startsWith("ERROR"));
    }

    @Test
    void a_required_module_name_that_is_not_one_is_refused_when_the_link_is_made() {
        for (String bad : new String[] {"app_exec.so", "", "app exec", "App_Exec"}) {
            assertThatThrownBy(() -> link(SECRET, Duration.ofSeconds(5), NO_PING, Map.of(bad, "x"), booted::incrementAndGet))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without .so");
        }
    }

    // ---- outages

    @Test
    void an_asterisk_restart_leads_to_reconnect_and_a_second_callback() {
        AmiLink link = started();

        ami.restart();

        await().atMost(CEILING).until(() -> booted.get() == 2 && link.connected());
        assertThat(ami.logins()).isEqualTo(2);
        assertThat(log.lines()).contains("INFO AMI link to 127.0.0.1:" + ami.port() + " ended: Asterisk announced Shutdown: Cleanly,"
                + " Restart: False; reconnecting");
        assertThat(log.lines()).noneMatch(l -> l.startsWith("WARN") || l.startsWith("ERROR")); // a restart is no incident
        link.phoneResync().checkSync("hd-1", "yealink");
        assertThat(ami.notifies()).hasSize(1);
    }

    @Test
    void after_the_shutdown_event_actions_fail_fast_until_asterisk_is_back() {
        AmiLink link = link(SECRET, Duration.ofSeconds(60), NO_PING, booted::incrementAndGet);
        link.start();
        await().atMost(CEILING).until(() -> booted.get() == 1);

        ami.restart(Duration.ofMinutes(5)); // stays down until up()

        await().atMost(CEILING).until(() -> !link.connected());
        assertTimeoutPreemptively(CEILING, () -> assertThatThrownBy(() -> link.phoneResync().checkSync("hd-1", "yealink"))
                .isInstanceOfSatisfying(PbxException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("→ not connected to 127.0.0.1:" + ami.port());
                }));
        ami.up();
        await().atMost(CEILING).until(() -> booted.get() == 2 && link.connected());
    }

    @Test
    void an_action_waiting_for_its_answer_when_asterisk_shuts_down_fails_at_once_and_retryably() throws Exception {
        AmiLink link = link(SECRET, Duration.ofSeconds(60), NO_PING, booted::incrementAndGet);
        link.start();
        await().atMost(CEILING).until(() -> booted.get() == 1);
        ami.mute();
        CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(
                () -> catchThrowable(() -> link.phoneResync().checkSync("hd-1", "yealink")));
        await().atMost(CEILING).until(() -> ami.actions().contains("PJSIPNotify"));

        ami.restart();

        // the timeout is 60 s: an answer within the ceiling can only come from the Shutdown event
        assertThat(failure.get(CEILING.toSeconds(), TimeUnit.SECONDS)).isInstanceOfSatisfying(PbxException.class, e -> {
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).isEqualTo("AMI PJSIPNotify hd-1 → connection lost before the answer: Asterisk is"
                    + " shutting down (127.0.0.1:" + ami.port() + ")");
        });
        await().atMost(CEILING).until(() -> booted.get() == 2);
    }

    @Test
    void a_crash_without_shutdown_is_noticed_at_eof_and_recovered() {
        AmiLink link = started();

        ami.down();
        await().atMost(CEILING).until(() -> !link.connected());
        ami.up();

        await().atMost(CEILING).until(() -> booted.get() == 2 && link.connected());
        assertThat(log.lines()).anyMatch(l -> l.startsWith("WARN AMI link to 127.0.0.1:" + ami.port() + " lost: "));
    }

    @Test
    void a_dead_link_is_found_by_the_keep_alive_ping_and_replaced() {
        AmiLink link = link(SECRET, Duration.ofMillis(500), Duration.ofMillis(200), booted::incrementAndGet);
        link.start();
        await().atMost(CEILING).until(() -> booted.get() == 1);
        await().atMost(CEILING).until(() -> ami.actions().contains("Ping")); // answered pings keep it up

        ami.mute();

        await().atMost(CEILING).until(() -> booted.get() == 2 && ami.logins() == 2 && link.connected());
        assertThat(log.lines()).contains("WARN AMI link to 127.0.0.1:" + ami.port()
                + " lost: no answer to a keep-alive Ping within 500 ms; reconnecting");
    }

    // ---- restarted or reconnected

    @Test
    void a_reconnect_to_an_asterisk_that_kept_running_is_the_same_asterisk() {
        ami.bootedAgo(Duration.ofHours(1));
        List<AmiLink.Boot> boots = new CopyOnWriteArrayList<>();
        AmiLink link = bootLink(boots);
        await().atMost(CEILING).until(() -> boots.size() == 1 && link.connected());

        ami.dropConnections(); // a network blip, or manager reload: Asterisk itself runs on

        await().atMost(CEILING).until(() -> boots.size() == 2 && link.connected());
        assertThat(boots).containsExactly(AmiLink.Boot.FIRST, AmiLink.Boot.SAME);
        assertThat(log.lines()).anyMatch(l -> l.matches("INFO Asterisk at 127\\.0\\.0\\.1:" + ami.port()
                + " is fully booted \\(uptime 36\\d\\d s, .*\\): the same Asterisk as before \\(it did not restart\\)"));
    }

    @Test
    void an_asterisk_that_started_again_is_a_restart_however_long_it_ran_before() {
        ami.bootedAgo(Duration.ofHours(1));
        List<AmiLink.Boot> boots = new CopyOnWriteArrayList<>();
        AmiLink link = bootLink(boots);
        await().atMost(CEILING).until(() -> boots.size() == 1 && link.connected());

        ami.restart(); // Uptime 0 again

        await().atMost(CEILING).until(() -> boots.size() == 2 && link.connected());
        assertThat(boots).containsExactly(AmiLink.Boot.FIRST, AmiLink.Boot.RESTARTED);
    }

    @Test
    void a_crash_and_a_quick_start_are_a_restart_even_when_the_start_times_are_close() {
        // Asterisk had run for less than the tolerance when the link connected: a new one started right after the
        // link last heard from it would give nearly the same start, so only a start well before that counts as the same
        List<AmiLink.Boot> boots = new CopyOnWriteArrayList<>();
        AmiLink link = bootLink(boots);
        await().atMost(CEILING).until(() -> boots.size() == 1 && link.connected());

        ami.down();
        ami.up(); // Uptime 0, a moment after the first start

        await().atMost(CEILING).until(() -> boots.size() == 2 && link.connected());
        assertThat(boots).containsExactly(AmiLink.Boot.FIRST, AmiLink.Boot.RESTARTED);
    }

    @Test
    void without_an_uptime_a_reconnect_cannot_be_told_from_a_restart_and_counts_as_one() {
        ami.bootedAgo(Duration.ofHours(1));
        ami.withoutUptime();
        List<AmiLink.Boot> boots = new CopyOnWriteArrayList<>();
        AmiLink link = bootLink(boots);
        await().atMost(CEILING).until(() -> boots.size() == 1 && link.connected());

        ami.dropConnections();

        await().atMost(CEILING).until(() -> boots.size() == 2 && link.connected());
        assertThat(boots).containsExactly(AmiLink.Boot.FIRST, AmiLink.Boot.RESTARTED);
    }

    @Test
    void a_first_fully_booted_after_an_earlier_connection_ended_without_one_is_a_restart() {
        // the earlier connection may have pushed into an Asterisk that is gone now
        ami.bootedAgo(Duration.ofHours(1));
        ami.startBooting();
        List<AmiLink.Boot> boots = new CopyOnWriteArrayList<>();
        AmiLink link = bootLink(boots);
        await().atMost(CEILING).until(() -> ami.logins() == 1 && link.connected());
        ami.dropConnections();
        await().atMost(CEILING).until(() -> ami.logins() == 2 && link.connected());

        ami.finishBooting();

        await().atMost(CEILING).until(() -> boots.size() == 1);
        assertThat(boots).containsExactly(AmiLink.Boot.RESTARTED);
    }

    @Test
    void a_restart_merged_into_a_queued_callback_run_is_a_restart() throws Exception {
        ami.bootedAgo(Duration.ofHours(1));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<AmiLink.Boot> boots = new CopyOnWriteArrayList<>();
        AmiLink link = bootLink(boot -> {
            boots.add(boot);
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(entered.await(CEILING.toSeconds(), TimeUnit.SECONDS)).isTrue();

        // while the first run is busy: a reconnect to the same Asterisk, then a restart, both merged into one run
        ami.dropConnections();
        await().atMost(CEILING).until(() -> ami.logins() == 2 && link.connected());
        ami.restart();
        await().atMost(CEILING).until(() -> ami.logins() == 3 && link.connected());
        release.countDown();

        await().atMost(CEILING).until(() -> boots.size() == 2);
        assertThat(boots).containsExactly(AmiLink.Boot.FIRST, AmiLink.Boot.RESTARTED);
    }

    private AmiLink bootLink(List<AmiLink.Boot> boots) {
        return bootLink(boots::add);
    }

    private AmiLink bootLink(java.util.function.Consumer<AmiLink.Boot> onBooted) {
        AmiSettings settings = new AmiSettings("127.0.0.1", ami.port(), "hotdesk", SECRET, Duration.ofSeconds(5),
                Map.of("yealink", "check-sync;reboot=false"));
        AmiLink link = new AmiLink(settings, Map.of(), onBooted, call -> { }, NO_PING, Duration.ofMillis(20),
                Duration.ofMillis(200));
        links.add(link);
        link.start();
        return link;
    }

    // ---- the callback

    @Test
    void a_callback_that_throws_does_not_kill_the_link() {
        AtomicInteger calls = new AtomicInteger();
        AmiLink link = link(SECRET, Duration.ofSeconds(5), NO_PING, () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("reconcile exploded");
        });
        link.start();
        await().atMost(CEILING).until(() -> calls.get() == 1);

        link.phoneResync().checkSync("hd-1", "yealink");
        ami.restart();

        await().atMost(CEILING).until(() -> calls.get() == 2 && link.connected());
        assertThat(log.lines()).anyMatch(l -> l.startsWith("ERROR the FullyBooted handler failed; the AMI link stays up")
                && l.endsWith("| java.lang.IllegalStateException: reconcile exploded"));
        link.phoneResync().checkSync("hd-2", "yealink");
        assertThat(ami.notifies()).hasSize(2);
    }

    @Test
    void a_long_callback_neither_blocks_actions_nor_loses_a_fully_booted_that_arrives_meanwhile() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        AmiLink link = link(SECRET, Duration.ofSeconds(5), NO_PING, () -> {
            calls.incrementAndGet();
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        link.start();
        assertThat(entered.await(CEILING.toSeconds(), TimeUnit.SECONDS)).isTrue();

        link.phoneResync().checkSync("hd-1", "yealink"); // the reader is free while the callback runs
        ami.restart();
        await().atMost(CEILING).until(() -> ami.logins() == 2 && link.connected());
        assertThat(calls).hasValue(1);
        release.countDown();

        await().atMost(CEILING).until(() -> calls.get() == 2);
        assertThat(ami.notifies()).hasSize(1);
    }

    // ---- closing

    @Test
    void close_logs_off_and_stops_every_thread_it_started() {
        Set<Thread> before = amiThreads();
        AmiLink link = started();
        assertThat(difference(amiThreads(), before)).hasSize(2); // the reader and the callback thread

        link.close();

        assertThat(ami.actions()).last().isEqualTo("Logoff");
        assertThat(difference(amiThreads(), before)).isEmpty();
        assertThat(link.connected()).isFalse();
        assertThatThrownBy(() -> link.phoneResync().checkSync("hd-1", "yealink"))
                .isInstanceOfSatisfying(PbxException.class, e -> assertThat(e.retryable()).isTrue());
        assertThatThrownBy(link::start).isInstanceOf(IllegalStateException.class);
        link.close(); // idempotent
    }

    @Test
    void close_while_asterisk_is_down_stops_the_retrying_thread() {
        ami.down();
        Set<Thread> before = amiThreads();
        AmiLink link = link(SECRET, Duration.ofSeconds(5), NO_PING, booted::incrementAndGet);
        link.start();
        await().atMost(CEILING).until(() -> log.lines().stream().anyMatch(l -> l.contains("still down")));

        link.close();

        assertThat(difference(amiThreads(), before)).isEmpty();
    }

    @Test
    void close_interrupts_a_running_callback_and_waits_for_it() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Set<Thread> before = amiThreads();
        AmiLink link = link(SECRET, Duration.ofSeconds(5), NO_PING, () -> {
            entered.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        link.start();
        assertThat(entered.await(CEILING.toSeconds(), TimeUnit.SECONDS)).isTrue();

        link.close();

        assertThat(interrupted.getCount()).isZero();
        assertThat(difference(amiThreads(), before)).isEmpty();
    }

    // ---- helpers

    private AmiLink started() {
        AmiLink link = link(SECRET, Duration.ofSeconds(5), NO_PING, booted::incrementAndGet);
        link.start();
        await().atMost(CEILING).until(() -> booted.get() == 1 && link.connected());
        return link;
    }

    private AmiLink link(String secret, Duration timeout, Duration ping, Runnable onFullyBooted) {
        return link(secret, ami.port(), timeout, ping, Map.of(), onFullyBooted);
    }

    private AmiLink link(String secret, Duration timeout, Duration ping, Map<String, String> modules, Runnable onFullyBooted) {
        return link(secret, ami.port(), timeout, ping, modules, onFullyBooted);
    }

    private AmiLink link(String secret, int port, Duration timeout, Duration ping, Runnable onFullyBooted) {
        return link(secret, port, timeout, ping, Map.of(), onFullyBooted);
    }

    private AmiLink link(String secret, int port, Duration timeout, Duration ping, Map<String, String> modules,
                         Runnable onFullyBooted) {
        AmiSettings settings = new AmiSettings("127.0.0.1", port, "hotdesk", secret, timeout,
                Map.of("yealink", "check-sync;reboot=false"));
        AmiLink link = new AmiLink(settings, modules, onFullyBooted, ping, Duration.ofMillis(20), Duration.ofMillis(200));
        links.add(link);
        return link;
    }

    private static Set<Thread> amiThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("hotdesk-ami-"))
                .collect(Collectors.toSet());
    }

    private static Set<Thread> difference(Set<Thread> now, Set<Thread> before) {
        return now.stream().filter(t -> !before.contains(t)).collect(Collectors.toSet());
    }
}
