package hotdesk.provisioning;

import hotdesk.core.model.Mac;
import org.apache.velocity.Template;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.app.event.EventCartridge;
import org.apache.velocity.app.event.ReferenceInsertionEventHandler;
import org.apache.velocity.exception.ExtendedParseException;
import org.apache.velocity.exception.ParseErrorException;
import org.apache.velocity.exception.ResourceNotFoundException;
import org.apache.velocity.exception.VelocityException;
import org.apache.velocity.runtime.RuntimeConstants;
import org.apache.velocity.runtime.resource.loader.ClasspathResourceLoader;

import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Renders phone configuration files with Velocity in strict mode.
 *
 * <p>Template lookup, first found wins: {@code <vendor>/<mac12>.<kind>.vm} (one phone),
 * {@code <vendor>/<model in lower case>.<kind>.vm} (one model), {@code <vendor>/mac.<kind>.vm}
 * (vendor base); for each name the user template directory is searched before the templates
 * bundled under {@code templates/} on the classpath.
 *
 * <p><b>Caching.</b> {@link #resolve} keeps, per lookup (vendor, model, MAC, kind), the template found
 * and its compiled form, and checks the user directory again at most once per second of the injected
 * clock: a file that appears, disappears or changes modification time or size is looked up and compiled
 * again, so an edited or new override takes effect within a second without a restart. Bundled
 * templates cannot change while hotdesk runs. The {@link TemplateVersion} tells callers that cache
 * rendered files whether the template is still the one they rendered with. An edit that keeps both
 * the size and the modification time (within the file system's time resolution) is not noticed until
 * the next change; {@link #templateFor} always looks afresh.
 *
 * <p>Every inserted value is escaped for the file kind by a handler attached per render: {@code cfg}
 * (Yealink-style {@code key = value} lines) loses CR, LF and every other control character so a
 * value cannot add a line; {@code xml} gets entities for {@code < > & " '} and loses control characters and
 * anything XML 1.0 cannot carry (lone surrogates, U+FFFE, U+FFFF), so the file stays well-formed.
 *
 * <p>Rendering is all-or-nothing: the text is returned only when the whole template rendered.
 * Thread-safe (compiled Velocity templates are shared between threads; each render has its own
 * context); blocking (reads template files when they change).
 */
public final class TemplateRenderer {

    /**
     * Which template a lookup found, and which state of it: the same version means the same compiled
     * template. {@code modified} and {@code size} are -1 for a bundled template.
     */
    public record TemplateVersion(String name, boolean bundled, long modified, long size) {
    }

    /** A lookup's answer: the version found and its compiled template. */
    private record Resolved(TemplateVersion version, Template template, long checkedAt) {
    }

    /** How long a lookup is trusted before the user directory is looked at again. */
    static final java.time.Duration RECHECK = java.time.Duration.ofSeconds(1);
    /** Lookups cached at most (one per desk with its own file, one per model otherwise); beyond it the cache starts over. */
    static final int MAX_LOOKUPS = 100_000;

    /** The classpath folder that holds the bundled templates. */
    public static final String BUNDLED_PREFIX = "templates/";

    private static final Pattern VENDOR = Pattern.compile("[a-z0-9_-]{1,40}");
    private static final Pattern KIND = Pattern.compile("[a-z0-9]{1,10}");
    private static final Pattern MODEL = Pattern.compile("[a-z0-9_-][a-z0-9_.-]{0,79}");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029\\u0085]");

    private final VelocityEngine engine;
    private final Optional<Path> userDir;
    private final java.time.Clock clock;
    private final java.util.concurrent.ConcurrentHashMap<List<String>, Resolved> lookups = new java.util.concurrent.ConcurrentHashMap<>();
    /** Compiled templates by version, shared by every lookup that finds the same file (the base template of all desks). */
    private final java.util.concurrent.ConcurrentHashMap<TemplateVersion, Template> compiled = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, Boolean> bundled = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong compiles = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong merges = new java.util.concurrent.atomic.AtomicLong();

    /** Lookups kept now (for tests): one per model, and one per desk only where a user directory could hold its file. */
    int lookupsKept() {
        return lookups.size();
    }

    /** @param userDir directory searched before the bundled templates, if any */
    public TemplateRenderer(Optional<Path> userDir) {
        this(userDir, java.time.Clock.systemUTC());
    }

    /**
     * @param userDir directory searched before the bundled templates, if any
     * @param clock   paces the re-checks of the user directory
     */
    public TemplateRenderer(Optional<Path> userDir, java.time.Clock clock) {
        this.userDir = userDir;
        this.clock = clock;
        VelocityEngine e = new VelocityEngine();
        List<String> loaders = new ArrayList<>();
        if (userDir.isPresent()) {
            loaders.add("file");
            e.setProperty("resource.loader.file.class",
                    org.apache.velocity.runtime.resource.loader.FileResourceLoader.class.getName());
            e.setProperty(RuntimeConstants.FILE_RESOURCE_LOADER_PATH, userDir.get().toAbsolutePath().toString());
            e.setProperty(RuntimeConstants.FILE_RESOURCE_LOADER_CACHE, "false");
        }
        loaders.add("class");
        e.setProperty("resource.loader.class.instance", new BundledLoader());
        e.setProperty("resource.loader.class.cache", "false");
        e.setProperty(RuntimeConstants.RESOURCE_LOADERS, String.join(",", loaders));
        e.setProperty(RuntimeConstants.RUNTIME_REFERENCES_STRICT, "true");
        e.setProperty(RuntimeConstants.INPUT_ENCODING, "UTF-8");
        e.init();
        this.engine = e;
    }

    /** The template that {@link #render} would use, if any exists. */
    public Optional<String> templateFor(String vendor, String deviceModel, Mac mac, String fileKind) {
        return candidates(vendor, deviceModel, mac, fileKind).stream().filter(engine::resourceExists).findFirst();
    }

    /**
     * The template {@link #render} uses for the device now, and its version; from the cache when it was
     * checked less than {@link #RECHECK} ago.
     *
     * @throws TemplateException when no template exists or it does not compile (naming template and line)
     * @throws IllegalArgumentException for a vendor or file kind that cannot name a template
     */
    public TemplateVersion resolve(String vendor, String deviceModel, Mac mac, String fileKind) {
        return lookup(vendor, deviceModel, mac, fileKind).version();
    }

    private Resolved lookup(String vendor, String deviceModel, Mac mac, String fileKind) {
        return lookup(candidates(vendor, deviceModel, mac, fileKind));
    }

    private Resolved lookup(List<String> names) {
        long now = clock.millis();
        Resolved cached = lookups.get(names);
        if (cached != null && now - cached.checkedAt() < RECHECK.toMillis() && now >= cached.checkedAt()) {
            return cached;
        }
        TemplateVersion found = null;
        for (String name : names) {
            found = version(name);
            if (found != null) {
                break;
            }
        }
        if (found == null) {
            throw new TemplateException(names.get(names.size() - 1), 0, "no template found (looked for " + names + ")", null);
        }
        TemplateVersion v = found;
        Template template = cached != null && cached.version().equals(found) ? cached.template()
                : compiled.computeIfAbsent(found, x -> compile(v.name()));
        Resolved fresh = new Resolved(found, template, now);
        if (lookups.size() >= MAX_LOOKUPS) {
            lookups.clear();
        }
        if (compiled.size() >= MAX_LOOKUPS) {
            compiled.clear();
        }
        lookups.put(names, fresh);
        return fresh;
    }

    /** The version of {@code name} if it exists: the user's file first, then the bundled one. */
    private TemplateVersion version(String name) {
        if (userDir.isPresent()) {
            Path file = userDir.get().resolve(name);
            try {
                java.nio.file.attribute.BasicFileAttributes a = java.nio.file.Files.readAttributes(file,
                        java.nio.file.attribute.BasicFileAttributes.class);
                if (a.isRegularFile()) {
                    return new TemplateVersion(name, false, a.lastModifiedTime().toMillis(), a.size());
                }
            } catch (java.io.IOException e) {
                // not there (or unreadable, which Velocity would report the same way): try the bundled one
            }
        }
        boolean inJar = bundled.computeIfAbsent(name,
                n -> TemplateRenderer.class.getClassLoader().getResource(BUNDLED_PREFIX + n) != null);
        return inJar ? new TemplateVersion(name, true, -1, -1) : null;
    }

    private Template compile(String name) {
        try {
            compiles.incrementAndGet();
            return engine.getTemplate(name, "UTF-8");
        } catch (ParseErrorException ex) {
            throw new TemplateException(orElse(ex.getTemplateName(), name), ex.getLineNumber(), oneLine(ex), ex);
        } catch (ResourceNotFoundException ex) {
            throw new TemplateException(name, 0, oneLine(ex), ex);
        } catch (VelocityException ex) {
            if (ex instanceof ExtendedParseException p) {
                throw new TemplateException(orElse(p.getTemplateName(), name), p.getLineNumber(), oneLine(ex), ex);
            }
            throw new TemplateException(name, 0, oneLine(ex), ex);
        } catch (RuntimeException ex) {
            throw new TemplateException(name, 0, ex.getClass().getSimpleName() + ": " + oneLine(ex), ex);
        }
    }

    /** Templates compiled so far (for tests: a cached lookup compiles nothing). */
    long compiles() {
        return compiles.get();
    }

    /** Templates merged so far (for tests: a cached rendered file merges nothing). */
    long merges() {
        return merges.get();
    }

    /**
     * Renders the first template found for the device with {@code values} as the Velocity context,
     * with the compiled template of {@link #resolve}.
     *
     * @throws TemplateException when no template exists or it fails (naming template and line)
     * @throws IllegalArgumentException for a vendor or file kind that cannot name a template
     */
    public String render(String vendor, String deviceModel, Mac mac, String fileKind, Map<String, Object> values) {
        return renderVersioned(vendor, deviceModel, mac, fileKind, values).text();
    }

    /** A rendered file and the version of the template it came from. */
    public record Rendered(String text, TemplateVersion version) {
    }

    /** As {@link #render}, reporting the version of the template used. */
    public Rendered renderVersioned(String vendor, String deviceModel, Mac mac, String fileKind, Map<String, Object> values) {
        return renderNames(candidates(vendor, deviceModel, mac, fileKind), fileKind, values);
    }

    private Rendered renderNames(List<String> names, String fileKind, Map<String, Object> values) {
        Escaping escaping = Escaping.of(fileKind);
        Resolved r = lookup(names);
        String name = r.version().name();
        try {
            Template template = r.template();
            merges.incrementAndGet();
            VelocityContext context = new VelocityContext(new java.util.HashMap<>(values));
            EventCartridge cartridge = new EventCartridge();
            cartridge.addReferenceInsertionEventHandler(escaping);
            cartridge.attachToContext(context);
            StringWriter out = new StringWriter();
            template.merge(context, out);
            return new Rendered(out.toString(), r.version());
        } catch (ParseErrorException ex) {
            throw new TemplateException(orElse(ex.getTemplateName(), name), ex.getLineNumber(), oneLine(ex), ex);
        } catch (ResourceNotFoundException ex) {
            throw new TemplateException(name, 0, oneLine(ex), ex);
        } catch (VelocityException ex) {
            if (ex instanceof ExtendedParseException p) {
                throw new TemplateException(orElse(p.getTemplateName(), name), p.getLineNumber(), oneLine(ex), ex);
            }
            throw new TemplateException(name, 0, oneLine(ex), ex);
        } catch (RuntimeException ex) {
            throw new TemplateException(name, 0, ex.getClass().getSimpleName() + ": " + oneLine(ex), ex);
        }
    }

    /**
     * Renders a common file's template {@code <vendor>/<name>.<kind>.vm} (user directory first), e.g. Polycom's
     * master file; such a file holds no desk's data.
     *
     * @throws TemplateException when it does not exist or fails
     */
    public String renderNamed(String vendor, String name, String fileKind, Map<String, Object> values) {
        if (name == null || !VENDOR.matcher(name).matches()) {
            throw new IllegalArgumentException("name cannot name a template: '" + name + "'");
        }
        return renderNames(List.of(checkedVendor(vendor, fileKind) + "/" + name + "." + fileKind + ".vm"), fileKind, values).text();
    }

    private static String checkedVendor(String vendor, String fileKind) {
        if (vendor == null || !VENDOR.matcher(vendor).matches()) {
            throw new IllegalArgumentException("vendor cannot name a template: '" + vendor + "'");
        }
        if (fileKind == null || !KIND.matcher(fileKind).matches()) {
            throw new IllegalArgumentException("file kind cannot name a template: '" + fileKind + "'");
        }
        return vendor;
    }

    /**
     * The template names for this device, most specific first. A desk's own {@code <vendor>/<mac>.<kind>.vm} can
     * only be the user's (no bundled template names a MAC): without a user directory it is not a candidate, so
     * every desk of a model shares one lookup instead of each keeping its own (10,000 in a storm).
     */
    private List<String> candidates(String vendor, String deviceModel, Mac mac, String fileKind) {
        if (vendor == null || !VENDOR.matcher(vendor).matches()) {
            throw new IllegalArgumentException("vendor cannot name a template: '" + vendor + "'");
        }
        if (fileKind == null || !KIND.matcher(fileKind).matches()) {
            throw new IllegalArgumentException("file kind cannot name a template: '" + fileKind + "'");
        }
        List<String> names = new ArrayList<>(3);
        if (userDir.isPresent()) {
            names.add(vendor + "/" + mac.value() + "." + fileKind + ".vm");
        }
        String model = deviceModel == null ? "" : deviceModel.toLowerCase(Locale.ROOT);
        // a model that could climb out of the folder or clash with the base name names no template
        if (MODEL.matcher(model).matches() && !model.contains("..") && !model.equals("mac")) {
            names.add(vendor + "/" + model + "." + fileKind + ".vm");
        }
        names.add(vendor + "/mac." + fileKind + ".vm");
        return names;
    }

    private static String orElse(String s, String fallback) {
        return s == null || s.isEmpty() ? fallback : s;
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // the parser appends every token it would have accepted: noise in a log line
        int expecting = m.indexOf("Was expecting");
        if (expecting > 0) {
            m = m.substring(0, expecting);
        }
        return CONTROL.matcher(m).replaceAll(" ").strip();
    }

    /** Escapes every inserted value for its file format; the handler is attached to each render's own context. */
    enum Escaping implements ReferenceInsertionEventHandler {
        CFG {
            @Override
            String escape(String s) {
                String clean = CONTROL.matcher(s).replaceAll("");
                StringBuilder b = new StringBuilder(clean.length());
                for (int i = 0; i < clean.length(); i++) {
                    char c = clean.charAt(i);
                    if (Character.isHighSurrogate(c) && i + 1 < clean.length() && Character.isLowSurrogate(clean.charAt(i + 1))) {
                        b.append(c).append(clean.charAt(++i));
                    } else if (!Character.isSurrogate(c) && c != '\uFFFE' && c != '\uFFFF') {
                        // a lone surrogate has no UTF-8 form; U+FFFE/U+FFFF are no characters
                        b.append(c);
                    }
                }
                return b.toString();
            }
        },
        XML {
            @Override
            String escape(String s) {
                String clean = CONTROL.matcher(s).replaceAll("");
                StringBuilder b = new StringBuilder(clean.length() + 16);
                for (int i = 0; i < clean.length(); i++) {
                    char c = clean.charAt(i);
                    if (Character.isHighSurrogate(c) && i + 1 < clean.length() && Character.isLowSurrogate(clean.charAt(i + 1))) {
                        b.append(c).append(clean.charAt(++i));
                        continue;
                    }
                    if (Character.isSurrogate(c) || c == '\uFFFE' || c == '\uFFFF') {
                        // not a character XML 1.0 can carry, escaped or not: the file must stay well-formed
                        continue;
                    }
                    switch (c) {
                        case '&' -> b.append("&amp;");
                        case '<' -> b.append("&lt;");
                        case '>' -> b.append("&gt;");
                        case '"' -> b.append("&quot;");
                        case '\'' -> b.append("&apos;");
                        default -> b.append(c);
                    }
                }
                return b.toString();
            }
        };

        abstract String escape(String s);

        @Override
        public Object referenceInsert(org.apache.velocity.context.Context context, String reference, Object value) {
            return value == null ? null : escape(value.toString());
        }

        static Escaping of(String fileKind) {
            return switch (fileKind == null ? "" : fileKind) {
                case "cfg" -> CFG;
                case "xml" -> XML;
                default -> throw new IllegalArgumentException("no escaping known for file kind '" + fileKind + "'");
            };
        }
    }

    /** The classpath loader, rooted at {@value #BUNDLED_PREFIX} so both loaders share template names. */
    static final class BundledLoader extends ClasspathResourceLoader {
        @Override
        public Reader getResourceReader(String name, String encoding) throws ResourceNotFoundException {
            String n = name.startsWith("/") ? name.substring(1) : name;
            return super.getResourceReader(BUNDLED_PREFIX + n, encoding);
        }
    }
}
