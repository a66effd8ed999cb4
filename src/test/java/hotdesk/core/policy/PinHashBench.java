package hotdesk.core.policy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;

/**
 * The CPU one PIN hash costs: {@link Pbkdf2Sha256} against the JDK's {@code PBKDF2WithHmacSHA256}, the same
 * passwords and salts, in turns, on this thread (thread CPU time, so other work on the machine counts less than
 * wall time would). The first round warms both up and is printed but not counted. Every derivation of a round is
 * compared between the two; a difference stops the run. Run by {@code scripts/bench-pin-hash}; results go to
 * BENCHMARKS.md by hand.
 *
 * <p>Usage: {@code PinHashBench [iterations] [derivations] [rounds]} (defaults 20000 200 5).
 */
public final class PinHashBench {

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int derivations = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        SecureRandom random = new SecureRandom();
        char[][] pins = new char[derivations][];
        byte[][] salts = new byte[derivations][16];
        for (int i = 0; i < derivations; i++) {
            pins[i] = String.format(Locale.ROOT, "%06d", random.nextInt(1_000_000)).toCharArray();
            random.nextBytes(salts[i]);
        }
        System.out.printf(Locale.ROOT, "PBKDF2-HMAC-SHA256, %d iterations, %d derivations a round, %s %s%n",
                iterations, derivations, System.getProperty("java.vm.name"), System.getProperty("java.version"));
        double jdkSum = 0;
        double oursSum = 0;
        for (int round = 0; round <= rounds; round++) {
            byte[][] expected = new byte[derivations][];
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < derivations; i++) {
                expected[i] = Pbkdf2Sha256.jdk(pins[i], salts[i], iterations, 32);
            }
            double jdk = (threads.getCurrentThreadCpuTime() - start) / 1e6 / derivations;
            start = threads.getCurrentThreadCpuTime();
            byte[][] actual = new byte[derivations][];
            for (int i = 0; i < derivations; i++) {
                actual[i] = Pbkdf2Sha256.derive(pins[i], salts[i], iterations, 32);
            }
            double ours = (threads.getCurrentThreadCpuTime() - start) / 1e6 / derivations;
            for (int i = 0; i < derivations; i++) {
                if (!Arrays.equals(expected[i], actual[i])) {
                    throw new IllegalStateException("derivation " + i + " differs from the JDK's");
                }
            }
            System.out.printf(Locale.ROOT, "round %d%s: JDK %.3f ms, hotdesk %.3f ms of CPU per hash (%.2fx)%n",
                    round, round == 0 ? " (warm-up)" : "", jdk, ours, jdk / ours);
            if (round > 0) {
                jdkSum += jdk;
                oursSum += ours;
            }
        }
        System.out.printf(Locale.ROOT, "mean of %d rounds: JDK %.3f ms, hotdesk %.3f ms (%.2fx)%n",
                rounds, jdkSum / rounds, oursSum / rounds, jdkSum / oursSum);
    }
}
