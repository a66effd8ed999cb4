package hotdesk.testing;

import hotdesk.core.model.AdminAccount;
import hotdesk.core.model.AdminSession;
import hotdesk.core.model.AuditEntry;
import hotdesk.core.model.CivicField;
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
import hotdesk.core.model.User;
import hotdesk.core.port.DuplicateException;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerException;
import hotdesk.core.port.LedgerTx;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A ledger in memory for core tests. Transactions are serialised and really roll back: the work runs
 * on a copy of the state that replaces the original only when the work returns normally. It keeps
 * the references the database keeps (a seat needs its line and user; a seated user or an occupied
 * line cannot be deleted), so a use case that forgets to end a session fails here as it would there.
 */
public final class InMemoryLedger implements Ledger {

    /** A finished desk session, as the history holds it. */
    public record Ended(String endpointId, Extension extension, Instant since, Instant until, EndReason reason) {
    }

    public record Fetch(Mac mac, Instant at, String remote, String userAgent) {
    }

    private static final class State {
        Map<Extension, User> users = new TreeMap<>();
        Map<Mac, Device> devices = new TreeMap<>(Comparator.comparing(Mac::value));
        Map<String, DeskLine> lines = new TreeMap<>();
        Map<String, Occupancy> occupancy = new TreeMap<>();
        /** Lines whose occupancy is one of several seats of its user (multi-login allow). */
        java.util.Set<String> alongside = new java.util.HashSet<>();
        List<Ended> history = new ArrayList<>();
        List<OtpRecord> otps = new ArrayList<>();
        Map<Long, Instant> otpUsed = new HashMap<>();
        long otpSeq;
        Map<String, List<Instant>> failures = new HashMap<>();
        List<AuditEntry> audit = new ArrayList<>();
        Map<String, Map<String, hotdesk.core.model.AutoLogoutOverride>> autoLogout = new HashMap<>();
        Map<Target, Long> revisions = new HashMap<>();
        long revision;
        Map<String, Map<Target, Long>> applied = new HashMap<>();
        Map<String, Map<Target, String>> errors = new HashMap<>();
        List<Fetch> fetches = new ArrayList<>();
        Map<Mac, hotdesk.core.model.ProvisionCount> provisions = new LinkedHashMap<>();
        Map<String, Site> sites = new TreeMap<>();
        Map<Mac, CivicLocation> locations = new HashMap<>();
        Map<String, AdminAccount> admins = new TreeMap<>();
        Map<String, AdminSession> adminSessions = new HashMap<>();
        Map<Long, hotdesk.core.model.ApiToken> apiTokens = new TreeMap<>();
        long apiTokenSeq;
        Map<String, hotdesk.core.model.DeskKey> deskKeys = new TreeMap<>();
        Map<String, Map<String, hotdesk.core.model.Notice>> notices = new HashMap<>();
        Map<String, Map<List<String>, hotdesk.core.model.PhoneContact>> contacts = new HashMap<>();
        Map<Mac, hotdesk.core.model.DeviceCredential> credentials = new HashMap<>();
        Map<Extension, List<hotdesk.core.model.UserKey>> userKeys = new TreeMap<>();
        /** By MAC value, then file name. */
        Map<List<String>, hotdesk.core.model.ServedFile> servedFiles = new HashMap<>();

        State copy() {
            State c = new State();
            c.users = new TreeMap<>(users);
            c.devices = new TreeMap<>(Comparator.comparing(Mac::value));
            c.devices.putAll(devices);
            c.lines = new TreeMap<>(lines);
            c.occupancy = new TreeMap<>(occupancy);
            c.alongside = new java.util.HashSet<>(alongside);
            c.history = new ArrayList<>(history);
            c.otps = new ArrayList<>(otps);
            c.otpUsed = new HashMap<>(otpUsed);
            c.otpSeq = otpSeq;
            failures.forEach((k, v) -> c.failures.put(k, new ArrayList<>(v)));
            c.audit = new ArrayList<>(audit);
            c.autoLogout = new HashMap<>(autoLogout);
            c.revisions = new HashMap<>(revisions);
            c.revision = revision;
            applied.forEach((k, v) -> c.applied.put(k, new HashMap<>(v)));
            errors.forEach((k, v) -> c.errors.put(k, new HashMap<>(v)));
            c.fetches = new ArrayList<>(fetches);
            c.provisions = new LinkedHashMap<>(provisions);
            c.admins = new TreeMap<>(admins);
            c.adminSessions = new HashMap<>(adminSessions);
            c.apiTokens = new TreeMap<>(apiTokens);
            c.apiTokenSeq = apiTokenSeq;
            c.deskKeys = new TreeMap<>(deskKeys);
            notices.forEach((k, v) -> c.notices.put(k, new TreeMap<>(v)));
            contacts.forEach((k, v) -> c.contacts.put(k, new LinkedHashMap<>(v)));
            c.credentials = new HashMap<>(credentials);
            c.userKeys = new TreeMap<>(userKeys);
            c.servedFiles = new HashMap<>(servedFiles);
            c.sites = new TreeMap<>(sites);
            c.locations = new HashMap<>(locations);
            return c;
        }
    }

    private State state = new State();

    @Override
    public synchronized <T> T transact(Work<T> work) {
        State working = state.copy();
        T result = work.run(new Tx(working));
        state = working;
        return result;
    }

    /** Every commit goes through this object, so it always knows the latest revision. */
    @Override
    public synchronized java.util.OptionalLong latestKnownRevision() {
        return java.util.OptionalLong.of(state.revision);
    }

    public synchronized List<Ended> history() {
        return List.copyOf(state.history);
    }

    public synchronized List<AuditEntry> audit() {
        return List.copyOf(state.audit);
    }

    public synchronized List<Fetch> fetches() {
        return List.copyOf(state.fetches);
    }

    private static final class Tx implements LedgerTx {
        private final State s;

        Tx(State s) {
            this.s = s;
        }

        @Override
        public Optional<User> user(Extension extension) {
            return Optional.ofNullable(s.users.get(extension));
        }

        @Override
        public List<User> users() {
            return List.copyOf(s.users.values());
        }

        @Override
        public boolean anyExtensionOfLength(int digits) {
            return s.users.keySet().stream().anyMatch(e -> e.value().length() == digits);
        }

        @Override
        public void insertUser(User user) {
            if (s.users.containsKey(user.extension())) {
                throw new DuplicateException("user " + user.extension() + " exists");
            }
            s.users.put(user.extension(), user);
        }

        @Override
        public void insertUsers(List<User> users) {
            java.util.Set<Extension> seen = new java.util.HashSet<>();
            for (User u : users) {
                if (s.users.containsKey(u.extension()) || !seen.add(u.extension())) {
                    throw new DuplicateException("user " + u.extension() + " exists");
                }
            }
            users.forEach(u -> s.users.put(u.extension(), u));
        }

        @Override
        public void updateUser(User user) {
            if (!s.users.containsKey(user.extension())) {
                throw new IllegalStateException("no user " + user.extension());
            }
            s.users.put(user.extension(), user);
        }

        @Override
        public void deleteUser(Extension extension) {
            // like the database's foreign key: a seated user's session must be ended first
            seatsOfUser(extension).stream().findFirst().ifPresent(o -> {
                throw new LedgerException("user " + extension + " is still seated at " + o.endpointId(), null);
            });
            s.users.remove(extension);
            s.userKeys.remove(extension); // like the database's cascade
            s.otps.removeIf(o -> o.extension().equals(extension));
            // like the database's cascade: a user's API tokens go with the user
            s.apiTokens.values().removeIf(t -> t.scope() == hotdesk.core.model.ApiToken.Scope.USER
                    && t.subject().equals(extension.value()));
        }

        @Override
        public Optional<Device> device(Mac mac) {
            return Optional.ofNullable(s.devices.get(mac));
        }

        @Override
        public List<Device> devices() {
            return List.copyOf(s.devices.values());
        }

        @Override
        public void insertDevice(Device device, List<DeskLine> lines) {
            if (s.devices.containsKey(device.mac())) {
                throw new DuplicateException("device " + device.mac() + " exists");
            }
            s.devices.put(device.mac(), device);
            lines.forEach(l -> s.lines.put(l.endpointId(), l));
        }

        @Override
        public void updateDevice(Device device) {
            if (!s.devices.containsKey(device.mac())) {
                throw new IllegalStateException("no device " + device.mac().display());
            }
            s.devices.put(device.mac(), device);
        }

        @Override
        public void deleteDevice(Mac mac) {
            linesOf(mac).stream().filter(l -> s.occupancy.containsKey(l.endpointId())).findFirst().ifPresent(l -> {
                throw new LedgerException("desk line " + l.endpointId() + " is still occupied", null);
            });
            s.devices.remove(mac);
            s.provisions.remove(mac);
            s.credentials.remove(mac);
            s.servedFiles.keySet().removeIf(k -> k.get(0).equals(mac.value()));
            s.locations.remove(mac);
            s.deskKeys.keySet().removeIf(ep -> s.lines.containsKey(ep) && s.lines.get(ep).mac().equals(mac));
            s.lines.values().removeIf(l -> l.mac().equals(mac));
        }

        @Override
        public Optional<DeskLine> line(String endpointId) {
            return Optional.ofNullable(s.lines.get(endpointId));
        }

        @Override
        public List<DeskLine> lines() {
            return List.copyOf(s.lines.values());
        }

        @Override
        public List<DeskLine> linesOf(Mac mac) {
            return s.lines.values().stream().filter(l -> l.mac().equals(mac))
                    .sorted(Comparator.comparingInt(DeskLine::port)).toList();
        }

        @Override
        public void recordFetch(Mac mac, Instant at, String remoteAddress, String userAgent) {
            s.fetches.add(new Fetch(mac, at, remoteAddress, userAgent));
        }

        @Override
        public void recordFetches(List<hotdesk.core.model.ConfigFetch> fetches) {
            for (hotdesk.core.model.ConfigFetch f : fetches) {
                recordFetch(f.mac(), f.at(), f.remoteAddress(), f.userAgent());
            }
        }

        @Override
        public int pruneAudit(Instant before, int max) {
            return prune(s.audit, a -> a.at().isBefore(before), AuditEntry::at, max);
        }

        @Override
        public int pruneFetches(Instant before, int max) {
            return prune(s.fetches, f -> f.at().isBefore(before), Fetch::at, max);
        }

        @Override
        public int pruneFailures(Instant before, int max) {
            int removed = 0;
            while (removed < max) {
                java.util.Map.Entry<String, List<Instant>> oldest = null;
                for (java.util.Map.Entry<String, List<Instant>> e : s.failures.entrySet()) {
                    Instant first = e.getValue().stream().min(Comparator.naturalOrder()).orElse(null);
                    if (first != null && first.isBefore(before) && (oldest == null
                            || first.isBefore(oldest.getValue().stream().min(Comparator.naturalOrder()).orElseThrow()))) {
                        oldest = e;
                    }
                }
                if (oldest == null) {
                    break;
                }
                List<Instant> times = new ArrayList<>(oldest.getValue());
                times.remove(times.stream().min(Comparator.naturalOrder()).orElseThrow());
                s.failures.put(oldest.getKey(), times);
                removed++;
            }
            s.failures.values().removeIf(List::isEmpty);
            return removed;
        }

        @Override
        public long countAuditBefore(Instant before) {
            return s.audit.stream().filter(a -> a.at().isBefore(before)).count();
        }

        @Override
        public long countFailuresBefore(Instant before) {
            return s.failures.values().stream().flatMap(List::stream).filter(t -> t.isBefore(before)).count();
        }

        @Override
        public long countFetchesBefore(Instant before) {
            return s.fetches.stream().filter(f -> f.at().isBefore(before)).count();
        }

        /** Removes at most {@code max} matching elements, oldest first (ties in writing order). */
        private static <E> int prune(List<E> list, java.util.function.Predicate<E> old,
                                     java.util.function.Function<E, Instant> at, int max) {
            if (max <= 0) {
                return 0;
            }
            List<E> doomed = list.stream().filter(old).sorted(Comparator.comparing(at)).limit(max).toList();
            java.util.Set<E> gone = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            gone.addAll(doomed);
            list.removeIf(gone::contains);
            return doomed.size();
        }

        @Override
        public void addProvisions(Mac mac, long n) {
            if (n <= 0 || !s.devices.containsKey(mac)) {
                return;
            }
            hotdesk.core.model.ProvisionCount c = s.provisions.getOrDefault(mac, hotdesk.core.model.ProvisionCount.NONE);
            s.provisions.put(mac, new hotdesk.core.model.ProvisionCount(c.served() + n, c.resetAt()));
        }

        @Override
        public void resetProvisions(Mac mac, Instant at) {
            if (s.devices.containsKey(mac)) {
                s.provisions.put(mac, new hotdesk.core.model.ProvisionCount(0, Optional.of(at)));
            }
        }

        @Override
        public hotdesk.core.model.ProvisionCount provisionCount(Mac mac) {
            return s.provisions.getOrDefault(mac, hotdesk.core.model.ProvisionCount.NONE);
        }

        @Override
        public Map<Mac, hotdesk.core.model.ProvisionCount> provisionCounts() {
            Map<Mac, hotdesk.core.model.ProvisionCount> out = new TreeMap<>(Comparator.comparing(Mac::value));
            out.putAll(s.provisions);
            return java.util.Collections.unmodifiableMap(out);
        }

        @Override
        public Map<Mac, Instant> lastFetches() {
            Map<Mac, Instant> out = new TreeMap<>(Comparator.comparing(Mac::value));
            s.fetches.forEach(f -> out.merge(f.mac(), f.at(), (a, b) -> a.isAfter(b) ? a : b));
            return java.util.Collections.unmodifiableMap(out);
        }

        @Override
        public Optional<Instant> lastFetch(Mac mac) {
            return s.fetches.stream().filter(f -> f.mac().equals(mac)).map(Fetch::at).max(Comparator.naturalOrder());
        }

        @Override
        public void recordServedFile(hotdesk.core.model.ServedFile file) {
            if (s.devices.containsKey(file.mac())) {
                List<String> key = List.of(file.mac().value(), file.fileName());
                hotdesk.core.model.ServedFile kept = s.servedFiles.get(key);
                if (file.maskedText().isEmpty() && kept != null && kept.maskedDigest().equals(file.maskedDigest())) {
                    file = file.withText(kept.maskedText()); // the same file served again: its text stays
                }
                s.servedFiles.put(key, file);
            }
        }

        @Override
        public List<hotdesk.core.model.ServedFile> servedFiles(Mac mac) {
            return s.servedFiles.values().stream().filter(f -> f.mac().equals(mac))
                    .sorted(Comparator.comparing(hotdesk.core.model.ServedFile::fileName)).toList();
        }

        @Override
        public Optional<AdminAccount> adminAccount(String name) {
            return Optional.ofNullable(s.admins.get(name));
        }

        @Override
        public List<AdminAccount> adminAccounts() {
            return List.copyOf(s.admins.values());
        }

        @Override
        public void insertAdminAccount(AdminAccount account) {
            if (s.admins.containsKey(account.name())) {
                throw new DuplicateException("admin account " + account.name() + " exists already");
            }
            s.admins.put(account.name(), account);
        }

        @Override
        public boolean deleteAdminAccount(String name) {
            s.adminSessions.values().removeIf(x -> x.name().equals(name));
            return s.admins.remove(name) != null;
        }

        @Override
        public void insertAdminSession(AdminSession session) {
            if (!s.admins.containsKey(session.name())) {
                throw new LedgerException("admin session of a missing account " + session.name(), null);
            }
            if (s.adminSessions.containsKey(session.tokenHash())) {
                throw new DuplicateException("admin session exists already");
            }
            s.adminSessions.put(session.tokenHash(), session);
        }

        @Override
        public Optional<AdminSession> adminSession(String tokenHash) {
            return Optional.ofNullable(s.adminSessions.get(tokenHash));
        }

        @Override
        public void deleteAdminSession(String tokenHash) {
            s.adminSessions.remove(tokenHash);
        }

        @Override
        public int deleteExpiredAdminSessions(Instant now) {
            int before = s.adminSessions.size();
            s.adminSessions.values().removeIf(x -> !x.expires().isAfter(now));
            return before - s.adminSessions.size();
        }

        @Override
        public Optional<Site> site(String name) {
            return Optional.ofNullable(s.sites.get(name));
        }

        @Override
        public List<Site> sites() {
            return List.copyOf(s.sites.values());
        }

        @Override
        public void insertSite(Site site) {
            if (s.sites.containsKey(site.name())) {
                throw new DuplicateException("site " + site.name() + " exists");
            }
            s.sites.put(site.name(), site);
        }

        @Override
        public void updateSite(Site site) {
            if (!s.sites.containsKey(site.name())) {
                throw new IllegalStateException("no site " + site.name());
            }
            s.sites.put(site.name(), site);
        }

        @Override
        public void deleteSite(String name) {
            s.sites.remove(name);
        }

        @Override
        public CivicLocation deskLocation(Mac mac) {
            return s.locations.getOrDefault(mac, CivicLocation.EMPTY);
        }

        @Override
        public Map<Mac, CivicLocation> deskLocations() {
            Map<Mac, CivicLocation> all = new LinkedHashMap<>();
            s.devices.keySet().stream().filter(m -> !deskLocation(m).isEmpty()).forEach(m -> all.put(m, deskLocation(m)));
            return java.util.Collections.unmodifiableMap(all);
        }

        @Override
        public void setDeskLocation(Mac mac, CivicLocation location) {
            location.requireOnly(CivicField.DESK, "a desk's own location");
            if (!s.devices.containsKey(mac)) {
                throw new IllegalStateException("no device " + mac);
            }
            s.locations.put(mac, location);
        }

        @Override
        public Optional<Occupancy> occupancyOfLine(String endpointId) {
            return Optional.ofNullable(s.occupancy.get(endpointId));
        }

        @Override
        public List<Occupancy> seatsOfUser(Extension extension) {
            return s.occupancy.values().stream().filter(o -> o.extension().equals(extension)).toList();
        }

        @Override
        public List<hotdesk.core.model.SessionRecord> sessionsBetween(Instant from, Instant to) {
            return s.history.stream().filter(e -> e.since().isBefore(to) && e.until().isAfter(from))
                    .sorted(java.util.Comparator.comparing(Ended::since))
                    .map(e -> hotdesk.core.model.SessionRecord.ended(e.endpointId(), e.extension(), e.since(), e.until(), e.reason()))
                    .toList();
        }

        @Override
        public List<String> recentDesks(Extension extension, Instant since, int max) {
            java.util.LinkedHashSet<String> desks = new java.util.LinkedHashSet<>();
            seatsOfUser(extension).forEach(o -> desks.add(o.endpointId()));
            s.history.stream().filter(e -> e.extension().equals(extension) && !e.since().isBefore(since))
                    .sorted(Comparator.comparing(Ended::since).reversed().thenComparing(Ended::endpointId))
                    .forEach(e -> desks.add(e.endpointId()));
            return desks.stream().limit(Math.max(max, 0)).toList();
        }

        @Override
        public Map<String, hotdesk.core.model.SessionRecord> lastSessions(java.util.Set<String> endpointIds, Instant since) {
            Map<String, hotdesk.core.model.SessionRecord> last = new HashMap<>();
            for (Ended e : s.history) {
                if (endpointIds.contains(e.endpointId()) && !e.until().isBefore(since)) {
                    var r = hotdesk.core.model.SessionRecord.ended(e.endpointId(), e.extension(), e.since(), e.until(), e.reason());
                    last.merge(e.endpointId(), r, (a, b) -> a.end().get().isAfter(b.end().get()) ? a : b);
                }
            }
            return last;
        }

        @Override
        public List<Occupancy> occupancies() {
            return List.copyOf(s.occupancy.values());
        }

        @Override
        public void occupy(Occupancy occupancy) {
            boolean exclusiveSeat = seatsOfUser(occupancy.extension()).stream().anyMatch(o -> !s.alongside.contains(o.endpointId()));
            if (s.occupancy.containsKey(occupancy.endpointId()) || exclusiveSeat) {
                throw new DuplicateException("line or user already occupied: " + occupancy);
            }
            seat(occupancy);
        }

        @Override
        public void occupyAlongside(Occupancy occupancy) {
            if (s.occupancy.containsKey(occupancy.endpointId())) {
                throw new DuplicateException("line already occupied: " + occupancy);
            }
            seat(occupancy);
            s.alongside.add(occupancy.endpointId());
        }

        private void seat(Occupancy occupancy) {
            if (!s.lines.containsKey(occupancy.endpointId()) || !s.users.containsKey(occupancy.extension())) {
                throw new LedgerException("no such desk line or user: " + occupancy, null);
            }
            s.occupancy.put(occupancy.endpointId(), occupancy);
        }

        @Override
        public Optional<Occupancy> vacate(String endpointId, Instant at, EndReason reason) {
            Occupancy o = s.occupancy.remove(endpointId);
            s.alongside.remove(endpointId);
            if (o != null) {
                s.history.add(new Ended(endpointId, o.extension(), o.since(), at, reason));
            }
            return Optional.ofNullable(o);
        }

        @Override
        public void touch(String endpointId, Instant at) {
            Occupancy o = s.occupancy.get(endpointId);
            if (o != null) {
                s.occupancy.put(endpointId, new Occupancy(endpointId, o.extension(), o.since(), at));
            }
        }

        @Override
        public void replaceOtp(Extension extension, OtpRecord otp) {
            s.otps.removeIf(o -> o.extension().equals(extension));
            s.otps.add(new OtpRecord(++s.otpSeq, extension, otp.hash(), otp.expiresAt()));
        }

        @Override
        public List<OtpRecord> liveOtps(Instant now) {
            return s.otps.stream().filter(o -> o.expiresAt().isAfter(now) && !s.otpUsed.containsKey(o.id())).toList();
        }

        @Override
        public void consumeOtp(long id, Instant at) {
            s.otpUsed.put(id, at);
        }

        @Override
        public void recordFailure(String key, Instant at) {
            s.failures.computeIfAbsent(key, k -> new ArrayList<>()).add(at);
        }

        @Override
        public List<Instant> failureTimes(String key, Instant since) {
            return s.failures.getOrDefault(key, List.of()).stream().filter(t -> !t.isBefore(since)).sorted().toList();
        }

        @Override
        public Map<String, List<Instant>> failureTimes(java.util.Set<String> keys, Instant since) {
            Map<String, List<Instant>> out = new TreeMap<>();
            keys.forEach(k -> out.put(k, failureTimes(k, since)));
            return java.util.Collections.unmodifiableMap(out);
        }

        @Override
        public Map<String, Integer> failureCounts(String keyPrefix, Instant since) {
            Map<String, Integer> out = new TreeMap<>();
            s.failures.forEach((key, times) -> {
                int n = (int) times.stream().filter(t -> !t.isBefore(since)).count();
                if (key.startsWith(keyPrefix) && n > 0) {
                    out.put(key, n);
                }
            });
            return java.util.Collections.unmodifiableMap(out);
        }

        @Override
        public int failuresSince(String key, Instant since) {
            return (int) s.failures.getOrDefault(key, List.of()).stream().filter(t -> !t.isBefore(since)).count();
        }

        @Override
        public Optional<Instant> lastFailure(String key) {
            return s.failures.getOrDefault(key, List.of()).stream().max(Comparator.naturalOrder());
        }

        @Override
        public void clearFailures(String key) {
            s.failures.remove(key);
        }

        @Override
        public void audit(AuditEntry entry) {
            s.audit.add(entry);
        }

        @Override
        public void auditAll(List<AuditEntry> entries) {
            s.audit.addAll(entries);
        }

        @Override
        public Map<String, hotdesk.core.model.AutoLogoutOverride> autoLogoutOverrides(String scope) {
            return Map.copyOf(s.autoLogout.getOrDefault(scope, Map.of()));
        }

        @Override
        public void setAutoLogoutOverride(String scope, String name, hotdesk.core.model.AutoLogoutOverride o) {
            Map<String, hotdesk.core.model.AutoLogoutOverride> m = new TreeMap<>(s.autoLogout.getOrDefault(scope, Map.of()));
            if (o.isEmpty()) {
                m.remove(name);
            } else {
                m.put(name, o);
            }
            s.autoLogout.put(scope, m);
        }

        @Override
        public List<hotdesk.core.model.AuditLine> auditPage(hotdesk.core.model.AuditQuery q) {
            List<hotdesk.core.model.AuditLine> page = new ArrayList<>();
            // ids are positions from 1, as an identity column gives them
            for (int i = s.audit.size() - 1; i >= 0 && page.size() < q.limit(); i--) {
                long id = i + 1;
                if ((q.beforeId() <= 0 || id < q.beforeId()) && q.matches(s.audit.get(i))) {
                    page.add(new hotdesk.core.model.AuditLine(id, s.audit.get(i)));
                }
            }
            return List.copyOf(page);
        }

        @Override
        public List<AuditEntry> auditTail(int max) {
            int from = Math.max(0, s.audit.size() - max);
            return List.copyOf(s.audit.subList(from, s.audit.size()));
        }

        @Override
        public void bump(Target... targets) {
            for (Target t : targets) {
                s.revisions.put(t, ++s.revision);
            }
        }

        @Override
        public long latestRevision() {
            return s.revision;
        }

        @Override
        public long revision(Target target) {
            return s.revisions.getOrDefault(target, 0L);
        }

        @Override
        public Map<Target, Long> revisions() {
            return Map.copyOf(s.revisions);
        }

        @Override
        public Map<Target, Long> revisions(java.util.Collection<Target> targets) {
            Map<Target, Long> out = new HashMap<>();
            targets.forEach(t -> out.put(t, revision(t)));
            return out;
        }

        @Override
        public Map<String, DeskLineFacts> deskLineFacts(java.util.Collection<String> endpointIds) {
            Map<String, DeskLineFacts> out = new HashMap<>();
            for (String id : endpointIds) {
                line(id).ifPresent(l -> {
                    Optional<Occupancy> seat = occupancyOfLine(id);
                    out.put(id, new DeskLineFacts(l, device(l.mac()).orElseThrow(), deskLocation(l.mac()), seat,
                            seat.flatMap(o -> user(o.extension()))));
                });
            }
            return out;
        }

        @Override
        public Map<Extension, UserFacts> userFacts(java.util.Collection<Extension> extensions) {
            Map<Extension, UserFacts> out = new HashMap<>();
            for (Extension e : extensions) {
                user(e).ifPresent(u -> out.put(e, new UserFacts(u, seatsOfUser(e))));
            }
            return out;
        }

        @Override
        public void dropRevision(Target target) {
            s.revisions.remove(target);
            s.applied.values().forEach(m -> m.remove(target));
            s.errors.values().forEach(m -> m.remove(target));
            s.notices.values().forEach(m -> m.remove(target.id()));
        }

        @Override
        public Map<Target, Long> applied(String node) {
            return Map.copyOf(s.applied.getOrDefault(node, Map.of()));
        }

        @Override
        public void markApplied(String node, Target target, long revision, Instant at) {
            s.applied.computeIfAbsent(node, k -> new HashMap<>()).put(target, revision);
            s.errors.computeIfAbsent(node, k -> new HashMap<>()).remove(target);
        }

        @Override
        public void markFailed(String node, Target target, Instant at, String error) {
            s.errors.computeIfAbsent(node, k -> new HashMap<>()).put(target, error);
        }

        @Override
        public void putNotice(String node, hotdesk.core.model.Notice n) {
            s.notices.computeIfAbsent(node, k -> new TreeMap<>()).put(n.endpointId(), n);
        }

        @Override
        public Map<String, hotdesk.core.model.Notice> notices(String node) {
            return Map.copyOf(s.notices.getOrDefault(node, Map.of()));
        }

        @Override
        public void putContact(String node, hotdesk.core.model.PhoneContact c) {
            s.contacts.computeIfAbsent(node, k -> new LinkedHashMap<>()).put(List.of(c.aor(), c.uri()), c);
        }

        @Override
        public boolean deleteContact(String node, String aor, String uri) {
            return s.contacts.getOrDefault(node, new HashMap<>()).remove(List.of(aor, uri)) != null;
        }

        @Override
        public void deleteContacts(String node) {
            s.contacts.remove(node);
        }

        @Override
        public Map<String, List<hotdesk.core.model.PhoneContact>> contacts(String node) {
            Map<String, List<hotdesk.core.model.PhoneContact>> out = new TreeMap<>();
            s.contacts.getOrDefault(node, Map.of()).values().stream()
                    .sorted(Comparator.comparing(hotdesk.core.model.PhoneContact::since).thenComparing(hotdesk.core.model.PhoneContact::uri))
                    .forEach(c -> out.computeIfAbsent(c.aor(), k -> new ArrayList<>()).add(c));
            out.replaceAll((k, v) -> List.copyOf(v));
            return java.util.Collections.unmodifiableMap(out);
        }

        @Override
        public Map<Target, String> lastErrors(String node) {
            return Map.copyOf(s.errors.getOrDefault(node, Map.of()));
        }

        @Override
        public Optional<String> lastError(String node, Target target) {
            return Optional.ofNullable(s.errors.getOrDefault(node, Map.of()).get(target));
        }
            @Override
        public long insertApiToken(hotdesk.core.model.ApiToken t) {
            if (t.scope() == hotdesk.core.model.ApiToken.Scope.USER && !s.users.containsKey(Extension.of(t.subject()))) {
                throw new LedgerException("API token of a missing user " + t.subject(), null);
            }
            if (s.apiTokens.values().stream().anyMatch(x -> x.tokenHash().equals(t.tokenHash()))) {
                throw new DuplicateException("API token exists already");
            }
            long id = ++s.apiTokenSeq;
            s.apiTokens.put(id, new hotdesk.core.model.ApiToken(id, t.scope(), t.subject(), t.tokenHash(), t.created(),
                    Optional.empty(), Optional.empty()));
            return id;
        }

        @Override
        public Optional<hotdesk.core.model.ApiToken> apiTokenByHash(String tokenHash) {
            return s.apiTokens.values().stream().filter(t -> t.tokenHash().equals(tokenHash)).findFirst();
        }

        @Override
        public List<hotdesk.core.model.ApiToken> apiTokens() {
            return List.copyOf(s.apiTokens.values());
        }

        @Override
        public boolean revokeApiToken(long id, Instant at) {
            hotdesk.core.model.ApiToken t = s.apiTokens.get(id);
            if (t == null || t.revoked().isPresent()) {
                return false;
            }
            s.apiTokens.put(id, new hotdesk.core.model.ApiToken(id, t.scope(), t.subject(), t.tokenHash(), t.created(),
                    Optional.of(at), t.lastUsed()));
            return true;
        }

        @Override
        public void touchApiToken(long id, Instant at) {
            hotdesk.core.model.ApiToken t = s.apiTokens.get(id);
            if (t != null) {
                s.apiTokens.put(id, new hotdesk.core.model.ApiToken(id, t.scope(), t.subject(), t.tokenHash(), t.created(),
                        t.revoked(), Optional.of(at)));
            }
        }

        @Override
        public Optional<hotdesk.core.model.DeskKey> deskKeyOf(String endpointId) {
            return Optional.ofNullable(s.deskKeys.get(endpointId));
        }

        @Override
        public Optional<hotdesk.core.model.DeskKey> deskKeyByHash(String keyHash) {
            return s.deskKeys.values().stream().filter(k -> k.keyHash().equals(keyHash)).findFirst();
        }

        @Override
        public void putDeskKey(hotdesk.core.model.DeskKey key) {
            if (!s.lines.containsKey(key.endpointId())) {
                throw new LedgerException("desk key of a missing line " + key.endpointId(), null);
            }
            if (s.deskKeys.values().stream().anyMatch(k -> k.keyHash().equals(key.keyHash()) && !k.endpointId().equals(key.endpointId()))) {
                throw new DuplicateException("that desk key is in use already");
            }
            s.deskKeys.put(key.endpointId(), key);
        }

        @Override
        public boolean deleteDeskKey(String endpointId) {
            return s.deskKeys.remove(endpointId) != null;
        }

        @Override
        public Optional<hotdesk.core.model.DeviceCredential> deviceCredential(Mac mac) {
            return Optional.ofNullable(s.credentials.get(mac));
        }

        @Override
        public void putDeviceCredential(hotdesk.core.model.DeviceCredential c) {
            if (!s.devices.containsKey(c.mac())) {
                throw new LedgerException("provisioning credential of a missing device " + c.mac(), null);
            }
            s.credentials.put(c.mac(), c);
        }

        @Override
        public boolean deleteDeviceCredential(Mac mac) {
            return s.credentials.remove(mac) != null;
        }

        @Override
        public List<hotdesk.core.model.UserKey> keysOf(Extension extension) {
            return s.userKeys.getOrDefault(extension, List.of());
        }

        @Override
        public Map<Extension, List<hotdesk.core.model.UserKey>> allKeys() {
            return java.util.Collections.unmodifiableMap(new TreeMap<>(s.userKeys));
        }

        @Override
        public void setKeys(Extension extension, List<hotdesk.core.model.UserKey> keys) {
            if (!s.users.containsKey(extension)) {
                throw new LedgerException("no user " + extension + " to store keys of", null);
            }
            if (keys.stream().map(hotdesk.core.model.UserKey::position).distinct().count() != keys.size()) {
                throw new hotdesk.core.port.DuplicateException("user " + extension + " has a key position twice");
            }
            List<hotdesk.core.model.UserKey> sorted = new ArrayList<>(keys);
            sorted.sort(java.util.Comparator.comparingInt(hotdesk.core.model.UserKey::position));
            if (sorted.isEmpty()) {
                s.userKeys.remove(extension);
            } else {
                s.userKeys.put(extension, List.copyOf(sorted));
            }
        }
    }
}
