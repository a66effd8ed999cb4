package hotdesk.app;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Device;
import hotdesk.core.model.Mac;
import hotdesk.store.Database;
import hotdesk.store.DatabaseSettings;
import hotdesk.testing.FakeAmi;
import hotdesk.testing.FakeAri;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Retention on a real H2 ledger file: {@code hotdesk prune [--dry-run]} and serve's scheduled run. */
class PruneTest {

    private static final Mac MAC = Mac.parse("0015651234ab");
    /** Far older than both default retentions (audit 90 days, fetch records 30 days). */
    private static final Instant OLD = Instant.now().minus(Duration.ofDays(400));
    /** Younger than both. */
    private static final Instant RECENT = Instant.now().minus(Duration.ofDays(1));
    private static final Instant CUT = Instant.now().minus(Duration.ofDays(29));

    @TempDir
    Path dir;
    private Map<String, String> settings;
    private Database database;

    @BeforeEach
    void seed() {
        settings = new java.util.LinkedHashMap<>(Map.of("db.url", DatabaseSettings.h2(dir.resolve("ledger")).url()));
        database = Database.open(DatabaseSettings.h2(dir.resolve("ledger")));
        database.ledger().transact(tx -> {
            tx.insertDevice(new Device(MAC, "yealink", "T54W", "Desk 4.12", "", "", true),
                    List.of(new DeskLine(MAC.endpointId(), MAC, 1, "secretsecretsecret")));
            for (int i = 0; i < 3; i++) {
                tx.audit(new AuditEntry(OLD.plusSeconds(i), "test", "test.old", "x", ""));
                tx.recordFetch(MAC, OLD.plusSeconds(i), "10.0.0.5", "ua");
            }
            tx.audit(new AuditEntry(RECENT, "test", "test.recent", "x", ""));
            tx.recordFetch(MAC, RECENT, "10.0.0.5", "ua");
            return null;
        });
    }

    @AfterEach
    void close() {
        database.close();
    }

    private long oldAudit() {
        return database.ledger().read(tx -> tx.countAuditBefore(CUT));
    }

    private long oldFetches() {
        return database.ledger().read(tx -> tx.countFetchesBefore(CUT));
    }

    private long allAudit() {
        return database.ledger().read(tx -> tx.countAuditBefore(Instant.now().plusSeconds(60)));
    }

    private long allFetches() {
        return database.ledger().read(tx -> tx.countFetchesBefore(Instant.now().plusSeconds(60)));
    }

    @Test
    void dry_run_counts_what_prune_then_deletes_and_a_second_prune_has_nothing_to_do() {
        // when
        CliRun dry = CliRun.of(settings, Map.of(), "prune", "--dry-run");

        // then nothing is gone
        assertThat(dry.code()).isZero();
        assertThat(dry.out()).contains("would delete 3 audit lines (older than ").contains("would delete 3 fetch records (older than ");
        assertThat(oldAudit()).isEqualTo(3);
        assertThat(oldFetches()).isEqualTo(3);

        // when
        CliRun real = CliRun.of(settings, Map.of(), "prune");

        // then the old rows are gone and the recent ones kept
        assertThat(real.code()).isZero();
        assertThat(real.out()).contains("deleted 3 audit lines (older than ").contains("deleted 3 fetch records (older than ");
        assertThat(oldAudit()).isZero();
        assertThat(oldFetches()).isZero();
        assertThat(allAudit()).isGreaterThanOrEqualTo(1);
        assertThat(allFetches()).isEqualTo(1);

        // and when run again
        CliRun again = CliRun.of(settings, Map.of(), "prune");
        assertThat(again.code()).isEqualTo(hotdesk.cli.ExitCodes.NOTHING);
        assertThat(again.out()).contains("deleted 0 audit lines").contains("deleted 0 fetch records");
    }

    @Test
    void a_retention_of_zero_keeps_that_kind_forever() {
        settings.put("ledger.audit-retention", "0s");

        CliRun r = CliRun.of(settings, Map.of(), "prune");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("deleted 0 audit lines (kept forever: retention 0s)").contains("deleted 3 fetch records");
        assertThat(oldAudit()).isEqualTo(3);
        assertThat(oldFetches()).isZero();
    }

    @Test
    void a_retention_below_a_day_is_refused_naming_the_key() {
        settings.put("ledger.fetch-retention", "1h");

        CliRun r = CliRun.of(settings, Map.of(), "prune", "--dry-run");

        assertThat(r.code()).isEqualTo(hotdesk.cli.ExitCodes.USAGE);
        assertThat(r.err()).contains("ledger.fetch-retention");
        assertThat(oldFetches()).isEqualTo(3);
    }

    @Test
    void serve_prunes_on_its_own_every_prune_interval() {
        // given a running server with a short interval, in front of the fake Asterisk peers
        FakeAri ari = new FakeAri("hotdesk", "ari-test-password");
        FakeAmi ami = new FakeAmi("hotdesk", "ami-test-secret");
        ami.start();
        Map<String, String> serve = PeerSettings.of(dir.resolve("ledger"), ari, "ari-test-password", ami, "ami-test-secret");
        serve.put("ledger.prune-interval", "1s");
        Server server = new Server(Config.load(null, Map.of(), serve));
        try {
            // when
            server.start();

            // then
            await().atMost(Duration.ofSeconds(30)).until(() -> oldAudit() == 0 && oldFetches() == 0);
            assertThat(allFetches()).isEqualTo(1);
        } finally {
            server.close();
            ami.close();
            ari.close();
        }
    }
}
