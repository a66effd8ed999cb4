package hotdesk.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Asterisk side of one FastAGI call, for tests: connects to an AGI server over a real socket,
 * sends the environment block Asterisk 22.10.1 sends, and answers each command the way the recorded
 * transcripts show (shared/asterisk/transcripts/agi-*.txt), following a script of caller behaviour.
 *
 * <p>Wire facts reproduced: {@code 200 result=<n> [(<data>)] [endpos=…]} replies; ANSWER → 0;
 * SET VARIABLE → 1; GET FULL VARIABLE always {@code result=1 (<value>)} (empty on a Local channel);
 * GET VARIABLE {@code result=0} when unset; STREAM FILE of a missing file → {@code result=-1 endpos=0};
 * GET DATA timeout → {@code result= (timeout)}; GET DATA with a missing prompt file → {@code result=-1}
 * on a live channel (Asterisk's app.c gives up when the prompt cannot be streamed); unknown command →
 * 510. A hang-up answers the running command {@code 200 result=-1}, then a separate {@code HANGUP} line
 * precedes the reply to the next command, and from then on only GET/SET VARIABLE, VERBOSE, NOOP and
 * HANGUP work while every other command answers 511. Like Asterisk it never closes the socket: it
 * waits for the server to close it, up to a timeout.
 *
 * <p>Build one per call with the fluent methods, then {@link #run(int)}. Not thread-safe (one test
 * thread drives it).
 */
public final class ScriptedAsterisk {

    /** What the caller does when the next GET DATA / WAIT FOR DIGIT comes. */
    private sealed interface Step {
    }

    private record Digits(String digits) implements Step {
    }

    private record Silence() implements Step {
    }

    private record HangUp() implements Step {
    }

    private static final Set<String> ALLOWED_ON_DEAD_CHANNEL =
            Set.of("SET VARIABLE", "GET VARIABLE", "GET FULL VARIABLE", "VERBOSE", "NOOP", "HANGUP");
    private static final List<String> KNOWN = List.of("ANSWER", "HANGUP", "SET VARIABLE", "GET VARIABLE",
            "GET FULL VARIABLE", "STREAM FILE", "GET DATA", "WAIT FOR DIGIT", "VERBOSE", "NOOP");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}");

    private final String script;
    private String endpoint = "hd-0015651234ab";
    private boolean local;
    private String remoteAddress = "192.0.2.10:5060";
    private String uniqueId = "1795345259.7";
    private String dialled = "*70";
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> variables = new LinkedHashMap<>();
    private final Set<String> missingFiles = new HashSet<>();
    private final Set<String> hangUpDuring = new HashSet<>();
    private final Deque<Step> steps = new ArrayDeque<>();

    private ScriptedAsterisk(String script) {
        this.script = script;
    }

    /** A call that runs {@code AGI(agi://127.0.0.1:<port>/<script>,…)}; null for a URL without a script name. */
    public static ScriptedAsterisk call(String script) {
        return new ScriptedAsterisk(script);
    }

    /** The call comes from this PJSIP endpoint (default {@code hd-0015651234ab}). */
    public ScriptedAsterisk fromEndpoint(String endpointId) {
        this.endpoint = endpointId;
        this.local = false;
        return this;
    }

    /** The call runs on a Local channel: no endpoint, no remote address. */
    public ScriptedAsterisk fromLocalChannel() {
        this.local = true;
        return this;
    }

    public ScriptedAsterisk remoteAddress(String hostAndPort) {
        this.remoteAddress = hostAndPort;
        return this;
    }

    public ScriptedAsterisk uniqueId(String id) {
        this.uniqueId = id;
        return this;
    }

    /** What the caller dialled ({@code agi_extension}, {@code agi_dnid}). */
    public ScriptedAsterisk dialled(String exten) {
        this.dialled = exten;
        return this;
    }

    /** AGI arguments ({@code agi_arg_1} …). */
    public ScriptedAsterisk args(String... values) {
        args.addAll(List.of(values));
        return this;
    }

    /** A channel variable, or (when it starts with {@code $}) the value of a whole GET FULL VARIABLE expression. */
    public ScriptedAsterisk variable(String nameOrExpression, String value) {
        variables.put(nameOrExpression, value);
        return this;
    }

    /** Sound files this Asterisk does not have. */
    public ScriptedAsterisk missingFiles(String... files) {
        missingFiles.addAll(List.of(files));
        return this;
    }

    /** At the next GET DATA the caller types these digits ({@code #} ends the input). */
    public ScriptedAsterisk enters(String digits) {
        steps.add(new Digits(digits));
        return this;
    }

    /** At the next GET DATA the caller types nothing (timeout). */
    public ScriptedAsterisk staysSilent() {
        steps.add(new Silence());
        return this;
    }

    /** At the next GET DATA the caller hangs up. */
    public ScriptedAsterisk hangsUp() {
        steps.add(new HangUp());
        return this;
    }

    /** The caller hangs up while this file plays. */
    public ScriptedAsterisk hangsUpDuring(String file) {
        hangUpDuring.add(file);
        return this;
    }

    public Transcript run(int port) {
        return run(port, Duration.ofSeconds(10));
    }

    /**
     * Connects to 127.0.0.1:{@code port}, plays the call and returns once the server closed the
     * connection. Throws AssertionError (with the transcript so far) when it does not within
     * {@code timeout} of silence.
     */
    public Transcript run(int port, Duration timeout) {
        Transcript t = new Transcript();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            for (String line : environment(port)) {
                send(out, t, line);
            }
            send(out, t, "");
            new Session(out, t).serve(in);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the AGI server neither sent a command nor closed the connection within "
                    + timeout + "; transcript:\n" + t, e);
        } catch (IOException e) {
            throw new AssertionError("AGI connection failed: " + e + "; transcript:\n" + t, e);
        }
        return t;
    }

    private List<String> environment(int port) {
        String channel = channelName();
        List<String> env = new ArrayList<>();
        env.add("agi_network: yes");
        if (script != null) {
            env.add("agi_network_script: " + script);
        }
        env.add("agi_request: agi://127.0.0.1:" + port + (script == null ? "" : "/" + script));
        env.add("agi_channel: " + channel);
        env.add("agi_language: en");
        env.add("agi_type: " + (local ? "Local" : "PJSIP"));
        env.add("agi_uniqueid: " + uniqueId);
        env.add("agi_version: 22.10.1");
        env.add("agi_callerid: " + (local ? "unknown" : endpoint));
        env.add("agi_calleridname: " + (local ? "unknown" : "Hotdesk idle"));
        env.add("agi_callingpres: " + (local ? "67" : "0"));
        env.add("agi_callingani2: 0");
        env.add("agi_callington: 0");
        env.add("agi_callingtns: 0");
        env.add("agi_dnid: " + (local ? "unknown" : dialled));
        env.add("agi_rdnis: unknown");
        env.add("agi_context: hotdesk-idle");
        env.add("agi_extension: " + dialled);
        env.add("agi_priority: 2");
        env.add("agi_enhanced: 0.0");
        env.add("agi_accountcode: ");
        env.add("agi_threadid: 140508785112768");
        for (int i = 0; i < args.size(); i++) {
            env.add("agi_arg_" + (i + 1) + ": " + args.get(i));
        }
        return env;
    }

    private String channelName() {
        return local ? "Local/" + dialled + "@hotdesk-idle-00000001;2" : "PJSIP/" + endpoint + "-00000001";
    }

    private static void send(OutputStream out, Transcript t, String line) throws IOException {
        t.lines.add("<< " + line);
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The state of the channel during one call. */
    private final class Session {
        private final OutputStream out;
        private final Transcript t;
        private boolean dead;
        private boolean hangupLinePending;

        Session(OutputStream out, Transcript t) {
            this.out = out;
            this.t = t;
        }

        void serve(BufferedReader in) throws IOException {
            String line;
            while ((line = in.readLine()) != null) {
                t.lines.add(">> " + line);
                t.commands.add(line);
                String reply = answer(line);
                if (hangupLinePending) {
                    send(out, t, "HANGUP");
                    hangupLinePending = false;
                }
                send(out, t, reply);
                if (pendingDeath) {
                    pendingDeath = false;
                    die();
                }
            }
            t.closedByServer = true;
        }

        private boolean pendingDeath;

        /** The channel dies after this reply; the HANGUP line comes before the next one. */
        private void dieAfterReply() {
            pendingDeath = true;
        }

        private void die() {
            dead = true;
            hangupLinePending = true;
        }

        private String answer(String line) {
            List<String> words = tokens(line);
            String command = KNOWN.stream().filter(k -> startsWith(words, k)).findFirst().orElse(null);
            if (command == null) {
                return "510 Invalid or unknown command";
            }
            if (dead && !ALLOWED_ON_DEAD_CHANNEL.contains(command)) {
                return "511 Command Not Permitted on a dead channel or intercept routine";
            }
            List<String> a = words.subList(command.split(" ").length, words.size());
            switch (command) {
                case "ANSWER":
                    return "200 result=0";
                case "HANGUP":
                    if (!dead) {
                        dieAfterReply();
                    }
                    return "200 result=1";
                case "SET VARIABLE":
                    if (a.size() < 2) {
                        return "520 Invalid command syntax.  Proper usage not available.";
                    }
                    t.variables.put(a.get(0), a.get(1));
                    return "200 result=1";
                case "GET VARIABLE": {
                    String v = a.isEmpty() ? null : variable(a.get(0));
                    return v == null ? "200 result=0" : "200 result=1 (" + v + ")";
                }
                case "GET FULL VARIABLE":
                    return "200 result=1 (" + (a.isEmpty() ? "" : expand(a.get(0))) + ")";
                case "STREAM FILE": {
                    String file = a.isEmpty() ? "" : a.get(0);
                    t.played.add(file);
                    if (missingFiles.contains(file) || file.isEmpty()) {
                        return "200 result=-1 endpos=0";
                    }
                    if (hangUpDuring.contains(file)) {
                        dieAfterReply();
                        return "200 result=-1 endpos=4000";
                    }
                    return "200 result=0 endpos=16000";
                }
                case "GET DATA": {
                    String file = a.isEmpty() ? "" : a.get(0);
                    int max = a.size() > 2 ? Integer.parseInt(a.get(2)) : 1024;
                    t.prompted.add(file);
                    if (!file.isEmpty() && missingFiles.contains(file)) {
                        return "200 result=-1";
                    }
                    Step step = steps.isEmpty() ? new Silence() : steps.poll();
                    if (step instanceof HangUp) {
                        dieAfterReply();
                        return "200 result=-1";
                    }
                    if (step instanceof Digits d) {
                        String typed = d.digits();
                        int hash = typed.indexOf('#');
                        if (hash >= 0) {
                            return "200 result=" + typed.substring(0, Math.min(hash, max));
                        }
                        if (typed.length() >= max) {
                            return "200 result=" + typed.substring(0, max);
                        }
                        return typed.isEmpty() ? "200 result= (timeout)" : "200 result=" + typed + " (timeout)";
                    }
                    return "200 result= (timeout)";
                }
                case "WAIT FOR DIGIT": {
                    Step step = steps.isEmpty() ? new Silence() : steps.poll();
                    if (step instanceof HangUp) {
                        dieAfterReply();
                        return "200 result=-1";
                    }
                    if (step instanceof Digits d && !d.digits().isEmpty()) {
                        return "200 result=" + (int) d.digits().charAt(0);
                    }
                    return "200 result=0";
                }
                case "VERBOSE":
                    return "200 result=1";
                default: // NOOP
                    return "200 result=0";
            }
        }

        private String variable(String name) {
            if (t.variables.containsKey(name)) {
                return t.variables.get(name);
            }
            if (variables.containsKey(name)) {
                return variables.get(name);
            }
            return name.equals("CHANNEL") ? channelName() : null;
        }

        private String expand(String expression) {
            if (variables.containsKey(expression)) {
                return variables.get(expression);
            }
            Matcher m = REFERENCE.matcher(expression);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(sb, Matcher.quoteReplacement(reference(m.group(1))));
            }
            m.appendTail(sb);
            return sb.toString();
        }

        private String reference(String inner) {
            String normal = inner.replace(" ", "");
            switch (normal) {
                case "CHANNEL(endpoint)":
                    return local ? "" : endpoint;
                case "CHANNEL(pjsip,remote_addr)":
                    return local ? "" : remoteAddress;
                case "CHANNEL(name)":
                    return channelName();
                default:
                    String v = variable(inner);
                    return v == null ? "" : v;
            }
        }
    }

    private static boolean startsWith(List<String> words, String command) {
        String[] parts = command.split(" ");
        if (words.size() < parts.length) {
            return false;
        }
        for (int i = 0; i < parts.length; i++) {
            if (!words.get(i).toUpperCase(Locale.ROOT).equals(parts[i])) {
                return false;
            }
        }
        return true;
    }

    /** Splits a command line like Asterisk's parse_args: blanks separate, quotes group, backslash escapes. */
    static List<String> tokens(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean escaped = false;
        boolean inToken = false;
        for (char c : line.toCharArray()) {
            if (escaped) {
                cur.append(c);
                escaped = false;
                inToken = true;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                quoted = !quoted;
                inToken = true;
            } else if (!quoted && (c == ' ' || c == '\t')) {
                if (inToken) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inToken = false;
                }
            } else {
                cur.append(c);
                inToken = true;
            }
        }
        if (inToken) {
            out.add(cur.toString());
        }
        return out;
    }

    /** Everything that crossed the wire in one call, for assertions. */
    public static final class Transcript {
        private final List<String> lines = new ArrayList<>();
        private final List<String> commands = new ArrayList<>();
        private final Map<String, String> variables = new LinkedHashMap<>();
        private final List<String> played = new ArrayList<>();
        private final List<String> prompted = new ArrayList<>();
        private boolean closedByServer;

        /** Every line: {@code << } from Asterisk, {@code >> } from the server, as in the recorded transcripts. */
        public List<String> lines() {
            return List.copyOf(lines);
        }

        /** The command lines the server sent, verbatim. */
        public List<String> commands() {
            return List.copyOf(commands);
        }

        /** Channel variables the server set (SET VARIABLE), last value wins. */
        public Map<String, String> variables() {
            return Map.copyOf(variables);
        }

        public String variable(String name) {
            return variables.get(name);
        }

        /** Files of every STREAM FILE, in order. */
        public List<String> played() {
            return List.copyOf(played);
        }

        /** Prompt files of every GET DATA, in order. */
        public List<String> prompted() {
            return List.copyOf(prompted);
        }

        /** True when the server closed the connection (Asterisk never does). */
        public boolean closedByServer() {
            return closedByServer;
        }

        @Override
        public String toString() {
            return String.join("\n", lines);
        }
    }
}
