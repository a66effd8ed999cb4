package hotdesk.store;

import hotdesk.core.port.LedgerException;
import org.h2.api.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded ledger's files and users, which the JDBC URL alone cannot protect.
 *
 * <ul>
 *   <li><b>Files private to the service user.</b> The directory is {@code rwx------} and every file of
 *       the ledger ({@code hotdesk.mv.db}, {@code .lock.db} with the auto-server's key, {@code .trace.db},
 *       {@code .credentials}) {@code rw-------}: set when created, corrected (with a WARN) when found
 *       looser. H2 creates its files with the process umask, so the directory's mode is what keeps a
 *       freshly written lock or trace file from other users. A directory that also holds files that are
 *       not the ledger's is not changed but refused while it is open to others: its mode is someone
 *       else's business, and the ledger needs a directory of its own.</li>
 *   <li><b>A password for the auto-server.</b> On first start two random passwords are written to
 *       {@code <file>.credentials} (mode 600, created beside the database, read by every process that
 *       opens it: {@code serve} and the CLI): one for H2's admin {@code sa}, one for the user
 *       {@value DatabaseSettings#H2_APP_USER} that hotdesk works as. A ledger made by an older hotdesk
 *       ({@code sa} without a password) gets the admin password on its first open.</li>
 *   <li><b>No code from the ledger.</b> {@value DatabaseSettings#H2_APP_USER} is not an H2 admin: it has
 *       {@code ALTER ANY SCHEMA} (it creates, changes, reads and writes the tables, so Flyway works as
 *       it), and H2 asks for admin rights for everything that loads or compiles a Java class or touches
 *       files ({@code CREATE ALIAS}, {@code CREATE AGGREGATE}, {@code CREATE TRIGGER}, {@code CREATE
 *       TABLE … ENGINE}, {@code CREATE LINKED TABLE}, {@code RUNSCRIPT}, {@code SCRIPT}, {@code FILE_READ},
 *       {@code CSVWRITE}, {@code LINK_SCHEMA}, {@code SET JAVA_OBJECT_SERIALIZER}, …). The admin
 *       password is used only to set that user up.</li>
 * </ul>
 * Not an instance: every method works on the files of one {@link DatabaseSettings}. Safe for several
 * processes at once: the credentials file is published with an atomic link, so the first writer wins
 * and everyone reads the same passwords.
 */
final class H2Embedded {

    static {
        Database.keepResultsInMemory(); // before this class's own use of H2 starts its engine
    }

    static final String ADMIN_USER = "sa";
    static final String CREDENTIALS_SUFFIX = ".credentials";
    static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    private static final Logger LOG = LoggerFactory.getLogger(H2Embedded.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ReentrantLock JVM_OPENING = new ReentrantLock();
    private static final java.time.Duration LOCK_POLL = java.time.Duration.ofMillis(10);
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private H2Embedded() {
    }

    /** The two passwords of an embedded ledger; {@link #toString()} shows neither. */
    record Credentials(String adminPassword, String appPassword) {
        @Override
        public String toString() {
            return "Credentials[****]";
        }
    }

    static Path credentialsFile(DatabaseSettings s) {
        Path file = s.h2File();
        return file.resolveSibling(file.getFileName() + CREDENTIALS_SUFFIX);
    }

    /** Whether the ledger's file ({@code <file>.mv.db}) is not there: a new ledger, to be created by its admin. */
    static boolean missing(DatabaseSettings s) {
        Path file = s.h2File();
        return !Files.exists(file.resolveSibling(file.getFileName() + DatabaseSettings.H2_DATA_SUFFIX));
    }

    /**
     * Makes the directory and the files of the ledger private and returns its credentials, generating
     * them on first start.
     *
     * @throws IllegalArgumentException when the directory is shared with other files and open to others
     * @throws LedgerException          when a file cannot be created, read or restricted
     */
    static Credentials prepare(DatabaseSettings s) {
        Path file = s.h2File();
        Path directory = file.getParent();
        boolean posix = Files.getFileAttributeView(existingAncestor(directory), PosixFileAttributeView.class) != null;
        try {
            privateDirectory(directory, file, posix);
            Credentials credentials = readOrCreate(credentialsFile(s), posix);
            privateFiles(directory, file, posix, true);
            return credentials;
        } catch (IOException e) {
            throw new LedgerException("cannot prepare the ledger directory " + directory + ": " + e, e);
        }
    }

    /**
     * Restricts the files H2 made while opening (the database, its lock file) to the service user:
     * the private directory already keeps them from others, this keeps them so when moved or copied.
     */
    static void privateFiles(DatabaseSettings s) {
        Path file = s.h2File();
        Path directory = file.getParent();
        try {
            privateFiles(directory, file, Files.getFileAttributeView(directory, PosixFileAttributeView.class) != null, false);
        } catch (IOException e) {
            throw new LedgerException("cannot restrict the ledger files in " + directory + ": " + e, e);
        }
    }

    /**
     * Lets one process at a time open or close the ledger (an OS lock on {@code <file>.opening.lock},
     * released by the OS when a process dies). Without it, processes that start at once take H2's lock
     * file from each other in turns of seconds (H2 waits until the file is 2 s old, then checks whether
     * another process overwrote it), and an owner that closes in the middle of another's open breaks
     * that open; with it, the first one opens the file and starts the auto-server, and the others then
     * connect to that server one after the other. Each holder writes a token of its own into the file,
     * so a waiter sees the queue move and waits as long as {@code patience} allows for each process
     * ahead of it.
     *
     * @throws LedgerException when one holder keeps the lock longer than the patience allows
     */
    /** Admin commands in this process queue here before they take the file lock (a file lock is per process). */
    private static final java.util.concurrent.locks.ReentrantLock JVM_COMMAND = new java.util.concurrent.locks.ReentrantLock(true);

    /**
     * One admin command at a time on this ledger file ({@code <file>.command.lock}); see
     * {@link Database#openForCommand}. Released by closing what it returns.
     */
    static AutoCloseable commandLock(DatabaseSettings s, java.time.Duration wait) {
        Path file = s.h2File();
        Path lockFile = file.resolveSibling(file.getFileName() + ".command.lock");
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            if (!JVM_COMMAND.tryLock(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new LedgerException("the ledger " + s.maskedUrl() + " is busy: another command of this process "
                        + "has held it for longer than " + wait.toSeconds() + " s", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerException("interrupted while waiting for the ledger " + s.maskedUrl(), e);
        }
        FileChannel channel = null;
        try {
            Path directory = file.getParent();
            boolean posix = Files.getFileAttributeView(Files.isDirectory(directory) ? directory : directory.getRoot(),
                    PosixFileAttributeView.class) != null;
            privateDirectory(directory, file, posix);
            FileAttribute<?>[] attributes = posix
                    ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(PRIVATE_FILE)} : new FileAttribute<?>[0];
            channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), attributes);
            while (true) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    FileChannel held = channel;
                    return () -> {
                        try {
                            held.close(); // releases the lock
                        } finally {
                            JVM_COMMAND.unlock();
                        }
                    };
                }
                if (System.nanoTime() > deadline) {
                    throw new LedgerException("the ledger " + s.maskedUrl() + " is busy: other hotdesk commands have held it "
                            + "for longer than " + wait.toSeconds() + " s (" + lockFile + ")", null);
                }
                Thread.sleep(LOCK_POLL.toMillis());
            }
        } catch (IOException e) {
            closeQuietly(channel);
            JVM_COMMAND.unlock();
            throw new LedgerException("cannot lock " + lockFile + " for this command: " + e, e);
        } catch (InterruptedException e) {
            closeQuietly(channel);
            JVM_COMMAND.unlock();
            Thread.currentThread().interrupt();
            throw new LedgerException("interrupted while waiting for the ledger " + s.maskedUrl(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            JVM_COMMAND.unlock();
            throw e;
        }
    }

    static OpeningLock openingLock(DatabaseSettings s, Patience patience, String shownUrl) {
        Path file = s.h2File();
        Path lockFile = file.resolveSibling(file.getFileName() + ".opening.lock");
        if (JVM_OPENING.isHeldByCurrentThread()) {
            return () -> { }; // closing what failed in the middle of its own open: the lock is held already
        }
        JVM_OPENING.lock(); // a file lock is per process: threads of one process queue here first
        FileChannel channel = null;
        try {
            boolean posix = Files.getFileAttributeView(file.getParent(), PosixFileAttributeView.class) != null;
            FileAttribute<?>[] attributes = posix
                    ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(PRIVATE_FILE)} : new FileAttribute<?>[0];
            channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), attributes);
            String holder = null;
            while (true) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    channel.truncate(0);
                    channel.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "-" + System.nanoTime())
                            .getBytes(StandardCharsets.US_ASCII)), 0);
                    FileChannel held = channel;
                    return () -> {
                        try {
                            held.close(); // releases the lock
                        } catch (IOException e) {
                            LOG.debug("releasing {}: {}", lockFile, e.toString());
                        } finally {
                            JVM_OPENING.unlock();
                        }
                    };
                }
                String now = Files.readString(lockFile, StandardCharsets.US_ASCII);
                if (holder != null && !holder.equals(now)) {
                    patience.progress(); // the process ahead finished; wait for the next one afresh
                }
                holder = now;
                if (!patience.mayWait(LOCK_POLL)) {
                    throw new LedgerException("the ledger database " + shownUrl + " is busy: another hotdesk process has "
                            + "been opening or closing it for longer than " + Database.H2_OPEN_DEADLINE.toSeconds() + " s", null);
                }
                Thread.sleep(LOCK_POLL.toMillis());
            }
        } catch (IOException e) {
            closeQuietly(channel);
            JVM_OPENING.unlock();
            throw new LedgerException("cannot lock " + lockFile + " to open the ledger: " + e, e);
        } catch (InterruptedException e) {
            closeQuietly(channel);
            JVM_OPENING.unlock();
            Thread.currentThread().interrupt();
            throw new LedgerException("interrupted while waiting to open the ledger " + shownUrl, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            JVM_OPENING.unlock();
            throw e;
        }
    }

    /**
     * How long opening may wait for other processes. The clock starts at the first wait, so this
     * process's own slow start (class loading on a busy host) does not use it up, and starts again when
     * the process ahead is done ({@link #progress()}). One per open; not thread-safe.
     */
    static final class Patience {
        private final java.time.Duration limit;
        private long since = -1;

        Patience(java.time.Duration limit) {
            this.limit = limit;
        }

        /** Notes a wait of {@code more}; false when it would go beyond the limit. */
        boolean mayWait(java.time.Duration more) {
            long now = System.nanoTime();
            if (since < 0) {
                since = now;
            }
            return now + more.toNanos() - since <= limit.toNanos();
        }

        /** Another process got through: the wait for the next one starts now. */
        void progress() {
            since = System.nanoTime();
        }
    }

    /** Held while opening or closing; {@link #close()} releases it and throws nothing. */
    interface OpeningLock extends AutoCloseable {
        @Override
        void close();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was locked through it
            }
        }
    }

    private static Path existingAncestor(Path p) {
        Path at = p;
        while (at != null && !Files.exists(at)) {
            at = at.getParent();
        }
        return at == null ? Path.of("").toAbsolutePath() : at;
    }

    private static boolean isLedgerFile(Path entry, Path file) {
        return entry.getFileName().toString().startsWith(file.getFileName() + ".");
    }

    private static void privateDirectory(Path directory, Path file, boolean posix) throws IOException {
        if (!Files.isDirectory(directory)) {
            if (posix) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
                // createDirectories leaves the mode to the umask, which may only take bits away; say it once more
                Files.setPosixFilePermissions(directory, PRIVATE_DIRECTORY);
            } else {
                Files.createDirectories(directory);
            }
            LOG.info("created the ledger directory {} (readable by this user only)", directory);
            return;
        }
        if (!posix) {
            return;
        }
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(directory);
        if (now.stream().noneMatch(OTHERS::contains)) {
            return;
        }
        List<String> foreign = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                if (!isLedgerFile(entry, file) && foreign.size() < 3) {
                    foreign.add(entry.getFileName().toString());
                }
            }
        }
        if (!foreign.isEmpty()) {
            throw new IllegalArgumentException("db.path: the ledger directory " + directory + " is open to other users ("
                    + PosixFilePermissions.toString(now) + ") and holds other files too (" + String.join(", ", foreign)
                    + "): give the ledger a directory of its own, e.g. " + directory.resolve("hotdesk"));
        }
        Files.setPosixFilePermissions(directory, PRIVATE_DIRECTORY);
        LOG.warn("the ledger directory {} was open to other users ({}); it is now rwx------", directory,
                PosixFilePermissions.toString(now));
    }

    private static void privateFiles(Path directory, Path file, boolean posix, boolean warn) throws IOException {
        if (!posix) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                if (!isLedgerFile(entry, file) || !Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try {
                    Set<PosixFilePermission> now = Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS);
                    if (now.stream().anyMatch(OTHERS::contains)) {
                        Files.setPosixFilePermissions(entry, PRIVATE_FILE);
                        if (warn) {
                            LOG.warn("the ledger file {} was readable by other users ({}); it is now rw-------", entry,
                                    PosixFilePermissions.toString(now));
                        } else { // H2 made it just now, with the process umask, inside the private directory
                            LOG.debug("ledger file {} restricted to rw------- (was {})", entry, PosixFilePermissions.toString(now));
                        }
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a temporary file or lock file that H2 removed meanwhile
                }
            }
        }
    }

    private static Credentials readOrCreate(Path credentials, boolean posix) throws IOException {
        if (!Files.exists(credentials, LinkOption.NOFOLLOW_LINKS)) {
            publish(credentials, posix);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(credentials, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        String admin = p.getProperty("admin.password", "");
        String app = p.getProperty("password", "");
        if (admin.isBlank() || app.isBlank()) {
            throw new LedgerException("the ledger credentials file " + credentials + " lacks admin.password or password; "
                    + "restore it from a backup (a new one would not match the passwords the ledger already has)", null);
        }
        return new Credentials(admin, app);
    }

    /** Writes fresh credentials to a private temporary file, then links it in: whoever links first wins. */
    private static void publish(Path credentials, boolean posix) throws IOException {
        Path directory = credentials.getParent();
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(PRIVATE_FILE)} : new FileAttribute<?>[0];
        Path temporary = Files.createTempFile(directory, credentials.getFileName() + ".", ".tmp", attributes);
        try {
            try (Writer w = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                w.write("# The embedded ledger's passwords (hotdesk generated them; keep this file mode 600).\n");
                w.write("# admin.password: H2's admin 'sa'; password: user '" + DatabaseSettings.H2_APP_USER
                        + "', which hotdesk works as.\n");
                w.write("admin.password=" + newPassword() + "\n");
                w.write("password=" + newPassword() + "\n");
            }
            try {
                Files.createLink(credentials, temporary);
                LOG.info("generated the ledger credentials {} (readable by this user only)", credentials);
            } catch (FileAlreadyExistsException another) {
                LOG.debug("another process wrote {} first; using its passwords", credentials);
            } catch (UnsupportedOperationException noHardLinks) {
                Files.move(temporary, credentials); // fails if another process was first
            }
        } catch (FileAlreadyExistsException another) {
            LOG.debug("another process wrote {} first; using its passwords", credentials);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Sets up {@value DatabaseSettings#H2_APP_USER} with the password of the credentials file, as the
     * admin; creates the database when there is none. A ledger whose admin has no password yet (made by
     * an older hotdesk) gets the admin password of the file.
     *
     * @throws LedgerException when the admin password is neither the file's nor empty, or H2 fails (the
     *                         cause keeps H2's error code, so the caller can tell a busy file)
     */
    static void setUpUsers(DatabaseSettings s, Credentials credentials, String shownUrl) {
        String url = s.url();
        Connection admin = null;
        SQLException refused = null;
        // the file's password, then the empty one of older ledgers, then the file's again: another
        // process may have set it in between
        for (String password : List.of(credentials.adminPassword(), "", credentials.adminPassword())) {
            try {
                admin = DriverManager.getConnection(url, ADMIN_USER, password);
                if (password.isEmpty()) {
                    try (Statement st = admin.createStatement()) {
                        st.execute("ALTER USER " + ADMIN_USER + " SET PASSWORD " + quoted(credentials.adminPassword()));
                    }
                    LOG.warn("the ledger {} let its admin '{}' in without a password (made by an older hotdesk); its "
                            + "password is now the one in {}", shownUrl, ADMIN_USER, credentialsFile(s));
                }
                break;
            } catch (SQLException e) {
                closeQuietly(admin);
                admin = null;
                if (e.getErrorCode() != ErrorCode.WRONG_USER_OR_PASSWORD) {
                    throw new LedgerException("cannot open the ledger database " + shownUrl + " as its admin: "
                            + Database.firstLine(e.getMessage(), s), withoutStatement(e));
                }
                refused = e;
            }
        }
        if (admin == null) {
            throw new LedgerException("cannot open the ledger database " + shownUrl + ": its admin '" + ADMIN_USER
                    + "' takes neither the password in " + credentialsFile(s) + " nor none (was the file replaced? restore "
                    + "it from a backup)", refused);
        }
        try (Connection c = admin; Statement st = c.createStatement()) {
            String user = DatabaseSettings.H2_APP_USER;
            st.execute("CREATE USER IF NOT EXISTS " + user + " PASSWORD " + quoted(credentials.appPassword()));
            st.execute("ALTER USER " + user + " SET PASSWORD " + quoted(credentials.appPassword()));
            st.execute("ALTER USER " + user + " ADMIN FALSE");
            st.execute("GRANT ALTER ANY SCHEMA TO " + user);
            LOG.info("ledger {}: user '{}' set up (owns the tables, no admin rights)", shownUrl, user);
        } catch (SQLException e) {
            throw new LedgerException("cannot set up the ledger user in " + shownUrl + ": " + Database.firstLine(e.getMessage(), s),
                    withoutStatement(e));
        }
    }

    /** H2's page cache for the embedded ledger, in KB: half H2's default of 16 MB (see {@link #keepNoResults}). */
    static final int CACHE_KB = 8 * 1024;

    /**
     * Tells the open database not to keep each query's last result for the next run of the same query (H2's
     * {@code OPTIMIZE_REUSE_RESULTS}, on by default), and to keep {@value #CACHE_KB} KB of pages cached rather than
     * 16 MB. Every pooled session keeps up to eight recent queries, each with its whole last result: with 10,000 desks
     * the whole-table reads of {@code status} and of a full reconcile pass stay alive between runs, 14-18 MB of serve's
     * 112 MB heap, so every {@code status} ran into full collections. The page cache filled its 16 MB on the same
     * ledger (a 60 MB file), beside every desk's view and file the provisioning server keeps once the phones have
     * fetched them (BENCHMARKS.md, "Config fetch storm", session 29). Only H2's admin may change either, and H2 holds
     * them only while the database is open, so this runs as the admin after every open, once the pool holds the
     * database open (through {@code serve}'s auto-server too). A failure costs memory, not correctness: logged, and
     * the open goes on.
     */
    static void keepNoResults(DatabaseSettings s, Credentials credentials, String shownUrl) {
        try (Connection admin = DriverManager.getConnection(s.url() + ";IFEXISTS=TRUE", ADMIN_USER, credentials.adminPassword());
             Statement st = admin.createStatement()) {
            st.execute("SET OPTIMIZE_REUSE_RESULTS FALSE");
            st.execute("SET CACHE_SIZE " + CACHE_KB);
        } catch (SQLException e) {
            LOG.warn("ledger {}: could not stop H2 keeping query results ({}): it works, with more memory held",
                    shownUrl, withoutStatement(e).getMessage());
        }
    }

    /**
     * H2 puts the failed statement into its message, and these statements hold passwords: the cause
     * keeps the first line and the error code (the caller tells a busy file by it), nothing else.
     */
    private static SQLException withoutStatement(SQLException e) {
        String line = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        int statement = line.indexOf("; SQL statement:");
        return new SQLException(statement < 0 ? line : line.substring(0, statement), e.getSQLState(), e.getErrorCode());
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // it failed already; the first error is the one to report
            }
        }
    }

    /** Our passwords are URL-safe Base64; quoting keeps any other text a literal all the same. */
    private static String quoted(String password) {
        return "'" + password.replace("'", "''") + "'";
    }
}
