package hotdesk.core.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Map.entry;

/**
 * The Asterisk 22 modules hotdesk needs, in one place: those of its own adapters (PJSIP, NOTIFY, ARI
 * push, the sorcery wizard) and those providing every application and function its generated
 * dialplan uses. {@code serve} checks them with AMI {@code ModuleCheck} after every FullyBooted, and
 * the Asterisk files' README lists them. A missing module fails no load: the call that reaches the
 * missing application ends (the emergency route included), so they must be checked.
 *
 * <p>The dialplan's modules are derived from the dialplan text itself ({@link #forDialplan}), so a new
 * application in the generated dialplan cannot be forgotten here: one this class does not know is an
 * error naming it. Pure and thread-safe.
 */
public final class RequiredModules {

    /**
     * Applications and functions Asterisk 22's core provides itself ({@code core show application X}
     * says "Provided By: builtin").
     */
    public static final Set<String> BUILTIN = Set.of("Answer", "BackGround", "Busy", "Congestion", "ExecIfTime", "Goto",
            "GotoIf", "GotoIfTime", "Hangup", "MSet", "NoOp", "Progress", "RaiseException", "Ringing",
            "SayDigits", "SayNumber", "Set", "Wait", "WaitExten", "EXCEPTION");

    /**
     * Module of each application and function hotdesk's dialplan may use, as Asterisk 22.10.1 reports
     * it ({@code core show application X} / {@code core show function X}, "Provided By").
     */
    public static final Map<String, String> PROVIDERS = Map.ofEntries(
            entry("AGI", "res_agi"),
            entry("Dial", "app_dial"),
            entry("ExecIf", "app_exec"),
            entry("Gosub", "app_stack"),
            entry("Return", "app_stack"),
            entry("LOCAL", "app_stack"),
            entry("Log", "app_verbose"),
            entry("Verbose", "app_verbose"),
            entry("Playback", "app_playback"),
            entry("Read", "app_read"),
            entry("CALLERID", "func_callerid"),
            entry("CHANNEL", "func_channel"),
            entry("DB", "func_db"),
            entry("DB_EXISTS", "func_db"),
            entry("DIALPLAN_EXISTS", "func_dialplan"),
            entry("IF", "func_logic"),
            entry("ISNULL", "func_logic"),
            entry("LEN", "func_strings"),
            entry("PJSIP_DIAL_CONTACTS", "chan_pjsip"),
            entry("UserEvent", "app_userevent"),
            entry("Originate", "app_originate"),
            entry("GEOLOC_PROFILE", "res_geolocation"),
            entry("DEVICE_STATE", "func_devstate"),
            entry("GROUP", "func_groupcount"),
            entry("GROUP_COUNT", "func_groupcount"));

    private static final Pattern EXTEN = Pattern.compile("^\\s*exten\\s*=>\\s*[^,]+,\\s*[^,]+?,\\s*(.*)$");
    private static final Pattern SAME = Pattern.compile("^\\s*same\\s*=>\\s*[^,]+?,\\s*(.*)$");
    private static final Pattern APPLICATION = Pattern.compile("^([A-Za-z][A-Za-z0-9_]*)\\(");
    private static final Pattern FUNCTION = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9_]*)\\(");
    /** A function written to by Set: {@code Set(CALLERID(num)=…)}, {@code Set(LOCAL(x)=…)}. */
    private static final Pattern WRITTEN = Pattern.compile("(?:^|[(,?:])\\s*([A-Z][A-Z0-9_]*)\\([^()]*\\)=");
    /** The application ExecIf runs: {@code ExecIf(cond?App(args))}. */
    private static final Pattern EXEC_IF = Pattern.compile("\\?([A-Za-z][A-Za-z0-9_]*)\\(");

    private RequiredModules() {
    }

    /**
     * Every module hotdesk needs with this dialplan and this sorcery wizard, module name (without
     * {@code .so}) → what needs it, sorted by name.
     *
     * @param dialplan    the generated {@code extensions_hotdesk.conf}
     * @param pjsipWizard {@code asterisk.pjsip-wizard}: {@code memory} or {@code astdb}
     * @throws IllegalArgumentException for another wizard, or an application or function the dialplan
     *                                  uses that is neither builtin nor in {@link #PROVIDERS}
     */
    public static Map<String, String> of(String dialplan, String pjsipWizard) {
        Map<String, String> all = new TreeMap<>(forHotdesk(pjsipWizard));
        forDialplan(dialplan).forEach((module, usedFor) -> all.merge(module, usedFor, (a, b) -> a + "; " + b));
        return Collections.unmodifiableMap(all);
    }

    /** The modules of hotdesk's own adapters, module → what needs it. */
    public static Map<String, String> forHotdesk(String pjsipWizard) {
        if (!"memory".equals(pjsipWizard) && !"astdb".equals(pjsipWizard)) {
            throw new IllegalArgumentException("asterisk.pjsip-wizard must be memory or astdb, got '" + pjsipWizard + "'");
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("pbx_config", "extensions.conf, which includes the hotdesk dialplan");
        m.put("res_pjsip", "the PJSIP endpoints, aors and auths of desks and users");
        m.put("chan_pjsip", "calls to and from PJSIP endpoints");
        m.put("res_pjsip_session", "calls on PJSIP endpoints (INVITE sessions)");
        m.put("res_sorcery_config", "pjsip.conf objects beside the pushed ones (sorcery's config wizard)");
        m.put("res_pjsip_registrar", "desk phones registering their hd-<mac> accounts");
        m.put("res_pjsip_authenticator_digest", "desk phones authenticating with their generated secret");
        m.put("res_pjsip_endpoint_identifier_user", "identifying a desk phone by its user name");
        m.put("res_pjsip_notify", "AMI PJSIPNotify, the check-sync that makes a phone fetch its config");
        m.put("res_ari", "ARI, which pushes the PJSIP objects");
        m.put("res_pjsip_geolocation", "the desk's civic location as PIDF-LO in the INVITE to the emergency trunk"
                + " (geoloc_outgoing_call_profile on the trunk endpoint)");
        m.put("res_ari_asterisk", "ARI /asterisk/config/dynamic, the push itself");
        m.put("res_sorcery_" + pjsipWizard, "the sorcery wizard the pushed objects live in (asterisk.pjsip-wizard="
                + pjsipWizard + ")");
        if ("astdb".equals(pjsipWizard)) {
            m.put("res_sorcery_memory_cache", "the memory cache in front of the astdb wizard (without it every SIP"
                    + " request and every pushed AOR re-reads objects from AstDB, and PJSIP stalls under load)");
        }
        return m;
    }

    /**
     * The modules providing every application and function {@code dialplan} uses, module → which of
     * them (e.g. {@code res_agi → AGI()}).
     *
     * @throws IllegalArgumentException naming an application or function that is neither builtin nor
     *                                  in {@link #PROVIDERS}
     */
    public static Map<String, String> forDialplan(String dialplan) {
        Map<String, Set<String>> used = new TreeMap<>();
        for (String line : dialplan.split("\n")) {
            String body = body(line);
            if (body == null) {
                continue;
            }
            Matcher app = APPLICATION.matcher(body);
            if (app.find()) {
                use(used, app.group(1));
                if (app.group(1).equals("ExecIf")) {
                    Matcher inner = EXEC_IF.matcher(body);
                    while (inner.find()) {
                        use(used, inner.group(1));
                    }
                }
            }
            for (Pattern p : new Pattern[] {FUNCTION, WRITTEN}) {
                Matcher f = p.matcher(body);
                while (f.find()) {
                    use(used, f.group(1));
                }
            }
        }
        Map<String, String> modules = new TreeMap<>();
        used.forEach((module, names) -> modules.put(module, String.join(", ", names) + " in the hotdesk dialplan"));
        return modules;
    }

    /** What follows the priority of an {@code exten =>} or {@code same =>} line, else null. */
    private static String body(String line) {
        if (line.stripLeading().startsWith(";")) {
            return null;
        }
        Matcher m = EXTEN.matcher(line);
        if (m.matches()) {
            return m.group(1);
        }
        m = SAME.matcher(line);
        return m.matches() ? m.group(1) : null;
    }

    private static void use(Map<String, Set<String>> used, String name) {
        if (BUILTIN.contains(name)) {
            return;
        }
        String module = PROVIDERS.get(name);
        if (module == null) {
            throw new IllegalArgumentException("the dialplan uses " + name + "(), which RequiredModules does not know: add"
                    + " the Asterisk module that provides it (core show application " + name + " / core show function "
                    + name + ", 'Provided By') to RequiredModules.PROVIDERS");
        }
        used.computeIfAbsent(module, k -> new TreeSet<>()).add(name + "()");
    }
}
