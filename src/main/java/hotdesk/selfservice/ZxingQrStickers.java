package hotdesk.selfservice;

import com.google.zxing.WriterException;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import hotdesk.core.port.QrStickers;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * QR stickers with ZXing's encoder (error correction M: a sticker survives some scratches). The
 * modules are drawn here: SVG as one path, PNG as a 1-bit greyscale image written with the JDK's
 * Deflater (no AWT), {@link #PNG_MODULE} pixels per module, a quiet zone of {@link #QUIET} modules.
 */
public final class ZxingQrStickers implements QrStickers {

    static final int QUIET = 4;
    static final int PNG_MODULE = 10;

    @Override
    public byte[] render(String url, String caption, Format format) {
        ByteMatrix m = matrix(url);
        return format == Format.SVG ? svg(m, caption).getBytes(StandardCharsets.UTF_8) : png(m);
    }

    /** The code's modules, 1 dark, without the quiet zone. */
    static ByteMatrix matrix(String text) {
        try {
            return Encoder.encode(text, ErrorCorrectionLevel.M).getMatrix();
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode a QR code of " + text.length() + " characters: " + e.getMessage(), e);
        }
    }

    static String svg(ByteMatrix m, String caption) {
        int size = m.getWidth() + 2 * QUIET;
        int captionHeight = caption.isEmpty() ? 0 : 4;
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < m.getHeight(); y++) {
            for (int x = 0; x < m.getWidth(); x++) {
                if (m.get(x, y) == 1) {
                    path.append('M').append(x + QUIET).append(',').append(y + QUIET).append("h1v1h-1z");
                }
            }
        }
        StringBuilder svg = new StringBuilder()
                .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(size).append(' ')
                .append(size + captionHeight).append("\" width=\"").append(size * 8).append("\" height=\"")
                .append((size + captionHeight) * 8).append("\" shape-rendering=\"crispEdges\">\n")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n")
                .append("<path fill=\"#000\" d=\"").append(path).append("\"/>\n");
        if (!caption.isEmpty()) {
            svg.append("<text x=\"").append(size / 2.0).append("\" y=\"").append(size + 1.5)
                    .append("\" font-family=\"sans-serif\" font-size=\"2.2\" text-anchor=\"middle\">")
                    .append(xml(caption)).append("</text>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    static String xml(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(Character.isISOControl(c) ? ' ' : c);
            }
        }
        return b.toString();
    }

    static byte[] png(ByteMatrix m) {
        int side = (m.getWidth() + 2 * QUIET) * PNG_MODULE;
        int rowBytes = (side + 7) / 8;
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(raw)) {
            byte[] row = new byte[rowBytes + 1]; // filter byte 0 (none), then the pixels, 1 bit each, 1 = white
            for (int py = 0; py < side; py++) {
                java.util.Arrays.fill(row, (byte) 0);
                int y = py / PNG_MODULE - QUIET;
                for (int px = 0; px < side; px++) {
                    int x = px / PNG_MODULE - QUIET;
                    boolean dark = x >= 0 && y >= 0 && x < m.getWidth() && y < m.getHeight() && m.get(x, y) == 1;
                    if (!dark) {
                        row[1 + px / 8] |= (byte) (0x80 >>> (px % 8));
                    }
                }
                z.write(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(out)) {
            d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
            DataOutputStream h = new DataOutputStream(ihdr);
            h.writeInt(side);
            h.writeInt(side);
            h.writeByte(1); // bit depth
            h.writeByte(0); // greyscale
            h.writeByte(0); // deflate
            h.writeByte(0); // adaptive filtering
            h.writeByte(0); // no interlace
            chunk(d, "IHDR", ihdr.toByteArray());
            chunk(d, "IDAT", raw.toByteArray());
            chunk(d, "IEND", new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void chunk(DataOutputStream d, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.writeInt(data.length);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }
}
