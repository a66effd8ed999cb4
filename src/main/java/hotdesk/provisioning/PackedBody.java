package hotdesk.provisioning;

import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A served file kept compressed (raw deflate) between fetches. A desk file is a few KB of repetitive
 * {@code key = value} lines or XML and packs about four to one: 10,000 desks' files take ~6 MB of heap
 * instead of ~27 MB, which the default heap of {@code serve} could not hold beside the ledger
 * (BENCHMARKS.md, "Config fetch storm"). Unpacking a file costs a few microseconds per fetch, on an
 * inflater kept from an earlier one.
 */
final class PackedBody {

    private PackedBody() {
    }

    /** The bytes compressed; {@link #unpack} with the original length gives them back. */
    static byte[] pack(byte[] body) {
        Deflater d = new Deflater(Deflater.BEST_SPEED, true);
        try {
            d.setInput(body);
            d.finish();
            byte[] out = new byte[body.length / 2 + 64];
            int n = 0;
            while (!d.finished()) {
                if (n == out.length) {
                    out = java.util.Arrays.copyOf(out, out.length * 2);
                }
                n += d.deflate(out, n, out.length - n);
            }
            return java.util.Arrays.copyOf(out, n);
        } finally {
            d.end();
        }
    }

    /**
     * Inflaters kept between fetches, at most {@link #KEPT_INFLATERS}: each holds zlib's state and window outside the
     * heap, and one made and ended per fetch was native allocation on the hot path of every kept file served.
     */
    private static final java.util.concurrent.ConcurrentLinkedQueue<Inflater> INFLATERS =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static final java.util.concurrent.atomic.AtomicInteger KEPT = new java.util.concurrent.atomic.AtomicInteger();
    static final int KEPT_INFLATERS = 8;

    /** The original bytes of {@code packed}, which held {@code length} of them. */
    static byte[] unpack(byte[] packed, int length) {
        byte[] out = new byte[length];
        unpackInto(packed, length, out, 0);
        return out;
    }

    /**
     * Writes the original bytes of {@code packed}, which held {@code length} of them, into {@code out} from
     * {@code offset} (a buffer of the HTTP server's pool: a fetch served again then allocates no body).
     */
    static void unpackInto(byte[] packed, int length, byte[] out, int offset) {
        if (offset < 0 || length < 0 || out.length - offset < length) {
            throw new IllegalArgumentException("no room for " + length + " bytes at " + offset + " in " + out.length);
        }
        Inflater polled = INFLATERS.poll();
        if (polled != null) {
            KEPT.decrementAndGet();
        }
        Inflater i = polled != null ? polled : new Inflater(true);
        boolean whole = false;
        try {
            i.setInput(packed);
            int n = 0;
            while (n < length && !i.finished()) {
                int got = i.inflate(out, offset + n, length - n);
                if (got == 0 && (i.needsInput() || i.needsDictionary())) {
                    break;
                }
                n += got;
            }
            // all of it and no more: the stream must end here
            boolean longer = n == length && !i.finished() && (i.inflate(new byte[1]) > 0 || !i.finished());
            if (n != length || longer) {
                throw new IllegalStateException("a kept file did not unpack to its " + length + " bytes");
            }
            whole = true;
        } catch (DataFormatException e) {
            throw new IllegalStateException("a kept file did not unpack: " + e.getMessage(), e);
        } finally {
            // one that failed is ended, not kept: nothing of a damaged stream carries over
            if (whole && KEPT.incrementAndGet() <= KEPT_INFLATERS) {
                i.reset();
                INFLATERS.offer(i);
            } else {
                if (whole) {
                    KEPT.decrementAndGet();
                }
                i.end();
            }
        }
    }

    /** Inflaters kept for the next fetches (for tests). */
    static int kept() {
        return KEPT.get();
    }
}
