package hotdesk.provisioning;

import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A served file kept compressed (raw deflate) between fetches. A desk file is a few KB of repetitive
 * {@code key = value} lines or XML and packs about four to one: 10,000 desks' files take ~6 MB of heap
 * instead of ~27 MB, which the default heap of {@code serve} could not hold beside the ledger
 * (BENCHMARKS.md, "Config fetch storm"). Unpacking a file costs a few microseconds per fetch.
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

    /** The original bytes of {@code packed}, which held {@code length} of them. */
    static byte[] unpack(byte[] packed, int length) {
        Inflater i = new Inflater(true);
        try {
            i.setInput(packed);
            byte[] out = new byte[length];
            int n = 0;
            while (n < length && !i.finished()) {
                int got = i.inflate(out, n, length - n);
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
            return out;
        } catch (DataFormatException e) {
            throw new IllegalStateException("a kept file did not unpack: " + e.getMessage(), e);
        } finally {
            i.end();
        }
    }
}
