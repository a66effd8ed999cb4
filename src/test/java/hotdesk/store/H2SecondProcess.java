package hotdesk.store;

import hotdesk.core.model.User;
import hotdesk.core.port.LedgerTx;

import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Run in a separate JVM by {@link DatabaseTest}: opens the H2 ledger another process holds open (as
 * the CLI does beside a running server), prints the users it sees, then adds one.
 * Arguments: the H2 file without suffix, the extension to add.
 */
public final class H2SecondProcess {

    private H2SecondProcess() {
    }

    public static void main(String[] args) {
        try (Database db = Database.open(DatabaseSettings.h2(Path.of(args[0])))) {
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
}
