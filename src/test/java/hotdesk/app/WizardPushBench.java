package hotdesk.app;

import hotdesk.ari.AriClient;
import hotdesk.ari.AriPbx;
import hotdesk.ari.AriSettings;
import hotdesk.asteriskconf.AsteriskConfSettings.PjsipWizard;
import hotdesk.core.model.Device;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.SecretHash;
import hotdesk.core.model.User;
import hotdesk.core.policy.PjsipProfile;
import hotdesk.core.policy.Projections;
import hotdesk.core.port.PjsipObject;
import hotdesk.testing.RealAsterisk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Push cost of {@code asterisk.pjsip-wizard} memory against astdb on the real Asterisk kit, run by
 * {@code scripts/bench-wizard} (results in BENCHMARKS.md). For each wizard it starts a kit Asterisk
 * with hotdesk's generated files, pushes N seated desks and their N users over ARI with {@link AriPbx}
 * (one object after another, as the reconciler does: 6 objects per desk and user), restarts Asterisk
 * and pushes everything again (the reconciler's full push after FullyBooted). Not a test: the name
 * keeps surefire away from it. Arguments: {@code desks} (default 500) and the wizards in order
 * (default {@code memory,astdb}).
 */
public final class WizardPushBench {

    public static void main(String[] args) throws Exception {
        int desks = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        // the order matters (the first wizard also warms the JVM up): run both orders
        List<PjsipWizard> wizards = args.length > 1
                ? java.util.Arrays.stream(args[1].split(",")).map(PjsipWizard::of).toList()
                : List.of(PjsipWizard.values());
        RealAsterisk.kit().orElseThrow(() -> new IllegalStateException(RealAsterisk.SKIP_MESSAGE));
        System.out.printf("hotdesk wizard push bench: %d seated desks + %d users = %d PJSIP objects; Java %s, %d cpus%n",
                desks, desks, 6 * desks, Runtime.version(), Runtime.getRuntime().availableProcessors());
        List<PjsipObject> all = objects(desks);
        for (PjsipWizard wizard : wizards) {
            Path dir = Files.createTempDirectory("hotdesk-wizard-bench");
            Map<String, String> settings = RealAsteriskContractTest.settings();
            settings.put("asterisk.pjsip-wizard", wizard.toString());
            try (RealAsterisk asterisk = RealAsterisk.start(dir, conf -> CliRun.ok(settings, "asterisk-conf", "--out",
                    conf.toString()))) {
                AriClient ari = new AriClient(new AriSettings(asterisk.ariUrl(), AsteriskContract.ARI_USER,
                        AsteriskContract.ARI_PASSWORD, Duration.ofSeconds(10)));
                AriPbx pbx = new AriPbx(ari);
                double first = push(pbx, all);
                report(wizard, "first push", all.size(), first);

                long restart = System.nanoTime();
                asterisk.restart();
                double restartSeconds = seconds(System.nanoTime() - restart);
                String lastDesk = all.get(3 * desks - 1).id();
                System.out.printf("%-6s restart: Asterisk fully booted again after %.2f s; desk %s %s%n", wizard,
                        restartSeconds, lastDesk, ari.get("endpoint", lastDesk).isPresent() ? "kept" : "gone");

                double again = push(pbx, all);
                report(wizard, "full re-push after restart", all.size(), again);
            } finally {
                deleteTree(dir);
            }
        }
    }

    /** Every object of {@code desks} desks, each seated by its own user: desks first, as the reconciler orders them. */
    private static List<PjsipObject> objects(int desks) {
        Projections projections = new Projections(PjsipProfile.defaults());
        List<PjsipObject> deskObjects = new ArrayList<>();
        List<PjsipObject> userObjects = new ArrayList<>();
        for (int i = 0; i < desks; i++) {
            Mac mac = Mac.parse(String.format("00:15:65:10:%02x:%02x", i / 256, i % 256));
            DeskLine line = new DeskLine(mac.endpointId(), mac, 1, "Bench-Desk-Secret-" + String.format("%06d", i));
            Device device = new Device(mac, "yealink", "T54W", "Bench desk " + i, "", "", true);
            User user = new User(Extension.of(Integer.toString(20000 + i)), "Bench User " + i,
                    new SecretHash("pbkdf2-sha256$1000$AAAA$AAAA"), true, "internal", "", "Bench-User-Secret-" + i, false);
            deskObjects.addAll(projections.desk(line, device, Optional.of(user)));
            userObjects.addAll(projections.user(user, List.of(line.endpointId())));
        }
        deskObjects.addAll(userObjects);
        return deskObjects;
    }

    private static double push(AriPbx pbx, List<PjsipObject> objects) {
        long start = System.nanoTime();
        for (int i = 0; i < objects.size(); i += 3) {
            pbx.push(objects.subList(i, i + 3));
        }
        return seconds(System.nanoTime() - start);
    }

    private static void report(PjsipWizard wizard, String what, int objects, double seconds) {
        System.out.printf("%-6s %s: %d objects in %.2f s = %.0f objects/s (%.1f ms per desk or user)%n", wizard, what,
                objects, seconds, objects / seconds, seconds * 1000 / (objects / 3.0));
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
