package hotdesk.cli;

import hotdesk.core.port.OccupancyCharts;
import hotdesk.core.usecase.DeskStatus;
import hotdesk.core.usecase.IssueOtp;
import hotdesk.core.usecase.LocateDesks;
import hotdesk.core.usecase.LogOut;
import hotdesk.core.usecase.ManageAdmins;
import hotdesk.core.usecase.ManageDevices;
import hotdesk.core.usecase.ManageSites;
import hotdesk.core.usecase.ManageUsers;
import hotdesk.core.usecase.Unlock;
import hotdesk.core.usecase.OccupancyReport;

import java.time.ZoneId;

/**
 * What admin commands need, provided by the application: the use cases on the configured ledger.
 * Implementations open the ledger lazily, on the first call, so {@code --help} needs no database.
 */
public interface CliContext {

    ManageUsers users();

    /** Users' own speed-dial and BLF keys. */
    hotdesk.core.usecase.ManageKeys keys();

    /** Who may sign in to the desk board. */
    ManageAdmins admins();

    ManageDevices devices();

    IssueOtp otp();

    LogOut logOut();

    DeskStatus status();

    OccupancyReport occupancy();

    OccupancyCharts charts();

    /** The time zone reports use unless told otherwise ({@code provisioning.timezone}). */
    ZoneId zone();
    /** Clears failure counters (user unlock, device unlock). */
    Unlock unlock();

    ManageSites sites();

    /** Desks' own location fields and where each desk is for emergency calls. */
    LocateDesks locations();

    /** Where secrets given without a value on the command line are read from. */
    SecretInput secretInput();

    /** The auto-logout rules of the settings, sites and desks ({@code hotdesk auto-logout}); never runs a pass. */
    hotdesk.core.usecase.AutoLogout autoLogout();

    /** The audit trail ({@code hotdesk audit}). */
    hotdesk.core.usecase.ReadAudit audit();

    /** Now, for options relative to it ({@code --since 24h}). */
    java.time.Clock clock();

    /** {@code provisioning.max-provisions}: 0 when the provision counter is off (list and status show no count). */
    default long maxProvisions() {
        return 0;
    }

    /**
     * The global phone values desks fall back to when neither they nor their site have one ({@code provisioning.sip-server},
     * {@code sip-port}, {@code sip-transport}, {@code ntp-server}, {@code timezone}, {@code registration-expiry}).
     */
    hotdesk.core.model.DeskPhoneSettings phoneDefaults();

    /** The node whose applied state {@code status} reports. */
    String node();

    /** The self-service listener's API tokens ({@code hotdesk user token}, {@code hotdesk api-token}). */
    hotdesk.core.usecase.ApiTokens apiTokens();

    /** The keys of desks' QR stickers ({@code hotdesk device qr}). */
    hotdesk.core.usecase.DeskKeys deskKeys();

    /** Desk phones' provisioning credentials ({@code hotdesk device credentials}). */
    hotdesk.core.usecase.DeviceLogins deviceLogins();

    /** Draws QR stickers. */
    hotdesk.core.port.QrStickers qrStickers();

    /** {@code self-service.public-url} without a trailing slash; empty when unset. */
    java.util.Optional<String> selfServiceUrl();

    /** The file a desk phone would get now ({@code hotdesk provision render|diff}); records no fetch. */
    hotdesk.core.usecase.PreviewDeskFile deskFiles();
}
