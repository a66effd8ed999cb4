package hotdesk.ami;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One test call of {@code hotdesk emergency test} over AMI: originates {@code Local/<number>@}{@value
 * #CONTEXT} with {@code HOTDESK_TEST_DESK=<endpoint>}, so the generated test context runs the emergency
 * route with that desk's facts but dials the test answer side instead of the trunk, and collects the
 * two user events of that call: {@code HotdeskEmergency} (what the route announced, {@code Test: yes})
 * and {@code HotdeskEmergencyTestReceived} (what the answering side, standing for the dispatcher, got).
 *
 * <p><b>Which events are this call's.</b> The Originate gives the call's first channel its unique id
 * ({@code ChannelId: hotdesk-test-<random>}). Asterisk 22 makes that id the {@code Linkedid} of every
 * channel the call leads to: the Local channel's other half ({@code Uniqueid: <id>;2}), which runs the
 * route, and the channels it dials, the answering side included (checked on the test kit). An event
 * counts only when its {@code Linkedid} is that id: another emergency call (a real one) or another
 * test running at the same moment never gets mixed in. No token variable is needed.
 *
 * <p><b>Never the trunk.</b> The only target is {@link #target}, which refuses anything but a number in
 * {@value #CONTEXT}; what that context dials is the dialplan's business, and a {@code
 * HOTDESK_EMERGENCY_TEST_ROUTE} that names the emergency trunk, context or fallback is refused before
 * anything is dialled. The Originate is synchronous: Asterisk answers once the test route answered
 * ({@code Originate successfully queued}), or {@code Originate failed} when it did not, or {@code
 * Permission denied} when the AMI user may not originate; the originating side then only waits
 * ({@code Wait}) until the route hangs up, at most the test's timeout.
 *
 * <p>It logs in as the test user ({@code ami.test-user}, {@code Events: user}): {@code read = user}
 * for the events, {@code write = originate,reporting} for the Originate and for reading the dialplan's
 * globals (Getvar) and contexts (ShowDialPlan). Not thread-safe; one call per instance of use.
 */
public final class AmiTestCall {

    /** The only context a test call is placed into. */
    public static final String CONTEXT = "hotdesk-emergency-test";
    /** The globals of the emergency dialplan the report shows (read with Getvar). */
    public static final List<String> GLOBALS = List.of("HOTDESK_SECURITY_DESK", "HOTDESK_EMERGENCY_TEST_ROUTE",
            "HOTDESK_EMERGENCY_TRUNK", "HOTDESK_EMERGENCY_CONTEXT", "HOTDESK_EMERGENCY_FALLBACK");

    private static final Pattern NUMBER = Pattern.compile("[0-9*#+]{1,32}");
    private static final Pattern ENDPOINT = Pattern.compile("[A-Za-z0-9_.-]{1,80}");
    private static final Pattern TARGET = Pattern.compile("Local/[0-9*#+]{1,32}@" + Pattern.quote(CONTEXT));
    /** Words of a dial string that name no trunk. */
    private static final Set<String> NOT_A_TRUNK = Set.of("", "local", "pjsip", "sip", "iax2", "dahdi", "exten");

    /** Why a test call failed. */
    public enum Failure {
        /** Nothing listens at ami.host:ami.port, or the connection broke. */
        UNREACHABLE,
        /** Asterisk did not answer in time. */
        TIMEOUT,
        /** ami.port is not an Asterisk manager interface. */
        NOT_AMI,
        /** ami.test-user / ami.test-secret refused. */
        LOGIN_REFUSED,
        /** HOTDESK_EMERGENCY_TEST_ROUTE names the real emergency route: nothing was dialled. */
        UNSAFE_ROUTE,
        /** The AMI user may not originate (Permission denied). */
        ORIGINATE_REFUSED,
        /** Asterisk could not place the call or the test route did not answer (Originate failed). */
        ORIGINATE_FAILED,
        /** An event of the call did not come within the timeout, or said what it must not. */
        NO_EVENT
    }

    /**
     * What to test.
     *
     * @param endpoint desk line endpoint id ({@code hd-<mac>}), passed as {@code HOTDESK_TEST_DESK}
     * @param number   the emergency number to dial in the test context
     * @param ringSecurity pass {@code HOTDESK_TEST_RING_SECURITY=yes}: the route rings the security desk
     * @param timeout  how long to wait for the call and its events (1 s .. 10 min)
     * @throws IllegalArgumentException naming the value that cannot be used
     */
    public record Request(String endpoint, String number, boolean ringSecurity, Duration timeout) {
        public Request {
            if (endpoint == null || !ENDPOINT.matcher(endpoint).matches()) {
                throw new IllegalArgumentException("desk endpoint must be 1 to 80 of letters, digits, _ . -, got '"
                        + AmiText.shown(String.valueOf(endpoint)) + "'");
            }
            target(number);
            if (timeout == null || timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("--timeout must be 1 to 600 seconds, got " + timeout);
            }
        }
    }

    /**
     * How the test call went.
     *
     * @param callId      the unique id given to the call ({@code Linkedid} of its events)
     * @param globals     the emergency dialplan's globals (empty values for unset ones); empty when not read
     * @param globalsRead whether Getvar answered (the AMI user needs {@code reporting})
     * @param answered    Asterisk answered the Originate with success: the test route answered
     * @param emergency   the call's {@code HotdeskEmergency} event, its headers
     * @param received    the call's {@code HotdeskEmergencyTestReceived} event, its headers
     * @param failure     why the test failed; empty when it passed
     * @param problem     what went wrong in words, with the fix where one is known; empty when it passed
     */
    public record Result(String callId, Map<String, String> globals, boolean globalsRead, boolean answered,
                         Optional<Map<String, String>> emergency, Optional<Map<String, String>> received,
                         Optional<Failure> failure, String problem) {
        public boolean passed() {
            return failure.isEmpty();
        }
    }

    private AmiTestCall() {
    }

    /**
     * The Originate's channel: {@code Local/<number>@hotdesk-emergency-test}, nothing else.
     *
     * @throws IllegalArgumentException for a number that is not 1 to 32 of digits, {@code * # +}, or any
     *                                  other reason the channel would be something else
     */
    public static String target(String number) {
        if (number == null || !NUMBER.matcher(number).matches()) {
            throw new IllegalArgumentException("emergency number must be 1 to 32 of digits, * # +, got '"
                    + AmiText.shown(String.valueOf(number)) + "'");
        }
        String target = "Local/" + number + "@" + CONTEXT;
        if (!TARGET.matcher(target).matches()) {
            throw new IllegalStateException("a test call may only go to " + CONTEXT + ", not to " + target);
        }
        return target;
    }

    /**
     * Whether {@code route} (HOTDESK_EMERGENCY_TEST_ROUTE) names anything of the real emergency route:
     * the trunk endpoint, the emergency context or an endpoint of the fallback dial string.
     */
    static Optional<String> unsafeRoute(Map<String, String> globals) {
        String route = globals.getOrDefault("HOTDESK_EMERGENCY_TEST_ROUTE", "");
        if (route.isBlank()) {
            return Optional.empty();
        }
        Set<String> routeWords = words(route);
        for (String real : List.of("HOTDESK_EMERGENCY_TRUNK", "HOTDESK_EMERGENCY_CONTEXT", "HOTDESK_EMERGENCY_FALLBACK")) {
            Set<String> common = words(globals.getOrDefault(real, ""));
            common.retainAll(routeWords);
            if (!common.isEmpty()) {
                return Optional.of("HOTDESK_EMERGENCY_TEST_ROUTE (" + route + ") names " + String.join(", ", common) + " of "
                        + real + ": a test call could reach the real emergency service; set it to the test answer context"
                        + " (or leave it unset) in extensions.conf [globals]");
            }
        }
        return Optional.empty();
    }

    private static Set<String> words(String dialString) {
        return Arrays.stream(dialString.toLowerCase(Locale.ROOT).split("[^a-z0-9_.+-]+"))
                .filter(w -> !NOT_A_TRUNK.contains(w)).collect(Collectors.toCollection(java.util.HashSet::new));
    }

    /** Places one test call as the test user of {@code settings} and reports how it went. Never throws for Asterisk's answers. */
    public static Result place(AmiSettings settings, Request request, SecureRandom random) {
        byte[] id = new byte[8];
        random.nextBytes(id);
        String callId = "hotdesk-test-" + HexFormat.of().formatHex(id);
        String target = target(request.number());
        String who = "AMI user '" + settings.user() + "' at " + settings.host() + ":" + settings.port();
        Map<String, String> globals = new LinkedHashMap<>();
        AmiProbe probe;
        try {
            probe = AmiProbe.open(settings, "user");
        } catch (AmiProbe.ProbeException e) {
            Failure f = switch (e.problem()) {
                case TIMEOUT -> Failure.TIMEOUT;
                case NOT_AMI -> Failure.NOT_AMI;
                case LOGIN_REFUSED -> Failure.LOGIN_REFUSED;
                case UNREACHABLE, PROTOCOL -> Failure.UNREACHABLE;
            };
            String fix = switch (f) {
                case LOGIN_REFUSED -> ": ami.test-user and ami.test-secret must match the [" + settings.user() + "] section of"
                        + " manager_hotdesk.conf (hotdesk asterisk-conf writes it; then: manager reload)";
                case NOT_AMI -> ": ami.port is another service";
                default -> ": is Asterisk running, and are ami.host and ami.port its manager interface?";
            };
            String what = switch (f) {
                case LOGIN_REFUSED -> "AMI login refused: ";
                case NOT_AMI -> "not Asterisk's manager interface: ";
                default -> "Asterisk unreachable: ";
            };
            return new Result(callId, Map.of(), false, false, Optional.empty(), Optional.empty(), Optional.of(f),
                    what + e.getMessage() + fix);
        }
        try (probe) {
            boolean globalsRead = true;
            for (String g : GLOBALS) {
                AmiProbe.Answer a = probe.send("Getvar", "Variable", g);
                if (!a.success()) {
                    globalsRead = false;
                    globals.clear();
                    break;
                }
                globals.put(g, a.header("Value"));
            }
            Optional<String> unsafe = unsafeRoute(globals);
            if (unsafe.isPresent()) {
                return new Result(callId, Map.copyOf(globals), globalsRead, false, Optional.empty(), Optional.empty(),
                        Optional.of(Failure.UNSAFE_ROUTE), unsafe.get() + "; nothing was dialled");
            }
            return call(probe, settings, request, target, callId, Map.copyOf(globals), globalsRead, who);
        } catch (IOException e) {
            return new Result(callId, Map.copyOf(globals), !globals.isEmpty(), false, Optional.empty(), Optional.empty(),
                    Optional.of(e instanceof java.net.SocketTimeoutException ? Failure.TIMEOUT : Failure.UNREACHABLE),
                    "AMI connection to " + settings.host() + ":" + settings.port() + " failed during the test: "
                            + AmiText.shown(String.valueOf(e.getMessage())));
        }
    }

    private static Result call(AmiProbe probe, AmiSettings settings, Request request, String target, String callId,
                               Map<String, String> globals, boolean globalsRead, String who) throws IOException {
        long started = System.nanoTime();
        long seconds = Math.max(1, request.timeout().toSeconds());
        String[] headers = request.ringSecurity()
                ? new String[] {"Channel", target, "Application", "Wait", "Data", Long.toString(seconds), "ChannelId", callId,
                        "Timeout", Long.toString(request.timeout().toMillis()), "Variable", "HOTDESK_TEST_DESK=" + request.endpoint(),
                        "Variable", "HOTDESK_TEST_RING_SECURITY=yes"}
                : new String[] {"Channel", target, "Application", "Wait", "Data", Long.toString(seconds), "ChannelId", callId,
                        "Timeout", Long.toString(request.timeout().toMillis()), "Variable", "HOTDESK_TEST_DESK=" + request.endpoint()};
        AmiProbe.Answer originate = probe.send(request.timeout().plus(settings.timeout()), "Originate", headers);
        Predicate<Map<String, String>> ours = e -> callId.equals(e.getOrDefault("Linkedid", ""));
        Predicate<Map<String, String>> emergencyEvent = e -> ours.test(e)
                && AmiEmergencyEvents.EMERGENCY.equalsIgnoreCase(AmiEmergencyEvents.userEventName(e));
        Predicate<Map<String, String>> receivedEvent = e -> ours.test(e)
                && AmiEmergencyEvents.TEST_RECEIVED.equalsIgnoreCase(AmiEmergencyEvents.userEventName(e));
        if (!originate.success()) {
            if (originate.message().equalsIgnoreCase("Permission denied")) {
                return new Result(callId, globals, globalsRead, false, Optional.empty(), Optional.empty(),
                        Optional.of(Failure.ORIGINATE_REFUSED), "Originate refused: Permission denied: the " + who
                                + " may not originate; give it write = originate,reporting in manager.conf (as"
                                + " manager_hotdesk.conf has it); then: manager reload");
            }
            // Asterisk sends the events of a call after the answer to a synchronous Originate: a Ping's answer comes after them
            probe.send("Ping");
            Optional<Map<String, String>> emergency = probe.awaitUserEvent(emergencyEvent, Duration.ZERO);
            Optional<Map<String, String>> received = probe.awaitUserEvent(receivedEvent, Duration.ZERO);
            AmiProbe.Answer context = probe.send("ShowDialPlan", "Context", CONTEXT);
            String why;
            if (!context.success() && context.message().startsWith("Did not find context")) {
                why = "context " + CONTEXT + " is not loaded: #include hotdesk/extensions_hotdesk.conf of a current hotdesk"
                        + " asterisk-conf; then: dialplan reload";
            } else if (emergency.isPresent()) {
                why = "the emergency route ran (HotdeskEmergency seen) but the test answer side did not answer within "
                        + seconds + " s: check HOTDESK_EMERGENCY_TEST_ROUTE" + routeShown(globals) + " and Asterisk's log";
            } else {
                why = "Asterisk could not place it (the extension " + request.number() + " in " + CONTEXT + " missing, or the"
                        + " route failed before announcing it): see Asterisk's log";
            }
            return new Result(callId, globals, globalsRead, false, emergency, received, Optional.of(Failure.ORIGINATE_FAILED),
                    "Originate " + target + " answered '" + AmiText.shown(originate.message()) + "': " + why);
        }
        // Asterisk sends the call's events after the answer; the answering side may report a moment later:
        // whatever is left of the timeout, but at least ami.timeout, so a late answer does not hide them
        Optional<Map<String, String>> emergency = probe.awaitUserEvent(emergencyEvent, left(request, settings, started));
        Optional<Map<String, String>> received = probe.awaitUserEvent(receivedEvent, left(request, settings, started));
        if (emergency.isEmpty()) {
            return new Result(callId, globals, globalsRead, true, emergency, received, Optional.of(Failure.NO_EVENT),
                    "no HotdeskEmergency event of the test call within " + seconds + " s although the test route answered:"
                            + " the " + who + " needs read = user in manager.conf, and " + CONTEXT + " must run the"
                            + " emergency route (regenerate with hotdesk asterisk-conf)");
        }
        String test = emergency.get().getOrDefault("Test", "");
        if (!test.equalsIgnoreCase("yes")) {
            return new Result(callId, globals, globalsRead, true, emergency, received, Optional.of(Failure.NO_EVENT),
                    "the emergency route announced the test call with 'Test: " + AmiText.shown(test) + "' instead of 'Test:"
                            + " yes': a running hotdesk would take it for a real emergency call; regenerate the dialplan");
        }
        if (received.isEmpty()) {
            return new Result(callId, globals, globalsRead, true, emergency, received, Optional.of(Failure.NO_EVENT),
                    "no HotdeskEmergencyTestReceived event within " + seconds + " s: the emergency route ran, but the test"
                            + " answer side did not report what it received; check HOTDESK_EMERGENCY_TEST_ROUTE"
                            + routeShown(globals));
        }
        return new Result(callId, globals, globalsRead, true, emergency, received, Optional.empty(), "");
    }

    private static Duration left(Request request, AmiSettings settings, long started) {
        Duration left = Duration.ofNanos(Math.max(0, request.timeout().toNanos() - (System.nanoTime() - started)));
        return left.compareTo(settings.timeout()) < 0 ? settings.timeout() : left;
    }

    private static String routeShown(Map<String, String> globals) {
        String r = globals.getOrDefault("HOTDESK_EMERGENCY_TEST_ROUTE", "");
        return r.isEmpty() ? " (unset: the generated test answer context)" : " ('" + r + "')";
    }
}
