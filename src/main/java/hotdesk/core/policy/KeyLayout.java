package hotdesk.core.policy;

import hotdesk.core.model.PhoneModels;
import hotdesk.core.model.UserKey;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where a user's keys go on a desk: after the desk's own keys (one line key per desk line, then the
 * logout key), within the model's programmable keys. The keys are taken in the order of their positions
 * and put on the free keys one after the other, so empty positions are dropped and every key moves past
 * the logout key (3CX's rule); the keys that do not fit are the overflow, reported at login and by
 * {@code status}. Grandstream GXP multi-purpose keys are separate from the line keys: the logout key is
 * MPK 1 and the user's keys start at MPK 2. Pure.
 *
 * @param logoutKey the logout key's number (1-based, in the vendor's key numbering)
 * @param firstKey  the first key the user's keys may take
 * @param lastKey   the last one (below firstKey when the model has no room at all)
 * @param placed    the keys that fit, in order
 * @param overflow  the keys that do not
 */
public record KeyLayout(int logoutKey, int firstKey, int lastKey, List<Placed> placed, List<UserKey> overflow) {

    /** A key on the desk: {@code index} is the vendor's key number (1-based). */
    public record Placed(int index, UserKey key) {
    }

    public KeyLayout {
        placed = List.copyOf(placed);
        overflow = List.copyOf(overflow);
    }

    /** How many keys the user may have on such a desk. */
    public int capacity() {
        return Math.max(0, lastKey - firstKey + 1);
    }

    /**
     * The layout of {@code keys} on a desk of this model with {@code deskLines} lines (an unknown model has
     * no room: every key overflows).
     */
    public static KeyLayout of(Optional<PhoneModels.Model> model, int deskLines, List<UserKey> keys) {
        boolean separate = model.map(m -> m.vendor().equals("grandstream")).orElse(false);
        int logout = separate ? 1 : deskLines + 1;
        int last = model.map(m -> separate ? grandstreamKeys(m) : m.lineKeys()).orElse(0);
        return place(logout, logout + 1, last, keys);
    }

    /**
     * The physical multi-purpose keys hotdesk writes on a Grandstream model: Grandstream's configuration
     * template (GXP2130/2140/2160/2170/2135, firmware 1.0.11) lists P-values for MPK 1 to 24 on the GXP2130
     * and GXP2160 only; the other models' keys are virtual (VPK) keys, which hotdesk does not write, so
     * there only the logout key (MPK 1) is written and a user's keys overflow.
     */
    static int grandstreamKeys(PhoneModels.Model m) {
        return m.name().equalsIgnoreCase("GXP2130") || m.name().equalsIgnoreCase("GXP2160")
                ? Math.min(m.lineKeys(), GRANDSTREAM_MPKS) : Math.min(m.lineKeys(), 1);
    }

    /** Physical multi-purpose keys with P-values in Grandstream's template. */
    public static final int GRANDSTREAM_MPKS = 24;

    /** Puts {@code keys} in position order on keys {@code first..last}. */
    static KeyLayout place(int logout, int first, int last, List<UserKey> keys) {
        List<UserKey> sorted = new ArrayList<>(keys);
        sorted.sort(Comparator.comparingInt(UserKey::position));
        List<Placed> placed = new ArrayList<>();
        List<UserKey> overflow = new ArrayList<>();
        int next = first;
        for (UserKey k : sorted) {
            if (next <= last) {
                placed.add(new Placed(next++, k));
            } else {
                overflow.add(k);
            }
        }
        return new KeyLayout(logout, first, last, placed, overflow);
    }

    /** The placed key at vendor key {@code index}, if any. */
    public Optional<UserKey> at(int index) {
        return placed.stream().filter(p -> p.index() == index).map(Placed::key).findFirst();
    }
}
