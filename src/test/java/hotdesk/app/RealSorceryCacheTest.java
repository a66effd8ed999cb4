package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.testing.RealAsterisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The generated sorcery.conf puts a memory cache in front of the astdb wizard (the default
 * {@code asterisk.pjsip-wizard=astdb}). On the real Asterisk kit: what ARI pushes, changes and deletes
 * is seen at once through the cache, by ARI and by the CLI; lookups and new AORs no longer re-read
 * objects from AstDB; the objects still survive an Asterisk restart.
 *
 * <p>Every endpoint read from AstDB re-applies its stored JSON, which Asterisk 22 writes with the
 * removed option {@code stir_shaken} (its handler logs "Option 'stir_shaken' is no longer supported"
 * each time): the count of that warning is the count of endpoint reads from AstDB. An ARI update logs it
 * once as well (it copies the object), which marks where the log has got to.
 */
class RealSorceryCacheTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String REREAD = "Option 'stir_shaken' is no longer supported";

    @TempDir
    Path dir;

    private RealAsterisk asterisk;
    private AriClient ari;

    @BeforeAll
    static void kit() {
        RealAsterisk.assumeKit();
    }

    @BeforeEach
    void asteriskWithTheGeneratedFiles() throws IOException {
        Map<String, String> settings = KitSettings.of(dir, "cache");
        assertThat(Config.load(null, Map.of(), settings).string("asterisk.pjsip-wizard")).isEqualTo("astdb");
        asterisk = KitSettings.startAsterisk(dir.resolve("asterisk"), settings, conf -> { });
        ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER, AsteriskContract.ARI_PASSWORD,
                Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() {
        if (asterisk != null) {
            asterisk.close();
        }
    }

    @Test
    void a_push_a_change_and_a_delete_are_seen_at_once_through_the_cache() {
        assertThat(asterisk.rx("module show like res_sorcery_memory_cache")).contains("res_sorcery_memory_cache.so");
        push("hd-cache-1", "hotdesk-idle");

        assertContext("hd-cache-1", "hotdesk-idle");
        assertThat(cached("hotdesk-endpoint")).isEqualTo(1);
        assertThat(cached("hotdesk-aor")).isEqualTo(1);
        assertThat(cached("hotdesk-auth")).isEqualTo(1);

        // a login: the endpoint's context changes, read back at once (no wait) by ARI and the CLI
        ari.put("endpoint", "hd-cache-1", Map.of("context", "hotdesk-seated", "callerid", "\"Ann\" <101>"));
        assertContext("hd-cache-1", "hotdesk-seated");
        assertThat(asterisk.rx("pjsip show endpoint hd-cache-1")).contains("\"Ann\" <101>");

        assertThat(ari.delete("endpoint", "hd-cache-1")).isTrue();
        assertThat(ari.delete("aor", "hd-cache-1")).isTrue();
        assertThat(ari.delete("auth", "hd-cache-1")).isTrue();
        assertThat(ari.get("endpoint", "hd-cache-1")).isEmpty();
        assertThat(ari.get("aor", "hd-cache-1")).isEmpty();
        assertThat(ari.get("auth", "hd-cache-1")).isEmpty();
        assertThat(asterisk.rx("pjsip show endpoint hd-cache-1")).contains("Unable to find object hd-cache-1");
        assertThat(asterisk.rx("pjsip show endpoints")).doesNotContain("hd-cache-1");
        assertThat(asterisk.rx("database show hotdesk-pjsip")).doesNotContain("hd-cache-1");
        assertThat(cached("hotdesk-endpoint")).isZero();
    }

    @Test
    void lookups_and_new_aors_do_not_read_endpoints_from_astdb_again() {
        for (int i = 1; i <= 5; i++) {
            push("hd-cache-" + i, "hotdesk-idle");
        }
        ari.put("endpoint", "hd-cache-1", Map.of("context", "hotdesk-seated"));
        long before = awaitRereads(1);

        // astdb alone: one read per lookup, and every endpoint read again for the new AOR
        push("hd-cache-6", "hotdesk-idle");
        for (int i = 1; i <= 6; i++) {
            assertThat(ari.get("endpoint", "hd-cache-" + i)).isPresent();
            assertThat(asterisk.rx("pjsip show endpoint hd-cache-" + i)).contains("hotdesk-");
        }
        assertThat(asterisk.rx("pjsip show endpoints")).contains("hd-cache-6");
        ari.put("endpoint", "hd-cache-2", Map.of("context", "hotdesk-seated"));

        // the update's own warning marks the end: anything logged before it is in the log by then
        assertThat(awaitRereads(before + 1)).isEqualTo(before + 1);
    }

    @Test
    void pushed_objects_survive_an_asterisk_restart_and_changes_after_it_are_seen_at_once() {
        push("hd-cache-1", "hotdesk-seated");
        push("hd-cache-2", "hotdesk-idle");

        asterisk.restart();

        await().atMost(PATIENCE).ignoreExceptions().until(() -> ari.get("endpoint", "hd-cache-1").isPresent());
        assertContext("hd-cache-1", "hotdesk-seated");
        assertContext("hd-cache-2", "hotdesk-idle");
        assertThat(ari.get("auth", "hd-cache-2").orElseThrow()).containsEntry("username", "hd-cache-2");
        assertThat(asterisk.rx("pjsip show endpoints")).contains("hd-cache-1", "hd-cache-2");

        ari.put("endpoint", "hd-cache-2", Map.of("context", "hotdesk-seated"));
        assertContext("hd-cache-2", "hotdesk-seated");
        assertThat(ari.delete("endpoint", "hd-cache-1")).isTrue();
        assertThat(ari.get("endpoint", "hd-cache-1")).isEmpty();
        assertThat(asterisk.rx("pjsip show endpoints")).doesNotContain("hd-cache-1").contains("hd-cache-2");
    }

    private void push(String id, String context) {
        ari.put("auth", id, Map.of("auth_type", "userpass", "username", id, "password", "secret-" + id));
        ari.put("aor", id, Map.of("max_contacts", "1", "remove_existing", "yes"));
        Map<String, String> ep = new LinkedHashMap<>();
        ep.put("context", context);
        ep.put("disallow", "all");
        ep.put("allow", "ulaw");
        ep.put("aors", id);
        ep.put("auth", id);
        ari.put("endpoint", id, ep);
    }

    private void assertContext(String id, String context) {
        assertThat(ari.get("endpoint", id).orElseThrow()).containsEntry("context", context);
        assertThat(asterisk.rx("pjsip show endpoint " + id)).containsPattern("(?m)^ context\\s+: " + context + "$");
    }

    /** Objects in the named memory cache, from {@code sorcery memory cache show}. */
    private int cached(String cache) {
        String out = asterisk.rx("sorcery memory cache show " + cache);
        Matcher m = Pattern.compile("Number of objects within cache: (\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** Waits until the log holds at least {@code atLeast} re-read warnings and returns how many it holds. */
    private long awaitRereads(long atLeast) {
        await().atMost(PATIENCE).until(() -> rereads() >= atLeast);
        return rereads();
    }

    private long rereads() {
        return asterisk.log().lines().filter(l -> l.contains(REREAD)).count();
    }
}
