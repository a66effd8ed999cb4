package hotdesk.core.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Asterisk modules the generated configuration needs, by name without {@code .so} (AMI
 * {@code ModuleCheck} accepts both). One list for every check ({@code hotdesk doctor}, the start of
 * {@code serve}) and for {@code asterisk-conf/README.md}. Pure.
 */
public final class RequiredModules {

    /** Every module the dialplan, AMI and ARI use, the sorcery wizard aside. */
    private static final List<String> COMMON = List.of(
            "pbx_config",                        // extensions.conf, the dialplan itself
            "res_agi",                           // AGI(agi://…): every feature code
            "app_stack",                         // Gosub, Return, LOCAL()
            "app_playback",                      // the result prompts
            "app_dial",                          // Dial: hotdesk-dial and the emergency route
            "func_db",                           // DB(): desk occupant and ELIN from AstDB
            "func_channel",                      // CHANNEL(endpoint): which desk is calling
            "func_callerid",                     // CALLERID(): the ELIN on emergency calls
            "func_dialplan",                     // DIALPLAN_EXISTS: the result prompt of each outcome
            "func_logic",                        // IF()
            "chan_pjsip",                        // PJSIP/ channels, PJSIP_DIAL_CONTACTS
            "res_pjsip",
            "res_pjsip_session",                 // calls on PJSIP endpoints
            "res_pjsip_registrar",               // desk phones register
            "res_pjsip_authenticator_digest",    // with their desk secret
            "res_pjsip_endpoint_identifier_user",
            "res_pjsip_notify",                  // PJSIPNotify check-sync
            "res_sorcery_config",                // pjsip.conf objects beside the pushed ones
            "res_ari",                           // ARI push of PJSIP objects
            "res_ari_asterisk");                 // /ari/asterisk/config/dynamic/…

    private RequiredModules() {
    }

    /**
     * The modules for a sorcery wizard: {@code memory} adds {@code res_sorcery_memory}, {@code astdb}
     * adds {@code res_sorcery_astdb}.
     *
     * @throws IllegalArgumentException naming {@code asterisk.pjsip-wizard} for any other value
     */
    public static List<String> forWizard(String wizard) {
        String w = wizard == null ? "" : wizard.trim().toLowerCase(Locale.ROOT);
        List<String> all = new ArrayList<>(COMMON);
        switch (w) {
            case "memory" -> all.add("res_sorcery_memory");
            case "astdb" -> all.add("res_sorcery_astdb");
            default -> throw new IllegalArgumentException("asterisk.pjsip-wizard must be memory or astdb, got '" + wizard + "'");
        }
        return List.copyOf(all);
    }
}
