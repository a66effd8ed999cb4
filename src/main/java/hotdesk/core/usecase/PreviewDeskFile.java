package hotdesk.core.usecase;

import hotdesk.core.model.Device;
import hotdesk.core.model.Site;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.User;
import hotdesk.core.port.Ledger;
import hotdesk.core.usecase.ProvisionDesk.DeskView;
import hotdesk.core.usecase.ProvisionDesk.LineView;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The configuration file a desk phone would get if it fetched now ({@code hotdesk provision render}),
 * read from the ledger the way {@link ProvisionDesk} reads it, but recording no fetch and changing
 * nothing: optionally as if another user sat at one of the desk's lines, and with the lines' SIP
 * secrets replaced by {@link #MASK} before the file is made, so a masked file never held them.
 * Thread-safe when the renderer is.
 */
public final class PreviewDeskFile {

    /** What a masked secret reads in the file. */
    public static final String MASK = "********";

    /** Makes a desk's file from its view, as the provisioning server does. */
    public interface Renderer {
        /**
         * @throws IllegalArgumentException when the desk's vendor has no profile
         * @throws IllegalStateException    when its template fails
         */
        String render(DeskView desk, java.time.Instant now);
    }

    public sealed interface Result permits File, Unknown {
    }

    /**
     * The file. {@code secrets} are the desk's real line secrets (never printed; the CLI masks a
     * saved file with them); {@code disabled}: the provisioning server answers this desk 404.
     */
    public record File(String text, boolean disabled, List<String> secrets) implements Result {
        @Override
        public String toString() {
            return "File[" + text.length() + " chars, disabled=" + disabled + "]";
        }
    }

    /** Unknown device, user or line: {@code what} names it. */
    public record Unknown(String what) implements Result {
    }

    /**
     * The view with every line's SIP secret replaced by {@link #MASK} (an empty one stays empty): what
     * {@code provision render} renders, and what the provisioning server records as served.
     */
    public static DeskView masked(DeskView desk) {
        return new DeskView(desk.device(), desk.lines().stream()
                .map(l -> new LineView(new DeskLine(l.line().endpointId(), l.line().mac(), l.line().port(),
                        l.line().secret().isEmpty() ? "" : MASK), l.occupant(), l.occupancy(), l.keys()))
                .toList(), desk.site());
    }

    /** The desk's line secrets that are set, in line order. */
    public static List<String> secretsOf(DeskView desk) {
        return desk.lines().stream().map(l -> l.line().secret()).filter(s -> !s.isEmpty()).toList();
    }

    private final Ledger ledger;
    private final Clock clock;
    private final Renderer renderer;

    public PreviewDeskFile(Ledger ledger, Clock clock, Renderer renderer) {
        this.ledger = ledger;
        this.clock = clock;
        this.renderer = renderer;
    }

    /**
     * What the desk's phone was last served per file name, as the fetch journal wrote it (secrets masked);
     * empty when it never fetched since hotdesk keeps them, or the device does not exist. A read.
     */
    public List<hotdesk.core.model.ServedFile> served(Mac mac) {
        return ledger.read(tx -> tx.servedFiles(mac));
    }

    /**
     * @param as          render as if this user sat at the line of {@code port} (nobody else there)
     * @param port        the line (gateway port) {@code as} sits at; 1 for a phone
     * @param showSecrets put the real SIP secrets into the file
     */
    public Result render(Mac mac, Optional<Extension> as, int port, boolean showSecrets) {
        record Read(Device device, List<LineView> lines, Optional<String> unknown, Optional<Site> site) {
        }
        Read read = ledger.read(tx -> {
            Optional<Device> d = tx.device(mac);
            if (d.isEmpty()) {
                return new Read(null, List.of(), Optional.of("device " + mac.display()), Optional.empty());
            }
            Optional<User> sitter = Optional.empty();
            if (as.isPresent()) {
                sitter = tx.user(as.get());
                if (sitter.isEmpty()) {
                    return new Read(null, List.of(), Optional.of("user " + as.get().value()), Optional.empty());
                }
            }
            List<LineView> lines = new ArrayList<>();
            boolean seated = false;
            for (DeskLine l : tx.linesOf(mac)) {
                if (as.isPresent() && l.port() == port) {
                    lines.add(new LineView(l, sitter, Optional.empty(), tx.keysOf(as.get())));
                    seated = true;
                } else {
                    Optional<Occupancy> o = tx.occupancyOfLine(l.endpointId());
                    Optional<User> occupant = o.flatMap(x -> tx.user(x.extension()));
                    lines.add(new LineView(l, occupant, o, occupant.map(u -> tx.keysOf(u.extension())).orElse(List.of())));
                }
            }
            if (as.isPresent() && !seated) {
                return new Read(null, List.of(), Optional.of("line " + port + " on device " + mac.display()), Optional.empty());
            }
            return new Read(d.get(), lines, Optional.empty(), ProvisionDesk.siteOf(tx, d.get()));
        });
        if (read.unknown().isPresent()) {
            return new Unknown(read.unknown().get());
        }
        DeskView real = new DeskView(read.device(), List.copyOf(read.lines()), read.site());
        String text = renderer.render(showSecrets ? real : masked(real), clock.instant());
        List<String> secrets = secretsOf(real);
        return new File(text, !read.device().enabled(), secrets);
    }
}
