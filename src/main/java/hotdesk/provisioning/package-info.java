/**
 * The HTTP provisioning server: a desk phone fetches its configuration file, rendered on request from
 * the ledger through {@link hotdesk.core.usecase.ProvisionDesk}.
 *
 * <p>Holds the HTTP listener (a plain Jetty handler) and its security checks ({@link ProvisioningServer}), the vendor
 * profiles that compute what a phone's file must say and which file names and User-Agent forms its phones
 * use ({@link VendorProfile}, {@link VendorProfiles}: Yealink, Polycom, Grandstream with its HT8xx gateways,
 * Snom, Fanvil, Cisco MPP; the vendor-neutral part in {@link DeskModel}, the feature codes in {@link DialCodes})
 * and the Velocity renderer that only formats those values ({@link TemplateRenderer}), and the bounds
 * against abusive clients ({@link RefusalLimiter}, {@link RequestDeadline}). Depends on the core,
 * Jetty (the one Javalin brings), Velocity and SLF4J; never on another adapter.
 */
package hotdesk.provisioning;
