package hotdesk.cli;

import hotdesk.core.usecase.DeskStatus;
import hotdesk.core.usecase.IssueOtp;
import hotdesk.core.usecase.LocateDesks;
import hotdesk.core.usecase.LogOut;
import hotdesk.core.usecase.ManageDevices;
import hotdesk.core.usecase.ManageSites;
import hotdesk.core.usecase.ManageUsers;

/**
 * What admin commands need, provided by the application: the use cases on the configured ledger.
 * Implementations open the ledger lazily, on the first call, so {@code --help} needs no database.
 */
public interface CliContext {

    ManageUsers users();

    ManageDevices devices();

    IssueOtp otp();

    LogOut logOut();

    DeskStatus status();

    ManageSites sites();

    /** Desks' own location fields and where each desk is for emergency calls. */
    LocateDesks locations();

    /** Where secrets given without a value on the command line are read from. */
    SecretInput secretInput();

    /** The node whose applied state {@code status} reports. */
    String node();
}
