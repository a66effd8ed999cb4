package hotdesk.asteriskconf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small model of Asterisk's dialplan, written for the tests from Asterisk's documented behaviour,
 * independent of the code under test: parses an extensions.conf text, finds the extension a dialled
 * string reaches (exact extensions before patterns, patterns by specificity position by position, a
 * context's own extensions before its includes), and runs the few applications the generated dialplan
 * uses. Anything it does not know fails the test instead of being guessed.
 */
final class Dialplan {

    record Step(int priority, String label, String app, String args) {
    }

    record Extension(String context, String name, List<Step> steps) {
        boolean isPattern() {
            return name.startsWith("_");
        }

        String firstApp() {
            return steps.get(0).app() + "(" + steps.get(0).args() + ")";
        }
    }

    private final Map<String, Map<String, Extension>> contexts = new LinkedHashMap<>();
    private final Map<String, List<String>> includes = new LinkedHashMap<>();
    /** Hints by context and extension pattern: the devices each names. */
    private final Map<String, Map<String, String>> hints = new LinkedHashMap<>();

    static Dialplan parse(String... texts) {
        Dialplan d = new Dialplan();
        for (String text : texts) {
            d.read(text);
        }
        return d;
    }

    private void read(String text) {
        String context = null;
        Extension current = null;
        for (String raw : text.split("\n", -1)) {
            String line = stripComment(raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) {
                    throw new AssertionError("bad section line: " + raw);
                }
                context = line.substring(1, line.length() - 1);
                contexts.putIfAbsent(context, new LinkedHashMap<>());
                includes.putIfAbsent(context, new ArrayList<>());
                current = null;
                continue;
            }
            if (context == null) {
                throw new AssertionError("line outside any context: " + raw);
            }
            int arrow = line.indexOf("=>");
            if (arrow < 0) {
                throw new AssertionError("not a dialplan line: " + raw);
            }
            String kind = line.substring(0, arrow).strip();
            String value = line.substring(arrow + 2).strip();
            switch (kind) {
                case "include" -> includes.get(context).add(value);
                case "exten" -> {
                    String[] parts = value.split(",", 3);
                    if (parts[1].equals("hint")) {
                        // a hint is no step of the extension: Asterisk keeps it beside priority 1
                        hints.computeIfAbsent(context, k -> new LinkedHashMap<>()).put(parts[0], parts[2]);
                        current = null;
                        break;
                    }
                    if (!parts[1].equals("1")) {
                        throw new AssertionError("an extension must start at priority 1: " + raw);
                    }
                    if (contexts.get(context).containsKey(parts[0])) {
                        throw new AssertionError("extension " + parts[0] + " defined twice in [" + context + "]");
                    }
                    current = new Extension(context, parts[0], new ArrayList<>());
                    contexts.get(context).put(parts[0], current);
                    current.steps().add(step(1, null, parts[2]));
                }
                case "same" -> {
                    if (current == null) {
                        throw new AssertionError("same => without an extension: " + raw);
                    }
                    int comma = value.indexOf(',');
                    String prio = value.substring(0, comma);
                    String label = null;
                    if (prio.startsWith("n(") && prio.endsWith(")")) {
                        label = prio.substring(2, prio.length() - 1);
                    } else if (!prio.equals("n")) {
                        throw new AssertionError("unexpected priority: " + raw);
                    }
                    current.steps().add(step(current.steps().size() + 1, label, value.substring(comma + 1)));
                }
                default -> throw new AssertionError("unknown line kind: " + raw);
            }
        }
    }

    /** The hint of {@code pattern} in {@code context}, if the dialplan has one. */
    java.util.Optional<String> hint(String context, String pattern) {
        return java.util.Optional.ofNullable(hints.getOrDefault(context, Map.of()).get(pattern));
    }

    private static Step step(int priority, String label, String call) {
        int open = call.indexOf('(');
        if (open < 0 || !call.endsWith(")")) {
            throw new AssertionError("not an application call: " + call);
        }
        return new Step(priority, label, call.substring(0, open), call.substring(open + 1, call.length() - 1));
    }

    /** Removes a comment: {@code ;} up to the end of the line, unless written {@code \;}. */
    static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == ';' && (i == 0 || line.charAt(i - 1) != '\\')) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    boolean hasContext(String name) {
        return contexts.containsKey(name);
    }

    List<Extension> extensions(String context) {
        Map<String, Extension> m = contexts.get(context);
        if (m == null) {
            throw new AssertionError("no context [" + context + "]");
        }
        return List.copyOf(m.values());
    }

    List<String> includes(String context) {
        return includes.getOrDefault(context, List.of());
    }

    /** The extension {@code dialled} reaches from {@code context}, as Asterisk chooses it. */
    Optional<Extension> route(String context, String dialled) {
        return route(context, dialled, 0);
    }

    private Optional<Extension> route(String context, String dialled, int depth) {
        if (depth > 10) {
            throw new AssertionError("include loop at [" + context + "]");
        }
        List<Extension> sorted = new ArrayList<>(extensions(context));
        sorted.sort(Comparator.comparing(Extension::name, Dialplan::compareExtensions));
        for (Extension e : sorted) {
            if (matches(e.name(), dialled)) {
                return Optional.of(e);
            }
        }
        for (String inc : includes(context)) {
            Optional<Extension> hit = route(inc, dialled, depth + 1);
            if (hit.isPresent()) {
                return hit;
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ Asterisk's matching and order

    static boolean matches(String exten, String dialled) {
        if (!exten.startsWith("_")) {
            return withoutDashes(exten).equals(dialled);
        }
        String p = exten.substring(1);
        int i = 0;
        int j = 0;
        while (true) {
            if (i == p.length()) {
                return j == dialled.length();
            }
            char c = p.charAt(i);
            if (c == '-' || c == ' ') {
                i++;
                continue;
            }
            if (c == '.') {
                return j < dialled.length(); // one or more of anything
            }
            if (c == '!') {
                return true; // zero or more
            }
            if (j == dialled.length()) {
                return false;
            }
            int[] end = new int[1];
            BitSet set = position(p, i, end);
            if (!set.get(dialled.charAt(j))) {
                return false;
            }
            i = end[0];
            j++;
        }
    }

    private static String withoutDashes(String s) {
        return s.replace("-", "").replace(" ", "");
    }

    /** The characters pattern position {@code i} accepts; {@code end[0]} receives the next position. */
    private static BitSet position(String p, int i, int[] end) {
        BitSet b = new BitSet(128);
        char c = p.charAt(i);
        switch (Character.toUpperCase(c)) {
            case 'X' -> b.set('0', '9' + 1);
            case 'Z' -> b.set('1', '9' + 1);
            case 'N' -> b.set('2', '9' + 1);
            case '[' -> {
                int close = p.indexOf(']', i);
                if (close < 0) {
                    throw new AssertionError("unclosed [ in " + p);
                }
                for (int k = i + 1; k < close; k++) {
                    char from = p.charAt(k);
                    if (k + 2 < close && p.charAt(k + 1) == '-') {
                        b.set(from, p.charAt(k + 2) + 1);
                        k += 2;
                    } else {
                        b.set(from);
                    }
                }
                end[0] = close + 1;
                return b;
            }
            default -> b.set(c);
        }
        end[0] = i + 1;
        return b;
    }

    /** Asterisk's sort order of extensions in a context: exact ones first, then by pattern specificity. */
    static int compareExtensions(String a, String b) {
        boolean pa = a.startsWith("_");
        boolean pb = b.startsWith("_");
        if (!pa && !pb) {
            return withoutDashes(a).compareTo(withoutDashes(b));
        }
        if (pa != pb) {
            return pa ? 1 : -1;
        }
        String x = a.substring(1);
        String y = b.substring(1);
        int i = 0;
        int j = 0;
        while (true) {
            Score sx = score(x, i);
            Score sy = score(y, j);
            int cmp = Integer.compare(sx.weight, sy.weight);
            if (cmp == 0) {
                cmp = Integer.compare(sx.set.nextSetBit(0), sy.set.nextSetBit(0));
                if (cmp == 0 && !sx.set.equals(sy.set)) {
                    BitSet diff = (BitSet) sx.set.clone();
                    diff.xor(sy.set);
                    int first = diff.nextSetBit(0);
                    cmp = sx.set.get(first) ? -1 : 1; // the set holding the lower character comes first
                }
            }
            if (cmp != 0 || sx.next < 0) {
                return cmp;
            }
            i = sx.next;
            j = sy.next;
        }
    }

    private record Score(int weight, BitSet set, int next) {
    }

    /**
     * Specificity of the pattern position at {@code i}: fewer possible characters first; a literal,
     * then N (8 digits), Z (9), X (10), sets by their size; '.' after all those, '!' after '.', and the
     * end of the pattern last.
     */
    private static Score score(String p, int i) {
        while (i < p.length() && (p.charAt(i) == '-' || p.charAt(i) == ' ')) {
            i++;
        }
        if (i >= p.length()) {
            return new Score(0x30000, new BitSet(), -1);
        }
        char c = p.charAt(i);
        if (c == '.') {
            return new Score(0x18000, new BitSet(), i + 1);
        }
        if (c == '!') {
            return new Score(0x28000, new BitSet(), i + 1);
        }
        int[] end = new int[1];
        BitSet set = position(p, i, end);
        int weight = (set.cardinality() << 8) | set.nextSetBit(0);
        return new Score(weight, set, end[0]);
    }

    // ------------------------------------------------------------------ running a call

    /** What a call did: sounds played, dial strings, AGI requests, log lines, final variables. */
    static final class Call {
        final Map<String, String> vars = new HashMap<>();
        final List<String> played = new ArrayList<>();
        final List<String> dialled = new ArrayList<>();
        final List<String> agi = new ArrayList<>();
        final List<String> logs = new ArrayList<>();
        final List<String> visited = new ArrayList<>();
        String callerIdNum = "";
        String callerIdName = "";
        /** GEOLOC_PROFILE(field) → value set on the channel. */
        final Map<String, String> geoloc = new HashMap<>();
        /** UserEvent arguments, as written after substitution. */
        final List<String> userEvents = new ArrayList<>();
        /** Originate arguments, as written after substitution. */
        final List<String> originated = new ArrayList<>();
        final List<String> said = new ArrayList<>();
        String hangupCause = "";
        boolean hungUp;
    }

    /** The world around the call: channel facts, AstDB, and how AGI and Dial turn out. */
    static final class World {
        String endpoint = "";
        final Map<String, String> globals = new HashMap<>();
        final Map<String, String> astdb = new HashMap<>();
        final Map<String, String> contacts = new HashMap<>();
        /** Given the AGI request URL and arguments, sets AGISTATUS / HOTDESK_RESULT on the call. */
        Function<List<String>, Map<String, String>> agi = args -> Map.of("AGISTATUS", "FAILURE");
        String dialStatus = "ANSWER";
        /** DIALSTATUS per dial string; dialStatus for the others. */
        final Map<String, String> dialStatuses = new HashMap<>();
    }

    private record Frame(Extension exten, int index, Map<String, String> locals, String dialledExten) {
    }

    /** Runs a call dialled as {@code dialled} in {@code context}; at most 200 steps. */
    Call run(String context, String dialled, World world) {
        return run(context, dialled, world, Map.of());
    }

    /** As {@link #run(String, String, World)}, the channel starting with {@code variables} (an Originate's). */
    Call run(String context, String dialled, World world, Map<String, String> variables) {
        Call call = new Call();
        call.vars.putAll(variables);
        Extension e = route(context, dialled).orElseThrow(() -> new AssertionError(dialled + " matches nothing in [" + context + "]"));
        String exten = dialled;
        int index = 0;
        Map<String, String> locals = new HashMap<>();
        Deque<Frame> stack = new ArrayDeque<>();
        for (int n = 0; n < 200; n++) {
            if (index >= e.steps().size()) {
                call.hungUp = true; // Asterisk hangs up when the priorities run out
                return call;
            }
            Step s = e.steps().get(index);
            call.visited.add(e.context() + "," + e.name() + "," + s.priority());
            Map<String, String> scope = new HashMap<>(world.globals);
            scope.putAll(call.vars);
            scope.putAll(locals);
            scope.put("EXTEN", exten);
            String args = substitute(s.args(), scope, world);
            String app = s.app();
            if (app.equals("ExecIf")) {
                int q = args.indexOf('?');
                if (!truth(args.substring(0, q))) {
                    index++;
                    continue;
                }
                Step inner = step(s.priority(), null, args.substring(q + 1));
                app = inner.app();
                args = inner.args();
            }
            switch (app) {
                case "NoOp" -> index++;
                case "Log" -> {
                    call.logs.add(args);
                    index++;
                }
                case "Set" -> {
                    int eq = args.indexOf('=');
                    String name = args.substring(0, eq);
                    String value = args.substring(eq + 1);
                    if (name.startsWith("LOCAL(")) {
                        locals.put(name.substring(6, name.length() - 1), value);
                    } else if (name.equals("CALLERID(num)")) {
                        call.callerIdNum = value;
                    } else if (name.equals("CALLERID(name)")) {
                        call.callerIdName = value;
                    } else if (name.startsWith("GEOLOC_PROFILE(")) {
                        call.geoloc.put(name.substring(15, name.length() - 1), value);
                    } else {
                        call.vars.put(name, value);
                    }
                    index++;
                }
                case "Playback" -> {
                    call.played.add(args);
                    index++;
                }
                case "Hangup" -> {
                    call.hungUp = true;
                    call.hangupCause = args;
                    return call;
                }
                case "UserEvent" -> {
                    call.userEvents.add(args);
                    index++;
                }
                case "Originate" -> {
                    call.originated.add(args);
                    index++;
                }
                case "SayDigits" -> {
                    call.said.add(args);
                    index++;
                }
                case "Answer", "Wait" -> index++;
                case "Dial" -> {
                    call.dialled.add(args);
                    String status = world.dialStatuses.getOrDefault(args, world.dialStatus);
                    call.vars.put("DIALSTATUS", status);
                    if (status.equals("ANSWER")) {
                        // without the g option an answered call ends the caller's dialplan when it is over
                        call.hungUp = true;
                        return call;
                    }
                    index++;
                }
                case "AGI" -> {
                    List<String> parts = List.of(args.split(",", -1));
                    call.agi.add(args);
                    call.vars.putAll(world.agi.apply(parts));
                    if ("HANGUP".equals(call.vars.get("AGISTATUS"))) {
                        call.hungUp = true;
                        return call;
                    }
                    index++;
                }
                case "Goto", "GotoIf" -> {
                    String target = args;
                    if (app.equals("GotoIf")) {
                        int q = args.indexOf('?');
                        if (!truth(args.substring(0, q))) {
                            index++;
                            continue;
                        }
                        target = args.substring(q + 1);
                        if (target.contains(":")) {
                            throw new AssertionError("GotoIf with an else branch is not modelled: " + s);
                        }
                    }
                    String[] t = target.split(",");
                    if (t.length == 1) {
                        index = label(e, t[0]);
                    } else {
                        exten = t[1];
                        String ctx = t[0];
                        e = route(ctx, exten).orElseThrow(() -> new AssertionError("Goto to nothing: " + ctx + "," + t[1]));
                        index = Integer.parseInt(t[2]) - 1;
                    }
                }
                case "Gosub" -> {
                    int open = args.indexOf('(');
                    String where = open < 0 ? args : args.substring(0, open);
                    List<String> gosubArgs = open < 0 ? List.of() : List.of(args.substring(open + 1, args.length() - 1).split(",", -1));
                    String[] t = where.split(",");
                    stack.push(new Frame(e, index + 1, locals, exten));
                    locals = new HashMap<>();
                    for (int k = 0; k < gosubArgs.size(); k++) {
                        locals.put("ARG" + (k + 1), gosubArgs.get(k));
                    }
                    exten = t[1];
                    String ctx = t[0];
                    String target = t[1];
                    e = route(ctx, target).orElseThrow(() -> new AssertionError("Gosub to nothing: " + ctx + "," + target));
                    index = Integer.parseInt(t[2]) - 1;
                }
                case "Return" -> {
                    Frame f = stack.pop();
                    e = f.exten();
                    index = f.index();
                    locals = f.locals();
                    exten = f.dialledExten();
                }
                default -> throw new AssertionError("application not modelled: " + app + " in " + e.context() + "," + e.name());
            }
        }
        throw new AssertionError("call did not end within 200 steps: " + call.visited);
    }

    private static int label(Extension e, String label) {
        for (int i = 0; i < e.steps().size(); i++) {
            if (label.equals(e.steps().get(i).label())) {
                return i;
            }
        }
        throw new AssertionError("no label " + label + " in " + e.context() + "," + e.name());
    }

    private static boolean truth(String condition) {
        String c = condition.strip();
        return !c.isEmpty() && !c.equals("0");
    }

    private static final Pattern SUBSTRING = Pattern.compile("([A-Za-z0-9_]+):(-?[0-9]+)(?::([0-9]+))?");
    private static final Pattern COMPARISON = Pattern.compile("\"([^\"]*)\" (=|!=) \"([^\"]*)\"");
    /** {@code "text" =~ "regex" = 0}: whether the regex does NOT match at the start (=~ yields the match length). */
    private static final Pattern NO_MATCH = Pattern.compile("\"([^\"]*)\" =~ \"([^\"]*)\" = 0");

    /** Asterisk's ${…} and $[…] substitution, innermost first, for the forms the dialplan uses. */
    private String substitute(String text, Map<String, String> scope, World world) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) == '$' && i + 1 < text.length() && (text.charAt(i + 1) == '{' || text.charAt(i + 1) == '[')) {
                char open = text.charAt(i + 1);
                char close = open == '{' ? '}' : ']';
                int depth = 0;
                int j = i + 1;
                for (; j < text.length(); j++) {
                    if (text.charAt(j) == open) {
                        depth++;
                    } else if (text.charAt(j) == close && --depth == 0) {
                        break;
                    }
                }
                if (j == text.length()) {
                    throw new AssertionError("unbalanced " + open + " in " + text);
                }
                String inner = substitute(text.substring(i + 2, j), scope, world);
                out.append(open == '{' ? expand(inner, scope, world) : evaluate(inner));
                i = j + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return out.toString();
    }

    private String expand(String expr, Map<String, String> scope, World world) {
        if (expr.endsWith(")")) {
            int open = expr.indexOf('(');
            String fn = expr.substring(0, open);
            String arg = expr.substring(open + 1, expr.length() - 1);
            return switch (fn) {
                case "CHANNEL" -> switch (arg) {
                    case "endpoint" -> world.endpoint;
                    case "name" -> world.endpoint.isEmpty() ? "Local/x@y-0001;1" : "PJSIP/" + world.endpoint + "-00000001";
                    default -> throw new AssertionError("CHANNEL(" + arg + ") not modelled");
                };
                case "DB" -> world.astdb.getOrDefault(arg, "");
                case "PJSIP_DIAL_CONTACTS" -> world.contacts.getOrDefault(arg, "");
                case "DIALPLAN_EXISTS" -> {
                    String[] a = arg.split(",", -1);
                    // ast_exists_extension: patterns count, includes too
                    yield hasContext(a[0]) && route(a[0], a[1]).isPresent() ? "1" : "0";
                }
                default -> throw new AssertionError("function not modelled: " + fn);
            };
        }
        Matcher m = SUBSTRING.matcher(expr);
        if (m.matches()) {
            String v = scope.getOrDefault(m.group(1), "");
            int from = Math.min(Integer.parseInt(m.group(2)), v.length());
            int to = m.group(3) == null ? v.length() : Math.min(v.length(), from + Integer.parseInt(m.group(3)));
            return v.substring(from, to);
        }
        if (expr.equals("CHANNEL")) {
            return world.endpoint.isEmpty() ? "Local/x@y-0001;2" : "PJSIP/" + world.endpoint + "-00000001";
        }
        if (!expr.matches("[A-Za-z0-9_]+")) {
            throw new AssertionError("variable expression not modelled: " + expr);
        }
        return scope.getOrDefault(expr, "");
    }

    private static String evaluate(String expr) {
        Matcher r = NO_MATCH.matcher(expr.strip());
        if (r.matches()) {
            return Pattern.compile(r.group(2)).matcher(r.group(1)).lookingAt() ? "0" : "1";
        }
        Matcher m = COMPARISON.matcher(expr.strip());
        if (!m.matches()) {
            throw new AssertionError("expression not modelled: " + expr);
        }
        boolean equal = m.group(1).equals(m.group(3));
        return (m.group(2).equals("=") == equal) ? "1" : "0";
    }
}
