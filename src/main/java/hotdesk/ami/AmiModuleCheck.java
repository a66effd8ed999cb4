package hotdesk.ami;

import hotdesk.core.port.PbxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks Asterisk, with AMI {@code ModuleCheck}, whether every module hotdesk and its generated
 * dialplan need is loaded, and logs an ERROR naming each one that is not: a missing application
 * does not fail at load time but ends the call that reaches it (the emergency route included).
 *
 * <p>Asterisk 22 answers {@code Response: Success} with an empty {@code Version} for a loaded module
 * and {@code Error / Module not loaded} for one that is absent, not loaded or misspelled; the name
 * is given without {@code .so} (Asterisk accepts both). {@code ModuleCheck} is of class {@code
 * system}, which the AMI user has already. Run on the link's callback thread, never on its reader.
 */
final class AmiModuleCheck {

    private static final Logger LOG = LoggerFactory.getLogger(AmiModuleCheck.class);
    private static final String NOT_LOADED = "Module not loaded";

    private final AmiActions actions;
    private final Map<String, String> required;
    private final String where;

    /**
     * @param required module name (without {@code .so}) → what needs it, for the log line
     * @throws IllegalArgumentException for a name that is not lower-case letters, digits and {@code _}
     *                                  (so also one with {@code .so}), or without what needs it
     */
    AmiModuleCheck(AmiActions actions, Map<String, String> required, String where) {
        required.forEach((module, usedFor) -> {
            if (module == null || !module.matches("[a-z][a-z0-9_]*")) {
                throw new IllegalArgumentException("required Asterisk module must be a module name without .so (letters, digits, _), like"
                        + " app_dial, got '" + (module == null ? "null" : AmiText.shown(module)) + "'");
            }
            if (usedFor == null || usedFor.isBlank()) {
                throw new IllegalArgumentException("required Asterisk module " + module + " must say what needs it");
            }
        });
        this.actions = actions;
        this.required = new LinkedHashMap<>(required);
        this.where = where;
    }

    /**
     * Checks every module: ERROR per missing one, one INFO line when all are there, a WARN when
     * Asterisk could not be asked (the next FullyBooted asks again).
     *
     * @return the missing modules, in the order given; empty also when the check could not finish
     */
    List<String> run() {
        if (required.isEmpty()) {
            return List.of();
        }
        List<String> missing = new ArrayList<>();
        try {
            for (Map.Entry<String, String> m : required.entrySet()) {
                String what = "ModuleCheck " + m.getKey();
                AmiMessage answer = actions.call(what, "ModuleCheck", "Module", m.getKey());
                if (answer.isSuccess()) {
                    continue;
                }
                if (!(answer.isError() && NOT_LOADED.equals(answer.get("Message")))) {
                    throw actions.refused(what, answer);
                }
                missing.add(m.getKey());
                LOG.error("Asterisk at {} has no module {} loaded, needed for {}: install it and load it (module load {}.so,"
                        + " and not noload in modules.conf)", where, m.getKey(), m.getValue(), m.getKey());
            }
        } catch (PbxException e) {
            LOG.warn("could not check the Asterisk modules hotdesk needs: {}; checking again after the next FullyBooted",
                    e.getMessage());
            return List.of();
        }
        if (missing.isEmpty()) {
            LOG.info("Asterisk at {} has the {} modules hotdesk needs", where, required.size());
        }
        return missing;
    }
}
