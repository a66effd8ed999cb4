package hotdesk.asteriskconf;

import hotdesk.core.policy.DialCodePlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import hotdesk.core.model.Site;
import hotdesk.core.model.SitePhoneSettings;
import hotdesk.core.policy.TrustedNetworks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static hotdesk.asteriskconf.AsteriskConfWriter.ACL;
import static hotdesk.asteriskconf.AsteriskConfWriter.ARI;
import static hotdesk.asteriskconf.AsteriskConfWriter.EXTENSIONS;
import static hotdesk.asteriskconf.AsteriskConfWriter.HTTP;
import static hotdesk.asteriskconf.AsteriskConfWriter.MANAGER;
import static hotdesk.asteriskconf.AsteriskConfWriter.PJSIP;
import static hotdesk.asteriskconf.AsteriskConfWriter.PJSIP_NOTIFY;
import static hotdesk.asteriskconf.AsteriskConfWriter.README;
import static hotdesk.asteriskconf.AsteriskConfWriter.SORCERY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class AsteriskConfWriterTest {

    static final AsteriskConfSettings D = AsteriskConfSettings.defaults();
    static final Map<String, String> FILES = AsteriskConfWriter.render(D);

    static AsteriskConfSettings secrets(String amiSecret, String ariPassword) {
        return new AsteriskConfSettings(D.codes(), D.agiUrl(), D.idleContext(), D.idleInternalCalls(), D.internalPattern(),
                D.amiUser(), amiSecret, D.ariUser(), ariPassword, D.pjsipWizard());
    }

    /** The section → key = value lines of an Asterisk config text, comments removed. */
    static Map<String, List<String>> sections(String text) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String section = null;
        for (String raw : text.split("\n")) {
            String line = Dialplan.stripComment(raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("[")) {
                section = line.substring(1, line.indexOf(']'));
                assertThat(out).as("section [%s] twice", section).doesNotContainKey(section);
                out.put(section, new java.util.ArrayList<>());
            } else {
                assertThat(section).as("line outside a section: " + raw).isNotNull();
                out.get(section).add(line.replaceFirst("\\s*(=>|=)\\s*", " $1 "));
            }
        }
        return out;
    }

    @Test
    void the_committed_asterisk_conf_directory_is_exactly_what_the_defaults_render() throws IOException {
        Path committed = Path.of("asterisk-conf");
        Map<String, String> onDisk = new TreeMap<>();
        try (Stream<Path> files = Files.list(committed)) {
            for (Path f : files.toList()) {
                onDisk.put(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8));
            }
        }

        assertThat(onDisk).as("regenerate asterisk-conf/ with AsteriskConfWriter.write(AsteriskConfSettings.defaults(), ...)")
                .isEqualTo(new TreeMap<>(FILES));
    }

    @Test
    void the_files_come_in_the_order_the_readme_explains_them() {
        assertThat(FILES.keySet()).containsExactly(EXTENSIONS, SORCERY, MANAGER, ARI, HTTP, PJSIP_NOTIFY, PJSIP, ACL, README);
    }

    @Test
    void the_acl_file_has_a_loopback_default_and_one_acl_per_site_with_networks_each_denying_all_then_permitting_ipv4_and_ipv6() {
        Site branch = new Site("Branch", "", null, null, new SitePhoneSettings("", 0, "", "", 0,
                List.of("10.1.0.0/16", "fd00:1::/64")));
        Site zurich = new Site("Zürich Süd", "", null, null, new SitePhoneSettings("", 0, "", "", 0, List.of("192.0.2.0/24")));
        Site without = new Site("Annex", "", null, null);

        String shipped = FILES.get(ACL);
        String acl = AsteriskConfWriter.render(AsteriskConfSettings.defaults(),
                TrustedNetworks.acls(List.of("10.0.0.0/8"), List.of(zurich, without, branch))).get(ACL);

        assertThat(sections(shipped)).containsExactly(Map.entry("hotdesk-default",
                List.of("deny = 0.0.0.0/0", "deny = ::/0", "permit = 127.0.0.0/8", "permit = ::1/128")));
        Map<String, List<String>> sections = sections(acl);
        assertThat(sections.keySet()).containsExactly("hotdesk-default", "hotdesk-site-Branch",
                TrustedNetworks.siteAcl("Zürich Süd"));
        assertThat(TrustedNetworks.siteAcl("Zürich Süd")).matches("hotdesk-site-z-rich-s-d-[0-9a-f]{8}")
                .isNotEqualTo(TrustedNetworks.siteAcl("Zurich-Sud"));
        assertThat(sections.get("hotdesk-default")).containsExactly("deny = 0.0.0.0/0", "deny = ::/0", "permit = 10.0.0.0/8");
        assertThat(sections.get("hotdesk-site-Branch")).containsExactly("deny = 0.0.0.0/0", "deny = ::/0",
                "permit = 10.1.0.0/16", "permit = fd00:1::/64");
        assertThat(acl).contains("#include hotdesk/acl_hotdesk.conf", "module reload acl");
    }

    @Test
    void every_file_starts_with_a_comment_naming_the_generator_and_the_settings_that_produced_it() {
        String[] settings = {"codes.login=*70", "codes.login-star=*77*", "codes.otp=00*,00#", "codes.logout=*71,*77*5*,00#,00",
                "emergency.numbers=911,112,999", "asterisk.agi-url=agi://127.0.0.1:4573", "pjsip.idle-context=hotdesk-idle",
                "asterisk.idle-internal-calls=false", "asterisk.internal-pattern=_1XX", "ami.user=hotdesk", "ari.user=hotdesk"};
        FILES.forEach((name, text) -> {
            String comment = name.endsWith(".md")
                    ? text.substring(0, text.indexOf("-->"))
                    : text.lines().takeWhile(l -> l.startsWith(";")).reduce("", (a, b) -> a + b + "\n");
            assertThat(text).as(name).startsWith(name.endsWith(".md") ? "<!-- " + name : "; " + name);
            assertThat(comment).as(name).contains("Generated by `hotdesk asterisk-conf --out DIR`").contains(settings);
        });
    }

    @Test
    void the_header_follows_the_settings() {
        AsteriskConfSettings s = new AsteriskConfSettings(DialCodePlan.of("#1", "*8*", "**9", "#0", "110"), "agi://[::1]:4600",
                "free", true, "_2XX", "hd-ami", D.amiSecret(), "hd-ari", D.ariPassword());

        AsteriskConfWriter.render(s).values().forEach(text -> assertThat(text).contains("codes.login=#1", "codes.otp=**9",
                "asterisk.agi-url=agi://[::1]:4600", "pjsip.idle-context=free", "asterisk.idle-internal-calls=true",
                "asterisk.internal-pattern=_2XX", "ami.user=hd-ami", "ari.user=hd-ari"));
    }

    @Test
    void each_secret_is_written_once_where_asterisk_reads_it_and_nowhere_else() {
        Map<String, String> files = AsteriskConfWriter.render(secrets("Ami-S3cret!x", "Ari-S3cret?y"));

        assertThat(sections(files.get(MANAGER)).get("hotdesk")).contains("secret = Ami-S3cret!x");
        assertThat(sections(files.get(ARI)).get("hotdesk")).contains("password = Ari-S3cret?y");
        String all = String.join("\n", files.values());
        assertThat(all.split(java.util.regex.Pattern.quote("Ami-S3cret!x"), -1)).hasSize(2);
        assertThat(all.split(java.util.regex.Pattern.quote("Ari-S3cret?y"), -1)).hasSize(2);
    }

    @Test
    void nothing_rendered_opens_an_asterisk_block_comment_or_holds_a_control_character() {
        List<AsteriskConfSettings> variants = List.of(D,
                new AsteriskConfSettings(D.codes(), D.agiUrl(), "a--", true, "_2XX", "b--", "--secret--", "c--", "x--y--x--"));
        for (AsteriskConfSettings s : variants) {
            AsteriskConfWriter.render(s).forEach((name, text) -> {
                assertThat(text).as(name).doesNotContain(";--", "--;", "\r", "\t").endsWith("\n");
                assertThat(text.chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
            });
        }
    }

    @Test
    void the_ami_users_have_least_privilege_on_the_loopback_only() {
        Map<String, List<String>> users = sections(FILES.get(MANAGER));

        assertThat(users.get("hotdesk")).containsExactly("secret = hotdesk-ami-change-me", "deny = 0.0.0.0/0.0.0.0",
                "permit = 127.0.0.1/255.255.255.255", "read = system,user,call", "write = system,reporting", "writetimeout = 5000");
        assertThat(users.get("hotdesk-test")).containsExactly("secret = hotdesk-ami-test-change-me", "deny = 0.0.0.0/0.0.0.0",
                "permit = 127.0.0.1/255.255.255.255", "read = user", "write = originate,reporting", "writetimeout = 5000");
        assertThat(users).containsOnlyKeys("hotdesk", "hotdesk-test"); // [general] is merged by hand
        assertThat(FILES.get(MANAGER)).contains("PJSIPNotify   system", "DBPut, DBDel  system", "DBGet         system or reporting",
                "ModuleCheck   system", "ShowDialPlan  config or reporting", "Originate     originate",
                "Getvar        call or reporting", "read = user", "bindaddr = 127.0.0.1");
    }

    @Test
    void without_a_test_call_user_nothing_in_the_file_may_originate() {
        Map<String, String> files = AsteriskConfWriter.render(new AsteriskConfSettings(D.codes(), D.agiUrl(), D.idleContext(),
                false, D.internalPattern(), D.amiUser(), D.amiSecret(), D.ariUser(), D.ariPassword(), D.pjsipWizard(), "", null));

        assertThat(sections(files.get(MANAGER))).containsOnlyKeys("hotdesk");
        assertThat(files.get(MANAGER)).contains("No test-call user (ami.test-user is empty)").doesNotContain("write = originate");
    }

    @Test
    void no_ami_user_may_write_both_system_and_originate() {
        // with both, Originate may start System() (checked on Asterisk 22.10.1): whoever has the secret runs programs
        sections(FILES.get(MANAGER)).forEach((user, lines) -> {
            String write = lines.stream().filter(l -> l.startsWith("write = ")).findFirst().orElseThrow();
            assertThat(write.contains("system") && write.contains("originate")).as("[%s] %s", user, write).isFalse();
        });
    }

    @Test
    void the_ari_user_http_server_sorcery_transport_and_notify_entries_are_as_asterisk_22_needs_them() {
        assertThat(sections(FILES.get(ARI))).containsExactly(Map.entry("hotdesk",
                List.of("type = user", "read_only = no", "password = hotdesk-ari-change-me", "password_format = plain")));
        assertThat(sections(FILES.get(HTTP))).containsExactly(Map.entry("general",
                List.of("enabled = yes", "bindaddr = 127.0.0.1", "bindport = 8088")));
        // astdb behind a memory cache: astdb alone re-reads an object on every lookup (login-rush stall)
        assertThat(sections(FILES.get(SORCERY))).containsExactly(Map.entry("res_pjsip", List.of(
                "endpoint = config,pjsip.conf,criteria=type=endpoint",
                "endpoint/cache = memory_cache,name=hotdesk-endpoint,full_backend_cache=yes,expire_on_reload=yes",
                "endpoint = astdb,hotdesk-pjsip",
                "aor = config,pjsip.conf,criteria=type=aor",
                "aor/cache = memory_cache,name=hotdesk-aor,full_backend_cache=yes,expire_on_reload=yes",
                "aor = astdb,hotdesk-pjsip",
                "auth = config,pjsip.conf,criteria=type=auth",
                "auth/cache = memory_cache,name=hotdesk-auth,full_backend_cache=yes,expire_on_reload=yes",
                "auth = astdb,hotdesk-pjsip")));
        assertThat(sections(FILES.get(PJSIP))).containsExactly(Map.entry("transport-udp",
                List.of("type = transport", "protocol = udp", "bind = 0.0.0.0:5060")));
        Map<String, List<String>> notify = sections(FILES.get(PJSIP_NOTIFY));
        assertThat(notify).containsOnlyKeys("check-sync", "check-sync-reboot", "yealink-check-cfg");
        assertThat(notify.get("check-sync")).containsExactly("Event => check-sync");
        // a bare ; would cut the value short: it is escaped
        assertThat(notify.get("check-sync-reboot")).containsExactly("Event => check-sync\\;reboot=true");
        assertThat(notify.get("yealink-check-cfg")).containsExactly("Event => check-sync\\;reboot=false");
    }

    @Test
    void the_default_astdb_wizard_keeps_pushed_objects_and_the_memory_wizard_only_changes_sorcery_and_the_readme() {
        assertThat(FILES.get(SORCERY)).contains("asterisk.pjsip-wizard=astdb", "astdb.sqlite3", "FullyBooted",
                        "copy the nine lines", "res_sorcery_memory_cache", "sorcery memory cache populate")
                .doesNotContain("NOT YET VERIFIED", "six lines");
        assertThat(FILES.get(README)).contains("the nine `endpoint`/`aor`/`auth` lines", "`memory_cache` cache, then astdb",
                "caches `hotdesk-endpoint`, `hotdesk-aor`, `hotdesk-auth`");
        assertThat(FILES.get(README)).contains("kept in AstDB too (`asterisk.pjsip-wizard=astdb`)", "checked\non a real Asterisk 22")
                .doesNotContain("the desks cannot place any call", "not yet verified");
        AsteriskConfSettings memory = new AsteriskConfSettings(D.codes(), D.agiUrl(), D.idleContext(), D.idleInternalCalls(),
                D.internalPattern(), D.amiUser(), D.amiSecret(), D.ariUser(), D.ariPassword(),
                AsteriskConfSettings.PjsipWizard.MEMORY);

        Map<String, String> files = AsteriskConfWriter.render(memory);

        assertThat(sections(files.get(SORCERY))).containsExactly(Map.entry("res_pjsip", List.of(
                "endpoint = config,pjsip.conf,criteria=type=endpoint", "endpoint = memory",
                "aor = config,pjsip.conf,criteria=type=aor", "aor = memory",
                "auth = config,pjsip.conf,criteria=type=auth", "auth = memory")));
        assertThat(files.get(SORCERY)).contains("asterisk.pjsip-wizard=memory", "Memory objects vanish when Asterisk restarts",
                "copy the six lines").doesNotContain("memory_cache", "nine lines");
        assertThat(files.get(README)).contains("the six `endpoint`/`aor`/`auth` lines").doesNotContain("memory_cache");
        assertThat(files.get(README)).contains("the desks cannot place any call", "`asterisk.pjsip-wizard=astdb` (the default)")
                .doesNotContain("kept in AstDB too");
        // nothing else changes with the wizard
        files.keySet().stream().filter(f -> !f.equals(SORCERY) && !f.equals(README)).forEach(f ->
                assertThat(files.get(f).replace("asterisk.pjsip-wizard=memory", "asterisk.pjsip-wizard=astdb"))
                        .as(f).isEqualTo(FILES.get(f)));
    }

    @Test
    void the_emergency_route_and_the_idle_desk_use_only_built_in_applications_before_dial() {
        // a missing application ends the call where it stands (ExecIf without app_exec did on Asterisk 22)
        AsteriskConfSettings internal = new AsteriskConfSettings(D.codes(), D.agiUrl(), D.idleContext(), true,
                D.internalPattern(), D.amiUser(), D.amiSecret(), D.ariUser(), D.ariPassword(), D.pjsipWizard());
        for (Map<String, String> files : List.of(FILES, AsteriskConfWriter.render(internal))) {
            Map<String, List<String>> contexts = sections(files.get(EXTENSIONS));
            for (String context : List.of("hotdesk-emergency", "hotdesk-emergency-out", "hotdesk-emergency-fallback",
                    D.idleContext(), "hotdesk-seated")) {
                List<String> apps = contexts.get(context).stream()
                        .filter(l -> l.startsWith("exten =>") || l.startsWith("same =>"))
                        .map(l -> l.startsWith("exten") ? l.replaceFirst("^[^,]*,[^,]*,", "") : l.replaceFirst("^[^,]*,", ""))
                        .map(l -> l.replaceFirst("\\(.*", ""))
                        .distinct().toList();
                // UserEvent and Originate announce the call before the Dial (issue 10); their modules are
                // required ones that serve and doctor check, like app_dial's
                assertThat(apps).as(context).isSubsetOf("NoOp", "GotoIf", "Set", "Goto", "Hangup", "Gosub", "Dial", "Log",
                        "Playback", "UserEvent", "Originate");
            }
        }
    }

    @Test
    void the_readme_lists_every_module_the_dialplan_and_hotdesk_need() {
        Map<String, String> modules = hotdesk.core.policy.RequiredModules.of(FILES.get(EXTENSIONS), D.pjsipWizard().toString());

        assertThat(modules).containsKeys("res_agi", "app_dial", "func_db", "res_sorcery_astdb", "res_pjsip_notify");
        modules.keySet().forEach(m -> assertThat(FILES.get(README)).contains("| `" + m + "` |"));
        assertThat(FILES.get(README)).doesNotContain("`app_exec`");
    }

    @Test
    void user_names_from_the_settings_become_the_section_names() {
        Map<String, String> files = AsteriskConfWriter.render(new AsteriskConfSettings(D.codes(), D.agiUrl(), D.idleContext(),
                false, D.internalPattern(), "pbx-sync", D.amiSecret(), "pbx.push", D.ariPassword(), D.pjsipWizard(), "pbx-test",
                "Test-S3cret%z"));

        assertThat(sections(files.get(MANAGER))).containsOnlyKeys("pbx-sync", "pbx-test");
        assertThat(sections(files.get(MANAGER)).get("pbx-test")).contains("secret = Test-S3cret%z");
        assertThat(sections(files.get(ARI))).containsOnlyKeys("pbx.push");
    }

    @Test
    void the_readme_explains_includes_merges_secrets_and_emergency_calls_with_hotdesk_down() {
        String readme = FILES.get(README);

        for (String include : List.of("#include hotdesk/extensions_hotdesk.conf", "#include hotdesk/manager_hotdesk.conf",
                "#include hotdesk/ari_hotdesk.conf", "#include hotdesk/pjsip_notify_hotdesk.conf",
                "#include hotdesk/http_hotdesk.conf", "#include hotdesk/sorcery_hotdesk.conf", "#include hotdesk/pjsip_hotdesk.conf")) {
            assertThat(readme).contains(include);
        }
        assertThat(readme).contains("## Merge by hand", "include => hotdesk-codes", "HOTDESK_EMERGENCY_TRUNK",
                "## Secrets to change", "`ami.secret`, `ami.test-secret`, `ari.password`", "## Emergency calls work with hotdesk down",
                "| `*70`EXT, or `*70` alone |", "| `00#` | log out | `hotdesk-logout` |", "| `911`, `112`, `999` |");
    }

    // ------------------------------------------------------------------ write()

    @Test
    void write_creates_the_directory_and_every_file_with_permissions_asterisk_can_read(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("etc/asterisk/hotdesk");

        AsteriskConfWriter.write(D, dir);

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(FILES.keySet());
        }
        for (Map.Entry<String, String> f : FILES.entrySet()) {
            Path p = dir.resolve(f.getKey());
            assertThat(Files.readString(p)).isEqualTo(f.getValue());
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
            assertThat(mode).as(f.getKey()).isEqualTo(f.getKey().equals(MANAGER) || f.getKey().equals(ARI) ? "rw-r-----" : "rw-r--r--");
        }
    }

    @Test
    void writing_again_replaces_the_files_and_keeps_the_permissions_an_admin_gave_them(@TempDir Path dir) throws IOException {
        AsteriskConfWriter.write(D, dir);
        Files.setPosixFilePermissions(dir.resolve(MANAGER), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve(EXTENSIONS), "; edited by hand\n");

        AsteriskConfWriter.write(secrets("a-new-AMI-secret", D.ariPassword()), dir);

        assertThat(Files.readString(dir.resolve(MANAGER))).contains("secret = a-new-AMI-secret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(MANAGER)))).isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve(EXTENSIONS))).isEqualTo(FILES.get(EXTENSIONS));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void writing_again_narrows_secret_files_that_became_world_readable_to_0640(@TempDir Path dir) throws IOException {
        AsteriskConfWriter.write(D, dir);
        Files.setPosixFilePermissions(dir.resolve(MANAGER), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir.resolve(ARI), PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setPosixFilePermissions(dir.resolve(EXTENSIONS), PosixFilePermissions.fromString("rw-rw-r--"));

        AsteriskConfWriter.write(D, dir);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(MANAGER)))).isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(ARI)))).isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(EXTENSIONS))))
                .as("a file without secrets keeps what the admin gave it").isEqualTo("rw-rw-r--");
    }

    @Test
    void writing_into_a_path_that_is_a_file_fails_naming_it_and_changes_nothing(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "keep me");

        assertThatThrownBy(() -> AsteriskConfWriter.write(D, file))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("cannot create the directory " + file + " (");
        assertThatThrownBy(() -> AsteriskConfWriter.write(D, file.resolve("sub")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("cannot create the directory " + file.resolve("sub") + " (");
        assertThat(Files.readString(file)).isEqualTo("keep me");
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void a_directory_in_the_way_of_one_file_fails_before_anything_is_written(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve(README).resolve("inside"));

        assertThatThrownBy(() -> AsteriskConfWriter.write(D, dir))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot write " + dir.resolve(README) + ": a directory of that name is in the way");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(dir.resolve(README));
        }
    }

    @Test
    void a_file_that_cannot_be_staged_leaves_no_file_and_no_temporary_file_behind(@TempDir Path dir) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("a.conf", "a\n");
        files.put("b.conf", "b\n");
        files.put("n".repeat(300) + ".conf", "too long a name for the file system\n");

        assertThatThrownBy(() -> AsteriskConfWriter.write(files, dir))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("cannot write " + dir.resolve("n".repeat(300) + ".conf") + " (");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void a_read_only_directory_fails_naming_the_file_and_leaves_nothing(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("ro"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            // root writes anyway into a read-only directory; procfs refuses new files even to root
            Path target = Files.isWritable(dir) ? Path.of("/proc/self") : dir;
            assumeThat(Files.isDirectory(target)).as("a directory this user cannot write into").isTrue();

            assertThatThrownBy(() -> AsteriskConfWriter.write(D, target))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageStartingWith("cannot write " + target.resolve(EXTENSIONS) + " (");
            try (Stream<Path> left = Files.list(target)) {
                if (target.equals(dir)) {
                    assertThat(left).isEmpty();
                } else {
                    assertThat(left.map(f -> f.getFileName().toString()))
                            .noneMatch(name -> FILES.containsKey(name) || name.contains("hotdesk"));
                }
            }
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void a_seated_desks_calls_mark_the_occupant_busy_and_every_user_hint_watches_that_state_too() {
        Map<String, List<String>> dp = sections(FILES.get("extensions_hotdesk.conf"));
        AsteriskConfSettings other = new AsteriskConfSettings(D.codes(), D.agiUrl(), D.idleContext(), D.idleInternalCalls(),
                "_2XXX", D.amiUser(), D.amiSecret(), D.ariUser(), D.ariPassword(), D.pjsipWizard());

        assertThat(dp.get("hotdesk-hints")).containsExactly("exten => _1XX,hint,PJSIP/${EXTEN}&Custom:hd-user-${EXTEN}");
        assertThat(sections(AsteriskConfWriter.render(other).get("extensions_hotdesk.conf")).get("hotdesk-hints"))
                .containsExactly("exten => _2XXX,hint,PJSIP/${EXTEN}&Custom:hd-user-${EXTEN}");
        List<String> seated = dp.get("hotdesk-seated");
        assertThat(seated).contains("include => hotdesk-hints");
        // the two catch-alls mark the occupant busy right after reading their context; nothing else does
        assertThat(seated.stream().filter(l -> l.contains("hotdesk-presence")).toList())
                .containsExactly("same => n,Gosub(hotdesk-presence,s,1)", "same => n,Gosub(hotdesk-presence,s,1)");
        for (String n : D.codes().emergency()) {
            assertThat(seated).contains("exten => " + n + ",1,Goto(hotdesk-emergency,${EXTEN},1)");
        }
        assertThat(dp.get("hotdesk-emergency-out")).noneMatch(l -> l.contains("presence"));
        assertThat(dp.get("hotdesk-presence")).contains("same => n,Set(DEVICE_STATE(Custom:hd-user-${occupant})=INUSE)",
                "same => n,Set(CHANNEL(hangup_handler_push)=hotdesk-presence-end,s,1(${occupant}))");
        assertThat(dp.get("hotdesk-presence-end")).containsExactly("exten => s,1,Set(GROUP(hotdesk-presence)=)",
                "same => n,GotoIf($[${GROUP_COUNT(${ARG1}@hotdesk-presence)} > 0]?done)",
                "same => n,Set(DEVICE_STATE(Custom:hd-user-${ARG1})=NOT_INUSE)", "same => n(done),Return()");
        assertThat(hotdesk.core.policy.RequiredModules.forDialplan(FILES.get("extensions_hotdesk.conf")))
                .containsKeys("func_devstate", "func_groupcount");
    }
}
