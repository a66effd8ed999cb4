package hotdesk.app;

import hotdesk.ami.AmiProbe;
import hotdesk.ami.AmiSettings;
import hotdesk.ari.AriClient;
import hotdesk.ari.AriException;
import hotdesk.ari.AriSettings;
import hotdesk.asteriskconf.DialplanSearch;
import hotdesk.cli.ExitCodes;
import hotdesk.core.model.Target;
import hotdesk.core.model.User;
import hotdesk.core.policy.DialCodePlan;
import hotdesk.core.policy.EmergencyLocation;
import hotdesk.core.policy.Projections;
import hotdesk.asteriskconf.AsteriskConfWriter;
import hotdesk.core.policy.RequiredModules;
import hotdesk.core.policy.SecretHasher;
import hotdesk.core.port.LedgerException;
import hotdesk.core.usecase.LocateDesks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code hotdesk doctor}: checks the Asterisk side with the configured credentials, one line per
 * check with its fix when it fails. Changes nothing on Asterisk but three probe objects it creates
 * and deletes again ({@code hotdesk-doctor-probe-<random>}); reads the ledger only.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check the Asterisk side with the configured credentials: AMI login and privileges (also of the"
                + " test-call user ami.test-user), ARI, that "
                + "sorcery lets ARI create endpoint/aor/auth (a probe object of each, deleted again), the hotdesk "
                + "contexts, the required modules, ledger users also defined in pjsip.conf, that a desk in use "
                + "(hotdesk-seated) reaches every feature code, desks without an ELIN or whose "
                + "site is not in the site list, and users whose stored PIN hash cannot be checked.",
                "Prints one line per check with the fix when it fails; exit 6 when any check fails."})
final class Doctor implements Callable<Integer> {

    /** Contexts of the generated dialplan besides the idle context ({@code pjsip.idle-context}). */
    static final List<String> CONTEXTS = List.of("hotdesk-codes", "hotdesk-emergency", "hotdesk-run", "hotdesk-result",
            "hotdesk-dial", "hotdesk-seated");
    static final String CODES_CONTEXT = "hotdesk-codes";
    static final String SEATED_CONTEXT = hotdesk.core.policy.PjsipProfile.SEATED_CONTEXT;
    static final String PROBE_PREFIX = "hotdesk-doctor-probe-";

    enum Status { OK, FAIL, SKIPPED }

    /** One check's outcome: {@code fix} is empty when it passed. */
    record Check(String name, Status status, String detail, String fix) {
        static Check ok(String name, String detail) {
            return new Check(name, Status.OK, detail, "");
        }

        static Check fail(String name, String detail, String fix) {
            return new Check(name, Status.FAIL, detail, fix);
        }

        static Check skipped(String name, String why) {
            return new Check(name, Status.SKIPPED, why, "");
        }
    }

    @Spec
    CommandSpec spec;
    private final Services services;

    @Option(names = "--json", description = "print the checks as JSON")
    boolean json;

    Doctor(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() {
        Config c = services.config();
        AmiSettings ami = new AmiSettings(c.string("ami.host"), c.integer("ami.port", 1, 65535), c.string("ami.user"),
                c.string("ami.secret"), c.duration("ami.timeout"), c.family("notify.event."));
        AriSettings ari = new AriSettings(URI.create(c.string("ari.url")), c.string("ari.user"), c.string("ari.password"),
                c.duration("ari.timeout"));
        List<String> modules = List.copyOf(RequiredModules.of(AsteriskConfWriter.render(AsteriskConf.settings(c))
                .get(AsteriskConfWriter.EXTENSIONS), c.string("asterisk.pjsip-wizard")).keySet());
        DialCodePlan codes = AsteriskConf.settings(c).codes();
        Run run = new Run(services, ami, new AriClient(ari), ari, modules, codes, c.string("pjsip.idle-context"),
                c.string("users.default-context"));
        if (AsteriskConf.settings(c).testCalls()) {
            run.testUser(new AmiSettings(c.string("ami.host"), c.integer("ami.port", 1, 65535), c.string("ami.test-user"),
                    c.string("ami.test-secret"), c.duration("ami.timeout"), Map.of()));
        } else {
            run.testCallsOff();
        }
        List<Check> checks = run.checks();
        print(checks);
        return checks.stream().allMatch(x -> x.status() == Status.OK) ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }

    private void print(List<Check> checks) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            StringBuilder b = new StringBuilder("{\"ok\":")
                    .append(checks.stream().allMatch(x -> x.status() == Status.OK)).append(",\"checks\":[");
            for (int i = 0; i < checks.size(); i++) {
                Check x = checks.get(i);
                b.append(i == 0 ? "" : ",").append("{\"name\":").append(quote(x.name()))
                        .append(",\"status\":").append(quote(x.status().name().toLowerCase(java.util.Locale.ROOT)))
                        .append(",\"detail\":").append(quote(x.detail())).append(",\"fix\":").append(quote(x.fix())).append('}');
            }
            out.println(b.append("]}"));
        } else {
            for (Check x : checks) {
                String mark = switch (x.status()) {
                    case OK -> "ok  ";
                    case FAIL -> "FAIL";
                    case SKIPPED -> "skip";
                };
                out.printf("%s  %-10s  %s%n", mark, x.name(), x.detail());
                if (!x.fix().isEmpty()) {
                    out.printf("%s  %-10s  fix: %s%n", "    ", "", x.fix());
                }
            }
        }
        out.flush();
    }

    static String quote(String s) {
        return hotdesk.web.JsonText.quote(s);
    }

    /** One run of every check, in order; later checks are skipped when what they need failed. */
    static final class Run {
        private final Services services;
        private final AmiSettings amiSettings;
        private final AriClient ari;
        private final AriSettings ariSettings;
        private final List<String> modules;
        private final DialCodePlan codes;
        private final String idleContext;
        private final String defaultContext;
        private final Map<String, Optional<DialplanSearch.Context>> dialplan = new LinkedHashMap<>();
        private String probeId;
        private AmiSettings testUser;
        private boolean testCallsOff;
        /** Whether AMI refused the system-class action of the privileges check. */
        private boolean amiWriteDenied;
        /** Whether AMI answered ShowDialPlan (the contexts check asks first). */
        private boolean dialplanReadable;

        Run(Services services, AmiSettings ami, AriClient ari, AriSettings ariSettings, List<String> modules,
            DialCodePlan codes, String idleContext, String defaultContext) {
            this.services = services;
            this.amiSettings = ami;
            this.ari = ari;
            this.ariSettings = ariSettings;
            this.modules = modules;
            this.codes = codes;
            this.idleContext = idleContext;
            this.defaultContext = defaultContext;
        }

        /** Names the probe objects (tests); by default {@value #PROBE_PREFIX} and 12 random hex digits. */
        Run probeId(String id) {
            this.probeId = id;
            return this;
        }

        /** Also checks the test-call user ({@code ami.test-user}) of {@code hotdesk emergency test}. */
        Run testUser(AmiSettings settings) {
            this.testUser = settings;
            return this;
        }

        /** No test-call user is configured ({@code ami.test-user} empty): the check says so and passes. */
        Run testCallsOff() {
            this.testCallsOff = true;
            return this;
        }

        List<Check> checks() {
            List<Check> out = new ArrayList<>();
            List<User> users;
            List<LocateDesks.View> desks = List.of();
            String ledgerProblem = null;
            Map<String, String> lastErrors = new LinkedHashMap<>();
            services.defaultElin(); // a bad emergency.default-elin is a configuration error (exit 2), not a failed check
            try {
                String node = services.node();
                users = services.ledger().read(tx -> {
                    List<User> hotdesking = tx.users().stream().filter(User::hotdeskEnabled).toList();
                    for (User u : hotdesking) {
                        tx.lastError(node, Target.user(u.extension())).ifPresent(e -> lastErrors.put(u.extension().value(), e));
                    }
                    return hotdesking;
                });
                desks = services.locations().all();
            } catch (LedgerException e) {
                users = List.of();
                ledgerProblem = "cannot read the ledger: " + e.getMessage();
            }
            AmiProbe probe = null;
            try {
                Check amiCheck;
                try {
                    probe = AmiProbe.open(amiSettings);
                    amiCheck = privileges(probe);
                } catch (AmiProbe.ProbeException e) {
                    amiCheck = Check.fail("ami", e.getMessage(), amiFix(e.problem()));
                } catch (IOException e) {
                    amiCheck = Check.fail("ami", "AMI connection failed: " + e.getMessage(), "check that Asterisk runs and "
                            + "ami.timeout is long enough");
                }
                out.add(amiCheck);
                // a user that may not read system events can still run the checks' actions
                boolean amiOk = probe != null && !amiWriteDenied;
                if (testUser != null) {
                    out.add(probe != null ? testUser() : Check.skipped("ami test", "needs AMI"));
                } else if (testCallsOff) {
                    out.add(Check.ok("ami test", "no test-call user (ami.test-user is empty): hotdesk emergency test is off"));
                }

                Check ariCheck = ari();
                out.add(ariCheck);
                boolean ariOk = ariCheck.status() == Status.OK;
                out.add(ariOk ? sorcery() : Check.skipped("sorcery", "needs ARI"));
                out.add(amiOk ? contexts(probe) : Check.skipped("contexts", "needs AMI"));
                out.add(amiOk ? modules(probe) : Check.skipped("modules", "needs AMI"));
                out.add(ledgerProblem != null ? Check.fail("acl", ledgerProblem, "check db.url, db.user and db.password")
                        : amiOk ? acls(probe) : Check.skipped("acl", "needs AMI"));
                if (ledgerProblem != null) {
                    out.add(Check.fail("pjsip.conf", ledgerProblem, "check db.url, db.user and db.password"));
                } else {
                    out.add(ariOk ? clashes(users, lastErrors) : Check.skipped("pjsip.conf", "needs ARI"));
                }
                if (ledgerProblem != null) {
                    out.add(Check.fail("dial codes", ledgerProblem, "check db.url, db.user and db.password"));
                } else {
                    out.add(amiOk && dialplanReadable ? dialCodes(probe, users)
                            : Check.skipped("dial codes", "needs AMI ShowDialPlan"));
                }
                out.add(ledgerProblem != null ? Check.fail("emergency", ledgerProblem, "check db.url, db.user and db.password")
                        : emergency(desks));
                out.add(ledgerProblem != null ? Check.fail("pins", ledgerProblem, "check db.url, db.user and db.password")
                        : pins(users));
            } finally {
                if (probe != null) {
                    probe.close();
                }
            }
            return out;
        }

        // ---- 1. AMI

        private static String amiFix(AmiProbe.Problem p) {
            return switch (p) {
                case UNREACHABLE -> "start Asterisk, or set ami.host/ami.port to manager.conf's bindaddr/port (enabled = yes in"
                        + " its [general])";
                case TIMEOUT -> "nothing answers in time: check ami.host/ami.port and any firewall between hotdesk and Asterisk";
                case NOT_AMI -> "ami.port points at another service: use manager.conf's port (5038 by default)";
                case LOGIN_REFUSED -> "ami.user/ami.secret must match a [user] of manager.conf (hotdesk asterisk-conf writes"
                        + " manager_hotdesk.conf; #include it), and its permit must allow this host; then: manager reload";
                case PROTOCOL -> "see Asterisk's log";
            };
        }

        private Check privileges(AmiProbe probe) throws IOException {
            // ModuleCheck is of class system only: it proves write = system (what PJSIPNotify, DBPut, DBDel need)
            AmiProbe.Answer a = probe.send("ModuleCheck", "Module", "pbx_config");
            String who = "logged in to " + amiSettings.host() + ":" + amiSettings.port() + " as '" + amiSettings.user() + "'";
            if (!a.success() && a.message().equalsIgnoreCase("Permission denied")) {
                amiWriteDenied = true;
                return Check.fail("ami", who + ", but Asterisk refuses its actions (Permission denied): the user lacks write"
                        + " class system", "set write = system,reporting in the [" + amiSettings.user() + "] section of"
                        + " manager.conf (as manager_hotdesk.conf has it); then: manager reload");
            }
            AmiProbe.Answer ping = probe.send("Ping");
            if (!a.systemEventSeen() && !ping.systemEventSeen()) {
                return Check.fail("ami", who + ", but Asterisk sent no FullyBooted at login: the user lacks read class system,"
                        + " so hotdesk would miss Asterisk restarts", "set read = system in the [" + amiSettings.user()
                        + "] section of manager.conf; then: manager reload");
            }
            return Check.ok("ami", who + " (read and write system)");
        }

        // ---- 1b. the test-call user

        /**
         * Logs in as {@code ami.test-user} and asks for what {@code hotdesk emergency test} needs without
         * placing a call: an Originate without a channel is answered {@code Channel not specified} when the
         * user may originate and {@code Permission denied} when not; Getvar needs {@code reporting}. Whether
         * it may read user events shows only with a call: {@code hotdesk emergency test} says so.
         */
        private Check testUser() {
            String who = "'" + testUser.user() + "'";
            try (AmiProbe p = AmiProbe.open(testUser, "user")) {
                AmiProbe.Answer originate = p.send("Originate");
                if (originate.message().equalsIgnoreCase("Permission denied")) {
                    return Check.fail("ami test", "the test-call user " + who + " may not originate (Permission denied)",
                            "set write = originate,reporting in the [" + testUser.user() + "] section of manager.conf (as"
                                    + " manager_hotdesk.conf has it); then: manager reload");
                }
                AmiProbe.Answer getvar = p.send("Getvar", "Variable", "HOTDESK_SECURITY_DESK");
                if (!getvar.success()) {
                    return Check.fail("ami test", "the test-call user " + who + " may originate but not read the dialplan's"
                            + " globals (Getvar: " + getvar.message() + ")", "set write = originate,reporting in the ["
                            + testUser.user() + "] section of manager.conf; then: manager reload");
                }
                return Check.ok("ami test", "logged in as " + who + " (originate, reporting): hotdesk emergency test can"
                        + " place test calls");
            } catch (AmiProbe.ProbeException e) {
                String fix = e.problem() == AmiProbe.Problem.LOGIN_REFUSED
                        ? "ami.test-user/ami.test-secret must match the [" + testUser.user() + "] section of"
                                + " manager_hotdesk.conf (hotdesk asterisk-conf writes it; #include it); then: manager reload."
                                + " Only hotdesk emergency test needs this user"
                        : amiFix(e.problem());
                return Check.fail("ami test", e.getMessage(), fix);
            } catch (IOException e) {
                return Check.fail("ami test", "AMI connection failed: " + e.getMessage(), "see Asterisk's log");
            }
        }

        // ---- 2. ARI

        private Check ari() {
            try {
                String version = ari.asteriskVersion();
                return Check.ok("ari", ariSettings.baseUrl() + " answers as '" + ariSettings.user() + "' (Asterisk " + version + ")");
            } catch (AriException e) {
                return Check.fail("ari", e.getMessage(), ariFix(e));
            }
        }

        private String ariFix(AriException e) {
            String url = ariSettings.baseUrl().toString();
            if (e.status() == 401) {
                return "ari.user/ari.password must match a type = user section of ari.conf (hotdesk asterisk-conf writes"
                        + " ari_hotdesk.conf; #include it); then: module reload res_ari";
            }
            if (e.status() == 404) {
                return "nothing serves ARI at " + url + ": load res_ari and res_ari_asterisk, set enabled = yes in ari.conf's"
                        + " [general], and check the path of ari.url (…/ari)";
            }
            if (e.status() == 0 && e.getMessage().contains("refused")) {
                return "nothing listens at " + url + ": start Asterisk, enable its HTTP server (http.conf: enabled = yes,"
                        + " bindaddr, bindport) and set ari.url to that address and port";
            }
            if (e.status() == 0 && e.getMessage().contains("timed out")) {
                return "no answer in time from " + url + ": check the host and port of ari.url and any firewall between"
                        + " hotdesk and Asterisk (or raise ari.timeout)";
            }
            return "see Asterisk's log";
        }

        // ---- 3. sorcery

        private Check sorcery() {
            String id = probeId != null ? probeId : PROBE_PREFIX + HexFormat.of().formatHex(randomBytes(6));
            Map<String, String> auth = new LinkedHashMap<>();
            auth.put("auth_type", "userpass");
            auth.put("username", id);
            auth.put("password", HexFormat.of().formatHex(randomBytes(16)));
            Map<String, String> aor = Map.of("max_contacts", "1");
            Map<String, String> endpoint = new LinkedHashMap<>();
            endpoint.put("context", idleContext);
            endpoint.put("disallow", "all");
            endpoint.put("allow", "ulaw");
            endpoint.put("aors", id);
            endpoint.put("auth", id);
            List<String> created = new ArrayList<>();
            String failure = null;
            try {
                for (var step : List.of(Map.entry("auth", auth), Map.entry("aor", aor), Map.entry("endpoint", endpoint))) {
                    try {
                        ari.put(step.getKey(), id, step.getValue());
                        created.add(0, step.getKey());
                    } catch (AriException e) {
                        // without AriClient's hint for hotdesk's own objects ("… is defined in pjsip.conf"): not so here
                        String m = e.getMessage();
                        int hint = m.indexOf(" — ");
                        failure = step.getKey() + ": " + (hint < 0 ? m : m.substring(0, hint));
                        break;
                    }
                }
            } finally {
                List<String> left = new ArrayList<>();
                // every type, not only the created ones: a PUT that timed out may still have created its object
                for (String type : List.of("endpoint", "aor", "auth")) {
                    try {
                        ari.delete(type, id);
                    } catch (AriException e) {
                        left.add(type);
                    }
                }
                if (!left.isEmpty()) {
                    String leftover = "probe " + String.join(", ", left) + " '" + id + "' could not be deleted";
                    failure = failure == null ? leftover : failure + "; " + leftover;
                }
            }
            if (failure != null) {
                return Check.fail("sorcery", "ARI cannot create the probe " + failure,
                        "sorcery.conf's first [res_pjsip] section needs the lines of sorcery_hotdesk.conf (for endpoint, aor"
                                + " and auth: config,pjsip.conf first, then the " + wizardName() + " wizard), and its module"
                                + " loaded; an ARI user with read_only = no; remove a leftover probe with the Asterisk CLI if"
                                + " one is named here");
            }
            return Check.ok("sorcery", "ARI created and deleted a probe auth, aor and endpoint ('" + id + "')");
        }

        private String wizardName() {
            return modules.contains("res_sorcery_astdb") ? "astdb" : "memory";
        }

        private byte[] randomBytes(int n) {
            byte[] b = new byte[n];
            services.random().nextBytes(b);
            return b;
        }

        // ---- 4. contexts

        /** Thrown when AMI refuses ShowDialPlan. */
        private static final class DialplanDenied extends Exception {
            DialplanDenied(String message) {
                super(message);
            }
        }

        private Optional<DialplanSearch.Context> context(AmiProbe probe, String name) throws IOException, DialplanDenied {
            Optional<DialplanSearch.Context> known = dialplan.get(name);
            if (known != null) {
                return known;
            }
            AmiProbe.Answer a = probe.send("ShowDialPlan", "Context", name);
            Optional<DialplanSearch.Context> c;
            if (a.success()) {
                Set<String> extensions = new LinkedHashSet<>();
                List<String> includes = new ArrayList<>();
                for (Map<String, String> e : a.events()) {
                    if (!name.equals(e.getOrDefault("Context", name))) {
                        continue;
                    }
                    if (e.containsKey("IncludeContext")) {
                        includes.add(e.get("IncludeContext"));
                    } else if (e.containsKey("Extension")) {
                        extensions.add(e.get("Extension"));
                    }
                }
                c = Optional.of(new DialplanSearch.Context(List.copyOf(extensions), includes));
            } else if (a.message().startsWith("Did not find context")) {
                c = Optional.empty();
            } else {
                throw new DialplanDenied(a.message());
            }
            dialplan.put(name, c);
            return c;
        }

        private Check contexts(AmiProbe probe) {
            List<String> wanted = new ArrayList<>();
            wanted.add(idleContext);
            wanted.addAll(CONTEXTS);
            List<String> missing = new ArrayList<>();
            try {
                for (String name : wanted) {
                    if (context(probe, name).isEmpty()) {
                        missing.add(name);
                    }
                }
            } catch (DialplanDenied e) {
                return Check.fail("contexts", "AMI ShowDialPlan refused: " + e.getMessage(), "give the [" + amiSettings.user()
                        + "] user of manager.conf write = system,reporting (reporting only reads; manager_hotdesk.conf has"
                        + " it); then: manager reload");
            } catch (IOException e) {
                return Check.fail("contexts", "AMI ShowDialPlan failed: " + e.getMessage(), "see Asterisk's log");
            }
            dialplanReadable = true;
            if (!missing.isEmpty()) {
                return Check.fail("contexts", "not loaded: " + String.join(", ", missing), "#include hotdesk/"
                        + "extensions_hotdesk.conf in extensions.conf (files from hotdesk asterisk-conf); then: dialplan reload");
            }
            return Check.ok("contexts", String.join(", ", wanted) + " loaded");
        }

        // ---- 5. modules

        private Check modules(AmiProbe probe) {
            List<String> missing = new ArrayList<>();
            try {
                for (String m : modules) {
                    AmiProbe.Answer a = probe.send("ModuleCheck", "Module", m);
                    if (!a.success()) {
                        missing.add(m);
                    }
                }
            } catch (IOException e) {
                return Check.fail("modules", "AMI ModuleCheck failed: " + e.getMessage(), "see Asterisk's log");
            }
            if (!missing.isEmpty()) {
                return Check.fail("modules", "not loaded: " + String.join(", ", missing), "load them (module load <name>.so)"
                        + " and remove any noload line for them from modules.conf");
            }
            return Check.ok("modules", "all " + modules.size() + " loaded");
        }

        // ---- 5b. the named ACLs desk endpoints name

        private Check acls(AmiProbe probe) {
            if (!services.config().bool("asterisk.registration-acl")) {
                return Check.ok("acl", "off (asterisk.registration-acl=false): desks register from any network");
            }
            List<hotdesk.core.policy.TrustedNetworks.Acl> wanted = AsteriskConf.acls(services.config(), services.sites().list());
            Map<String, java.util.Set<String>> have = new LinkedHashMap<>();
            try {
                AmiProbe.Answer a = probe.send("GetConfig", "Filename", "acl.conf");
                if (a.success()) {
                    Map<String, String> index = new LinkedHashMap<>();
                    a.headers().forEach((k, v) -> {
                        if (k.regionMatches(true, 0, "Category-", 0, 9)) {
                            index.put(k.substring(9), v.strip());
                            have.putIfAbsent(v.strip(), new java.util.HashSet<>());
                        }
                    });
                    a.headers().forEach((k, v) -> {
                        if (k.regionMatches(true, 0, "Line-", 0, 5)) {
                            String rest = k.substring(5);
                            String category = index.get(rest.contains("-") ? rest.substring(0, rest.indexOf('-')) : rest);
                            if (category != null) {
                                have.get(category).add(v.replace(" ", "").strip());
                            }
                        }
                    });
                } else if (!a.message().contains("not found")) {
                    return Check.fail("acl", "AMI GetConfig acl.conf: " + a.message(), "give the AMI user '"
                            + amiSettings.user() + "' write = system");
                }
            } catch (IOException e) {
                return Check.fail("acl", "AMI GetConfig failed: " + e.getMessage(), "see Asterisk's log");
            }
            List<String> wrong = new ArrayList<>();
            for (var acl : wanted) {
                java.util.Set<String> rules = new java.util.HashSet<>();
                acl.lines().forEach(l -> rules.add(l.replace(" ", "")));
                if (!have.containsKey(acl.name())) {
                    wrong.add(acl.name() + " (missing)");
                } else if (!have.get(acl.name()).equals(rules)) {
                    wrong.add(acl.name() + " (other networks)");
                }
            }
            if (!wrong.isEmpty()) {
                return Check.fail("acl", "acl.conf lacks the ACLs desks must name: " + String.join(", ", wrong)
                        + "; those desks register from any network until it has them",
                        "hotdesk asterisk-conf --out DIR (writes acl_hotdesk.conf), #include hotdesk/acl_hotdesk.conf in "
                                + "acl.conf, then module reload acl (a running serve reloads it when it sees the file change)");
            }
            return Check.ok("acl", "acl.conf has the " + wanted.size() + " ACL(s) desks name: "
                    + String.join(", ", wanted.stream().map(hotdesk.core.policy.TrustedNetworks.Acl::name).toList()));
        }

        // ---- 6. users also in pjsip.conf

        private Check clashes(List<User> users, Map<String, String> lastErrors) {
            List<String> clashes = new ArrayList<>();
            try {
                for (User u : users) {
                    String ext = u.extension().value();
                    String error = lastErrors.get(ext);
                    if (error != null && error.contains("403")) {
                        clashes.add(ext + " (Asterisk refused hotdesk's update: 403)");
                        continue;
                    }
                    // read-only: an endpoint hotdesk pushed always names hotdesk's auth; one that names another was
                    // written elsewhere, in practice in pjsip.conf (ARI cannot change such objects)
                    Optional<Map<String, String>> ep = ari.get("endpoint", ext);
                    if (ep.isPresent() && !Projections.authId(ext).equals(ep.get().getOrDefault("auth", ""))) {
                        clashes.add(ext + " (endpoint exists with auth '" + ep.get().getOrDefault("auth", "") + "', not '"
                                + Projections.authId(ext) + "')");
                    }
                }
            } catch (AriException e) {
                return Check.fail("pjsip.conf", "ARI GET failed: " + e.getMessage(), "see Asterisk's log");
            }
            if (!clashes.isEmpty()) {
                return Check.fail("pjsip.conf", "users of the ledger also defined outside hotdesk: " + String.join(", ", clashes),
                        "remove their endpoint, aor and auth sections from pjsip.conf (hotdesk pushes them), then: module"
                                + " reload res_pjsip.so; or remove the user from hotdesk (user remove)");
            }
            return Check.ok("pjsip.conf", users.size() + " hot-desking user(s), none defined in pjsip.conf");
        }

        // ---- 7. dial codes swallowed by the admin's own extensions

        private Check dialCodes(AmiProbe probe, List<User> users) {
            // An occupied desk has hotdesk-seated, whose own extensions are the codes: the users' contexts
            // no longer see a desk's codes, so it is that context (as loaded) that must route every one.
            String ctx = SEATED_CONTEXT;
            String ext = users.stream().map(u -> u.extension().value()).filter(e -> e.matches("[0-9]+")).findFirst()
                    .orElse("101");
            Set<String> codeExtensions = new LinkedHashSet<>();
            codes.routes().forEach(r -> codeExtensions.add(r.exten()));
            DialplanSearch search = new DialplanSearch(name -> {
                try {
                    return context(probe, name);
                } catch (IOException | DialplanDenied e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            Map<String, List<String>> problems = new LinkedHashMap<>();
            try {
                if (context(probe, ctx).isEmpty()) {
                    problems.put(ctx + ": the context is not loaded, so nothing", List.of("any code"));
                } else {
                    for (String dialled : samples(ext)) {
                        Optional<DialplanSearch.Hit> hit = search.find(ctx, dialled);
                        if (hit.isEmpty()) {
                            problems.computeIfAbsent(ctx + ": nothing", k -> new ArrayList<>()).add(dialled);
                        } else if (!codeExtensions.contains(hit.get().extension())
                                || !(hit.get().context().equals(ctx) || hit.get().context().equals(CODES_CONTEXT))) {
                            problems.computeIfAbsent(ctx + ": '" + hit.get().extension() + "' of context " + hit.get().context(),
                                    k -> new ArrayList<>()).add(dialled);
                        }
                    }
                }
            } catch (IllegalStateException | IOException | DialplanDenied e) {
                return Check.fail("dial codes", "AMI ShowDialPlan failed: " + e.getMessage(), "see Asterisk's log");
            }
            if (!problems.isEmpty()) {
                List<String> parts = new ArrayList<>();
                problems.forEach((where, dialled) -> parts.add(where + " takes " + String.join(" ", dialled)));
                return Check.fail("dial codes", String.join("; ", parts), "#include the hotdesk/extensions_hotdesk.conf that"
                        + " hotdesk asterisk-conf generates for these codes (then: dialplan reload); no context of your own may be"
                        + " named " + ctx);
            }
            return Check.ok("dial codes", "in " + ctx + " (desks in use) every feature code reaches hotdesk's code route,"
                    + " before any context of the users");
        }

        // ---- 8. every desk's emergency calls carry an ELIN and the address of a known site

        private static Check emergency(List<LocateDesks.View> desks) {
            List<String> noElin = new ArrayList<>();
            List<String> unknownSite = new ArrayList<>();
            int noLocation = 0;
            for (LocateDesks.View v : desks) {
                String name = v.device().mac().display() + " (" + v.device().label() + ")";
                List<EmergencyLocation.Warning> w = v.located().warnings();
                if (w.contains(EmergencyLocation.Warning.NO_ELIN)) {
                    noElin.add(name);
                }
                if (w.contains(EmergencyLocation.Warning.UNKNOWN_SITE)) {
                    unknownSite.add(v.device().mac().display() + " (site '" + v.device().site() + "')");
                }
                if (w.contains(EmergencyLocation.Warning.NO_LOCATION)) {
                    noLocation++;
                }
            }
            String withoutLocation = noLocation == 0 ? "" : "; " + noLocation + " without a civic location (hotdesk device "
                    + "location MAC shows and sets it)";
            if (noElin.isEmpty() && unknownSite.isEmpty()) {
                return Check.ok("emergency", desks.isEmpty() ? "no desks yet"
                        : desks.size() + " desk(s), each with an ELIN and a known site" + withoutLocation);
            }
            List<String> parts = new ArrayList<>();
            List<String> fixes = new ArrayList<>();
            if (!noElin.isEmpty()) {
                parts.add("no ELIN: " + some(noElin));
                fixes.add("give each desk an ELIN (device add --elin), or its site one (hotdesk site set SITE --elin), "
                        + "or set emergency.default-elin");
            }
            if (!unknownSite.isEmpty()) {
                parts.add("site not in the site list: " + some(unknownSite));
                fixes.add("add those sites with their address and ELIN (hotdesk site add NAME --country … --elin …)");
            }
            return Check.fail("emergency", String.join("; ", parts) + withoutLocation, String.join("; ", fixes));
        }

        // ---- 9. every hot-desking user's PIN hash can be checked

        /**
         * Users whose stored PIN hash cannot be read (a ledger row changed outside hotdesk): each of their logins ends
         * in an error naming {@code user set-pin}; found here before they are at a desk.
         */
        static Check pins(List<User> users) {
            List<String> unreadable = users.stream().filter(u -> !SecretHasher.readable(u.pinHash()))
                    .map(u -> u.extension().value()).toList();
            if (unreadable.isEmpty()) {
                return Check.ok("pins", users.isEmpty() ? "no hot-desking users yet"
                        : users.size() + " hot-desking user(s), each with a PIN hash hotdesk can check");
            }
            return Check.fail("pins", "PIN hash unreadable (changed outside hotdesk; their logins end in an error): "
                    + some(unreadable), "give each a new PIN: hotdesk user set-pin EXT");
        }

        /** The first ten, and how many more. */
        private static String some(List<String> names) {
            return String.join(", ", names.subList(0, Math.min(10, names.size())))
                    + (names.size() > 10 ? " and " + (names.size() - 10) + " more" : "");
        }

        /** One dialled string per feature-code extension of the generated dialplan. */
        private List<String> samples(String ext) {
            Set<String> out = new LinkedHashSet<>();
            for (DialCodePlan.Route r : codes.routes()) {
                if (!r.isPattern()) {
                    out.add(r.exten());
                } else if (r.action() == DialCodePlan.Action.OTP_LOGIN) {
                    out.add(r.code() + "123456" + (r.exten().endsWith("#") ? "#" : ""));
                } else {
                    out.add(r.code() + ext);
                }
            }
            return List.copyOf(out);
        }
    }
}
