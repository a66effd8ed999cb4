package hotdesk.app;

import hotdesk.cli.CliContext;
import hotdesk.cli.AdminCommand;
import hotdesk.cli.AuditCommand;
import hotdesk.cli.AutoLogoutCommand;
import hotdesk.cli.CompletionCommand;
import hotdesk.cli.DeviceCommand;
import hotdesk.cli.ExitCodes;
import hotdesk.cli.LogoutCommand;
import hotdesk.cli.ProvisionCommand;
import hotdesk.cli.ManCommand;
import hotdesk.cli.ReportCommand;
import hotdesk.cli.OtpCommand;
import hotdesk.cli.SecretInput;
import hotdesk.cli.SiteCommand;
import hotdesk.cli.StatusCommand;
import hotdesk.cli.TokenCommands;
import hotdesk.cli.UserCommand;
import hotdesk.core.port.LedgerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** The {@code hotdesk} command: {@code serve} and the admin commands. Only {@link #main} exits the JVM. */
@Command(name = "hotdesk", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Hot desking for Asterisk: dial a code on a shared desk phone and it becomes yours.",
        subcommands = {Main.Serve.class, UserCommand.class, AdminCommand.class, DeviceCommand.class, SiteCommand.class, OtpCommand.class, TokenCommands.ApiTokenCommand.class, StatusCommand.class,
                LogoutCommand.class, ProvisionCommand.class, AutoLogoutCommand.class, AuditCommand.class, PruneCommand.class, AsteriskConf.class, Doctor.class, EmergencyCommand.class, ReportCommand.class, ManCommand.class, CompletionCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    /** Made at first use, not when the class loads: a command answered over the admin socket never starts logging. */
    private static Logger log() {
        return LoggerFactory.getLogger(Main.class);
    }

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "properties file (default: $HOTDESK_CONFIG, else built-in defaults)")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", scope = ScopeType.INHERIT,
            description = "override one configuration key (wins over file and environment)")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "admin commands: also print log lines (the ledger opening and closing); serve always logs")
    boolean verbose;

    private final Map<String, String> env;

    Main(Map<String, String> env) {
        this.env = env;
    }

    Config loadConfig() {
        return Config.load(config, env, overrides);
    }

    public static void main(String[] args) {
        keepAriConnections();
        java.util.Optional<AdminSocket.Answer> answered = askServe(args, System.getenv());
        if (answered.isPresent()) {
            System.out.write(answered.get().out(), 0, answered.get().out().length);
            System.out.flush();
            System.err.write(answered.get().err(), 0, answered.get().err().length);
            System.err.flush();
            System.exit(answered.get().code());
        }
        System.exit(run(args, System.getenv(), SecretInput.system(), new PrintWriter(System.out, true),
                new PrintWriter(System.err, true), true));
    }

    /**
     * How many idle connections per server the JDK's {@link java.net.HttpURLConnection} keeps alive (its default, 5,
     * is fewer than the ARI requests a full pass and the logins' pushes have open at once: {@code reconcile.push-connections}
     * of each, up to {@link hotdesk.core.usecase.Reconcile#MAX_PARALLELISM}); read once, when the JDK first keeps one, so
     * set here before anything connects. An operator's own {@code -Dhttp.maxConnections} stands.
     */
    static void keepAriConnections() {
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(2 * hotdesk.core.usecase.Reconcile.MAX_PARALLELISM + 2));
        }
    }

    /**
     * A listing a running {@code serve} answers on its admin socket ({@link AdminSocket}) under the settings this command
     * would use ({@code --config FILE} first or none; {@code --set} or any other option runs as usual); empty when it does not, or
     * when anything about asking fails: the command then runs itself, as if no serve ran.
     */
    static java.util.Optional<AdminSocket.Answer> askServe(String[] args, Map<String, String> env) {
        java.util.List<String> words = java.util.List.of(args);
        Path file = null;
        if (words.size() > 2 && words.get(0).equals("--config")) {
            file = Path.of(words.get(1));
            words = words.subList(2, words.size());
        } else if (!words.isEmpty() && words.get(0).startsWith("--config=")) {
            file = Path.of(words.get(0).substring("--config=".length()));
            words = words.subList(1, words.size());
        }
        if (!AdminSocket.ALLOWED.contains(words)) {
            return java.util.Optional.empty();
        }
        try {
            Config c = Config.load(file, env, Map.of());
            java.util.Optional<Path> path = AdminSocket.where(c);
            return path.isEmpty() ? java.util.Optional.empty() : AdminSocket.ask(path.get(), AdminSocket.fingerprint(c), words);
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * What {@code serve}'s admin socket runs: one of {@link AdminSocket#ALLOWED} on serve's own {@code services} (its
     * ledger, its settings), as {@link #run} would in a process of its own; the services stay open. The command model
     * is built at the first request and kept: building it anew for every request cost a {@code status} its reflection
     * and kept the compiler busy (BENCHMARKS.md, "CLI at scale"). Picocli sets every option back to its initial value
     * before it parses, and the socket runs one request at a time (this runner is synchronized all the same).
     */
    static AdminSocket.Runner inServe(Services services) {
        return new AdminSocket.Runner() {
            private CommandLine cmd;

            @Override
            public synchronized int run(String[] args, PrintWriter out, PrintWriter err) {
                if (cmd == null) {
                    Main main = new Main(Map.of());
                    cmd = new CommandLine(main, new Factory(main, services));
                    applyExitCodeHelp(cmd);
                    cmd.setExecutionExceptionHandler((ex, line, parsed) -> handle(ex, line.getErr()));
                }
                cmd.setOut(out);
                cmd.setErr(err);
                return cmd.execute(args);
            }
        };
    }

    /** Runs one command line and returns its exit code; output and errors go to the given writers. */
    static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        return run(args, env, SecretInput.none(), out, err, false);
    }

    /** As {@link #run(String[], Map, PrintWriter, PrintWriter)}, secrets given without a value read from {@code secrets}. */
    static int run(String[] args, Map<String, String> env, SecretInput secrets, PrintWriter out, PrintWriter err) {
        return run(args, env, secrets, out, err, false);
    }

    /**
     * As {@link #run(String[], Map, PrintWriter, PrintWriter)}; {@code ownProcess}: this is the whole
     * {@code hotdesk} process, so an admin command may silence its logging (see {@link Logging}).
     */
    private static int run(String[] args, Map<String, String> env, SecretInput secrets, PrintWriter out, PrintWriter err,
                           boolean ownProcess) {
        Main main = new Main(env);
        Services services = new Services(main::loadConfig, secrets);
        try {
            CommandLine cmd = new CommandLine(main, new Factory(main, services));
            cmd.setOut(out);
            cmd.setErr(err);
            applyExitCodeHelp(cmd);
            cmd.setExecutionExceptionHandler((ex, line, parsed) -> handle(ex, line.getErr()));
            cmd.setExecutionStrategy(parsed -> {
                if (ownProcess && !logs(parsed)) {
                    Logging.silence();
                }
                return new CommandLine.RunLast().execute(parsed);
            });
            return cmd.execute(args);
        } finally {
            services.close();
        }
    }

    /** Whether the command logs: {@code serve} always, an admin command with {@code --verbose}. */
    private static boolean logs(CommandLine.ParseResult parsed) {
        boolean verbose = false;
        CommandLine.ParseResult last = parsed;
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            verbose |= p.hasMatchedOption("--verbose");
            last = p;
        }
        return verbose || last.commandSpec().userObject() instanceof Serve;
    }

    private static int handle(Exception ex, PrintWriter err) {
        Throwable e = ex;
        if (e instanceof LedgerException) {
            err.println("hotdesk: ledger: " + e.getMessage());
            return ExitCodes.LEDGER;
        }
        if (e instanceof IllegalArgumentException) {
            err.println("hotdesk: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        log().error("unexpected failure", e);
        err.println("hotdesk: unexpected failure: " + e + " (--verbose shows where)");
        return ExitCodes.SOFTWARE;
    }

    private static void applyExitCodeHelp(CommandLine cmd) {
        Map<String, String> codes = new LinkedHashMap<>();
        for (String line : ExitCodes.HELP) {
            int colon = line.indexOf(':');
            codes.put(line.substring(0, colon), line.substring(colon + 1));
        }
        cmd.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        cmd.getSubcommands().values().forEach(Main::applyExitCodeHelp);
    }

    /** {@code hotdesk serve}. */
    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Run the server: FastAGI, AMI, ARI, HTTP provisioning and the reconciler. Stops cleanly on SIGTERM.")
    static final class Serve implements java.util.concurrent.Callable<Integer> {
        private final Services services;

        Serve(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws InterruptedException {
            Server server = new Server(services.config());
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "hotdesk-shutdown");
            // the hook first: a SIGTERM during start still closes what start opened (close waits for start)
            Runtime.getRuntime().addShutdownHook(hook);
            closeBeforeExitOn(server::close, "TERM", "INT", "HUP");
            try {
                server.start();
            } catch (RuntimeException e) {
                Runtime.getRuntime().removeShutdownHook(hook);
                throw e;
            }
            stopped.await();
            return ExitCodes.OK;
        }
    }

    /**
     * Stops the server on these signals before the JVM begins to exit, then exits as the JVM would have
     * (128 + the signal's number). The JVM runs all shutdown hooks at once, H2's among them: at a SIGTERM it
     * closed the embedded ledger while the server's hook was still stopping the reconciler and flushing the
     * fetch records and audit it holds back, which then failed. The shutdown hook stays for every other
     * way out; where a signal cannot be handled (a JVM started with -Xrs) only the hook is left.
     */
    @SuppressWarnings("restriction")
    static void closeBeforeExitOn(Runnable close, String... signals) {
        for (String name : signals) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    close.run();
                    System.exit(128 + signal.getNumber());
                });
            } catch (IllegalArgumentException e) {
                log().debug("signal {} is not handled here ({}); the shutdown hook closes the server", name, e.getMessage());
            }
        }
    }

    /** Gives commands what they need through their constructors. */
    private record Factory(Main main, Services services) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == Main.class) {
                return type.cast(main);
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                Class<?>[] p = c.getParameterTypes();
                if (p.length == 1 && (p[0] == CliContext.class || p[0] == Services.class)) {
                    c.setAccessible(true);
                    return type.cast(c.newInstance(services));
                }
            }
            return CommandLine.defaultFactory().create(type);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"hotdesk " + (v == null ? "development build" : v)};
        }
    }
}
