package hotdesk.selfservice;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import hotdesk.core.port.QrStickers;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The stickers decode back to their URL: the PNG through the JDK's image reader, the SVG by its modules. */
class ZxingQrStickersTest {

    private static final String URL = "https://desks.example.org/desk/AbCdEfGhIjKlMnOpQrStUv";
    private final ZxingQrStickers stickers = new ZxingQrStickers();

    private static String decode(BufferedImage image) throws Exception {
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels)))).getText();
    }

    @Test
    void the_png_is_a_valid_image_that_decodes_to_the_url() throws Exception {
        byte[] png = stickers.render(URL, "Desk 4.12", QrStickers.Format.PNG);

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));

        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(image.getHeight());
        assertThat(decode(image)).isEqualTo(URL);
    }

    @Test
    void the_svg_draws_the_same_modules_and_escapes_its_caption() throws Exception {
        String svg = new String(stickers.render(URL, "Desk <4&12>", QrStickers.Format.SVG), StandardCharsets.UTF_8);

        assertThat(svg).startsWith("<?xml").contains("<svg").contains("Desk &lt;4&amp;12&gt;").doesNotContain("<4&12>");
        // paint the path's unit squares into an image and read it back
        Matcher viewBox = Pattern.compile("viewBox=\"0 0 (\\d+) ").matcher(svg);
        assertThat(viewBox.find()).isTrue();
        int size = Integer.parseInt(viewBox.group(1));
        int scale = 8;
        BufferedImage image = new BufferedImage(size * scale, size * scale, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < size * scale; x++) {
            for (int y = 0; y < size * scale; y++) {
                image.setRGB(x, y, 0xffffff);
            }
        }
        Matcher module = Pattern.compile("M(\\d+),(\\d+)h1v1h-1z").matcher(svg);
        int modules = 0;
        while (module.find()) {
            modules++;
            int mx = Integer.parseInt(module.group(1));
            int my = Integer.parseInt(module.group(2));
            for (int x = 0; x < scale; x++) {
                for (int y = 0; y < scale; y++) {
                    image.setRGB(mx * scale + x, my * scale + y, 0);
                }
            }
        }
        assertThat(modules).isPositive();
        assertThat(decode(image)).isEqualTo(URL);
    }

    @Test
    void a_caption_with_control_characters_cannot_break_out_of_its_text_element() {
        String svg = new String(stickers.render(URL, "a\"b\n<script>", QrStickers.Format.SVG), StandardCharsets.UTF_8);

        assertThat(svg).doesNotContain("<script>").contains("a&quot;b &lt;script&gt;");
    }
}
