package hotdesk.ami;

import hotdesk.core.policy.RequiredModules;
import hotdesk.core.port.PbxException;
import hotdesk.testing.LogCapture;
import hotdesk.testing.RealAsterisk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link AmiLink} against a REAL Asterisk 22.10.1 from the shared kit ({@code ../shared/asterisk/real},
 * or {@code HOTDESK_ASTERISK_KIT}), started for this class in a temp dir on ports of its own with the
 * committed {@code asterisk-conf/} files, and stopped afterwards: the AstDB answers on present and
 * absent keys, ModuleCheck of every module hotdesk needs, PJSIPNotify of an unknown endpoint, a
 * restart. Skipped, saying why, where the kit is missing.
 */
class AmiLinkRealAsteriskTest {

    private static final Duration CEILING = Duration.ofSeconds(30);
    private static final String SECRET = "hotdesk-ami-change-me"; // asterisk-conf/manager_hotdesk.conf

    @TempDir
    static Path dir;
    private static RealAsterisk asterisk;
    private static int amiPort;

    private final AtomicInteger booted = new AtomicInteger();
    private final List<AmiLink> links = new ArrayList<>();
    private final LogCapture log = LogCapture.atDebug("hotdesk.ami");

    @BeforeAll
    static void startAsterisk() {
        RealAsterisk.assumeKit();
        asterisk = RealAsterisk.start(dir, hotdesk -> copy(Path.of("asterisk-conf"), hotdesk));
        amiPort = asterisk.amiPort();
    }

    @AfterAll
    static void stopAsterisk() {
        if (asterisk != null) {
            asterisk.close();
        }
    }

    @AfterEach
    void closeLinks() {
        links.forEach(AmiLink::close);
        log.close();
        assertThat(log.lines()).noneMatch(l -> l.contains(SECRET));
    }

    @Test
    void every_module_hotdesk_and_its_dialplan_need_is_there_and_a_missing_one_is_named() throws Exception {
        Map<String, String> modules = new LinkedHashMap<>(RequiredModules.of(
                Files.readString(Path.of("asterisk-conf", "extensions_hotdesk.conf")), "astdb"));
        modules.put("app_nosuch_hotdesk", "this test");

        started(modules);

        assertThat(log.lines()).filteredOn(l -> l.startsWith("ERROR")).containsExactly("ERROR Asterisk at 127.0.0.1:" + amiPort
                + " has no module app_nosuch_hotdesk loaded, needed for this test: install it and load it (module load"
                + " app_nosuch_hotdesk.so, and not noload in modules.conf)");
    }

    @Test
    void facts_are_written_and_deleted_a_key_that_was_never_there_counting_as_deleted() throws Exception {
        AmiLink link = started(Map.of());
        Map<String, String> idle = new LinkedHashMap<>();
        idle.put("desk/hd-real1/occupant", "");
        idle.put("desk/hd-real1/elin", "");
        idle.put("user/901/desk", "");

        link.dialplanState().put(idle); // none of them exists: Asterisk answers "could not be deleted"
        link.dialplanState().put(Map.of("desk/hd-real1/occupant", "901", "user/901/desk", "hd-real1"));
        assertThat(asterisk.rx("database show hotdesk"))
                .contains("/hotdesk/desk/hd-real1/occupant").contains("/hotdesk/user/901/desk");
        assertThat(link.dialplanState().all().orElseThrow())
                .containsEntry("desk/hd-real1/occupant", "901").containsEntry("user/901/desk", "hd-real1");
        link.dialplanState().put(idle);

        assertThat(asterisk.rx("database show hotdesk")).doesNotContain("hd-real1");
        assertThat(link.dialplanState().all().orElseThrow()).doesNotContainKeys("desk/hd-real1/occupant", "user/901/desk");
        assertThat(log.lines()).noneMatch(l -> l.startsWith("WARN") || l.startsWith("ERROR"));
    }

    @Test
    void check_sync_to_an_endpoint_asterisk_does_not_know_is_retryable() throws Exception {
        AmiLink link = started(Map.of());

        assertThatThrownBy(() -> link.phoneResync().checkSync("hd-nosuch", "yealink"))
                .isInstanceOfSatisfying(PbxException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).startsWith("AMI PJSIPNotify hd-nosuch → Error: Unable to retrieve endpoint hd-nosuch");
                });
    }

    @Test
    void a_restart_brings_a_second_fully_booted_and_the_link_back() throws Exception {
        AmiLink link = started(Map.of());

        asterisk.restart();

        await().atMost(CEILING).until(() -> booted.get() == 2 && link.connected());
        assertThat(log.lines()).anyMatch(l -> l.startsWith("INFO AMI link to 127.0.0.1:" + amiPort
                + " ended: Asterisk announced Shutdown"));
        link.dialplanState().put(Map.of("desk/hd-real2/elin", ""));
    }

    // ---- helpers

    private AmiLink started(Map<String, String> modules) {
        AmiSettings settings = new AmiSettings("127.0.0.1", amiPort, "hotdesk", SECRET, Duration.ofSeconds(5),
                Map.of("yealink", "check-sync;reboot=false"));
        AmiLink link = new AmiLink(settings, modules, booted::incrementAndGet);
        links.add(link);
        link.start();
        await().atMost(CEILING).until(() -> booted.get() == 1 && link.connected());
        return link;
    }

    private static void copy(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (f.toString().endsWith(".conf")) {
                    Files.copy(f, target);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
