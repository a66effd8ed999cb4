package hotdesk.ari;

import hotdesk.testing.LogCapture;
import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.SecretHash;
import hotdesk.core.model.User;
import hotdesk.core.policy.PjsipProfile;
import hotdesk.core.policy.Projections;
import hotdesk.core.port.PbxException;
import hotdesk.core.port.PjsipObject;
import hotdesk.core.port.PjsipObject.Type;
import hotdesk.testing.FakeAri;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

/** AriPbx with the objects the core really computes (Projections), against the ARI-like fake. */
class AriPbxTest {

    private static final String ARI_PASSWORD = "ari-pw-Qq19x";
    private static final String DESK_SECRET = "desk-pw-Zx81q";
    private static final String CONFIG = "/ari/asterisk/config/dynamic/res_pjsip/";
    private static final String DESK = "hd-0015651234ab";

    private final FakeAri ari = new FakeAri("hotdesk", ARI_PASSWORD);
    private final AriPbx pbx = new AriPbx(new AriClient(settings(ARI_PASSWORD, Duration.ofSeconds(5))));
    private final Projections projections = new Projections(PjsipProfile.defaults());
    private final DeskLine line = new DeskLine(DESK, Mac.parse("00:15:65:12:34:AB"), 1, DESK_SECRET);
    private final Device device = new Device(line.mac(), "yealink", "T54W", "Desk 4.12", "HQ", "5551234", true);
    private final User alice = new User(Extension.of("201"), "Alice", new SecretHash("pbkdf2-sha256$1$c2FsdA==$aGFzaA=="),
            true, "internal", "201@default", "alice-sip-secret", true);

    @AfterEach
    void stop() {
        ari.close();
    }

    @Test
    void an_aor_already_there_as_wanted_is_not_put_again_so_registered_contacts_stay_dynamic() {
        pbx.push(projections.desk(line, device, Optional.empty()));
        int before = ari.requestCount();

        pbx.push(projections.desk(line, device, Optional.of(alice)));

        assertThat(ari.requests().subList(before, ari.requestCount()))
                .extracting(FakeAri.Request::method, FakeAri.Request::path)
                .containsExactly(
                        tuple("PUT", CONFIG + "auth/" + DESK + "-auth"),
                        tuple("GET", CONFIG + "aor/" + DESK),
                        tuple("PUT", CONFIG + "endpoint/" + DESK));
    }

    @Test
    void an_endpoint_naming_its_acl_already_is_updated_without_it_and_one_naming_another_is_created_anew() {
        // new: created with its ACL
        pbx.push(projections.desk(line, device, Optional.empty(), idle(), "hotdesk-default"));
        assertThat(ari.acls(DESK)).containsExactly("hotdesk-default");

        // the same ACL again (a login): updated without the field, which Asterisk would refuse (400) or append
        int before = ari.requestCount();
        pbx.push(projections.desk(line, device, Optional.of(alice), idle(), "hotdesk-default"));
        assertThat(ari.requests().subList(before, ari.requestCount())).filteredOn(r -> r.path().endsWith("endpoint/" + DESK))
                .extracting(FakeAri.Request::method, FakeAri.Request::status).containsExactly(tuple("GET", 200), tuple("PUT", 200));
        assertThat(ari.requests().get(ari.requestCount() - 1).attributes()).doesNotContain("acl");
        assertThat(ari.acls(DESK)).containsExactly("hotdesk-default");
        assertThat(ari.object("endpoint", DESK).orElseThrow()).containsEntry("context", "hotdesk-seated");

        // another ACL (the desk's site got networks): deleted and created again, so only the new one holds
        before = ari.requestCount();
        pbx.push(projections.desk(line, device, Optional.of(alice), idle(), "hotdesk-site-HQ"));
        assertThat(ari.requests().subList(before, ari.requestCount())).filteredOn(r -> r.path().endsWith("endpoint/" + DESK))
                .extracting(FakeAri.Request::method).containsExactly("GET", "DELETE", "PUT");
        assertThat(ari.acls(DESK)).containsExactly("hotdesk-site-HQ");
        assertThat(ari.object("endpoint", DESK).orElseThrow()).containsEntry("acl", "hotdesk-site-HQ")
                .containsEntry("context", "hotdesk-seated");
    }

    @Test
    void correct_reads_each_object_and_writes_only_the_one_that_differs() {
        List<PjsipObject> seated = projections.desk(line, device, Optional.of(alice), idle(), "hotdesk-default");
        pbx.push(seated);
        new AriClient(settings(ARI_PASSWORD, Duration.ofSeconds(5))).put("auth", DESK + "-auth", Map.of("password", "changed-behind-its-back"));
        int before = ari.requestCount();

        pbx.correct(seated);

        // callerid, allow and booleans read back in Asterisk's spelling and still count as right; the ACL is there already
        assertThat(ari.requests().subList(before, ari.requestCount()))
                .extracting(FakeAri.Request::method, FakeAri.Request::path)
                .containsExactly(
                        tuple("GET", CONFIG + "auth/" + DESK + "-auth"),
                        tuple("PUT", CONFIG + "auth/" + DESK + "-auth"),
                        tuple("GET", CONFIG + "aor/" + DESK),
                        tuple("GET", CONFIG + "endpoint/" + DESK));
        assertThat(ari.object("auth", DESK + "-auth").orElseThrow()).containsEntry("password", DESK_SECRET);

        // an endpoint that names another ACL is created anew, as push does
        before = ari.requestCount();
        pbx.correct(projections.desk(line, device, Optional.of(alice), idle(), "hotdesk-site-HQ"));
        assertThat(ari.requests().subList(before, ari.requestCount())).filteredOn(r -> r.path().endsWith("endpoint/" + DESK))
                .extracting(FakeAri.Request::method).containsExactly("GET", "DELETE", "PUT");
        assertThat(ari.acls(DESK)).containsExactly("hotdesk-site-HQ");
    }

    @Test
    void create_writes_without_reading_and_an_endpoint_there_with_its_acl_is_updated_as_push_would() {
        List<PjsipObject> idleDesk = projections.desk(line, device, Optional.empty(), idle(), "hotdesk-default");
        pbx.create(idleDesk);
        assertThat(ari.requests()).extracting(FakeAri.Request::method).containsOnly("PUT");

        int before = ari.requestCount();
        pbx.create(projections.desk(line, device, Optional.of(alice), idle(), "hotdesk-default").stream()
                .filter(o -> o.type() != Type.AOR).toList());

        assertThat(ari.requests().subList(before, ari.requestCount())).filteredOn(r -> r.path().endsWith("endpoint/" + DESK))
                .extracting(FakeAri.Request::method, FakeAri.Request::status)
                .containsExactly(tuple("PUT", 400), tuple("GET", 200), tuple("PUT", 200));
        assertThat(ari.acls(DESK)).containsExactly("hotdesk-default");
        assertThat(ari.object("endpoint", DESK).orElseThrow()).containsEntry("context", "hotdesk-seated");

        // any other refusal is the caller's to report
        assertThatThrownBy(() -> pbx.create(List.of(new PjsipObject(Type.AOR, DESK, Map.of("no_such_attribute", "1")))))
                .isInstanceOfSatisfying(PbxException.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void the_fake_refuses_the_same_acl_twice_and_appends_another_as_asterisk_22_does() {
        pbx.push(projections.desk(line, device, Optional.empty(), idle(), "hotdesk-default"));
        AriClient client = new AriClient(settings(ARI_PASSWORD, Duration.ofSeconds(5)));

        assertThatThrownBy(() -> client.put("endpoint", DESK, Map.of("acl", "hotdesk-default")))
                .isInstanceOf(AriException.class).hasMessageContaining("400");
        client.put("endpoint", DESK, Map.of("acl", "hotdesk-other"));
        assertThat(ari.acls(DESK)).containsExactly("hotdesk-default", "hotdesk-other");
        assertThat(client.get("endpoint", DESK).orElseThrow()).containsEntry("acl", "hotdesk-default");
    }

    private static hotdesk.core.policy.EmergencyLocation.Located idle() {
        return new hotdesk.core.policy.EmergencyLocation.Located("", hotdesk.core.policy.EmergencyLocation.ElinSource.NONE,
                hotdesk.core.model.CivicLocation.EMPTY, "", Optional.empty());
    }

    @Test
    void an_aor_whose_fields_differ_is_put() {
        pbx.push(List.of(new PjsipObject(Type.AOR, "201", Map.of("max_contacts", "5"))));
        int before = ari.requestCount();

        pbx.push(List.of(new PjsipObject(Type.AOR, "201", Map.of("max_contacts", "3"))));

        assertThat(ari.requests().subList(before, ari.requestCount())).extracting(FakeAri.Request::method)
                .containsExactly("GET", "PUT");
        assertThat(ari.object("aor", "201").orElseThrow()).containsEntry("max_contacts", "3");
    }

    @Test
    void push_puts_auth_then_aor_then_endpoint_with_every_field() {
        List<PjsipObject> objects = projections.desk(line, device, Optional.of(alice));

        pbx.push(objects);

        assertThat(ari.requests()).extracting(FakeAri.Request::method, FakeAri.Request::path, FakeAri.Request::status)
                .containsExactly(
                        tuple("PUT", CONFIG + "auth/" + DESK + "-auth", 200),
                        tuple("GET", CONFIG + "aor/" + DESK, 404),
                        tuple("PUT", CONFIG + "aor/" + DESK, 200),
                        tuple("PUT", CONFIG + "endpoint/" + DESK, 200));
        List<FakeAri.Request> puts = ari.requests().stream().filter(r -> r.method().equals("PUT")).toList();
        for (int i = 0; i < 3; i++) {
            assertThat(puts.get(i).attributes()).containsExactlyElementsOf(objects.get(i).fields().keySet());
        }
        assertThat(ari.object("endpoint", DESK).orElseThrow())
                .containsEntry("callerid", "\"Alice\" <201>")
                .containsEntry("context", "hotdesk-seated") // the desk's context; the user's is an AstDB fact
                .containsEntry("accountcode", "201")
                .containsEntry("mailboxes", "201@default")
                .containsEntry("aors", DESK)
                .containsEntry("auth", DESK + "-auth")
                .containsEntry("transport", "transport-udp")
                .containsEntry("allow", "(ulaw|alaw)")
                .containsEntry("direct_media", "false")
                .containsEntry("rewrite_contact", "true");
        assertThat(ari.object("aor", DESK).orElseThrow()).containsEntry("max_contacts", "1").containsEntry("remove_existing", "true");
        assertThat(ari.object("auth", DESK + "-auth").orElseThrow()).containsEntry("username", DESK)
                .containsEntry("password", DESK_SECRET);
    }

    @Test
    void the_full_field_set_clears_what_a_previous_occupant_left_because_asterisk_merges() {
        pbx.push(projections.desk(line, device, Optional.of(alice)));

        // a partial update (what a careless adapter would send) keeps the occupant's identity
        new AriClient(settings(ARI_PASSWORD, Duration.ofSeconds(5)))
                .put("endpoint", DESK, Map.of("context", "hotdesk-idle"));
        assertThat(ari.object("endpoint", DESK).orElseThrow())
                .containsEntry("accountcode", "201").containsEntry("mailboxes", "201@default");

        pbx.push(projections.desk(line, device, Optional.empty()));

        assertThat(ari.object("endpoint", DESK).orElseThrow())
                .containsEntry("context", "hotdesk-idle")
                .containsEntry("callerid", "\"Desk 4.12\" <5551234>")
                .containsEntry("accountcode", "")
                .containsEntry("mailboxes", "");
    }

    @Test
    void pushing_the_same_objects_twice_is_harmless() {
        pbx.push(projections.user(alice, List.of(DESK)));
        Map<String, String> first = ari.object("endpoint", "201").orElseThrow();

        pbx.push(projections.user(alice, List.of(DESK)));

        assertThat(ari.object("endpoint", "201").orElseThrow()).isEqualTo(first).containsEntry("aors", DESK + ",201");
    }

    @Test
    void an_endpoint_from_pjsip_conf_fails_without_retry_and_says_so() {
        ari.configObject("endpoint", DESK, Map.of("context", "hotdesk-idle"));

        assertThatThrownBy(() -> pbx.push(projections.desk(line, device, Optional.of(alice))))
                .isInstanceOfSatisfying(PbxException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("403", "endpoint '" + DESK + "' is defined in pjsip.conf",
                            "remove it there or let hotdesk own it");
                });
        assertThat(ari.object("endpoint", DESK).orElseThrow()).containsEntry("context", "hotdesk-idle");
    }

    @Test
    void wrong_credentials_fail_without_retry_at_the_first_object() {
        AriPbx wrong = new AriPbx(new AriClient(settings("not-it", Duration.ofSeconds(5))));

        assertThatThrownBy(() -> wrong.push(projections.desk(line, device, Optional.of(alice))))
                .isInstanceOfSatisfying(PbxException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("401", "Authentication required");
                });
        assertThat(ari.requests()).extracting(FakeAri.Request::status).containsExactly(401);
    }

    @Test
    void an_attribute_asterisk_does_not_know_fails_without_retry() {
        PjsipProfile typo = new PjsipProfile("transport-udp", "ulaw", "hotdesk-idle", 5, Map.of("direct_medya", "no"));

        assertThatThrownBy(() -> pbx.push(new Projections(typo).desk(line, device, Optional.empty())))
                .isInstanceOfSatisfying(PbxException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("400", "Creation of object '" + DESK + "' failed field value validation");
                });
    }

    @Test
    void an_outage_is_retryable_and_the_same_push_succeeds_once_asterisk_is_back() {
        List<PjsipObject> objects = projections.desk(line, device, Optional.of(alice));
        ari.down();

        assertThatThrownBy(() -> pbx.push(objects))
                .isInstanceOfSatisfying(PbxException.class, e -> assertThat(e.retryable()).isTrue());

        ari.up();
        pbx.push(objects);
        assertThat(ari.object("endpoint", DESK)).isPresent();
    }

    @Test
    void a_slow_asterisk_is_a_retryable_timeout() {
        AriPbx impatient = new AriPbx(new AriClient(settings(ARI_PASSWORD, Duration.ofMillis(300))));
        ari.slow(Duration.ofSeconds(10));

        assertThatThrownBy(() -> impatient.push(projections.desk(line, device, Optional.empty())))
                .isInstanceOfSatisfying(PbxException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("timed out");
                });
    }

    @Test
    void restart_wipes_pushed_objects_and_a_new_push_restores_them() {
        pbx.push(projections.desk(line, device, Optional.of(alice)));

        ari.restart();
        assertThat(ari.object("endpoint", DESK)).isEmpty();
        assertThat(ari.object("auth", DESK + "-auth")).isEmpty();

        pbx.push(projections.desk(line, device, Optional.of(alice)));
        assertThat(ari.object("endpoint", DESK).orElseThrow()).containsEntry("context", "hotdesk-seated");
    }

    @Test
    void remove_deletes_endpoint_then_aor_then_auth() {
        pbx.push(projections.desk(line, device, Optional.empty()));
        int before = ari.requestCount();

        pbx.remove(Projections.typesForRemoval(), Projections.idsForRemoval(DESK));

        assertThat(ari.requests().subList(before, ari.requestCount()))
                .extracting(FakeAri.Request::method, FakeAri.Request::path, FakeAri.Request::status)
                .containsExactly(
                        tuple("DELETE", CONFIG + "endpoint/" + DESK, 204),
                        tuple("DELETE", CONFIG + "aor/" + DESK, 204),
                        tuple("DELETE", CONFIG + "auth/" + DESK + "-auth", 204));
        for (String type : List.of("endpoint", "aor")) {
            assertThat(ari.object(type, DESK)).isEmpty();
        }
        assertThat(ari.object("auth", DESK + "-auth")).isEmpty();
    }

    @Test
    void remove_treats_objects_already_gone_as_done() {
        pbx.push(projections.desk(line, device, Optional.empty()));
        new AriClient(settings(ARI_PASSWORD, Duration.ofSeconds(5))).delete("endpoint", DESK);
        int before = ari.requestCount();

        pbx.remove(Projections.typesForRemoval(), Projections.idsForRemoval(DESK));
        pbx.remove(Projections.typesForRemoval(), Projections.idsForRemoval(DESK));

        assertThat(ari.requests().subList(before, ari.requestCount())).extracting(FakeAri.Request::status)
                .containsExactly(404, 204, 204, 404, 404, 404);
    }

    @Test
    void removing_an_object_from_pjsip_conf_fails_without_retry() {
        ari.configObject("endpoint", DESK, Map.of("context", "hotdesk-idle"));

        assertThatThrownBy(() -> pbx.remove(Projections.typesForRemoval(), Projections.idsForRemoval(DESK)))
                .isInstanceOfSatisfying(PbxException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("Could not delete object with id '" + DESK + "'", "pjsip.conf");
                });
        assertThat(ari.requestCount()).isEqualTo(1);
    }

    @Test
    void remove_needs_one_id_per_type() {
        assertThatThrownBy(() -> pbx.remove(List.of(Type.ENDPOINT, Type.AOR), List.of(DESK)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ari.requestCount()).isZero();
    }

    @Test
    void set_var_anywhere_in_the_list_is_refused_before_the_first_request() {
        List<PjsipObject> objects = new ArrayList<>(projections.desk(line, device, Optional.of(alice)));
        Map<String, String> poisoned = new LinkedHashMap<>(objects.get(2).fields());
        poisoned.put("set_var", "HOTDESK_USER=201");
        objects.set(2, new PjsipObject(Type.ENDPOINT, DESK, poisoned));

        assertThatThrownBy(() -> pbx.push(objects)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set_var");
        assertThat(ari.requestCount()).isZero();
    }

    @Test
    void an_object_without_fields_is_refused_before_the_first_request() {
        List<PjsipObject> objects = List.of(new PjsipObject(Type.AOR, DESK, Map.of("max_contacts", "1")),
                new PjsipObject(Type.ENDPOINT, DESK, Map.of()));

        assertThatThrownBy(() -> pbx.push(objects)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ari.requestCount()).isZero();
    }

    @Test
    void no_secret_reaches_exception_messages_or_log_lines() {
        List<String> texts = new ArrayList<>();
        try (LogCapture log = LogCapture.atDebug("hotdesk.ari")) {
            pbx.push(projections.desk(line, device, Optional.of(alice)));
            ari.configObject("auth", "201-auth", Map.of("username", "201"));
            Throwable refused = catchThrowable(
                    () -> pbx.push(projections.user(alice, List.of(DESK))));
            Throwable unauthorised = catchThrowable(
                    () -> new AriPbx(new AriClient(settings(ARI_PASSWORD + "x", Duration.ofSeconds(5))))
                            .push(projections.desk(line, device, Optional.empty())));
            pbx.remove(Projections.typesForRemoval(), Projections.idsForRemoval(DESK));
            texts.addAll(log.lines());
            assertThat(refused).isInstanceOf(PbxException.class);
            assertThat(unauthorised).isInstanceOf(PbxException.class);
            texts.add(refused.toString());
            texts.add(unauthorised.toString());
        }

        assertThat(texts).hasSizeGreaterThan(6).allSatisfy(t -> assertThat(t)
                .doesNotContain(DESK_SECRET).doesNotContain("alice-sip-secret").doesNotContain(ARI_PASSWORD));
    }

    private AriSettings settings(String password, Duration timeout) {
        return new AriSettings(ari.baseUrl(), "hotdesk", password, timeout);
    }
}
