package hotdesk.store;

import hotdesk.core.model.AdminAccount;
import hotdesk.core.model.AdminSession;
import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.AuditLine;
import hotdesk.core.model.AuditQuery;
import hotdesk.core.model.CivicField;
import hotdesk.core.model.CivicLocation;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.DeskPhoneSettings;
import hotdesk.core.model.Device;
import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.ProvisionCount;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.SessionRecord;
import hotdesk.core.model.OtpRecord;
import hotdesk.core.model.SecretHash;
import hotdesk.core.model.Site;
import hotdesk.core.model.SitePhoneSettings;
import hotdesk.core.model.UrlKeyHash;
import hotdesk.core.model.Target;
import hotdesk.core.model.Notice;
import hotdesk.core.model.PhoneContact;
import hotdesk.core.model.User;
import hotdesk.core.port.DuplicateException;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerException;
import hotdesk.core.port.LedgerTx;
import hotdesk.core.usecase.LogIn;
import hotdesk.testing.InMemoryLedger.Ended;
import hotdesk.testing.InMemoryLedger.Fetch;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link Ledger} must do, run against the in-memory fake, an H2 file and PostgreSQL, so
 * the fake the core tests use behaves like the real thing. Each test starts from an empty ledger.
 */
abstract class LedgerContract {

    static final Instant T0 = Instant.parse("2026-11-23T12:00:00.123456Z");
    static final String MAC_A = "0015651234ab";
    static final String MAC_B = "00156500000f";

    protected Ledger ledger;

    /** An empty ledger (fresh, or with every table wiped). */
    protected abstract Ledger emptyLedger();

    /** Finished sessions in writing order. */
    protected abstract List<Ended> history();

    /** Recorded configuration fetches in writing order. */
    protected abstract List<Fetch> fetches();

    @BeforeEach
    final void startEmpty() {
        ledger = emptyLedger();
    }

    // ---- builders

    static SecretHash hash(String tag) {
        return new SecretHash("pbkdf2-sha256$1000$c2FsdC0" + tag + "$aGFzaC0" + tag);
    }

    static User user(String ext) {
        return new User(Extension.of(ext), "User " + ext, hash(ext), true, "internal", ext + "@default", "sip-secret-" + ext, false);
    }

    static Device device(String mac) {
        return new Device(Mac.parse(mac), "yealink", "T54W", null, "HQ", "911", true);
    }

    static List<DeskLine> lines(String mac, int count) {
        Mac m = Mac.parse(mac);
        return IntStream.rangeClosed(1, count).mapToObj(p -> new DeskLine(DeskLine.endpointIdFor(m, p), m, p, "line-secret-" + p)).toList();
    }

    static String desk(String mac) {
        return Mac.parse(mac).endpointId();
    }

    static Extension ext(String e) {
        return Extension.of(e);
    }

    void given(java.util.function.Consumer<LedgerTx> setup) {
        ledger.transact(tx -> {
            setup.accept(tx);
            return null;
        });
    }

    /** Users 101.., device A with one line, device B with {@code linesOfB} lines. */
    void givenUsersAndDesks(int users, int linesOfB) {
        given(tx -> {
            for (int i = 0; i < users; i++) {
                tx.insertUser(user(Integer.toString(101 + i)));
            }
            tx.insertDevice(device(MAC_A), lines(MAC_A, 1));
            tx.insertDevice(device(MAC_B), lines(MAC_B, linesOfB));
        });
    }

    // ---- transactions

    @Test
    void transact_returns_the_result_of_the_work_and_commits_it() {
        String result = ledger.transact(tx -> {
            tx.insertUser(user("101"));
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(ledger.read((LedgerTx tx) -> tx.user(ext("101")))).contains(user("101"));
    }

    @Test
    void an_exception_inside_the_work_rolls_back_every_write_of_the_transaction() {
        givenUsersAndDesks(1, 1);
        long before = ledger.read(LedgerTx::latestRevision);

        assertThatThrownBy(() -> ledger.transact(tx -> {
            tx.insertUser(user("102"));
            tx.updateUser(new User(ext("101"), "Renamed", hash("x"), false, "other", "", "s3cr3t-s3cr3t", true));
            tx.insertDevice(device("001565aaaaaa"), lines("001565aaaaaa", 1));
            tx.occupy(new Occupancy(desk(MAC_A), ext("101"), T0, T0));
            tx.replaceOtp(ext("101"), new OtpRecord(0, ext("101"), hash("otp"), T0.plusSeconds(60)));
            tx.recordFailure("user:101", T0);
            tx.audit(new AuditEntry(T0, "test", "doomed", "101", ""));
            tx.bump(Target.user(ext("101")), Target.desk(desk(MAC_A)));
            tx.markApplied("node-a", Target.user(ext("101")), 1, T0);
            tx.recordFetch(Mac.parse(MAC_A), T0, "10.0.0.5", "Yealink");
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class).hasMessage("boom");

        ledger.read(tx -> {
            assertThat(tx.users()).containsExactly(user("101"));
            assertThat(tx.devices()).extracting(d -> d.mac().value()).containsExactly(MAC_B, MAC_A);
            assertThat(tx.occupancies()).isEmpty();
            assertThat(tx.liveOtps(T0)).isEmpty();
            assertThat(tx.failuresSince("user:101", T0.minusSeconds(1))).isZero();
            assertThat(tx.auditTail(10)).isEmpty();
            assertThat(tx.latestRevision()).isEqualTo(before);
            assertThat(tx.revisions()).isEmpty();
            assertThat(tx.applied("node-a")).isEmpty();
            return null;
        });
        assertThat(fetches()).isEmpty();
    }

    @Test
    void values_round_trip_exactly_including_microseconds_and_non_ascii_text() {
        User zoe = new User(ext("4711"), "Zoë Ångström 李", hash("z"), false, "sales-eu", "4711@default,9@other",
                "Pa$$w0rd!with'quote", true);
        Device gateway = new Device(Mac.parse("00:15:65:AB:CD:EF"), "yealink", "W70B", "Empfang – Tür", "Zürich, 3. OG",
                "+41441234567", false);
        Instant since = Instant.parse("1999-12-31T23:59:59.999999Z");
        Occupancy seat = new Occupancy(desk("001565abcdef"), zoe.extension(), since, since.plusNanos(1000));
        given(tx -> {
            tx.insertUser(zoe);
            tx.insertDevice(gateway, lines("001565abcdef", 1));
            tx.occupy(seat);
        });

        ledger.read(tx -> {
            assertThat(tx.user(zoe.extension())).contains(zoe);
            assertThat(tx.device(gateway.mac())).contains(gateway);
            assertThat(tx.seatsOfUser(zoe.extension())).contains(seat);
            return null;
        });
    }

    // ---- users

    @Test
    void an_inserted_user_reads_back_with_every_field() {
        User u = new User(ext("101"), "Alice", hash("a"), false, "internal", "", "own-secret-1", true);
        given(tx -> tx.insertUser(u));

        assertThat(ledger.read((LedgerTx tx) -> tx.user(ext("101")))).contains(u);
        assertThat(ledger.read((LedgerTx tx) -> tx.user(ext("102")))).isEmpty();
    }

    @Test
    void inserting_an_existing_extension_throws_duplicate_and_keeps_the_first_user() {
        given(tx -> tx.insertUser(user("101")));
        User other = new User(ext("101"), "Impostor", hash("i"), true, "internal", "", "other-secret", false);

        assertThatThrownBy(() -> given(tx -> tx.insertUser(other)))
                .isInstanceOf(DuplicateException.class)
                .hasMessageContaining("101");
        assertThat(ledger.read((LedgerTx tx) -> tx.user(ext("101")))).contains(user("101"));
    }

    @Test
    void a_duplicate_caught_inside_the_work_leaves_the_transaction_usable_and_the_rest_commits() {
        given(tx -> {
            tx.insertUser(user("101"));
            tx.insertDevice(device(MAC_A), lines(MAC_A, 1));
        });

        boolean[] refused = new boolean[3];
        ledger.transact(tx -> {
            tx.insertUser(user("102"));
            try {
                tx.insertUser(user("101"));
            } catch (DuplicateException e) {
                refused[0] = true;
            }
            try {
                tx.insertDevice(device(MAC_A), lines(MAC_A, 1));
            } catch (DuplicateException e) {
                refused[1] = true;
            }
            tx.occupy(new Occupancy(desk(MAC_A), ext("101"), T0, T0));
            try {
                tx.occupy(new Occupancy(desk(MAC_A), ext("102"), T0, T0));
            } catch (DuplicateException e) {
                refused[2] = true;
            }
            tx.insertUser(user("103"));
            return null;
        });

        assertThat(refused).containsOnly(true);
        ledger.read(tx -> {
            assertThat(tx.users()).extracting(u -> u.extension().value()).containsExactly("101", "102", "103");
            assertThat(tx.occupancies()).containsExactly(new Occupancy(desk(MAC_A), ext("101"), T0, T0));
            assertThat(tx.linesOf(Mac.parse(MAC_A))).hasSize(1);
            return null;
        });
    }

    @Test
    void users_come_back_ordered_by_extension_shorter_numbers_first() {
        given(tx -> List.of("1000", "101", "99", "20", "100", "0100").forEach(e -> tx.insertUser(user(e))));

        assertThat(ledger.read(LedgerTx::users)).extracting(u -> u.extension().value())
                .containsExactly("20", "99", "100", "101", "0100", "1000");
    }

    @Test
    void an_extension_length_is_in_use_only_while_some_user_has_it() {
        assertThat(ledger.<Boolean>read(tx -> tx.anyExtensionOfLength(3))).isFalse();
        given(tx -> List.of("101", "0100", "20").forEach(e -> tx.insertUser(user(e))));

        assertThat(ledger.<List<Integer>>read(tx -> List.of(2, 3, 4, 5, 10).stream().filter(tx::anyExtensionOfLength).toList()))
                .containsExactly(2, 3, 4);
        given(tx -> tx.deleteUser(ext("20")));
        assertThat(ledger.<Boolean>read(tx -> tx.anyExtensionOfLength(2))).isFalse();
    }

    @Test
    void update_user_replaces_every_field() {
        given(tx -> tx.insertUser(user("101")));
        User changed = new User(ext("101"), "Bob", hash("b"), false, "sales", "7@vm", "new-secret-123", true);

        given(tx -> tx.updateUser(changed));

        assertThat(ledger.read((LedgerTx tx) -> tx.user(ext("101")))).contains(changed);
    }

    @Test
    void a_user_is_enabled_when_added_and_a_disabled_one_stays_disabled_with_every_other_field() {
        given(tx -> tx.insertUser(user("101")));
        assertThat(ledger.read((LedgerTx tx) -> tx.user(ext("101"))).orElseThrow().enabled()).isTrue();
        User disabled = new User(ext("101"), "Bob", hash("b"), true, "sales", "7@vm", "new-secret-123", true,
                Optional.of(MultiLogin.DENY), false);

        given(tx -> tx.updateUser(disabled));

        assertThat(ledger.read((LedgerTx tx) -> tx.user(ext("101")))).contains(disabled);
        assertThat(ledger.read(LedgerTx::users)).containsExactly(disabled);
    }

    @Test
    void update_device_replaces_its_fields_and_keeps_its_lines() {
        given(tx -> tx.insertDevice(device(MAC_A), List.of(new DeskLine(desk(MAC_A), Mac.parse(MAC_A), 1, "line-secret-1"))));
        Device changed = new Device(Mac.parse(MAC_A), "yealink", "T46U", "Reception", "HQ", "+15551230001", false);

        given(tx -> tx.updateDevice(changed));

        ledger.read(tx -> {
            assertThat(tx.device(Mac.parse(MAC_A))).contains(changed);
            assertThat(tx.linesOf(Mac.parse(MAC_A))).extracting(DeskLine::secret).containsExactly("line-secret-1");
            return null;
        });
        assertThatThrownBy(() -> given(tx -> tx.updateDevice(device(MAC_B))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("00:15:65:00:00:0F");
    }

    @Test
    void updating_a_missing_user_is_refused_and_rolls_the_transaction_back() {
        assertThatThrownBy(() -> given(tx -> {
            tx.insertUser(user("102"));
            tx.updateUser(user("101"));
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("101");

        assertThat(ledger.read(LedgerTx::users)).isEmpty();
    }

    @Test
    void deleting_a_user_removes_the_user_and_their_one_time_code_and_a_missing_one_is_no_error() {
        given(tx -> {
            tx.insertUser(user("101"));
            tx.insertUser(user("102"));
            tx.replaceOtp(ext("101"), new OtpRecord(0, ext("101"), hash("o1"), T0.plusSeconds(120)));
            tx.replaceOtp(ext("102"), new OtpRecord(0, ext("102"), hash("o2"), T0.plusSeconds(120)));
        });

        given(tx -> {
            tx.deleteUser(ext("101"));
            tx.deleteUser(ext("555"));
        });

        ledger.read(tx -> {
            assertThat(tx.user(ext("101"))).isEmpty();
            assertThat(tx.users()).containsExactly(user("102"));
            assertThat(tx.liveOtps(T0)).extracting(o -> o.extension().value()).containsExactly("102");
            return null;
        });
    }

    // ---- devices, lines, fetches

    @Test
    void an_inserted_device_reads_back_with_its_lines_in_port_order() {
        Device d = new Device(Mac.parse(MAC_B), "yealink", "W70B", "Gateway", "Lab", "", false);
        List<DeskLine> ls = new ArrayList<>(lines(MAC_B, 3));
        Collections.reverse(ls);
        given(tx -> tx.insertDevice(d, ls));

        ledger.read(tx -> {
            assertThat(tx.device(Mac.parse(MAC_B))).contains(d);
            assertThat(tx.device(Mac.parse(MAC_A))).isEmpty();
            assertThat(tx.linesOf(Mac.parse(MAC_B))).containsExactlyElementsOf(lines(MAC_B, 3));
            assertThat(tx.linesOf(Mac.parse(MAC_A))).isEmpty();
            assertThat(tx.line("hd-" + MAC_B + "-2")).contains(lines(MAC_B, 3).get(1));
            assertThat(tx.line("hd-unknown")).isEmpty();
            return null;
        });
    }

    @Test
    void inserting_an_existing_mac_throws_duplicate_and_adds_no_line() {
        given(tx -> tx.insertDevice(device(MAC_A), lines(MAC_A, 1)));
        Mac a = Mac.parse(MAC_A);
        List<DeskLine> more = List.of(new DeskLine(DeskLine.endpointIdFor(a, 2), a, 2, "x-secret"));

        assertThatThrownBy(() -> given(tx -> tx.insertDevice(new Device(a, "yealink", "T46U", "Other", "", "", true), more)))
                .isInstanceOf(DuplicateException.class);

        ledger.read(tx -> {
            assertThat(tx.device(a)).contains(device(MAC_A));
            assertThat(tx.lines()).containsExactlyElementsOf(lines(MAC_A, 1));
            return null;
        });
    }

    @Test
    void devices_and_lines_come_back_ordered_by_mac_and_endpoint_id() {
        given(tx -> {
            tx.insertDevice(device("0015650000aa"), lines("0015650000aa", 1));
            tx.insertDevice(device(MAC_B), lines(MAC_B, 10));
            tx.insertDevice(device("001565000009"), lines("001565000009", 1));
        });

        ledger.read(tx -> {
            assertThat(tx.devices()).extracting(d -> d.mac().value())
                    .containsExactly("001565000009", MAC_B, "0015650000aa");
            List<String> ids = tx.lines().stream().map(DeskLine::endpointId).toList();
            assertThat(ids).isSortedAccordingTo(String::compareTo).hasSize(12);
            assertThat(ids.subList(0, 4)).containsExactly("hd-001565000009", "hd-" + MAC_B, "hd-" + MAC_B + "-10", "hd-" + MAC_B + "-2");
            assertThat(ids.get(11)).isEqualTo("hd-0015650000aa");
            assertThat(tx.linesOf(Mac.parse(MAC_B))).extracting(DeskLine::port).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
            return null;
        });
    }

    @Test
    void deleting_a_device_removes_its_lines_and_leaves_other_devices() {
        givenUsersAndDesks(0, 2);

        given(tx -> tx.deleteDevice(Mac.parse(MAC_B)));

        ledger.read(tx -> {
            assertThat(tx.device(Mac.parse(MAC_B))).isEmpty();
            assertThat(tx.linesOf(Mac.parse(MAC_B))).isEmpty();
            assertThat(tx.line("hd-" + MAC_B + "-2")).isEmpty();
            assertThat(tx.lines()).containsExactlyElementsOf(lines(MAC_A, 1));
            return null;
        });
    }

    // ---- sites and desk locations

    static Site site(String name) {
        return new Site(name, "+15551230000", CivicLocation.of(Map.ofEntries(Map.entry(CivicField.COUNTRY, "US"),
                Map.entry(CivicField.A1, "NY"), Map.entry(CivicField.A2, "New York County"), Map.entry(CivicField.A3, "New York"),
                Map.entry(CivicField.A4, "Manhattan"), Map.entry(CivicField.RD, "Main Street"), Map.entry(CivicField.HNO, "100"),
                Map.entry(CivicField.HNS, "A"), Map.entry(CivicField.PC, "10001"), Map.entry(CivicField.NAM, "Acme"),
                Map.entry(CivicField.BLD, "1"))), "America/New_York");
    }

    static CivicLocation deskFields() {
        return CivicLocation.of(Map.of(CivicField.BLD, "2", CivicField.UNIT, "East", CivicField.FLR, "3",
                CivicField.ROOM, "301", CivicField.SEAT, "3-01", CivicField.LOC, "by the window"));
    }

    @Test
    void a_site_reads_back_with_every_field_and_sites_come_back_ordered_by_name() {
        Site zurich = new Site("Zürich Süd", "", CivicLocation.of(Map.of(CivicField.COUNTRY, "CH", CivicField.A3, "Zürich",
                CivicField.RD, "Bahnhofstraße")), "Europe/Zurich");
        given(tx -> {
            tx.insertSite(site("HQ"));
            tx.insertSite(zurich);
            tx.insertSite(new Site("Annex", "", null, null));
        });

        ledger.read(tx -> {
            assertThat(tx.site("HQ")).contains(site("HQ"));
            assertThat(tx.site("Zürich Süd")).contains(zurich);
            assertThat(tx.site("Annex").orElseThrow().timeZone()).isEqualTo("UTC");
            assertThat(tx.site("hq")).isEmpty();
            assertThat(tx.sites()).extracting(Site::name).containsExactly("Annex", "HQ", "Zürich Süd");
            return null;
        });
    }

    @Test
    void a_sites_phone_settings_read_back_and_an_update_replaces_and_clears_them() {
        SitePhoneSettings phones = new SitePhoneSettings("sip.branch.example", 5061, "tls", "10.1.0.1", 500,
                List.of("10.1.0.0/16", "fd00:1::/64", "192.0.2.7"));
        Site branch = new Site("Branch", "", null, "Europe/Berlin", phones);
        given(tx -> tx.insertSite(branch));

        assertThat(ledger.read((LedgerTx tx) -> tx.site("Branch"))).contains(branch);

        given(tx -> tx.updateSite(new Site("Branch", "", null, "Europe/Berlin")));
        assertThat(ledger.read((LedgerTx tx) -> tx.site("Branch")).orElseThrow().phones()).isEqualTo(SitePhoneSettings.NONE);
    }

    @Test
    void a_sites_url_key_hash_reads_back_and_an_update_replaces_and_clears_it() {
        UrlKeyHash first = UrlKeyHash.of("first-key-of-the-branch-0123");
        UrlKeyHash second = UrlKeyHash.of("second-key-of-the-branch-456");
        given(tx -> {
            tx.insertSite(site("HQ"));
            tx.insertSite(site("Branch").withUrlKey(Optional.of(first)));
        });

        ledger.read(tx -> {
            assertThat(tx.site("Branch").orElseThrow().urlKey()).contains(first);
            assertThat(tx.site("HQ").orElseThrow().urlKey()).isEmpty();
            assertThat(tx.sites()).extracting(Site::urlKey).containsExactly(Optional.of(first), Optional.empty());
            return null;
        });

        given(tx -> tx.updateSite(site("Branch").withUrlKey(Optional.of(second))));
        assertThat(ledger.read((LedgerTx tx) -> tx.site("Branch")).orElseThrow().urlKey()).contains(second);

        given(tx -> tx.updateSite(site("Branch")));
        assertThat(ledger.read((LedgerTx tx) -> tx.site("Branch")).orElseThrow().urlKey()).isEmpty();
    }

    @Test
    void inserting_an_existing_site_throws_duplicate_and_keeps_the_first() {
        given(tx -> tx.insertSite(site("HQ")));

        assertThatThrownBy(() -> given(tx -> tx.insertSite(new Site("HQ", "", null, null))))
                .isInstanceOf(DuplicateException.class);

        assertThat(ledger.read((LedgerTx tx) -> tx.site("HQ"))).contains(site("HQ"));
    }

    @Test
    void update_site_replaces_every_field_and_a_missing_site_is_refused_and_rolls_back() {
        given(tx -> tx.insertSite(site("HQ")));
        Site changed = new Site("HQ", "", CivicLocation.of(Map.of(CivicField.COUNTRY, "DE")), "Europe/Berlin");

        given(tx -> tx.updateSite(changed));
        assertThatThrownBy(() -> given(tx -> {
            tx.insertUser(user("101"));
            tx.updateSite(new Site("Nowhere", "", null, null));
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("Nowhere");

        assertThat(ledger.read((LedgerTx tx) -> tx.site("HQ"))).contains(changed);
        assertThat(ledger.read(LedgerTx::users)).isEmpty();
    }

    @Test
    void deleting_a_site_leaves_the_devices_naming_it_and_a_missing_one_is_no_error() {
        givenUsersAndDesks(0, 1);
        given(tx -> tx.insertSite(site("HQ")));

        given(tx -> {
            tx.deleteSite("HQ");
            tx.deleteSite("HQ");
        });

        ledger.read(tx -> {
            assertThat(tx.sites()).isEmpty();
            assertThat(tx.device(Mac.parse(MAC_A)).orElseThrow().site()).isEqualTo("HQ");
            return null;
        });
    }

    @Test
    void a_desks_own_location_reads_back_is_listed_by_mac_and_goes_with_its_device() {
        givenUsersAndDesks(0, 1);
        given(tx -> {
            tx.setDeskLocation(Mac.parse(MAC_A), deskFields());
            tx.setDeskLocation(Mac.parse(MAC_B), CivicLocation.of(Map.of(CivicField.FLR, "-1")));
        });

        ledger.read(tx -> {
            assertThat(tx.deskLocation(Mac.parse(MAC_A))).isEqualTo(deskFields());
            assertThat(tx.deskLocations().keySet()).extracting(Mac::value).containsExactly(MAC_B, MAC_A);
            assertThat(tx.deskLocation(Mac.parse("001565000999"))).isEqualTo(CivicLocation.EMPTY);
            return null;
        });

        given(tx -> {
            tx.setDeskLocation(Mac.parse(MAC_B), CivicLocation.EMPTY);
            tx.deleteDevice(Mac.parse(MAC_A));
            tx.insertDevice(device(MAC_A), lines(MAC_A, 1));
        });

        ledger.read(tx -> {
            assertThat(tx.deskLocation(Mac.parse(MAC_A))).as("a device added again starts without a location")
                    .isEqualTo(CivicLocation.EMPTY);
            assertThat(tx.deskLocations()).isEmpty();
            return null;
        });
    }

    @Test
    void a_desk_location_of_a_missing_device_or_with_site_fields_is_refused() {
        givenUsersAndDesks(0, 0);

        assertThatThrownBy(() -> given(tx -> tx.setDeskLocation(Mac.parse("001565000999"), deskFields())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("001565000999");
        assertThatThrownBy(() -> given(tx -> tx.setDeskLocation(Mac.parse(MAC_A),
                CivicLocation.of(Map.of(CivicField.COUNTRY, "US")))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot hold country");

        assertThat(ledger.read((LedgerTx tx) -> tx.deskLocation(Mac.parse(MAC_A)))).isEqualTo(CivicLocation.EMPTY);
    }

    @Test
    void the_longest_values_of_every_field_fit_their_columns() {
        givenUsersAndDesks(0, 0);
        Map<CivicField, String> siteMax = new java.util.EnumMap<>(CivicField.class);
        Map<CivicField, String> deskMax = new java.util.EnumMap<>(CivicField.class);
        for (CivicField f : CivicField.values()) {
            String longest = f == CivicField.COUNTRY ? "US" : "Ü".repeat(f.maxLength());
            (CivicField.SITE.contains(f) ? siteMax : deskMax).put(f, longest);
            if (CivicField.DESK.contains(f)) {
                deskMax.put(f, longest);
            }
        }
        Site longest = new Site("S".repeat(64), "+".repeat(32), CivicLocation.of(siteMax), "America/Argentina/ComodRivadavia");

        given(tx -> {
            tx.insertSite(longest);
            tx.setDeskLocation(Mac.parse(MAC_A), CivicLocation.of(deskMax));
        });

        ledger.read(tx -> {
            assertThat(tx.site(longest.name())).contains(longest);
            assertThat(tx.deskLocation(Mac.parse(MAC_A))).isEqualTo(CivicLocation.of(deskMax));
            return null;
        });
    }

    @Test
    void site_and_location_writes_roll_back_with_the_transaction() {
        givenUsersAndDesks(0, 0);

        assertThatThrownBy(() -> ledger.transact(tx -> {
            tx.insertSite(site("HQ"));
            tx.setDeskLocation(Mac.parse(MAC_A), deskFields());
            throw new IllegalStateException("boom");
        })).hasMessage("boom");

        ledger.read(tx -> {
            assertThat(tx.sites()).isEmpty();
            assertThat(tx.deskLocation(Mac.parse(MAC_A))).isEqualTo(CivicLocation.EMPTY);
            return null;
        });
    }

    @Test
    void record_fetch_keeps_every_fetch_in_order() {
        givenUsersAndDesks(0, 1);

        given(tx -> {
            tx.recordFetch(Mac.parse(MAC_A), T0, "10.0.0.5", "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ab");
            tx.recordFetch(Mac.parse(MAC_B), T0.plusSeconds(1), "10.0.0.6", "");
        });
        given(tx -> tx.recordFetch(Mac.parse(MAC_A), T0.plusSeconds(2), "10.0.0.5", "again"));

        assertThat(fetches()).containsExactly(
                new Fetch(Mac.parse(MAC_A), T0, "10.0.0.5", "Yealink SIP-T54W 96.86.0.100 00:15:65:12:34:ab"),
                new Fetch(Mac.parse(MAC_B), T0.plusSeconds(1), "10.0.0.6", ""),
                new Fetch(Mac.parse(MAC_A), T0.plusSeconds(2), "10.0.0.5", "again"));
    }

    @Test
    void record_fetches_keeps_each_as_record_fetch_does_in_the_lists_order() {
        givenUsersAndDesks(0, 1);
        List<hotdesk.core.model.ConfigFetch> many = IntStream.range(0, 1200)
                .mapToObj(i -> new hotdesk.core.model.ConfigFetch(Mac.parse(i % 2 == 0 ? MAC_A : MAC_B),
                        T0.plusMillis(1200 - i), "10.0.0." + (i % 250), i == 7 ? "" : "Yealink " + i))
                .toList();

        given(tx -> {
            tx.recordFetch(Mac.parse(MAC_B), T0.minusSeconds(1), "10.0.0.9", "before");
            tx.recordFetches(many);
            tx.recordFetches(List.of());
        });

        List<Fetch> expected = new java.util.ArrayList<>();
        expected.add(new Fetch(Mac.parse(MAC_B), T0.minusSeconds(1), "10.0.0.9", "before"));
        many.forEach(f -> expected.add(new Fetch(f.mac(), f.at(), f.remoteAddress(), f.userAgent())));
        assertThat(fetches()).containsExactlyElementsOf(expected);
        ledger.read(tx -> {
            assertThat(tx.lastFetch(Mac.parse(MAC_A))).contains(T0.plusMillis(1200)); // the list's first, the latest time
            return null;
        });
    }

    private static hotdesk.core.model.ServedFile servedFile(String mac, String file, Instant at, String text) {
        return hotdesk.core.model.ServedFile.of(Mac.parse(mac), file, at, text, List.of("s3cret-" + file));
    }

    private List<hotdesk.core.model.ServedFile> servedFiles(String mac) {
        return ledger.<List<hotdesk.core.model.ServedFile>>read(tx -> tx.servedFiles(Mac.parse(mac)));
    }

    @Test
    void served_files_keep_the_latest_per_desk_and_file_name_and_go_with_a_removed_device() {
        givenUsersAndDesks(0, 2);
        hotdesk.core.model.ServedFile first = servedFile(MAC_A, "001565000000.cfg", T0, "line=1\n");
        hotdesk.core.model.ServedFile second = servedFile(MAC_A, "001565000000.cfg", T0.plusSeconds(1), "line=2\n");
        hotdesk.core.model.ServedFile other = servedFile(MAC_A, "cfg001565000000.xml", T0, "<x/>\n");
        hotdesk.core.model.ServedFile large = new hotdesk.core.model.ServedFile(Mac.parse(MAC_B), "b.cfg", T0,
                Optional.empty(), hotdesk.core.model.ServedFile.sha256("big"), hotdesk.core.model.ServedFile.sha256("s"));
        assertThat(servedFiles(MAC_A)).isEmpty();

        given(tx -> {
            tx.recordServedFile(first);
            tx.recordServedFile(other);
            tx.recordServedFile(large);
            tx.recordServedFile(servedFile("00:15:65:99:99:99", "x.cfg", T0, "gone")); // removed since: nothing
        });
        given(tx -> tx.recordServedFile(second));

        assertThat(servedFiles(MAC_A)).containsExactly(second, other);
        assertThat(servedFiles(MAC_B)).containsExactly(large);
        assertThat(servedFiles("00:15:65:99:99:99")).isEmpty();

        given(tx -> tx.deleteDevice(Mac.parse(MAC_A)));
        assertThat(servedFiles(MAC_A)).isEmpty();
        assertThat(servedFiles(MAC_B)).containsExactly(large);
    }

    @Test
    void a_served_file_without_its_text_keeps_the_text_kept_only_when_it_is_the_same_file() {
        givenUsersAndDesks(0, 2);
        hotdesk.core.model.ServedFile first = servedFile(MAC_A, "a.cfg", T0, "line=1\n");
        hotdesk.core.model.ServedFile changed = servedFile(MAC_A, "a.cfg", T0.plusSeconds(2), "line=2\n");
        given(tx -> tx.recordServedFile(first));

        // the same file served again, recorded with its digests only: the time moves, the text stays
        hotdesk.core.model.ServedFile again = servedFile(MAC_A, "a.cfg", T0.plusSeconds(1), "line=1\n")
                .withText(Optional.empty());
        given(tx -> tx.recordServedFile(again));
        assertThat(servedFiles(MAC_A)).containsExactly(again.withText(Optional.of("line=1\n")));

        // another file without its text: the old text must not stand for it
        given(tx -> tx.recordServedFile(changed.withText(Optional.empty())));
        assertThat(servedFiles(MAC_A)).containsExactly(changed.withText(Optional.empty()));

        // a first row without its text stays without one
        given(tx -> tx.recordServedFile(servedFile(MAC_B, "b.cfg", T0, "b").withText(Optional.empty())));
        assertThat(servedFiles(MAC_B).get(0).maskedText()).isEmpty();
    }

    private ProvisionCount provisionCount(Mac mac) {
        return ledger.<ProvisionCount>read(tx -> tx.provisionCount(mac));
    }

    private Map<Mac, ProvisionCount> provisionCounts() {
        return ledger.<Map<Mac, ProvisionCount>>read(tx -> tx.provisionCounts());
    }

    @Test
    void provision_counts_add_up_reset_to_zero_and_go_with_a_removed_device() {
        givenUsersAndDesks(0, 2);
        Mac a = Mac.parse(MAC_A);
        Mac b = Mac.parse(MAC_B);
        Mac unknown = Mac.parse("00:15:65:99:99:99");
        assertThat(provisionCount(a)).isEqualTo(ProvisionCount.NONE);

        given(tx -> {
            tx.addProvisions(a, 3);
            tx.addProvisions(a, 2);
            tx.addProvisions(b, 1);
            tx.addProvisions(b, 0);
            tx.addProvisions(unknown, 7); // removed since its fetch: nothing, and no failure
        });
        assertThat(provisionCount(a)).isEqualTo(new ProvisionCount(5, Optional.empty()));
        assertThat(provisionCounts()).containsExactly(
                Map.entry(b, new ProvisionCount(1, Optional.empty())), Map.entry(a, new ProvisionCount(5, Optional.empty())));

        given(tx -> {
            tx.resetProvisions(a, T0);
            tx.resetProvisions(unknown, T0);
        });
        assertThat(provisionCount(a)).isEqualTo(new ProvisionCount(0, Optional.of(T0)));
        given(tx -> tx.addProvisions(a, 4));
        assertThat(provisionCount(a)).isEqualTo(new ProvisionCount(4, Optional.of(T0)));
        assertThat(provisionCount(unknown)).isEqualTo(ProvisionCount.NONE);

        given(tx -> tx.resetProvisions(b, T0.plusSeconds(1))); // a first row made by a reset
        assertThat(provisionCount(b)).isEqualTo(new ProvisionCount(0, Optional.of(T0.plusSeconds(1))));

        given(tx -> tx.deleteDevice(a));
        assertThat(provisionCounts()).containsOnlyKeys(b);
    }

    @Test
    void prune_audit_deletes_at_most_max_lines_older_than_the_cut_oldest_first() {
        given(tx -> {
            for (int i = 4; i >= 0; i--) { // written newest first: age decides, not writing order
                tx.audit(new AuditEntry(T0.plusSeconds(i), "cli", "test", "s" + i, ""));
            }
        });

        int first = ledger.transact(tx -> tx.pruneAudit(T0.plusSeconds(3), 2));
        List<String> afterFirst = ledger.read(tx -> tx.auditTail(10)).stream().map(AuditEntry::subject).toList();
        int second = ledger.transact(tx -> tx.pruneAudit(T0.plusSeconds(3), 2));
        int third = ledger.transact(tx -> tx.pruneAudit(T0.plusSeconds(3), 2));

        assertThat(first).isEqualTo(2);
        assertThat(afterFirst).containsExactly("s4", "s3", "s2");
        assertThat(second).isEqualTo(1);
        assertThat(third).isZero();
        List<AuditEntry> left = ledger.read(tx -> tx.auditTail(10));
        int none = ledger.transact(tx -> tx.pruneAudit(T0.plusSeconds(10), 0));
        assertThat(left).extracting(AuditEntry::subject).containsExactly("s4", "s3");
        assertThat(none).isZero();
    }

    @Test
    void prune_fetches_deletes_at_most_max_records_older_than_the_cut_oldest_first() {
        givenUsersAndDesks(0, 1);
        given(tx -> {
            tx.recordFetch(Mac.parse(MAC_A), T0.plusSeconds(2), "10.0.0.5", "c");
            tx.recordFetch(Mac.parse(MAC_B), T0, "10.0.0.6", "a");
            tx.recordFetch(Mac.parse(MAC_A), T0.plusSeconds(1), "10.0.0.5", "b");
            tx.recordFetch(Mac.parse(MAC_B), T0.plusSeconds(5), "10.0.0.6", "d");
        });

        int first = ledger.transact(tx -> tx.pruneFetches(T0.plusSeconds(3), 1));
        List<String> afterFirst = fetches().stream().map(Fetch::userAgent).toList();
        int rest = ledger.transact(tx -> tx.pruneFetches(T0.plusSeconds(3), 100));

        assertThat(first).isEqualTo(1);
        assertThat(afterFirst).containsExactly("c", "b", "d");
        assertThat(rest).isEqualTo(2);
        assertThat(fetches()).extracting(Fetch::userAgent).containsExactly("d");
    }

    @Test
    void prune_failures_deletes_at_most_max_failures_older_than_the_cut_oldest_first_across_keys() {
        given(tx -> {
            tx.recordFailure("desk:hd-a", T0.plusSeconds(2));
            tx.recordFailure("user:101", T0);
            tx.recordFailure("desk:hd-a", T0.plusSeconds(1));
            tx.recordFailure("user:101", T0.plusSeconds(5));
        });

        int first = ledger.transact(tx -> tx.pruneFailures(T0.plusSeconds(3), 1));
        List<Instant> userAfterFirst = ledger.read((LedgerTx tx) -> tx.failureTimes("user:101", T0.minusSeconds(1)));
        int rest = ledger.transact(tx -> tx.pruneFailures(T0.plusSeconds(3), 100));

        assertThat(first).isEqualTo(1);
        assertThat(userAfterFirst).containsExactly(T0.plusSeconds(5));
        assertThat(rest).isEqualTo(2);
        assertThat(ledger.read((LedgerTx tx) -> tx.failureTimes("desk:hd-a", T0.minusSeconds(1)))).isEmpty();
        assertThat(ledger.read((LedgerTx tx) -> tx.failureTimes("user:101", T0.minusSeconds(1)))).containsExactly(T0.plusSeconds(5));
        assertThat(ledger.<Integer>transact(tx -> tx.pruneFailures(T0.plusSeconds(3), 0))).isZero();
    }

    @Test
    void counts_before_a_cut_are_what_pruning_at_that_cut_deletes_in_all() {
        givenUsersAndDesks(0, 1);
        given(tx -> {
            for (int i = 0; i < 5; i++) {
                tx.audit(new AuditEntry(T0.plusSeconds(i), "cli", "test", "s" + i, ""));
            }
            tx.recordFetch(Mac.parse(MAC_A), T0, "10.0.0.5", "a");
            tx.recordFetch(Mac.parse(MAC_B), T0.plusSeconds(5), "10.0.0.6", "b");
        });

        long audit = ledger.read(tx -> tx.countAuditBefore(T0.plusSeconds(3)));
        long fetchRecords = ledger.read(tx -> tx.countFetchesBefore(T0.plusSeconds(3)));
        int pruned = ledger.transact(tx -> tx.pruneAudit(T0.plusSeconds(3), 100));

        assertThat(audit).isEqualTo(3).isEqualTo(pruned);
        assertThat(fetchRecords).isEqualTo(1);
        long auditLeft = ledger.read(tx -> tx.countAuditBefore(T0.plusSeconds(3)));
        long atTheCut = ledger.read(tx -> tx.countFetchesBefore(T0));
        assertThat(auditLeft).isZero();
        assertThat(atTheCut).as("the cut itself is kept").isZero();
    }

    @Test
    void last_fetches_give_each_device_its_newest_fetch_and_leave_out_devices_that_never_fetched() {
        givenUsersAndDesks(0, 1);
        given(tx -> {
            tx.recordFetch(Mac.parse(MAC_A), T0.plusSeconds(5), "10.0.0.5", "newest");
            tx.recordFetch(Mac.parse(MAC_A), T0, "10.0.0.5", "older, written later");
        });

        Map<Mac, Instant> last = ledger.read(LedgerTx::lastFetches);

        assertThat(last).containsExactly(Map.entry(Mac.parse(MAC_A), T0.plusSeconds(5)));
    }

    @Test
    void last_fetch_of_one_desk_is_its_newest_and_empty_when_it_never_fetched() {
        givenUsersAndDesks(0, 2);
        given(tx -> {
            tx.recordFetch(Mac.parse(MAC_A), T0.plusSeconds(5), "10.0.0.5", "newest");
            tx.recordFetch(Mac.parse(MAC_A), T0, "10.0.0.5", "older, written later");
        });

        Optional<Instant> a = ledger.read(tx -> tx.lastFetch(Mac.parse(MAC_A)));
        Optional<Instant> b = ledger.read(tx -> tx.lastFetch(Mac.parse(MAC_B)));
        assertThat(a).contains(T0.plusSeconds(5));
        assertThat(b).isEmpty();
    }

    // ---- login receipts

    @Test
    void a_notice_is_kept_per_node_and_desk_replaced_by_the_next_and_dropped_with_the_desk_revision() {
        String a = Mac.parse(MAC_A).endpointId();
        given(tx -> {
            tx.putNotice("n1", new Notice(a, 3, T0, 1));
            tx.putNotice("n2", new Notice(a, 2, T0.minusSeconds(9), 1));
            tx.putNotice("n1", new Notice(a, 3, T0, 2));
        });

        Map<String, Notice> n1 = ledger.read(tx -> tx.notices("n1"));
        Map<String, Notice> n2 = ledger.read(tx -> tx.notices("n2"));
        Map<String, Notice> n3 = ledger.read(tx -> tx.notices("n3"));
        assertThat(n1).containsExactly(Map.entry(a, new Notice(a, 3, T0, 2)));
        assertThat(n2.get(a).revision()).isEqualTo(2);
        assertThat(n3).isEmpty();

        given(tx -> tx.dropRevision(Target.desk(a)));
        Map<String, Notice> n1After = ledger.read(tx -> tx.notices("n1"));
        Map<String, Notice> n2After = ledger.read(tx -> tx.notices("n2"));
        assertThat(n1After).isEmpty();
        assertThat(n2After).isEmpty();
    }

    @Test
    void contacts_are_kept_per_node_and_aor_replaced_by_uri_and_forgotten_one_by_one_or_all() {
        var c1 = new PhoneContact("hd-a", "sip:hd-a@10.0.0.5:5060", "Yealink SIP-T54W", "10.0.0.5:5060", T0);
        var c2 = new PhoneContact("hd-a", "sip:hd-a@10.0.0.6:5060", "", "", T0.plusSeconds(1));
        var c3 = new PhoneContact("101", "sip:101@10.0.0.7:5060", "softphone", "10.0.0.7:5060", T0);
        given(tx -> {
            tx.putContact("n1", c1);
            tx.putContact("n1", c2);
            tx.putContact("n1", c3);
            tx.putContact("n2", c1);
            tx.putContact("n1", new PhoneContact("hd-a", "sip:hd-a@10.0.0.5:5060", "Yealink SIP-T54W 2", "10.0.0.5:5060", T0));
        });

        Map<String, List<PhoneContact>> n1 = ledger.read(tx -> tx.contacts("n1"));
        assertThat(n1.get("hd-a")).extracting(PhoneContact::userAgent).containsExactly("Yealink SIP-T54W 2", "");
        assertThat(n1.get("101")).containsExactly(c3);

        boolean first = ledger.transact(tx -> tx.deleteContact("n1", "hd-a", "sip:hd-a@10.0.0.6:5060"));
        boolean again = ledger.transact(tx -> tx.deleteContact("n1", "hd-a", "sip:hd-a@10.0.0.6:5060"));
        assertThat(first).isTrue();
        assertThat(again).isFalse();
        Map<String, List<PhoneContact>> left = ledger.read(tx -> tx.contacts("n1"));
        assertThat(left.get("hd-a")).hasSize(1);

        given(tx -> tx.deleteContacts("n1"));
        Map<String, List<PhoneContact>> none = ledger.read(tx -> tx.contacts("n1"));
        Map<String, List<PhoneContact>> other = ledger.read(tx -> tx.contacts("n2"));
        assertThat(none).isEmpty();
        assertThat(other.get("hd-a")).containsExactly(c1);
    }

    // ---- board accounts and sessions

    static AdminAccount account(String name, AdminAccount.Role role) {
        return new AdminAccount(name, role, hash(name.replace(".", "")), T0);
    }

    static AdminSession session(String tokenHash, String name, Instant expires) {
        return new AdminSession(tokenHash, name, "csrf-" + tokenHash, T0, expires);
    }

    @Test
    void admin_accounts_read_back_by_name_and_list_in_name_order() {
        given(tx -> {
            tx.insertAdminAccount(account("zoe", AdminAccount.Role.VIEWER));
            tx.insertAdminAccount(account("anna.b", AdminAccount.Role.ADMIN));
        });

        ledger.read(tx -> {
            assertThat(tx.adminAccount("zoe")).contains(account("zoe", AdminAccount.Role.VIEWER));
            assertThat(tx.adminAccount("anna.b").orElseThrow().role()).isEqualTo(AdminAccount.Role.ADMIN);
            assertThat(tx.adminAccount("nobody")).isEmpty();
            assertThat(tx.adminAccounts()).extracting(AdminAccount::name).containsExactly("anna.b", "zoe");
            return null;
        });
    }

    @Test
    void inserting_an_existing_admin_account_throws_duplicate_and_keeps_the_first() {
        given(tx -> tx.insertAdminAccount(account("anna", AdminAccount.Role.ADMIN)));

        assertThatThrownBy(() -> given(tx -> tx.insertAdminAccount(account("anna", AdminAccount.Role.VIEWER))))
                .isInstanceOf(DuplicateException.class).hasMessageContaining("anna");

        assertThat(ledger.read(tx -> tx.adminAccount("anna")).orElseThrow().role()).isEqualTo(AdminAccount.Role.ADMIN);
    }

    @Test
    void an_admin_session_reads_back_by_its_token_hash_and_ends_alone() {
        given(tx -> {
            tx.insertAdminAccount(account("anna", AdminAccount.Role.ADMIN));
            tx.insertAdminSession(session("aa11", "anna", T0.plusSeconds(3600)));
            tx.insertAdminSession(session("bb22", "anna", T0.plusSeconds(3600)));
        });

        given(tx -> tx.deleteAdminSession("aa11"));
        given(tx -> tx.deleteAdminSession("not-there"));

        ledger.read(tx -> {
            assertThat(tx.adminSession("aa11")).isEmpty();
            assertThat(tx.adminSession("bb22")).contains(session("bb22", "anna", T0.plusSeconds(3600)));
            return null;
        });
    }

    @Test
    void a_session_needs_its_account_and_removing_the_account_ends_its_sessions_only() {
        given(tx -> {
            tx.insertAdminAccount(account("anna", AdminAccount.Role.ADMIN));
            tx.insertAdminAccount(account("ben", AdminAccount.Role.VIEWER));
            tx.insertAdminSession(session("aa11", "anna", T0.plusSeconds(60)));
            tx.insertAdminSession(session("bb22", "ben", T0.plusSeconds(60)));
        });

        assertThatThrownBy(() -> given(tx -> tx.insertAdminSession(session("cc33", "ghost", T0.plusSeconds(60)))))
                .isInstanceOf(RuntimeException.class);
        boolean removed = ledger.transact(tx -> tx.deleteAdminAccount("anna"));
        boolean again = ledger.transact(tx -> tx.deleteAdminAccount("anna"));

        assertThat(removed).isTrue();
        assertThat(again).isFalse();
        ledger.read(tx -> {
            assertThat(tx.adminSession("aa11")).isEmpty();
            assertThat(tx.adminSession("bb22")).isPresent();
            assertThat(tx.adminSession("cc33")).isEmpty();
            return null;
        });
    }

    @Test
    void expired_admin_sessions_are_deleted_and_live_ones_kept() {
        given(tx -> {
            tx.insertAdminAccount(account("anna", AdminAccount.Role.ADMIN));
            tx.insertAdminSession(session("old", "anna", T0));
            tx.insertAdminSession(session("new", "anna", T0.plusSeconds(1)));
        });

        int deleted = ledger.transact(tx -> tx.deleteExpiredAdminSessions(T0));

        assertThat(deleted).isEqualTo(1);
        Optional<AdminSession> kept = ledger.read(tx -> tx.adminSession("new"));
        Optional<AdminSession> gone = ledger.read(tx -> tx.adminSession("old"));
        assertThat(kept).isPresent();
        assertThat(gone).isEmpty();
    }

    // ---- occupancy and history

    @Test
    void occupancy_reads_back_by_line_and_by_user_and_lists_by_endpoint_id() {
        givenUsersAndDesks(3, 2);
        given(tx -> {
            tx.occupy(new Occupancy("hd-" + MAC_B + "-2", ext("102"), T0, T0.plusSeconds(5)));
            tx.occupy(new Occupancy(desk(MAC_A), ext("101"), T0, null));
        });

        ledger.read(tx -> {
            assertThat(tx.occupancyOfLine(desk(MAC_A))).contains(new Occupancy(desk(MAC_A), ext("101"), T0, T0));
            assertThat(tx.seatsOfUser(ext("102"))).contains(new Occupancy("hd-" + MAC_B + "-2", ext("102"), T0, T0.plusSeconds(5)));
            assertThat(tx.occupancyOfLine(desk(MAC_B))).isEmpty();
            assertThat(tx.seatsOfUser(ext("103"))).isEmpty();
            assertThat(tx.occupancies()).extracting(Occupancy::endpointId)
                    .containsExactly("hd-" + MAC_B + "-2", desk(MAC_A));
            return null;
        });
    }

    @Test
    void the_session_history_gives_the_sessions_overlapping_a_range_oldest_first() {
        givenUsersAndDesks(3, 2);
        // 101: T0 .. T0+1h; 102: T0+2h .. T0+3h; 101 again: T0+4h .. T0+5h; 103 still seated
        given(tx -> tx.occupy(new Occupancy(desk(MAC_A), ext("101"), T0, T0)));
        given(tx -> tx.vacate(desk(MAC_A), T0.plusSeconds(3600), EndReason.LOGOUT));
        given(tx -> tx.occupy(new Occupancy(desk(MAC_B), ext("102"), T0.plusSeconds(7200), T0.plusSeconds(7200))));
        given(tx -> tx.vacate(desk(MAC_B), T0.plusSeconds(10800), EndReason.AUTO));
        given(tx -> tx.occupy(new Occupancy(desk(MAC_A), ext("101"), T0.plusSeconds(14400), T0.plusSeconds(14400))));
        given(tx -> tx.vacate(desk(MAC_A), T0.plusSeconds(18000), EndReason.REPLACED));
        given(tx -> tx.occupy(new Occupancy(desk(MAC_B), ext("103"), T0.plusSeconds(19000), T0.plusSeconds(19000))));

        assertThat(ledger.read((LedgerTx tx) -> tx.sessionsBetween(T0.minusSeconds(60), T0.plusSeconds(86400)))).containsExactly(
                SessionRecord.ended(desk(MAC_A), ext("101"), T0, T0.plusSeconds(3600), EndReason.LOGOUT),
                SessionRecord.ended(desk(MAC_B), ext("102"), T0.plusSeconds(7200), T0.plusSeconds(10800), EndReason.AUTO),
                SessionRecord.ended(desk(MAC_A), ext("101"), T0.plusSeconds(14400), T0.plusSeconds(18000), EndReason.REPLACED));
        // overlap, not containment: a range inside the second session finds it; touching ends do not count
        assertThat(ledger.read((LedgerTx tx) -> tx.sessionsBetween(T0.plusSeconds(8000), T0.plusSeconds(8001))))
                .extracting(SessionRecord::extension).containsExactly(ext("102"));
        assertThat(ledger.read((LedgerTx tx) -> tx.sessionsBetween(T0.plusSeconds(3600), T0.plusSeconds(7200)))).isEmpty();
        assertThat(ledger.read((LedgerTx tx) -> tx.sessionsBetween(T0.plusSeconds(30000), T0.plusSeconds(40000)))).isEmpty();
    }

    @Test
    void seating_at_an_occupied_line_or_a_seated_user_elsewhere_throws_duplicate() {
        givenUsersAndDesks(2, 1);
        given(tx -> tx.occupy(new Occupancy(desk(MAC_A), ext("101"), T0, T0)));

        assertThatThrownBy(() -> given(tx -> tx.occupy(new Occupancy(desk(MAC_A), ext("102"), T0, T0))))
                .isInstanceOf(DuplicateException.class);
        assertThatThrownBy(() -> given(tx -> tx.occupy(new Occupancy(desk(MAC_B), ext("101"), T0, T0))))
                .isInstanceOf(DuplicateException.class);

        assertThat(ledger.read(LedgerTx::occupancies)).containsExactly(new Occupancy(desk(MAC_A), ext("101"), T0, T0));
    }

    @Test
    void the_last_session_of_each_line_asked_for_is_its_latest_finished_one_since_the_cut() {
        givenUsersAndDesks(2, 2);
        String b1 = DeskLine.endpointIdFor(Mac.parse(MAC_B), 1);
        String b2 = DeskLine.endpointIdFor(Mac.parse(MAC_B), 2);
        given(tx -> {
            tx.occupy(new Occupancy(desk(MAC_A), ext("101"), T0, T0));
            tx.vacate(desk(MAC_A), T0.plusSeconds(10), EndReason.LOGOUT);
            tx.occupy(new Occupancy(desk(MAC_A), ext("102"), T0.plusSeconds(20), T0.plusSeconds(20)));
            tx.vacate(desk(MAC_A), T0.plusSeconds(30), EndReason.AUTO_IDLE);
            tx.occupy(new Occupancy(b1, ext("101"), T0.plusSeconds(40), T0.plusSeconds(40)));
            tx.vacate(b1, T0.plusSeconds(50), EndReason.FORCED);
            tx.occupy(new Occupancy(b2, ext("101"), T0.plusSeconds(60), T0.plusSeconds(60)));
        });
        SessionRecord lastOfA = SessionRecord.ended(desk(MAC_A), ext("102"), T0.plusSeconds(20), T0.plusSeconds(30), EndReason.AUTO_IDLE);
        SessionRecord lastOfB1 = SessionRecord.ended(b1, ext("101"), T0.plusSeconds(40), T0.plusSeconds(50), EndReason.FORCED);
        // many lines at once are read in one query, a few line by line: both give the same
        java.util.Set<String> many = new java.util.HashSet<>(Set.of(desk(MAC_A), b1, b2));
        IntStream.range(0, 40).forEach(i -> many.add("hd-none-" + i));

        ledger.read(tx -> {
            assertThat(tx.lastSessions(Set.of(desk(MAC_A), b1, b2), T0)).containsOnly(
                    Map.entry(desk(MAC_A), lastOfA), Map.entry(b1, lastOfB1));
            assertThat(tx.lastSessions(many, T0)).containsOnly(Map.entry(desk(MAC_A), lastOfA), Map.entry(b1, lastOfB1));
            assertThat(tx.lastSessions(Set.of(desk(MAC_A)), T0.plusSeconds(31))).isEmpty();
            assertThat(tx.lastSessions(Set.of(b1), T0.plusSeconds(31))).containsOnly(Map.entry(b1, lastOfB1));
            assertThat(tx.lastSessions(Set.of(), T0)).isEmpty();
            return null;
        });
    }

    @Test
    void a_users_recent_desks_are_where_they_sit_then_their_latest_sessions_each_once() {
        givenUsersAndDesks(2, 2);
        String b1 = DeskLine.endpointIdFor(Mac.parse(MAC_B), 1);
        String b2 = DeskLine.endpointIdFor(Mac.parse(MAC_B), 2);
        given(tx -> {
            tx.occupy(new Occupancy(desk(MAC_A), ext("101"), T0, T0));
            tx.vacate(desk(MAC_A), T0.plusSeconds(10), EndReason.LOGOUT);
            tx.occupy(new Occupancy(b1, ext("101"), T0.plusSeconds(20), T0.plusSeconds(20)));
            tx.vacate(b1, T0.plusSeconds(30), EndReason.LOGOUT);
            tx.occupy(new Occupancy(desk(MAC_A), ext("101"), T0.plusSeconds(40), T0.plusSeconds(40)));
            tx.vacate(desk(MAC_A), T0.plusSeconds(50), EndReason.LOGOUT);
            tx.occupy(new Occupancy(b2, ext("101"), T0.plusSeconds(60), T0.plusSeconds(60)));
            tx.occupy(new Occupancy(b1, ext("102"), T0.plusSeconds(70), T0.plusSeconds(70)));
        });

        ledger.read(tx -> {
            assertThat(tx.recentDesks(ext("101"), T0, 5)).containsExactly(b2, desk(MAC_A), b1);
            assertThat(tx.recentDesks(ext("101"), T0, 2)).containsExactly(b2, desk(MAC_A));
            assertThat(tx.recentDesks(ext("101"), T0.plusSeconds(30), 5)).containsExactly(b2, desk(MAC_A));
            assertThat(tx.recentDesks(ext("101"), T0, 0)).isEmpty();
            assertThat(tx.recentDesks(ext("102"), T0, 5)).containsExactly(b1);
            assertThat(tx.recentDesks(ext("199"), T0, 5)).isEmpty();
            return null;
        });
    }

    @Test
    void seats_taken_alongside_let_a_user_sit_at_several_lines_while_a_line_keeps_one_occupant() {
        givenUsersAndDesks(2, 2);
        String b1 = DeskLine.endpointIdFor(Mac.parse(MAC_B), 1);
        String b2 = DeskLine.endpointIdFor(Mac.parse(MAC_B), 2);
        given(tx -> {
            tx.occupy(new Occupancy(desk(MAC_A), ext("101"), T0, T0));
            tx.occupyAlongside(new Occupancy(b2, ext("101"), T0.plusSeconds(1), T0.plusSeconds(1)));
            tx.occupyAlongside(new Occupancy(b1, ext("101"), T0.plusSeconds(2), T0.plusSeconds(2)));
        });

        assertThat(ledger.read((LedgerTx tx) -> tx.seatsOfUser(ext("101")))).extracting(Occupancy::endpointId)
                .containsExactlyElementsOf(Stream.of(desk(MAC_A), b1, b2).sorted().toList());
        assertThatThrownBy(() -> given(tx -> tx.occupyAlongside(new Occupancy(b1, ext("102"), T0, T0))))
                .isInstanceOf(DuplicateException.class).hasMessageContaining(b1);
        assertThat(ledger.read((LedgerTx tx) -> tx.seatsOfUser(ext("102")))).isEmpty();

        // the seat taken as the user's one seat is still the only one of its kind
        given(tx -> {
            tx.vacate(b1, T0.plusSeconds(10), EndReason.LOGOUT);
            tx.vacate(b2, T0.plusSeconds(10), EndReason.LOGOUT);
        });
        assertThatThrownBy(() -> given(tx -> tx.occupy(new Occupancy(b1, ext("101"), T0, T0))))
                .isInstanceOf(DuplicateException.class).hasMessageContaining("101");
        given(tx -> tx.vacate(desk(MAC_A), T0.plusSeconds(20), EndReason.MOVED));
        given(tx -> tx.occupy(new Occupancy(b1, ext("101"), T0.plusSeconds(30), T0.plusSeconds(30))));
        assertThat(ledger.read((LedgerTx tx) -> tx.seatsOfUser(ext("101")))).extracting(Occupancy::endpointId).containsExactly(b1);
        assertThat(history()).hasSize(3);
    }

    @Test
    void vacate_ends_the_session_and_writes_it_to_the_history_and_a_free_line_is_a_no_op() {
        givenUsersAndDesks(2, 1);
        given(tx -> {
            tx.occupy(new Occupancy(desk(MAC_A), ext("101"), T0, T0));
            tx.occupy(new Occupancy(desk(MAC_B), ext("102"), T0.plusSeconds(1), T0.plusSeconds(1)));
        });

        given(tx -> {
            tx.vacate(desk(MAC_A), T0.plusSeconds(60), EndReason.LOGOUT);
            tx.vacate(desk(MAC_A), T0.plusSeconds(61), EndReason.FORCED);
            tx.vacate("hd-unknown", T0.plusSeconds(61), EndReason.FORCED);
        });
        given(tx -> tx.vacate(desk(MAC_B), T0.plusSeconds(90), EndReason.AUTO));

        assertThat(history()).containsExactly(
                new Ended(desk(MAC_A), ext("101"), T0, T0.plusSeconds(60), EndReason.LOGOUT),
                new Ended(desk(MAC_B), ext("102"), T0.plusSeconds(1), T0.plusSeconds(90), EndReason.AUTO));
        assertThat(ledger.read(LedgerTx::occupancies)).isEmpty();
        given(tx -> tx.occupy(new Occupancy(desk(MAC_A), ext("102"), T0.plusSeconds(100), null)));
        assertThat(ledger.read((LedgerTx tx) -> tx.seatsOfUser(ext("102")))).map(Occupancy::endpointId).contains(desk(MAC_A));
    }

    @Test
    void vacate_returns_the_occupancy_it_ended_and_nothing_for_a_free_line() {
        givenUsersAndDesks(2, 1);
        Occupancy seat = new Occupancy(desk(MAC_A), ext("101"), T0, T0.plusSeconds(5));
        given(tx -> tx.occupy(seat));

        Optional<Occupancy> ended = ledger.transact(tx -> tx.vacate(desk(MAC_A), T0.plusSeconds(60), EndReason.LOGOUT));
        Optional<Occupancy> again = ledger.transact(tx -> tx.vacate(desk(MAC_A), T0.plusSeconds(61), EndReason.LOGOUT));

        assertThat(ended).contains(seat);
        assertThat(again).isEmpty();
    }

    @Test
    void the_ledger_refuses_to_break_the_references_between_seats_lines_and_users() {
        givenUsersAndDesks(2, 1);
        Occupancy seat = new Occupancy(desk(MAC_A), ext("101"), T0, T0);
        given(tx -> tx.occupy(seat));

        assertThatThrownBy(() -> given(tx -> tx.deleteDevice(Mac.parse(MAC_A)))).isInstanceOf(LedgerException.class);
        assertThatThrownBy(() -> given(tx -> tx.deleteUser(ext("101")))).isInstanceOf(LedgerException.class);
        assertThatThrownBy(() -> given(tx -> tx.occupy(new Occupancy(desk(MAC_B), ext("999"), T0, T0))))
                .isInstanceOf(LedgerException.class);
        assertThatThrownBy(() -> given(tx -> tx.occupy(new Occupancy("hd-nowhere", ext("102"), T0, T0))))
                .isInstanceOf(LedgerException.class);

        ledger.read(tx -> {
            assertThat(tx.occupancies()).containsExactly(seat);
            assertThat(tx.user(ext("101"))).isPresent();
            assertThat(tx.device(Mac.parse(MAC_A))).isPresent();
            assertThat(tx.lines()).hasSize(2);
            return null;
        });
    }

    @Test
    void touch_moves_the_last_activity_and_ignores_a_free_line() {
        givenUsersAndDesks(1, 1);
        given(tx -> tx.occupy(new Occupancy(desk(MAC_A), ext("101"), T0, T0)));

        given(tx -> {
            tx.touch(desk(MAC_A), T0.plusSeconds(30));
            tx.touch(desk(MAC_B), T0.plusSeconds(30));
        });

        assertThat(ledger.read((LedgerTx tx) -> tx.occupancyOfLine(desk(MAC_A))))
                .contains(new Occupancy(desk(MAC_A), ext("101"), T0, T0.plusSeconds(30)));
        assertThat(ledger.read((LedgerTx tx) -> tx.occupancyOfLine(desk(MAC_B)))).isEmpty();
    }

    // ---- one-time codes

    @Test
    void replacing_a_code_voids_the_previous_code_of_that_user_only() {
        givenUsersAndDesks(2, 1);
        given(tx -> {
            tx.replaceOtp(ext("101"), new OtpRecord(0, ext("101"), hash("old"), T0.plusSeconds(120)));
            tx.replaceOtp(ext("102"), new OtpRecord(0, ext("102"), hash("other"), T0.plusSeconds(120)));
        });
        long oldId = ledger.read(tx -> tx.liveOtps(T0).get(0).id());

        given(tx -> tx.replaceOtp(ext("101"), new OtpRecord(0, ext("101"), hash("new"), T0.plusSeconds(180))));

        List<OtpRecord> live = ledger.read(tx -> tx.liveOtps(T0));
        assertThat(live).extracting(o -> o.hash().encoded()).containsExactly(hash("other").encoded(), hash("new").encoded());
        assertThat(live).extracting(OtpRecord::id).doesNotContain(oldId).doesNotHaveDuplicates();
        assertThat(live.get(1)).satisfies(o -> {
            assertThat(o.extension()).isEqualTo(ext("101"));
            assertThat(o.expiresAt()).isEqualTo(T0.plusSeconds(180));
        });
    }

    @Test
    void live_codes_are_those_neither_expired_nor_used() {
        givenUsersAndDesks(3, 1);
        given(tx -> {
            tx.replaceOtp(ext("101"), new OtpRecord(0, ext("101"), hash("a"), T0.plusSeconds(60)));
            tx.replaceOtp(ext("102"), new OtpRecord(0, ext("102"), hash("b"), T0.plusSeconds(120)));
            tx.replaceOtp(ext("103"), new OtpRecord(0, ext("103"), hash("c"), T0.plusSeconds(120)));
        });
        long codeOf102 = ledger.read(tx -> tx.liveOtps(T0).get(1).id());

        given(tx -> {
            tx.consumeOtp(codeOf102, T0.plusSeconds(10));
            tx.consumeOtp(987654321L, T0.plusSeconds(10));
        });

        ledger.read(tx -> {
            assertThat(tx.liveOtps(T0)).extracting(o -> o.extension().value()).containsExactly("101", "103");
            assertThat(tx.liveOtps(T0.plusSeconds(60).minusNanos(1000))).extracting(o -> o.extension().value())
                    .containsExactly("101", "103");
            assertThat(tx.liveOtps(T0.plusSeconds(60))).extracting(o -> o.extension().value()).containsExactly("103");
            assertThat(tx.liveOtps(T0.plusSeconds(120))).isEmpty();
            return null;
        });
    }

    // ---- failures

    @Test
    void failures_are_counted_per_key_from_since_inclusive_with_the_last_one_and_cleared_per_key() {
        given(tx -> {
            tx.recordFailure("user:101", T0);
            tx.recordFailure("user:101", T0.plusSeconds(10));
            tx.recordFailure("user:101", T0.plusSeconds(5));
            tx.recordFailure("desk:hd-" + MAC_A, T0.plusSeconds(20));
        });

        ledger.read(tx -> {
            assertThat(tx.failuresSince("user:101", T0)).isEqualTo(3);
            assertThat(tx.failuresSince("user:101", T0.plusSeconds(5))).isEqualTo(2);
            assertThat(tx.failuresSince("user:101", T0.plusSeconds(11))).isZero();
            assertThat(tx.lastFailure("user:101")).contains(T0.plusSeconds(10));
            assertThat(tx.lastFailure("user:999")).isEmpty();
            assertThat(tx.failuresSince("user:999", T0)).isZero();
            return null;
        });

        given(tx -> tx.clearFailures("user:101"));

        ledger.read(tx -> {
            assertThat(tx.failuresSince("user:101", T0)).isZero();
            assertThat(tx.lastFailure("user:101")).isEmpty();
            assertThat(tx.failuresSince("desk:hd-" + MAC_A, T0)).isEqualTo(1);
            return null;
        });
    }

    @Test
    void failure_times_come_oldest_first_from_since_and_counts_by_prefix_list_every_matching_key() {
        given(tx -> {
            tx.recordFailure("at:101@hd-" + MAC_A, T0.plusSeconds(10));
            tx.recordFailure("at:101@hd-" + MAC_A, T0);
            tx.recordFailure("at:101@hd-" + MAC_B, T0.plusSeconds(3));
            tx.recordFailure("at:1010@hd-" + MAC_A, T0.plusSeconds(3));
            tx.recordFailure("user:101", T0.plusSeconds(3));
            tx.recordFailure("at%_:x", T0.plusSeconds(3));
        });

        ledger.read(tx -> {
            assertThat(tx.failureTimes("at:101@hd-" + MAC_A, T0)).containsExactly(T0, T0.plusSeconds(10));
            assertThat(tx.failureTimes("at:101@hd-" + MAC_A, T0.plusSeconds(1))).containsExactly(T0.plusSeconds(10));
            assertThat(tx.failureTimes("user:999", T0)).isEmpty();
            assertThat(tx.failureCounts("at:101@", T0)).containsExactly(
                    Map.entry("at:101@hd-" + MAC_B, 1), Map.entry("at:101@hd-" + MAC_A, 2));
            assertThat(tx.failureCounts("at:101@", T0.plusSeconds(5))).containsExactly(Map.entry("at:101@hd-" + MAC_A, 1));
            assertThat(tx.failureCounts("at:", T0)).hasSize(3);
            // a prefix is plain text: % and _ match themselves only
            assertThat(tx.failureCounts("at%", T0)).containsOnlyKeys("at%_:x");
            assertThat(tx.failureCounts("nothing:", T0)).isEmpty();
            return null;
        });
    }

    @Test
    void failure_times_of_several_keys_come_in_one_map_each_oldest_first_from_since_and_every_key_asked_is_in_it() {
        given(tx -> {
            tx.recordFailure("at:101@hd-" + MAC_A, T0.plusSeconds(10));
            tx.recordFailure("at:101@hd-" + MAC_A, T0);
            tx.recordFailure("at:101@hd-" + MAC_A, T0.plusSeconds(2));
            tx.recordFailure("at:1010@hd-" + MAC_A, T0.plusSeconds(3));
            tx.recordFailure("user:101", T0.plusSeconds(3));
            tx.recordFailure("at%_:x", T0.plusSeconds(4));
        });

        Map<String, List<Instant>> times = ledger.read(tx -> tx.failureTimes(
                Set.of("at:101@hd-" + MAC_A, "user:101", "user:999", "at%_:x"), T0.plusSeconds(1)));
        Map<String, List<Instant>> none = ledger.read(tx -> tx.failureTimes(Set.<String>of(), T0));

        assertThat(times).isEqualTo(Map.of(
                "at:101@hd-" + MAC_A, List.of(T0.plusSeconds(2), T0.plusSeconds(10)),
                "user:101", List.of(T0.plusSeconds(3)),
                "user:999", List.of(),
                "at%_:x", List.of(T0.plusSeconds(4))));
        assertThat(none).isEmpty();
    }

    @Test
    void a_users_own_multi_login_policy_is_stored_and_changed_and_none_means_the_global_one() {
        User deny = new User(ext("101"), "Alice", hash("a"), true, "internal", "", "own-secret-1", false,
                Optional.of(MultiLogin.DENY));
        given(tx -> {
            tx.insertUser(deny);
            tx.insertUser(user("102"));
        });

        ledger.read(tx -> {
            assertThat(tx.user(ext("101")).orElseThrow().multiLogin()).contains(MultiLogin.DENY);
            assertThat(tx.user(ext("102")).orElseThrow().multiLogin()).isEmpty();
            return null;
        });

        given(tx -> {
            tx.updateUser(new User(ext("101"), "Alice", hash("a"), true, "internal", "", "own-secret-1", false,
                    Optional.empty()));
            tx.updateUser(new User(ext("102"), "User 102", hash("102"), true, "internal", "102@default", "sip-secret-102",
                    false, Optional.of(MultiLogin.SINGLE)));
        });

        ledger.read(tx -> {
            assertThat(tx.user(ext("101")).orElseThrow().multiLogin()).isEmpty();
            assertThat(tx.user(ext("102")).orElseThrow().multiLogin()).contains(MultiLogin.SINGLE);
            return null;
        });
        given(tx -> tx.updateUser(new User(ext("101"), "Alice", hash("a"), true, "internal", "", "own-secret-1", false,
                Optional.of(MultiLogin.ALLOW))));
        assertThat(ledger.read((LedgerTx tx) -> tx.user(ext("101")).orElseThrow().multiLogin())).contains(MultiLogin.ALLOW);
    }

    // ---- audit

    @Test
    void audit_tail_gives_the_latest_entries_in_writing_order() {
        List<AuditEntry> entries = IntStream.range(0, 7)
                .mapToObj(i -> new AuditEntry(T0.plusSeconds(i % 3), "cli", "action-" + i, "subject-" + i, i == 3 ? null : "detail " + i))
                .toList();
        given(tx -> entries.subList(0, 4).forEach(tx::audit));
        given(tx -> entries.subList(4, 7).forEach(tx::audit));

        ledger.read(tx -> {
            assertThat(tx.auditTail(3)).containsExactlyElementsOf(entries.subList(4, 7));
            assertThat(tx.auditTail(100)).containsExactlyElementsOf(entries);
            assertThat(tx.auditTail(100).get(3).detail()).isEmpty();
            assertThat(tx.auditTail(0)).isEmpty();
            return null;
        });
    }

    @Test
    void auto_logout_overrides_are_stored_per_scope_replaced_and_removed_when_empty() {
        var site = new hotdesk.core.model.AutoLogoutOverride(Optional.of(java.time.Duration.ofMinutes(30)), Optional.empty(),
                Optional.of("19:00"));
        var desk = new hotdesk.core.model.AutoLogoutOverride(Optional.empty(), Optional.of(java.time.Duration.ZERO),
                Optional.of("off"));
        given(tx -> {
            tx.setAutoLogoutOverride("site", "HQ", site);
            tx.setAutoLogoutOverride("desk", MAC_A, desk);
        });
        ledger.read(tx -> {
            assertThat(tx.autoLogoutOverrides("site")).containsExactly(Map.entry("HQ", site));
            assertThat(tx.autoLogoutOverrides("desk")).containsExactly(Map.entry(MAC_A, desk));
            return null;
        });

        given(tx -> {
            tx.setAutoLogoutOverride("site", "HQ", new hotdesk.core.model.AutoLogoutOverride(Optional.empty(),
                    Optional.of(java.time.Duration.ofHours(9)), Optional.empty()));
            tx.setAutoLogoutOverride("desk", MAC_A, hotdesk.core.model.AutoLogoutOverride.NONE);
        });
        ledger.read(tx -> {
            assertThat(tx.autoLogoutOverrides("site").get("HQ").max()).contains(java.time.Duration.ofHours(9));
            assertThat(tx.autoLogoutOverrides("site").get("HQ").idle()).isEmpty();
            assertThat(tx.autoLogoutOverrides("desk")).isEmpty();
            return null;
        });
    }

    @Test
    void an_audit_page_is_newest_first_filtered_by_subject_whole_words_action_and_time_and_continues_below_an_id() {
        List<AuditEntry> entries = List.of(
                new AuditEntry(T0, "agi:hd-a", "login", "101", "desk=hd-a by=pin ext=101"),
                new AuditEntry(T0.plusSeconds(1), "agi:hd-a", "login.rejected", "hd-a", "WRONG_PIN pin ext=1010"),
                new AuditEntry(T0.plusSeconds(2), "agi:hd-b", "login.rejected", "hd-b", "WRONG_PIN pin ext=101"),
                new AuditEntry(T0.plusSeconds(3), "cli", "logout", "102", "desk=hd-a-2 reason=FORCED"),
                new AuditEntry(T0.plusSeconds(4), "cli", "loginx", "101", "100%_done"),
                new AuditEntry(T0.plusSeconds(5), "cli", "user.set", "101", "enabled=false"));
        given(tx -> entries.forEach(tx::audit));

        ledger.read(tx -> {
            List<AuditLine> all = tx.auditPage(AuditQuery.all(100));
            assertThat(all).extracting(AuditLine::entry).containsExactlyElementsOf(reversed(entries));
            assertThat(all.get(0).id()).isGreaterThan(all.get(1).id());

            AuditQuery user101 = new AuditQuery(Optional.empty(), List.of("101"), List.of("ext=101"), "", 0, 100);
            assertThat(tx.auditPage(user101)).extracting(l -> l.entry().detail())
                    .containsExactly("enabled=false", "100%_done", "WRONG_PIN pin ext=101", "desk=hd-a by=pin ext=101");

            AuditQuery deskA = new AuditQuery(Optional.empty(), List.of("hd-a"), List.of("desk=hd-a"), "", 0, 100);
            assertThat(tx.auditPage(deskA)).extracting(l -> l.entry().detail())
                    .containsExactly("WRONG_PIN pin ext=1010", "desk=hd-a by=pin ext=101");

            AuditQuery logins = new AuditQuery(Optional.of(T0.plusSeconds(1)), List.of(), List.of(), "login", 0, 100);
            assertThat(tx.auditPage(logins)).extracting(l -> l.entry().subject()).containsExactly("hd-b", "hd-a");

            AuditQuery wildcard = new AuditQuery(Optional.empty(), List.of(), List.of("100%_done"), "", 0, 100);
            assertThat(tx.auditPage(wildcard)).hasSize(1);
            AuditQuery noWildcard = new AuditQuery(Optional.empty(), List.of(), List.of("1%"), "", 0, 100);
            assertThat(tx.auditPage(noWildcard)).isEmpty();

            List<AuditLine> first = tx.auditPage(new AuditQuery(Optional.empty(), List.of(), List.of(), "", 0, 4));
            List<AuditLine> next = tx.auditPage(new AuditQuery(Optional.empty(), List.of(), List.of(), "",
                    first.get(3).id(), 4));
            assertThat(first).hasSize(4);
            assertThat(next).extracting(AuditLine::entry).containsExactlyElementsOf(reversed(entries).subList(4, 6));
            return null;
        });
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }

    // ---- revisions

    @Test
    void a_devices_own_phone_settings_round_trip_through_insert_update_and_clearing() {
        DeskPhoneSettings own = new DeskPhoneSettings("proxy.branch.example", 5061, "tls", "10.1.0.1", "Europe/Berlin", 480);
        Device d = device(MAC_A).withPhones(own);
        given(tx -> tx.insertDevice(d, lines(MAC_A, 1)));
        assertThat(ledger.read((LedgerTx tx) -> tx.device(Mac.parse(MAC_A)))).contains(d);

        Device changed = d.withPhones(new DeskPhoneSettings("", 0, "udp", "", "", 30));
        given(tx -> tx.updateDevice(changed));
        assertThat(ledger.read((LedgerTx tx) -> tx.devices())).containsExactly(changed);

        given(tx -> tx.updateDevice(d.withPhones(DeskPhoneSettings.NONE)));
        assertThat(ledger.read((LedgerTx tx) -> tx.device(Mac.parse(MAC_A))).orElseThrow().phones())
                .isEqualTo(DeskPhoneSettings.NONE);
        assertThat(ledger.read((LedgerTx tx) -> tx.device(Mac.parse(MAC_A))).orElseThrow())
                .isEqualTo(device(MAC_A));
    }

    @Test
    void many_targets_bumped_at_once_get_the_revisions_one_by_one_bumps_would_give_them() {
        // enough targets for a batched bump, some with a revision row already, one named twice
        List<Target> first = IntStream.range(0, 6).mapToObj(i -> Target.user(ext(Integer.toString(101 + i)))).toList();
        given(tx -> tx.bump(first.get(0), first.get(1)));
        long before = ledger.read(LedgerTx::latestRevision);
        List<Target> all = new ArrayList<>(first);
        all.add(Target.desk(desk(MAC_A)));
        all.add(first.get(2));

        given(tx -> tx.bump(all.toArray(Target[]::new)));

        ledger.read(tx -> {
            assertThat(tx.latestRevision()).isEqualTo(before + all.size());
            assertThat(tx.revision(first.get(0))).isEqualTo(before + 1);
            assertThat(tx.revision(first.get(1))).isEqualTo(before + 2);
            assertThat(tx.revision(first.get(3))).isEqualTo(before + 4);
            assertThat(tx.revision(Target.desk(desk(MAC_A)))).isEqualTo(before + 7);
            assertThat(tx.revision(first.get(2))).isEqualTo(before + 8); // its later mention wins
            assertThat(tx.revisions()).hasSize(7);
            return null;
        });
    }

    @Test
    void insert_users_writes_them_all_and_audit_all_keeps_the_order() {
        List<User> many = IntStream.range(0, 1500).mapToObj(i -> user(Integer.toString(20000 + i))).toList();
        List<AuditEntry> lines = IntStream.range(0, 1500)
                .mapToObj(i -> new AuditEntry(T0.plusMillis(i), "test", "user.add", Integer.toString(20000 + i), "n=" + i))
                .toList();

        given(tx -> {
            tx.insertUsers(many);
            tx.auditAll(lines);
            tx.insertUsers(List.of());
            tx.auditAll(List.of());
        });

        ledger.read(tx -> {
            assertThat(tx.users()).containsExactlyElementsOf(many);
            assertThat(tx.auditTail(2000)).containsExactlyElementsOf(lines);
            return null;
        });
    }

    @Test
    void insert_users_with_a_stored_or_repeated_extension_inserts_none_and_the_transaction_goes_on() {
        given(tx -> tx.insertUser(user("101")));
        boolean[] refused = new boolean[2];

        ledger.transact(tx -> {
            try {
                tx.insertUsers(List.of(user("102"), user("103"), user("101")));
            } catch (DuplicateException e) {
                refused[0] = true;
            }
            try {
                tx.insertUsers(List.of(user("104"), user("104")));
            } catch (DuplicateException e) {
                refused[1] = true;
            }
            tx.insertUsers(List.of(user("105")));
            return null;
        });

        assertThat(refused).containsExactly(true, true);
        assertThat(ledger.read(LedgerTx::users)).containsExactly(user("101"), user("105"));
    }

    @Test
    void bump_gives_every_target_a_new_strictly_higher_revision() {
        Target a = Target.desk(desk(MAC_A));
        Target u = Target.user(ext("101"));
        Target v = Target.user(ext("102"));
        assertThat(ledger.read(LedgerTx::latestRevision)).isZero();
        assertThat(ledger.read((LedgerTx tx) -> tx.revision(a))).isZero();

        given(tx -> tx.bump(a, u));
        long ra = ledger.read(tx -> tx.revision(a));
        long ru = ledger.read(tx -> tx.revision(u));
        long latestInside = ledger.transact(tx -> {
            tx.bump(u);
            tx.bump(v);
            tx.bump();
            return tx.latestRevision();
        });

        ledger.read(tx -> {
            assertThat(ra).isPositive();
            assertThat(ru).isGreaterThan(ra);
            assertThat(tx.revision(u)).isGreaterThan(ru);
            assertThat(tx.revision(v)).isGreaterThan(tx.revision(u));
            assertThat(tx.latestRevision()).isEqualTo(tx.revision(v)).isEqualTo(latestInside);
            assertThat(tx.revisions()).isEqualTo(Map.of(a, ra, u, tx.revision(u), v, tx.revision(v)));
            return null;
        });
    }

    @Test
    void many_targets_read_at_once_answer_what_reading_each_alone_answers() {
        // more than one IN list's worth (64) of desk lines and of users, some seated (one user at two desks), a desk
        // with its own location fields, a gateway's lines, revisions for some targets only
        List<String> macs = IntStream.range(0, 70).mapToObj(i -> String.format("0015650a%04x", i)).toList();
        given(tx -> {
            for (int i = 0; i < 70; i++) {
                tx.insertUser(user(Integer.toString(2000 + i)));
            }
            macs.forEach(m -> tx.insertDevice(device(m), lines(m, 1)));
            tx.insertDevice(device(MAC_B), lines(MAC_B, 4));
            tx.setDeskLocation(Mac.parse(macs.get(3)), deskFields());
            tx.occupy(new Occupancy(desk(macs.get(0)), ext("2000"), T0, T0));
            tx.occupy(new Occupancy(desk(macs.get(69)), ext("2069"), T0, T0.plusSeconds(5)));
            tx.occupyAlongside(new Occupancy(desk(macs.get(68)), ext("2069"), T0.plusSeconds(1), T0.plusSeconds(1)));
            tx.occupy(new Occupancy(lines(MAC_B, 4).get(2).endpointId(), ext("2001"), T0, T0));
            tx.bump(Target.desk(desk(macs.get(0))), Target.user(ext("2000")), Target.desk(desk(macs.get(69))));
            tx.bump(Target.user(ext("2069")));
        });
        List<String> ids = new ArrayList<>(macs.stream().map(LedgerContract::desk).toList());
        lines(MAC_B, 4).forEach(l -> ids.add(l.endpointId()));
        ids.add(desk("001565ffffff")); // no such line
        List<Extension> exts = new ArrayList<>(IntStream.range(0, 70).mapToObj(i -> ext(Integer.toString(2000 + i))).toList());
        exts.add(ext("2999")); // no such user
        List<Target> targets = new ArrayList<>();
        ids.forEach(id -> targets.add(Target.desk(id)));
        exts.forEach(e -> targets.add(Target.user(e)));

        ledger.read(tx -> {
            Map<String, LedgerTx.DeskLineFacts> desks = tx.deskLineFacts(ids);
            assertThat(desks).hasSize(74).doesNotContainKey(desk("001565ffffff"));
            for (String id : ids.subList(0, 74)) {
                DeskLine line = tx.line(id).orElseThrow();
                Optional<Occupancy> seat = tx.occupancyOfLine(id);
                assertThat(desks.get(id)).as(id).isEqualTo(new LedgerTx.DeskLineFacts(line, tx.device(line.mac()).orElseThrow(),
                        tx.deskLocation(line.mac()), seat, seat.flatMap(o -> tx.user(o.extension()))));
            }
            assertThat(desks.get(desk(macs.get(3))).location()).isEqualTo(deskFields());
            assertThat(desks.get(desk(macs.get(0))).occupant()).contains(user("2000"));
            assertThat(desks.get(lines(MAC_B, 4).get(2).endpointId()).occupant()).contains(user("2001"));
            assertThat(desks.get(desk(macs.get(1))).seat()).isEmpty();

            Map<Extension, LedgerTx.UserFacts> users = tx.userFacts(exts);
            assertThat(users).hasSize(70).doesNotContainKey(ext("2999"));
            for (Extension e : exts.subList(0, 70)) {
                assertThat(users.get(e)).as(e.value()).isEqualTo(new LedgerTx.UserFacts(tx.user(e).orElseThrow(), tx.seatsOfUser(e)));
            }
            assertThat(users.get(ext("2069")).seats()).extracting(Occupancy::endpointId)
                    .containsExactly(desk(macs.get(68)), desk(macs.get(69)));

            Map<Target, Long> revisions = tx.revisions(targets);
            assertThat(revisions).hasSize(targets.size());
            targets.forEach(t -> assertThat(revisions.get(t)).as(t.toString()).isEqualTo(tx.revision(t)));
            assertThat(revisions.get(Target.user(ext("2069")))).isPositive();
            assertThat(revisions.get(Target.desk(desk(macs.get(5))))).isZero();

            // nothing asked, nothing read
            assertThat(tx.deskLineFacts(List.<String>of())).isEmpty();
            assertThat(tx.userFacts(List.<Extension>of())).isEmpty();
            assertThat(tx.revisions(List.<Target>of())).isEmpty();
            return null;
        });
    }

    @Test
    void drop_revision_forgets_the_target_and_its_applied_state_on_every_node() {
        Target a = Target.desk(desk(MAC_A));
        Target u = Target.user(ext("101"));
        given(tx -> {
            tx.bump(a, u);
            tx.markApplied("node-a", a, tx.revision(a), T0);
            tx.markApplied("node-b", a, tx.revision(a), T0);
            tx.markFailed("node-b", a, T0, "ARI down");
            tx.markApplied("node-a", u, tx.revision(u), T0);
        });
        long latest = ledger.read(LedgerTx::latestRevision);

        given(tx -> tx.dropRevision(a));

        ledger.read(tx -> {
            assertThat(tx.revision(a)).isZero();
            assertThat(tx.revisions()).containsOnlyKeys(u);
            assertThat(tx.applied("node-a")).containsOnlyKeys(u);
            assertThat(tx.applied("node-b")).isEmpty();
            assertThat(tx.lastError("node-b", a)).isEmpty();
            assertThat(tx.latestRevision()).isEqualTo(latest);
            return null;
        });
    }

    // ---- applied state

    @Test
    void applied_state_is_kept_per_node_and_target() {
        Target a = Target.desk(desk(MAC_A));
        Target u = Target.user(ext("101"));
        given(tx -> {
            tx.markApplied("node-a", a, 3, T0);
            tx.markApplied("node-a", u, 4, T0);
            tx.markApplied("node-b", a, 2, T0);
        });
        given(tx -> tx.markApplied("node-a", a, 5, T0.plusSeconds(1)));

        ledger.read(tx -> {
            assertThat(tx.applied("node-a")).isEqualTo(Map.of(a, 5L, u, 4L));
            assertThat(tx.applied("node-b")).isEqualTo(Map.of(a, 2L));
            assertThat(tx.applied("node-c")).isEmpty();
            return null;
        });
    }

    @Test
    void mark_failed_records_the_error_and_keeps_the_applied_revision_until_the_next_success() {
        Target a = Target.desk(desk(MAC_A));
        Target u = Target.user(ext("101"));
        given(tx -> tx.markApplied("node-a", a, 3, T0));

        given(tx -> {
            tx.markFailed("node-a", a, T0.plusSeconds(1), "ARI PUT endpoint/hd-x → 503 after 2000 ms");
            tx.markFailed("node-a", u, T0.plusSeconds(1), "first error");
            tx.markFailed("node-a", u, T0.plusSeconds(2), "second error");
        });

        ledger.read(tx -> {
            assertThat(tx.applied("node-a")).isEqualTo(Map.of(a, 3L));
            assertThat(tx.lastError("node-a", a)).contains("ARI PUT endpoint/hd-x → 503 after 2000 ms");
            assertThat(tx.lastError("node-a", u)).contains("second error");
            assertThat(tx.lastError("node-b", a)).isEmpty();
            return null;
        });

        given(tx -> tx.markApplied("node-a", u, 7, T0.plusSeconds(3)));

        ledger.read(tx -> {
            assertThat(tx.applied("node-a")).isEqualTo(Map.of(a, 3L, u, 7L));
            assertThat(tx.lastError("node-a", u)).isEmpty();
            assertThat(tx.lastError("node-a", a)).isPresent();
            return null;
        });
    }

    // ---- concurrency

    static final int THREADS = 8;

    /** Runs the tasks at once on their own threads; returns their results (or rethrows the first failure). */
    static <T> List<T> concurrently(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void of_many_concurrent_attempts_to_take_one_free_line_exactly_one_wins() throws Exception {
        givenUsersAndDesks(THREADS, 1);
        List<Callable<Boolean>> tasks = IntStream.range(0, THREADS).<Callable<Boolean>>mapToObj(i -> () -> ledger.transact(tx -> {
            Extension me = ext(Integer.toString(101 + i));
            if (tx.occupancyOfLine(desk(MAC_A)).isPresent() || !tx.seatsOfUser(me).isEmpty()) {
                return false;
            }
            tx.occupy(new Occupancy(desk(MAC_A), me, T0, T0));
            tx.bump(Target.desk(desk(MAC_A)), Target.user(me));
            return true;
        })).toList();

        List<Boolean> won = concurrently(tasks);

        assertThat(won).filteredOn(Boolean::booleanValue).hasSize(1);
        int winner = won.indexOf(true);
        assertThat(ledger.read(LedgerTx::occupancies)).extracting(o -> o.extension().value())
                .containsExactly(Integer.toString(101 + winner));
        assertThat(ledger.read(LedgerTx::latestRevision)).isEqualTo(2);
    }

    @Test
    void concurrent_replacements_on_one_line_lose_no_session() throws Exception {
        givenUsersAndDesks(THREADS, 1);
        List<Callable<Object>> tasks = IntStream.range(0, THREADS).<Callable<Object>>mapToObj(i -> () -> ledger.transact(tx -> {
            Instant now = T0.plusSeconds(i);
            tx.vacate(desk(MAC_A), now, EndReason.REPLACED);
            tx.occupy(new Occupancy(desk(MAC_A), ext(Integer.toString(101 + i)), now, now));
            return null;
        })).toList();

        concurrently(tasks);

        List<Occupancy> seated = ledger.read(LedgerTx::occupancies);
        assertThat(seated).hasSize(1);
        List<Ended> ended = history();
        assertThat(ended).hasSize(THREADS - 1).allSatisfy(e -> assertThat(e.reason()).isEqualTo(EndReason.REPLACED));
        Set<String> everyone = new HashSet<>();
        ended.forEach(e -> everyone.add(e.extension().value()));
        everyone.add(seated.get(0).extension().value());
        assertThat(everyone).hasSize(THREADS);
    }

    @Test
    void concurrent_bumps_all_get_distinct_revisions_and_none_is_lost() throws Exception {
        int perThread = 10;
        List<Callable<List<Long>>> tasks = IntStream.range(0, THREADS).<Callable<List<Long>>>mapToObj(i -> () -> {
            List<Long> mine = new ArrayList<>();
            for (int k = 0; k < perThread; k++) {
                Target t = Target.user(ext(Integer.toString(100 + k)));
                mine.add(ledger.transact(tx -> {
                    tx.bump(t);
                    return tx.revision(t);
                }));
            }
            return mine;
        }).toList();

        List<Long> all = concurrently(tasks).stream().flatMap(List::stream).toList();

        assertThat(all).hasSize(THREADS * perThread).doesNotHaveDuplicates();
        assertThat(ledger.read(LedgerTx::latestRevision)).isEqualTo((long) THREADS * perThread)
                .isEqualTo(Collections.max(all));
        Map<Target, Long> revisions = ledger.read(tx -> tx.revisions());
        assertThat(revisions).hasSize(perThread);
    }

    @Test
    void concurrent_pin_logins_on_one_desk_all_succeed_in_turn_and_leave_one_occupant() throws Exception {
        TestWorld world = new TestWorld(ledger);
        world.device(MAC_A);
        List<String> exts = IntStream.range(0, THREADS).mapToObj(i -> Integer.toString(201 + i)).toList();
        exts.forEach(e -> world.user(e, "User " + e, "4" + e + "9"));

        List<LogIn.Result> results = concurrently(exts.stream().<Callable<LogIn.Result>>map(e -> () -> world.pinLogin(MAC_A, e, "4" + e + "9")).toList());

        assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(LogIn.LoggedIn.class));
        Set<String> replaced = results.stream().map(r -> ((LogIn.LoggedIn) r).replaced())
                .flatMap(Optional::stream).map(Extension::value).collect(Collectors.toSet());
        List<Occupancy> seated = ledger.read(LedgerTx::occupancies);
        assertThat(seated).hasSize(1);
        String last = seated.get(0).extension().value();
        assertThat(replaced).hasSize(THREADS - 1).doesNotContain(last);
        assertThat(history()).hasSize(THREADS - 1);
        assertThat(world.reconcile.runOnce().clean()).isTrue();
        assertThat(world.status.lines(TestWorld.NODE)).singleElement().satisfies(l -> {
            assertThat(l.inSync()).isTrue();
            assertThat(l.occupant()).map(u -> u.extension().value()).contains(last);
        });
    }

    @Test
    void the_daily_logout_reads_a_desks_own_time_zone_from_the_ledger_before_its_sites() {
        TestWorld world = new TestWorld(ledger);
        world.device(MAC_A).device(MAC_B).user("301", "Ann", "48151").user("302", "Ben", "62342");
        world.sites.add("NYC", Map.of(hotdesk.core.usecase.ManageSites.TIME_ZONE, "America/New_York"), "test");
        world.devices.set(MAC_A, new hotdesk.core.usecase.ManageDevices.DeviceChanges(null, "NYC", null, null, null,
                Map.of(DeskPhoneSettings.TIME_ZONE, "Asia/Tokyo")), "test");
        world.devices.set(MAC_B, new hotdesk.core.usecase.ManageDevices.DeviceChanges(null, "NYC", null, null, null), "test");
        assertThat(world.pinLogin(MAC_A, "301", "48151")).isInstanceOf(LogIn.LoggedIn.class);
        assertThat(world.pinLogin(MAC_B, "302", "62342")).isInstanceOf(LogIn.LoggedIn.class);
        hotdesk.core.usecase.AutoLogout timers = new hotdesk.core.usecase.AutoLogout(ledger, () -> Optional.of(Set.of()),
                world.logOut, new hotdesk.core.policy.AutoLogoutRules(java.time.Duration.ZERO, java.time.Duration.ZERO,
                Optional.of(java.time.LocalTime.parse("19:00"))), java.time.ZoneId.of("UTC"), world.clock);

        // seated at 12:00Z: 19:00 UTC passes with nobody out, 19:00 New York (00:00Z) ends Ben's, 19:00 Tokyo (10:00Z) Ann's
        world.clock.advance(java.time.Duration.ofHours(7));
        assertThat(timers.runOnce().ended()).isZero();
        world.clock.advance(java.time.Duration.ofHours(5));
        assertThat(timers.runOnce().ended()).isEqualTo(1);
        assertThat(ledger.read(LedgerTx::occupancies)).extracting(o -> o.extension().value()).containsExactly("301");
        world.clock.advance(java.time.Duration.ofHours(10));
        assertThat(timers.runOnce().ended()).isEqualTo(1);
        assertThat(ledger.read(LedgerTx::occupancies)).isEmpty();
        assertThat(history()).extracting(Ended::reason).containsExactly(EndReason.AUTO_DAILY, EndReason.AUTO_DAILY);
    }

    @Test
    void a_login_and_a_timer_running_at_once_never_leave_a_stale_seat_nor_end_the_newcomer() throws Exception {
        TestWorld world = new TestWorld(ledger);
        world.device(MAC_A).user("301", "Ann", "48151").user("302", "Ben", "62342");
        assertThat(world.pinLogin(MAC_A, "301", "48151")).isInstanceOf(LogIn.LoggedIn.class);
        Occupancy ann = ledger.read((LedgerTx tx) -> tx.occupancyOfLine(desk(MAC_A))).orElseThrow();

        concurrently(List.<Callable<Object>>of(
                () -> world.pinLogin(MAC_A, "302", "62342"),
                () -> world.logOut.automatically(ann, EndReason.AUTO_IDLE)));

        // either the timer came first (Ann AUTO_IDLE) or the login did (Ann REPLACED): Ben sits there either way,
        // since the timer was for Ann's session only
        List<Occupancy> seated = ledger.read(LedgerTx::occupancies);
        List<Ended> ended = history();
        assertThat(seated).extracting(o -> o.extension().value()).containsExactly("302");
        assertThat(ended).singleElement().satisfies(e -> {
            assertThat(e.extension().value()).isEqualTo("301");
            assertThat(e.reason()).isIn(EndReason.AUTO_IDLE, EndReason.REPLACED);
        });
    }
    // ---- self-service API tokens and desk QR keys

    static hotdesk.core.model.ApiToken token(hotdesk.core.model.ApiToken.Scope scope, String subject, String hash) {
        return new hotdesk.core.model.ApiToken(0, scope, subject, hash, T0, Optional.empty(), Optional.empty());
    }

    @Test
    void api_tokens_get_increasing_ids_read_back_by_hash_and_list_in_id_order() {
        given(tx -> tx.insertUser(user("101")));

        long first = ledger.transact(tx -> tx.insertApiToken(token(hotdesk.core.model.ApiToken.Scope.USER, "101", "a".repeat(64))));
        long second = ledger.transact(tx -> tx.insertApiToken(token(hotdesk.core.model.ApiToken.Scope.ADMIN, "intranet", "b".repeat(64))));

        assertThat(second).isGreaterThan(first);
        ledger.read(tx -> {
            hotdesk.core.model.ApiToken a = tx.apiTokenByHash("a".repeat(64)).orElseThrow();
            assertThat(a).isEqualTo(new hotdesk.core.model.ApiToken(first, hotdesk.core.model.ApiToken.Scope.USER, "101",
                    "a".repeat(64), T0, Optional.empty(), Optional.empty()));
            assertThat(tx.apiTokenByHash("b".repeat(64)).orElseThrow().subject()).isEqualTo("intranet");
            assertThat(tx.apiTokenByHash("c".repeat(64))).isEmpty();
            assertThat(tx.apiTokens()).extracting(hotdesk.core.model.ApiToken::id).containsExactly(first, second);
            return null;
        });
    }

    @Test
    void an_api_token_is_revoked_once_its_use_recorded_and_a_duplicate_hash_refused() {
        given(tx -> tx.insertUser(user("101")));
        long id = ledger.transact(tx -> tx.insertApiToken(token(hotdesk.core.model.ApiToken.Scope.USER, "101", "a".repeat(64))));

        given(tx -> tx.touchApiToken(id, T0.plusSeconds(5)));
        boolean revoked = ledger.transact(tx -> tx.revokeApiToken(id, T0.plusSeconds(10)));
        boolean again = ledger.transact(tx -> tx.revokeApiToken(id, T0.plusSeconds(20)));
        boolean missing = ledger.transact(tx -> tx.revokeApiToken(id + 100, T0));

        assertThat(revoked).isTrue();
        assertThat(again).isFalse();
        assertThat(missing).isFalse();
        hotdesk.core.model.ApiToken t = ledger.read(tx -> tx.apiTokenByHash("a".repeat(64))).orElseThrow();
        assertThat(t.revoked()).contains(T0.plusSeconds(10));
        assertThat(t.lastUsed()).contains(T0.plusSeconds(5));
        assertThat(t.active()).isFalse();
        assertThatThrownBy(() -> given(tx -> tx.insertApiToken(token(hotdesk.core.model.ApiToken.Scope.ADMIN, "x", "a".repeat(64)))))
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void a_user_token_needs_its_user_and_goes_with_the_user() {
        given(tx -> {
            tx.insertUser(user("101"));
            tx.insertUser(user("102"));
            tx.insertApiToken(token(hotdesk.core.model.ApiToken.Scope.USER, "101", "a".repeat(64)));
            tx.insertApiToken(token(hotdesk.core.model.ApiToken.Scope.USER, "102", "b".repeat(64)));
            tx.insertApiToken(token(hotdesk.core.model.ApiToken.Scope.ADMIN, "intranet", "c".repeat(64)));
        });

        assertThatThrownBy(() -> given(tx -> tx.insertApiToken(token(hotdesk.core.model.ApiToken.Scope.USER, "199", "d".repeat(64)))))
                .isInstanceOf(RuntimeException.class);
        given(tx -> tx.deleteUser(ext("101")));

        ledger.read(tx -> {
            assertThat(tx.apiTokens()).extracting(hotdesk.core.model.ApiToken::subject).containsExactly("102", "intranet");
            return null;
        });
    }

    @Test
    void a_desk_key_reads_back_by_line_and_hash_is_replaced_by_a_new_one_and_deleted() {
        givenUsersAndDesks(0, 2);
        String b2 = DeskLine.endpointIdFor(Mac.parse(MAC_B), 2);
        given(tx -> {
            tx.putDeskKey(new hotdesk.core.model.DeskKey(desk(MAC_A), "a".repeat(64), T0));
            tx.putDeskKey(new hotdesk.core.model.DeskKey(b2, "b".repeat(64), T0));
        });

        given(tx -> tx.putDeskKey(new hotdesk.core.model.DeskKey(desk(MAC_A), "c".repeat(64), T0.plusSeconds(1))));

        ledger.read(tx -> {
            assertThat(tx.deskKeyOf(desk(MAC_A))).contains(new hotdesk.core.model.DeskKey(desk(MAC_A), "c".repeat(64), T0.plusSeconds(1)));
            assertThat(tx.deskKeyByHash("a".repeat(64))).isEmpty();
            assertThat(tx.deskKeyByHash("b".repeat(64)).orElseThrow().endpointId()).isEqualTo(b2);
            assertThat(tx.deskKeyOf(desk(MAC_B))).isEmpty();
            return null;
        });
        boolean deleted = ledger.transact(tx -> tx.deleteDeskKey(b2));
        boolean again = ledger.transact(tx -> tx.deleteDeskKey(b2));
        assertThat(deleted).isTrue();
        assertThat(again).isFalse();
        assertThatThrownBy(() -> given(tx -> tx.putDeskKey(new hotdesk.core.model.DeskKey(desk(MAC_B), "c".repeat(64), T0))))
                .isInstanceOf(DuplicateException.class);
        assertThatThrownBy(() -> given(tx -> tx.putDeskKey(new hotdesk.core.model.DeskKey("hd-nothere", "e".repeat(64), T0))))
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void a_users_keys_read_back_in_position_order_are_replaced_as_a_whole_and_go_with_the_user() {
        givenUsersAndDesks(2, 1);
        hotdesk.core.model.UserKey blf = new hotdesk.core.model.UserKey(7, hotdesk.core.model.UserKey.Type.BLF, "102", "Bob Müller");
        hotdesk.core.model.UserKey sd = new hotdesk.core.model.UserKey(2, hotdesk.core.model.UserKey.Type.SPEED_DIAL, "+15551230000", "");
        given(tx -> tx.setKeys(ext("101"), List.of(blf, sd)));

        ledger.read(tx -> {
            assertThat(tx.keysOf(ext("101"))).containsExactly(sd, blf);
            assertThat(tx.keysOf(ext("102"))).isEmpty();
            assertThat(tx.allKeys()).containsOnlyKeys(ext("101"));
            return null;
        });

        given(tx -> tx.setKeys(ext("101"), List.of(blf)));
        given(tx -> tx.setKeys(ext("102"), List.of(sd)));
        ledger.read(tx -> {
            assertThat(tx.keysOf(ext("101"))).containsExactly(blf);
            assertThat(tx.allKeys()).containsExactly(Map.entry(ext("101"), List.of(blf)), Map.entry(ext("102"), List.of(sd)));
            return null;
        });

        assertThatThrownBy(() -> given(tx -> tx.setKeys(ext("101"), List.of(blf, blf))))
                .isInstanceOf(DuplicateException.class);
        ledger.read(tx -> {
            assertThat(tx.keysOf(ext("101"))).as("a refused change leaves the keys as they were").containsExactly(blf);
            return null;
        });

        given(tx -> tx.deleteUser(ext("101")));
        given(tx -> tx.insertUser(user("101")));
        given(tx -> tx.setKeys(ext("102"), List.of()));
        ledger.read(tx -> {
            assertThat(tx.keysOf(ext("101"))).isEmpty();
            assertThat(tx.allKeys()).isEmpty();
            return null;
        });
    }

    @Test
    void a_desk_key_goes_with_its_device() {
        givenUsersAndDesks(0, 1);
        given(tx -> tx.putDeskKey(new hotdesk.core.model.DeskKey(desk(MAC_A), "a".repeat(64), T0)));

        given(tx -> tx.deleteDevice(Mac.parse(MAC_A)));
        given(tx -> tx.insertDevice(device(MAC_A), lines(MAC_A, 1)));

        ledger.read(tx -> {
            assertThat(tx.deskKeyByHash("a".repeat(64))).isEmpty();
            assertThat(tx.deskKeyOf(desk(MAC_A))).isEmpty();
            return null;
        });
    }

    @Test
    void a_device_credential_reads_back_is_replaced_deleted_and_goes_with_its_device() {
        givenUsersAndDesks(0, 2);
        Mac a = Mac.parse(MAC_A);
        given(tx -> tx.putDeviceCredential(new hotdesk.core.model.DeviceCredential(a, "a".repeat(64), T0)));

        given(tx -> tx.putDeviceCredential(new hotdesk.core.model.DeviceCredential(a, "c".repeat(64), T0.plusSeconds(1))));

        ledger.read(tx -> {
            assertThat(tx.deviceCredential(a)).contains(new hotdesk.core.model.DeviceCredential(a, "c".repeat(64), T0.plusSeconds(1)));
            assertThat(tx.deviceCredential(Mac.parse(MAC_B))).isEmpty();
            return null;
        });
        assertThatThrownBy(() -> given(tx -> tx.putDeviceCredential(
                new hotdesk.core.model.DeviceCredential(Mac.parse("001565999999"), "e".repeat(64), T0))))
                .isInstanceOf(RuntimeException.class);
        java.util.Optional<hotdesk.core.model.DeviceCredential> none = ledger.read(tx -> tx.deviceCredential(Mac.parse("001565999999")));
        assertThat(none).isEmpty();

        given(tx -> tx.putDeviceCredential(new hotdesk.core.model.DeviceCredential(Mac.parse(MAC_B), "b".repeat(64), T0)));
        boolean deleted = ledger.transact(tx -> tx.deleteDeviceCredential(Mac.parse(MAC_B)));
        boolean again = ledger.transact(tx -> tx.deleteDeviceCredential(Mac.parse(MAC_B)));
        assertThat(deleted).isTrue();
        assertThat(again).isFalse();

        given(tx -> tx.deleteDevice(a));
        given(tx -> tx.insertDevice(device(MAC_A), lines(MAC_A, 1)));
        java.util.Optional<hotdesk.core.model.DeviceCredential> gone = ledger.read(tx -> tx.deviceCredential(a));
        assertThat(gone).isEmpty();
    }
}
