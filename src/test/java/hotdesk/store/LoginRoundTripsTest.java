package hotdesk.store;

import hotdesk.core.model.Extension;
import hotdesk.core.usecase.ApplyNow;
import hotdesk.core.usecase.LogIn;
import hotdesk.testing.TestWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many statements a PIN login sends to the ledger (issue 11: round trips on the login path), counted on the
 * real JDBC ledger through a recording DataSource: the first look (read-only) and the write transaction, each
 * asking for the lockout's failure times once. A new query on the login path makes this fail on purpose: count
 * it here when it is worth its round trip.
 */
class LoginRoundTripsTest {

    static final String A = "0015651234aa";
    static final String B = "0015651234bb";

    @TempDir
    Path dir;
    Database database;
    Recording recording;
    TestWorld world;

    @BeforeEach
    void open() {
        database = Database.open(DatabaseSettings.h2(dir.resolve("ledger")));
        recording = new Recording();
        JdbcLedger counted = new JdbcLedger(recording.wrap(database.dataSource()), database.settings().maskedUrl());
        world = new TestWorld(counted).user("101", "Alice", "4711").device(A).device(B);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private LogIn.Result pinLogin(String mac) {
        LogIn logIn = new LogIn(world.ledger, world.hasher, world.seating, ApplyNow.later(), world.clock);
        return logIn.execute(TestWorld.desk(mac), new LogIn.Pin(Extension.of("101"), "4711"), "test");
    }

    @Test
    void a_pin_login_that_moves_a_user_to_another_desk_reads_the_lockout_once_per_transaction_in_23_statements() {
        assertThat(pinLogin(A)).isInstanceOf(LogIn.LoggedIn.class);
        recording.transactions.clear();

        LogIn.Result moved = pinLogin(B);

        assertThat(moved).isInstanceOf(LogIn.LoggedIn.class);
        assertThat(((LogIn.LoggedIn) moved).movedFrom()).containsExactly(TestWorld.desk(A));
        List<List<String>> txs = recording.transactions;
        assertThat(txs).as("the first look, then the write transaction").hasSize(2);
        assertThat(txs.get(0)).as("first look: line, device, occupancy, failures, user, seats: %s", txs.get(0)).hasSize(6);
        assertThat(txs.get(1)).as("write: lock, the first look's 6 again, vacate (3), seat, bump (3 + 1), audit, keys: %s",
                txs.get(1)).hasSize(17);
        for (List<String> tx : txs) {
            assertThat(tx.stream().filter(s -> s.startsWith("select") && s.contains("from login_failures")))
                    .as("lockout reads in %s", tx).hasSize(1);
        }
    }

    @Test
    void a_pin_login_on_a_free_desk_by_a_user_seated_nowhere_runs_no_vacate() {
        LogIn.Result in = pinLogin(A);

        assertThat(in).isInstanceOf(LogIn.LoggedIn.class);
        List<List<String>> txs = recording.transactions.subList(recording.transactions.size() - 2, recording.transactions.size());
        assertThat(txs.get(0)).as("first look: %s", txs.get(0)).hasSize(6);
        assertThat(txs.get(1)).as("write: lock, 6, seat, bump (2 + 1), audit, keys: %s", txs.get(1)).hasSize(13);
        assertThat(txs.get(1)).noneMatch(s -> s.startsWith("delete from occupancy"));
    }

    /** A DataSource whose connections record the SQL of every statement they run, one list per borrowed connection. */
    static final class Recording {

        final List<List<String>> transactions = new CopyOnWriteArrayList<>();

        DataSource wrap(DataSource real) {
            return proxy(DataSource.class, real, (m, result, args) -> {
                if (m.getName().equals("getConnection")) {
                    List<String> tx = new CopyOnWriteArrayList<>();
                    transactions.add(tx);
                    return connection((Connection) result, tx);
                }
                return result;
            });
        }

        private Connection connection(Connection real, List<String> tx) {
            return proxy(Connection.class, real, (m, result, args) -> switch (m.getName()) {
                case "prepareStatement" -> statement(PreparedStatement.class, (PreparedStatement) result, tx, (String) args[0]);
                case "createStatement" -> statement(Statement.class, (Statement) result, tx, null);
                default -> result;
            });
        }

        private <S extends Statement> S statement(Class<S> type, S real, List<String> tx, String prepared) {
            return proxy(type, real, (m, result, args) -> {
                String name = m.getName();
                if (name.startsWith("execute")) {
                    String sql = prepared != null ? prepared : args != null && args.length > 0 ? (String) args[0] : "?";
                    tx.add(sql.replaceAll("\\s+", " ").strip().toLowerCase(Locale.ROOT));
                }
                return result;
            });
        }

        @FunctionalInterface
        private interface After {
            Object apply(Method m, Object result, Object[] args) throws Exception;
        }

        private static <T> T proxy(Class<T> type, T real, After after) {
            return type.cast(Proxy.newProxyInstance(LoginRoundTripsTest.class.getClassLoader(), new Class<?>[] {type},
                    (p, m, args) -> {
                        Object result;
                        try {
                            result = m.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        return after.apply(m, result, args);
                    }));
        }
    }
}
