package hotdesk.cli;

import hotdesk.core.port.QrStickers;
import hotdesk.core.usecase.DeskKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code hotdesk device qr MAC}: a desk's QR sticker for signing in from one's own phone. */
@Command(name = "qr", description = {"Write the QR sticker of a desk: it opens <self-service.public-url>/desk/<key>, a page "
        + "where a user signs in at this desk with extension and PIN (same lockouts as the dial codes).",
        "The key is made here and only its hash is kept, so a desk that has one needs --rotate for a new sticker (the old "
        + "one stops working); --revoke removes it."}, mixinStandardHelpOptions = true)
final class QrCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    private final CliContext ctx;
    @Parameters(index = "0", paramLabel = "MAC")
    String mac;
    @Option(names = "--out", paramLabel = "FILE.svg|FILE.png", description = "where to write the sticker (default: "
            + "desk-<mac>.svg); .svg has the desk's label under the code, .png is the bare code")
    Path out;
    @Option(names = "--port", paramLabel = "N", description = "the device's line (analog gateways have several; default 1)")
    int port = 1;
    @Option(names = "--rotate", description = "replace the desk's key: the old sticker stops working")
    boolean rotate;
    @Option(names = "--revoke", description = "remove the desk's key: its sticker stops working, nothing is written")
    boolean revoke;

    QrCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (revoke) {
            if (rotate || out != null) {
                return Output.refused(spec, "--revoke goes with neither --rotate nor --out");
            }
            if (!ctx.deskKeys().revoke(mac, port, "cli")) {
                return Output.refused(spec, "no sticker key for line " + port + " of device " + printable(mac));
            }
            return Output.done(spec, "revoked the sticker key of line " + port + " of " + printable(mac));
        }
        Optional<String> base = ctx.selfServiceUrl();
        if (base.isEmpty()) {
            return Output.refused(spec, "self-service.public-url is empty: set it to the URL at which phones' browsers reach the "
                    + "self-service listener");
        }
        Path file = out != null ? out : Path.of("desk-" + printable(mac).replace(":", "").replace("-", "").toLowerCase(Locale.ROOT) + ".svg");
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        QrStickers.Format format;
        if (name.endsWith(".svg")) {
            format = QrStickers.Format.SVG;
        } else if (name.endsWith(".png")) {
            format = QrStickers.Format.PNG;
        } else {
            return Output.refused(spec, "--out must end in .svg or .png, got " + file);
        }
        DeskKeys.Result r = ctx.deskKeys().issue(mac, port, rotate, "cli");
        if (r instanceof DeskKeys.Refused refused) {
            return Output.refused(spec, refused.why());
        }
        DeskKeys.Issued issued = (DeskKeys.Issued) r;
        String url = base.get() + "/desk/" + issued.key();
        try {
            Files.write(file, ctx.qrStickers().render(url, issued.label() + " · scan to use this desk", format));
        } catch (IOException e) {
            // the key is made; without the sticker nobody knows it, so it is taken back
            ctx.deskKeys().revoke(mac, port, "cli");
            return Output.refused(spec, "cannot write " + file + ": " + e.getMessage() + " (no key was kept)");
        }
        return Output.done(spec, "wrote " + file + " for " + issued.line().endpointId() + (rotate ? " (new key: the old sticker "
                + "no longer works)" : ""));
    }

    private static String printable(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
    }
}
