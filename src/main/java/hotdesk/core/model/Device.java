package hotdesk.core.model;

import java.util.Objects;

/**
 * A shared desk phone (or gateway), identified by its MAC.
 *
 * @param vendor provisioning profile, e.g. {@code yealink}
 * @param model  model name as the admin gave it, e.g. {@code T54W}
 * @param label  what the idle phone shows and the idle caller ID name
 * @param site   free-form location, for reports
 * @param elin   emergency location number presented on emergency calls, empty for none
 * @param phones what this desk's phone is told instead of its site's and the global values (SIP server, port,
 *               transport, NTP, time zone, registration expiry); {@link DeskPhoneSettings#NONE}: nothing of its own.
 *               Every line of a gateway shares them.
 */
public record Device(Mac mac, String vendor, String model, String label, String site, String elin, boolean enabled,
                     DeskPhoneSettings phones) {
    public Device {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(model, "model");
        label = label == null || label.isBlank() ? "Hot desk " + mac.value().substring(6) : label;
        site = site == null ? "" : site;
        elin = elin == null ? "" : elin;
        phones = Objects.requireNonNullElse(phones, DeskPhoneSettings.NONE);
    }

    /** A device whose phone takes its site's and the global values. */
    public Device(Mac mac, String vendor, String model, String label, String site, String elin, boolean enabled) {
        this(mac, vendor, model, label, site, elin, enabled, DeskPhoneSettings.NONE);
    }

    /** This device with other phone settings of its own. */
    public Device withPhones(DeskPhoneSettings phones) {
        return new Device(mac, vendor, model, label, site, elin, enabled, phones);
    }
}
