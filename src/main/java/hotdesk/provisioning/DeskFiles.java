package hotdesk.provisioning;

import hotdesk.core.usecase.PreviewDeskFile;
import hotdesk.core.usecase.ProvisionDesk.DeskView;

import java.time.Instant;

/**
 * A desk's file made the way {@link ProvisioningServer} makes it for a fetch: the vendor profile's model
 * of the desk, merged into the template the renderer picks for the vendor, model and MAC (Polycom: the
 * per-desk file, not the common master). For {@code hotdesk provision render}; thread-safe.
 */
public final class DeskFiles implements PreviewDeskFile.Renderer {

    private final ProvisioningSettings settings;
    private final TemplateRenderer renderer;

    public DeskFiles(ProvisioningSettings settings) {
        this.settings = settings;
        this.renderer = new TemplateRenderer(settings.templateDir());
    }

    @Override
    public String render(DeskView desk, Instant now) {
        VendorProfile p = VendorProfiles.byVendor().get(desk.device().vendor());
        if (p == null) {
            throw new IllegalArgumentException("device " + desk.device().mac().display() + " is vendor '"
                    + desk.device().vendor() + "', which has no provisioning profile");
        }
        try {
            return renderer.renderVersioned(p.vendor(), desk.device().model(), desk.device().mac(), p.fileKind(),
                    p.model(desk, settings.forDesk(desk), now)).text();
        } catch (TemplateException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
