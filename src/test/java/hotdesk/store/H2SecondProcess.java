package hotdesk.store;

import hotdesk.core.model.User;
import hotdesk.core.port.LedgerTx;

import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Run in a separate JVM by {@link DatabaseTest}: opens the H2 ledger another process holds open (as
 * the CLI does beside a running server), prints the users it sees, then adds one.
 * Arguments: the H2 file without suffix, the extension to add, and optionally a file to wait for
 * before opening (so that several of these start opening at the same moment, after a warm-up on a
 * ledger of their own).
 */
public final class H2SecondProcess {

    private H2SecondProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 2) {
            // warm up first (class loading takes seconds on a busy host), so that the processes meet
            // while opening the ledger, not while starting
            Path scratch = Path.of(args[2] + "-warm-up-" + ProcessHandle.current().pid());
            try (Database warm = Database.open(DatabaseSettings.embedded(scratch))) {
                warm.ledger().read(LedgerTx::users);
            }
            System.out.println("READY");
            Path go = Path.of(args[2]);
            long giveUp = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (!java.nio.file.Files.exists(go) && System.nanoTime() < giveUp) {
                Thread.sleep(5);
            }
        }
        long started = System.nanoTime();
        try (Database db = openReporting(Path.of(args[0]), started)) {
            String seen = db.ledger().read(LedgerTx::users).stream().map(u -> u.extension().value())
                    .collect(Collectors.joining(","));
            System.out.println("SEEN " + seen);
            User added = LedgerContract.user(args[1]);
            db.ledger().transact(tx -> {
                tx.insertUser(added);
                tx.bump(hotdesk.core.model.Target.user(added.extension()));
                return null;
            });
            System.out.println("ADDED " + args[1]);
        }
    }

    private static Database openReporting(Path file, long started) {
        try {
            Database db = Database.openForCommand(DatabaseSettings.h2(file)); // as an admin command does
            System.out.println("OPENED after " + (System.nanoTime() - started) / 1_000_000 + " ms");
            return db;
        } catch (RuntimeException e) {
            System.out.println("FAILED after " + (System.nanoTime() - started) / 1_000_000 + " ms");
            throw e;
        }
    }
}
