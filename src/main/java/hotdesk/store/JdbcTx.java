package hotdesk.store;

import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.CivicLocation;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Device;
import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.OtpRecord;
import hotdesk.core.model.Site;
import hotdesk.core.model.Target;
import hotdesk.core.port.LedgerTx;
import hotdesk.store.SqlErrors.Conflict;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * One transaction's view: each {@link LedgerTx} method goes to the table group that holds its tables, all of them
 * on one connection ({@link Statements}). Lives for one work; not thread-safe.
 */
final class JdbcTx implements LedgerTx {

    private final Statements statements;
    private final JdbcUsers users;
    private final JdbcDesks desks;
    private final JdbcSeating seating;
    private final JdbcLockouts lockouts;
    private final JdbcCredentials credentials;
    private final JdbcRecords records;
    private final JdbcRevisions revisions;

    JdbcTx(Connection c, boolean readOnly, SqlErrors errors, String shownUrl, LongConsumer saw) {
        statements = new Statements(c, readOnly, errors, shownUrl.startsWith("jdbc:h2:"));
        users = new JdbcUsers(statements);
        desks = new JdbcDesks(statements);
        seating = new JdbcSeating(statements);
        lockouts = new JdbcLockouts(statements);
        credentials = new JdbcCredentials(statements);
        records = new JdbcRecords(statements);
        revisions = new JdbcRevisions(statements, shownUrl, saw);
    }

    /** Takes the global write lock; a write transaction does so before its work. */
    void lockLedger() {
        revisions.lockLedger();
    }

    /** The work returned or threw: every later call fails. */
    void finish() {
        statements.finish();
    }

    /** A conflict a statement hit, even one the work caught; null when none. */
    Conflict conflict() {
        return statements.conflict;
    }

    /** Whether the work bumped a revision. */
    boolean bumped() {
        return revisions.bumped;
    }

    /** The latest revision this transaction read or gave. */
    long latest() {
        return revisions.latest;
    }

    // ---- users
    @Override
    public Optional<hotdesk.core.model.User> user(Extension extension) {
        return users.user(extension);
    }

    @Override
    public boolean anyExtensionOfLength(int digits) {
        return users.anyExtensionOfLength(digits);
    }
    @Override
    public List<hotdesk.core.model.User> users() {
        return users.users();
    }
    @Override
    public void insertUser(hotdesk.core.model.User user) {
        users.insertUser(user);
    }
    @Override
    public void insertUsers(List<hotdesk.core.model.User> users) {
        this.users.insertUsers(users);
    }
    @Override
    public void updateUser(hotdesk.core.model.User user) {
        users.updateUser(user);
    }
    @Override
    public void deleteUser(Extension extension) {
        users.deleteUser(extension);
    }

    // ---- devices and their lines
    @Override
    public Optional<Device> device(Mac mac) {
        return desks.device(mac);
    }
    @Override
    public List<Device> devices() {
        return desks.devices();
    }
    @Override
    public void insertDevice(Device device, List<DeskLine> lines) {
        desks.insertDevice(device, lines);
    }
    @Override
    public void updateDevice(Device device) {
        desks.updateDevice(device);
    }
    @Override
    public void deleteDevice(Mac mac) {
        desks.deleteDevice(mac);
    }
    @Override
    public Optional<DeskLine> line(String endpointId) {
        return desks.line(endpointId);
    }
    @Override
    public List<DeskLine> lines() {
        return desks.lines();
    }
    @Override
    public List<DeskLine> linesOf(Mac mac) {
        return desks.linesOf(mac);
    }
    @Override
    public void recordFetch(Mac mac, Instant at, String remoteAddress, String userAgent) {
        records.recordFetch(mac, at, remoteAddress, userAgent);
    }

    @Override
    public void recordFetches(List<hotdesk.core.model.ConfigFetch> fetches) {
        records.recordFetches(fetches);
    }
    @Override
    public Map<Mac, Instant> lastFetches() {
        return records.lastFetches();
    }
    @Override
    public Optional<Instant> lastFetch(Mac mac) {
        return records.lastFetch(mac);
    }

    @Override
    public void recordServedFile(hotdesk.core.model.ServedFile file) {
        records.recordServedFile(file);
    }

    @Override
    public List<hotdesk.core.model.ServedFile> servedFiles(Mac mac) {
        return records.servedFiles(mac);
    }
    @Override
    public void addProvisions(Mac mac, long n) {
        desks.addProvisions(mac, n);
    }
    @Override
    public void resetProvisions(Mac mac, Instant at) {
        desks.resetProvisions(mac, at);
    }
    @Override
    public hotdesk.core.model.ProvisionCount provisionCount(Mac mac) {
        return desks.provisionCount(mac);
    }
    @Override
    public Map<Mac, hotdesk.core.model.ProvisionCount> provisionCounts() {
        return desks.provisionCounts();
    }

    // ---- sites and the desks' own location fields
    @Override
    public Optional<Site> site(String name) {
        return desks.site(name);
    }
    @Override
    public List<Site> sites() {
        return desks.sites();
    }
    @Override
    public void insertSite(Site site) {
        desks.insertSite(site);
    }
    @Override
    public void updateSite(Site site) {
        desks.updateSite(site);
    }
    @Override
    public void deleteSite(String name) {
        desks.deleteSite(name);
    }
    @Override
    public CivicLocation deskLocation(Mac mac) {
        return desks.deskLocation(mac);
    }
    @Override
    public Map<Mac, CivicLocation> deskLocations() {
        return desks.deskLocations();
    }
    @Override
    public void setDeskLocation(Mac mac, CivicLocation location) {
        desks.setDeskLocation(mac, location);
    }

    // ---- auto-logout rules of sites and desks
    @Override
    public Map<String, hotdesk.core.model.AutoLogoutOverride> autoLogoutOverrides(String scope) {
        return seating.autoLogoutOverrides(scope);
    }
    @Override
    public void setAutoLogoutOverride(String scope, String name, hotdesk.core.model.AutoLogoutOverride override) {
        seating.setAutoLogoutOverride(scope, name, override);
    }

    // ---- occupancy and history
    @Override
    public Optional<Occupancy> occupancyOfLine(String endpointId) {
        return seating.occupancyOfLine(endpointId);
    }
    @Override
    public List<Occupancy> seatsOfUser(Extension extension) {
        return seating.seatsOfUser(extension);
    }
    @Override
    public List<Occupancy> occupancies() {
        return seating.occupancies();
    }
    @Override
    public List<String> recentDesks(Extension extension, Instant since, int max) {
        return seating.recentDesks(extension, since, max);
    }
    @Override
    public Map<String, hotdesk.core.model.SessionRecord> lastSessions(java.util.Set<String> endpointIds, Instant since) {
        return seating.lastSessions(endpointIds, since);
    }
    @Override
    public void occupy(Occupancy occupancy) {
        seating.occupy(occupancy);
    }
    @Override
    public void occupyAlongside(Occupancy occupancy) {
        seating.occupyAlongside(occupancy);
    }
    @Override
    public Optional<Occupancy> vacate(String endpointId, Instant at, EndReason reason) {
        return seating.vacate(endpointId, at, reason);
    }
    @Override
    public void touch(String endpointId, Instant at) {
        seating.touch(endpointId, at);
    }
    @Override
    public List<hotdesk.core.model.SessionRecord> sessionsBetween(Instant from, Instant to) {
        return seating.sessionsBetween(from, to);
    }

    // ---- one-time codes
    @Override
    public void replaceOtp(Extension extension, OtpRecord otp) {
        lockouts.replaceOtp(extension, otp);
    }
    @Override
    public List<OtpRecord> liveOtps(Instant now) {
        return lockouts.liveOtps(now);
    }
    @Override
    public void consumeOtp(long id, Instant at) {
        lockouts.consumeOtp(id, at);
    }

    // ---- failures and lockout
    @Override
    public void recordFailure(String key, Instant at) {
        lockouts.recordFailure(key, at);
    }
    @Override
    public List<Instant> failureTimes(String key, Instant since) {
        return lockouts.failureTimes(key, since);
    }
    @Override
    public Map<String, List<Instant>> failureTimes(java.util.Set<String> keys, Instant since) {
        return lockouts.failureTimes(keys, since);
    }

    @Override
    public Map<String, Integer> failureCounts(String keyPrefix, Instant since) {
        return lockouts.failureCounts(keyPrefix, since);
    }
    @Override
    public int failuresSince(String key, Instant since) {
        return lockouts.failuresSince(key, since);
    }
    @Override
    public Optional<Instant> lastFailure(String key) {
        return lockouts.lastFailure(key);
    }
    @Override
    public void clearFailures(String key) {
        lockouts.clearFailures(key);
    }

    // ---- audit
    @Override
    public void audit(AuditEntry entry) {
        records.audit(entry);
    }
    @Override
    public void auditAll(List<AuditEntry> entries) {
        records.auditAll(entries);
    }
    @Override
    public List<AuditEntry> auditTail(int max) {
        return records.auditTail(max);
    }
    @Override
    public List<hotdesk.core.model.AuditLine> auditPage(hotdesk.core.model.AuditQuery query) {
        return records.auditPage(query);
    }

    // ---- retention
    @Override
    public int pruneAudit(Instant before, int max) {
        return records.pruneAudit(before, max);
    }
    @Override
    public int pruneFetches(Instant before, int max) {
        return records.pruneFetches(before, max);
    }
    @Override
    public int pruneFailures(Instant before, int max) {
        return records.pruneFailures(before, max);
    }
    @Override
    public long countAuditBefore(Instant before) {
        return records.countAuditBefore(before);
    }
    @Override
    public long countFetchesBefore(Instant before) {
        return records.countFetchesBefore(before);
    }
    @Override
    public long countFailuresBefore(Instant before) {
        return records.countFailuresBefore(before);
    }

    // ---- revisions for the reconciler
    @Override
    public void bump(Target... targets) {
        revisions.bump(targets);
    }
    @Override
    public long latestRevision() {
        return revisions.latestRevision();
    }
    @Override
    public long revision(Target target) {
        return revisions.revision(target);
    }
    @Override
    public Map<Target, Long> revisions() {
        return revisions.revisions();
    }
    @Override
    public Map<Target, Long> revisions(java.util.Collection<Target> targets) {
        return revisions.revisions(targets);
    }
    @Override
    public Map<String, DeskLineFacts> deskLineFacts(java.util.Collection<String> endpointIds) {
        List<JdbcDesks.LineRow> rows = desks.linesWithDevices(endpointIds);
        Map<String, Occupancy> seats = new java.util.HashMap<>();
        seating.occupanciesOfLines(rows.stream().map(r -> r.line().endpointId()).toList())
                .forEach(o -> seats.put(o.endpointId(), o));
        Map<Extension, hotdesk.core.model.User> occupants = new java.util.HashMap<>();
        users.users(seats.values().stream().map(Occupancy::extension).toList()).forEach(u -> occupants.put(u.extension(), u));
        Map<String, DeskLineFacts> out = new java.util.HashMap<>();
        for (JdbcDesks.LineRow r : rows) {
            Optional<Occupancy> seat = Optional.ofNullable(seats.get(r.line().endpointId()));
            out.put(r.line().endpointId(), new DeskLineFacts(r.line(), r.device(), r.location(), seat,
                    seat.map(o -> occupants.get(o.extension()))));
        }
        return out;
    }
    @Override
    public Map<Extension, UserFacts> userFacts(java.util.Collection<Extension> extensions) {
        List<hotdesk.core.model.User> found = users.users(extensions);
        Map<Extension, List<Occupancy>> seats = new java.util.HashMap<>();
        seating.seatsOfUsers(found.stream().map(hotdesk.core.model.User::extension).toList())
                .forEach(o -> seats.computeIfAbsent(o.extension(), k -> new java.util.ArrayList<>()).add(o));
        Map<Extension, UserFacts> out = new java.util.HashMap<>();
        for (hotdesk.core.model.User u : found) {
            List<Occupancy> of = new java.util.ArrayList<>(seats.getOrDefault(u.extension(), List.of()));
            of.sort(java.util.Comparator.comparing(Occupancy::endpointId)); // as seatsOfUser orders them
            out.put(u.extension(), new UserFacts(u, List.copyOf(of)));
        }
        return out;
    }
    @Override
    public void dropRevision(Target target) {
        revisions.dropRevision(target);
    }

    // ---- applied state (per node)
    @Override
    public Map<Target, Long> applied(String node) {
        return revisions.applied(node);
    }
    @Override
    public void markApplied(String node, Target target, long revision, Instant at) {
        revisions.markApplied(node, target, revision, at);
    }
    @Override
    public void markFailed(String node, Target target, Instant at, String error) {
        revisions.markFailed(node, target, at, error);
    }
    @Override
    public Optional<String> lastError(String node, Target target) {
        return revisions.lastError(node, target);
    }
    @Override
    public Map<Target, String> lastErrors(String node) {
        return revisions.lastErrors(node);
    }

    // ---- login receipts (per node): check-sync sent, contacts registered
    @Override
    public void putNotice(String node, hotdesk.core.model.Notice notice) {
        revisions.putNotice(node, notice);
    }
    @Override
    public Map<String, hotdesk.core.model.Notice> notices(String node) {
        return revisions.notices(node);
    }
    @Override
    public void putContact(String node, hotdesk.core.model.PhoneContact contact) {
        revisions.putContact(node, contact);
    }
    @Override
    public boolean deleteContact(String node, String aor, String uri) {
        return revisions.deleteContact(node, aor, uri);
    }
    @Override
    public void deleteContacts(String node) {
        revisions.deleteContacts(node);
    }
    @Override
    public Map<String, List<hotdesk.core.model.PhoneContact>> contacts(String node) {
        return revisions.contacts(node);
    }

    // ---- board accounts and their sessions
    @Override
    public Optional<hotdesk.core.model.AdminAccount> adminAccount(String name) {
        return credentials.adminAccount(name);
    }
    @Override
    public List<hotdesk.core.model.AdminAccount> adminAccounts() {
        return credentials.adminAccounts();
    }
    @Override
    public void insertAdminAccount(hotdesk.core.model.AdminAccount account) {
        credentials.insertAdminAccount(account);
    }
    @Override
    public boolean deleteAdminAccount(String name) {
        return credentials.deleteAdminAccount(name);
    }
    @Override
    public void insertAdminSession(hotdesk.core.model.AdminSession session) {
        credentials.insertAdminSession(session);
    }
    @Override
    public Optional<hotdesk.core.model.AdminSession> adminSession(String tokenHash) {
        return credentials.adminSession(tokenHash);
    }
    @Override
    public void deleteAdminSession(String tokenHash) {
        credentials.deleteAdminSession(tokenHash);
    }
    @Override
    public int deleteExpiredAdminSessions(Instant now) {
        return credentials.deleteExpiredAdminSessions(now);
    }

    // ---- self-service API tokens and desk QR keys
    @Override
    public long insertApiToken(hotdesk.core.model.ApiToken token) {
        return credentials.insertApiToken(token);
    }
    @Override
    public Optional<hotdesk.core.model.ApiToken> apiTokenByHash(String tokenHash) {
        return credentials.apiTokenByHash(tokenHash);
    }
    @Override
    public List<hotdesk.core.model.ApiToken> apiTokens() {
        return credentials.apiTokens();
    }
    @Override
    public boolean revokeApiToken(long id, Instant at) {
        return credentials.revokeApiToken(id, at);
    }
    @Override
    public void touchApiToken(long id, Instant at) {
        credentials.touchApiToken(id, at);
    }
    @Override
    public Optional<hotdesk.core.model.DeskKey> deskKeyOf(String endpointId) {
        return credentials.deskKeyOf(endpointId);
    }
    @Override
    public Optional<hotdesk.core.model.DeskKey> deskKeyByHash(String keyHash) {
        return credentials.deskKeyByHash(keyHash);
    }
    @Override
    public void putDeskKey(hotdesk.core.model.DeskKey key) {
        credentials.putDeskKey(key);
    }
    @Override
    public boolean deleteDeskKey(String endpointId) {
        return credentials.deleteDeskKey(endpointId);
    }

    // ---- per-device provisioning credentials
    @Override
    public Optional<hotdesk.core.model.DeviceCredential> deviceCredential(Mac mac) {
        return credentials.deviceCredential(mac);
    }
    @Override
    public void putDeviceCredential(hotdesk.core.model.DeviceCredential credential) {
        credentials.putDeviceCredential(credential);
    }
    @Override
    public boolean deleteDeviceCredential(Mac mac) {
        return credentials.deleteDeviceCredential(mac);
    }
    @Override
    public List<hotdesk.core.model.UserKey> keysOf(Extension extension) {
        return users.keysOf(extension);
    }
    @Override
    public Map<Extension, List<hotdesk.core.model.UserKey>> allKeys() {
        return users.allKeys();
    }
    @Override
    public void setKeys(Extension extension, List<hotdesk.core.model.UserKey> keys) {
        users.setKeys(extension, keys);
    }
}
