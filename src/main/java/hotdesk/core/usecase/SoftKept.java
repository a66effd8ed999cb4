package hotdesk.core.usecase;

import java.lang.ref.Reference;
import java.lang.ref.SoftReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A cache whose values are held softly: the collector may drop any of them when the heap runs short, and a value
 * dropped reads as absent (its entry goes at the next look). For what is kept only to be served again and can be
 * made again (a desk's view, the file served to it). Thread-safe.
 */
public final class SoftKept<K, V> {

    private final ConcurrentHashMap<K, SoftReference<V>> map = new ConcurrentHashMap<>();

    /** The value kept, or null when none is or the collector dropped it. */
    public V get(K key) {
        SoftReference<V> r = map.get(key);
        if (r == null) {
            return null;
        }
        V v = r.get();
        if (v == null) {
            map.remove(key, r);
        }
        return v;
    }

    public void put(K key, V value) {
        map.put(key, new SoftReference<>(value));
    }

    public void remove(K key) {
        map.remove(key);
    }

    /** Replaces the value kept with {@code f} of it (nothing when none is kept; the same value keeps the entry). */
    public void update(K key, UnaryOperator<V> f) {
        map.computeIfPresent(key, (k, r) -> {
            V v = r.get();
            if (v == null) {
                return null;
            }
            V next = f.apply(v);
            return next == v ? r : new SoftReference<>(next);
        });
    }

    /** Drops every value {@code drop} holds for, and every entry the collector emptied. */
    public void removeIf(Predicate<V> drop) {
        map.values().removeIf(r -> {
            V v = r.get();
            return v == null || drop.test(v);
        });
    }

    /** Entries, those the collector emptied and nobody looked at since included (a bound, not a count of values). */
    public int size() {
        return map.size();
    }

    public boolean containsKey(K key) {
        return map.containsKey(key);
    }

    public void clear() {
        map.clear();
    }

    /** Values still held (for tests). */
    public int held() {
        return (int) map.values().stream().filter(r -> r.get() != null).count();
    }

    /** Empties every entry as the collector may (for tests). */
    public void dropAllAsTheCollectorMay() {
        map.values().forEach(Reference::clear);
    }
}
