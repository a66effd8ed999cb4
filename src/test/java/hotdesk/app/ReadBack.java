package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriFields;
import hotdesk.ari.AriException;
import hotdesk.core.model.CivicLocation;
import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.Site;
import hotdesk.core.model.Target;
import hotdesk.core.model.User;
import hotdesk.core.policy.Projections;
import hotdesk.core.policy.TrustedNetworks;
import hotdesk.core.port.Ledger;
import hotdesk.core.port.LedgerTx;
import hotdesk.core.port.PjsipObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads every PJSIP object hotdesk manages back over ARI ({@code GET …/config/dynamic/res_pjsip/{type}/{id}}) and
 * compares it with what the ledger says, for the scale bench: per desk line and per user, the auth, the AOR and the
 * endpoint, each with every field hotdesk pushes for it (the ledger's state put through hotdesk's own
 * {@link Projections}, the desk endpoints naming their ACL as the reconciler names it). No sample: every object,
 * every field, except {@code disallow}, which Asterisk does not give back. Values are compared as Asterisk gives them
 * back: booleans in any spelling, {@code allow} as its codec list ({@code ulaw,alaw} reads back {@code (ulaw|alaw)}),
 * {@code callerid} as name and number ({@code "Desk 3" <>} reads back {@code Desk 3}).
 *
 * <p>{@link #check} takes the objects in the order hotdesk's full pass pushes them and holds each until it reads
 * back correct, so it trails the push instead of racing ahead with GETs of objects not there yet; an object that reads
 * back wrong is compared again with its target as the ledger says now (a login may have moved the occupant since the
 * expectation was read) before it is read again 100 ms later.
 * Not a test; not part of the server.
 */
final class ReadBack {

    private static final long RETRY_MILLIS = 100;

    private final AriClient ari;
    private final Ledger ledger;
    private final Projections projections;
    private final boolean registrationAcl;

    /**
     * @param registrationAcl {@code asterisk.registration-acl}: desk endpoints name their ACL
     */
    ReadBack(AriClient ari, Ledger ledger, Projections projections, boolean registrationAcl) {
        this.ari = ari;
        this.ledger = ledger;
        this.projections = projections;
        this.registrationAcl = registrationAcl;
    }

    /** One object hotdesk manages, with the target it belongs to. */
    record Item(Target target, PjsipObject wanted) {
    }

    /**
     * What the check found: whether every object read back correct before the deadline, when the last one did
     * (seconds after {@code from}), GETs sent, objects that needed more than one GET, and up to ten of those still
     * wrong at the deadline. {@code retried}: objects read more than once (not yet right at their first GET);
     * {@code firstProblems}: what the first few of those were found to be at their first GET, and when.
     */
    record Result(boolean complete, double seconds, long gets, int retried, int wrong, List<String> stillWrong,
                  List<String> firstProblems) {
    }

    /**
     * Every object hotdesk manages now, from one read of the ledger, in the order of a full reconcile pass: every AOR
     * (desks by id, then users by extension), then each target's auth and endpoint in the same order. Desk lines of
     * disabled devices and disabled users are left out (the bench has none).
     */
    List<Item> all() {
        return ledger.read(tx -> {
            Map<Mac, Device> devices = tx.devices().stream().collect(Collectors.toMap(Device::mac, Function.identity()));
            Map<String, Site> sites = tx.sites().stream().collect(Collectors.toMap(Site::name, Function.identity()));
            Map<Mac, CivicLocation> locations = tx.deskLocations();
            Map<String, User> users = tx.users().stream().collect(Collectors.toMap(u -> u.extension().value(), Function.identity()));
            Map<String, Occupancy> byLine = new LinkedHashMap<>();
            Map<String, List<String>> seats = new LinkedHashMap<>();
            for (Occupancy o : tx.occupancies()) {
                byLine.put(o.endpointId(), o);
                seats.computeIfAbsent(o.extension().value(), k -> new ArrayList<>()).add(o.endpointId());
            }
            List<List<Item>> targets = new ArrayList<>();
            List<DeskLine> lines = new ArrayList<>(tx.lines());
            lines.sort(Comparator.comparing(DeskLine::endpointId));
            for (DeskLine line : lines) {
                Device device = devices.get(line.mac());
                Optional<User> occupant = Optional.ofNullable(byLine.get(line.endpointId()))
                        .map(o -> users.get(o.extension().value()));
                Optional<Site> site = device.site().isEmpty() ? Optional.empty() : Optional.ofNullable(sites.get(device.site()));
                targets.add(desk(line, device, occupant, locations.getOrDefault(device.mac(), CivicLocation.EMPTY), site));
            }
            List<User> byExtension = new ArrayList<>(users.values());
            byExtension.sort(Comparator.comparing(u -> u.extension().value()));
            for (User u : byExtension) {
                if (u.enabled()) {
                    targets.add(user(u, seats.getOrDefault(u.extension().value(), List.of())));
                }
            }
            List<Item> ordered = new ArrayList<>();
            for (List<Item> t : targets) {
                t.stream().filter(i -> i.wanted().type() == PjsipObject.Type.AOR).forEach(ordered::add);
            }
            for (List<Item> t : targets) {
                t.stream().filter(i -> i.wanted().type() != PjsipObject.Type.AOR).forEach(ordered::add);
            }
            return ordered;
        });
    }

    /** The object of this type of this target as the ledger says now; empty when the target has none any more. */
    Optional<PjsipObject> now(Target target, PjsipObject.Type type) {
        List<Item> items = ledger.read(tx -> of(tx, target));
        return items.stream().map(Item::wanted).filter(o -> o.type() == type).findFirst();
    }

    private List<Item> of(LedgerTx tx, Target target) {
        if (target.kind() == Target.Kind.DESK) {
            Optional<DeskLine> line = tx.line(target.id());
            if (line.isEmpty()) {
                return List.of();
            }
            Device device = tx.device(line.get().mac()).orElseThrow();
            Optional<User> occupant = tx.occupancyOfLine(target.id()).flatMap(o -> tx.user(o.extension()));
            Optional<Site> site = device.site().isEmpty() ? Optional.empty() : tx.site(device.site());
            return desk(line.get(), device, occupant, tx.deskLocation(device.mac()), site);
        }
        Extension ext = Extension.of(target.id());
        Optional<User> u = tx.user(ext);
        if (u.isEmpty() || !u.get().enabled()) {
            return List.of();
        }
        return user(u.get(), tx.seatsOfUser(ext).stream().map(Occupancy::endpointId).toList());
    }

    private List<Item> desk(DeskLine line, Device device, Optional<User> occupant, CivicLocation location, Optional<Site> site) {
        String acl = registrationAcl ? TrustedNetworks.aclName(site) : "";
        Target t = Target.desk(line.endpointId());
        return projections.desk(line, device, occupant, projections.located(device, location, site), acl).stream()
                .map(o -> new Item(t, o)).toList();
    }

    private List<Item> user(User u, List<String> desks) {
        Target t = Target.user(u.extension());
        return projections.user(u, desks).stream().map(o -> new Item(t, o)).toList();
    }

    /**
     * Reads {@code items} back on {@code connections} threads, each object until it is correct or {@code deadline}
     * ({@link System#nanoTime()}) passes; prints progress every {@code progressSeconds} (0: never) as seconds after
     * {@code from}.
     */
    Result check(List<Item> items, int connections, long from, long deadline, int progressSeconds) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger correct = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        AtomicLong gets = new AtomicLong();
        AtomicLong last = new AtomicLong(from);
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> firstProblems = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread th = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < items.size(); i = next.getAndIncrement()) {
                    Item item = items.get(i);
                    PjsipObject wanted = item.wanted();
                    String problem;
                    boolean again = false;
                    while (true) {
                        Optional<Map<String, String>> got = read(wanted);
                        gets.incrementAndGet();
                        problem = mismatch(wanted, got);
                        if (problem != null) {
                            // a login may have moved the occupant since the expectation was read: compare with the ledger now
                            Optional<PjsipObject> now = now(item.target(), wanted.type());
                            if (now.isEmpty()) {
                                problem = null; // the target is gone from the ledger: nothing to check
                                break;
                            }
                            wanted = now.get();
                            problem = mismatch(wanted, got);
                        }
                        if (problem == null || System.nanoTime() > deadline) {
                            break;
                        }
                        if (!again && firstProblems.size() < 8) {
                            firstProblems.add(String.format("%.1f s: %s", (System.nanoTime() - from) / 1e9, problem));
                        }
                        again = true;
                        try {
                            Thread.sleep(RETRY_MILLIS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                    if (again) {
                        retried.incrementAndGet();
                    }
                    if (problem == null) {
                        correct.incrementAndGet();
                        last.accumulateAndGet(System.nanoTime(), Math::max);
                    } else {
                        wrong.add(problem);
                    }
                }
            }, "bench-read-back-" + c);
            th.start();
            threads.add(th);
        }
        long nextReport = System.nanoTime() + progressSeconds * 1_000_000_000L;
        for (Thread th : threads) {
            while (th.isAlive()) {
                th.join(200);
                if (progressSeconds > 0 && System.nanoTime() >= nextReport) {
                    System.out.printf("  read-back: %,d of %,d objects correct at %.1f s (%,d GETs)%n", correct.get(), items.size(),
                            (System.nanoTime() - from) / 1e9, gets.get());
                    nextReport += progressSeconds * 1_000_000_000L;
                }
            }
        }
        List<String> sample = wrong.stream().limit(10).toList();
        return new Result(wrong.isEmpty(), (last.get() - from) / 1e9, gets.get(), retried.get(), wrong.size(), sample,
                List.copyOf(firstProblems));
    }

    /** The object as Asterisk has it, empty when it has none; an ARI failure (Asterisk not back yet) as a problem. */
    private Optional<Map<String, String>> read(PjsipObject wanted) {
        try {
            return ari.get(wanted.type().wire(), wanted.id());
        } catch (AriException e) {
            return Optional.of(Map.of(UNREADABLE, e.getMessage()));
        }
    }

    /** Marks an answer that was no answer (its value says why). */
    private static final String UNREADABLE = " unreadable";

    /**
     * Null when {@code got} (the attributes a GET answered, empty for "no such object") holds every field of
     * {@code wanted} as Asterisk gives it back; else what differs, without secret values.
     */
    static String mismatch(PjsipObject wanted, Optional<Map<String, String>> got) {
        String what = wanted.type().wire() + " " + wanted.id();
        if (got.isEmpty()) {
            return what + ": missing";
        }
        if (got.get().containsKey(UNREADABLE)) {
            return what + ": " + got.get().get(UNREADABLE);
        }
        List<String> differ = new ArrayList<>();
        for (Map.Entry<String, String> field : wanted.fields().entrySet()) {
            String name = field.getKey();
            if (AriFields.WRITE_ONLY.contains(name)) {
                continue;
            }
            String have = got.get().get(name);
            if (!AriFields.same(name, have, field.getValue())) {
                boolean secret = name.equals("password");
                differ.add(name + " is " + (have == null ? "absent" : secret ? "other" : "'" + have + "'")
                        + (secret ? "" : ", ledger says '" + field.getValue() + "'"));
            }
        }
        return differ.isEmpty() ? null : what + ": " + String.join("; ", differ);
    }
}
