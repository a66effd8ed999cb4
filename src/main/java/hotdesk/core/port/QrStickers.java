package hotdesk.core.port;

/** Draws a desk's QR sticker: a QR code of a URL with a caption under it. Implementations are thread-safe. */
public interface QrStickers {

    enum Format { SVG, PNG }

    /**
     * The sticker as the bytes of an SVG (UTF-8) or PNG file. The PNG has no caption (a bare code to place
     * in a label design); the SVG prints {@code caption} under the code.
     */
    byte[] render(String url, String caption, Format format);
}
