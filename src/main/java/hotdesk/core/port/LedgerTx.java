package hotdesk.core.port;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.CivicLocation;
import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.OtpRecord;
import hotdesk.core.model.Site;
import hotdesk.core.model.Target;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a use case may read and write inside one ledger transaction. Not thread-safe: it lives for
 * one {@link Ledger#transact} call. Lists come back in a stable order (extension, MAC, endpoint id).
 */
public interface LedgerTx {

    // ---- users
    Optional<hotdesk.core.model.User> user(Extension extension);

    List<hotdesk.core.model.User> users();

    /**
     * Whether some user's extension has exactly {@code digits} digits. An extension typed at a desk with a length no
     * user has cannot name anyone: its digits were mistyped or lost on the way (typed before the prompt listened).
     */
    boolean anyExtensionOfLength(int digits);

    /** Inserts a new user; throws {@link DuplicateException} when the extension exists. */
    void insertUser(hotdesk.core.model.User user);

    /**
     * Inserts new users as {@link #insertUser} does each, in few round trips (a bulk import's thousands).
     * All or none: when an extension exists (or is in the list twice) it throws {@link DuplicateException}
     * naming it, inserts none of them, and the transaction stays usable.
     */
    void insertUsers(List<hotdesk.core.model.User> users);

    /** Replaces every field of an existing user. */
    void updateUser(hotdesk.core.model.User user);

    void deleteUser(Extension extension);

    // ---- devices and their lines
    Optional<Device> device(Mac mac);

    List<Device> devices();

    /** Inserts a device and its lines; throws {@link DuplicateException} when the MAC exists. */
    void insertDevice(Device device, List<DeskLine> lines);

    /**
     * Replaces the fields of an existing device (not its MAC, not its lines); IllegalStateException when
     * there is no such device.
     */
    void updateDevice(Device device);

    /** Deletes a device and its lines (occupancy must be ended first). */
    void deleteDevice(Mac mac);

    Optional<DeskLine> line(String endpointId);

    List<DeskLine> lines();

    List<DeskLine> linesOf(Mac mac);

    /** Records a configuration fetch by the device. */
    void recordFetch(Mac mac, Instant at, String remoteAddress, String userAgent);

    /** Records each fetch as {@link #recordFetch} does, in the list's order, in few round trips. */
    void recordFetches(List<hotdesk.core.model.ConfigFetch> fetches);

    /** The time of each device's most recent configuration fetch; devices that never fetched are absent. */
    Map<Mac, Instant> lastFetches();

    /** When this desk's phone last fetched a file, if ever (its own row of {@link #lastFetches()}, read alone). */
    Optional<Instant> lastFetch(Mac mac);

    /**
     * Keeps what a desk's phone was last served under this file name (masked, see
     * {@link hotdesk.core.model.ServedFile}), replacing the one before; nothing when the device no longer
     * exists (a desk removed since its fetch). A file without its text whose masked digest is the one kept
     * keeps the text kept (the same file served again). Removing the device removes its served files.
     */
    void recordServedFile(hotdesk.core.model.ServedFile file);

    /** The files last served to this desk, by file name; empty when it never fetched since hotdesk kept them. */
    List<hotdesk.core.model.ServedFile> servedFiles(Mac mac);

    /** Adds {@code n} served files to a desk's provision count; nothing when the device no longer exists. */
    void addProvisions(Mac mac, long n);

    /** Sets a desk's provision count to 0, reset at {@code at}; nothing when the device does not exist. */
    void resetProvisions(Mac mac, Instant at);

    /** A desk's provision count; {@link hotdesk.core.model.ProvisionCount#NONE} when it has none. */
    hotdesk.core.model.ProvisionCount provisionCount(Mac mac);

    /** Every desk's provision count; desks that have none are absent. */
    Map<Mac, hotdesk.core.model.ProvisionCount> provisionCounts();

    // ---- sites and the desks' own location fields
    Optional<Site> site(String name);

    /** Every site, by name. */
    List<Site> sites();

    /** Inserts a new site; throws {@link DuplicateException} when the name exists. */
    void insertSite(Site site);

    /** Replaces every field of an existing site; IllegalStateException when there is none of that name. */
    void updateSite(Site site);

    /** Deletes a site; no error when there is none. Devices naming it keep their (now unknown) site. */
    void deleteSite(String name);

    /** The device's own location fields ({@code CivicField.DESK}); empty when it has none or is unknown. */
    CivicLocation deskLocation(Mac mac);

    /** The own location fields of every device that has any, by MAC. */
    Map<Mac, CivicLocation> deskLocations();

    /** Replaces the device's own location fields; IllegalStateException when there is no such device. */
    void setDeskLocation(Mac mac, CivicLocation location);

    // ---- auto-logout rules of sites and desks
    /** The overrides of one scope ({@code site}: by site name, {@code desk}: by MAC value), by name. */
    Map<String, hotdesk.core.model.AutoLogoutOverride> autoLogoutOverrides(String scope);

    /** Replaces the override of one site or desk; an empty one deletes it. */
    void setAutoLogoutOverride(String scope, String name, hotdesk.core.model.AutoLogoutOverride override);

    // ---- occupancy and history
    Optional<Occupancy> occupancyOfLine(String endpointId);

    /**
     * Where the user sits, by endpoint id: one desk line at most, several only for seats taken
     * with {@link #occupyAlongside} (multi-login {@code allow}).
     */
    List<Occupancy> seatsOfUser(Extension extension);

    List<Occupancy> occupancies();

    /**
     * The desk lines {@code extension} sat at most recently: those they sit at now first, then those of
     * their sessions started at or after {@code since}, latest start first, each once; at most {@code max}.
     */
    List<String> recentDesks(Extension extension, Instant since, int max);

    /**
     * The last finished session of each of {@code endpointIds} that ended at or after {@code since}, by
     * endpoint id; lines without one are absent. Reads only those lines' history when they are few.
     */
    Map<String, hotdesk.core.model.SessionRecord> lastSessions(java.util.Set<String> endpointIds, Instant since);

    /**
     * Seats a user at a free line as their one seat: the line must be free and the user must have no
     * other seat but those taken {@link #occupyAlongside alongside} others ({@link DuplicateException}).
     */
    void occupy(Occupancy occupancy);

    /**
     * Seats a user at a free line as one of several seats (multi-login {@code allow}): only the line
     * must be free ({@link DuplicateException}).
     */
    void occupyAlongside(Occupancy occupancy);

    /**
     * Ends the occupancy of the line and writes it to the session history; returns the occupancy it ended. No-op
     * (empty) when free.
     */
    Optional<Occupancy> vacate(String endpointId, Instant at, EndReason reason);

    /** Moves last activity of the line's occupancy forward (calls made or received). */
    void touch(String endpointId, Instant at);

    /**
     * Finished sessions that overlap {@code [from, to)} (started before {@code to}, ended after
     * {@code from}), oldest start first; open sessions are {@link #occupancies()}.
     */
    List<hotdesk.core.model.SessionRecord> sessionsBetween(Instant from, Instant to);

    // ---- one-time codes
    /** Replaces any code of the user with this one (issuing a new code voids the old). */
    void replaceOtp(Extension extension, OtpRecord otp);

    /** Codes not used and not expired at {@code now}. */
    List<OtpRecord> liveOtps(Instant now);

    /** Marks a code used so it cannot be used again. */
    void consumeOtp(long id, Instant at);

    // ---- failures and lockout
    /**
     * Records one failed login under {@code key}: {@code desk:<endpoint>}, {@code user:<ext>},
     * {@code at:<ext>@<endpoint>}, {@code code:<ext>} (see LogIn's key methods).
     */
    void recordFailure(String key, Instant at);

    /** The times of the failures of {@code key} at or after {@code since}, oldest first. */
    List<Instant> failureTimes(String key, Instant since);

    /**
     * {@link #failureTimes(String, Instant)} of each of {@code keys} in one read (a login's lockout check): every key
     * asked is in the map, with an empty list when it has no failures at or after {@code since}.
     */
    Map<String, List<Instant>> failureTimes(java.util.Set<String> keys, Instant since);

    /**
     * Every key that starts with {@code keyPrefix} and has failures at or after {@code since}, with
     * their number, in key order. {@code keyPrefix} is plain text (no pattern characters matter).
     */
    Map<String, Integer> failureCounts(String keyPrefix, Instant since);

    /** Number of failures for {@code key} at or after {@code since}. */
    int failuresSince(String key, Instant since);

    /** Time of the most recent failure for {@code key}, if any. */
    Optional<Instant> lastFailure(String key);

    void clearFailures(String key);

    // ---- audit
    void audit(AuditEntry entry);

    /** Writes the entries as {@link #audit} does each, in the list's order, in few round trips. */
    void auditAll(List<AuditEntry> entries);

    List<AuditEntry> auditTail(int max);

    /** One page of the audit lines that match, newest (highest id) first. */
    List<hotdesk.core.model.AuditLine> auditPage(hotdesk.core.model.AuditQuery query);

    // ---- retention
    /**
     * Deletes at most {@code max} audit lines that occurred before {@code before}, oldest first; returns
     * how many it deleted (fewer than {@code max}: none older is left).
     */
    int pruneAudit(Instant before, int max);

    /** Deletes at most {@code max} fetch records from before {@code before}, oldest first; returns how many. */
    int pruneFetches(Instant before, int max);

    /** Deletes at most {@code max} login failures recorded before {@code before}, oldest first; returns how many. */
    int pruneFailures(Instant before, int max);

    /** How many audit lines occurred before {@code before}: what pruning at that cut would delete in all. */
    long countAuditBefore(Instant before);

    /** How many fetch records are from before {@code before}. */
    long countFetchesBefore(Instant before);

    /** How many login failures were recorded before {@code before}. */
    long countFailuresBefore(Instant before);

    // ---- revisions for the reconciler
    /** Gives each target a new revision, higher than every revision before. */
    void bump(Target... targets);

    /** The highest revision ever given (0 when none). Cheap: the reconciler polls it. */
    long latestRevision();

    /** The current revision of one target (0 when it has none). */
    long revision(Target target);

    /** Every target with its current revision. */
    Map<Target, Long> revisions();

    /**
     * The current revision of each of these targets, read at once (0 for one that has none, as {@link #revision}
     * answers): a full push after an Asterisk restart reads its targets a few dozen at a time instead of one by one.
     */
    Map<Target, Long> revisions(java.util.Collection<Target> targets);

    /**
     * What pushing a desk line needs, as one read: the line, its device with the desk's own location fields, and who
     * sits there. {@code seat} and {@code occupant} are empty for an idle line; {@code occupant} is empty too when the
     * seat names a user who is gone (the reader then treats the line as idle, as reading them one by one would).
     */
    record DeskLineFacts(DeskLine line, Device device, CivicLocation location, Optional<Occupancy> seat,
                         Optional<hotdesk.core.model.User> occupant) {
    }

    /** {@link DeskLineFacts} of each of these desk lines, read at once; a line that is not there is absent. */
    Map<String, DeskLineFacts> deskLineFacts(java.util.Collection<String> endpointIds);

    /** A user and where they sit (by endpoint id, as {@link #seatsOfUser} answers). */
    record UserFacts(hotdesk.core.model.User user, List<Occupancy> seats) {
    }

    /** {@link UserFacts} of each of these users, read at once; a user who is not there is absent. */
    Map<Extension, UserFacts> userFacts(java.util.Collection<Extension> extensions);

    /** Forgets a target (after its objects were removed from Asterisk). */
    void dropRevision(Target target);

    // ---- applied state (per node)
    /** What this node last applied successfully per target. */
    Map<Target, Long> applied(String node);

    void markApplied(String node, Target target, long revision, Instant at);

    /** Records the last error for the target; the applied revision stays what it was. */
    void markFailed(String node, Target target, Instant at, String error);

    Optional<String> lastError(String node, Target target);

    /** Every target whose last push on this node failed, with its error (one read for many desks). */
    Map<Target, String> lastErrors(String node);

    // ---- login receipts (per node): check-sync sent, contacts registered
    /** Records what this node told a desk's phone, replacing what it recorded before for that desk line. */
    void putNotice(String node, hotdesk.core.model.Notice notice);

    /** This node's latest notice per desk line, by endpoint id. */
    Map<String, hotdesk.core.model.Notice> notices(String node);

    /** Records a contact registered on an AOR (the same AOR and URI again replaces it). */
    void putContact(String node, hotdesk.core.model.PhoneContact contact);

    /** Forgets one contact; false when there was none. */
    boolean deleteContact(String node, String aor, String uri);

    /** Forgets every contact this node recorded (before recording Asterisk's full list again). */
    void deleteContacts(String node);

    /** This node's contacts per AOR, oldest first. */
    Map<String, List<hotdesk.core.model.PhoneContact>> contacts(String node);

    // ---- board accounts and their sessions
    Optional<hotdesk.core.model.AdminAccount> adminAccount(String name);

    /** Every account, by name. */
    List<hotdesk.core.model.AdminAccount> adminAccounts();

    /** Inserts a new account; throws {@link DuplicateException} when the name exists. */
    void insertAdminAccount(hotdesk.core.model.AdminAccount account);

    /** Deletes the account and every session of it; false when there was none. */
    boolean deleteAdminAccount(String name);

    /** Stores a new session (its token hash is unique; the account must exist). */
    void insertAdminSession(hotdesk.core.model.AdminSession session);

    /** The session of this token hash, expired or not. */
    Optional<hotdesk.core.model.AdminSession> adminSession(String tokenHash);

    /** Ends one session; no error when there is none. */
    void deleteAdminSession(String tokenHash);

    /** Deletes the sessions that expired at or before {@code now}; returns how many. */
    int deleteExpiredAdminSessions(Instant now);
    // ---- self-service API tokens and desk QR keys
    /** Stores a new token (its {@code id} is ignored) and returns the id it was given; its hash is unique. */
    long insertApiToken(hotdesk.core.model.ApiToken token);

    /** The token of this hash, revoked or not. */
    Optional<hotdesk.core.model.ApiToken> apiTokenByHash(String tokenHash);

    /** Every token, revoked ones included, by id. */
    List<hotdesk.core.model.ApiToken> apiTokens();

    /** Marks the token revoked at {@code at}; false when there is no such token or it was revoked already. */
    boolean revokeApiToken(long id, Instant at);

    /** Records that the token was used at {@code at}. */
    void touchApiToken(long id, Instant at);

    /** The QR key of a desk line, if it has one. */
    Optional<hotdesk.core.model.DeskKey> deskKeyOf(String endpointId);

    /** The desk line key of this hash. */
    Optional<hotdesk.core.model.DeskKey> deskKeyByHash(String keyHash);

    /** Gives the line this key, replacing any key it had (the line must exist). */
    void putDeskKey(hotdesk.core.model.DeskKey key);

    /** Deletes the line's key; false when it had none. */
    boolean deleteDeskKey(String endpointId);

    // ---- per-device provisioning credentials
    /** The device's provisioning credential, if it has one. */
    Optional<hotdesk.core.model.DeviceCredential> deviceCredential(Mac mac);

    /** Gives the device this credential, replacing any it had (the device must exist). */
    void putDeviceCredential(hotdesk.core.model.DeviceCredential credential);

    /** Deletes the device's credential; false when it had none. */
    boolean deleteDeviceCredential(Mac mac);

    /** The user's own keys ({@link hotdesk.core.model.UserKey}), by position; empty when they have none. */
    List<hotdesk.core.model.UserKey> keysOf(Extension extension);

    /** Every user's keys (users without keys left out), by extension and position. */
    Map<Extension, List<hotdesk.core.model.UserKey>> allKeys();

    /**
     * Replaces the user's keys with {@code keys} (positions unique; empty: none). The keys go with the user
     * when the user is removed.
     */
    void setKeys(Extension extension, List<hotdesk.core.model.UserKey> keys);
}
