/**
 * The admin command line (picocli): users, devices, one-time codes, status, forced logout. Commands
 * work on the ledger through the core use cases ({@link hotdesk.cli.CliContext}); they need no running
 * server. Depends on the core and picocli; --json output is written by {@code Output}, not Jackson,
 * which stays in the ARI adapter.
 */
package hotdesk.cli;
