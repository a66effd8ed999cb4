package hotdesk.provisioning;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts refused provisioning requests per remote address in fixed clock-minute windows. Once an
 * address has {@code max} refusals in a minute, it is blocked for the rest of that minute (scanner
 * blocking). Thread-safe (synchronized; the work is a map lookup).
 */
final class RefusalLimiter {

    /** Outcome of {@link #check}: whether to answer 429 and whether this is the first 429 of the window. */
    record Verdict(boolean blocked, boolean firstBlock, long secondsLeft) {
    }

    private static final int SWEEP_ABOVE = 4096;

    private static final class Window {
        long minute;
        int refusals;
        boolean announced;
    }

    private final Clock clock;
    private final int max;
    private final Map<String, Window> windows = new HashMap<>();

    RefusalLimiter(Clock clock, int max) {
        this.clock = clock;
        this.max = max;
    }

    synchronized Verdict check(String address) {
        long second = clock.instant().getEpochSecond();
        Window w = current(address, second / 60);
        if (w == null || w.refusals < max) {
            return new Verdict(false, false, 0);
        }
        boolean first = !w.announced;
        w.announced = true;
        return new Verdict(true, first, 60 - Math.floorMod(second, 60));
    }

    synchronized void refused(String address) {
        long minute = clock.instant().getEpochSecond() / 60;
        Window w = current(address, minute);
        if (w == null) {
            if (windows.size() >= SWEEP_ABOVE) {
                windows.values().removeIf(x -> x.minute != minute);
            }
            w = new Window();
            w.minute = minute;
            windows.put(address, w);
        }
        w.refusals++;
    }

    private Window current(String address, long minute) {
        Window w = windows.get(address);
        if (w != null && w.minute != minute) {
            windows.remove(address);
            return null;
        }
        return w;
    }
}
