package hotdesk.asteriskconf;

import hotdesk.core.policy.DialCodePlan;
import hotdesk.core.policy.TrustedNetworks;
import hotdesk.core.policy.RequiredModules;
import hotdesk.core.policy.DialCodePlan.Route;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders the drop-in Asterisk 22 configuration hotdesk needs from {@link AsteriskConfSettings}, so an
 * admin regenerates it for their own feature codes ({@code hotdesk asterisk-conf --out DIR}); the
 * repository's {@code asterisk-conf/} is this output for the defaults.
 *
 * <p>Facts of Asterisk it is built around:
 * <ul>
 * <li>Emergency numbers are exact extensions that jump straight to a static route: no AGI, nothing of
 *     hotdesk but the desk's ELIN in AstDB (which Asterisk keeps itself), so they work with hotdesk down.
 *     A pattern can never take them: Asterisk prefers an exact extension to any pattern.</li>
 * <li>A context's own extensions are searched before its includes, so the idle context holds every
 *     extension itself instead of including others (its catch-all refusal would otherwise win).</li>
 * <li>When FastAGI is unreachable Asterisk continues with {@code AGISTATUS=FAILURE}: the caller hears a
 *     prompt, never silence. The scripts speak the outcome themselves and set {@code HOTDESK_RESULT};
 *     the dialplan closes the call per result.</li>
 * <li>{@code Dial(PJSIP/101)} rings one contact only; {@code PJSIP_DIAL_CONTACTS} rings all of them but is
 *     empty when nothing is registered, which {@code Dial} would treat as an error.</li>
 * <li>Asterisk reads only the first {@code [general]} (or {@code [res_pjsip]} in sorcery.conf) of a file,
 *     so those settings are merged by hand when the admin's file already has that section (README).</li>
 * <li>In every Asterisk config file {@code ;} starts a comment (written {@code \;} inside a value) and
 *     {@code ;--} starts a block comment: nothing rendered contains the latter.</li>
 * </ul>
 * Pure and thread-safe; {@link #write(AsteriskConfSettings, Path)} replaces files atomically one by one after staging all of them.
 */
public final class AsteriskConfWriter {

    /** The dialplan file; the other names follow the same {@code <asterisk file>_hotdesk.conf} scheme. */
    public static final String EXTENSIONS = "extensions_hotdesk.conf";
    public static final String SORCERY = "sorcery_hotdesk.conf";
    /**
     * The sorcery wizard that caches the astdb objects in memory ({@code res_sorcery_memory_cache}):
     * astdb alone parses and re-applies an object's JSON on every lookup, and pjsip_options reads every
     * endpoint for each new AOR.
     */
    static final String SORCERY_CACHE = "memory_cache";
    /**
     * Its options: all objects at once (lists served from memory too), dropped on reload; no lifetimes
     * (a stale refresh reads astdb outside the cache's lock and could put back an object older than a
     * push made meanwhile).
     */
    static final String SORCERY_CACHE_OPTIONS = "full_backend_cache=yes,expire_on_reload=yes";
    public static final String MANAGER = "manager_hotdesk.conf";
    public static final String ARI = "ari_hotdesk.conf";
    public static final String HTTP = "http_hotdesk.conf";
    public static final String PJSIP_NOTIFY = "pjsip_notify_hotdesk.conf";
    public static final String PJSIP = "pjsip_hotdesk.conf";
    public static final String ACL = "acl_hotdesk.conf";
    public static final String README = "README.md";

    /** Global variables the admin sets in extensions.conf [globals] for emergency calls. */
    public static final String EMERGENCY_TRUNK_VARIABLE = "HOTDESK_EMERGENCY_TRUNK";
    public static final String EMERGENCY_CONTEXT_VARIABLE = "HOTDESK_EMERGENCY_CONTEXT";
    /** Where a failed emergency call is tried next: a context of that name that has the number, else a PJSIP endpoint. */
    public static final String EMERGENCY_FALLBACK_VARIABLE = "HOTDESK_EMERGENCY_FALLBACK";
    /** The dial string (tech/resource, as Originate takes it) rung for every emergency call: the security desk. */
    public static final String SECURITY_DESK_VARIABLE = "HOTDESK_SECURITY_DESK";
    /** The context that answers test calls instead of {@link #TEST_ANSWER_CONTEXT}; never anything of the real route. */
    public static final String TEST_ROUTE_VARIABLE = "HOTDESK_EMERGENCY_TEST_ROUTE";
    /** The context of every occupied desk line (hotdesk sets it on the endpoint). */
    public static final String SEATED_CONTEXT = hotdesk.core.policy.PjsipProfile.SEATED_CONTEXT;
    /** The context {@code hotdesk emergency test} places its calls into. */
    public static final String TEST_CONTEXT = "hotdesk-emergency-test";
    /** The context that answers a test call and reports what it received (HotdeskEmergencyTestReceived). */
    public static final String TEST_ANSWER_CONTEXT = "hotdesk-emergency-test-answer";
    /** How long the security desk is rung, seconds. */
    static final int SECURITY_RING_SECONDS = 45;

    /** The values the FastAGI scripts set in HOTDESK_RESULT; the dialplan adds no prompt to any of them. */
    static final List<String> RESULTS = results();
    /** Played when hotdesk could not be reached or left no usable result. */
    static final String UNAVAILABLE = "UNAVAILABLE";

    /** Files holding a secret: not readable by everyone when new. */
    private static final Set<String> SECRET_FILES = Set.of(MANAGER, ARI);
    /** The most a file holding a secret may allow: 0640, so the asterisk group can read it and nobody else. */
    private static final Set<PosixFilePermission> SECRET_MODE = Set.copyOf(PosixFilePermissions.fromString("rw-r-----"));
    private static final String TRANSPORT = "transport-udp";
    private static final String HTTP_BIND = "127.0.0.1";
    private static final int HTTP_PORT = 8088;
    private static final String REFUSED_SOUND = "feature-not-avail-line";
    private static final String UNAVAILABLE_SOUND = "please-try-call-later";

    private AsteriskConfWriter() {
    }

    private static List<String> results() {
        // The script has already played the prompt of its result (prompts.* of hotdesk), which says what
        // happened; anything played here would come on top of it ("Login incorrect." "Goodbye!").
        return List.of("OK", "OK_PENDING", "LOGGED_OUT", "NOT_LOGGED_IN", "BAD_PIN", "LOCKED", "NOT_A_DESK", "ALREADY_SEATED",
                "DESK_DISABLED", "ERROR", "NO_INPUT");
    }

    /** Every file with the shipped ACLs only: {@link TrustedNetworks#DEFAULT_ACL} of loopback, no site ACL. */
    public static Map<String, String> render(AsteriskConfSettings s) {
        return render(s, TrustedNetworks.acls(List.of("127.0.0.0/8", "::1/128"), List.of()));
    }

    /**
     * Every file, name → content, in the order the README explains them; {@code acls} (from
     * {@link TrustedNetworks#acls}) make {@value #ACL}.
     */
    public static Map<String, String> render(AsteriskConfSettings s, List<TrustedNetworks.Acl> acls) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(EXTENSIONS, extensions(s));
        files.put(SORCERY, sorcery(s));
        files.put(MANAGER, manager(s));
        files.put(ARI, ari(s));
        files.put(HTTP, http(s));
        files.put(PJSIP_NOTIFY, pjsipNotify(s));
        files.put(PJSIP, pjsip(s));
        files.put(ACL, acl(s, acls));
        files.put(README, readme(s, files.get(EXTENSIONS)));
        files.forEach((name, content) -> {
            if (content.contains(";--") || content.contains("--;")) {
                // Asterisk would read everything up to the next --; as a comment
                throw new IllegalStateException(name + " would contain a block comment marker");
            }
        });
        return Collections.unmodifiableMap(files);
    }

    /**
     * Writes every file into {@code dir} (created if missing). All files are first staged as temporary
     * files beside their targets, then each is moved into place atomically: a failure leaves no partial
     * or temporary file behind, and a failure before the first move leaves the directory as it was.
     *
     * <p>A file that already exists keeps its permissions, owner and group (an admin may have made it
     * readable by the asterisk group), except that the files holding the AMI secret and ARI password
     * never keep more than 0640 (an old 0644 becomes 0640). A new file gets the directory's group and
     * mode 0644, or 0640 for those two; Asterisk must be able to read them.
     *
     * @throws UncheckedIOException naming the path that could not be created or written
     */
    public static void write(AsteriskConfSettings s, Path dir) {
        write(render(s), dir);
    }

    /** Writes every file, {@value #ACL} made of {@code acls}, as {@link #write(AsteriskConfSettings, Path)} does. */
    public static void write(AsteriskConfSettings s, List<TrustedNetworks.Acl> acls, Path dir) {
        write(render(s, acls), dir);
    }

    /** Writes {@code files} (name → content) as {@link #write(AsteriskConfSettings, Path)} does. */
    static void write(Map<String, String> files, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | UnsupportedOperationException e) {
            throw failure("cannot create the directory " + dir, e);
        }
        for (String name : files.keySet()) {
            Path target = dir.resolve(name);
            if (Files.isDirectory(target)) {
                throw new UncheckedIOException("cannot write " + target + ": a directory of that name is in the way",
                        new IOException(target + " is a directory"));
            }
        }
        Map<Path, Path> staged = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path target = dir.resolve(f.getKey());
                try {
                    Path tmp = Files.createTempFile(dir, "." + f.getKey() + ".", ".tmp");
                    staged.put(target, tmp);
                    Files.writeString(tmp, f.getValue(), StandardCharsets.UTF_8);
                    attributes(tmp, target, dir, SECRET_FILES.contains(f.getKey()));
                } catch (IOException | UnsupportedOperationException e) {
                    throw failure("cannot write " + target, e);
                }
            }
            for (Path target : new ArrayList<>(staged.keySet())) {
                try {
                    move(staged.get(target), target);
                } catch (IOException e) {
                    throw failure("cannot write " + target, e);
                }
                staged.remove(target);
            }
        } finally {
            staged.values().forEach(AsteriskConfWriter::deleteQuietly);
        }
    }

    private static void attributes(Path tmp, Path target, Path dir, boolean secret) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        if (view == null) {
            return; // not a POSIX file system: the platform's defaults apply
        }
        if (Files.isRegularFile(target)) {
            PosixFileAttributes old = Files.readAttributes(target, PosixFileAttributes.class);
            Set<PosixFilePermission> kept = EnumSet.noneOf(PosixFilePermission.class);
            kept.addAll(old.permissions());
            if (secret) {
                // a secret never becomes readable by others or writable by the group, whatever the old file allowed
                kept.retainAll(SECRET_MODE);
            }
            view.setPermissions(kept);
            bestEffort(() -> view.setGroup(old.group()));
            bestEffort(() -> view.setOwner(old.owner()));
        } else {
            view.setPermissions(secret ? SECRET_MODE : PosixFilePermissions.fromString("rw-r--r--"));
            GroupPrincipal group = Files.readAttributes(dir, PosixFileAttributes.class).group();
            bestEffort(() -> view.setGroup(group));
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    /** Changing owner or group needs privileges the caller may lack; the file is still right without it. */
    private static void bestEffort(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            // keep the caller's own owner/group
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static UncheckedIOException failure(String what, Exception e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        IOException cause = e instanceof IOException io ? io : new IOException(reason, e);
        return new UncheckedIOException(what + " (" + reason + ")", cause);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the temporary name starts with a dot and ends with .tmp
        }
    }

    // ---------------------------------------------------------------- header

    private static String header(AsteriskConfSettings s, String file, String purpose) {
        StringBuilder b = new StringBuilder();
        b.append("; ").append(file).append(": ").append(purpose).append('\n');
        b.append("; Generated by `hotdesk asterisk-conf --out DIR`. Change the settings and generate again\n");
        b.append("; rather than editing this file. Generated from these settings (secrets left out):\n");
        for (String line : settingsLines(s)) {
            b.append(";   ").append(line).append('\n');
        }
        return b.toString();
    }

    private static List<String> settingsLines(AsteriskConfSettings s) {
        DialCodePlan c = s.codes();
        return List.of(
                "codes.login=" + String.join(",", c.login()) + "  codes.login-star=" + String.join(",", c.loginStar()),
                "codes.otp=" + String.join(",", c.otp()) + "  codes.logout=" + String.join(",", c.logout()),
                "emergency.numbers=" + String.join(",", c.emergency()),
                "asterisk.agi-url=" + s.agiUrl() + "  pjsip.idle-context=" + s.idleContext(),
                "asterisk.idle-internal-calls=" + s.idleInternalCalls() + "  asterisk.internal-pattern=" + s.internalPattern(),
                "ami.user=" + s.amiUser() + "  ari.user=" + s.ariUser() + "  asterisk.pjsip-wizard=" + s.pjsipWizard(),
                "users.default-context=" + s.defaultContext());
    }

    // ---------------------------------------------------------------- extensions_hotdesk.conf

    private static String extensions(AsteriskConfSettings s) {
        DialCodePlan codes = s.codes();
        StringBuilder b = new StringBuilder(header(s, EXTENSIONS, "the hot-desk dialplan."));
        b.append(";\n");
        b.append("; Contexts: [").append(s.idleContext()).append("] for free desks; [").append(SEATED_CONTEXT)
                .append("] for desks in use; [hotdesk-codes] to\n");
        b.append("; include in the contexts of people who hot-desk; [hotdesk-emergency] for emergency numbers;\n");
        b.append("; [hotdesk-emergency-fallback] for an emergency context of yours whose call failed; [hotdesk-dial]\n");
        b.append("; to ring every device of a user. [hotdesk-run], [hotdesk-result], [hotdesk-emergency-out],\n");
        b.append("; [hotdesk-emergency-test], [hotdesk-emergency-test-answer] and [hotdesk-security-announce] serve\n");
        b.append("; the others: never include them anywhere.\n");

        b.append("\n; Free desks: hotdesk gives every desk line without an occupant this context. Every extension\n");
        b.append("; is defined here rather than included, because a context's own extensions are searched before\n");
        b.append("; its includes and the refusal at the end would otherwise take the feature codes.\n");
        b.append('[').append(s.idleContext()).append("]\n");
        b.append("; emergency numbers: exact extensions, which Asterisk prefers to every pattern below\n");
        for (String n : codes.emergency()) {
            b.append("exten => ").append(n).append(",1,Goto(hotdesk-emergency,${EXTEN},1)\n");
        }
        featureCodes(b, codes);
        if (s.idleInternalCalls()) {
            b.append("; internal calls (asterisk.idle-internal-calls=true)\n");
            b.append("exten => ").append(s.internalPattern()).append(",1,Gosub(hotdesk-dial,s,1(${EXTEN}))\n");
            b.append(" same => n,GotoIf($[\"${DIALSTATUS}\" != \"CHANUNAVAIL\"]?done)\n");
            b.append(" same => n,Playback(").append(UNAVAILABLE_SOUND).append(")\n");
            b.append(" same => n(done),Hangup()\n");
        } else {
            b.append("; no internal calls from free desks (asterisk.idle-internal-calls=false)\n");
        }
        b.append("; everything else a phone can dial is refused with a prompt\n");
        for (String catchAll : List.of("_[0-9*#+]", "_[0-9*#+].")) {
            b.append("exten => ").append(catchAll).append(",1,Playback(").append(REFUSED_SOUND).append(")\n");
            b.append(" same => n,Hangup()\n");
        }

        b.append("\n; Feature codes for desks in use: add  include => hotdesk-codes  to the context of everyone who\n");
        b.append("; hot-desks, so they can log out or hand the desk to someone else. Your context's own extensions\n");
        b.append("; win over included ones: a pattern such as _0. or _X. there takes codes beginning with 0 first.\n");
        b.append("[hotdesk-codes]\n");
        featureCodes(b, codes);

        seated(b, s);
        emergency(b, codes);
        b.append("\n; Gosub(hotdesk-dial,s,1(<extension>[,<ring seconds>])) rings every device of a user at once: the\n");
        b.append("; desk they sit at and their own phones (Dial(PJSIP/101) would ring only one). With nothing\n");
        b.append("; registered there is no Dial at all and DIALSTATUS=CHANUNAVAIL, so your dialplan can go on to\n");
        b.append("; voicemail as after any unanswered Dial.\n");
        b.append("[hotdesk-dial]\n");
        b.append("exten => s,1,Set(LOCAL(contacts)=${PJSIP_DIAL_CONTACTS(${ARG1})})\n");
        b.append(" same => n,GotoIf($[\"${contacts}\" = \"\"]?none)\n");
        b.append(" same => n,Dial(${contacts},${ARG2})\n");
        b.append(" same => n,Return()\n");
        b.append(" same => n(none),Set(DIALSTATUS=CHANUNAVAIL)\n");
        b.append(" same => n,Return()\n");

        b.append("\n; Gosub(hotdesk-run,s,1(<script>[,<digits>])) runs one hotdesk FastAGI script. The script speaks\n");
        b.append("; the outcome and sets HOTDESK_RESULT; [hotdesk-result] then closes the call. If hotdesk cannot\n");
        b.append("; be reached (AGISTATUS=FAILURE) or leaves no result, the caller hears ")
                .append(UNAVAILABLE_SOUND).append(".\n");
        b.append("[hotdesk-run]\n");
        b.append("exten => s,1,Set(HOTDESK_RESULT=)\n");
        b.append(" same => n,AGI(").append(s.agiUrl()).append("/${ARG1},${ARG2})\n");
        b.append(" same => n,GotoIf($[\"${AGISTATUS}\" = \"HANGUP\"]?done)\n");
        b.append(" same => n,GotoIf($[\"${AGISTATUS}\" != \"SUCCESS\"]?unavailable)\n");
        b.append(" same => n,GotoIf(${DIALPLAN_EXISTS(hotdesk-result,${HOTDESK_RESULT},1)}?result)\n");
        b.append(" same => n(unavailable),Log(WARNING,hotdesk: ${ARG1} ended with AGISTATUS=${AGISTATUS} and no known HOTDESK_RESULT)\n");
        b.append(" same => n,Gosub(hotdesk-result,").append(UNAVAILABLE).append(",1)\n");
        b.append(" same => n,Return()\n");
        b.append(" same => n(result),Gosub(hotdesk-result,${HOTDESK_RESULT},1)\n");
        b.append(" same => n(done),Return()\n");

        b.append("\n; What follows each HOTDESK_RESULT. The script has already played the prompt of its result\n");
        b.append("; (hotdesk's prompts.* settings), so nothing more is said here. Add your own actions, one\n");
        b.append("; extension per result.\n");
        b.append("[hotdesk-result]\n");
        for (String r : RESULTS) {
            b.append("exten => ").append(r).append(",1,Return()\n");
        }
        b.append("exten => ").append(UNAVAILABLE).append(",1,Playback(").append(UNAVAILABLE_SOUND).append(")\n");
        b.append(" same => n,Return()\n");
        return b.toString();
    }

    // ---------------------------------------------------------------- the seated desk's context

    /**
     * {@code [hotdesk-seated]}: the context of every occupied desk line. Its own extensions are searched
     * first and exact ones before patterns: emergency numbers (exact), then the feature codes (exact and
     * patterns beginning with their literal digits, which Asterisk ranks before any character class), then
     * two catch-alls that hand everything else, unchanged, to the occupant's own context as hotdesk wrote it
     * to AstDB ({@code desk/<endpoint>/context}), else to {@code users.default-context}.
     */
    private static void seated(StringBuilder b, AsteriskConfSettings s) {
        DialCodePlan codes = s.codes();
        b.append("\n; Desks in use: hotdesk gives every occupied desk line this context (and writes the occupant's own\n");
        b.append("; context to AstDB hotdesk/desk/<endpoint>/context first). A context's own extensions are searched\n");
        b.append("; before its includes and an exact extension before any pattern, so: the emergency numbers (exact)\n");
        b.append("; always take the emergency route with the DESK's ELIN and location, then hotdesk's feature codes,\n");
        b.append("; then everything else goes unchanged (* # + included) to the occupant's own context, or to\n");
        b.append("; ").append(s.defaultContext()).append(" (users.default-context) when AstDB names none. Nothing to include anywhere.\n");
        b.append('[').append(SEATED_CONTEXT).append("]\n");
        b.append("; emergency numbers: exact extensions, which Asterisk prefers to every pattern below\n");
        for (String n : codes.emergency()) {
            b.append("exten => ").append(n).append(",1,Goto(hotdesk-emergency,${EXTEN},1)\n");
        }
        featureCodes(b, codes);
        b.append("; everything else: the occupant's own context, the number unchanged; a number it does not have is\n");
        b.append("; refused as unallocated (cause 1, a 404 to the phone), as if the phone had the context itself\n");
        for (String catchAll : List.of("_[0-9*#+]", "_[0-9*#+].")) {
            b.append("exten => ").append(catchAll).append(",1,Set(HOTDESK_CONTEXT=${DB(hotdesk/desk/${CHANNEL(endpoint)}/context)})\n");
            b.append(" same => n,Gosub(").append(PRESENCE_CONTEXT).append(",s,1)\n");
            b.append(" same => n,GotoIf($[\"${HOTDESK_CONTEXT}\" != \"\"]?own)\n");
            b.append(" same => n,Set(HOTDESK_CONTEXT=").append(s.defaultContext()).append(")\n");
            b.append(" same => n(own),GotoIf(${DIALPLAN_EXISTS(${HOTDESK_CONTEXT},${EXTEN},1)}?${HOTDESK_CONTEXT},${EXTEN},1)\n");
            b.append(" same => n,Log(NOTICE,hotdesk: ${EXTEN} dialled at ${CHANNEL(endpoint)} is not in context ${HOTDESK_CONTEXT})\n");
            b.append(" same => n,Hangup(1)\n");
        }
        b.append("; the BLF hints of users' extensions, so a desk's BLF keys find them\n");
        b.append("include => ").append(HINTS_CONTEXT).append('\n');
        presence(b, s);
    }

    /** Where the hints of users' extensions are: included in {@code [hotdesk-seated]}, to include in users' own contexts. */
    public static final String HINTS_CONTEXT = "hotdesk-hints";
    /** Marks the occupant of the calling desk busy for the call ({@code Gosub}); never include it. */
    public static final String PRESENCE_CONTEXT = "hotdesk-presence";
    /** The hangup handler that marks them free again. */
    public static final String PRESENCE_END_CONTEXT = "hotdesk-presence-end";
    /** The custom device state of a user's calls from desks: {@code Custom:hd-user-<extension>}. */
    public static final String PRESENCE_DEVICE_PREFIX = "Custom:hd-user-";

    /**
     * Presence that follows the person: a call from a desk runs on the desk's endpoint ({@code PJSIP/hd-…}), so
     * {@code PJSIP/101}'s state misses it. Each user hint (the internal-number pattern, {@code ${EXTEN}}
     * filled in by Asterisk) therefore watches a second device, {@code Custom:hd-user-<ext>}, which the seated
     * desk's catch-all sets to INUSE for the occupant's call; a hangup handler takes the channel out of the
     * group {@code <ext>@hotdesk-presence} and sets NOT_INUSE when no other call of theirs is in it. All static
     * dialplan and AstDB: nothing of hotdesk runs at call time.
     */
    private static void presence(StringBuilder b, AsteriskConfSettings s) {
        b.append("\n; Presence that follows the person: a call from a desk runs on the desk's endpoint (PJSIP/hd-<mac>),\n");
        b.append("; so each user's hint also watches ").append(PRESENCE_DEVICE_PREFIX).append("<extension>, which the desk's calls set\n");
        b.append("; (").append(PRESENCE_CONTEXT).append(" below). Include ").append(HINTS_CONTEXT)
                .append(" in the contexts your own phones subscribe in too.\n");
        b.append('[').append(HINTS_CONTEXT).append("]\n");
        b.append("exten => ").append(s.internalPattern()).append(",hint,PJSIP/${EXTEN}&").append(PRESENCE_DEVICE_PREFIX)
                .append("${EXTEN}\n");
        b.append("\n; Gosub(").append(PRESENCE_CONTEXT).append(",s,1) on a seated desk's call: its occupant is busy until it ends.\n");
        b.append("; Every call of theirs from a desk is in the group <extension>@hotdesk-presence, so the last to end\n");
        b.append("; sets them free. Never include it anywhere.\n");
        b.append('[').append(PRESENCE_CONTEXT).append("]\n");
        b.append("exten => s,1,Set(LOCAL(occupant)=${DB(hotdesk/desk/${CHANNEL(endpoint)}/occupant)})\n");
        b.append(" same => n,GotoIf($[\"${occupant}\" = \"\"]?done)\n");
        b.append(" same => n,Set(GROUP(hotdesk-presence)=${occupant})\n");
        b.append(" same => n,Set(DEVICE_STATE(").append(PRESENCE_DEVICE_PREFIX).append("${occupant})=INUSE)\n");
        b.append(" same => n,Set(CHANNEL(hangup_handler_push)=").append(PRESENCE_END_CONTEXT).append(",s,1(${occupant}))\n");
        b.append(" same => n(done),Return()\n");
        b.append('[').append(PRESENCE_END_CONTEXT).append("]\n");
        b.append("exten => s,1,Set(GROUP(hotdesk-presence)=)\n");
        b.append(" same => n,GotoIf($[${GROUP_COUNT(${ARG1}@hotdesk-presence)} > 0]?done)\n");
        b.append(" same => n,Set(DEVICE_STATE(").append(PRESENCE_DEVICE_PREFIX).append("${ARG1})=NOT_INUSE)\n");
        b.append(" same => n(done),Return()\n");
    }

    // ---------------------------------------------------------------- the emergency route

    private static void emergency(StringBuilder b, DialCodePlan codes) {
        b.append("\n; Emergency numbers: static dialplan only, no AGI and nothing of hotdesk but the desk's facts in\n");
        b.append("; AstDB (elin, where, civic), so they work with hotdesk down. Set ").append(EMERGENCY_TRUNK_VARIABLE)
                .append(" (a PJSIP trunk endpoint)\n");
        b.append("; in the [globals] of extensions.conf, or ").append(EMERGENCY_CONTEXT_VARIABLE)
                .append(" to route the calls through a context of\n");
        b.append("; your own; ").append(EMERGENCY_FALLBACK_VARIABLE).append(" for a failed call, ").append(SECURITY_DESK_VARIABLE)
                .append(" to ring someone on site.\n");
        b.append("[hotdesk-emergency]\n");
        for (String n : codes.emergency()) {
            b.append("exten => ").append(n).append(",1,Goto(hotdesk-emergency-out,${EXTEN},1)\n");
        }

        b.append("\n; Asterisk ends a call at the first application it lacks, so the emergency route uses Asterisk's\n");
        b.append("; built-ins (NoOp, GotoIf, Set, Goto) and, after them, UserEvent (app_userevent), Originate\n");
        b.append("; (app_originate), Dial (app_dial), Log (app_verbose) and Playback (app_playback): hotdesk serve and\n");
        b.append("; hotdesk doctor check that they are loaded. DB(), CHANNEL(), CALLERID() and GEOLOC_PROFILE() are\n");
        b.append("; functions: missing, they read as empty (or are not set) and the call goes on.\n");
        b.append("; The user event HotdeskEmergency and the security desk's call come before the Dial and never wait:\n");
        b.append("; UserEvent only queues an AMI event, and Originate with option a returns at once while the\n");
        b.append("; security desk rings on a channel of its own.\n");
        b.append("[hotdesk-emergency-out]\n");
        b.append("exten => _X.,1,NoOp(hotdesk: emergency call to ${EXTEN} from ${CHANNEL(name)})\n");
        b.append(" same => n,Set(HOTDESK_DESK=${CHANNEL(endpoint)})\n");
        b.append(" same => n,Set(HOTDESK_RING_SECURITY=yes)\n");
        announce(b, "no");
        b.append(" same => n(route),GotoIf($[\"${").append(EMERGENCY_CONTEXT_VARIABLE).append("}\" != \"\"]?${")
                .append(EMERGENCY_CONTEXT_VARIABLE).append("},${EXTEN},1)\n");
        b.append(" same => n,GotoIf($[\"${").append(EMERGENCY_TRUNK_VARIABLE).append("}\" = \"\"]?notrunk)\n");
        b.append(" same => n,Dial(PJSIP/${EXTEN}@${").append(EMERGENCY_TRUNK_VARIABLE).append("})\n");
        b.append(" same => n,Log(ERROR,hotdesk: emergency call to ${EXTEN} from ${CHANNEL(name)} failed on trunk ${")
                .append(EMERGENCY_TRUNK_VARIABLE).append("} with ${DIALSTATUS}: trying ").append(EMERGENCY_FALLBACK_VARIABLE).append(")\n");
        b.append(" same => n,Goto(hotdesk-emergency-fallback,${EXTEN},1)\n");
        b.append(" same => n(notrunk),Log(ERROR,hotdesk: emergency call to ${EXTEN} from ${CHANNEL(name)} has no route: set ")
                .append(EMERGENCY_TRUNK_VARIABLE).append(" in [globals] - trying ").append(EMERGENCY_FALLBACK_VARIABLE).append(")\n");
        b.append(" same => n,Goto(hotdesk-emergency-fallback,${EXTEN},1)\n");

        b.append("\n; A failed emergency call tries ").append(EMERGENCY_FALLBACK_VARIABLE)
                .append(" ([globals]): a context of that name that has the\n");
        b.append("; number, else a PJSIP endpoint (a second trunk). An emergency context of yours may end in\n");
        b.append("; Goto(hotdesk-emergency-fallback,${EXTEN},1) after its own Dial failed.\n");
        b.append("[hotdesk-emergency-fallback]\n");
        b.append("exten => _X.,1,GotoIf($[\"${").append(EMERGENCY_FALLBACK_VARIABLE).append("}\" = \"\"]?none)\n");
        b.append(" same => n,GotoIf(${DIALPLAN_EXISTS(${").append(EMERGENCY_FALLBACK_VARIABLE).append("},${EXTEN},1)}?${")
                .append(EMERGENCY_FALLBACK_VARIABLE).append("},${EXTEN},1)\n");
        b.append(" same => n,Dial(PJSIP/${EXTEN}@${").append(EMERGENCY_FALLBACK_VARIABLE).append("})\n");
        b.append(" same => n,Log(ERROR,hotdesk: emergency call to ${EXTEN} from ${CHANNEL(name)} failed on the fallback ${")
                .append(EMERGENCY_FALLBACK_VARIABLE).append("} too with ${DIALSTATUS}: given up)\n");
        b.append(" same => n,Goto(failed)\n");
        b.append(" same => n(none),Log(ERROR,hotdesk: emergency call to ${EXTEN} from ${CHANNEL(name)} given up: no ")
                .append(EMERGENCY_FALLBACK_VARIABLE).append(" in [globals])\n");
        b.append(" same => n(failed),Playback(please-try-again)\n");
        b.append(" same => n,Hangup()\n");

        b.append("\n; The security desk's call (").append(SECURITY_DESK_VARIABLE)
                .append("), once it answers: the caller ID shows where the desk is and\n");
        b.append("; the number dialled; it hears the number dialled, then the desk's ELIN, twice.\n");
        b.append("[hotdesk-security-announce]\n");
        b.append("exten => _X.,1,Answer()\n");
        b.append(" same => n,Wait(1)\n");
        b.append(" same => n(say),SayDigits(${EXTEN})\n");
        b.append(" same => n,Wait(1)\n");
        b.append(" same => n,GotoIf($[\"${HOTDESK_ELIN}\" = \"\"]?again)\n");
        b.append(" same => n,SayDigits(${HOTDESK_ELIN})\n");
        b.append(" same => n,Wait(1)\n");
        b.append(" same => n(again),GotoIf($[\"${HOTDESK_SAID}\" = \"yes\"]?done)\n");
        b.append(" same => n,Set(HOTDESK_SAID=yes)\n");
        b.append(" same => n,Goto(say)\n");
        b.append(" same => n(done),Hangup()\n");

        b.append("\n; hotdesk emergency test places its calls here (Originate of Local/<number>@").append(TEST_CONTEXT)
                .append(" with\n");
        b.append("; HOTDESK_TEST_DESK=<endpoint>): the same announcement as a real call, with Test: yes, and then the\n");
        b.append("; test answer side (").append(TEST_ROUTE_VARIABLE).append(" names another context), never the trunk. The\n");
        b.append("; security desk rings only with HOTDESK_TEST_RING_SECURITY=yes (--ring-security).\n");
        b.append('[').append(TEST_CONTEXT).append("]\n");
        b.append("exten => _X.,1,NoOp(hotdesk: TEST emergency call to ${EXTEN} as desk ${HOTDESK_TEST_DESK})\n");
        b.append(" same => n,Set(HOTDESK_DESK=${HOTDESK_TEST_DESK})\n");
        b.append(" same => n,Set(HOTDESK_RING_SECURITY=${HOTDESK_TEST_RING_SECURITY})\n");
        announce(b, "yes");
        b.append(" same => n(route),GotoIf($[\"${").append(TEST_ROUTE_VARIABLE).append("}\" != \"\"]?own)\n");
        b.append(" same => n,Dial(Local/${EXTEN}@").append(TEST_ANSWER_CONTEXT).append(")\n");
        b.append(" same => n,Hangup()\n");
        b.append(" same => n(own),Dial(Local/${EXTEN}@${").append(TEST_ROUTE_VARIABLE).append("})\n");
        b.append(" same => n,Hangup()\n");

        b.append("\n; The answering side of a test call, standing for the dispatcher: reports what arrived.\n");
        b.append('[').append(TEST_ANSWER_CONTEXT).append("]\n");
        b.append("exten => _X.,1,UserEvent(HotdeskEmergencyTestReceived,CallerID: ${CALLERID(num)},CallerName: ${CALLERID(name)},"
                + "Civic: \"${GEOLOC_PROFILE(location_info)}\",Number: ${EXTEN})\n");
        b.append(" same => n,Answer()\n");
        b.append(" same => n,Wait(1)\n");
        b.append(" same => n,Hangup()\n");
    }

    /**
     * The announcement both the real and the test route make, before any Dial: the desk's facts from
     * AstDB (the desk in {@code HOTDESK_DESK}), caller ID number = ELIN and name = where, the civic
     * location on the channel (inherited by the dialled channel, where res_pjsip_geolocation turns it
     * into a PIDF-LO), the user event, and, when {@code HOTDESK_RING_SECURITY=yes} and a security desk
     * is set, its call, asynchronously. Ends at label {@code route}, which the caller appends.
     */
    private static void announce(StringBuilder b, String test) {
        b.append(" same => n,GotoIf($[\"${HOTDESK_DESK}\" = \"\"]?announce)\n");
        b.append(" same => n,Set(HOTDESK_ELIN=${DB(hotdesk/desk/${HOTDESK_DESK}/elin)})\n");
        b.append(" same => n,Set(HOTDESK_WHERE=${DB(hotdesk/desk/${HOTDESK_DESK}/where)})\n");
        b.append(" same => n,Set(HOTDESK_CIVIC=${DB(hotdesk/desk/${HOTDESK_DESK}/civic)})\n");
        b.append(" same => n,Set(HOTDESK_NAME=${HOTDESK_ELIN})\n");
        b.append(" same => n,GotoIf($[\"${HOTDESK_ELIN}\" = \"\"]?named)\n");
        b.append(" same => n,Set(CALLERID(num)=${HOTDESK_ELIN})\n");
        b.append(" same => n(named),GotoIf($[\"${HOTDESK_WHERE}\" = \"\"]?located)\n");
        b.append(" same => n,Set(CALLERID(name)=${HOTDESK_WHERE})\n");
        b.append(" same => n,Set(HOTDESK_NAME=${HOTDESK_WHERE})\n");
        b.append(" same => n(located),GotoIf($[\"${HOTDESK_CIVIC}\" = \"\"]?announce)\n");
        b.append(" same => n,Set(GEOLOC_PROFILE(format)=civicAddress)\n");
        b.append(" same => n,Set(GEOLOC_PROFILE(location_info)=${HOTDESK_CIVIC})\n");
        b.append(" same => n,Set(GEOLOC_PROFILE(allow_routing_use)=yes)\n");
        b.append(" same => n,Set(GEOLOC_PROFILE(inheritable)=true)\n");
        b.append(" same => n(announce),UserEvent(HotdeskEmergency,Desk: ${HOTDESK_DESK},Number: ${EXTEN},ELIN: ${HOTDESK_ELIN},"
                + "Where: ${HOTDESK_WHERE},Civic: \"${HOTDESK_CIVIC}\",Channel: ${CHANNEL},Test: ").append(test).append(")\n");
        b.append(" same => n,GotoIf($[\"${HOTDESK_RING_SECURITY}\" != \"yes\"]?route)\n");
        // Originate ends the caller's call when its channel argument has no tech/resource form: checked first
        b.append(" same => n,GotoIf($[\"${").append(SECURITY_DESK_VARIABLE).append("}\" =~ \"^[A-Za-z0-9_]+/[^/]\" = 0]?route)\n");
        b.append(" same => n,Originate(${").append(SECURITY_DESK_VARIABLE).append("},exten,hotdesk-security-announce,${EXTEN},1,")
                .append(SECURITY_RING_SECONDS).append(",ac(${EXTEN})n(${HOTDESK_NAME})v(HOTDESK_ELIN=${HOTDESK_ELIN}^HOTDESK_DESK=${HOTDESK_DESK}))\n");
    }

    private static void featureCodes(StringBuilder b, DialCodePlan codes) {
        String lastComment = null;
        for (Route r : codes.routes()) {
            String comment = switch (r.action()) {
                case LOGIN -> r.key().equals(DialCodePlan.LOGIN_STAR_KEY)
                        ? "log in with a PIN: " + r.code() + "<extension>* or " + r.code() + " alone (" + r.key() + ")"
                        : "log in with a PIN: " + r.code() + "<extension> or " + r.code() + " alone (" + r.key() + ")";
                case OTP_LOGIN -> "log in with a one-time code: " + r.code() + "<" + DialCodePlan.OTP_DIGITS
                        + " digits>, # at the end optional (" + r.key() + ")";
                case LOGOUT -> "log out (" + r.key() + ")";
            };
            if (!comment.equals(lastComment)) {
                b.append("; ").append(comment).append('\n');
                lastComment = comment;
            }
            b.append("exten => ").append(r.exten()).append(",1,Gosub(hotdesk-run,s,1(").append(script(r.action()));
            if (r.hasArgument()) {
                b.append(",${EXTEN:").append(r.argumentStart());
                if (r.argumentLength() > 0) {
                    b.append(':').append(r.argumentLength());
                }
                b.append('}');
            }
            b.append("))\n");
            b.append(" same => n,Hangup()\n");
        }
    }

    /** The FastAGI script names hotdesk's server registers. */
    static String script(DialCodePlan.Action action) {
        return switch (action) {
            case LOGIN -> "hotdesk-login";
            case OTP_LOGIN -> "hotdesk-otp";
            case LOGOUT -> "hotdesk-logout";
        };
    }

    // ---------------------------------------------------------------- the other files

    private static String sorcery(AsteriskConfSettings s) {
        String keeping = s.pjsipWizard() == AsteriskConfSettings.PjsipWizard.MEMORY
                ? "; The config wizard reads pjsip.conf; the memory wizard after it takes what ARI creates. Objects\n"
                + "; defined in pjsip.conf cannot be changed over ARI. Memory objects vanish when Asterisk restarts:\n"
                + "; hotdesk pushes them again as soon as it sees Asterisk back (AMI FullyBooted).\n"
                : "; The config wizard reads pjsip.conf; the astdb wizard after it takes what ARI creates and keeps it\n"
                + "; in Asterisk's own database (family hotdesk-pjsip), so desks keep working as last pushed through an\n"
                + "; Asterisk restart while hotdesk is down. Objects defined in pjsip.conf cannot be changed over ARI.\n"
                + "; The auths' SIP passwords are then stored in astdb.sqlite3: protect it like pjsip.conf.\n"
                + "; A desk removed while Asterisk was down is deleted when hotdesk sees Asterisk back (FullyBooted).\n"
                + ";\n"
                + "; The memory cache in front of astdb (res_sorcery_memory_cache) is required: without it every lookup\n"
                + "; reads the object from astdb again (JSON parsed, every option re-applied), every SIP request and,\n"
                + "; for each new AOR, every endpoint there is: pushing N desks costs N*N endpoint reads and stalls\n"
                + "; PJSIP for minutes. ARI creates, updates and deletes go through the cache (Asterisk updates it after\n"
                + "; astdb), so a push is seen at once. full_backend_cache loads all objects on the first lookup, so lists\n"
                + "; need no astdb read either; expire_on_reload drops it on `pjsip reload`. Change hotdesk-pjsip only\n"
                + "; over ARI: a key changed with `database put/del` is not seen until `sorcery memory cache populate\n"
                + "; hotdesk-endpoint` (-aor, -auth) or a restart.\n";
        String lines = s.pjsipWizard() == AsteriskConfSettings.PjsipWizard.MEMORY ? "six" : "nine";
        return header(s, SORCERY, "lets hotdesk create PJSIP endpoints, AORs and auths over ARI.")
                + ";\n"
                + keeping
                + "; Asterisk reads only the FIRST [res_pjsip] section of sorcery.conf (a later one is ignored without\n"
                + "; a word), and a type listed there loses its built-in default, hence the config line first. So:\n"
                + ";   sorcery.conf has no [res_pjsip] section: add   #include hotdesk/" + SORCERY + "\n"
                + ";   it has one: copy the " + lines + " lines below into it instead (after your own lines for these types).\n"
                + "[res_pjsip]\n"
                + wizardLines(s.pjsipWizard(), "endpoint")
                + wizardLines(s.pjsipWizard(), "aor")
                + wizardLines(s.pjsipWizard(), "auth");
    }

    /**
     * The sorcery.conf lines of one PJSIP type: the config wizard first (pjsip.conf stays authoritative
     * for its own objects), then for astdb a memory cache named {@code hotdesk-<type>} (see
     * {@link #SORCERY_CACHE}), then the writable wizard.
     */
    static String wizardLines(AsteriskConfSettings.PjsipWizard wizard, String type) {
        String cache = wizard == AsteriskConfSettings.PjsipWizard.ASTDB
                ? type + "/cache = " + SORCERY_CACHE + ",name=hotdesk-" + type + "," + SORCERY_CACHE_OPTIONS + "\n"
                : "";
        return type + " = config,pjsip.conf,criteria=type=" + type + "\n" + cache + type + " = " + wizard.sorcery() + "\n";
    }

    private static String manager(AsteriskConfSettings s) {
        return header(s, MANAGER, "the AMI users hotdesk logs in as (ami.user, ami.secret; ami.test-user, ami.test-secret).")
                + ";\n"
                + "; In manager.conf add   #include hotdesk/" + MANAGER + "   and set in its [general] by hand\n"
                + "; (Asterisk reads the first [general] only):   enabled = yes   bindaddr = 127.0.0.1   port = 5038\n"
                + ";\n"
                + "; Least privilege. Each AMI action is registered with the classes that may call it (source: the\n"
                + "; Asterisk 22 sources of res_pjsip_notify, db and manager; check with: manager show command DBPut):\n"
                + ";   PJSIPNotify   system\n"
                + ";   DBPut, DBDel  system\n"
                + ";   DBGet         system or reporting\n"
                + ";   ModuleCheck   system\n"
                + ";   ShowDialPlan  config or reporting   (only `hotdesk doctor`: are the hotdesk contexts loaded,\n"
                + ";                                        does a context of yours take a feature code first)\n"
                + ";   Getvar        call or reporting     (only `hotdesk emergency test`: the HOTDESK_ globals)\n"
                + ";   Originate     originate             (only `hotdesk emergency test`)\n"
                + ";   Ping          none needed\n"
                + "; The events hotdesk reads: FullyBooted (sent at login only to users that may read system) and\n"
                + "; Shutdown are system events; the UserEvent HotdeskEmergency of the emergency route (hotdesk logs\n"
                + "; it and posts it to emergency.webhook-url) is a user event, which Asterisk sends only to users\n"
                + "; with read = user. Hangup is a call event: the end of a desk's last call starts its idle\n"
                + "; auto-logout timer (auto-logout.idle); whether a call is up is asked with CoreShowChannels.\n"
                + ";\n"
                + "; [" + s.amiUser() + "] is the user `hotdesk serve` and `hotdesk doctor` log in as: read = system,user,call\n"
                + "; and write = system,reporting, nothing else: no command, no originate. reporting only reads\n"
                + "; (status, AstDB, dialplan); config would also let the user rewrite config files (UpdateConfig).\n"
                + ";\n"
                + (s.testCalls() ? ""
                + "; [" + s.amiTestUser() + "] is the user of `hotdesk emergency test` only: it originates the test call\n"
                + "; into hotdesk-emergency-test (originate), reads that call's user events (read = user) and the\n"
                + "; globals and contexts it reports on (reporting). It is a user of its own because Asterisk lets a\n"
                + "; user that may write both originate and system originate into any application, System() included,\n"
                + "; i.e. run programs as Asterisk; without system, an Originate of System, Exec, AGI and the like is\n"
                + "; refused (Originate Access Forbidden). It can still place calls anywhere Asterisk can: keep its\n"
                + "; secret as safe as the other one. Without test calls, set ami.test-user empty and generate again.\n"
                : "; No test-call user (ami.test-user is empty): `hotdesk emergency test` is off, nothing here may\n"
                + "; originate.\n")
                + "[" + s.amiUser() + "]\n"
                + "secret = " + s.amiSecret() + "\n"
                + "deny = 0.0.0.0/0.0.0.0\n"
                + "permit = 127.0.0.1/255.255.255.255\n"
                + "read = system,user,call\n"
                + "write = system,reporting\n"
                + "writetimeout = 5000\n"
                + (s.testCalls() ? "\n"
                + "[" + s.amiTestUser() + "]\n"
                + "secret = " + s.amiTestSecret() + "\n"
                + "deny = 0.0.0.0/0.0.0.0\n"
                + "permit = 127.0.0.1/255.255.255.255\n"
                + "read = user\n"
                + "write = originate,reporting\n"
                + "writetimeout = 5000\n" : "");
    }

    private static String ari(AsteriskConfSettings s) {
        return header(s, ARI, "the ARI user hotdesk pushes PJSIP objects as (ari.user, ari.password).")
                + ";\n"
                + "; In ari.conf add   #include hotdesk/" + ARI + "   and set in its [general] by hand\n"
                + "; (Asterisk reads the first [general] only):   enabled = yes\n"
                + "; ARI is served by Asterisk's HTTP server: see " + HTTP + ".\n"
                + "[" + s.ariUser() + "]\n"
                + "type = user\n"
                + "read_only = no\n"
                + "password = " + s.ariPassword() + "\n"
                + "password_format = plain\n";
    }

    private static String http(AsteriskConfSettings s) {
        return header(s, HTTP, "Asterisk's HTTP server, which serves ARI, on the loopback only.")
                + ";\n"
                + "; Asterisk reads the first [general] of http.conf only. If your http.conf has no [general] (or\n"
                + "; you keep nothing of it), make it   #include hotdesk/" + HTTP + "   otherwise set these three\n"
                + "; lines in its [general] by hand. hotdesk's ari.url must point here (http://" + HTTP_BIND + ":"
                + HTTP_PORT + "/ari).\n"
                + "[general]\n"
                + "enabled = yes\n"
                + "bindaddr = " + HTTP_BIND + "\n"
                + "bindport = " + HTTP_PORT + "\n";
    }

    private static String pjsipNotify(AsteriskConfSettings s) {
        return header(s, PJSIP_NOTIFY, "NOTIFY check-sync entries that make a phone fetch its config again.")
                + ";\n"
                + "; In pjsip_notify.conf add   #include hotdesk/" + PJSIP_NOTIFY + "\n"
                + "; For AMI PJSIPNotify (Option: check-sync) and by hand:\n"
                + ";   pjsip send notify check-sync endpoint hd-0015651234ab\n"
                + "; A semicolon starts a comment in Asterisk config files, so inside a value it is written \\;\n"
                + "[check-sync]\n"
                + "Event => check-sync\n"
                + "\n"
                + "[check-sync-reboot]\n"
                + "Event => check-sync\\;reboot=true\n"
                + "\n"
                + "; what hotdesk sends a Yealink by default (notify.event.yealink)\n"
                + "[yealink-check-cfg]\n"
                + "Event => check-sync\\;reboot=false\n";
    }

    private static String pjsip(AsteriskConfSettings s) {
        return header(s, PJSIP, "the SIP transport every endpoint hotdesk pushes names.")
                + ";\n"
                + "; hotdesk sets transport=" + TRANSPORT + " on every endpoint it pushes (pjsip.transport); an endpoint\n"
                + "; without a working transport cannot be reached. Only if your pjsip.conf has no transport of that\n"
                + "; name, add   #include hotdesk/" + PJSIP + "   to it. If you already have a UDP transport, set\n"
                + "; pjsip.transport in hotdesk to its name instead: two transports cannot bind the same port.\n"
                + "[" + TRANSPORT + "]\n"
                + "type = transport\n"
                + "protocol = udp\n"
                + "bind = 0.0.0.0:5060\n";
    }

    // ---------------------------------------------------------------- README.md

    // ---------------------------------------------------------------- acl_hotdesk.conf

    private static String acl(AsteriskConfSettings s, List<TrustedNetworks.Acl> acls) {
        StringBuilder b = new StringBuilder(header(s, ACL, "the named ACLs desk endpoints name (acl=), so Asterisk takes a "
                + "desk's requests (REGISTER, calls) only from its networks."));
        b.append("; In acl.conf add   #include hotdesk/").append(ACL).append("   then   module reload acl\n");
        b.append("; (hotdesk also reloads it when it sees this file changed). Every desk endpoint names one of these:\n");
        b.append("; its site's when the site has networks (hotdesk site set SITE --networks), else ").append(TrustedNetworks.DEFAULT_ACL)
                .append("\n; (provisioning.allowed-networks). An endpoint naming an ACL Asterisk does not have refuses every\n")
                .append("; request, emergency calls included: hotdesk names one only once Asterisk has it with these networks,\n")
                .append("; so generate this file again after every change of the networks (hotdesk asterisk-conf).\n");
        for (TrustedNetworks.Acl a : acls) {
            b.append("\n; ").append(a.about()).append("\n[").append(a.name()).append("]\n");
            a.lines().forEach(l -> b.append(l).append('\n'));
        }
        return b.toString();
    }

    private static String readme(AsteriskConfSettings s, String dialplan) {
        DialCodePlan c = s.codes();
        StringBuilder b = new StringBuilder();
        b.append("<!-- README.md: how to wire these files into Asterisk 22.\n");
        b.append("     Generated by `hotdesk asterisk-conf --out DIR`. Change the settings and generate again\n");
        b.append("     rather than editing this file. Generated from these settings (secrets left out):\n");
        for (String line : settingsLines(s)) {
            b.append("       ").append(line).append('\n');
        }
        b.append("-->\n");
        b.append("# Asterisk configuration for hotdesk\n\n");
        b.append("These files are generated by `hotdesk asterisk-conf --out DIR` from hotdesk's settings (the feature\n");
        b.append("codes, the FastAGI URL, the idle context, the AMI and ARI users). Change the settings and generate\n");
        b.append("them again rather than editing them. The paths below assume the files are in `/etc/asterisk/hotdesk/`\n");
        b.append("(`#include` paths are relative to `/etc/asterisk`).\n\n");

        b.append("## What goes where\n\n");
        b.append("| file | add to | how |\n|---|---|---|\n");
        b.append("| `").append(EXTENSIONS).append("` | `extensions.conf` | `#include hotdesk/").append(EXTENSIONS)
                .append("` (at the end, outside your contexts) |\n");
        b.append("| `").append(MANAGER).append("` | `manager.conf` | `#include hotdesk/").append(MANAGER)
                .append("`, and set `[general]` by hand (below) |\n");
        b.append("| `").append(ARI).append("` | `ari.conf` | `#include hotdesk/").append(ARI)
                .append("`, and set `[general]` by hand (below) |\n");
        b.append("| `").append(PJSIP_NOTIFY).append("` | `pjsip_notify.conf` | `#include hotdesk/").append(PJSIP_NOTIFY)
                .append("` |\n");
        b.append("| `").append(HTTP).append("` | `http.conf` | `#include hotdesk/").append(HTTP)
                .append("` if `http.conf` has no `[general]`, else merge by hand |\n");
        b.append("| `").append(SORCERY).append("` | `sorcery.conf` | `#include hotdesk/").append(SORCERY)
                .append("` if `sorcery.conf` has no `[res_pjsip]`, else merge by hand |\n");
        b.append("| `").append(ACL).append("` | `acl.conf` | `#include hotdesk/").append(ACL)
                .append("`, then `module reload acl`: desks register only from their site's networks |\n");
        b.append("| `").append(PJSIP).append("` | `pjsip.conf` | `#include hotdesk/").append(PJSIP)
                .append("` only if you have no transport named `").append(TRANSPORT).append("` |\n\n");

        b.append("## Merge by hand\n\n");
        b.append("Asterisk reads only the first `[general]` section of `manager.conf`, `ari.conf` and `http.conf`, and only\n");
        b.append("the first `[res_pjsip]` of `sorcery.conf`; a second one (from an `#include` after yours) is ignored without\n");
        b.append("a warning. So where your file already has that section, put these lines into it:\n\n");
        b.append("- `manager.conf` `[general]`: `enabled = yes`, `bindaddr = 127.0.0.1`, `port = 5038`\n");
        b.append("- `ari.conf` `[general]`: `enabled = yes`\n");
        b.append("- `http.conf` `[general]`: `enabled = yes`, `bindaddr = ").append(HTTP_BIND).append("`, `bindport = ")
                .append(HTTP_PORT).append("`\n");
        if (s.pjsipWizard() == AsteriskConfSettings.PjsipWizard.MEMORY) {
            b.append("- `sorcery.conf` `[res_pjsip]`: the six `endpoint`/`aor`/`auth` lines of `").append(SORCERY).append("`\n");
            b.append("  (config first, then ").append(s.pjsipWizard().sorcery()).append("; if you map these types elsewhere, e.g. realtime,\n");
            b.append("  keep your lines and add the `").append(s.pjsipWizard().sorcery()).append("` lines after them).\n");
        } else {
            b.append("- `sorcery.conf` `[res_pjsip]`: the nine `endpoint`/`aor`/`auth` lines of `").append(SORCERY).append("`\n");
            b.append("  (config first, then the `").append(SORCERY_CACHE).append("` cache, then ").append(s.pjsipWizard().sorcery())
                    .append("; if you map these types elsewhere,\n");
            b.append("  e.g. realtime, keep your lines and add the `").append(SORCERY_CACHE).append("` and `")
                    .append(s.pjsipWizard().sorcery()).append("` lines after them).\n");
        }
        b.append("- `extensions.conf` `[globals]`: `").append(EMERGENCY_TRUNK_VARIABLE).append(" = <your PJSIP trunk endpoint>`,\n");
        b.append("  or `").append(EMERGENCY_CONTEXT_VARIABLE)
                .append(" = <context>` to send emergency calls through a context of your own (it gets\n");
        b.append("  the dialled number as its extension, caller ID already set to the desk's ELIN). Without either,\n");
        b.append("  emergency calls fail with an error in the log: test them. The other globals are optional (see\n");
        b.append("  \"Emergency calls\" below): `").append(EMERGENCY_FALLBACK_VARIABLE).append("`, `").append(SECURITY_DESK_VARIABLE)
                .append("`, `").append(TEST_ROUTE_VARIABLE).append("`.\n");
        b.append("- On the trunk endpoint in `pjsip.conf`: `geoloc_outgoing_call_profile = <prefer_incoming>` (a profile\n");
        b.append("  built into Asterisk), so the desk's civic location goes with the call (below).\n");
        b.append("- Nothing to include in your users' contexts: a desk in use has the context `").append(SEATED_CONTEXT)
                .append("` (below). A user's\n");
        b.append("  own phones (their endpoint, not a desk) keep their context; `include => hotdesk-codes` there only if\n");
        b.append("  they should dial the codes, `include => hotdesk-emergency` only if their emergency calls should take\n");
        b.append("  this route (such a phone has no desk location: no ELIN, no civic location).\n\n");

        b.append("## Desks in use: `").append(SEATED_CONTEXT).append("`\n\n");
        b.append("hotdesk gives every occupied desk line the context `").append(SEATED_CONTEXT)
                .append("` and writes the occupant's own context to\n");
        b.append("AstDB (`hotdesk/desk/<endpoint>/context`) before it pushes the endpoint; it deletes that key when the desk\n");
        b.append("is free again. Asterisk searches a context's own extensions before its includes, an exact extension before\n");
        b.append("any pattern, and patterns by how specific each position is, so the context holds every extension itself:\n\n");
        b.append("1. the emergency numbers (").append(String.join(", ", c.emergency()))
                .append("), exact: always the emergency route, with the **desk's** ELIN and\n");
        b.append("   location (AstDB of the desk endpoint), never the occupant's;\n");
        b.append("2. hotdesk's feature codes, as in the idle context (log out, log in as someone else);\n");
        b.append("3. everything else (`_[0-9*#+]`, `_[0-9*#+].`): `Goto` to the occupant's context with the number\n");
        b.append("   unchanged (`*`, `#`, `+` included), or to `").append(s.defaultContext())
                .append("` (`users.default-context`) when AstDB names none. A number\n");
        b.append("   that context does not have ends with cause 1 (unallocated, a 404 to the phone), as it would had the\n");
        b.append("   phone that context itself.\n\n");
        b.append("So your own contexts need no include of hotdesk's, and a pattern of yours (`_X.`, `_0.`) can no longer\n");
        b.append("take an emergency number or a feature code from a desk. What a desk cannot dial any more: an extension of\n");
        b.append("your context that is itself an emergency number or begins like a feature code (hotdesk's come first), and\n");
        b.append("names with letters (only digits, `*`, `#`, `+` are passed on). The call keeps the occupant's caller ID,\n");
        b.append("account code and variables; `${CONTEXT}` reads `").append(SEATED_CONTEXT)
                .append("` until the `Goto`, the user's context after it.\n\n");
        b.append("## Secrets to change\n\n");
        b.append("`").append(MANAGER).append("` (two `secret`s) and `").append(ARI).append("` (`password`) hold the AMI secrets\n");
        b.append("and ARI password. Change them, here (or in hotdesk's settings before generating) **and** in hotdesk\n");
        b.append("(`ami.secret`, `ami.test-secret`, `ari.password`). The shipped values end in `change-me`. Keep these two files readable by\n");
        b.append("Asterisk only: `hotdesk asterisk-conf` creates them with mode 640 and the group of their directory, and\n");
        b.append("keeps the mode, owner and group of files it replaces.\n\n");

        b.append("## Feature codes\n\n");
        b.append("| dial | does | AGI script |\n|---|---|---|\n");
        for (String code : c.login()) {
            b.append("| `").append(code).append("`EXT, or `").append(code)
                    .append("` alone | log in as EXT, the PIN is asked for | `hotdesk-login` |\n");
        }
        for (String code : c.loginStar()) {
            b.append("| `").append(code).append("`EXT`*`, or `").append(code)
                    .append("` alone | the same | `hotdesk-login` |\n");
        }
        for (String code : c.otp()) {
            b.append("| `").append(code).append("` + ").append(DialCodePlan.OTP_DIGITS)
                    .append(" digits, `#` at the end optional | log in with a one-time code | `hotdesk-otp` |\n");
        }
        for (String code : c.logout()) {
            b.append("| `").append(code).append("` | log out | `hotdesk-logout` |\n");
        }
        b.append("| ").append(String.join(", ", c.emergency().stream().map(n -> "`" + n + "`").toList()))
                .append(" | emergency, from free desks too | none |\n\n");
        b.append("Free desks (context `").append(s.idleContext()).append("`) can dial only these")
                .append(s.idleInternalCalls() ? " and internal numbers (`" + s.internalPattern() + "`)" : "").append(";\n");
        b.append("anything else is refused with the prompt `").append(REFUSED_SOUND).append("`. The scripts speak the\n");
        b.append("outcome and set `HOTDESK_RESULT`; `[hotdesk-result]` closes the call for each result. If hotdesk cannot\n");
        b.append("be reached, the caller hears `").append(UNAVAILABLE_SOUND).append("`, never silence.\n\n");

        b.append("## Emergency calls\n\n");
        b.append("Free desks (`").append(s.idleContext()).append("`) and desks in use (`").append(SEATED_CONTEXT)
                .append("`) send the emergency numbers to `[hotdesk-emergency]`,\n");
        b.append("plain static dialplan: no AGI, nothing of hotdesk but the desk's facts in AstDB, which Asterisk keeps\n");
        b.append("across restarts. For every call, before the `Dial` and without delaying it, the route\n\n");
        b.append("- reads `hotdesk/desk/<endpoint>/elin`, `/where` and `/civic` of the calling desk endpoint and sets caller\n");
        b.append("  ID number = ELIN, caller ID name = where text (a desk without an ELIN keeps its caller ID: hotdesk warns);\n");
        b.append("- puts the civic location on the channel (`GEOLOC_PROFILE`, inherited by the trunk channel): with\n");
        b.append("  `geoloc_outgoing_call_profile = <prefer_incoming>` on the trunk endpoint, `res_pjsip_geolocation` sends it as\n");
        b.append("  a `Geolocation: <cid:…>` header with a PIDF-LO body (civicAddress) in the INVITE. Without that setting the\n");
        b.append("  location is silently not sent. hotdesk cannot know whether your carrier reads it: many trunks drop\n");
        b.append("  the body and take the location from the ELIN's registered address (keep that record current);\n");
        b.append("- sends the AMI user event `HotdeskEmergency` (`Desk`, `Number`, `ELIN`, `Where`, `Civic`, `Channel`,\n");
        b.append("  `Test: no`), which a running hotdesk logs at ERROR, audits and posts to its webhook;\n");
        b.append("- if `").append(SECURITY_DESK_VARIABLE).append("` is set in `[globals]` to a dial string (`PJSIP/200`, or\n");
        b.append("  `Local/200@internal` for a ring group of yours), rings it with `Originate(…,a)`: asynchronously, on a\n");
        b.append("  channel of its own, for ").append(SECURITY_RING_SECONDS)
                .append(" s. It shows the where text (else the ELIN) as caller name and the number\n");
        b.append("  dialled as caller number, and once answered says the number dialled, then the ELIN, twice. The\n");
        b.append("  emergency call never waits for it; a value without `tech/resource` form is skipped (Originate would\n");
        b.append("  end the emergency call).\n\n");
        b.append("Then it dials `PJSIP/<number>@").append("${").append(EMERGENCY_TRUNK_VARIABLE).append("}`, or goes to `${")
                .append(EMERGENCY_CONTEXT_VARIABLE).append("}` when that is set. A failed `Dial`\n");
        b.append("(trunk down, congestion, `CHANUNAVAIL`, busy) or no route at all is logged at ERROR and tried again on\n");
        b.append("`").append(EMERGENCY_FALLBACK_VARIABLE).append("`: a context of that name that has the number, else a PJSIP endpoint (a second trunk;\n");
        b.append("a context wins over an endpoint of the same name). If that fails too, or none is set, an ERROR says\n");
        b.append("the call was given up and the caller hears `please-try-again`. An emergency context of your own may end in\n");
        b.append("`Goto(hotdesk-emergency-fallback,${EXTEN},1)` to get the same fallback.\n\n");
        b.append("`hotdesk emergency test --desk MAC` originates into `[").append(TEST_CONTEXT)
                .append("]`: the same announcement with `Test: yes`,\n");
        b.append("the security desk only with `--ring-security`, and the call goes to `[").append(TEST_ANSWER_CONTEXT)
                .append("]` (or the context\n");
        b.append("named by `").append(TEST_ROUTE_VARIABLE)
                .append("`), which answers and reports what arrived, never to the trunk or the fallback.\n\n");
        b.append("What hotdesk cannot guarantee: that the carrier honours the ELIN as caller ID or reads the PIDF-LO; that\n");
        b.append("a desk's location fields are true (moving a phone moves its location only when someone changes it in\n");
        b.append("hotdesk); that the modules are loaded (a missing `app_userevent`, `app_originate` or `app_dial` ends\n");
        b.append("the emergency call at that step: `hotdesk serve` and `hotdesk doctor` check them, below).\n\n");
        b.append("### Emergency calls work with hotdesk down\n\n");
        b.append("The route needs nothing of hotdesk but the desk's facts (ELIN, where, civic, context), which\n");
        b.append("hotdesk stores in Asterisk's own database (AstDB `hotdesk/desk/<endpoint>/elin`) and Asterisk keeps across\n");
        if (s.pjsipWizard() == AsteriskConfSettings.PjsipWizard.MEMORY) {
            b.append("restarts. One limit: desk endpoints are pushed over ARI into Asterisk's memory. If Asterisk restarts while\n");
            b.append("hotdesk is down, the desks cannot place any call until hotdesk is back and has pushed them again (seconds\n");
            b.append("after it starts). Keep hotdesk running as a service beside Asterisk, or generate with\n");
            b.append("`asterisk.pjsip-wizard=astdb` (the default), which keeps the pushed objects in AstDB across restarts.\n\n");
        } else {
            b.append("restarts. The desk endpoints hotdesk pushes are kept in AstDB too (`asterisk.pjsip-wizard=astdb`), so an\n");
            b.append("Asterisk restart while hotdesk is down leaves every desk able to call, as it was last pushed (checked\n");
            b.append("on a real Asterisk 22). A desk removed while Asterisk or hotdesk was down keeps its account only until\n");
            b.append("hotdesk sees Asterisk up (AMI FullyBooted) and deletes it. The SIP passwords of the pushed auths are then\n");
            b.append("in Asterisk's astdb.sqlite3: protect that file like pjsip.conf.\n\n");
            b.append("A memory cache (`").append(SORCERY_CACHE).append("`, caches `hotdesk-endpoint`, `hotdesk-aor`, `hotdesk-auth`) sits in\n");
            b.append("front of AstDB and is required: AstDB alone parses every object again on each lookup (each SIP request,\n");
            b.append("and every endpoint for each new AOR, so N pushed desks cost N×N reads); under a login rush Asterisk's\n");
            b.append("sorcery queues overflowed and it stopped answering INVITEs. Pushes over ARI update the cache at once;\n");
            b.append("change the `hotdesk-pjsip` family only over ARI (after a `database put/del` run\n");
            b.append("`sorcery memory cache populate hotdesk-endpoint`, and -aor, -auth).\n\n");
        }

        b.append("## Ringing a user everywhere\n\n");
        b.append("`Gosub(hotdesk-dial,s,1(101))` (optional second argument: ring time in seconds) rings every device of 101\n");
        b.append("at once, the desk they sit at included. `Dial(PJSIP/101)` rings only one of them. With nothing registered\n");
        b.append("it sets `DIALSTATUS=CHANUNAVAIL` without dialling, so voicemail can follow as usual.\n\n");

        b.append("## Messages in Asterisk's log\n\n");
        b.append("- `Endpoint …: Option 'stir_shaken' is no longer supported.  Use 'stir_shaken_profile' instead.` (WARNING),\n");
        b.append("  once for every endpoint hotdesk updates over ARI (a login, a logout, a changed user or desk): Asterisk 22\n");
        b.append("  updates an object by copying it field by field, and that removed option is among the fields it copies.\n");
        b.append("  hotdesk never sends it; the endpoint is updated as asked.\n");
        b.append("- `Named ACL 'hotdesk-…' occurs multiple times in ACL definition` and `Error parsing acl=hotdesk-…`\n");
        b.append("  (ERROR), rarely: hotdesk created an endpoint it had reason to think missing (after an Asterisk restart,\n");
        b.append("  objects not written since) that something else had put there; Asterisk refuses the desk's ACL a second\n");
        b.append("  time and hotdesk updates that endpoint as it is instead. Nothing is left out of sync (`hotdesk status`).\n\n");

        b.append("## Modules Asterisk must load\n\n");
        b.append("Asterisk ends a call at the first dialplan application it lacks, and a missing function reads as\n");
        b.append("empty. `hotdesk serve` checks these with AMI `ModuleCheck` when it connects and after every restart\n");
        b.append("of Asterisk (an ERROR names each one missing), and so does `hotdesk doctor`. With `autoload = yes`\n");
        b.append("in `modules.conf` they are all there unless a `noload` line removes one.\n\n");
        b.append("| module | needed for |\n|---|---|\n");
        RequiredModules.of(dialplan, s.pjsipWizard().toString())
                .forEach((module, why) -> b.append("| `").append(module).append("` | ").append(why).append(" |\n"));
        return b.toString();
    }
}
