package hotdesk.app;

import hotdesk.ami.AmiLink;
import hotdesk.ami.AmiSettings;
import hotdesk.ari.AriClient;
import hotdesk.ari.AriPbx;
import hotdesk.ari.AriSettings;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.BeforeEach;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The adapters against a REAL Asterisk 22 configured with {@code asterisk-conf/}: what the fakes model
 * is checked against the real thing (ARI push creates and merges endpoint/aor/auth, an unknown
 * attribute is refused, AMI logs in and sees FullyBooted, PJSIPNotify "succeeds" for an unregistered
 * endpoint, AstDB writes and deletes). Subclasses say where that Asterisk is: {@link RealAsteriskTest}
 * (environment variables) and {@link DockerAsteriskTest} (Testcontainers); both are reported as
 * skipped when they have none.
 */
abstract class AsteriskContract {

    /** Where the Asterisk under test listens. */
    record Target(URI ariUrl, String ariUser, String ariPassword, String amiHost, int amiPort, String amiUser,
                  String amiSecret) {
    }

    abstract Target target();

    private static final String MAC = "00:15:65:fe:ed:01";

    private final AtomicInteger booted = new AtomicInteger();
    private AriClient ari;
    private AmiLink ami;
    private final Projections projections = new Projections(PjsipProfile.defaults());
    private final DeskLine line = new DeskLine(Mac.parse(MAC).endpointId(), Mac.parse(MAC), 1, "It-Desk-Secret-0123456789");
    private final Device device = new Device(Mac.parse(MAC), "yealink", "T54W", "IT desk", "", "", true);

    @BeforeEach
    void connect() {
        Target t = target();
        ari = new AriClient(new AriSettings(t.ariUrl(), t.ariUser(), t.ariPassword(), Duration.ofSeconds(5)));
        ami = new AmiLink(new AmiSettings(t.amiHost(), t.amiPort(), t.amiUser(), t.amiSecret(), Duration.ofSeconds(5),
                Map.of("yealink", "check-sync;reboot=false")), booted::incrementAndGet);
    }

    @AfterEach
    void cleanUp() {
        try {
            new AriPbx(ari).remove(Projections.typesForRemoval(), Projections.idsForRemoval(line.endpointId()));
            new AriPbx(ari).remove(Projections.typesForRemoval(), Projections.idsForRemoval("19901"));
        } finally {
            ami.close();
        }
    }

    @Test
    void ari_push_creates_and_merges_the_desk_objects() {
        AriPbx pbx = new AriPbx(ari);
        User alice = new User(Extension.of("19901"), "IT Alice", new SecretHash("pbkdf2-sha256$1000$AAAA$AAAA"), true,
                "default", "", "It-User-Secret-0123456789", false);

        pbx.push(projections.desk(line, device, Optional.empty()));
        pbx.push(projections.user(alice, Optional.of(line.endpointId())));
        pbx.push(projections.desk(line, device, Optional.of(alice)));

        Map<String, String> ep = ari.get("endpoint", line.endpointId()).orElseThrow();
        assertThat(ep).containsEntry("context", "default").containsEntry("accountcode", "19901");
        assertThat(ep.get("callerid")).isEqualTo("\"IT Alice\" <19901>");
        assertThat(ari.get("endpoint", "19901").orElseThrow().get("aors")).isEqualTo(line.endpointId() + ",19901");
        assertThat(ari.get("aor", line.endpointId())).isPresent();
        assertThat(ari.get("auth", Projections.authId(line.endpointId()))).isPresent();
    }

    @Test
    void an_unknown_attribute_is_refused_without_changing_the_object() {
        AriPbx pbx = new AriPbx(ari);
        pbx.push(projections.desk(line, device, Optional.empty()));

        assertThatThrownBy(() -> pbx.push(List.of(new PjsipObject(PjsipObject.Type.ENDPOINT, line.endpointId(),
                Map.of("no_such_attribute", "1"))))).isInstanceOf(PbxException.class);
        assertThat(ari.get("endpoint", line.endpointId()).orElseThrow()).containsEntry("context", "hotdesk-idle");
    }

    @Test
    void ami_logs_in_and_notify_and_astdb_behave_as_recorded() {
        ami.start();
        await().atMost(Duration.ofSeconds(30)).until(ami::connected);
        await().atMost(Duration.ofSeconds(30)).until(() -> booted.get() >= 1);
        new AriPbx(ari).push(projections.desk(line, device, Optional.empty()));

        // NOTIFY "sent" although no phone is registered: success means queued, nothing more
        ami.phoneResync().checkSync(line.endpointId(), "yealink");
        assertThatThrownBy(() -> ami.phoneResync().checkSync("hotdesk-it-no-such-endpoint", "yealink"))
                .isInstanceOf(PbxException.class);
        ami.dialplanState().put(Map.of("it/probe", "42"));
        ami.dialplanState().put(Map.of("it/probe", ""));
        ami.dialplanState().put(Map.of("it/probe", ""));
    }
}
