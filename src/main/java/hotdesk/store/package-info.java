/**
 * The ledger adapter: the {@link hotdesk.core.port.Ledger} port on JDBC, for an embedded H2 file (one
 * node, CLI and server sharing the file through H2's automatic mixed mode) or a shared PostgreSQL
 * (several nodes). HikariCP pools the connections; Flyway applies {@code db/migration/V*.sql},
 * written once for both databases.
 *
 * <p>{@link hotdesk.store.JdbcLedger} runs each transaction (the global write lock, retries, commit) and hands the work
 * a {@link hotdesk.store.JdbcTx}, which sends each port method to the class that holds its tables: JdbcUsers,
 * JdbcDesks, JdbcSeating, JdbcLockouts, JdbcCredentials, JdbcRecords, JdbcRevisions (all {@link
 * hotdesk.store.TableGroup}s). They run their SQL through the transaction's {@link hotdesk.store.Statements}, and
 * {@link hotdesk.store.SqlErrors} is the one translation of an SQL error into what the port promises.
 *
 * <p>Depends on the core ports and model, HikariCP, Flyway and the JDBC drivers; no other adapter
 * imports it and it imports none. JDBC types never cross the port. The database password never
 * appears in a log line or an exception message.
 */
package hotdesk.store;
