package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriSettings;
import hotdesk.core.model.Mac;
import hotdesk.testing.RealAsterisk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Login rush driver for issue 11 against the real Asterisk kit: N desks and N users (default PBKDF2 iterations),
 * {@code serve} as its own JVM with the options {@code scripts/hotdesk} sets by default, desk lines pushed with
 * {@code dtmf_mode=info} and media on loopback. SIPp calls {@code *70} from desk endpoints, waits out the
 * extension prompt, sends the extension and {@code #} as SIP INFO digits, waits out the PIN prompt, sends the
 * PIN and {@code #}, then waits for Asterisk's BYE. A share of each step's calls ({@code -Drush.otp-share}, 0.25)
 * logs in with a one-time code instead, dialled as {@code 00*<code>} by a second SIPp process at that share of
 * the rate; the codes come from the self-service API with an integration token just before the step, as an
 * intranet page would fetch them. In round k user i logs in at desk (i + k) mod N, so every login moves a user
 * and replaces an occupant.
 *
 * <p>Each rate runs twice on the same Asterisk: against hotdesk, then against the mirror, a no-op FastAGI
 * server ({@link Mirror}, its own JVM) that sends the same AGI commands hotdesk sends for a PIN or code login and sets
 * {@code HOTDESK_RESULT=OK} when the digits it got are the user's. The dialplan is the generated one; only
 * its {@code agi://} target is swapped ({@code dialplan reload}). A call is OK when the dialplan branched on
 * {@code hotdesk-result,OK} (Asterisk's messages log, verbose 3), the same test for both. Not a test: run it
 * with {@code scripts/bench-rush [desks] [rates…]}.
 */
public final class RushBench {

    private static final String JAVA_OPTS = System.getenv().getOrDefault("HOTDESK_JAVA_OPTS", ScaleBenchOptions.defaults());
    /** Calls per step at most: rate × this many seconds, capped at the number of desks. */
    private static final int STEP_SECONDS = Integer.getInteger("rush.seconds", 10);
    /** The share of each step's calls that log in with a one-time code ({@code -Drush.otp-share}, default 0.25). */
    private static final double OTP_SHARE = Double.parseDouble(System.getProperty("rush.otp-share", "0.25"));
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([0-9]{6})\"");
    private static final Pattern RESULT = Pattern.compile("Executing \\[([A-Z_]+)@hotdesk-result:1\\]");
    private static final Pattern LOGINS = Pattern.compile("(?m)^hotdesk_logins_total\\{result=\"([a-z_]+)\",?\\} ([0-9.E]+)");
    private static final Pattern BUCKET = Pattern.compile("(?m)^hotdesk_login_duration_seconds_bucket\\{([^}]*)\\} ([0-9.E+]+)");
    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");
    private static final Pattern DESK_PUSHES = Pattern.compile("(?m)^hotdesk_pushes_total\\{kind=\"desk\",result=\"ok\",?\\} ([0-9.E]+)");
    /** The prompts of the default settings, measured from their files: extension 1.20 s, agent-pass 3.30 s. */
    private static final int EXTENSION_PROMPT_MS = 1200;
    private static final int PIN_PROMPT_MS = 3300;
    private static final int MARGIN_MS = 300;
    private static final int DIGIT_GAP_MS = 200;

    private RushBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("mirror")) {
            Mirror.main(args);
            return;
        }
        int desks = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        List<Integer> rates = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            rates.add(Integer.parseInt(args[i]));
        }
        if (rates.isEmpty()) {
            rates.addAll(List.of(10, 20, 30, 45, 60));
        }
        Path jar = Path.of(System.getProperty("hotdesk.jar", "target/hotdesk.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("build target/hotdesk.jar first (mvn -DskipTests package)");
        }
        Path kit = RealAsterisk.kit().orElseThrow(() -> new IllegalStateException(RealAsterisk.SKIP_MESSAGE));
        Path dir = Files.createTempDirectory("hotdesk-rush");
        Map<String, String> settings = KitSettings.of(dir, "rush");
        // the defaults, PBKDF2 is part of a login's cost
        settings.remove("security.pin-iterations");
        settings.remove("security.otp-iterations");
        settings.put("reconcile.interval", "1s");
        int metricsPort = RealAsterisk.freeTcpPort();
        settings.put("metrics.port", Integer.toString(metricsPort));
        settings.put("pjsip.endpoint.dtmf_mode", "info");
        settings.put("pjsip.endpoint.media_address", "127.0.0.1");
        settings.put("pjsip.endpoint.bind_rtp_to_media_address", "yes");
        // one-time codes come from the self-service API (an integration token), as an intranet page would get them
        int apiPort = RealAsterisk.freeTcpPort();
        settings.put("self-service.port", Integer.toString(apiPort));
        settings.put("self-service.max-requests-per-token", "100000");
        settings.put("self-service.max-requests-per-address", "100000");
        settings.put("otp.validity", "10m");
        for (String extra : System.getProperty("rush.settings", "").split(",")) {
            if (extra.contains("=")) {
                settings.put(extra.substring(0, extra.indexOf('=')).strip(), extra.substring(extra.indexOf('=') + 1).strip());
            }
        }
        String hotdeskAgi = settings.get("asterisk.agi-url");
        RealAsterisk asterisk = KitSettings.startAsterisk(dir.resolve("asterisk"), settings, conf -> { });
        Process server = null;
        Process mirror = null;
        try {
            System.out.printf("rush bench: %d desks, %d users, rates %s/s, ≤%d s of calls per step, real Asterisk kit, serve with %s%n",
                    desks, desks, rates, STEP_SECONDS, JAVA_OPTS);
            System.out.printf("settings beyond the defaults: %s%n", System.getProperty("rush.settings", "(none)"));
            System.out.printf("machine load before: %s%n", uptime());
            long t = System.nanoTime();
            List<String> u = new ArrayList<>(List.of("extension,name,pin"));
            List<String> d = new ArrayList<>(List.of("mac,vendor,model,label"));
            for (int i = 0; i < desks; i++) {
                u.add(ScaleBench.extension(i) + ",Rush User " + i + "," + ScaleBench.pin(i));
                d.add(ScaleBench.mac(i) + ",yealink,T54W,Desk " + i);
            }
            Files.write(dir.resolve("users.csv"), u);
            Files.write(dir.resolve("devices.csv"), d);
            CliRun.ok(settings, "user", "import", dir.resolve("users.csv").toString());
            CliRun.ok(settings, "device", "import", dir.resolve("devices.csv").toString());
            System.out.printf("imported %d users and %d devices in %.1f s (default PBKDF2 iterations)%n", desks, desks, secondsSince(t));
            Matcher tokenLine = Pattern.compile("hdt_[A-Za-z0-9_-]+").matcher(CliRun.ok(settings, "api-token", "add", "rush"));
            String apiToken = tokenLine.find() ? tokenLine.group() : null;
            if (OTP_SHARE > 0 && apiToken == null) {
                throw new IllegalStateException("api-token add printed no token");
            }

            Path props = dir.resolve("hotdesk.properties");
            Properties p = new Properties();
            p.putAll(settings);
            try (var w = Files.newBufferedWriter(props)) {
                p.store(w, "rush bench");
            }
            List<String> cmd = new ArrayList<>(List.of("java"));
            cmd.addAll(List.of(JAVA_OPTS.split(" ")));
            cmd.addAll(List.of("-jar", jar.toString(), "--config", props.toString(), "serve"));
            server = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("serve.log").toFile()).start();
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (deskPushes(metrics(http, metricsPort)) < desks) {
                if (System.nanoTime() > deadline || !server.isAlive()) {
                    throw new IllegalStateException("desks not pushed: see " + dir.resolve("serve.log"));
                }
                Thread.sleep(200);
            }
            AriClient ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER, AsteriskContract.ARI_PASSWORD,
                    Duration.ofSeconds(10)));
            List<String> endpoints = new ArrayList<>();
            List<String> secrets = new ArrayList<>();
            for (int i = 0; i < desks; i++) {
                String endpoint = Mac.parse(ScaleBench.mac(i)).endpointId();
                endpoints.add(endpoint);
                secrets.add(ari.get("auth", endpoint + "-auth").orElseThrow().get("password"));
            }
            System.out.printf("serve up, %d desk lines in Asterisk; RSS %s%n", desks, rss(server.pid()));

            int mirrorPort = RealAsterisk.freeTcpPort();
            List<String> mcmd = new ArrayList<>(List.of("java"));
            mcmd.addAll(List.of(JAVA_OPTS.split(" ")));
            mcmd.addAll(List.of("-Xss512k", "-cp", System.getProperty("java.class.path"), RushBench.class.getName(), "mirror",
                    Integer.toString(mirrorPort), Integer.toString(desks), Long.toString(digitTimeoutMillis(settings.getOrDefault("agi.digit-timeout", "6s")))));
            mirror = new ProcessBuilder(mcmd).redirectErrorStream(true).redirectOutput(dir.resolve("mirror.log").toFile()).start();
            Thread.sleep(1500);
            String mirrorAgi = "agi://127.0.0.1:" + mirrorPort;

            Path work = Files.createDirectories(dir.resolve("sipp"));
            Path scenario = work.resolve("rush.xml");
            Files.writeString(scenario, scenario(false));
            Path otpScenario = work.resolve("rush-otp.xml");
            Files.writeString(otpScenario, scenario(true));
            Path extensions = asterisk.dir().resolve("etc/hotdesk/extensions_hotdesk.conf");
            System.out.printf("%nOK: the dialplan branched on hotdesk-result,OK; refused: no result (UNAVAILABLE); own time: "
                    + "hotdesk_login_duration_seconds (LogIn, PIN hashing and apply wait included) over the step%n");
            int round = 0;
            // -Drush.warmup=N: N logins at -Drush.warmup-rate (20/s) through hotdesk before the first step, so the steps
            // measure a server in its steady state (a fresh JVM spends a third of its CPU compiling for its first ~500)
            int warmup = Integer.getInteger("rush.warmup", 0);
            List<int[]> steps = new ArrayList<>();
            if (warmup > 0) {
                steps.add(new int[] {Integer.getInteger("rush.warmup-rate", 20), Math.min(desks, warmup), 1});
            }
            for (int rate : rates) {
                steps.add(new int[] {rate, Math.min(desks, rate * STEP_SECONDS), 0});
            }
            for (int[] step : steps) {
                int rate = step[0];
                int calls = step[1];
                boolean warming = step[2] == 1;
                for (String target : warming ? List.of("hotdesk") : List.of("hotdesk", "mirror")) {
                    round++;
                    Process proc = target.equals("hotdesk") ? server : mirror;
                    swapAgi(asterisk, extensions, target.equals("hotdesk") ? mirrorAgi : hotdeskAgi,
                            target.equals("hotdesk") ? hotdeskAgi : mirrorAgi);
                    Path inject = work.resolve("round-" + round + ".csv");
                    Path otpInject = work.resolve("round-" + round + "-otp.csv");
                    List<String> lines = new ArrayList<>(List.of("SEQUENTIAL"));
                    List<String> otpLines = new ArrayList<>(List.of("SEQUENTIAL"));
                    long issue0 = System.nanoTime();
                    // a code share only where it is at least one call per second and leaves PIN calls: SIPp runs at whole rates
                    int otpRate = (int) Math.round(rate * OTP_SHARE);
                    boolean codes = otpRate > 0 && otpRate < rate;
                    for (int i = 0; i < calls; i++) {
                        int desk = (i + round) % desks;
                        String ext = ScaleBench.extension(i);
                        String auth = "[authentication username=" + endpoints.get(desk) + " password=" + secrets.get(desk) + "];"
                                + endpoints.get(desk);
                        if (codes && isOtpCall(i)) {
                            // the mirror takes any code: it sends hotdesk's commands and checks nothing
                            String code = target.equals("hotdesk") ? issueCode(http, apiPort, apiToken, ext) : "%06d".formatted(i);
                            otpLines.add(auth + ";00*" + code);
                            continue;
                        }
                        StringBuilder line = new StringBuilder(auth);
                        for (char c : (ext + "#" + ScaleBench.pin(i) + "#").toCharArray()) {
                            line.append(';').append(c);
                        }
                        lines.add(line.toString());
                    }
                    if (otpLines.size() > 1 && target.equals("hotdesk")) {
                        System.out.printf("        %d one-time codes issued through the API in %.1f s%n", otpLines.size() - 1,
                                secondsSince(issue0));
                    }
                    Files.write(inject, lines);
                    Files.write(otpInject, otpLines);
                    long logFrom = Files.size(asterisk.dir().resolve("log/messages.log"));
                    String before = metrics(http, metricsPort);
                    long cpu0 = cpuTicks(proc.pid());
                    Map<String, Long> threads0 = threadTicks(proc.pid());
                    long w0 = System.nanoTime();
                    int otpCalls = otpLines.size() - 1;
                    String sipp;
                    if (otpCalls > 0) {
                        // two SIPp processes side by side: PIN logins at the rest of the rate, code logins at their share
                        var otpRun = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                            try {
                                return sipp(kit, asterisk, work.resolve("otp"), otpScenario, otpInject, otpRate, otpCalls);
                            } catch (IOException | InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        });
                        sipp = "PIN " + sipp(kit, asterisk, work, scenario, inject, rate - otpRate, calls - otpCalls)
                                + ", code " + otpRun.join();
                    } else {
                        sipp = sipp(kit, asterisk, work, scenario, inject, rate, calls);
                    }
                    double wall = secondsSince(w0);
                    Thread.sleep(1000);
                    long cpu = cpuTicks(proc.pid()) - cpu0;
                    String after = metrics(http, metricsPort);
                    Map<String, Integer> results = results(asterisk.dir().resolve("log/messages.log"), logFrom);
                    int ok = results.getOrDefault("OK", 0) + results.getOrDefault("OK_PENDING", 0);
                    int refused = results.getOrDefault("UNAVAILABLE", 0);
                    double pct = 100.0 * ok / calls;
                    String own = target.equals("hotdesk") ? quantiles(before, after) : "-";
                    String logins = target.equals("hotdesk") ? loginDeltas(before, after).toString() : "-";
                    System.out.printf((warming ? "warm-up " : "") + "%-7s %3d/s %4d calls: OK %5.1f%% %s, refused %d, results %s, logins %s, own time %s, "
                                    + "CPU %.1f ms/login (%.1f s in %.0f s), RSS %s, sipp %s, load %s%n",
                            target, rate, calls, pct, pct >= 99 ? "clean" : "NOT CLEAN", refused, results, logins, own,
                            ok == 0 ? 0.0 : cpu * 10.0 / ok, cpu / 100.0, wall, rss(proc.pid()), sipp, loadAverage());
                    if (target.equals("hotdesk")) {
                        System.out.printf("        CPU by thread: %s%n", byThread(threads0, threadTicks(proc.pid()), cpu));
                        if (ok < calls) {
                            System.out.printf("        lockouts now: %s%n", lockouts(settings, desks));
                        }
                    }
                    Thread.sleep(3000);
                }
            }
            System.out.printf("machine load after: %s%n", uptime());
            System.out.printf("files: %s%n", dir);
        } finally {
            if (server != null) {
                server.destroy();
                server.waitFor(20, TimeUnit.SECONDS);
            }
            if (mirror != null) {
                mirror.destroy();
                mirror.waitFor(20, TimeUnit.SECONDS);
            }
            asterisk.close();
        }
    }

    private static final Pattern LOCK = Pattern.compile("\"extension\"\\s*:\\s*(?:\"([^\"]*)\"|null)");

    /**
     * The ledger's lockouts (from {@code status --security --json}) by kind: a desk, a real user's extension (one of the bench's
     * users), or an extension no user has (digits lost before the prompt, such as {@code 0023} for {@code 20023}).
     */
    private static String lockouts(Map<String, String> settings, int users) {
        String json = CliRun.ok(settings, "status", "--security", "--json");
        int locks = json.indexOf("\"locks\"");
        if (locks < 0) {
            return "(status --json has no locks)";
        }
        int end = json.indexOf(']', locks);
        Matcher m = LOCK.matcher(json.substring(locks, end < 0 ? json.length() : end));
        int desk = 0;
        int user = 0;
        int phantom = 0;
        List<String> users0 = new ArrayList<>();
        while (m.find()) {
            String ext = m.group(1);
            if (ext == null) {
                desk++;
            } else if (ext.matches("2[0-9]{4}") && Integer.parseInt(ext) - 20000 < users) {
                user++;
                if (users0.size() < 5) {
                    users0.add(ext);
                }
            } else {
                phantom++;
            }
        }
        return "%d desk(s), %d real user(s)%s, %d extension(s) no user has".formatted(desk, user,
                users0.isEmpty() ? "" : " " + users0, phantom);
    }

    private static void swapAgi(RealAsterisk asterisk, Path extensions, String from, String to) throws IOException {
        String text = Files.readString(extensions);
        if (text.contains(from + "/")) {
            Files.writeString(extensions, text.replace(from + "/", to + "/"));
            asterisk.rx("dialplan reload");
        } else if (!text.contains(to + "/")) {
            throw new IllegalStateException("no AGI URL " + from + " or " + to + " in " + extensions);
        }
    }

    /** Whether call i of a step logs in with a one-time code: every k-th call, k from the share. */
    static boolean isOtpCall(int i) {
        if (OTP_SHARE <= 0) {
            return false;
        }
        int every = (int) Math.max(1, Math.round(1 / OTP_SHARE));
        return i % every == every - 1;
    }

    /** A one-time code for {@code extension} from the self-service API, with the integration token. */
    private static String issueCode(HttpClient http, int port, String token, String extension) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/otp"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"extension\":\"" + extension + "\"}"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = CODE.matcher(r.body());
        if (r.statusCode() != 201 || !m.find()) {
            throw new IllegalStateException("POST /api/v1/otp for " + extension + " answered " + r.statusCode() + ": " + r.body());
        }
        return m.group(1);
    }

    /** Runs one step; returns SIPp's own count of successful and failed calls. */
    private static String sipp(Path kit, RealAsterisk asterisk, Path work, Path scenario, Path inject, int rate, int calls)
            throws IOException, InterruptedException {
        Files.createDirectories(work);
        int sipPort = RealAsterisk.freeUdpPort();
        int mediaPort = 10_000 + (sipPort % 4_000) * 2;
        long limit = calls / rate + 60;
        List<String> cmd = List.of(kit.toString(), "sipp", "127.0.0.1:" + asterisk.sipPort(), "-sf", scenario.toString(),
                "-inf", inject.toString(), "-s", "*70", "-i", "127.0.0.1", "-p", Integer.toString(sipPort), "-mi", "127.0.0.1",
                "-mp", Integer.toString(mediaPort), "-r", Integer.toString(rate), "-rp", "1000", "-m", Integer.toString(calls),
                "-l", Integer.toString(calls), "-timeout", limit + "s", "-nostdin", "-trace_err", "-error_file",
                work.resolve("sipp-errors.log").toString());
        Path out = work.resolve("sipp.out");
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(limit + 30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String text = Files.readString(out, StandardCharsets.ISO_8859_1);
        Matcher s = Pattern.compile("Successful call\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)").matcher(text);
        Matcher f = Pattern.compile("Failed call\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)").matcher(text);
        String ok = "?";
        String failed = "?";
        while (s.find()) {
            ok = s.group(1);
        }
        while (f.find()) {
            failed = f.group(1);
        }
        return ok + " ok/" + failed + " failed";
    }

    /**
     * The caller: INVITE (digest from the injection file's first field, which holds the whole keyword), ACK,
     * the extension prompt, extension and # as INFO digits, the PIN prompt, PIN and #, then Asterisk's BYE
     * (the caller hangs up after 30 s without one).
     */
    static String scenario(boolean otp) {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"hotdesk rush\">\n");
        String from = "From: <sip:[field1]@[remote_ip]:[remote_port]>;tag=[pid]SIPpTag[call_number]";
        // a code login dials 00*<code> (the injection file's third field); a PIN login dials *70 (SIPp's service)
        String dialled = otp ? "[field2]" : "[service]";
        String to = "To: <sip:" + dialled + "@[remote_ip]:[remote_port]>";
        String invite = """
                  INVITE sip:%s@[remote_ip]:[remote_port] SIP/2.0
                  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                  %s
                  %s
                  Call-ID: [call_id]
                  CSeq: %d INVITE
                  Contact: <sip:[field1]@[local_ip]:[local_port]>
                  Max-Forwards: 70
                  User-Agent: hotdesk-rush-sipp
                  %sContent-Type: application/sdp
                  Content-Length: [len]

                  v=0
                  o=desk 1 1 IN IP4 [local_ip]
                  s=-
                  c=IN IP4 [media_ip]
                  t=0 0
                  m=audio [media_port] RTP/AVP 0 101
                  a=rtpmap:0 PCMU/8000
                  a=rtpmap:101 telephone-event/8000
                  a=sendrecv
                """;
        x.append("  <send retrans=\"500\"><![CDATA[\n").append(invite.formatted(dialled, from, to, 1, "")).append("  ]]></send>\n");
        x.append("  <recv response=\"100\" optional=\"true\"/>\n");
        x.append("  <recv response=\"401\" auth=\"true\"/>\n");
        x.append("  <send><![CDATA[\n  ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0\n")
                .append("  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n")
                .append("  ").append(from).append("\n  [last_To:]\n  Call-ID: [call_id]\n  CSeq: 1 ACK\n")
                .append("  Max-Forwards: 70\n  Content-Length: 0\n\n  ]]></send>\n");
        x.append("  <send retrans=\"500\"><![CDATA[\n").append(invite.formatted(dialled, from, to, 2, "[field0]\n                  "))
                .append("  ]]></send>\n");
        x.append("  <recv response=\"100\" optional=\"true\"/>\n");
        x.append("  <recv response=\"180\" optional=\"true\"/>\n");
        x.append("  <recv response=\"183\" optional=\"true\"/>\n");
        x.append("  <recv response=\"200\" rrs=\"true\"/>\n");
        x.append("  <send><![CDATA[\n  ACK [next_url] SIP/2.0\n")
                .append("  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n")
                .append("  [routes]\n  ").append(from).append("\n  [last_To:]\n  Call-ID: [call_id]\n  CSeq: 2 ACK\n")
                .append("  Max-Forwards: 70\n  Content-Length: 0\n\n  ]]></send>\n");
        int cseq = 3;
        // fields 2..7: the extension (5 digits) and #; fields 8..14: the PIN (6 digits) and #
        if (!otp) {
            x.append("  <pause milliseconds=\"").append(EXTENSION_PROMPT_MS + MARGIN_MS).append("\"/>\n");
        }
        for (int field = 2; field <= (otp ? 1 : 14); field++) {
            if (field == 8) {
                x.append("  <pause milliseconds=\"").append(PIN_PROMPT_MS + MARGIN_MS).append("\"/>\n");
            }
            x.append(inDialog("INFO", cseq++, from, "Content-Type: application/dtmf-relay\n",
                    "Signal=[field" + field + "]\nDuration=160\n"));
            x.append("  <recv response=\"200\"/>\n");
            x.append("  <pause milliseconds=\"").append(DIGIT_GAP_MS).append("\"/>\n");
        }
        x.append("  <recv request=\"BYE\" timeout=\"30000\" ontimeout=\"hangup\"/>\n");
        x.append("  <send next=\"end\"><![CDATA[\n  SIP/2.0 200 OK\n  [last_Via:]\n  [last_From:]\n  [last_To:]\n  [last_Call-ID:]\n")
                .append("  [last_CSeq:]\n  Content-Length: 0\n\n  ]]></send>\n");
        x.append("  <label id=\"hangup\"/>\n");
        x.append(inDialog("BYE", cseq, from, "", ""));
        x.append("  <recv response=\"200\" crlf=\"true\"/>\n");
        x.append("  <label id=\"end\"/>\n");
        return x.append("</scenario>\n").toString();
    }

    private static String inDialog(String method, int cseq, String from, String headers, String body) {
        return "  <send retrans=\"500\"><![CDATA[\n"
                + "  " + method + " [next_url] SIP/2.0\n"
                + "  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
                + "  [routes]\n  " + from + "\n"
                + "  To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]\n"
                + "  Call-ID: [call_id]\n  CSeq: " + cseq + " " + method + "\n  Max-Forwards: 70\n"
                + (headers.isEmpty() ? "" : "  " + headers)
                + "  Content-Length: [len]\n\n"
                + (body.isEmpty() ? "" : body.lines().map(l -> "  " + l + "\n").reduce("", String::concat))
                + "  ]]></send>\n";
    }

    /** How the dialplan branched (hotdesk-result,X) in the messages log from {@code offset} on. */
    private static Map<String, Integer> results(Path log, long offset) throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            f.seek(offset);
            byte[] rest = new byte[(int) (f.length() - offset)];
            f.readFully(rest);
            Matcher m = RESULT.matcher(new String(rest, StandardCharsets.ISO_8859_1));
            while (m.find()) {
                out.merge(m.group(1), 1, Integer::sum);
            }
        }
        return out;
    }

    private static Map<String, Double> logins(String scrape) {
        Map<String, Double> out = new TreeMap<>();
        Matcher m = LOGINS.matcher(scrape);
        while (m.find()) {
            out.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return out;
    }

    private static Map<String, Integer> loginDeltas(String before, String after) {
        Map<String, Double> b = logins(before);
        Map<String, Integer> out = new TreeMap<>();
        logins(after).forEach((k, v) -> {
            int delta = (int) Math.round(v - b.getOrDefault(k, 0.0));
            if (delta != 0) {
                out.put(k, delta);
            }
        });
        return out;
    }

    /** p50/p99 of the login duration histogram over the step (all results), bucket upper bounds in ms. */
    private static String quantiles(String before, String after) {
        TreeMap<Double, Double> b = buckets(before);
        TreeMap<Double, Double> a = buckets(after);
        TreeMap<Double, Double> delta = new TreeMap<>();
        a.forEach((le, v) -> delta.put(le, v - b.getOrDefault(le, 0.0)));
        double total = delta.isEmpty() ? 0 : delta.lastEntry().getValue();
        if (total <= 0) {
            return "-";
        }
        return "p50≤" + at(delta, total, 0.50) + " p99≤" + at(delta, total, 0.99) + " ms";
    }

    private static String at(TreeMap<Double, Double> cumulative, double total, double q) {
        for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
            if (e.getValue() >= q * total) {
                return e.getKey().isInfinite() ? "inf" : String.format("%.0f", e.getKey() * 1000);
            }
        }
        return "inf";
    }

    private static TreeMap<Double, Double> buckets(String scrape) {
        TreeMap<Double, Double> out = new TreeMap<>();
        Matcher m = BUCKET.matcher(scrape);
        while (m.find()) {
            Matcher l = LE.matcher(m.group(1));
            if (!l.find()) {
                continue;
            }
            double le = l.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(l.group(1));
            out.merge(le, Double.parseDouble(m.group(2)), Double::sum);
        }
        return out;
    }

    private static double deskPushes(String scrape) {
        Matcher m = DESK_PUSHES.matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static String metrics(HttpClient http, int port) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** utime + stime of a process in clock ticks (100 per second on Linux). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /**
     * utime + stime of each live thread of a process, summed by thread name with its digits taken out
     * ({@code hotdesk-agi-17} and {@code hotdesk-agi-3} are one group); Linux keeps the first 15 characters of a name.
     */
    private static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> ticks = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+", "#");
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException gone) {
                    // the thread ended between the listing and the read: its time shows as "ended threads"
                }
            }
        }
        return ticks;
    }

    /** The groups that used CPU during a step, largest first, as seconds and share of the process's CPU time. */
    private static String byThread(Map<String, Long> before, Map<String, Long> after, long processTicks) {
        Map<String, Long> delta = new TreeMap<>();
        long counted = 0;
        for (Map.Entry<String, Long> e : after.entrySet()) {
            // a group can lose threads that ended during the step: count only what it gained
            long d = Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
            if (d > 0) {
                delta.put(e.getKey(), d);
                counted += d;
            }
        }
        if (processTicks > counted) {
            delta.put("(ended threads)", processTicks - counted);
        }
        long total = Math.max(1, processTicks);
        return delta.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                .map(e -> String.format("%s %.2f s (%.0f%%)", e.getKey(), e.getValue() / 100.0, 100.0 * e.getValue() / total))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static String rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return String.format("%.0f MiB", Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
            }
        }
        return "unknown";
    }

    private static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0];
    }

    private static String uptime() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return "load average " + f[0] + ", " + f[1] + ", " + f[2] + " on " + Runtime.getRuntime().availableProcessors() + " cores";
    }

    /** {@code 6s}, {@code 1500ms}: the forms the bench passes for agi.digit-timeout. */
    private static long digitTimeoutMillis(String value) {
        return value.endsWith("ms") ? Long.parseLong(value.substring(0, value.length() - 2))
                : Long.parseLong(value.substring(0, value.length() - 1)) * 1000;
    }

    private static double secondsSince(long t) {
        return (System.nanoTime() - t) / 1e9;
    }

    /** The default_java_opts line of scripts/hotdesk, so the bench runs what users run. */
    private static final class ScaleBenchOptions {
        static String defaults() {
            try {
                for (String line : Files.readAllLines(Path.of("scripts/hotdesk"))) {
                    if (line.startsWith("default_java_opts=")) {
                        return line.substring(line.indexOf('=') + 1).replace("\"", "").strip();
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            throw new IllegalStateException("no default_java_opts line in scripts/hotdesk");
        }
    }

    /**
     * The no-op FastAGI login: one thread per connection, the AGI commands hotdesk's {@code hotdesk-login} sends
     * for a PIN login dialled as {@code *70} (ANSWER, the extension, the PIN, the endpoint, HOTDESK_USER,
     * HOTDESK_RESULT, the OK prompt), and OK when the digits are the user's, else BAD_PIN. No ledger, no hashing.
     * Usage: {@code mirror <port> <desks> <digit-timeout>}.
     */
    static final class Mirror {
        static void main(String[] args) throws IOException {
            int port = Integer.parseInt(args[1]);
            int desks = Integer.parseInt(args[2]);
            long timeout = Long.parseLong(args[3]);
            Map<String, String> pins = new java.util.HashMap<>();
            for (int i = 0; i < desks; i++) {
                pins.put(ScaleBench.extension(i), ScaleBench.pin(i));
            }
            try (ServerSocket listener = new ServerSocket(port, 1000, InetAddress.getLoopbackAddress())) {
                while (true) {
                    Socket s = listener.accept();
                    Thread t = new Thread(() -> serve(s, pins, timeout), "mirror");
                    t.setDaemon(true);
                    t.start();
                }
            }
        }

        private static void serve(Socket s, Map<String, String> pins, long timeout) {
            try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                 OutputStream out = s.getOutputStream()) {
                boolean otp = false;
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    // the AGI environment: which script the dialplan asked for
                    otp |= line.startsWith("agi_network_script: hotdesk-otp");
                }
                if (otp) {
                    // hotdesk-otp: ANSWER, the endpoint, then the result as for a PIN
                    command(in, out, "ANSWER");
                    command(in, out, "GET FULL VARIABLE \"${CHANNEL(endpoint)}\"");
                    command(in, out, "SET VARIABLE \"HOTDESK_USER\" \"0\"");
                    command(in, out, "SET VARIABLE \"HOTDESK_RESULT\" \"OK\"");
                    command(in, out, "STREAM FILE \"activated\" \"\"");
                    return;
                }
                command(in, out, "ANSWER");
                String ext = strip(command(in, out, "GET DATA \"extension\" " + timeout + " 10"));
                String pin = strip(command(in, out, "GET DATA \"agent-pass\" " + timeout + " 8"));
                command(in, out, "GET FULL VARIABLE \"${CHANNEL(endpoint)}\"");
                boolean ok = pin.equals(pins.get(ext));
                if (!ok) {
                    System.out.printf("mirror: digits ext=%s pin=%s are not a user's (lost or late digits)%n", ext, pin);
                }
                if (ok) {
                    command(in, out, "SET VARIABLE \"HOTDESK_USER\" \"" + ext + "\"");
                }
                command(in, out, "SET VARIABLE \"HOTDESK_RESULT\" \"" + (ok ? "OK" : "BAD_PIN") + "\"");
                command(in, out, "STREAM FILE \"" + (ok ? "activated" : "vm-incorrect") + "\" \"\"");
            } catch (IOException | RuntimeException e) {
                // the caller hung up: nothing to do
            }
        }

        private static String strip(String digits) {
            return digits.endsWith("#") || digits.endsWith("*") ? digits.substring(0, digits.length() - 1) : digits;
        }

        /** Sends one command; the value of result=… (or the parenthesised value GET FULL VARIABLE answers). */
        private static String command(BufferedReader in, OutputStream out, String command) throws IOException {
            out.write((command + "\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String reply = in.readLine();
            while (reply != null && reply.startsWith("HANGUP")) {
                reply = in.readLine();
            }
            if (reply == null || !reply.startsWith("200")) {
                throw new IOException("AGI answered " + reply);
            }
            Matcher m = Pattern.compile("result=(\\S*)").matcher(reply);
            return m.find() ? m.group(1) : "";
        }
    }
}
