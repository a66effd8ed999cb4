/**
 * The admin command line (picocli): users, devices, one-time codes, status, forced logout. Commands
 * work on the ledger through the core use cases ({@link hotdesk.cli.CliContext}); they need no running
 * server. Depends on the core (and picocli, Jackson for --json).
 */
package hotdesk.cli;
